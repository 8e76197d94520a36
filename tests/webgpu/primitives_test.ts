/**
 * Every backend primitive on the GPU against the CPU backend, on random shapes
 * that are not multiples of the kernels' tiles (1×N, N×1, 31, 33, 65…), in
 * float32 (relative tolerance 1e-4) and int32 (exact). Run twice: with whole
 * buffers, and with tensors cut into 64-byte segments, which exercises the
 * code that binds a tensor larger than `maxStorageBufferBindingSize` in pieces.
 */

import type { Backend, BinaryOp, ReduceOp, Storage, UnaryOp } from "../../lib/tensor/backend.ts";
import type { DType, TypedArray } from "../../lib/tensor/dtype.ts";
import { BINARY_OPS } from "../../lib/tensor/binary_ops.ts";
import { stridesOf } from "../../lib/tensor/shape.ts";
import { WebGpuBackend } from "../../lib/tensor/webgpu/backend.ts";
import { probeAdapter } from "../../lib/tensor/webgpu/device.ts";
import { assert, assertClose } from "../assert.ts";
import { cpu, gpuTest, TestRandom } from "./helpers.ts";

/** The sizes a run draws from. */
interface Sizes {
  /** Axis sizes of random shapes. */
  axes: number[];
  /** The largest rank of a broadcast operand. */
  maxRank: number;
  /** Element counts of uploads. */
  uploads: number[];
  /** Shapes reduced along each axis. */
  reduceShapes: number[][];
  /** m, n, k of products. */
  matmulDims: number[];
  /** Batch sizes of products. */
  batches: number[];
  /** The inner size of a product cut into pieces ("split-K"); 0 for none. */
  splitK: number;
}

/** Sizes around the kernels' tiles: 32×32 output tiles, 4×4 blocks, 128- and 256-wide workgroups. */
const FULL: Sizes = {
  axes: [1, 2, 3, 5, 7, 31, 33, 64, 65],
  maxRank: 3,
  uploads: [0, 1, 5, 33, 1000],
  reduceShapes: [[65, 33], [1, 200], [200, 1], [3, 5, 7], [2, 3000], [3000, 3], [5000]],
  matmulDims: [1, 3, 4, 5, 31, 32, 33, 64, 65],
  batches: [1, 1, 3],
  splitK: 3001,
};

/**
 * Sizes for 16-element segments: every tensor spans a few segments, and no
 * kernel needs more storage bindings than a device allows (16 on llvmpipe).
 */
const SEGMENTED: Sizes = {
  axes: [1, 2, 3, 5, 6],
  maxRank: 2,
  uploads: [0, 1, 5, 33, 100],
  reduceShapes: [[6, 5], [1, 40], [40, 1], [2, 3, 5], [2, 70], [70, 1]],
  matmulDims: [1, 3, 4, 5, 8],
  batches: [1],
  splitK: 0, // a split-K product spans too many 16-element segments to bind
};

function randomShape(r: TestRandom, sizes: Sizes, rank: number): number[] {
  return Array.from({ length: rank }, () => r.pick(sizes.axes));
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

async function readGpu(g: Backend, s: Storage, dtype: DType, n: number): Promise<TypedArray> {
  return await g.read(s, dtype, n);
}

function readCpu(s: Storage): TypedArray {
  return cpu.readSync!(s, "float32", 0);
}

async function same(
  g: Backend,
  gs: Storage,
  cs: Storage,
  dtype: DType,
  n: number,
  what: string,
  rtol = 1e-4,
  atol = 1e-5,
): Promise<void> {
  const got = await readGpu(g, gs, dtype, n), want = readCpu(cs);
  assert(got.length === want.length, `${what}: ${got.length} elements, expected ${want.length}`);
  if (dtype === "int32") assertClose(got, want, 0, 0, what);
  else assertClose(got, want, rtol, atol, what);
}

/** Input data for a unary op, inside its domain. */
function unaryInput(op: UnaryOp, r: TestRandom, n: number): Float32Array {
  if (op === "log" || op === "sqrt") return r.uniform(n, 0.01, 10);
  if (op === "exp") return r.uniform(n, -20, 20);
  return r.normal(n, 5);
}

const UNARY: [UnaryOp, number[]][] = [
  ["neg", []],
  ["exp", []],
  ["log", []],
  ["sqrt", []],
  ["abs", []],
  ["sigmoid", []],
  ["tanh", []],
  ["relu", []],
  ["leakyRelu", [0.1]],
  ["softplus", []],
  ["clip", [-1.5, 2.25]],
];
const KEEPS_INT = new Set<UnaryOp>(["neg", "abs", "relu", "clip"]);
const BINARY = Object.keys(BINARY_OPS) as BinaryOp[];
const REDUCE: ReduceOp[] = ["sum", "max", "min", "argmax", "argmin"];

async function runPrimitives(g: Backend, sizes: Sizes): Promise<void> {
  const r = new TestRandom(7);

  // Upload and read back, and zeros.
  for (const n of sizes.uploads) {
    const f = r.normal(n), i = r.ints(n, -1000, 1000);
    assertClose(await g.read(g.fromArray(f), "float32", n), f, 0, 0, `fromArray float32 ${n}`);
    assertClose(await g.read(g.fromArray(i), "int32", n), i, 0, 0, `fromArray int32 ${n}`);
    assertClose(
      await g.read(g.zeros("float32", n), "float32", n),
      new Float32Array(n),
      0,
      0,
      "zeros",
    );
  }

  // Unary: float32 in; int32 in (int32 out where the op keeps it, float32 otherwise).
  for (const [op, params] of UNARY) {
    const n = r.pick(sizes.axes) * r.pick(sizes.axes);
    const x = unaryInput(op, r, n);
    await same(
      g,
      g.unary(op, g.fromArray(x), n, "float32", params),
      cpu.unary(op, cpu.fromArray(x), n, "float32", params),
      "float32",
      n,
      `unary ${op} float32`,
    );
    const xi = op === "log" || op === "sqrt" ? r.ints(n, 1, 50) : r.ints(n, -20, 20);
    const outDtype = KEEPS_INT.has(op) ? "int32" : "float32";
    await same(
      g,
      g.unary(op, g.fromArray(xi), n, outDtype, params),
      cpu.unary(op, cpu.fromArray(xi), n, outDtype, params),
      outDtype,
      n,
      `unary ${op} int32`,
    );
  }

  // Binary with broadcasting: shapes where some axes are 1 on one side.
  for (const op of BINARY) {
    for (let trial = 0; trial < 3; trial++) {
      const rank = 1 + (trial % sizes.maxRank);
      const out = randomShape(r, sizes, rank);
      const aShape = out.map((d) => (r.pick([true, false, false]) ? 1 : d));
      const bShape = out.map((d) => (r.pick([true, false, false]) ? 1 : d)).slice(
        r.pick([0, 0, 1]),
      );
      const n = size(out);
      for (const dtype of ["float32", "int32"] as const) {
        const make = (shape: number[], positive: boolean) =>
          dtype === "float32"
            ? (positive ? r.uniform(size(shape), 0.5, 3) : r.normal(size(shape), 3))
            : (positive ? r.ints(size(shape), 1, 5) : r.ints(size(shape), -4, 5));
        // Positive divisors and exponents (an int32 divisor of 0 throws on the CPU).
        const powLike = BINARY_OPS[op].domain !== "real";
        const a = make(aShape, op === "pow" && dtype === "float32");
        const b = make(bShape, powLike);
        // Equal values now and then, for ties and eq.
        if (trial === 0 && a.length > 0 && b.length > 0) a[0] = b[0];
        await same(
          g,
          g.binary(op, g.fromArray(a), aShape, g.fromArray(b), bShape, out, dtype),
          cpu.binary(op, cpu.fromArray(a), aShape, cpu.fromArray(b), bShape, out, dtype),
          dtype,
          n,
          `binary ${op} ${dtype} [${aShape}] with [${bShape}]`,
        );
      }
    }
  }
  // pow with negative bases and integer exponents, and x^0.
  {
    const a = new Float32Array([-2, -2, -3, 0, 0, 2.5, -1.5]);
    const b = new Float32Array([2, 3, 0, 0, 2, -1, 2]);
    const s = [7];
    await same(
      g,
      g.binary("pow", g.fromArray(a), s, g.fromArray(b), s, s, "float32"),
      cpu.binary("pow", cpu.fromArray(a), s, cpu.fromArray(b), s, s, "float32"),
      "float32",
      7,
      "pow with negative bases",
    );
  }

  // where, with a float and an int condition.
  for (const condDtype of ["float32", "int32"] as const) {
    const out = randomShape(r, sizes, 2);
    const cShape = [out[0], 1], aShape = [out[1]], bShape = out;
    const c = condDtype === "int32"
      ? r.ints(size(cShape), 0, 2)
      : Float32Array.from(r.ints(size(cShape), 0, 2));
    const a = r.normal(size(aShape)), b = r.normal(size(bShape));
    await same(
      g,
      g.where(
        g.fromArray(c),
        cShape,
        g.fromArray(a),
        aShape,
        g.fromArray(b),
        bShape,
        out,
        "float32",
      ),
      cpu.where(
        cpu.fromArray(c),
        cShape,
        cpu.fromArray(a),
        aShape,
        cpu.fromArray(b),
        bShape,
        out,
        "float32",
      ),
      "float32",
      size(out),
      `where (${condDtype} condition) [${out}]`,
    );
  }

  // Reductions: random shapes and axes, and long axes (the two-pass path).
  for (const op of REDUCE) {
    for (const shape of sizes.reduceShapes) {
      for (let axis = 0; axis < shape.length; axis++) {
        const n = size(shape);
        const outDtype = op === "argmax" || op === "argmin" ? "int32" : "float32";
        const x = r.normal(n);
        // A few ties, so that "first index wins" is tested.
        if (n > 10) x[7] = x[3];
        const outN = n / shape[axis];
        const tol = op === "sum" ? 1e-5 * Math.sqrt(shape[axis]) * 4 : 1e-5;
        await same(
          g,
          g.reduce(op, g.fromArray(x), shape, axis, outDtype),
          cpu.reduce(op, cpu.fromArray(x), shape, axis, outDtype),
          outDtype,
          outN,
          `reduce ${op} float32 [${shape}] axis ${axis}`,
          1e-4,
          tol,
        );
        const xi = r.ints(n, -50, 50);
        const intOut = outDtype === "int32" ? "int32" : "int32";
        await same(
          g,
          g.reduce(op, g.fromArray(xi), shape, axis, intOut),
          cpu.reduce(op, cpu.fromArray(xi), shape, axis, intOut),
          "int32",
          outN,
          `reduce ${op} int32 [${shape}] axis ${axis}`,
        );
      }
    }
  }
  // Products (factors near 1, so long axes neither overflow nor vanish; int32 factors -1, 0
  // and 1, so the CPU's products stay in range) and running sums and products, both ways.
  for (const shape of sizes.reduceShapes) {
    for (let axis = 0; axis < shape.length; axis++) {
      const n = size(shape), outN = n / shape[axis];
      const x = r.uniform(n, 0.99, 1.01), xi = r.ints(n, -1, 2);
      await same(
        g,
        g.reduce("prod", g.fromArray(x), shape, axis, "float32"),
        cpu.reduce("prod", cpu.fromArray(x), shape, axis, "float32"),
        "float32",
        outN,
        `reduce prod float32 [${shape}] axis ${axis}`,
        1e-4,
        1e-5,
      );
      await same(
        g,
        g.reduce("prod", g.fromArray(xi), shape, axis, "int32"),
        cpu.reduce("prod", cpu.fromArray(xi), shape, axis, "int32"),
        "int32",
        outN,
        `reduce prod int32 [${shape}] axis ${axis}`,
      );
      // A scan binds its input and output whole: in pieces of 64 bytes, only the small shapes
      // fit the 16 bindings a shader may have (run() names the limit beyond that).
      const segment = (g as { segment?: number }).segment ?? Infinity;
      const fits = 2 * Math.ceil(n / segment) <= 16;
      for (const reverse of fits ? [false, true] : []) {
        const xs = r.normal(n), xsi = r.ints(n, -50, 50);
        await same(
          g,
          g.scan("sum", g.fromArray(xs), shape, axis, reverse, "float32"),
          cpu.scan("sum", cpu.fromArray(xs), shape, axis, reverse, "float32"),
          "float32",
          n,
          `scan sum float32 [${shape}] axis ${axis}${reverse ? " reverse" : ""}`,
          1e-4,
          1e-5 * Math.sqrt(shape[axis]) * 4,
        );
        await same(
          g,
          g.scan("sum", g.fromArray(xsi), shape, axis, reverse, "int32"),
          cpu.scan("sum", cpu.fromArray(xsi), shape, axis, reverse, "int32"),
          "int32",
          n,
          `scan sum int32 [${shape}] axis ${axis}${reverse ? " reverse" : ""}`,
        );
        await same(
          g,
          g.scan("prod", g.fromArray(x), shape, axis, reverse, "float32"),
          cpu.scan("prod", cpu.fromArray(x), shape, axis, reverse, "float32"),
          "float32",
          n,
          `scan prod float32 [${shape}] axis ${axis}${reverse ? " reverse" : ""}`,
          1e-4,
          1e-5,
        );
      }
    }
  }
  // An empty product is 1 on both.
  await same(
    g,
    g.reduce("prod", g.fromArray(new Float32Array(0)), [3, 0], 1, "float32"),
    cpu.reduce("prod", cpu.fromArray(new Float32Array(0)), [3, 0], 1, "float32"),
    "float32",
    3,
    "reduce prod of an empty axis",
  );
  // NaN wins max and argmax, as in NumPy.
  {
    const x = new Float32Array([1, NaN, 3, 2, 5, 4]);
    for (const op of ["max", "argmax", "min", "argmin"] as const) {
      const dt = op.startsWith("arg") ? "int32" : "float32";
      await same(
        g,
        g.reduce(op, g.fromArray(x), [2, 3], 1, dt),
        cpu.reduce(op, cpu.fromArray(x), [2, 3], 1, dt),
        dt,
        2,
        `${op} with NaN`,
      );
    }
  }

  // Matmul: every transpose combination, sizes around the 4×4 block and 32×32 tile.
  const dims = sizes.matmulDims;
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (let trial = 0; trial < 4; trial++) {
        const m = r.pick(dims), n = r.pick(dims), k = r.pick(dims), batch = r.pick(sizes.batches);
        const a = r.normal(batch * m * k), b = r.normal(batch * k * n);
        const spec = { batch, m, n, k, transA, transB };
        await same(
          g,
          g.matmul(g.fromArray(a), g.fromArray(b), spec, "float32"),
          cpu.matmul(cpu.fromArray(a), cpu.fromArray(b), spec, "float32"),
          "float32",
          batch * m * n,
          `matmul ${JSON.stringify(spec)}`,
          1e-4,
          1e-4 * Math.sqrt(k),
        );
      }
    }
  }

  // Split-K: few outputs and a long inner axis, cut into pieces and summed.
  for (
    const [transA, transB] of sizes.splitK ? [[false, false], [true, false], [false, true]] : []
  ) {
    const [m, n, k] = [3, 5, sizes.splitK];
    const a = r.normal(m * k), b = r.normal(k * n);
    const spec = { batch: 1, m, n, k, transA, transB };
    await same(
      g,
      g.matmul(g.fromArray(a), g.fromArray(b), spec, "float32"),
      cpu.matmul(cpu.fromArray(a), cpu.fromArray(b), spec, "float32"),
      "float32",
      m * n,
      `split-K matmul ${JSON.stringify(spec)}`,
      1e-4,
      1e-4 * Math.sqrt(k),
    );
  }

  // Gather with negative indices, along each axis; scatterAdd with repeated indices.
  const gathers: [number[], number][] = [[[7, 5], 0], [[7, 5], 1], [[3, 4, 6], 1], [[33], 0]];
  for (const [shape, axis] of gathers) {
    const n = size(shape), len = shape[axis];
    const x = r.normal(n);
    const idx = Int32Array.from([0, len - 1, -1, -len, Math.floor(len / 2), 0]);
    const count = idx.length;
    const outN = (n / len) * count;
    await same(
      g,
      g.gather(g.fromArray(x), shape, axis, g.fromArray(idx), count),
      cpu.gather(cpu.fromArray(x), shape, axis, cpu.fromArray(idx), count),
      "float32",
      outN,
      `gather [${shape}] axis ${axis}`,
    );
    const gShape = shape.map((d, i) => (i === axis ? count : d));
    const gv = r.normal(outN);
    await same(
      g,
      g.scatterAdd(g.fromArray(gv), gShape, axis, g.fromArray(idx), len),
      cpu.scatterAdd(cpu.fromArray(gv), gShape, axis, cpu.fromArray(idx), len),
      "float32",
      n,
      `scatterAdd [${gShape}] axis ${axis}`,
    );
    const gi = r.ints(outN, -9, 9);
    await same(
      g,
      g.scatterAdd(g.fromArray(gi), gShape, axis, g.fromArray(idx), len),
      cpu.scatterAdd(cpu.fromArray(gi), gShape, axis, cpu.fromArray(idx), len),
      "int32",
      n,
      `scatterAdd int32 [${gShape}] axis ${axis}`,
    );
  }

  // Strided copy: a transposed window with an offset into the middle of a bigger tensor.
  {
    const src = r.normal(6 * 7), dstInit = r.normal(9 * 8);
    const shape = [5, 4];
    const srcView = { strides: [1, 7], offset: 2 }; // columns 2.. of a [6, 7], transposed
    const dstView = { strides: [8, 1], offset: 8 * 2 + 3 }; // rows 2.., columns 3.. of a [9, 8]
    const gd = g.fromArray(dstInit), cd = cpu.fromArray(dstInit.slice());
    g.copy(g.fromArray(src), srcView, gd, dstView, shape);
    cpu.copy(cpu.fromArray(src), srcView, cd, dstView, shape);
    await same(g, gd, cd, "float32", 72, "strided copy");
    // Broadcast (stride 0) as broadcastTo does it.
    const row = r.normal(5);
    const gb = g.zeros("float32", 15), cb = cpu.zeros("float32", 15);
    g.copy(g.fromArray(row), { strides: [0, 1], offset: 0 }, gb, {
      strides: stridesOf([3, 5]),
      offset: 0,
    }, [3, 5]);
    cpu.copy(cpu.fromArray(row), { strides: [0, 1], offset: 0 }, cb, {
      strides: stridesOf([3, 5]),
      offset: 0,
    }, [3, 5]);
    await same(g, gb, cb, "float32", 15, "broadcast copy");
  }

  // Casts: float32 to int32 truncates toward zero; int32 to float32.
  {
    const f = new Float32Array([-2.7, -0.5, 0, 0.5, 2.7, 1e6, -123456.9]);
    await same(
      g,
      g.cast(g.fromArray(f), 7, "float32", "int32"),
      cpu.cast(cpu.fromArray(f), 7, "float32", "int32"),
      "int32",
      7,
      "cast float32 → int32",
    );
    const i = r.ints(50, -100000, 100000);
    await same(
      g,
      g.cast(g.fromArray(i), 50, "int32", "float32"),
      cpu.cast(cpu.fromArray(i), 50, "int32", "float32"),
      "float32",
      50,
      "cast int32 → float32",
    );
  }
}

gpuTest("every primitive agrees with the CPU backend", async (g) => {
  await runPrimitives(g, FULL);
});

gpuTest("every primitive agrees with tensors held in 64-byte pieces", async (g) => {
  // A second device whose tensors are cut into 16-element segments: the same
  // kernels then bind each tensor as several buffers, as they must above 128 MiB.
  const { adapter } = await probeAdapter();
  const small = await WebGpuBackend.create(adapter!, { maxSegmentBytes: 64 });
  assert(small.segment === 16, `expected 16-element segments, found ${small.segment}`);
  // (Not destroyed: destroying a device that did work can crash Deno at exit.)
  await runPrimitives(small, SEGMENTED);
  await small.sync();
  assert(g.segment > 16);
});
