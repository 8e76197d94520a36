/**
 * The platform's BLAS (lib/tensor/cpu/blas.ts): its products agree with the
 * WebAssembly kernels' across shapes, transpose flags, dtypes and batches; it
 * is found, refused or left off as NN_BLAS and --allow-ffi say, and nothing
 * prompts. The tests that need a BLAS are ignored where none is installed
 * (`.ci/run` installs Debian's OpenBLAS, so CI runs them).
 */

import assert from "node:assert/strict";
import {
  blasMatmul,
  openBlas,
  platformBlas,
  setBlasEnabled,
  setPanels,
} from "../../lib/tensor/cpu/blas.ts";
import { matmul } from "../../lib/tensor/ops/matmul.ts";
import { tensor } from "../../lib/tensor/create.ts";
import { Generator } from "../../lib/tensor/random.ts";
import { assertClose } from "../assert.ts";

const blas = platformBlas();
const noBlas = blas === null;

/** A's rows [[1, 2, 3], [4, 5, 6]] and B's [[7, 8], [9, 10], [11, 12]]; A·B = [[58, 64], [139, 154]]. */
const A = [1, 2, 3, 4, 5, 6], AT = [1, 4, 2, 5, 3, 6];
const B = [7, 8, 9, 10, 11, 12], BT = [7, 9, 11, 8, 10, 12];

Deno.test({
  name: "the BLAS computes a 2×3·3×2 product with each pair of transpose flags",
  ignore: noBlas,
  fn() {
    for (const Type of [Float32Array, Float64Array]) {
      for (
        const [a, b, transA, transB] of [[A, B, false, false], [AT, B, true, false], [
          A,
          BT,
          false,
          true,
        ], [AT, BT, true, true]] as const
      ) {
        const out = new Type(4);
        blas!.gemm(Type.from(a), Type.from(b), out, 2, 2, 3, transA, transB);
        assert.deepEqual([...out], [58, 64, 139, 154], `${Type.name} ${transA} ${transB}`);
      }
    }
  },
});

Deno.test({
  name: "the BLAS reads and writes subarrays in place (one matrix of a batch)",
  ignore: noBlas,
  fn() {
    const a = new Float64Array([99, 99, ...A, 99]), b = new Float64Array([...B, -1]);
    const out = new Float64Array(8).fill(-7);
    assert.ok(
      blasMatmul(a.subarray(2, 8), b.subarray(0, 6), out.subarray(2, 6), 2, 2, 3, false, false),
    );
    assert.deepEqual([...out], [-7, -7, 58, 64, 139, 154, -7, -7]);
    // An empty inner dimension gives zeros, an empty result nothing.
    const zeros = new Float32Array(4).fill(5);
    assert.ok(blasMatmul(new Float32Array(0), new Float32Array(0), zeros, 2, 2, 0, false, false));
    assert.deepEqual([...zeros], [0, 0, 0, 0]);
  },
});

Deno.test({
  name: "a tall product in panels of rows gives the values of one call, with each transpose flag",
  ignore: noBlas,
  fn() {
    const g = new Generator(3);
    const [m, n, k] = [50, 19, 33];
    for (const Type of [Float32Array, Float64Array]) {
      const a = new Type(m * k).map(() => g.standardNormal());
      const b = new Type(k * n).map(() => g.standardNormal());
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
        const once = new Type(m * n), panels = new Type(m * n).fill(NaN);
        const before = setPanels({ bytes: Infinity, minRows: 1 });
        try {
          blas!.gemm(a, b, once, m, n, k, transA, transB);
          // At most 7 rows of A a call: seven panels of 7 rows and one of 1.
          setPanels({ bytes: 7 * k * Type.BYTES_PER_ELEMENT, minRows: 1 });
          blas!.gemm(a, b, panels, m, n, k, transA, transB);
        } finally {
          setPanels(before);
        }
        const tol = Type === Float32Array ? 1e-5 : 1e-13;
        assertClose(panels, once, tol, tol, `${Type.name} transA ${transA} transB ${transB}`);
      }
    }
  },
});

/** The product of `x` and `y` through the public matmul, with the BLAS on or off. */
function product(on: boolean, x: Parameters<typeof matmul>[0], y: Parameters<typeof matmul>[1]) {
  setBlasEnabled(on);
  try {
    return matmul(x, y).dataSync();
  } finally {
    setBlasEnabled(true);
  }
}

Deno.test({
  name:
    "matmul gives the WebAssembly kernels' values with the BLAS: shapes, flags, dtypes, batches",
  ignore: noBlas,
  fn() {
    const g = new Generator(7);
    const random = (shape: number[]) =>
      tensor(
        Float64Array.from({ length: shape.reduce((p, s) => p * s, 1) }, () => g.standardNormal()),
        { shape },
      );
    /** The last two axes swapped. */
    const swap = (shape: number[]) => [...shape.slice(0, -2), shape.at(-1)!, shape.at(-2)!];
    const lastTwo = (n: number) => [...Array(n - 2).keys(), n - 1, n - 2];
    /** An operand of `shape`; when `trans`, the lazy transpose of one stored the other way. */
    const operand = (shape: number[], trans: boolean, dtype: "float32" | "float64") =>
      trans
        ? random(swap(shape)).astype(dtype).transpose(...lastTwo(shape.length))
        : random(shape).astype(dtype);
    // [x's shape, y's shape, x stored transposed, y stored transposed]: tiny, ragged (not
    // multiples of any kernel's tile), the exercises' shapes, and batches (one broadcast).
    const cases: [number[], number[], boolean, boolean][] = [
      [[1, 1], [1, 1], false, false],
      [[118, 2], [2, 10], false, false],
      [[10, 118], [118, 2], true, false],
      [[64, 1100], [1100, 16], true, false], // the backward's Xᵀ·dz: computed as (dzᵀ·X)ᵀ
      [[37, 53], [53, 29], false, true],
      [[53, 37], [37, 29], true, true],
      [[130, 784], [784, 128], false, false],
      [[3, 40, 30], [30, 50], false, true],
      [[4, 17, 9], [4, 9, 13], false, false],
      [[2, 9, 17], [1, 17, 13], true, true],
    ];
    for (const dtype of ["float32", "float64"] as const) {
      const tol = dtype === "float32" ? 1e-4 : 1e-11;
      for (const [xs, ys, tx, ty] of cases) {
        const x = operand(xs, tx, dtype), y = operand(ys, ty, dtype);
        const label = `${dtype} ${JSON.stringify([xs, ys, tx, ty])}`;
        const withBlas = product(true, x, y), without = product(false, x, y);
        assert.equal(withBlas.length, without.length, label);
        assertClose(withBlas, without, tol, tol, label);
      }
    }
  },
});

Deno.test("a library that is not an optimised BLAS is refused, naming it", () => {
  if (Deno.build.os !== "linux") return;
  // The C maths library has no cblas_sgemm; Netlib's reference BLAS has it but is slow.
  assert.throws(() => openBlas("libm.so.6"), (e: Error) => {
    assert.ok(e instanceof RangeError);
    assert.match(
      e.message,
      /^BLAS library "libm\.so\.6": expected a library exporting cblas_sgemm/,
    );
    return true;
  });
  const reference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
  let present = false;
  try {
    present = Deno.statSync(reference).isFile;
  } catch { /* not installed */ }
  if (present) {
    assert.throws(() => openBlas(reference), /expected an optimised BLAS.*a reference BLAS/);
  }
});

/** Runs a product in a fresh process with `flags` and `env`; its exit code, stdout and stderr. */
async function run(flags: string[], env: Record<string, string>) {
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const blasUrl = new URL("../../lib/tensor/cpu/blas.ts", import.meta.url).href;
  const code = `import * as nn from "${mod}";
import { productKernel } from "${blasUrl}";
const x = nn.arange(0, 60).reshape([6, 10]).astype("float64");
console.log(JSON.stringify({ sum: x.matmul(x.T).sum().item(), kernel: productKernel() }));`;
  const dir = await Deno.makeTempDir();
  const script = `${dir}/product.ts`;
  await Deno.writeTextFile(script, code);
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, script],
    env: { NO_COLOR: "1", NN_BLAS: "", NN_DEBUG: "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output().finally(() => Deno.remove(dir, { recursive: true }));
  const text = new TextDecoder();
  return { exit, out: text.decode(stdout), err: text.decode(stderr) };
}

/**
 * Σ_ij (x·xᵀ)_ij for x = arange(60) as 6×10 is Σ_c (Σ_i x_ic)², the squares of its
 * column sums 150 + 6c: 225000 + 1800·45 + 36·285.
 */
const SUM = 316260;

Deno.test({
  name: "NN_BLAS, --allow-ffi and NN_DEBUG choose and tell which kernel runs; nothing prompts",
  ignore: noBlas,
  async fn() {
    const on = await run(["-A"], { NN_DEBUG: "1" });
    assert.equal(on.exit, 0, on.err);
    assert.deepEqual(JSON.parse(on.out), { sum: SUM, kernel: blas!.name });
    assert.match(on.err, /nn: matrix products on (OpenBLAS|.*MKL|Apple Accelerate).*NN_BLAS=0/);

    const off = await run(["-A"], { NN_BLAS: "0", NN_DEBUG: "1" });
    assert.equal(off.exit, 0, off.err);
    assert.match(JSON.parse(off.out).kernel, /^WebAssembly SIMD, \d+ threads?$/);
    assert.equal(JSON.parse(off.out).sum, SUM);
    assert.match(off.err, /nn: matrix products on WebAssembly SIMD.*: NN_BLAS=0/);

    // Without --allow-ffi: the WebAssembly kernels, no prompt (stdin is closed), exit 0.
    const denied = await run(["--allow-env", "--allow-read"], { NN_DEBUG: "1" });
    assert.equal(denied.exit, 0, denied.err);
    assert.match(JSON.parse(denied.out).kernel, /^WebAssembly SIMD/);
    assert.match(denied.err, /no --allow-ffi/);
    assert.doesNotMatch(denied.err, /Granted|Allow\?|⚠️/);

    // NN_BLAS naming a library: that one, and a library that is not one we use is an error.
    if (Deno.build.os === "linux") {
      const named = await run(["-A"], { NN_BLAS: blas!.path });
      assert.equal(named.exit, 0, named.err);
      assert.equal(JSON.parse(named.out).kernel, blas!.name);
      const bad = await run(["-A"], { NN_BLAS: "libm.so.6" });
      assert.equal(bad.exit, 1);
      assert.match(bad.err, /RangeError: NN_BLAS: for "libm\.so\.6" expected a library exporting/);
    }
  },
});
