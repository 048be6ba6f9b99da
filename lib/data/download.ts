/**
 * Fetching datasets: from a mirror (a local directory or a base URL laid out
 * `<dataset>/<file>`) when one is set, else from the canonical host. Every
 * file streams into a temporary file beside its destination while its size
 * and SHA-256 are checked, and is renamed into place only when it is
 * complete and correct, so an interrupted or failed download never leaves a
 * half-written file where a good one is expected. Files already in the cache
 * are reused.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { type DatasetFile, type DatasetInfo, getDataset, type SplitName } from "./registry.ts";
import { defaultDataDir, type Mirror, MIRROR_ENV, mirrorFromEnv, parseMirror } from "./paths.ts";

/** Progress of one file's transfer. */
export interface DownloadProgress {
  /** `<dataset dir>/<file>`, e.g. `tinyshakespeare/input.txt`. */
  readonly file: string;
  /** Bytes received so far. */
  readonly bytes: number;
  /** Expected size in bytes, when known. */
  readonly total?: number;
  /** Where the bytes come from (URL or path). */
  readonly source: string;
  /** `"start"`, `"data"` or `"done"`. */
  readonly phase: "start" | "data" | "done";
}

/** Options shared by everything that fetches or reads datasets. */
export interface FetchOptions {
  /** Cache directory; default: the project's `data/`. */
  dataDir?: string;
  /** Mirror directory or base URL; default: `LMFS_DATA_MIRROR`, if set. */
  mirror?: string;
  /** Called as bytes arrive. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels a transfer; the temporary file is removed. */
  signal?: AbortSignal;
}

/**
 * A dataset file that cannot be had: no network, a mirror without the file, a
 * host that says 404. An {@link InputError}, so scripts exit with code 2.
 */
export class DataUnavailableError extends InputError {
  /** Creates the error; the message says where to put the file instead. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DataUnavailableError";
  }
}

/**
 * Makes sure one file of a dataset is in the cache and returns its path.
 * A cached file is reused when its size matches the registry (or the size is
 * unknown); otherwise it is fetched from the mirror or the canonical URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureDatasetFile } from "./download.ts";
 * import { getDataset } from "./registry.ts";
 * const mirror = new URL("../../../shared/data", import.meta.url).pathname;
 * const dataDir = await Deno.makeTempDir();
 * const info = getDataset("tinyshakespeare");
 * const path = await ensureDatasetFile(info, info.files[0], { mirror, dataDir });
 * assert.ok((await Deno.stat(path)).size === 1115394);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function ensureDatasetFile(
  info: DatasetInfo,
  file: DatasetFile,
  options: FetchOptions = {},
): Promise<string> {
  const dir = join(options.dataDir ?? defaultDataDir(), info.dir);
  const dest = join(dir, file.file);
  const cached = await statOrNull(dest);
  if (cached?.isFile && (file.bytes === undefined || cached.size === file.bytes)) return dest;

  const mirror = options.mirror !== undefined ? parseMirror(options.mirror) : mirrorFromEnv();
  const name = `${info.dir}/${file.file}`;
  const source = sourceFor(mirror, info, file);
  const body = await openSource(source, name, dest, options.signal);
  const created = !(await statOrNull(dir));
  await Deno.mkdir(dir, { recursive: true });
  try {
    await streamToFile(body, { name, dest, file, source: source.label, options });
  } catch (err) {
    if (created) await Deno.remove(dir).catch(() => {}); // only if still empty
    throw err;
  }
  return dest;
}

/**
 * Fetches every file of a dataset (or only the named splits) and returns
 * their paths by file name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchDataset } from "./download.ts";
 * const mirror = new URL("../../../shared/data", import.meta.url).pathname;
 * const dataDir = await Deno.makeTempDir();
 * const paths = await fetchDataset("wikitext2", { mirror, dataDir, splits: ["valid"] });
 * assert.ok(paths["valid.txt"].endsWith("valid.txt"));
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function fetchDataset(
  name: string,
  options: FetchOptions & { splits?: readonly SplitName[] } = {},
): Promise<Record<string, string>> {
  const info = getDataset(name);
  const files = info.files.filter((f) =>
    !options.splits || !f.split || options.splits.includes(f.split)
  );
  const paths: Record<string, string> = {};
  for (const file of files) paths[file.file] = await ensureDatasetFile(info, file, options);
  return paths;
}

type Source = { kind: "url"; url: string; label: string; mirrored?: boolean } | {
  kind: "path";
  path: string;
  label: string;
};

function sourceFor(mirror: Mirror | undefined, info: DatasetInfo, file: DatasetFile): Source {
  if (mirror?.kind === "dir") {
    const path = join(mirror.path, info.dir, file.file);
    return { kind: "path", path, label: path };
  }
  const url = mirror?.kind === "url" ? `${mirror.base}/${info.dir}/${file.file}` : file.url;
  return { kind: "url", url, label: url, mirrored: mirror?.kind === "url" };
}

/** What to do when a file cannot be had; the mirror hint only when no mirror is in use. */
function offlineHint(dest: string, mirrored = false): string {
  if (mirrored) return `check the mirror (${MIRROR_ENV} or --mirror), or put the file at ${dest}`;
  return `offline? set ${MIRROR_ENV} (or --mirror) to a directory or URL laid out ` +
    `<dataset>/<file>, or put the file at ${dest}`;
}

async function openSource(
  source: Source,
  name: string,
  dest: string,
  signal?: AbortSignal,
): Promise<{ stream: ReadableStream<Uint8Array>; length?: number }> {
  if (source.kind === "path") {
    let f: Deno.FsFile;
    try {
      f = await Deno.open(source.path, { read: true });
    } catch (err) {
      throw new DataUnavailableError(
        `mirror has no ${name} (looked for ${source.path}); add the file to the mirror, ` +
          `or put it at ${dest}`,
        { cause: err },
      );
    }
    const size = (await f.stat()).size;
    return { stream: f.readable, length: size };
  }
  let response: Response;
  try {
    response = await fetch(source.url, { signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new DataUnavailableError(
      `cannot download ${name} from ${source.url} (${errorText(err)}); ${
        offlineHint(dest, source.mirrored)
      }`,
      { cause: err },
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DataUnavailableError(
      `cannot download ${name}: ${source.url} answered ${response.status} ${response.statusText}; ` +
        offlineHint(dest, source.mirrored),
    );
  }
  const header = Number(response.headers.get("content-length"));
  return { stream: response.body, length: header > 0 ? header : undefined };
}

async function streamToFile(
  body: { stream: ReadableStream<Uint8Array>; length?: number },
  ctx: { name: string; dest: string; file: DatasetFile; source: string; options: FetchOptions },
): Promise<void> {
  const { name, dest, file, source, options } = ctx;
  const total = file.bytes ?? body.length;
  const temp = `${dest}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.part`;
  const hash = createHash("sha256");
  let bytes = 0;
  let done = false;
  const out = await Deno.open(temp, { write: true, createNew: true });
  try {
    options.onProgress?.({ file: name, bytes, total, source, phase: "start" });
    const reader = body.stream.getReader();
    const onAbort = () => reader.cancel().catch(() => {});
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (true) {
        options.signal?.throwIfAborted();
        const { value, done: end } = await reader.read();
        if (end) break;
        options.signal?.throwIfAborted();
        hash.update(value);
        for (let off = 0; off < value.length;) off += await out.write(value.subarray(off));
        bytes += value.length;
        options.onProgress?.({ file: name, bytes, total, source, phase: "data" });
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    options.signal?.throwIfAborted(); // a cancelled read ends the stream early
    out.close();
    if (file.bytes !== undefined && bytes !== file.bytes) {
      throw new InputError(
        `${name} from ${source} has ${bytes} bytes, expected ${file.bytes}; ` +
          `removed the partial download, try again or check the mirror`,
      );
    }
    const digest = hash.digest("hex");
    if (file.sha256 !== undefined && digest !== file.sha256) {
      throw new InputError(
        `checksum mismatch for ${name} from ${source}: expected sha256 ${file.sha256}, ` +
          `got ${digest}; removed the download, check the mirror or try again`,
      );
    }
    await Deno.rename(temp, dest);
    done = true;
    options.onProgress?.({ file: name, bytes, total: bytes, source, phase: "done" });
  } finally {
    if (!done) {
      try {
        out.close();
      } catch {
        // already closed
      }
      await Deno.remove(temp).catch(() => {});
    }
  }
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0];
}
