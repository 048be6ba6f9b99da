/**
 * Back to PyTorch: a GPT checkpoint of this project written as a Hugging Face
 * GPT-2 directory, which `transformers`' `GPT2LMHeadModel.from_pretrained(dir)`
 * opens: `config.json` with GPT-2's own keys (`model_type`, `n_embd`,
 * `n_layer` …), `model.safetensors` with the names `save_pretrained` writes
 * (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight` …; Conv1D
 * weights are `[in, out]`, which is already this project's layout;
 * `lm_head.weight` only when the head is not tied), zero biases where the
 * model has none (GPT-2 always has them), and the tokenizer.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { HfGptConfig } from "./hf_gpt2.ts";
import type { StoredTensor } from "./safetensors.ts";

/** A GPT config as exported (the model's own `GptConfig` fits it). */
export type ExportableGptConfig = HfGptConfig & {
  /** Dropout on attention weights (`attn_pdrop`); default `dropout`. */
  readonly attnDropout?: number;
};

/**
 * GPT-2's `config.json` keys for a GPT config. `eosTokenId` (e.g.
 * `<|endoftext|>`'s id) becomes `bos_token_id` and `eos_token_id`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hfConfigFromGpt } from "./hf_gpt2_export.ts";
 * const hf = hfConfigFromGpt({ vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false, tieWeights: true });
 * assert.equal(hf.model_type, "gpt2");
 * assert.equal(hf.n_positions, 64);
 * assert.deepEqual(hf.architectures, ["GPT2LMHeadModel"]);
 * ```
 */
export function hfConfigFromGpt(
  config: ExportableGptConfig,
  options: { eosTokenId?: number } = {},
): Record<string, unknown> {
  const dropout = config.dropout;
  return {
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: config.vocabSize,
    n_positions: config.blockSize,
    n_ctx: config.blockSize,
    n_embd: config.nEmbd,
    n_layer: config.nLayer,
    n_head: config.nHead,
    n_inner: null,
    activation_function: "gelu_new",
    layer_norm_epsilon: 1e-5,
    initializer_range: 0.02,
    resid_pdrop: dropout,
    embd_pdrop: dropout,
    attn_pdrop: config.attnDropout ?? dropout,
    tie_word_embeddings: config.tieWeights,
    ...(options.eosTokenId !== undefined
      ? { bos_token_id: options.eosTokenId, eos_token_id: options.eosTokenId }
      : {}),
  };
}

/**
 * This project's GPT weights under the names `GPT2LMHeadModel.save_pretrained`
 * writes, with zero biases added for a bias-free model. Every tensor the model
 * needs must be present (a one-line {@link InputError} names a missing one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightsToHf } from "./hf_gpt2_export.ts";
 * const config = { vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4, dropout: 0, bias: false, tieWeights: true };
 * assert.throws(() => weightsToHf(config, {}), /checkpoint has no tensor wte\.weight/);
 * ```
 */
export function weightsToHf(
  config: ExportableGptConfig,
  weights: Record<string, StoredTensor>,
): Record<string, StoredTensor> {
  const { nLayer: L, nEmbd: C } = config;
  const out: Record<string, StoredTensor> = {};
  const take = (name: string) => {
    const t = weights[name];
    if (!t) throw new InputError(`checkpoint has no tensor ${name}: cannot export it`);
    out[name === "lm_head.weight" ? name : `transformer.${name}`] = t;
  };
  const bias = (name: string, n: number) => {
    if (config.bias) take(name);
    else out[`transformer.${name}`] = { dtype: "float32", shape: [n], data: new Float32Array(n) };
  };
  take("wte.weight");
  take("wpe.weight");
  for (let i = 0; i < L; i++) {
    const p = `h.${i}`;
    for (const ln of ["ln_1", "ln_2"]) {
      take(`${p}.${ln}.weight`);
      bias(`${p}.${ln}.bias`, C);
    }
    for (
      const [name, n] of [["attn.c_attn", 3 * C], ["attn.c_proj", C], ["mlp.c_fc", 4 * C], [
        "mlp.c_proj",
        C,
      ]] as const
    ) {
      take(`${p}.${name}.weight`);
      bias(`${p}.${name}.bias`, n);
    }
  }
  take("ln_f.weight");
  bias("ln_f.bias", C);
  if (!config.tieWeights) take("lm_head.weight");
  return out;
}
