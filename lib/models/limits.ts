/**
 * Sizes no model of this project comes near, as hard limits: a config beyond
 * them is a corrupt or foreign file (a `config.json` saying `nLayer: 100000`)
 * or a typo, refused in one line before anything is built. The largest real
 * models here are GPT-2 checkpoints (1,024 positions, width 1,600, 48 layers,
 * 50,257 tokens); the limits leave ample room above them.
 *
 * @module
 */
import { InputError } from "../errors.ts";

/** One limit: the config fields it covers and the largest value allowed. */
export interface Limit {
  /** What the fields measure, for the message. */
  readonly what: string;
  /** Config fields it applies to (those a config lacks are skipped). */
  readonly fields: readonly string[];
  /** Largest allowed value. */
  readonly max: number;
}

/** The limits: context, width, depth and vocabulary. */
export const CONFIG_LIMITS: readonly Limit[] = [
  { what: "context", fields: ["blockSize", "nPositions"], max: 131_072 },
  { what: "width", fields: ["nEmbd", "hidden", "embedDim", "attentionDim"], max: 65_536 },
  { what: "feed-forward width", fields: ["dimFeedforward"], max: 262_144 },
  { what: "depth", fields: ["nLayer"], max: 1_024 },
  { what: "attention heads", fields: ["nHead"], max: 1_024 },
  { what: "vocabulary", fields: ["vocabSize"], max: 1_048_576 },
];

/**
 * Throws a one-line {@link InputError} for the first config field above its
 * limit; `where` names the config's source ("config.json", "--set").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkConfigLimits } from "./limits.ts";
 * checkConfigLimits({ nLayer: 12, blockSize: 1024 }, "config.json");
 * assert.throws(
 *   () => checkConfigLimits({ nLayer: 100000 }, "config.json"),
 *   /config\.json: nLayer 100000 is above the depth limit of 1,024/,
 * );
 * ```
 */
export function checkConfigLimits(config: Record<string, unknown>, where: string): void {
  for (const limit of CONFIG_LIMITS) {
    for (const field of limit.fields) {
      const v = config[field];
      if (typeof v === "number" && v > limit.max) {
        throw new InputError(
          `${where}: ${field} ${v} is above the ${limit.what} limit of ${
            limit.max.toLocaleString("en")
          } (no model of this project comes near it)`,
        );
      }
    }
  }
}
