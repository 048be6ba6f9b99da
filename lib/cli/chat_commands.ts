/**
 * The chat REPL's slash commands: `/help`, `/temp`, `/topk`, `/topp`, `/len`,
 * `/seed`, `/reset`, `/quit`. Parsing is separate from the REPL so it can be
 * tested without a terminal.
 *
 * @module
 */
import { validateGenerateOptions } from "../sample/options.ts";

/** What the user can change while chatting. */
export interface ChatKnobs {
  temperature: number;
  topK: number;
  topP: number;
  length: number;
  seed?: number;
}

/** The result of one input line. */
export type ChatAction =
  | { kind: "say"; text: string }
  | { kind: "reset" }
  | { kind: "quit" }
  | { kind: "reply"; message: string };

/** Help shown by `/help`. */
export const CHAT_HELP = `commands:
  /temp T   temperature (0 = greedy)     /topk K   top-k (0 = off)
  /topp P   top-p (1 = off)              /len N    tokens per reply
  /seed S   reseed the sampler           /reset    forget the conversation
  /help     this help                    /quit     leave (or Ctrl-D)`;

/**
 * Interprets one line: a command changes `knobs` (validated; a bad value
 * leaves them unchanged and says why), anything else is text to continue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chatCommand } from "./chat_commands.ts";
 * const knobs = { temperature: 0.8, topK: 0, topP: 1, length: 200 };
 * assert.equal(chatCommand("/temp 0.5", knobs).kind, "reply");
 * assert.equal(knobs.temperature, 0.5);
 * assert.match((chatCommand("/topp 2", knobs) as { message: string }).message, /top-p must be in \(0, 1\]/);
 * assert.deepEqual(chatCommand("O Romeo", knobs), { kind: "say", text: "O Romeo" });
 * ```
 */
export function chatCommand(line: string, knobs: ChatKnobs): ChatAction {
  const trimmed = line.trim();
  if (!trimmed.startsWith("/")) return { kind: "say", text: line };
  const [cmd, arg] = trimmed.split(/\s+/, 2);
  const value = Number(arg);
  const set = (key: keyof ChatKnobs, label: string): ChatAction => {
    if (arg === undefined || !Number.isFinite(value)) {
      return { kind: "reply", message: `${cmd} needs a number` };
    }
    const next = { ...knobs, [key]: value };
    try {
      validateGenerateOptions({
        maxNewTokens: next.length,
        temperature: next.temperature,
        topK: next.topK,
        topP: next.topP,
        seed: next.seed,
      });
    } catch (err) {
      return { kind: "reply", message: (err as Error).message };
    }
    Object.assign(knobs, next);
    return { kind: "reply", message: `${label} = ${value}` };
  };
  switch (cmd) {
    case "/help":
      return { kind: "reply", message: CHAT_HELP };
    case "/temp":
      return set("temperature", "temperature");
    case "/topk":
      return set("topK", "top-k");
    case "/topp":
      return set("topP", "top-p");
    case "/len":
      return set("length", "length");
    case "/seed":
      return set("seed", "seed");
    case "/reset":
      return { kind: "reset" };
    case "/quit":
    case "/exit":
      return { kind: "quit" };
    default:
      return { kind: "reply", message: `unknown command ${cmd}; /help lists them` };
  }
}
