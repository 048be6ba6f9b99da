/**
 * The config check every model shares: sizes are positive integers, with
 * the same one-line message whichever model and field.
 *
 * @module
 */
import { InputError } from "../errors.ts";

/**
 * Throws a one-line {@link InputError} for the first of `keys` whose value in
 * `config` is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPositiveIntegers } from "./config_checks.ts";
 * checkPositiveIntegers({ nLayer: 2, hidden: 8 }, ["nLayer", "hidden"]);
 * assert.throws(() => checkPositiveIntegers({ nLayer: 0 }, ["nLayer"]), /nLayer must be a positive integer; got 0/);
 * ```
 */
export function checkPositiveIntegers<C extends object>(
  config: C,
  keys: readonly (keyof C & string)[],
): void {
  for (const key of keys) {
    const value = config[key] as unknown;
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new InputError(`${key} must be a positive integer; got ${value}`);
    }
  }
}
