/**
 * Training progress on stderr: one line redrawn in place on a terminal (step,
 * loss, tokens/s, ETA), a permanent line per evaluation; in logs (no
 * terminal) a line every 10% of the run and every evaluation.
 *
 * @module
 */
import { info, stderrIsTerminal, useColor } from "./output.ts";

/** Formats seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The progress display of one training run. */
export class TrainProgress {
  readonly #total: number;
  readonly #timeBudget: number;
  readonly #terminal = stderrIsTerminal();
  readonly #color = useColor();
  #last = 0;
  #drawn = false;
  #nextLogged = 0;

  /**
   * `total` is the step the run stops at (it may be unbounded with a time
   * budget); `timeBudget` the training seconds it stops after (0: none).
   */
  constructor(total: number, timeBudget = 0) {
    this.#total = total;
    this.#timeBudget = timeBudget;
  }

  /** After each step. */
  step(
    e: { step: number; loss: number; lr: number; tokensPerSecond: number; seconds: number },
  ): void {
    const bounded = this.#total < Number.MAX_SAFE_INTEGER;
    const timed = this.#timeBudget > 0;
    // the fraction of the run done: of its steps, or of its time budget, whichever ends it first
    const pct = Math.max(
      bounded ? e.step / this.#total : 0,
      timed ? e.seconds / this.#timeBudget : 0,
    );
    const eta = bounded && e.step > 0
      ? formatDuration((e.seconds / e.step) * (this.#total - e.step))
      : "?";
    const line =
      `step ${e.step}${bounded ? `/${this.#total}` : ""} | loss ${e.loss.toFixed(4)} | ` +
      `lr ${e.lr.toExponential(2)} | ${Math.round(e.tokensPerSecond).toLocaleString("en")} tok/s` +
      (bounded
        ? ` | ETA ${eta}`
        : timed
        ? ` | ${Math.round(Math.min(1, pct) * 100)}% of the time budget`
        : "");
    if (this.#terminal) {
      const now = Date.now();
      if (now - this.#last < 100 && e.step !== this.#total) return;
      this.#last = now;
      Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`));
      this.#drawn = true;
    } else if ((!bounded && !timed) || pct >= this.#nextLogged) {
      info(line);
      this.#nextLogged = pct + 0.1;
    }
  }

  /** After each evaluation. */
  eval(e: { step: number; trainLoss: number; valLoss: number; improved: boolean }): void {
    this.#clear();
    const best = e.improved ? (this.#color ? " \x1b[32m(best)\x1b[0m" : " (best)") : "";
    info(
      `step ${e.step}: train loss ${e.trainLoss.toFixed(4)}, val loss ${
        e.valLoss.toFixed(4)
      }${best}`,
    );
  }

  /** Ends the display (leaves the cursor on a fresh line). */
  close(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#drawn) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[2K"));
    this.#drawn = false;
  }
}
