import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  engineOf,
  firstErrorOutput,
  type Notebook,
  parseNotebook,
  stringifyNotebook,
} from "../../lib/notebook_runner/notebook_file.ts";
import {
  NOTEBOOK_MAX_BYTES,
  NOTEBOOK_WARN_BYTES,
  runStamp,
  writeExecuted,
} from "../../lib/notebook_runner/write_run.ts";
import { formatRun } from "../../lib/notebook_runner/report.ts";
import { stripAnsi } from "../../lib/notebook_runner/run_result.ts";

const SMOKE = fileURLToPath(new URL("./fixtures/smoke.ipynb", import.meta.url));

const notebook = (outputs: Notebook["cells"][number]["outputs"]): Notebook => ({
  cells: [{ cell_type: "code", source: "x", outputs, execution_count: 1, metadata: {} }],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});

Deno.test("stringifyNotebook() writes exactly what Jupyter's nbformat writes", async () => {
  // smoke.ipynb was written by nbformat (Python): a round trip must not change a byte.
  const text = await Deno.readTextFile(SMOKE);
  assert.equal(stringifyNotebook(parseNotebook(text, SMOKE)), text);
});

Deno.test("stringifyNotebook() sorts keys by code point, numbers last like Python", () => {
  assert.equal(
    stringifyNotebook({ "10": 1, "2": 2, "é": 3, z: 4 }),
    '{\n "10": 1,\n "2": 2,\n "z": 4,\n "é": 3\n}\n',
  );
  assert.equal(
    stringifyNotebook({ a: "\u001b[1m\n", b: null }),
    '{\n "a": "\\u001b[1m\\n",\n "b": null\n}\n',
  );
});

Deno.test("engineOf() finds the showEngine line in display data or printed text", () => {
  const display = notebook([{
    output_type: "display_data",
    data: { "text/plain": ["engine: wasm"] },
  }]);
  assert.equal(engineOf(display), "wasm");
  const printed = notebook([{
    output_type: "stream",
    name: "stdout",
    text: ["x\n", "engine: cpu\n"],
  }]);
  assert.equal(engineOf(printed), "cpu");
  assert.equal(engineOf(notebook([{ output_type: "stream", text: "no engine\n" }])), undefined);
});

Deno.test("firstErrorOutput() finds an error output even when the reply said ok", () => {
  const nb = notebook([
    { output_type: "stream", text: "a" },
    { output_type: "error", ename: "TypeError", evalue: "x", traceback: [] },
  ]);
  assert.equal(firstErrorOutput(nb)?.output.ename, "TypeError");
  assert.equal(firstErrorOutput(notebook([])), undefined);
});

Deno.test("runStamp() falls back to the Deno version and rounds seconds", () => {
  const stamp = runStamp(notebook([]), "quick", 41.26, new Date(0));
  assert.deepEqual(stamp, {
    mode: "quick",
    date: "1970-01-01T00:00:00Z",
    engine: `deno ${Deno.version.deno}`,
    seconds: 41.3,
    deno: Deno.version.deno,
  });
});

Deno.test("writeExecuted() warns over ~1 MB and fails over 2 MB", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = (bytes: number) =>
      notebook([{ output_type: "display_data", data: { "image/png": "A".repeat(bytes) } }]);
    const ok = await writeExecuted(`${dir}/a.ipynb`, big(1000), { mode: "full", seconds: 1 });
    assert.equal(ok.size, "ok");
    const warn = await writeExecuted(`${dir}/b.ipynb`, big(NOTEBOOK_WARN_BYTES), {
      mode: "full",
      seconds: 1,
    });
    assert.equal(warn.size, "warn");
    const fail = await writeExecuted(`${dir}/c.ipynb`, big(NOTEBOOK_MAX_BYTES), {
      mode: "full",
      seconds: 1,
    });
    assert.equal(fail.size, "fail");
    assert.equal(fail.bytes, (await Deno.stat(`${dir}/c.ipynb`)).size);
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["a.ipynb", "b.ipynb", "c.ipynb"]); // no temp files left
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("formatRun() reports timeouts and crashes as one block", () => {
  const base = { path: "n.ipynb", seconds: 75, cellsRun: 2, codeCells: 9, cells: 12, stderr: "" };
  const timeout = formatRun({
    ...base,
    status: "timeout",
    failure: {
      index: 4,
      source: "await train();",
      ename: "Timeout",
      evalue: "cell did not finish within 58 s",
      traceback: [],
    },
    message: "notebook time budget of 60 s used up",
  }, "quick");
  assert.equal(
    timeout,
    [
      "FAILED n.ipynb  1 min 15 s (quick)",
      "  cell 5 of 12 timed out: cell did not finish within 58 s",
      "  │ await train();",
      "  notebook time budget of 60 s used up",
    ].join("\n"),
  );
  const crash = formatRun({ ...base, status: "crash", message: "kernel failed to start" }, "full");
  assert.equal(crash, "FAILED n.ipynb  1 min 15 s (full)\n  kernel failed to start");
  assert.equal(
    formatRun({ ...base, status: "ok" }, "full"),
    "ok     n.ipynb  1 min 15 s (full, 9 code cells)",
  );
});

Deno.test("stripAnsi() removes the kernel's colour codes", () => {
  assert.equal(stripAnsi("\x1b[31mError\x1b[39m: \x1b[1mboom\x1b[22m"), "Error: boom");
});
