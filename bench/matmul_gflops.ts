/**
 * GFLOP/s of the typed-array matmul kernel (lib/tensor/cpu/matmul.ts) beside
 * NumPy's, same shapes, same run:
 *
 *     deno run --allow-run=python3 bench/matmul_gflops.ts
 *
 * Each product counts 2·m·n·k floating-point operations and is timed as the
 * best of several runs after a warm-up (`performance.now()`). Ours runs on one
 * thread; NumPy is timed twice, once held to one thread (OPENBLAS_NUM_THREADS=1
 * and friends: the like-for-like figure) and once with all cores. Without
 * python3, NumPy or the permission, only our column is printed.
 */

import { matmul } from "../lib/tensor/cpu/matmul.ts";
import { matmulOperands } from "./operands.ts";

type DTypeName = "float32" | "float64";
interface Shape {
  m: number;
  k: number;
  n: number;
}

const SHAPES: Shape[] = [
  { m: 128, k: 784, n: 128 },
  { m: 1024, k: 1024, n: 1024 },
  { m: 60000, k: 784, n: 128 },
];
const DTYPES: DTypeName[] = ["float32", "float64"];
const ARRAY = { float32: Float32Array, float64: Float64Array };

const flops = ({ m, n, k }: Shape): number => 2 * m * n * k;
/**
 * Runs per product: about 4 GFLOP in all (a second or so), at least 3, at
 * most 200. Small products need many runs: the JIT takes a few hundred
 * milliseconds to settle after the kernel first meets the other array type.
 */
const runsFor = (shape: Shape): number => Math.min(200, Math.max(3, Math.ceil(4e9 / flops(shape))));

/** Best time (s) of `runs` calls of `fn` (the first also pays for first touches of memory). */
function bestOf(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

/** Our best time for each dtype and shape, keyed "dtype m k n". */
function timeOurs(): Map<string, number> {
  // Warm up on small products of both types first, so the JIT has compiled
  // (and, after seeing the second type, recompiled) the kernel before any
  // timed run, however few runs a large product gets.
  for (let r = 0; r < 10; r++) {
    for (const dtype of DTYPES) {
      const w = new ARRAY[dtype](256 * 256).fill(0.5);
      matmul(w, w, new ARRAY[dtype](256 * 256), 256, 256, 256, r % 2 === 0, r % 4 < 2);
    }
  }
  const times = new Map<string, number>();
  for (const dtype of DTYPES) {
    const Type = ARRAY[dtype];
    for (const shape of SHAPES) {
      const { m, k, n } = shape;
      const { a, b, out } = matmulOperands(Type, m, k, n);
      times.set(
        `${dtype} ${m} ${k} ${n}`,
        bestOf(runsFor(shape), () => {
          matmul(a, b, out, m, n, k, false, false);
        }),
      );
    }
  }
  return times;
}

/** The same products in NumPy: reads [[dtype, m, k, n, runs], …], prints {"dtype m k n": seconds}. */
const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
times = {}
rng = np.random.default_rng(0)
for dtype, m, k, n, runs in json.loads(sys.argv[1]):
    a = rng.uniform(-1, 1, (m, k)).astype(dtype)
    b = rng.uniform(-1, 1, (k, n)).astype(dtype)
    out = np.empty((m, n), dtype)
    np.matmul(a, b, out=out)  # warm-up
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - t0)
    times[f"{dtype} {m} {k} {n}"] = best
print(json.dumps({"numpy": np.__version__, "times": times}))
`;

/** NumPy's best times, or the reason there are none. */
async function timeNumPy(
  oneThread: boolean,
): Promise<{ version: string; times: Map<string, number> } | string> {
  const jobs = DTYPES.flatMap((dtype) =>
    SHAPES.map((s) => [dtype, s.m, s.k, s.n, Math.max(runsFor(s), 5)])
  );
  const threads = oneThread
    ? { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }
    : undefined;
  try {
    const { code, stdout, stderr } = await new Deno.Command("python3", {
      args: ["-c", NUMPY_SCRIPT, JSON.stringify(jobs)],
      env: threads,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      const last = new TextDecoder().decode(stderr).trim().split("\n").pop();
      return `python3 exited with ${code}: ${last}`;
    }
    const result = JSON.parse(new TextDecoder().decode(stdout));
    return { version: result.numpy, times: new Map(Object.entries(result.times)) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "python3 is not on PATH";
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return "run with --allow-run=python3 to compare with NumPy";
    }
    throw e;
  }
}

const cpu = navigator.hardwareConcurrency;
console.log(`Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${cpu} logical CPUs`);
const ours = timeOurs();
const numpy1 = await timeNumPy(true);
const numpyAll = typeof numpy1 === "string" ? numpy1 : await timeNumPy(false);
if (typeof numpy1 === "string") console.log(`NumPy: not compared (${numpy1})`);
else console.log(`NumPy ${numpy1.version}`);

const gflops = (shape: Shape, seconds: number | undefined) =>
  seconds === undefined ? undefined : flops(shape) / seconds / 1e9;
const cell = (x: number | undefined, digits: number, width: number) =>
  (x === undefined ? "–" : x.toFixed(digits)).padStart(width);
const header = [
  "shape (m×k·k×n)".padEnd(20),
  "dtype".padEnd(8),
  "ours".padStart(7),
  "NumPy 1 thread".padStart(15),
  "ratio".padStart(6),
  `NumPy ${cpu} threads`.padStart(16),
  "ratio".padStart(6),
];
console.log(`\nGFLOP/s (best of several runs), ratio = NumPy / ours\n`);
console.log(header.join("  "));
for (const dtype of DTYPES) {
  for (const shape of SHAPES) {
    const key = `${dtype} ${shape.m} ${shape.k} ${shape.n}`;
    const us = gflops(shape, ours.get(key))!;
    const np1 = typeof numpy1 === "string" ? undefined : gflops(shape, numpy1.times.get(key));
    const npAll = typeof numpyAll === "string" ? undefined : gflops(shape, numpyAll.times.get(key));
    console.log([
      `${shape.m}×${shape.k}·${shape.k}×${shape.n}`.padEnd(20),
      dtype.padEnd(8),
      cell(us, 2, 7),
      cell(np1, 1, 15),
      cell(np1 && np1 / us, 1, 6),
      cell(npAll, 1, 16),
      cell(npAll && npAll / us, 1, 6),
    ].join("  "));
  }
}
