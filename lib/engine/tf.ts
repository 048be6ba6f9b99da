/**
 * The one place that imports TensorFlow.js. Everything else in `lib/` takes
 * `tf` from here, so the engine can pick and accelerate the backend in one
 * spot (see `lib/README.md`, "The engine").
 *
 * This registers the pure-JavaScript `cpu` backend, which always works, and
 * the engine's gradients (`BatchMatMul` with broadcast batch dimensions,
 * `Einsum`), which hold on every backend; faster backends and kernels come
 * with `initEngine` (engine.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { einsumGrad } from "./einsum_grad.ts";
import { batchMatMulGrad } from "./matmul_grad.ts";
// tfjs-core's package registers no gradients by itself, and its per-op
// gradient modules are extensionless ES modules that Deno (like Node) cannot
// resolve. The union package's bundle carries them all; importing it registers
// every gradient in the global registry that tfjs-core uses.
import "@tensorflow/tfjs";

// tfjs prints a banner suggesting tfjs-node on first use under Node-like
// runtimes; the engine reports what it chose itself, so silence it.
tf.env().set("PROD", true);

tf.registerGradient(batchMatMulGrad);
tf.registerGradient(einsumGrad);

export { tf };
