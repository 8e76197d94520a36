/**
 * Where the platform's BLAS starts to beat the WebAssembly kernels: the time
 * per product of each, alternating, from tiny to mid-size shapes (measured
 * here: the BLAS won at every size, so lib/tensor/cpu/blas.ts takes them all):
 *
 *     deno run -A bench/blas_crossover.ts
 *
 * Both are called as the CPU backend calls them (the BLAS on the arrays in
 * place, the WebAssembly kernels with their copies in and out). The shapes are cubes and the exercises' own products (Part4-2's
 * [118, 2]·[2, 10], the fast Part4-3 recipe's batches of 128). Each figure is
 * the best of several turns of about 20 ms each. Needs --allow-ffi and an
 * optimised BLAS; prints why not otherwise.
 */

import { platformBlas } from "../lib/tensor/cpu/blas.ts";
import { wasmMatmul } from "../lib/tensor/cpu/wasm/matmul.ts";
import { matmulOperands } from "./operands.ts";

const blas = platformBlas();
if (blas === null) {
  console.log("no BLAS: run with --allow-ffi where OpenBLAS, MKL or Accelerate is installed");
  Deno.exit(0);
}
console.log(`BLAS: ${blas.name}; load average ${Deno.loadavg().map((x) => x.toFixed(1))}`);

/** [m, k, n, transA, transB] */
const SHAPES: [number, number, number, boolean, boolean][] = [
  [118, 2, 10, false, false],
  [118, 10, 1, false, false],
  [2, 118, 10, true, false],
  [8, 8, 8, false, false],
  [16, 16, 16, false, false],
  [24, 24, 24, false, false],
  [32, 32, 32, false, false],
  [48, 48, 48, false, false],
  [64, 64, 64, false, false],
  [96, 96, 96, false, false],
  [128, 128, 10, false, false],
  [128, 128, 128, false, false],
  [128, 784, 128, false, false],
  [784, 128, 128, true, false],
  [128, 128, 784, false, true],
  [256, 256, 256, false, false],
];
const TURNS = 5;

/** Best microseconds per call over `TURNS` turns of about 20 ms. */
function time(fn: () => void): number {
  // Calls per turn: doubled until a turn takes 20 ms (this also warms up).
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if (performance.now() - t0 >= 20) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let turn = 0; turn < TURNS; turn++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, (performance.now() - t0) * 1000 / reps);
  }
  return best;
}

console.log(
  "shape".padEnd(24) + "dtype".padEnd(9) + "FLOP".padStart(10) + "BLAS µs".padStart(10) +
    "wasm µs".padStart(10) + "wasm/BLAS".padStart(11),
);
for (const Type of [Float32Array, Float64Array]) {
  for (const [m, k, n, transA, transB] of SHAPES) {
    const { a, b, out } = matmulOperands(Type, m, k, n);
    const both = { blas: Infinity, wasm: Infinity };
    for (let round = 0; round < 2; round++) {
      both.blas = Math.min(both.blas, time(() => blas.gemm(a, b, out, m, n, k, transA, transB)));
      both.wasm = Math.min(both.wasm, time(() => wasmMatmul(a, b, out, m, n, k, transA, transB)));
    }
    const label = `${transA ? "T " : ""}${m}×${k}·${k}×${n}${transB ? " T" : ""}`;
    console.log(
      label.padEnd(24) + (Type === Float32Array ? "float32" : "float64").padEnd(9) +
        `${2 * m * n * k}`.padStart(10) + both.blas.toFixed(2).padStart(10) +
        both.wasm.toFixed(2).padStart(10) + (both.wasm / both.blas).toFixed(2).padStart(11),
    );
  }
}
