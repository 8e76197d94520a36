/**
 * GFLOP/s of the WebAssembly matmul kernel (lib/tensor/cpu/wasm/matmul.ts)
 * on one thread, float32 and float64, from a Part4-3 mini-batch layer to the
 * book's full-batch products (forward `X · W1`, backward `X.T · dz1`, whose
 * inner size is the 60,000 examples):
 *
 *     deno run --allow-read --allow-env bench/wasm_matmul_gflops.ts
 *
 * Each product counts 2·m·n·k floating-point operations; its figure is the
 * best of several runs after a warm-up (our machines are shared and noisy:
 * the best run is the one least disturbed). Run it a few times and compare
 * best figures; one thread, so the other core's load matters less.
 */

import { wasmMatmul } from "../lib/tensor/cpu/wasm/matmul.ts";
import { setThreadLimit } from "../lib/tensor/cpu/wasm/pool.ts";
import { matmulOperands } from "./operands.ts";

/** A product `op(a)[m×k] · b[k×n]`, with a stored transposed when `transA`. */
export interface Product {
  /** What it is, for the table. */
  readonly label: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
}

/** The products timed: a mini-batch layer, a square, the full batch's two. */
export const PRODUCTS: readonly Product[] = [
  { label: "mini-batch 128×784·784×128", m: 128, k: 784, n: 128, transA: false },
  { label: "square 1024³", m: 1024, k: 1024, n: 1024, transA: false },
  { label: "full batch X·W1 60000×784·784×128", m: 60000, k: 784, n: 128, transA: false },
  { label: "full batch X.T·dz 784×60000·60000×128", m: 784, k: 60000, n: 128, transA: true },
];

/** The signature of `wasmMatmul`, so another build of it can be timed beside this one. */
export type MatmulFn = typeof wasmMatmul;

/**
 * Best GFLOP/s of `fn` over `runs` calls on the product (one warm-up first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestGflops } from "./wasm_matmul_gflops.ts";
 * import { wasmMatmul } from "../lib/tensor/cpu/wasm/matmul.ts";
 * const product = { label: "tiny", m: 8, k: 8, n: 8, transA: false };
 * assert.ok(bestGflops(wasmMatmul, product, Float32Array, 3) > 0);
 * ```
 */
export function bestGflops(
  fn: MatmulFn,
  { m, k, n, transA }: Product,
  Type: Float32ArrayConstructor | Float64ArrayConstructor,
  runs: number,
): number {
  const { a, b, out } = matmulOperands(Type, m, k, n);
  fn(a, b, out, m, n, k, transA, false);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn(a, b, out, m, n, k, transA, false);
    best = Math.min(best, performance.now() - t0);
  }
  return 2 * m * n * k / (best / 1000) / 1e9;
}

/** Runs per product: about 3 GFLOP in all, at least 3, at most 100. */
export const runsFor = ({ m, k, n }: Product): number =>
  Math.min(100, Math.max(3, Math.ceil(3e9 / (2 * m * n * k))));

if (import.meta.main) {
  setThreadLimit(1);
  console.log(`Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), WebAssembly kernel, 1 thread`);
  console.log("GFLOP/s (best run)".padEnd(40) + "float32".padStart(9) + "float64".padStart(9));
  for (const product of PRODUCTS) {
    const runs = runsFor(product);
    const f32 = bestGflops(wasmMatmul, product, Float32Array, runs);
    const f64 = bestGflops(wasmMatmul, product, Float64Array, runs);
    console.log(product.label.padEnd(40) + f32.toFixed(1).padStart(9) + f64.toFixed(1).padStart(9));
  }
  // The pool's Workers would keep the process alive.
  Deno.exit(0);
}
