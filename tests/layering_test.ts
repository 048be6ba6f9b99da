/**
 * The rooms of `lib/` and the one direction their imports run (see
 * `lib/README.md`, "Rooms"). {@link ROOMS} is the one place the order is
 * written down: a room may import its own files and any room on an earlier
 * level, never one on its own level or a later one. The test reads every
 * import line under `lib/` and fails on one that points the wrong way.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The rooms, lowest first. `base` is `lib/errors.ts` and `lib/rng.ts`;
 * `api` is `lib/mod.ts`, which re-exports everything.
 */
export const ROOMS: readonly (readonly string[])[] = [
  ["base"],
  ["engine"], // the accelerator: backends, BLAS, fused kernels; tfjs enters here
  ["tokenizers", "data", "plot"],
  ["io"], // storage: safetensors, atomic writes, checkpoints (records data's stream position)
  ["nn"], // the maths: layers and losses in plain tfjs ops
  ["models"], // the five models, built from nn/
  ["train", "sample"],
  ["presets", "notebook"], // recipes bundling model and training options; notebook helpers
  ["cli"],
  ["notebook_runner"], // the headless runner behind `deno task notebooks` (uses cli/)
  ["api"],
];

/** Bare specifiers (import-map names) and the rooms allowed to use them. */
const PACKAGES: readonly { prefix: string; rooms: readonly string[] }[] = [
  { prefix: "@tensorflow/", rooms: ["engine"] },
  { prefix: "@huggingface/tokenizers", rooms: ["tokenizers"] },
  { prefix: "vega", rooms: ["plot"] },
  { prefix: "@resvg/", rooms: ["plot"] },
  { prefix: "dejavu-fonts-ttf", rooms: ["plot"] },
  { prefix: "node:", rooms: ROOMS.flat() },
];

/**
 * Rooms that may take only `tf` from the engine (`engine/tf.ts`): model code
 * gets its maths from `nn/`, never from the engine's fused kernels.
 */
const TF_ONLY_FROM_ENGINE: readonly string[] = ["models"];

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), "../lib");

/** The room of a path under `lib/`, or undefined outside it. */
export function roomOf(path: string): string | undefined {
  const rel = relative(LIB, path);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split("/");
  if (parts.length === 1) return parts[0] === "mod.ts" ? "api" : "base";
  return parts[0];
}

function levelOf(room: string): number {
  return ROOMS.findIndex((level) => level.includes(room));
}

/** One import found in a source file. */
export interface ImportLine {
  /** The quoted specifier. */
  readonly specifier: string;
  /** `import type` / `export type`: erased at run time. */
  readonly typeOnly: boolean;
}

/**
 * The import and re-export specifiers of a TypeScript source, skipping
 * comments (the JSDoc examples import freely) and string contents.
 */
export function importsOf(source: string): ImportLine[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: ImportLine[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*["']([^"']+)["']/gm;
  for (const m of code.matchAll(statement)) {
    out.push({ specifier: m[4], typeOnly: m[2] !== undefined });
  }
  for (const m of code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) {
    out.push({ specifier: m[1], typeOnly: false });
  }
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
    out.push({ specifier: m[1], typeOnly: false });
  }
  return out;
}

/** Why an import from `file` of `specifier` breaks the room order, or null if it does not. */
export function violation(file: string, specifier: string): string | null {
  const from = roomOf(file);
  if (from === undefined) return `${file} is not under lib/`;
  if (levelOf(from) < 0) return `room ${from}/ is not in ROOMS: add it (tests/layering_test.ts)`;
  if (!specifier.startsWith(".")) {
    const pkg = PACKAGES.find((p) => specifier.startsWith(p.prefix));
    if (!pkg) return `${specifier} is not a known package: add it to PACKAGES`;
    return pkg.rooms.includes(from) ? null : `${from}/ imports ${specifier}`;
  }
  const target = resolve(dirname(file), specifier);
  const to = roomOf(target);
  if (to === undefined) return `${from}/ imports ${specifier}, outside lib/`;
  if (to === from) return null;
  if (to === "engine" && TF_ONLY_FROM_ENGINE.includes(from) && !target.endsWith("/engine/tf.ts")) {
    return `${from}/ imports ${specifier}: take the maths from nn/ and only tf from engine/tf.ts`;
  }
  if (levelOf(to) < 0) return `room ${to}/ is not in ROOMS: add it (tests/layering_test.ts)`;
  if (levelOf(to) >= levelOf(from)) return `${from}/ imports ${to}/ (${specifier})`;
  return null;
}

async function libFiles(dir = LIB): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await libFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

Deno.test("every room under lib/ is in the room order", async () => {
  const rooms = new Set((await libFiles()).map((f) => roomOf(f)!));
  for (const room of rooms) assert.ok(levelOf(room) >= 0, `room ${room}/ is missing from ROOMS`);
  for (const room of ROOMS.flat()) {
    assert.ok(rooms.has(room), `ROOMS names ${room}/, which is gone`);
  }
});

Deno.test("imports under lib/ run only downwards through the rooms", async () => {
  const problems: string[] = [];
  let seen = 0;
  for (const file of await libFiles()) {
    for (const { specifier } of importsOf(await Deno.readTextFile(file))) {
      seen++;
      const why = violation(file, specifier);
      if (why) problems.push(`${relative(LIB, file)}: ${why}`);
    }
  }
  assert.ok(seen > 300, `read only ${seen} imports: the parser is broken`);
  assert.deepEqual(problems, []);
});

Deno.test("no import cycle between files under lib/ (type-only imports included)", async () => {
  const graph = new Map<string, string[]>();
  for (const file of await libFiles()) {
    const targets = importsOf(await Deno.readTextFile(file))
      .filter((i) => i.specifier.startsWith("."))
      .map((i) => resolve(dirname(file), i.specifier));
    graph.set(file, targets);
  }
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push(
        [...path.slice(path.indexOf(file)), file].map((f) => relative(LIB, f)).join(" → "),
      );
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});

Deno.test("the layering check itself flags wrong-way imports", () => {
  const at = (path: string) => join(LIB, path);
  assert.deepEqual(
    importsOf(
      '/** import { x } from "./doc.ts"; */\nimport type { A } from "../a.ts";\n' +
        'export {\n  b,\n  type C,\n} from "./b.ts";\nconst m = await import("./m.ts");\n',
    ),
    [
      { specifier: "../a.ts", typeOnly: true },
      { specifier: "./b.ts", typeOnly: false },
      { specifier: "./m.ts", typeOnly: false },
    ],
  );
  assert.match(violation(at("nn/x.ts"), "../train/config.ts")!, /nn\/ imports train\//);
  assert.match(violation(at("models/x.ts"), "../train/config.ts")!, /models\/ imports train\//);
  assert.match(violation(at("models/x.ts"), "../sample/mod.ts")!, /models\/ imports sample\//);
  assert.match(violation(at("models/x.ts"), "../cli/output.ts")!, /models\/ imports cli\//);
  assert.match(violation(at("engine/x.ts"), "../nn/linear.ts")!, /engine\/ imports nn\//);
  assert.match(violation(at("engine/x.ts"), "../data/batching.ts")!, /engine\/ imports data\//);
  assert.match(violation(at("io/x.ts"), "../nn/param_store.ts")!, /io\/ imports nn\//);
  assert.match(violation(at("train/x.ts"), "../sample/mod.ts")!, /train\/ imports sample\//);
  assert.match(violation(at("nn/x.ts"), "@tensorflow/tfjs-core")!, /nn\/ imports @tensorflow/);
  assert.match(violation(at("nn/x.ts"), "../../scripts/x.ts")!, /outside lib/);
  assert.match(violation(at("newroom/x.ts"), "../errors.ts")!, /not in ROOMS/);
  assert.match(violation(at("models/gpt.ts"), "../engine/mod.ts")!, /take the maths from nn/);
  assert.match(violation(at("models/gpt.ts"), "../engine/gelu.ts")!, /take the maths from nn/);
  assert.equal(violation(at("models/gpt.ts"), "../engine/tf.ts"), null);
  assert.equal(violation(at("nn/x.ts"), "../engine/tf.ts"), null);
  assert.equal(violation(at("nn/x.ts"), "../engine/gelu.ts"), null);
  assert.equal(violation(at("nn/x.ts"), "../io/safetensors.ts"), null);
  assert.equal(violation(at("presets/x.ts"), "../train/config.ts"), null);
  assert.equal(violation(at("engine/x.ts"), "../errors.ts"), null);
  assert.equal(violation(at("engine/x.ts"), "@tensorflow/tfjs-core"), null);
});

Deno.test("no comment under lib/, scripts/ or tests/ cites a design file the project does not have", async () => {
  const missing = ["DESIGN", "md"].join("."); // spelled in two parts so this file does not match
  const roots = [LIB, resolve(LIB, "../scripts"), resolve(LIB, "../tests")];
  const hits: string[] = [];
  for (const root of roots) {
    for (const file of await libFiles(root)) {
      if ((await Deno.readTextFile(file)).includes(missing)) hits.push(relative(LIB, file));
    }
  }
  assert.deepEqual(hits, []);
  assert.ok(
    await Deno.stat(join(LIB, "README.md")).then((s) => s.isFile),
    "lib/README.md is missing",
  );
});
