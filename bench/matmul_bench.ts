/**
 * Time per product of the typed-array matmul kernel (lib/tensor/cpu/matmul.ts),
 * one group per shape, float32 beside float64:
 *
 *     deno bench bench/matmul_bench.ts
 *
 * Shapes: one MNIST mini-batch through a 784→128 layer (128×784·784×128), the
 * usual square yardstick (1024³), and the whole MNIST training set through
 * that layer (60000×784·784×128, 12 GFLOP, so it runs only twice). The whole
 * file takes about a minute on one core. For GFLOP/s side by side with NumPy,
 * see bench/matmul_gflops.ts.
 */

import { matmul } from "../lib/tensor/cpu/matmul.ts";
import { fill } from "./operands.ts";

/** m×k·k×n, with how many timed runs (and warm-up runs) the big ones get. */
const SHAPES = [
  { m: 128, k: 784, n: 128 },
  { m: 1024, k: 1024, n: 1024, runs: 5, warmup: 1 },
  { m: 60000, k: 784, n: 128, runs: 2, warmup: 1 },
];
const TYPES = [Float32Array, Float64Array];

for (const { m, k, n, runs, warmup } of SHAPES) {
  for (const Type of TYPES) {
    // Made on first use and kept, so only the product is timed and a filtered
    // run (`--filter`) allocates nothing for the other cases.
    let operands: { a: Float32Array | Float64Array; b: Float32Array | Float64Array } | undefined;
    let out: Float32Array | Float64Array | undefined;
    Deno.bench({
      name: `${Type === Float32Array ? "float32" : "float64"} ${m}×${k}·${k}×${n}`,
      group: `${m}×${k}·${k}×${n}`,
      baseline: Type === Float32Array,
      n: runs,
      warmup,
      fn(b) {
        if (!operands || !out) {
          const a = new Type(m * k), bb = new Type(k * n);
          fill(a, 1);
          fill(bb, 2);
          operands = { a, b: bb };
          out = new Type(m * n);
        }
        b.start();
        matmul(operands.a, operands.b, out, m, n, k, false, false);
        b.end();
      },
    });
  }
}
