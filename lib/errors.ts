/**
 * Errors that a user can cause (a bad flag, a missing or unusable file, a
 * dataset that cannot be fetched) are {@link InputError}s: scripts print their
 * one-line message and exit with code 2. Anything else is a bug and exits 1.
 *
 * @module
 */

/**
 * A problem with what the user gave us, not with the code. The message must be
 * one line that says what failed and what to do about it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputError } from "./errors.ts";
 * const err = new InputError("vocabSize must be at least 257 (256 bytes + 1 special token); got 10");
 * assert.ok(err instanceof Error && err.name === "InputError");
 * ```
 */
export class InputError extends Error {
  /** Creates an error whose message is shown to the user as is. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InputError";
  }
}

/**
 * A failure that is not a bug and not the user's input, but the machine's: the
 * disk is full, memory ran out. Scripts print its one-line message (which says
 * what to do) without a stack trace and exit with code 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResourceError } from "./errors.ts";
 * const err = new ResourceError("no space left on device writing best/: needed 1.2 MB");
 * assert.ok(err instanceof Error && err.name === "ResourceError");
 * ```
 */
export class ResourceError extends Error {
  /** Creates an error whose message is shown to the user as is. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ResourceError";
  }
}
