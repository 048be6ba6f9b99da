import assert from "node:assert/strict";
import { readCheckpoint } from "../../lib/io/checkpoint.ts";

const writer = new URL("../_helpers/checkpoint_writer.ts", import.meta.url).pathname;

Deno.test("a SIGKILL in the middle of saving never corrupts the previous checkpoint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_kill_" });
  try {
    for (let trial = 0; trial < 8; trial++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", writer, dir],
        stdout: "null",
        stderr: "null",
      }).spawn();
      // wait for at least one complete checkpoint, then kill at a varying moment
      while (!(await Deno.stat(`${dir}/last/tokenizer.json`).then(() => true, () => false))) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 7 * trial + 3));
      child.kill("SIGKILL");
      await child.status;
      const ckpt = await readCheckpoint(dir); // recovers an interrupted swap if needed
      const step = (ckpt.tokenizer as { step: number }).step;
      const weights = ckpt.weights["wte.weight"].data;
      assert.equal(weights.length, 1_000_000);
      assert.ok(
        weights.every((v) => v === step),
        `trial ${trial}: weights and tokenizer come from one save`,
      );
      assert.equal(ckpt.optimizer!.step.data[0], step);
      const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "last");
      assert.ok(
        left.every((n) => n.startsWith(".last.tmp-")),
        `only stale temp dirs may remain: ${left}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
