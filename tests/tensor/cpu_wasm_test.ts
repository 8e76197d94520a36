/**
 * The CPU backend's WebAssembly matrix product: it agrees with a float64
 * reference and with the TypeScript kernel for every storage order and ragged
 * edge, gives bit-for-bit the same result on one thread and on the pool, turns
 * off with NN_WASM=0, and a script that used the pool exits promptly, also
 * when run from a URL.
 */

import { assert, assertClose, assertEquals, assertThrows } from "../assert.ts";
import { matmul as tsMatmul } from "../../lib/tensor/cpu/matmul.ts";
import { wasmMatmul } from "../../lib/tensor/cpu/wasm/matmul.ts";
import { poolStats, setThreadLimit } from "../../lib/tensor/cpu/wasm/pool.ts";
import { setWasmEnabled, threadCount, wasmRuntime } from "../../lib/tensor/cpu/wasm/runtime.ts";
import { Generator, matmul, tensor } from "../../mod.ts";
import { referenceMatmul } from "./matmul_reference.ts";

type FloatType = Float32ArrayConstructor | Float64ArrayConstructor;

function random(Type: FloatType, size: number, seed: number): Float32Array | Float64Array {
  const g = new Generator(seed);
  const values = new Type(size);
  for (let i = 0; i < size; i++) values[i] = g.random() * 2 - 1;
  return values;
}

Deno.test("WebAssembly matmul agrees with a float64 reference in every storage order and on ragged edges", () => {
  assert(wasmRuntime() !== null, "the kernels run here (Deno has SIMD and relaxed SIMD)");
  // Sizes around the tiles (6×8 float32, 6×4 float64) and the depth block (256).
  const shapes = [[1, 1, 1], [6, 8, 4], [7, 9, 5], [13, 3, 257], [2, 17, 300], [49, 50, 513]];
  for (const Type of [Float32Array, Float64Array]) {
    const tol = Type === Float32Array ? 1e-5 : 1e-13;
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = random(Type, m * k, m + n), b = random(Type, k * n, k);
          const out = new Type(m * n).fill(NaN); // old contents must not leak in
          assert(wasmMatmul(a, b, out, m, n, k, transA, transB));
          const name = `${Type.name} ${m}×${k}·${k}×${n} transA=${transA} transB=${transB}`;
          assertClose(out, referenceMatmul(a, b, m, n, k, transA, transB).value, tol, tol, name);
        }
      }
    }
  }
});

Deno.test("a kept copy of a large operand is used only for the same bytes", () => {
  // Operands of 4.8 MB (kept: over 4 MiB) side by side in one buffer, and a small one.
  const [m, n, k] = [600, 3, 1000];
  const buffer = random(Float64Array, 2 * m * k + 1, 9);
  const big1 = buffer.subarray(0, m * k), big2 = buffer.subarray(m * k, 2 * m * k);
  const shifted = buffer.subarray(1, m * k + 1);
  const small = random(Float64Array, 10 * k, 11);
  const b = random(Float64Array, k * n, 10);
  const cases: [Float32Array | Float64Array, number][] = [
    [big1, m],
    [small, 10],
    [big1, m],
    [big2, m],
    [big1, m],
    [shifted, m],
    [big1, m],
  ];
  for (const transA of [false, true]) {
    for (const [i, [a, rows]] of cases.entries()) {
      const out = new Float64Array(rows * n);
      assert(wasmMatmul(a, b, out, rows, n, k, transA, false));
      const name = `product ${i}, transA=${transA}`;
      assertClose(out, referenceMatmul(a, b, rows, n, k, transA, false).value, 1e-12, 1e-12, name);
    }
  }
});

Deno.test("WebAssembly matmul of empty operands: k = 0 gives zeros, m = 0 nothing", () => {
  const out = new Float32Array(6).fill(NaN);
  assert(wasmMatmul(new Float32Array(0), new Float32Array(0), out, 2, 3, 0, false, false));
  assertEquals([...out], [0, 0, 0, 0, 0, 0]);
  assert(
    wasmMatmul(
      new Float64Array(0),
      new Float64Array(12),
      new Float64Array(0),
      0,
      3,
      4,
      false,
      false,
    ),
  );
});

Deno.test("the backend's matmul gives the same values with the kernels on and off", () => {
  const g = new Generator(1);
  // Batched, with a lazy transpose: both reach the backend's product.
  const x = tensor(Float64Array.from({ length: 3 * 40 * 30 }, () => g.standardNormal()), {
    shape: [3, 40, 30],
  });
  const w = tensor(Float64Array.from({ length: 50 * 30 }, () => g.standardNormal()), {
    shape: [50, 30],
  });
  for (const dtype of ["float32", "float64"] as const) {
    const results = [true, false].map((on) => {
      setWasmEnabled(on);
      try {
        return [
          matmul(x.astype(dtype), w.astype(dtype).T).dataSync(),
          matmul(x.astype(dtype).at(1).T, x.astype(dtype).at(2)).dataSync(),
        ];
      } finally {
        setWasmEnabled(true);
      }
    });
    const tol = dtype === "float32" ? 1e-5 : 1e-12;
    assertClose(results[0][0], results[1][0], tol, tol, `${dtype} batched`);
    assertClose(results[0][1], results[1][1], tol, tol, `${dtype} transposed`);
  }
});

Deno.test("the pool computes a product bit for bit as one thread does", async () => {
  const [m, n, k] = [300, 200, 160]; // 19 MFLOP: above the pool's threshold
  for (const Type of [Float32Array, Float64Array]) {
    const a = random(Type, m * k, 3), b = random(Type, k * n, 4);
    setThreadLimit(1);
    const alone = new Type(m * n);
    wasmMatmul(a, b, alone, m, n, k, true, false);
    setThreadLimit(2);
    try {
      // Workers start in the background; products go on until one has done a chunk.
      const before = poolStats.workerChunks;
      const shared = new Type(m * n);
      for (let round = 0; poolStats.workerChunks === before && round < 200; round++) {
        wasmMatmul(a, b, shared, m, n, k, true, false);
        assertEquals([...shared], [...alone], `${Type.name}, round ${round}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert(poolStats.workerChunks > before, "a Worker took part");
      assertClose(tsResult(Type, a, b, m, n, k), alone, 1e-4, 1e-4);
    } finally {
      setThreadLimit(Infinity);
    }
  }
});

function tsResult(
  Type: FloatType,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
) {
  const out = new Type(m * n);
  tsMatmul(Type.from(a), Type.from(b), out, m, n, k, true, false);
  return out;
}

Deno.test("NN_THREADS must be a positive integer", () => {
  const old = Deno.env.get("NN_THREADS");
  try {
    Deno.env.set("NN_THREADS", "3");
    assertEquals(threadCount(), 3);
    Deno.env.set("NN_THREADS", "two");
    assertThrows(
      () => threadCount(),
      RangeError,
      'NN_THREADS: expected a positive integer, found "two"',
    );
  } finally {
    if (old === undefined) Deno.env.delete("NN_THREADS");
    else Deno.env.set("NN_THREADS", old);
  }
});

/** A script that multiplies 400×400 matrices a few times and prints what ran. */
function probe(modUrl: string, runtimeUrl: string, poolUrl: string): string {
  return `
import { matmul, ones } from "${modUrl}";
import { wasmRuntime } from "${runtimeUrl}";
import { poolStats } from "${poolUrl}";
const x = ones([400, 400]);
let sum = 0;
const wasm = wasmRuntime() !== null;
for (let i = 0; i < 3 || (wasm && poolStats.workerChunks === 0 && i < 100); i++) {
  sum = matmul(x, x).sum().item();
  await new Promise((resolve) => setTimeout(resolve, 5));
}
console.log(JSON.stringify({ wasm, workerChunks: poolStats.workerChunks, sum }));
`;
}

async function run(args: string[], env: Record<string, string>) {
  const start = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - start) / 1000;
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr), seconds };
}

Deno.test("a script that used the pool exits promptly; NN_WASM=0 leaves the TypeScript kernel", async () => {
  const root = new URL("../../", import.meta.url).href;
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      script,
      probe(
        `${root}mod.ts`,
        `${root}lib/tensor/cpu/wasm/runtime.ts`,
        `${root}lib/tensor/cpu/wasm/pool.ts`,
      ),
    );
    // NN_BLAS=0: with -A the platform's BLAS (lib/tensor/cpu/blas.ts) would take the product.
    const on = await run(["run", "-A", script], { NN_THREADS: "2", NN_BLAS: "0" });
    assertEquals(on.code, 0, on.err);
    const result = JSON.parse(on.out);
    assertEquals([result.wasm, result.sum], [true, 400 * 400 * 400]);
    assert(result.workerChunks > 0, `Workers took part: ${on.out}`);
    // Deno starts in well under a second; the idle Workers close 250 ms after the last product.
    assert(on.seconds < 10, `the script exited after ${on.seconds.toFixed(1)} s`);

    const off = await run(["run", "-A", script], { NN_WASM: "0", NN_THREADS: "2", NN_BLAS: "0" });
    assertEquals(off.code, 0, off.err);
    assertEquals(JSON.parse(off.out), { wasm: false, workerChunks: 0, sum: 400 * 400 * 400 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run from a URL, the pool loads its Workers over HTTP", async () => {
  const root = new URL("../../", import.meta.url);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/probe.ts") {
      const base = `http://127.0.0.1:${server.addr.port}`;
      const body = probe(
        `${base}/mod.ts`,
        `${base}/lib/tensor/cpu/wasm/runtime.ts`,
        `${base}/lib/tensor/cpu/wasm/pool.ts`,
      );
      return new Response(body, { headers: { "content-type": "application/typescript" } });
    }
    try {
      const body = await Deno.readFile(new URL(`.${path}`, root));
      const type = path.endsWith(".json") ? "application/json" : "application/typescript";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  // A Deno cache of its own: every module comes over HTTP, none from an earlier server's port.
  const denoDir = await Deno.makeTempDir({ prefix: "nn_deno_dir_" });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/probe.ts`;
    // No --allow-read: a Worker from http: needs no permission.
    const remote = await run([
      "run",
      "--quiet",
      "--allow-env=NN_THREADS,NN_WASM",
      "--reload=http://127.0.0.1",
      url,
    ], {
      NN_THREADS: "2",
      DENO_DIR: denoDir,
    });
    assertEquals(remote.code, 0, remote.err);
    const result = JSON.parse(remote.out);
    assert(result.wasm && result.workerChunks > 0, `Workers took part: ${remote.out}`);
  } finally {
    await server.shutdown();
    await Deno.remove(denoDir, { recursive: true });
  }
});
