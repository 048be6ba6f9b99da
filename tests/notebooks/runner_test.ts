import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { engineOf, outputsOf } from "../../lib/notebook_runner/notebook_file.ts";
import { runNotebook } from "../../lib/notebook_runner/run_notebook.ts";
import { formatRun } from "../../lib/notebook_runner/report.ts";
import { VEGA_LITE_MIME } from "../../lib/plot/jupyter.ts";
import { jupyterTest, writeNotebook } from "./_jupyter.ts";

const SMOKE = fileURLToPath(new URL("./fixtures/smoke.ipynb", import.meta.url));

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs-nb-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

jupyterTest("runNotebook() runs the smoke notebook on the Deno kernel", async (python) => {
  const run = await runNotebook(SMOKE, { python, mode: "quick" });
  assert.equal(run.status, "ok", run.failure?.evalue ?? run.message ?? run.stderr);
  assert.equal(run.codeCells, 5);
  assert.equal(run.cellsRun, 5);
  assert.deepEqual(run.exit, { code: 0, signal: null });
  if (Deno.build.os === "linux") {
    // the kernel's peak memory: a Deno process with tfjs holds tens of MiB at least
    assert.ok(run.peakRssMB! > 20 && run.peakRssMB! < 8192, `peak ${run.peakRssMB}`);
    assert.match(formatRun(run, "quick"), /kernel peak memory \d+ MiB\)$/);
  }
  const nb = run.notebook!;
  assert.equal(engineOf(nb), `smoke test · deno ${Deno.version.deno}`);
  // The plot cell's result is the full Vega-Lite bundle.
  const plots = outputsOf(nb).filter((o) => o.output.data?.[VEGA_LITE_MIME]);
  const plot = plots.find((o) => o.cell === 4)!.output;
  assert.equal(plot.output_type, "execute_result");
  assert.deepEqual(Object.keys(plot.data!).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"]);
  const spec = plot.data![VEGA_LITE_MIME] as { $schema: string; title: string };
  assert.match(spec.$schema, /vega-lite\/v5/);
  assert.equal(spec.title, "smoke plot");
  // The live display kept one output, updated in place to its final frame.
  const live = nb.cells[5].outputs!;
  assert.equal(live.length, 1);
  assert.equal(live[0].output_type, "display_data");
  assert.ok((live[0].data!["image/png"] as string).length > 100);
  assert.match(String(live[0].data!["text/plain"]), /^smoke training: step 3\/3 .* val 1\.500/);
  // Cell status, not stdout text (the kernel may go idle before stdout arrives).
  assert.ok(nb.cells.filter((c) => c.cell_type === "code").every((c) => c.execution_count));
});

jupyterTest("runNotebook() reports the failing cell and its error", async (python) => {
  await withTempDir(async (dir) => {
    const path = await writeNotebook(dir, "fail.ipynb", [
      "# a notebook that fails",
      "const a = 1;",
      'function f(): number {\n  throw new TypeError("boom in f");\n}\nf();',
      '"never reached"',
    ]);
    const run = await runNotebook(path, { python, mode: "quick" });
    assert.equal(run.status, "error");
    assert.equal(run.cellsRun, 1);
    assert.equal(run.failure?.index, 2);
    assert.equal(run.failure?.ename, "TypeError");
    assert.equal(run.failure?.evalue, "boom in f");
    assert.match(run.failure!.source, /throw new TypeError/);
    assert.ok(run.failure!.traceback.some((line) => line.includes("TypeError: boom in f")));
    assert.equal(run.notebook!.cells[3].execution_count, null);
  });
});

jupyterTest(
  "LMFS_QUICK=1 reaches the kernel in quick mode and not in full mode",
  async (python) => {
    await withTempDir(async (dir) => {
      const path = await writeNotebook(dir, "quick.ipynb", [
        'const q = Deno.env.get("LMFS_QUICK");\nif (q !== "1") throw new Error(`LMFS_QUICK is ${q}`);',
      ]);
      const quick = await runNotebook(path, { python, mode: "quick" });
      assert.equal(quick.status, "ok", quick.failure?.evalue);
      const full = await runNotebook(path, { python, mode: "full", env: { LMFS_QUICK: "1" } });
      assert.equal(full.status, "error");
      assert.equal(full.failure?.evalue, "LMFS_QUICK is undefined");
    });
  },
);

jupyterTest("a notebook over its time budget is stopped and reported", async (python) => {
  await withTempDir(async (dir) => {
    const path = await writeNotebook(dir, "slow.ipynb", [
      "const a = 1;",
      "const t0 = Date.now();\nwhile (Date.now() - t0 < 30_000) {}",
      '"never reached"',
    ]);
    const run = await runNotebook(path, { python, mode: "quick", budget: 4 });
    // Stopped by the budget (Python's own limit, not the runner's kill), in the slow cell.
    assert.equal(run.status, "timeout");
    assert.equal(run.cellsRun, 1);
    assert.equal(run.failure?.index, 1);
    assert.match(run.failure!.evalue, /did not finish within \d+ s/);
    assert.match(run.message ?? "", /budget of 4 s/);
  });
});

Deno.test("a runner that hangs is killed after the budget and its grace period", async () => {
  await withTempDir(async (dir) => {
    const fake = `${dir}/python`;
    await Deno.writeTextFile(fake, "#!/bin/sh\nexec sleep 60\n");
    await Deno.chmod(fake, 0o755);
    const path = await writeNotebook(dir, "any.ipynb", ["1"]);
    const run = await runNotebook(path, { python: fake, budget: 1, graceSeconds: 1 });
    assert.equal(run.status, "timeout");
    assert.match(run.message!, /^killed after 2 s/);
    // The process is gone, ended by the runner's signal (left alone, sleep would exit 0).
    assert.deepEqual(run.exit, { code: 143, signal: "SIGTERM" });
  });
});

Deno.test("a Python without nbclient is reported as a crash with its stderr", async () => {
  await withTempDir(async (dir) => {
    const fake = `${dir}/python`;
    await Deno.writeTextFile(fake, "#!/bin/sh\necho 'ModuleNotFoundError: nbclient' >&2\nexit 3\n");
    await Deno.chmod(fake, 0o755);
    const path = await writeNotebook(dir, "any.ipynb", ["1"]);
    const run = await runNotebook(path, { python: fake });
    assert.equal(run.status, "crash");
    assert.match(run.message!, /exited with code 3 and no result:\nModuleNotFoundError: nbclient/);
  });
});

Deno.test("runNotebook() rejects bad limits and files that are not notebooks", async () => {
  await withTempDir(async (dir) => {
    const path = await writeNotebook(dir, "a.ipynb", ["1"]);
    await assert.rejects(runNotebook(path, { python: "python3", budget: -1 }), RangeError);
    await Deno.writeTextFile(`${dir}/b.ipynb`, "{}");
    await assert.rejects(runNotebook(`${dir}/b.ipynb`, { python: "python3" }), /not a Jupyter/);
  });
});

jupyterTest("outputs that arrive after their cell's idle message are kept", async (python) => {
  // The Deno kernel sometimes sends "idle" before a cell's display output;
  // the runner routes such late outputs back to their cell.
  await withTempDir(async (dir) => {
    const cells = Array.from(
      { length: 6 },
      (_, i) => `await Deno.jupyter.display({ "text/plain": "out ${i}" }, { raw: true });`,
    );
    const path = await writeNotebook(dir, "late.ipynb", cells);
    for (let round = 0; round < 2; round++) {
      const run = await runNotebook(path, { python });
      assert.equal(run.status, "ok");
      const texts = run.notebook!.cells.map((c) => c.outputs!.map((o) => o.data!["text/plain"]));
      assert.deepEqual(texts, cells.map((_, i) => [[`out ${i}`]]));
    }
  });
});

jupyterTest("a cell that ends the kernel process is reported as a dead kernel", async (python) => {
  await withTempDir(async (dir) => {
    const path = await writeNotebook(dir, "dead.ipynb", ["1", "Deno.exit(3)", "2"]);
    const run = await runNotebook(path, { python });
    assert.equal(run.status, "dead");
    assert.equal(run.failure?.index, 1);
    assert.match(
      formatRun(run, "quick"),
      /cell 2 of 3 stopped: the kernel died while this cell ran/,
    );
  });
});

jupyterTest("a kernel that cannot start is reported before the first cell", async (python) => {
  await withTempDir(async (dir) => {
    const path = await writeNotebook(dir, "any.ipynb", ["1"]);
    const run = await runNotebook(path, { python, deno: `${dir}/no-such-deno` });
    assert.equal(run.status, "crash");
    assert.equal(run.cellsRun, 0);
    assert.match(
      run.message!,
      /^the runner failed before the first cell \(starting the kernel\): /,
    );
    assert.match(run.message!, /no-such-deno/);
  });
});
