/**
 * `deno task data [name…]`: download datasets into `data/` (or copy them from
 * a mirror), verifying size and SHA-256. Without names it fetches the two
 * datasets the notebooks use; `all` adds TinyStories (~2 GB).
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import {
  datasetNames,
  DATASETS,
  DataUnavailableError,
  defaultDataDir,
  type DownloadProgress,
  fetchDataset,
  getDataset,
  MIRROR_ENV,
} from "../lib/data/mod.ts";
import {
  emitJson,
  formatBytes,
  info,
  type MainContext,
  printHelp,
  type ProgressLine,
  progressLine,
  runMain,
} from "../lib/cli/mod.ts";

const HELP = `Usage: deno task data [options] [name…]

Downloads datasets into data/<folder>/ and checks their size and SHA-256.
Names: ${datasetNames().join(", ")}, or all. Without names: tinyshakespeare wikitext2.
Folders: ${DATASETS.map((d) => `${d.name} → data/${d.dir}/`).join(", ")}.

Options:
  --mirror DIR|URL   take files from a mirror laid out <dataset>/<file>
                     (default: $${MIRROR_ENV})
  --data-dir DIR     cache directory (default: data/ in the project)
  --list             list the datasets and whether they are cached; fetch nothing
  --json             print one JSON object per file on stdout
  -h, --help         show this help

Where the WikiText-2 training split cannot be fetched, the other splits are
still fetched and training runs on "valid" (see README).`;

async function main(args: string[], { signal }: MainContext): Promise<number> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      mirror: { type: "string" },
      "data-dir": { type: "string" },
      list: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    printHelp(HELP);
    return 0;
  }
  const dataDir = values["data-dir"] ?? defaultDataDir();
  if (values.list) return await list(dataDir, values.json);

  const wanted = positionals.length === 0
    ? ["tinyshakespeare", "wikitext2"]
    : positionals.flatMap((n) => n === "all" ? datasetNames() : [getDataset(n).name]);
  for (const name of new Set(wanted)) {
    const bars = new Map<string, ProgressLine>();
    const onProgress = (p: DownloadProgress) => {
      if (values.json) return;
      if (p.phase === "start") {
        info(`${p.file}: from ${p.source}`);
        bars.set(p.file, progressLine(p.file));
      }
      const bar = bars.get(p.file)!;
      if (p.phase === "done") bar.finish(`${formatBytes(p.bytes)}, verified`);
      else bar.update(p.bytes, p.total);
    };
    const paths = await fetchDataset(name, {
      dataDir,
      mirror: values.mirror,
      onProgress,
      signal,
    }).catch((err) => {
      // WikiText-2's training split is often unavailable offline: fetch the rest.
      if (name !== "wikitext2" || !(err instanceof DataUnavailableError)) throw err;
      info(`wikitext2: ${err.message}`);
      info("wikitext2: fetching valid and test only; runs will train on valid, evaluate on test");
      return fetchDataset(name, {
        dataDir,
        mirror: values.mirror,
        onProgress,
        signal,
        splits: ["valid", "test"],
      });
    });
    for (const [file, path] of Object.entries(paths)) {
      const size = (await Deno.stat(path)).size;
      if (values.json) emitJson({ event: "file", dataset: name, file, path, bytes: size });
      else info(`${name}/${file}: ${path} (${formatBytes(size)})`);
    }
  }
  return 0;
}

async function list(dataDir: string, json: boolean): Promise<number> {
  for (const d of DATASETS) {
    for (const f of d.files) {
      const path = `${dataDir}/${d.dir}/${f.file}`;
      const size = await Deno.stat(path).then((s) => s.size, () => undefined);
      if (json) {
        emitJson({
          event: "dataset",
          dataset: d.name,
          file: f.file,
          path,
          cached: size !== undefined,
        });
      } else {
        const state = size === undefined ? "not cached" : `cached, ${formatBytes(size)}`;
        // the name is what --data and this task take; the folder is where the files live
        const where = `${d.dir}/${f.file}`;
        info(`${d.name.padEnd(16)} ${where.padEnd(34)} ${state}  (${d.licence})`);
      }
    }
  }
  return 0;
}

if (import.meta.main) await runMain("data", main);
