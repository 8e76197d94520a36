/**
 * The TypeScript matmul kernel against the WebAssembly one (one thread, then
 * all), per product, from the tiny products of Part4-2 to a mini-batch of
 * Part4-3: where the backend's switch-over (`WASM_MIN_WORK` in
 * lib/tensor/cpu/backend.ts) belongs.
 *
 *     deno bench --allow-read --allow-env bench/cpu_wasm_bench.ts
 */

import { matmul } from "../lib/tensor/cpu/matmul.ts";
import { wasmMatmul } from "../lib/tensor/cpu/wasm/matmul.ts";
import { setThreadLimit } from "../lib/tensor/cpu/wasm/pool.ts";

/** m×k·k×n: Part4-2's first layer, small squares, a Part4-3 mini-batch layer. */
const SHAPES = [[118, 2, 10], [16, 16, 16], [32, 32, 32], [64, 64, 64], [128, 784, 128]];

for (const [m, k, n] of SHAPES) {
  for (const Type of [Float32Array, Float64Array]) {
    const a = new Type(m * k).map((_, i) => (i % 7) - 3);
    const b = new Type(k * n).map((_, i) => (i % 5) - 2);
    const out = new Type(m * n);
    const group = `${Type === Float32Array ? "float32" : "float64"} ${m}×${k}·${k}×${n}`;
    Deno.bench(`${group} TypeScript`, { group, baseline: true }, () => {
      matmul(a, b, out, m, n, k, false, false);
    });
    Deno.bench(`${group} WebAssembly, 1 thread`, { group }, () => {
      setThreadLimit(1);
      wasmMatmul(a, b, out, m, n, k, false, false);
      setThreadLimit(Infinity);
    });
    Deno.bench(`${group} WebAssembly, all threads`, { group }, () => {
      wasmMatmul(a, b, out, m, n, k, false, false);
    });
  }
}
