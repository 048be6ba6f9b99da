/**
 * `Identity`, and `Cast` to the same dtype, for wasm without a copy. tfjs
 * clones every tensor it saves for the backward pass
 * (`engine.saveTensorsForBackwardMode`) and casts float32 to float32 in many
 * gradients; the stock wasm kernels copy the whole tensor each time —
 * hundreds of copies per training step. Tensors are immutable, so the result
 * can share the input's memory, the way the wasm `Reshape` kernel already
 * does (reference counted).
 *
 * @module
 */
import type { KernelContext } from "./registry.ts";
import type { tf } from "./tf.ts";

interface RefCounted {
  incRef(dataId: object): void;
}

/** Kernel for `Identity` on wasm. */
export function identityKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return ctx.stock("Identity", args);
    (args.backend as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Kernel for `Cast` on wasm: shares memory when the dtype does not change. */
export function castKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { dtype } = args.attrs as { dtype: tf.DataType };
    if (x.dtype !== dtype || dtype === "string") return ctx.stock("Cast", args);
    (args.backend as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype };
  };
}
