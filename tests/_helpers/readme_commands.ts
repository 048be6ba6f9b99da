/**
 * README's commands as a test can run them: every line of every ```sh block,
 * in order, each rewritten mechanically to a tiny budget (training stops
 * after 2 steps, samples are 5 tokens, chat reads `/quit` from a pipe), and
 * the commands a test must not run (the test suite itself, benchmarks,
 * network installs, interactive front ends, multi-GB downloads) skipped with
 * a reason.
 */

/** One README command. */
export interface ReadmeCommand {
  /** The line as README shows it (continuations joined, comment dropped). */
  readonly line: string;
  /** `deno task` name and arguments to run, or why it is skipped. */
  readonly run?: { task: string; args: string[]; stdin?: string };
  /** Why it is not run. */
  readonly skip?: string;
}

/** The lines of README's ```sh blocks, in order, continuations joined and comments dropped. */
export function shLines(markdown: string): string[] {
  const lines: string[] = [];
  const blocks = markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm);
  for (const [, body] of blocks) {
    const joined = body.replace(/\s*\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = stripComment(raw).trim();
      if (line) lines.push(line);
    }
  }
  return lines;
}

function stripComment(line: string): string {
  let quoted: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === quoted) quoted = null;
    } else if (ch === '"' || ch === "'") quoted = ch;
    else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** Splits a command line into words (double and single quotes, no escapes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

function setFlag(args: string[], flag: string, value: string): string[] {
  const out = [...args];
  const i = out.indexOf(flag);
  if (i >= 0) out[i + 1] = value;
  else out.push(flag, value);
  return out;
}

/**
 * The tiny-budget version of one README line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyCommand } from "./readme_commands.ts";
 * const c = tinyCommand("deno task train:gpt --time-budget 300");
 * assert.deepEqual(c.run?.args.slice(0, 4), ["--time-budget", "300", "--max-iters", "2"]);
 * assert.equal(tinyCommand("deno task test").skip, "the test suite itself");
 * ```
 */
export function tinyCommand(line: string): ReadmeCommand {
  const words = shellWords(line);
  if (words[0] !== "deno" || words[1] !== "task") {
    return { line, skip: words[0] === "deno" ? "not a project task" : "not a deno command" };
  }
  const [task, ...args] = words.slice(2);
  if (task === "test") return { line, skip: "the test suite itself" };
  if (task === "bench") return { line, skip: "benchmarks (timed; run by hand)" };
  if (task === "notebooks") return { line, skip: "runs the notebooks (the notebook tests do)" };
  if (task === "data" && args.some((a) => a === "tinystories" || a === "all")) {
    return { line, skip: "multi-GB download (not in the offline mirror)" };
  }
  if (task.startsWith("train:")) {
    const resume = args.includes("--resume");
    let a = setFlag(args, "--max-iters", resume ? "4" : "2");
    a = setFlag(a, "--eval-iters", "1");
    a = setFlag(a, "--sample", "5");
    return { line, run: { task, args: a } };
  }
  if (task === "generate") return { line, run: { task, args: setFlag(args, "--length", "5") } };
  if (task === "chat") {
    return { line, run: { task, args: setFlag(args, "--length", "5"), stdin: "hello\n/quit\n" } };
  }
  return { line, run: { task, args } };
}

/** Every README command, rewritten or skipped. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  return shLines(markdown).map(tinyCommand);
}
