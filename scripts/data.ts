/**
 * `deno task data [name…]`: download datasets into `data/` (or copy them from
 * a mirror), verifying size and SHA-256. Without names it fetches the two
 * datasets the notebooks use; `all` adds TinyStories (~2 GB).
 *
 * @module
 */
import { join } from "node:path";
import { parseFlags } from "../lib/cli/parse_flags.ts";
import {
  datasetNames,
  DATASETS,
  DataUnavailableError,
  defaultDataDir,
  type DownloadProgress,
  fetchDataset,
  findDataset,
  MIRROR_ENV,
} from "../lib/data/mod.ts";
import { fetchPretrained, findPretrained, pretrainedNames } from "../lib/data/pretrained.ts";
import { InputError } from "../lib/errors.ts";
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
Pretrained models: ${pretrainedNames().join(", ")} (from the Hugging Face hub, $HF_ENDPOINT
or https://huggingface.co, into data/models/<name>/; a mirror holds models/<name>/<file>).

Options:
  --mirror DIR|URL   take files from a mirror laid out <dataset>/<file>
                     or models/<name>/<file> (default: $${MIRROR_ENV})
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
    : positionals.flatMap((n) => n === "all" ? datasetNames() : [resolveName(n)]);
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
    const model = findPretrained(name);
    const paths = model
      ? await fetchPretrained(model.name, { dataDir, mirror: values.mirror, onProgress, signal })
      : await fetchDataset(name, {
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
    if (model && !values.json) {
      info(`try: deno task generate --checkpoint ${join(dataDir, model.dir)} --prompt "Hello,"`);
    }
  }
  return 0;
}

/** A dataset's or pretrained model's canonical name; one line listing both kinds otherwise. */
function resolveName(name: string): string {
  const found = findDataset(name)?.name ?? findPretrained(name)?.name;
  if (found) return found;
  throw new InputError(
    `unknown dataset or model "${name}": choose one of ${
      [...datasetNames(), ...pretrainedNames()].join(", ")
    }, or all`,
  );
}

async function list(dataDir: string, json: boolean): Promise<number> {
  const models = pretrainedNames().map((n) => findPretrained(n)!);
  for (const d of [...DATASETS, ...models]) {
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
