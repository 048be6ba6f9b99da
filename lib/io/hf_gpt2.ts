/**
 * Pretrained GPT-2 from Hugging Face: a directory holding GPT-2's own
 * `config.json` (`model_type: "gpt2"`, `n_embd`, `n_layer` …),
 * `model.safetensors` and `tokenizer.json` loads into this project's
 * GPT (`models/gpt.ts`), whose weight layout is GPT-2's. Download the three files of
 * `openai-community/gpt2` (124M parameters) and `deno task chat --checkpoint
 * DIR` talks to it.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { StoredTensor } from "./safetensors.ts";

/**
 * The GPT settings a GPT-2 `config.json` maps to: the fields of the GPT
 * model's config (`models/gpt.ts`), spelled out here because this storage
 * room sits below the models and imports none of them.
 */
export interface HfGptConfig {
  /** Vocabulary size (`vocab_size`). */
  readonly vocabSize: number;
  /** Context length (`n_positions`, or `n_ctx`). */
  readonly blockSize: number;
  /** Transformer blocks (`n_layer`). */
  readonly nLayer: number;
  /** Attention heads (`n_head`). */
  readonly nHead: number;
  /** Model width (`n_embd`). */
  readonly nEmbd: number;
  /** Dropout: 0 (inference). */
  readonly dropout: number;
  /** GPT-2 has biases: true. */
  readonly bias: boolean;
  /** GPT-2 ties the output projection to the token embedding: true. */
  readonly tieWeights: boolean;
}

/** Whether a parsed `config.json` is Hugging Face's GPT-2 config. */
export function isHfGpt2Config(json: unknown): boolean {
  return typeof json === "object" && json !== null &&
    (json as { model_type?: unknown }).model_type === "gpt2";
}

/**
 * Maps Hugging Face's GPT-2 config to the GPT model's config ({@link HfGptConfig}); refuses settings
 * this model does not implement, with a one-line reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gptConfigFromHf } from "./hf_gpt2.ts";
 * const c = gptConfigFromHf({ model_type: "gpt2", vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 });
 * assert.equal(c.nEmbd, 768);
 * assert.equal(c.bias, true);
 * ```
 */
export function gptConfigFromHf(hf: Record<string, unknown>): HfGptConfig {
  const need = (key: string): number => {
    const v = hf[key];
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new InputError(
        `GPT-2 config.json: "${key}" must be a positive integer; got ${JSON.stringify(v)}`,
      );
    }
    return v as number;
  };
  const activation = hf.activation_function ?? "gelu_new";
  if (activation !== "gelu_new") {
    throw new InputError(
      `GPT-2 config.json: activation_function ${
        JSON.stringify(activation)
      } is not supported (gelu_new is)`,
    );
  }
  const eps = hf.layer_norm_epsilon ?? 1e-5;
  if (eps !== 1e-5) {
    throw new InputError(`GPT-2 config.json: layer_norm_epsilon ${eps} is not supported (1e-5 is)`);
  }
  if (hf.tie_word_embeddings === false) {
    throw new InputError("GPT-2 config.json: untied word embeddings are not supported");
  }
  return {
    vocabSize: need("vocab_size"),
    blockSize: need(hf.n_positions !== undefined ? "n_positions" : "n_ctx"),
    nLayer: need("n_layer"),
    nHead: need("n_head"),
    nEmbd: need("n_embd"),
    dropout: 0,
    bias: true,
    tieWeights: true,
  };
}

/**
 * Renames GPT-2 weights to this project's names: drops a `transformer.`
 * prefix, the causal-mask buffers (`attn.bias`, `attn.masked_bias`) and the
 * tied `lm_head.weight`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightsFromHf } from "./hf_gpt2.ts";
 * const t = { dtype: "float32" as const, shape: [1], data: new Float32Array(1) };
 * const out = weightsFromHf({ "transformer.wte.weight": t, "transformer.h.0.attn.bias": t, "lm_head.weight": t });
 * assert.deepEqual(Object.keys(out), ["wte.weight"]);
 * ```
 */
export function weightsFromHf<T = StoredTensor>(weights: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [raw, tensor] of Object.entries(weights)) {
    const name = raw.startsWith("transformer.") ? raw.slice("transformer.".length) : raw;
    if (/^h\.\d+\.attn\.(bias|masked_bias)$/.test(name) || name === "lm_head.weight") continue;
    out[name] = tensor;
  }
  return out;
}
