/**
 * One Adam step as a single loop over typed arrays: the CPU's fused Adam step (`fused_adam.ts`)
 * when the WebAssembly kernels do not run (`NN_WASM=0`, no SIMD).
 *
 * Why a loop: written with tensor ops, one Adam step is a dozen element-wise
 * ops per parameter, each reading and writing the whole of it; for the
 * 784-128-10 network at batch 128 that was nearly half of every epoch.
 *
 * It computes exactly what those ops compute, in the same order: in float32
 * every operation is rounded to float32 (`Math.fround` of the double result,
 * which for `+ - * / sqrt` is the correctly rounded float32 result) and the
 * constants are float32, as a scalar multiplied into a float32 tensor is. So
 * the fused step, the WebAssembly kernel and the tensor ops agree to the bit.
 *
 * @module
 */

import type { AdamConstants } from "./fused_adam.ts";
import type { FloatArray } from "../tensor/dtype.ts";

/**
 * `out = p - stepSize · m / (√v / rootCorrection2 + eps)` after updating `m`
 * and `v` in place with the gradient `g` (plus `weightDecay · p`).
 *
 * @example The first step moves by about lr, whatever the gradient's size
 * ```ts
 * import assert from "node:assert/strict";
 * import { adamLoop } from "./adam_loop.ts";
 * const p = new Float64Array([1]), g = new Float64Array([20]);
 * const m = new Float64Array(1), v = new Float64Array(1), out = new Float64Array(1);
 * const c = { beta1: 0.9, beta2: 0.999, eps: 0, weightDecay: 0 };
 * adamLoop(p, g, m, v, out, { ...c, stepSize: 0.1 / (1 - 0.9), rootCorrection2: Math.sqrt(1 - 0.999) });
 * assert.ok(Math.abs(out[0] - 0.9) < 1e-12);
 * assert.ok(Math.abs(m[0] - 2) < 1e-12 && Math.abs(v[0] - 0.4) < 1e-12);
 * ```
 */
export function adamLoop(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  out: FloatArray,
  c: AdamConstants,
): void {
  if (p instanceof Float32Array) {
    adam32(p, g as Float32Array, m as Float32Array, v as Float32Array, out as Float32Array, c);
  } else {
    adam64(p, g as Float64Array, m as Float64Array, v as Float64Array, out as Float64Array, c);
  }
}

function adam64(
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  out: Float64Array,
  c: AdamConstants,
): void {
  const { beta1, beta2, weightDecay, rootCorrection2, eps } = c;
  const a1 = 1 - beta1, a2 = 1 - beta2, minusStep = -c.stepSize;
  for (let i = 0; i < p.length; i++) {
    const gi = weightDecay === 0 ? g[i] : g[i] + p[i] * weightDecay;
    const mi = m[i] * beta1 + gi * a1;
    const vi = v[i] * beta2 + gi * a2 * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i] + mi * minusStep / (Math.sqrt(vi) / rootCorrection2 + eps);
  }
}

function adam32(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: Float32Array,
  c: AdamConstants,
): void {
  const R = Math.fround;
  const beta1 = R(c.beta1), beta2 = R(c.beta2), a1 = R(1 - c.beta1), a2 = R(1 - c.beta2);
  const weightDecay = R(c.weightDecay), rootCorrection2 = R(c.rootCorrection2);
  const eps = R(c.eps), minusStep = R(-c.stepSize);
  for (let i = 0; i < p.length; i++) {
    const gi = weightDecay === 0 ? g[i] : R(g[i] + R(p[i] * weightDecay));
    const mi = R(R(m[i] * beta1) + R(gi * a1));
    const vi = R(R(v[i] * beta2) + R(R(gi * a2) * gi));
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i] + R(R(mi * minusStep) / R(R(R(Math.sqrt(vi)) / rootCorrection2) + eps));
  }
}
