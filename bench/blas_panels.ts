/**
 * What multiplying a tall A in panels of rows costs and saves: the Part4-3
 * product 60000×784·784×128 through the platform's BLAS in float32 and
 * float64, in one library call and in panels of at most 32 MB of A (what
 * lib/tensor/cpu/blas.ts does), each way in a process of its own:
 *
 *     deno run -A bench/blas_panels.ts [rounds]
 *
 * Printed for each: the resident memory the first product added beyond its
 * operands and result (the library's buffers, which stay), and GFLOP/s of the
 * best of several products. Rounds (default 3) take turns, so that load from
 * elsewhere hits both ways alike; the ranges are over the rounds. Run it with
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` to see a user's kernels.
 */

import { openBlas, platformBlas, setPanels } from "../lib/tensor/cpu/blas.ts";
import { fill } from "./operands.ts";

const [M, K, N] = [60000, 784, 128];

/** This process's resident memory, in MB (Linux). */
function residentMB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

if (Deno.args[0] === "--child") {
  const [, dtype, way] = Deno.args;
  const Type = dtype === "float32" ? Float32Array : Float64Array;
  const blas = openBlas(platformBlas()!.path);
  if (way === "one call") setPanels({ bytes: Infinity, minRows: 1 });
  const a = fill(new Type(M * K)), b = fill(new Type(K * N), 1);
  const out = new Type(M * N).fill(0); // touched before the first count
  const before = residentMB();
  blas.gemm(a, b, out, M, N, K, false, false);
  const added = residentMB() - before;
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    blas.gemm(a, b, out, M, N, K, false, false);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  console.log(JSON.stringify({ added, gflops: 2 * M * N * K / best / 1e9 }));
  Deno.exit(0);
}

if (platformBlas() === null) {
  console.log("No optimised BLAS is loaded (see NN_DEBUG=1): nothing to compare.");
  Deno.exit(0);
}
const rounds = Number(Deno.args[0] ?? 3);
const ways = ["one call", "panels"] as const;
const results = new Map<string, { added: number; gflops: number }[]>();
for (let round = 0; round < rounds; round++) {
  for (const dtype of ["float32", "float64"]) {
    for (const way of ways) {
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--child", dtype, way],
        stderr: "inherit",
      }).output();
      const key = `${dtype}, ${way}`;
      results.set(key, [
        ...results.get(key) ?? [],
        JSON.parse(new TextDecoder().decode(run.stdout)),
      ]);
    }
  }
}
const range = (xs: number[], digits: number) => {
  const lo = Math.min(...xs).toFixed(digits), hi = Math.max(...xs).toFixed(digits);
  return lo === hi ? lo : `${lo}–${hi}`;
};
console.log(`${M}×${K}·${K}×${N} on ${platformBlas()!.name}, ${rounds} rounds`);
console.log("dtype, way".padEnd(20) + "memory added, MB".padStart(18) + "GFLOP/s".padStart(12));
for (const [key, rows] of results) {
  console.log(
    key.padEnd(20) + range(rows.map((r) => r.added), 0).padStart(18) +
      range(rows.map((r) => r.gflops), 0).padStart(12),
  );
}
