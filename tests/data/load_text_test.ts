import assert from "node:assert/strict";
import { loadText, readTextFile, splitText } from "../../lib/data/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { SHARED_DATA, sharedText } from "../_helpers/paths.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_text_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Tiny Shakespeare splits first 90% / last 10% as nanoGPT does", async () => {
  await withTempDir(async (dataDir) => {
    const text = await loadText("tinyshakespeare", { dataDir, mirror: SHARED_DATA });
    const full = await sharedText("tinyshakespeare/input.txt");
    const n = full.length;
    assert.equal(text.train, full.slice(0, Math.floor(n * 0.9)));
    assert.equal(text.val, full.slice(Math.floor(n * 0.9)));
    assert.equal(text.test, undefined);
    assert.deepEqual(text.notes, []);
  });
});

Deno.test("WikiText-2 without its training split trains on valid, evaluates on test, and says so", async () => {
  await withTempDir(async (dataDir) => {
    const text = await loadText("wikitext2", { dataDir, mirror: SHARED_DATA });
    assert.equal(text.train, await sharedText("wikitext-2/valid.txt"));
    assert.equal(text.val, await sharedText("wikitext-2/test.txt"));
    assert.equal(text.notes.length, 1);
    assert.match(
      text.notes[0],
      /training split unavailable.*trains on "valid" and evaluates on "test"/,
    );
  });
});

Deno.test("WikiText-2 with all three splits uses them as they are", async () => {
  await withTempDir(async (mirror) => {
    await Deno.mkdir(`${mirror}/wikitext-2`);
    for (const f of ["valid.txt", "test.txt"]) {
      await Deno.copyFile(`${SHARED_DATA}/wikitext-2/${f}`, `${mirror}/wikitext-2/${f}`);
    }
    await Deno.writeTextFile(`${mirror}/wikitext-2/train.txt`, " = Train = \n a b c \n");
    const dataDir = `${mirror}/cache`;
    const text = await loadText("wikitext-2", { dataDir, mirror });
    assert.equal(text.train, " = Train = \n a b c \n");
    assert.equal(text.val, await sharedText("wikitext-2/valid.txt"));
    assert.equal(text.test, await sharedText("wikitext-2/test.txt"));
    assert.deepEqual(text.notes, []);
  });
});

Deno.test("a user's own text file is split 90/10", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/my.txt`;
    await Deno.writeTextFile(path, "x".repeat(90) + "y".repeat(10));
    const text = await loadText(path);
    assert.equal(text.source, path);
    assert.equal(text.train, "x".repeat(90));
    assert.equal(text.val, "y".repeat(10));
  });
});

Deno.test("bad --data inputs are one-line InputErrors", async () => {
  await withTempDir(async (dir) => {
    const cases: Array<[string, Uint8Array | null, RegExp]> = [
      [`${dir}/missing.txt`, null, /cannot read data file .*missing\.txt: no such file/],
      [`${dir}/empty.txt`, new Uint8Array(), /is empty/],
      [`${dir}/latin1.txt`, new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), /is not UTF-8 text/],
      [`${dir}/blank.txt`, new TextEncoder().encode(" \n\t\n"), /holds only whitespace/],
    ];
    for (const [path, bytes, message] of cases) {
      if (bytes) await Deno.writeFile(path, bytes);
      await assert.rejects(loadText(path), (err: Error) => {
        assert.ok(err instanceof InputError, `${path}: ${err}`);
        assert.match(err.message, message);
        assert.ok(!err.message.includes("\n"));
        return true;
      });
    }
    await assert.rejects(loadText(dir), /is a directory/);
    await assert.rejects(loadText("shakespear"), /unknown dataset "shakespear"/);
  });
});

Deno.test("readTextFile with maxBytes cuts at a character boundary and notes it", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/t.txt`;
    await Deno.writeTextFile(path, "a😀b"); // 1 + 4 + 1 bytes
    for (
      const [max, expected] of [[1, "a"], [2, "a"], [4, "a"], [5, "a😀"], [6, "a😀b"]] as const
    ) {
      const { text, notes } = await readTextFile(path, { maxBytes: max });
      assert.equal(text, expected, `maxBytes ${max}`);
      assert.equal(notes.length, max < 6 ? 1 : 0);
    }
  });
});

Deno.test("splitText never cuts a surrogate pair and rejects texts too short to split", () => {
  const { train, val } = splitText("ab😀", 0.75); // length 4, cut at 3 would split the emoji
  assert.equal(train, "ab");
  assert.equal(val, "😀");
  assert.throws(() => splitText("a", 0.9), InputError);
});
