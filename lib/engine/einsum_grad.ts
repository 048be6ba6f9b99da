/**
 * The gradient of `Einsum` (`tf.einsum`), which tfjs does not define. The
 * gradient of an operand is itself an einsum: the output's gradient
 * contracted with the other operand onto the operand's subscripts, e.g. for
 * `ij,jk->ik`: `dA = einsum("ik,jk->ij", dC, B)`. Subscripts an operand
 * sums away alone come back by broadcasting.
 *
 * @module
 */
// tfjs-core directly (not ./tf.ts): tf.ts registers these gradients when it loads.
import * as tf from "@tensorflow/tfjs-core";

/** The gradient config registered for `Einsum` by `initEngine`. */
export const einsumGrad: tf.GradConfig = {
  kernelName: "Einsum",
  saveAllInputs: true,
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const { equation } = attrs as unknown as { equation: string };
    const [lhs, output] = equation.replace(/\s/g, "").split("->");
    const subs = lhs.split(",");
    const grads: Record<string, () => tf.Tensor> = {};
    saved.forEach((x, i) => {
      const others = saved.flatMap((t, j) => (j === i ? [] : [{ t, subs: subs[j] }]));
      grads[i] = () => operandGrad(dy as tf.Tensor, output, others, subs[i], x.shape);
    });
    return grads;
  },
};

function operandGrad(
  dy: tf.Tensor,
  output: string,
  others: { t: tf.Tensor; subs: string }[],
  subs: string,
  shape: number[],
): tf.Tensor {
  const reachable = output + others.map((o) => o.subs).join("");
  const kept = [...subs].filter((c) => reachable.includes(c)).join("");
  let g: tf.Tensor;
  if (others.length === 0) {
    g = output === "" ? dy : tf.einsum(`${output}->${kept}`, dy);
  } else if (output === "") {
    g = tf.mul(dy, tf.einsum(`${others[0].subs}->${kept}`, others[0].t));
  } else {
    g = tf.einsum(`${output},${others[0].subs}->${kept}`, dy, others[0].t);
  }
  if (kept === subs) return g;
  const expanded = [...subs].map((c, i) => (kept.includes(c) ? shape[i] : 1));
  return tf.broadcastTo(tf.reshape(g, expanded), shape);
}
