/**
 * `deno task generate --checkpoint PATH [--prompt TEXT] …`: sample text from a
 * trained model, streamed token by token to stdout.
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import { emitJson, info, printHelp, runMain } from "../lib/cli/mod.ts";
import { continuationDecoder, encodePrompt, loadModel } from "../lib/cli/load_model.ts";
import { SAMPLE_FLAGS, SAMPLE_HELP, sampleSettings } from "../lib/cli/sample_flags.ts";
import { formatEngineInfo, initEngine } from "../lib/engine/mod.ts";
import { generate } from "../lib/sample/mod.ts";

const HELP = `Usage: deno task generate --checkpoint PATH [options]

Samples text from a trained model and streams it to stdout.

Options:
${SAMPLE_HELP}`;

async function main(args: string[], { signal }: { signal: AbortSignal }): Promise<number> {
  const { values } = parseFlags({ args, options: SAMPLE_FLAGS, strict: true });
  if (values.help) {
    printHelp(HELP);
    return 0;
  }
  const s = sampleSettings(values, 500);
  const engine = await initEngine({ backend: s.backend, blas: s.noBlas ? "off" : undefined });
  if (!s.json) info(`engine: ${formatEngineInfo(engine)}`);
  const { model, tokenizer, dir } = await loadModel(s.checkpoint);
  try {
    if (!s.json) info(`model: ${model.name} from ${dir}`);
    const prompt = encodePrompt(tokenizer, s.prompt);
    const out = new TextEncoder();
    if (!s.json) Deno.stdout.writeSync(out.encode(s.prompt));
    const result = await generate(model, prompt, {
      maxNewTokens: s.length,
      temperature: s.temperature,
      topK: s.topK,
      topP: s.topP,
      greedy: s.greedy,
      seed: s.seed,
      stopStrings: s.stop,
      decode: continuationDecoder(tokenizer, prompt),
      signal,
      onToken: (_id, _i, text) => {
        if (!s.json && text) Deno.stdout.writeSync(out.encode(text));
      },
    });
    if (result.promptCropped) {
      info(
        `note: the prompt was longer than the model's context; kept its last ${model.maxContext} tokens`,
      );
    }
    if (s.json) {
      emitJson({
        event: "done",
        prompt: s.prompt,
        text: result.text,
        ids: result.ids,
        stopped_by: result.stoppedBy,
        seed: result.seed,
        prompt_cropped: result.promptCropped,
      });
    } else Deno.stdout.writeSync(out.encode("\n"));
    return result.stoppedBy === "signal" ? 130 : 0;
  } finally {
    model.dispose();
  }
}

if (import.meta.main) await runMain("generate", main);
