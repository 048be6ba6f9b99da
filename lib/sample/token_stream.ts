/**
 * Stop conditions and streaming, apart from the model. Every sampled token is
 * pushed here; the stream says which tokens are final (safe to show) and
 * whether generation must stop.
 *
 * Why hold tokens back: with the stop string `"\nUser:"`, a streamed `"\n"`
 * might be the start of the stop string, which must not be shown. So a token
 * is released only once the text it ends with cannot be the beginning of a
 * stop string (and, for id sequences, once it cannot start a stop sequence).
 * When generation ends for another reason, everything held is released.
 *
 * The decoded text is recomputed from all new tokens each step (decoders may
 * depend on neighbours: a word tokenizer joins with spaces, byte-level BPE
 * can split one character over two tokens, shown as U+FFFD until complete).
 *
 * @module
 */

/** One token that became final, with the text it adds (when decoding). */
export interface ReleasedToken {
  /** The token id. */
  readonly id: number;
  /** The text it adds; `""` while it ends inside an incomplete character. */
  readonly text: string | undefined;
}

/** What {@link TokenStream.push} reports. */
export interface PushResult {
  /** Tokens that became final, in order. */
  readonly released: ReleasedToken[];
  /** Whether a stop condition matched (the stream then releases nothing more). */
  readonly stopped: boolean;
}

/** Stop conditions for a {@link TokenStream}. */
export interface TokenStreamOptions {
  /** Stop when the new tokens end with one of these id sequences (removed). */
  readonly stopSequences?: readonly (readonly number[])[];
  /** Stop when the text contains one of these strings (cut where it begins). */
  readonly stopStrings?: readonly string[];
  /** Stop when this returns true (nothing removed). */
  readonly stopWhen?: (text: string, ids: readonly number[]) => boolean;
  /** Ids → text; required for `stopStrings` and `stopWhen`. */
  readonly decode?: (ids: number[]) => string;
}

const REPLACEMENT = "\uFFFD";

/**
 * Holds back tokens that might begin a stop sequence or stop string, and
 * detects stops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenStream } from "./token_stream.ts";
 * const decode = (ids: number[]) => String.fromCharCode(...ids.map((i) => 97 + i));
 * const stream = new TokenStream({ stopStrings: ["cd"], decode }); // ids 0..3 = "abcd"
 * assert.deepEqual(stream.push(0).released, [{ id: 0, text: "a" }]);
 * assert.deepEqual(stream.push(2).released, []); // "c" could begin "cd"
 * const last = stream.push(3); // "acd" contains "cd"
 * assert.ok(last.stopped);
 * assert.equal(stream.text, "a");
 * ```
 */
export class TokenStream {
  readonly #sequences: readonly (readonly number[])[];
  readonly #strings: readonly string[];
  readonly #stopWhen?: (text: string, ids: readonly number[]) => boolean;
  readonly #decode?: (ids: number[]) => string;
  readonly #ids: number[] = [];
  /** Decoded text after each token (while it is held). */
  readonly #textAfter: string[] = [];
  #released = 0;
  #emitted = "";
  #current = "";
  #finalText: string | undefined;
  #done = false;

  /** A stream with the given stop conditions. */
  constructor(options: TokenStreamOptions = {}) {
    this.#sequences = options.stopSequences ?? [];
    this.#strings = options.stopStrings ?? [];
    this.#stopWhen = options.stopWhen;
    this.#decode = options.decode;
    if ((this.#strings.length > 0 || this.#stopWhen) && !this.#decode) {
      throw new TypeError("TokenStream: stopStrings and stopWhen need decode");
    }
  }

  /**
   * The continuation's text once the stream has stopped or been flushed:
   * cut before a stop string, without a stop sequence; `undefined` without
   * `decode` or while generation is still running.
   */
  get text(): string | undefined {
    return this.#finalText;
  }

  /** Adds a sampled token; says which tokens are now final and whether to stop. */
  push(id: number): PushResult {
    if (this.#done) throw new Error("TokenStream: push after the stream ended");
    this.#ids.push(id);
    if (this.#decode) {
      this.#current = this.#decode(this.#ids);
      this.#textAfter[this.#ids.length - 1] = this.#current;
    }
    const n = this.#ids.length;

    const seqLength = this.#matchedSequenceLength();
    if (seqLength > 0) {
      const kept = this.#decode?.(this.#ids.slice(0, n - seqLength));
      const textEnd = kept !== undefined && this.#current.startsWith(kept)
        ? kept.length
        : undefined;
      const released = this.#release(n - seqLength, textEnd);
      this.#finish(kept);
      return { released, stopped: true };
    }
    if (this.#strings.length > 0) {
      const cut = this.#firstStopString();
      if (cut >= 0) {
        // keep every token that adds text before the cut
        let end = this.#released;
        while (end < n && this.#textBefore(end).length < cut) end++;
        const released = this.#release(end, cut);
        this.#finish(this.#current.slice(0, cut));
        return { released, stopped: true };
      }
    }
    if (this.#stopWhen?.(this.#current, this.#ids)) {
      const released = this.#release(n, this.#current.length);
      this.#finish(this.#current);
      return { released, stopped: true };
    }

    let end = n - this.#heldBySequences();
    if (this.#strings.length > 0) {
      const safe = this.#current.length - this.#heldByStrings();
      while (end > this.#released && !this.#settled(end - 1, safe)) end--;
    }
    return { released: this.#release(end, undefined), stopped: false };
  }

  /** Releases everything still held (generation ended for another reason). */
  flush(): ReleasedToken[] {
    if (this.#done) return [];
    const released = this.#release(this.#ids.length, this.#current.length);
    this.#finish(this.#decode ? this.#current : undefined);
    return released;
  }

  #finish(text: string | undefined): void {
    this.#done = true;
    this.#finalText = text;
  }

  /** Text before token `i` (as decoded when token i − 1 arrived). */
  #textBefore(i: number): string {
    return i === 0 ? "" : this.#textAfter[i - 1];
  }

  /** Whether the text after token `i` is final and within the first `limit` characters. */
  #settled(i: number, limit: number): boolean {
    const t = this.#textAfter[i];
    return t.length <= limit && !t.endsWith(REPLACEMENT) && this.#current.startsWith(t) &&
      t.startsWith(this.#emitted);
  }

  /**
   * Releases tokens up to (not including) `end`. With `lastTextEnd`, the last
   * released token also carries any text up to that offset not yet emitted.
   */
  #release(end: number, lastTextEnd: number | undefined): ReleasedToken[] {
    const out: ReleasedToken[] = [];
    for (let i = this.#released; i < end; i++) {
      let text: string | undefined;
      if (this.#decode) {
        text = "";
        const limit = lastTextEnd ?? Infinity;
        if (i === end - 1 && lastTextEnd !== undefined) {
          if (this.#current.startsWith(this.#emitted) && lastTextEnd >= this.#emitted.length) {
            text = this.#current.slice(this.#emitted.length, lastTextEnd);
            this.#emitted = this.#current.slice(0, lastTextEnd);
          }
        } else if (this.#settled(i, limit)) {
          text = this.#textAfter[i].slice(this.#emitted.length);
          this.#emitted = this.#textAfter[i];
        }
      }
      out.push({ id: this.#ids[i], text });
    }
    this.#released = Math.max(this.#released, end);
    return out;
  }

  /** Length of the longest stop sequence the ids end with (0 if none). */
  #matchedSequenceLength(): number {
    let best = 0;
    for (const seq of this.#sequences) {
      if (seq.length > best && endsWith(this.#ids, seq, seq.length)) best = seq.length;
    }
    return best;
  }

  /** How many trailing ids could begin a stop sequence. */
  #heldBySequences(): number {
    let held = 0;
    for (const seq of this.#sequences) {
      for (let k = Math.min(seq.length - 1, this.#ids.length); k > held; k--) {
        if (endsWith(this.#ids, seq, k)) {
          held = k;
          break;
        }
      }
    }
    return held;
  }

  /** Offset of the earliest stop string in the text, or −1. */
  #firstStopString(): number {
    let first = -1;
    for (const s of this.#strings) {
      const at = this.#current.indexOf(s);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }

  /** How many trailing characters could begin a stop string. */
  #heldByStrings(): number {
    let held = 0;
    for (const s of this.#strings) {
      for (let k = Math.min(s.length - 1, this.#current.length); k > held; k--) {
        if (this.#current.endsWith(s.slice(0, k))) {
          held = k;
          break;
        }
      }
    }
    return held;
  }
}

/** Whether `ids` ends with the first `k` entries of `seq`. */
function endsWith(ids: readonly number[], seq: readonly number[], k: number): boolean {
  if (k > ids.length) return false;
  const offset = ids.length - k;
  for (let i = 0; i < k; i++) if (ids[offset + i] !== seq[i]) return false;
  return true;
}
