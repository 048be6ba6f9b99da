/**
 * `deno task chat --checkpoint PATH`: an interactive session. Each line you
 * type is added to the conversation and the model continues it, streaming
 * token by token; the conversation is the model's context (cropped to its
 * block size). Slash commands change the sampling knobs (`/help`).
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import { info, printHelp, runMain } from "../lib/cli/mod.ts";
import { emptyPrompt, loadModel } from "../lib/cli/load_model.ts";
import { SAMPLE_FLAGS, SAMPLE_HELP, sampleSettings } from "../lib/cli/sample_flags.ts";
import { chatCommand, type ChatKnobs } from "../lib/cli/chat_commands.ts";
import { formatEngineInfo, initEngine } from "../lib/engine/mod.ts";
import { generate } from "../lib/sample/mod.ts";
import { Rng } from "../lib/rng.ts";
import { InputError } from "../lib/errors.ts";

const HELP = `Usage: deno task chat --checkpoint PATH [options]

Type text and the model continues it; the conversation so far is its context.
/help lists the commands (/temp, /topk, /topp, /len, /seed, /reset, /quit).

Options:
${SAMPLE_HELP}`;

async function* lines(): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer) yield buffer;
}

async function main(args: string[], { signal }: { signal: AbortSignal }): Promise<number> {
  const { values } = parseFlags({ args, options: SAMPLE_FLAGS, strict: true });
  if (values.help) {
    printHelp(HELP);
    return 0;
  }
  const s = sampleSettings(values, 200);
  const engine = await initEngine({ backend: s.backend, blas: s.noBlas ? "off" : undefined });
  info(`engine: ${formatEngineInfo(engine)}`);
  const { model, tokenizer, dir } = await loadModel(s.checkpoint);
  const knobs: ChatKnobs = {
    temperature: s.temperature,
    topK: s.topK,
    topP: s.topP,
    length: s.length,
    seed: s.seed,
  };
  let rng = new Rng(knobs.seed ?? Math.floor(Math.random() * 2 ** 31));
  const out = new TextEncoder();
  const interactive = Deno.stdin.isTerminal();
  const promptMark = () => interactive && Deno.stdout.writeSync(out.encode("\n> "));
  let context: number[] = [];
  let croppedNoticeShown = false;
  let replies = 0;
  info(`chatting with ${model.name} from ${dir}; /help for commands, /quit to leave`);
  try {
    promptMark();
    for await (const line of lines()) {
      const action = chatCommand(line, knobs);
      if (action.kind === "quit") break;
      if (action.kind === "reset") {
        context = [];
        info("(conversation cleared)");
      } else if (action.kind === "reply") {
        info(action.message);
        if (/^seed = /.test(action.message)) rng = new Rng(knobs.seed!);
      } else {
        let ids: number[];
        try {
          ids = action.text === "" && context.length === 0
            ? emptyPrompt(tokenizer)
            : tokenizer.encode(action.text + "\n");
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          info(err.message);
          promptMark();
          continue;
        }
        context = [...context, ...ids];
        // piped: echo each turn so replies read as a transcript, not one run-on text
        if (!interactive) {
          Deno.stdout.writeSync(out.encode(`${replies > 0 ? "\n" : ""}> ${line}\n`));
        }
        replies++;
        const result = await generate(model, context, {
          maxNewTokens: knobs.length,
          temperature: knobs.temperature,
          topK: knobs.topK,
          topP: knobs.topP,
          rng,
          stopStrings: s.stop,
          decode: (t) => tokenizer.decode(t),
          signal,
          onToken: (_id, _i, text) => {
            if (text) Deno.stdout.writeSync(out.encode(text));
          },
        });
        Deno.stdout.writeSync(out.encode("\n"));
        context = [...context, ...result.ids];
        if (model.maxContext !== undefined && context.length > model.maxContext) {
          context = context.slice(-model.maxContext);
          if (!croppedNoticeShown) {
            info(
              `(the conversation now exceeds the context; keeping its last ${model.maxContext} tokens)`,
            );
          }
          croppedNoticeShown = true;
        }
        if (result.stoppedBy === "signal") return 130;
      }
      promptMark();
    }
  } finally {
    model.dispose();
  }
  return 0;
}

if (import.meta.main) await runMain("chat", main);
