/**
 * A model's parameters by name. Every weight is created once, here, as a
 * `tf.Variable` named the way PyTorch / Hugging Face name it (`wte.weight`,
 * `h.0.attn.c_attn.weight`, `weight_ih_l0` …), so checkpoints load into a
 * PyTorch reference unchanged.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import { type Init, initValues } from "./init.ts";
import type { StoredTensor } from "../io/safetensors.ts";

/** One named parameter. */
export interface Param {
  /** PyTorch-style name. */
  readonly name: string;
  /** The trainable variable. */
  readonly variable: tf.Variable;
  /** Whether AdamW applies weight decay to it (default: rank ≥ 2, as nanoGPT does). */
  readonly decay: boolean;
}

/**
 * Named, trainable parameters, created from a seeded RNG.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParamStore } from "./param_store.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * store.add("fc.weight", [3, 4], { kind: "normal", std: 0.02 });
 * store.add("fc.bias", [3], { kind: "zeros" });
 * assert.equal(store.count(), 15);
 * assert.deepEqual(store.list().map((p) => [p.name, p.decay]), [["fc.weight", true], ["fc.bias", false]]);
 * store.dispose();
 * ```
 */
export class ParamStore {
  readonly #rng: Rng;
  readonly #params = new Map<string, Param>();
  #disposed = false;
  /** Inside {@link planParams}: shapes are recorded, nothing is allocated. */
  readonly planning: boolean = plan !== undefined;

  /** A store whose initialisers draw from `rng`. */
  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** Creates a parameter; names must be unique. */
  add(name: string, shape: number[], init: Init, options: { decay?: boolean } = {}): tf.Variable {
    if (this.#params.has(name)) throw new Error(`parameter ${name} already exists`);
    if (this.planning) {
      plan!.set(name, [...shape]);
      const size = shape.reduce((a, b) => a * b, 1);
      const placeholder = { name, shape: [...shape], size, dispose() {} } as unknown as tf.Variable;
      this.#params.set(name, { name, variable: placeholder, decay: false });
      return placeholder;
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const values = initValues(count, init, this.#rng);
    // tidy frees the initial tensor; variables survive tidy
    const variable = tf.tidy(() =>
      tf.variable(tf.tensor(values, shape, "float32"), true, `${name}_${uid()}`)
    );
    this.#params.set(name, { name, variable, decay: options.decay ?? shape.length >= 2 });
    return variable;
  }

  /** The variable called `name`. */
  get(name: string): tf.Variable {
    const p = this.#params.get(name);
    if (!p) throw new Error(`no parameter called ${name}`);
    return p.variable;
  }

  /** All parameters in creation order. */
  list(): Param[] {
    return [...this.#params.values()];
  }

  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const p of this.#params.values()) n += p.variable.size;
    return n;
  }

  /** The values of every parameter, for a safetensors file. */
  toStored(): Record<string, StoredTensor> {
    const out: Record<string, StoredTensor> = {};
    for (const p of this.#params.values()) {
      out[p.name] = {
        dtype: "float32",
        shape: p.variable.shape,
        data: p.variable.dataSync() as Float32Array,
      };
    }
    return out;
  }

  /**
   * Assigns stored values to every parameter. Names and shapes must match
   * exactly (missing, extra or reshaped tensors are an {@link InputError} that
   * names the first few), so a checkpoint of another model is refused.
   */
  load(stored: Record<string, StoredTensor>, what = "checkpoint"): void {
    const problems: string[] = [];
    for (const p of this.#params.values()) {
      const s = stored[p.name];
      if (!s) problems.push(`missing ${p.name}`);
      else if (
        s.shape.length !== p.variable.shape.length ||
        s.shape.some((d, i) => d !== p.variable.shape[i])
      ) {
        problems.push(`${p.name} has shape [${s.shape}], model needs [${p.variable.shape}]`);
      }
    }
    for (const name of Object.keys(stored)) {
      if (!this.#params.has(name)) problems.push(`unexpected ${name}`);
    }
    if (problems.length > 0) {
      const more = problems.length > 3 ? ` and ${problems.length - 3} more` : "";
      throw new InputError(
        `${what} does not fit this model: ${problems.slice(0, 3).join("; ")}${more}`,
      );
    }
    for (const p of this.#params.values()) {
      const s = stored[p.name];
      tf.tidy(() =>
        p.variable.assign(tf.tensor(Float32Array.from(s.data), s.shape as number[], "float32"))
      );
    }
  }

  /** Disposes every variable; the store cannot be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    for (const p of this.#params.values()) p.variable.dispose();
    this.#params.clear();
    this.#disposed = true;
  }
}

let plan: Map<string, number[]> | undefined;

/**
 * The parameters `build` would create, by name and shape, without allocating
 * any of them: every {@link ParamStore} made while `build` runs records shapes
 * and hands out placeholders. `build` constructs a model (whose forward pass
 * must not be called); its result is discarded. This is how a checkpoint's
 * `config.json` is checked against its weights before anything is allocated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParamStore, planParams } from "./param_store.ts";
 * import { Rng } from "../rng.ts";
 * const shapes = planParams(() => new ParamStore(new Rng(0)).add("fc.weight", [100000, 100000], { kind: "zeros" }));
 * assert.deepEqual([...shapes], [["fc.weight", [100000, 100000]]]);
 * ```
 */
export function planParams(build: () => unknown): Map<string, number[]> {
  if (plan) throw new Error("planParams() cannot nest");
  plan = new Map();
  try {
    build();
    return plan;
  } finally {
    plan = undefined;
  }
}

let nextId = 0;
function uid(): number {
  return nextId++;
}
