/**
 * TensorFlow.js, as configured by this project.
 *
 * @module
 */
export { tf } from "./tf.ts";
