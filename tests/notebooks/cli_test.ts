import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { jupyterTest, writeNotebook } from "./_jupyter.ts";

const NO_JUPYTER = { LMFS_PYTHON: "/nonexistent/python3" };

Deno.test("notebooks without Jupyter: a loud skip line and exit 0", async () => {
  const out = await runScript("notebooks", [], { ...NO_JUPYTER, LMFS_REQUIRE_NOTEBOOKS: "" });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, /^skipped: notebooks \(no Python with nbclient, tried \/nonexistent/m);
  assert.match(out.stderr, /apt install jupyter-nbconvert python3-nbclient/);
});

Deno.test("notebooks without Jupyter under LMFS_REQUIRE_NOTEBOOKS=1: exit 1", async () => {
  const out = await runScript("notebooks", [], { ...NO_JUPYTER, LMFS_REQUIRE_NOTEBOOKS: "1" });
  assert.equal(out.code, 1);
  assert.match(out.stderr, /^notebooks: FAILED: no Python with nbclient/m);
});

Deno.test("notebooks rejects bad flags and paths with exit 2", async () => {
  for (
    const args of [
      ["--nope"],
      ["--quick", "--full"],
      ["--budget", "soon"],
      ["/nonexistent.ipynb"],
      ["README.md"],
    ]
  ) {
    const out = await runScript("notebooks", args, NO_JUPYTER);
    assert.equal(out.code, 2, `${args.join(" ")}: ${out.stderr}`);
    assert.equal(out.stderr.trim().split("\n").length, 1, out.stderr);
    assert.match(out.stderr, /^notebooks: /);
  }
});

Deno.test("notebooks --help describes the flags", async () => {
  const out = await runScript("notebooks", ["--help"]);
  assert.equal(out.code, 0);
  for (const flag of ["--quick", "--full", "--write", "--cell-timeout", "--budget", "--json"]) {
    assert.ok(out.stdout.includes(flag), flag);
  }
});

jupyterTest("notebooks --write saves the executed notebook with its run stamp", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs-nb-cli-" });
  try {
    const path = await writeNotebook(dir, "ok.ipynb", [
      "# stamped",
      'await Deno.jupyter.display({ "text/plain": "engine: fake engine · tfjs 0" }, { raw: true });',
      "1 + 1",
    ]);
    const out = await runScript("notebooks", ["--quick", "--write", "--json", path]);
    assert.equal(out.code, 0, out.stderr);
    const event = JSON.parse(out.stdout.trim());
    assert.equal(event.event, "notebook");
    assert.equal(event.status, "ok");
    assert.equal(event.cells_run, 2);
    assert.equal(event.written.engine, "fake engine · tfjs 0");
    const text = await Deno.readTextFile(path);
    assert.ok(text.startsWith('{\n "cells": [\n') && text.endsWith("}\n"));
    const nb = JSON.parse(text);
    const lmfs = nb.metadata.lmfs;
    assert.equal(lmfs.mode, "quick");
    assert.equal(lmfs.engine, "fake engine · tfjs 0");
    assert.match(lmfs.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(lmfs.seconds, event.written.seconds); // the run's time, as recorded
    assert.equal(typeof lmfs.seconds, "number");
    assert.equal(nb.metadata.language_info.name, "typescript");
    assert.equal(nb.cells[2].execution_count, 2);
    assert.equal(nb.cells[2].outputs[0].output_type, "execute_result");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

jupyterTest("notebooks reports a failing cell, exits 1 and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs-nb-cli-" });
  try {
    const path = await writeNotebook(dir, "bad.ipynb", [
      "const x = 1;",
      'throw new Error("boom");',
    ]);
    const before = await Deno.readTextFile(path);
    const out = await runScript("notebooks", ["--write", path]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /^FAILED .*bad\.ipynb .*\(quick\)$/m);
    assert.match(out.stderr, /^ {2}cell 2 of 2 raised Error: boom$/m);
    assert.match(out.stderr, /^ {2}│ throw new Error\("boom"\);$/m);
    assert.match(out.stderr, /not written/);
    assert.match(out.stderr, /^notebooks: 0 ok, 1 failed/m);
    assert.equal(await Deno.readTextFile(path), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
