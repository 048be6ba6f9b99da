/**
 * Writing to the terminal: human progress on stderr (redrawn in place on a
 * terminal, plain lines otherwise, no colour under `NO_COLOR`), and JSON
 * events on stdout, one object per line, for `--json`.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Whether stderr is a terminal (progress is then redrawn in place). */
export function stderrIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/** Whether colour is allowed: a terminal, and `NO_COLOR` unset or empty. */
export function useColor(): boolean {
  let noColor: string | undefined;
  try {
    noColor = Deno.env.get("NO_COLOR");
  } catch {
    noColor = undefined;
  }
  return stderrIsTerminal() && !noColor;
}

/** Writes one line to stderr. */
export function info(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

/**
 * Writes a script's `--help` text to stdout (so `--help | less` works); help
 * is the output the user asked for, not progress.
 */
export function printHelp(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
}

/** Writes one JSON event per line to stdout. */
export function emitJson(event: Record<string, unknown>): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(event) + "\n"));
}

/**
 * Formats a byte count for people: `1.1 MB`, `532 kB`, `12 B`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./output.ts";
 * assert.equal(formatBytes(1115394), "1.1 MB");
 * ```
 */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** A progress line for one long task (a download, a tokenizer training). */
export interface ProgressLine {
  /** Shows `done` of `total` (total may be unknown). */
  update(done: number, total?: number): void;
  /** Finishes the line with a closing message. */
  finish(message: string): void;
}

/**
 * A progress bar on stderr. On a terminal it redraws one line at most ten
 * times a second; elsewhere (CI logs, pipes) it prints only the first and the
 * last line.
 *
 * @example
 * ```ts
 * import { progressLine } from "./output.ts";
 * const bar = progressLine("tinyshakespeare/input.txt", { format: (n) => `${n} B` });
 * bar.update(10, 100);
 * bar.finish("done");
 * ```
 */
export function progressLine(
  label: string,
  options: { format?: (n: number) => string; terminal?: boolean } = {},
): ProgressLine {
  const format = options.format ?? formatBytes;
  const terminal = options.terminal ?? stderrIsTerminal();
  const color = terminal && useColor();
  let last = 0;
  let started = false;
  const draw = (done: number, total?: number) => {
    const width = 24;
    if (total && total > 0) {
      const frac = Math.min(1, done / total);
      const fill = Math.round(frac * width);
      const bar = "#".repeat(fill) + "-".repeat(width - fill);
      const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
      const body = `${label} [${color ? `\x1b[36m${bar}\x1b[0m` : bar}] ${pct} ` +
        `${format(done)} / ${format(total)}`;
      return body;
    }
    return `${label} ${format(done)}`;
  };
  return {
    update(done, total) {
      started = true;
      if (!terminal) return; // logs get only the closing line
      const now = Date.now();
      if (now - last < 100 && !(total !== undefined && done >= total)) return;
      last = now;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${draw(done, total)}`));
    },
    finish(message) {
      const line = `${label}: ${message}`;
      Deno.stderr.writeSync(
        encoder.encode(terminal && started ? `\r\x1b[2K${line}\n` : `${line}\n`),
      );
    },
  };
}
