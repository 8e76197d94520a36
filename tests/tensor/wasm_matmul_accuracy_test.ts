/**
 * float32 matmul accuracy as the inner size k grows, on both CPU kernel
 * paths: the WebAssembly one (lib/tensor/cpu/wasm) and the TypeScript one
 * (lib/tensor/cpu/matmul.ts, the path under NN_WASM=0). Issue 14 item 11.
 *
 * The measure is the largest relative error of an element against a float64
 * product of the same float32 operands, drawn uniform in [0, 1) (all terms
 * positive, so the error of a long float32 sum shows undiluted). The bound at
 * each k is twice what PyTorch 1.13 (OpenBLAS/MKL) gives on such data, as the
 * issue measured it: 4.5e-7 at k = 1,000, 7.5e-7 at 60,000, 2.4e-6 at 10^6
 * (`python3 bench/matmul_accuracy_torch.py` prints PyTorch's figure for these
 * very shapes). A kernel that adds every term into one float32 sum, as ours
 * did, is off by 1.5e-6, 1.2e-5 and 1.7e-4: each case below fails on it.
 */

import assert from "node:assert/strict";
import { matmul } from "../../lib/tensor/cpu/matmul.ts";
import { wasmMatmul } from "../../lib/tensor/cpu/wasm/matmul.ts";
import { referenceMatmul } from "./matmul_reference.ts";

/** A small seeded generator (mulberry32), so a failure reproduces exactly. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `size` float32 values uniform in [0, 1). */
function uniform(size: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = next();
  return out;
}

/** The largest |actual − exact| / exact over the elements (exact > 0 here). */
function maxRelativeError(actual: Float32Array, exact: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < exact.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - exact[i]) / exact[i]);
  }
  return worst;
}

/** Twice PyTorch's max relative error at each k (the figures). */
const CASES = [
  { m: 16, n: 16, k: 1_000, bound: 2 * 4.5e-7 },
  { m: 4, n: 4, k: 60_000, bound: 2 * 7.5e-7 },
  { m: 4, n: 4, k: 1_000_000, bound: 2 * 2.4e-6 },
];

const KERNELS = [
  { path: "WebAssembly", run: wasmMatmul },
  { path: "TypeScript (NN_WASM=0)", run: matmul },
];

for (const { m, n, k, bound } of CASES) {
  for (const transA of [false, true]) {
    Deno.test(`float32 matmul ${m}×${k}·${k}×${n}${transA ? " (a stored transposed)" : ""}: max relative error under ${bound.toExponential(1)} on both paths`, () => {
      const a = uniform(m * k, k + 1), b = uniform(k * n, k + 2);
      const exact = referenceMatmul(a, b, m, n, k, transA, false).value;
      for (const { path, run } of KERNELS) {
        const out = new Float32Array(m * n);
        const ran = run(a, b, out, m, n, k, transA, false);
        if (path === "WebAssembly") assert.equal(ran, true, "the WebAssembly kernels are on");
        const error = maxRelativeError(out, exact);
        assert.ok(
          error < bound,
          `${path}: max relative error ${error.toExponential(2)} at k = ${k}, expected under ${
            bound.toExponential(1)
          }`,
        );
      }
    });
  }
}
