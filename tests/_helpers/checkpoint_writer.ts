/**
 * Test helper process: writes checkpoint after checkpoint into `<dir>/last`
 * forever, each one's weights filled with its step number, so a test can
 * SIGKILL it mid-save and check what survives. Usage: checkpoint_writer.ts DIR
 */
import { writeCheckpoint } from "../../lib/io/checkpoint.ts";

const dir = Deno.args[0];
const size = 1_000_000; // 4 MB of weights: long enough for a kill to land mid-write
for (let step = 1;; step++) {
  await writeCheckpoint(`${dir}/last`, {
    model: "gpt",
    config: { vocabSize: 1 },
    weights: {
      "wte.weight": { dtype: "float32", shape: [size], data: new Float32Array(size).fill(step) },
    },
    tokenizer: { type: "char", step },
    optimizer: { step: { dtype: "int32", shape: [], data: new Int32Array([step]) } },
  });
}
