/**
 * The CPU backend's element-wise ops with the WebAssembly kernels on and off,
 * taking turns, at sizes from 128 to 2 million elements (rows of 128):
 *
 *     deno run --allow-env bench/cpu_wasm_elementwise.ts
 *
 * Prints how many times faster each op runs with the kernels on (TypeScript
 * time / WebAssembly time): above 1 inside the window of sizes where
 * lib/tensor/cpu/wasm/elementwise.ts uses them (`MIN_ELEMENTS`, `MAX_BYTES`),
 * 1 outside it, where both runs take the TypeScript loops. (To see why the
 * window ends where it does, widen those two constants and run this again.)
 * The backend first meets float64, int32 and float32 arrays, as a training
 * script does, so its loops are as V8 compiles them in real use.
 */

import { CpuBackend } from "../lib/tensor/cpu/backend.ts";
import { MAX_BYTES, MIN_ELEMENTS } from "../lib/tensor/cpu/wasm/elementwise.ts";
import { setWasmEnabled } from "../lib/tensor/cpu/wasm/runtime.ts";
import type { DType } from "../lib/tensor/dtype.ts";

const cpu = new CpuBackend();
for (
  const [Type, dtype] of [[Float64Array, "float64"], [Int32Array, "int32"], [
    Float32Array,
    "float32",
  ]] as const
) {
  const a = new Type(1000).fill(1);
  cpu.binary("add", a, [1000], a, [1000], [1000], dtype as DType);
  cpu.binary("mul", a, [1000], new Type(1).fill(2), [], [1000], dtype as DType);
}

console.log(`window: ${MIN_ELEMENTS} elements to ${MAX_BYTES} bytes an operand`);
console.log(
  "dtype     elements   add     mul by a scalar   bias add   relu   (TS time / wasm time)",
);
for (const [Type, dtype] of [[Float32Array, "float32"], [Float64Array, "float64"]] as const) {
  for (const n of [128, 512, 2048, 8192, 32768, 131072, 524288, 2097152]) {
    const cols = 128, rows = n / cols, shape = [rows, cols];
    const x = new Type(n).map((_, i) => (i % 13) - 6), y = new Type(n).fill(1.5);
    const row = new Type(cols).fill(0.5), scalar = new Type([0.9]);
    const ops: (() => unknown)[] = [
      () => cpu.binary("add", x, shape, y, shape, shape, dtype),
      () => cpu.binary("mul", x, shape, scalar, [], shape, dtype),
      () => cpu.binary("add", x, shape, row, [cols], shape, dtype),
      () => cpu.unary("relu", x, n, dtype, []),
    ];
    const ratios = ops.map((op) => {
      const best = [Infinity, Infinity];
      const reps = Math.max(3, Math.floor(2e6 / n));
      for (let turn = 0; turn < 6; turn++) {
        for (const on of [0, 1]) {
          setWasmEnabled(on === 1);
          const t0 = performance.now();
          for (let r = 0; r < reps; r++) op();
          best[on] = Math.min(best[on], (performance.now() - t0) / reps);
        }
      }
      setWasmEnabled(true);
      return best[0] / best[1];
    });
    console.log(
      dtype.padEnd(8) + `${n}`.padStart(10) +
        ratios.map((r, i) => r.toFixed(2).padStart([7, 12, 13, 8][i])).join(""),
    );
  }
}
