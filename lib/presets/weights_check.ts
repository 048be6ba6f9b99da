/**
 * Weights decide, the config is checked against them. Before a checkpoint's
 * model is built, every parameter shape its `config.json` implies is compared
 * with the shapes `model.safetensors` stores (read from the header alone), so
 * a config that disagrees, or asks for more than the file holds, is refused in
 * one line naming the first mismatch, and nothing is allocated for it.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { ModelSpec } from "./registry.ts";
import type { BaseConfig } from "../models/types.ts";
import { checkConfigLimits } from "../models/limits.ts";
import { planParams } from "../nn/param_store.ts";

/**
 * The parameter shapes a model of `spec` with `config` has, by name, without
 * building it. The config must already be within the limits (see
 * {@link checkConfigLimits}) and valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getModelSpec } from "./registry.ts";
 * import { expectedShapes } from "./weights_check.ts";
 * const spec = getModelSpec("gpt");
 * const shapes = expectedShapes(spec, { ...spec.presets.tiny.model, vocabSize: 65 });
 * assert.deepEqual(shapes.get("wte.weight"), [65, 32]);
 * ```
 */
export function expectedShapes(spec: ModelSpec, config: BaseConfig): Map<string, number[]> {
  return planParams(() => spec.create(config, 0));
}

/**
 * Checks `config` (from `configWhere`) against the weight shapes stored in
 * `weightsWhere`: within the limits, valid for the model, and implying exactly
 * the stored tensors. Throws a one-line {@link InputError} naming the first
 * disagreement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getModelSpec } from "./registry.ts";
 * import { checkConfigAgainstWeights, expectedShapes } from "./weights_check.ts";
 * const spec = getModelSpec("gpt");
 * const config = { ...spec.presets.tiny.model, vocabSize: 65 };
 * const stored = Object.fromEntries([...expectedShapes(spec, config)].map(([n, shape]) => [n, { shape }]));
 * const where = { configWhere: "config.json", weightsWhere: "model.safetensors" };
 * checkConfigAgainstWeights(spec, config, stored, where);
 * const deeper = { ...config, nLayer: 3 };
 * assert.throws(
 *   () => checkConfigAgainstWeights(spec, deeper, stored, where),
 *   /config\.json implies h\.2\.ln_1\.weight \[32\], which model\.safetensors does not hold/,
 * );
 * ```
 */
export function checkConfigAgainstWeights(
  spec: ModelSpec,
  config: BaseConfig,
  stored: Record<string, { readonly shape: readonly number[] }>,
  where: { configWhere: string; weightsWhere: string },
): void {
  const { configWhere, weightsWhere } = where;
  checkConfigLimits(config as unknown as Record<string, unknown>, configWhere);
  try {
    spec.validate(config);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${configWhere}: ${err.message}`);
    throw err;
  }
  const expected = expectedShapes(spec, config);
  const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;
  const advice =
    "the checkpoint is mixed up (config.json and model.safetensors are not from one run)";
  for (const [name, shape] of expected) {
    const s = stored[name];
    if (!s) {
      throw new InputError(
        `${configWhere} implies ${name} ${
          fmt(shape)
        }, which ${weightsWhere} does not hold: ${advice}`,
      );
    }
    if (s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(
        `${configWhere} implies ${name} ${fmt(shape)}, ${weightsWhere} holds ${
          fmt(s.shape)
        }: ${advice}`,
      );
    }
  }
  for (const name of Object.keys(stored)) {
    if (!expected.has(name)) {
      throw new InputError(
        `${weightsWhere} holds ${name} ${
          fmt(stored[name].shape)
        }, which ${configWhere} does not imply: ${advice}`,
      );
    }
  }
}
