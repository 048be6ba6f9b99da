import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  DataUnavailableError,
  type DownloadProgress,
  ensureDatasetFile,
  fetchDataset,
  getDataset,
} from "../../lib/data/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { serveSharedData } from "../_helpers/server.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";

const SHAKESPEARE_SHA = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_data_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      out.push(...(await listFiles(`${dir}/${e.name}`)).map((n) => `${e.name}/${n}`));
    } else out.push(e.name);
  }
  return out.sort();
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

Deno.test("download from an HTTP mirror streams with progress, verifies and renames", async () => {
  const server = serveSharedData();
  try {
    await withTempDir(async (dataDir) => {
      const events: DownloadProgress[] = [];
      const paths = await fetchDataset("tinyshakespeare", {
        dataDir,
        mirror: server.url,
        onProgress: (p) => events.push(p),
      });
      const path = paths["input.txt"];
      assert.equal(path, `${dataDir}/tinyshakespeare/input.txt`);
      assert.equal(sha256(await Deno.readFile(path)), SHAKESPEARE_SHA);
      assert.deepEqual(server.requests, ["/tinyshakespeare/input.txt"]);
      assert.equal(events[0].phase, "start");
      assert.equal(events.at(-1)?.phase, "done");
      assert.equal(events.at(-1)?.bytes, 1_115_394);
      assert.ok(events.filter((e) => e.phase === "data").length >= 1);
      for (let i = 1; i < events.length; i++) assert.ok(events[i].bytes >= events[i - 1].bytes);
      assert.equal(events[1].total, 1_115_394);
      assert.deepEqual(await listFiles(dataDir), ["tinyshakespeare/input.txt"]);
    });
  } finally {
    await server.close();
  }
});

Deno.test("a cached file is reused without a request", async () => {
  const server = serveSharedData();
  try {
    await withTempDir(async (dataDir) => {
      await fetchDataset("tinyshakespeare", { dataDir, mirror: server.url });
      await fetchDataset("tinyshakespeare", { dataDir, mirror: server.url });
      assert.equal(server.requests.length, 1);
    });
  } finally {
    await server.close();
  }
});

Deno.test("a cached file of the wrong size is fetched again", async () => {
  const server = serveSharedData();
  try {
    await withTempDir(async (dataDir) => {
      await Deno.mkdir(`${dataDir}/tinyshakespeare`);
      await Deno.writeTextFile(`${dataDir}/tinyshakespeare/input.txt`, "truncated");
      await fetchDataset("tinyshakespeare", { dataDir, mirror: server.url });
      const bytes = await Deno.readFile(`${dataDir}/tinyshakespeare/input.txt`);
      assert.equal(sha256(bytes), SHAKESPEARE_SHA);
    });
  } finally {
    await server.close();
  }
});

Deno.test("a checksum mismatch removes the download and says so", async () => {
  const original = await Deno.readFile(`${SHARED_DATA}/tinyshakespeare/input.txt`);
  const corrupt = original.slice();
  corrupt[1000] ^= 1; // same size, one bit flipped
  const server = serveSharedData(() => new Response(corrupt));
  try {
    await withTempDir(async (dataDir) => {
      await assert.rejects(
        fetchDataset("tinyshakespeare", { dataDir, mirror: server.url }),
        (err: Error) => {
          assert.ok(err instanceof InputError);
          assert.match(err.message, /checksum mismatch for tinyshakespeare\/input\.txt/);
          assert.match(err.message, /removed the download/);
          assert.ok(!err.message.includes("\n"));
          return true;
        },
      );
      assert.deepEqual(await listFiles(dataDir), []); // no temp file, no bad file
    });
  } finally {
    await server.close();
  }
});

Deno.test("a truncated transfer is rejected and leaves nothing", async () => {
  const server = serveSharedData(() => new Response("only a few bytes"));
  try {
    await withTempDir(async (dataDir) => {
      await assert.rejects(
        fetchDataset("tinyshakespeare", { dataDir, mirror: server.url }),
        /has 16 bytes, expected 1115394/,
      );
      assert.deepEqual(await listFiles(dataDir), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("a 404 from the mirror is DataUnavailableError with the offline hint", async () => {
  const server = serveSharedData();
  try {
    await withTempDir(async (dataDir) => {
      const info = getDataset("wikitext2");
      const train = info.files.find((f) => f.split === "train")!;
      await assert.rejects(
        ensureDatasetFile(info, train, { dataDir, mirror: server.url }),
        (err: Error) => {
          assert.ok(err instanceof DataUnavailableError);
          assert.match(err.message, /answered 404/);
          assert.match(err.message, /LMFS_DATA_MIRROR/);
          return true;
        },
      );
      assert.deepEqual(await listFiles(dataDir), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("no network: an unreachable host says how to work offline", async () => {
  // Start and stop a server to get a port that nothing listens on.
  const server = serveSharedData();
  const url = server.url;
  await server.close();
  await withTempDir(async (dataDir) => {
    await assert.rejects(
      fetchDataset("tinyshakespeare", { dataDir, mirror: url }),
      (err: Error) => {
        assert.ok(err instanceof DataUnavailableError);
        assert.match(err.message, /cannot download tinyshakespeare\/input\.txt/);
        // a mirror is in use, so the hint is to check it (not "offline? set LMFS_DATA_MIRROR")
        assert.match(
          err.message,
          /check the mirror \(LMFS_DATA_MIRROR .* or put the file at .*input\.txt/,
        );
        assert.doesNotMatch(err.message, /offline\?/);
        return true;
      },
    );
  });
});

Deno.test("an interrupted download removes its temporary file", async () => {
  const controller = new AbortController();
  const server = serveSharedData(() => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent === 2) controller.abort(new DOMException("interrupted", "AbortError"));
        await new Promise((r) => setTimeout(r, 20));
        sent++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    return new Response(body);
  });
  try {
    await withTempDir(async (dataDir) => {
      await assert.rejects(
        fetchDataset("tinyshakespeare", { dataDir, mirror: server.url, signal: controller.signal }),
        (err: Error) => err.name === "AbortError",
      );
      assert.deepEqual(await listFiles(dataDir), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("a directory mirror is copied with the same checks", async () => {
  await withTempDir(async (dataDir) => {
    const paths = await fetchDataset("wikitext2", {
      dataDir,
      mirror: SHARED_DATA,
      splits: ["valid", "test"],
    });
    assert.deepEqual(Object.keys(paths).sort(), ["test.txt", "valid.txt"]);
    assert.deepEqual(await listFiles(dataDir), ["wikitext-2/test.txt", "wikitext-2/valid.txt"]);
  });
});

Deno.test("a mirror that is neither a directory nor a URL is a one-line error", async () => {
  await withTempDir(async (dataDir) => {
    await assert.rejects(
      fetchDataset("tinyshakespeare", { dataDir, mirror: "/no/such/mirror" }),
      (err: Error) =>
        err instanceof InputError && /is not a directory or an http/.test(err.message),
    );
  });
});

Deno.test("an unknown dataset name lists the known ones", async () => {
  await assert.rejects(
    fetchDataset("imagenet"),
    (err: Error) =>
      err instanceof InputError &&
      /choose one of tinyshakespeare, wikitext2, tinystories/.test(err.message),
  );
});
