/**
 * Matrix product on typed arrays: the CPU backend's portable kernel, and the
 * fallback wherever WebAssembly SIMD is not available.
 *
 * The shape is the classic one of GotoBLAS/BLIS, cut down to what plain
 * JavaScript can use:
 *
 * 1. Split the inner size k into blocks of at most `KC`, the columns n into
 *    blocks of at most `NC` and the rows m into blocks of at most `MC`.
 * 2. Copy ("pack") each block of op(a) and op(b) into a `Float64Array` scratch,
 *    as panels 4 rows (or 4 columns) wide laid out in the order the
 *    micro-kernel reads them. Packing is where the transpose flags are handled,
 *    so no caller ever makes a transposed copy, and it pads ragged edges with
 *    zeros, so the micro-kernel has no edge cases.
 * 3. The micro-kernel multiplies a 4×kc panel by a kc×4 panel into 16 local
 *    accumulators, which V8 keeps in registers (or close to them), so each
 *    loaded element is used 4 times.
 *
 * Why pack into `Float64Array` even for float32 data: the micro-kernel then
 * only ever sees one array type, so V8 compiles its loop monomorphically,
 * whatever mix of `Float32Array` and `Float64Array` a program multiplies.
 * (Measured at 256³: the same 4×4 loop reading the caller's arrays directly
 * drops from 3.7 to 2.8 GFLOP/s once it has seen both types; packed, it stays
 * at 4.3 either way, packing included.) Doubles are also what JavaScript
 * arithmetic computes in, so float32 products are accumulated in double
 * precision for free. Only packing and the final store touch the caller's
 * arrays, and both are O(size) rather than O(m·n·k).
 *
 * The micro-kernel is bound by the scalar floating-point units (JavaScript has
 * neither SIMD nor fused multiply-add): alone it runs at 4.4 GFLOP/s on one
 * core of our 2-core x86 machines, the whole product at 4.0–4.3; see
 * `bench/matmul_gflops.ts`.
 *
 * @module
 */

import type { FloatArray } from "../dtype.ts";

/**
 * Rows and columns of the micro-tile. The micro-kernel and the packing are
 * written out for exactly 4: 16 accumulators plus 4 + 4 operands is about all
 * the x64 register file holds. Measured here, 4×3, 3×4 and 2×6 tiles run at
 * the same speed, so the square one it is.
 */
const MR = 4;
const NR = 4;
/**
 * Most of the inner size packed at once. A 4×KC panel of a and a KC×4 panel
 * of b (16 KiB each) stay in the L1 cache while the micro-kernel runs through
 * them; long blocks also mean fewer stores of partial sums into `out`.
 */
const KC = 512;
/** Most rows of op(a) packed at once: MC×KC doubles (256 KiB) stay in L2. */
const MC = 64;
/** Most columns of op(b) packed at once: KC×NC doubles (4 MiB) stay in L3. */
const NC = 1024;

/** Packing scratch, reused across calls and grown when a larger block comes. */
let packedA = new Float64Array(0);
let packedB = new Float64Array(0);
/** The micro-kernel's 4×4 result, row-major, before it is stored into `out`. */
const tile = new Float64Array(MR * NR);

/**
 * Computes `out[m×n] = op(a)·op(b)`, overwriting `out`.
 *
 * `op(a)` is [m×k]: `a` is stored row-major as [m, k], or as [k, m] when
 * `transA` (then the product uses its transpose). `op(b)` is [k×n]: `b` is
 * stored as [k, n], or as [n, k] when `transB`. Each array may be a subarray
 * view; `out` must not overlap `a` or `b`. Sums are accumulated in double
 * precision and rounded once per block of 512 along k when `out` is a
 * `Float32Array`.
 *
 * @param a The left operand, m·k elements.
 * @param b The right operand, k·n elements.
 * @param out Receives the m·n elements of the product; its old contents are ignored.
 * @param m Rows of the product.
 * @param n Columns of the product.
 * @param k The inner size.
 * @param transA Whether `a` is stored as [k, m].
 * @param transB Whether `b` is stored as [n, k].
 * @throws {RangeError} If a size is not a non-negative integer or an array is too short.
 *
 * @example A 2×3 by 3×2 product, then the same with `b` stored transposed
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmul } from "./matmul.ts";
 *
 * const a = new Float64Array([1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]
 * const b = new Float64Array([7, 8, 9, 10, 11, 12]); // [[7, 8], [9, 10], [11, 12]]
 * const out = new Float64Array(4);
 * matmul(a, b, out, 2, 2, 3, false, false);
 * // [1·7 + 2·9 + 3·11, 1·8 + 2·10 + 3·12], [4·7 + 5·9 + 6·11, 4·8 + 5·10 + 6·12]
 * assert.deepEqual([...out], [58, 64, 139, 154]);
 *
 * const bT = new Float32Array([7, 9, 11, 8, 10, 12]); // b stored as [2, 3]
 * const out32 = new Float32Array(4);
 * matmul(new Float32Array(a), bT, out32, 2, 2, 3, false, true);
 * assert.deepEqual([...out32], [58, 64, 139, 154]);
 * ```
 */
export function matmul(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  checkArgs(a, b, out, m, n, k);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, m * n); // an empty sum
    return;
  }

  // Blocks of equal depth (784 → 392 + 392, not 512 + 272), so none is short.
  const kBlocks = Math.ceil(k / KC);
  const kcMax = Math.ceil(k / kBlocks);
  const needA = roundUp(Math.min(MC, m), MR) * kcMax;
  const needB = roundUp(Math.min(NC, n), NR) * kcMax;
  if (packedA.length < needA) packedA = new Float64Array(needA);
  if (packedB.length < needB) packedB = new Float64Array(needB);
  const pa = packedA, pb = packedB;

  // Where element [row, depth] of op(a), and [depth, col] of op(b), lives:
  // index = row·aRow + depth·aDepth, col·bCol + depth·bDepth.
  const aRow = transA ? 1 : k, aDepth = transA ? m : 1;
  const bCol = transB ? k : 1, bDepth = transB ? 1 : n;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = Math.min(kcMax, k - pc);
      // The first depth block writes `out`, later ones add to it: no zero-fill
      // pass, and whatever `out` held before (NaN included) is never read.
      const accumulate = pc > 0;
      pack(b, jc * bCol + pc * bDepth, bCol, bDepth, nc, kc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        pack(a, ic * aRow + pc * aDepth, aRow, aDepth, mc, kc, pa);
        // One kc×4 panel of b stays hot in L1 while the 4×kc panels of a
        // stream past it from L2.
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(pa, ir * kc, pb, jr * kc, kc, tile);
            const rows = Math.min(MR, mc - ir);
            storeTile(tile, out, (ic + ir) * n + jc + jr, n, rows, cols, accumulate);
          }
        }
      }
    }
  }
}

/**
 * Throws a RangeError naming the argument that does not describe a valid
 * product. Written without temporaries: training loops call this per batch.
 */
function checkArgs(
  a: FloatArray | Int32Array,
  b: FloatArray | Int32Array,
  out: FloatArray | Int32Array,
  m: number,
  n: number,
  k: number,
): void {
  checkSize("m", m);
  checkSize("n", n);
  checkSize("k", k);
  checkLength("a", a, m * k, "m·k");
  checkLength("b", b, k * n, "k·n");
  checkLength("out", out, m * n, "m·n");
}

function checkSize(name: string, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`matmul: expected ${name} to be a non-negative integer, found ${size}`);
  }
}

function checkLength(
  name: string,
  array: FloatArray | Int32Array,
  size: number,
  dims: string,
): void {
  if (array.length < size) {
    throw new RangeError(
      `matmul: expected ${name} to hold at least ${dims} = ${size} elements, found ${array.length}`,
    );
  }
}

/** The smallest multiple of `step` that is at least `x`. */
function roundUp(x: number, step: number): number {
  return Math.ceil(x / step) * step;
}

/**
 * Packs `lines` rows of op(a) (or columns of op(b)), each `depth` long, into
 * `dst` as panels 4 lines wide: panel by panel, depth by depth, the 4 values
 * side by side, which is the order the micro-kernel reads them in. Element
 * (line, p) of the block is `src[start + line·lineStride + p·depthStride]`,
 * which covers both storage orders. Lines missing from the last panel are
 * zeros. (Panels of a are MR wide and those of b NR wide; both are 4.)
 */
function pack(
  src: FloatArray,
  start: number,
  lineStride: number,
  depthStride: number,
  lines: number,
  depth: number,
  dst: Float64Array,
): void {
  let d = 0;
  for (let line = 0; line < lines; line += MR) {
    let s = start + line * lineStride;
    const width = Math.min(MR, lines - line);
    if (width === MR) {
      const s1 = lineStride, s2 = 2 * lineStride, s3 = 3 * lineStride;
      for (let p = 0; p < depth; p++, s += depthStride, d += MR) {
        dst[d] = src[s];
        dst[d + 1] = src[s + s1];
        dst[d + 2] = src[s + s2];
        dst[d + 3] = src[s + s3];
      }
    } else {
      for (let p = 0; p < depth; p++, s += depthStride, d += MR) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < width ? src[s + r * lineStride] : 0;
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: `tile = A·B` for the 4×kc panel of `pa` at `ia` and
 * the kc×4 panel of `pb` at `ib` (both packed by {@linkcode pack}). All the
 * O(m·n·k) work happens here; the 16 sums live in locals, not in memory.
 */
function microKernel(
  pa: Float64Array,
  ia: number,
  pb: Float64Array,
  ib: number,
  kc: number,
  tile: Float64Array,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  // The panel pointers step inside the body, not in the `for` header: V8
  // compiles the header form about 10% slower (measured, Deno 2.9 / V8 15).
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
    c00 += a0 * b0, c01 += a0 * b1, c02 += a0 * b2, c03 += a0 * b3;
    c10 += a1 * b0, c11 += a1 * b1, c12 += a1 * b2, c13 += a1 * b3;
    c20 += a2 * b0, c21 += a2 * b1, c22 += a2 * b2, c23 += a2 * b3;
    c30 += a3 * b0, c31 += a3 * b1, c32 += a3 * b2, c33 += a3 * b3;
    ia += MR;
    ib += NR;
  }
  tile[0] = c00, tile[1] = c01, tile[2] = c02, tile[3] = c03;
  tile[4] = c10, tile[5] = c11, tile[6] = c12, tile[7] = c13;
  tile[8] = c20, tile[9] = c21, tile[10] = c22, tile[11] = c23;
  tile[12] = c30, tile[13] = c31, tile[14] = c32, tile[15] = c33;
}

/**
 * Writes (or, with `accumulate`, adds) the top-left rows×cols of `tile` into
 * `out` at offset `o` with row stride `ldo`; the rest of the tile is padding.
 */
function storeTile(
  tile: Float64Array,
  out: FloatArray,
  o: number,
  ldo: number,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  for (let r = 0, t = 0; r < rows; r++, o += ldo, t += NR) {
    if (accumulate) {
      for (let c = 0; c < cols; c++) out[o + c] += tile[t + c];
    } else {
      for (let c = 0; c < cols; c++) out[o + c] = tile[t + c];
    }
  }
}

/**
 * Computes `out[m×n] = op(a)·op(b)` for int32 operands with int32 arithmetic:
 * each product is `Math.imul` and each sum wraps to 32 bits, as PyTorch and
 * NumPy compute an int32 product (two's complement, modulo 2³²). Going
 * through float64 instead loses the low bits once a product passes 2⁵³
 * (`2147483647·2147483647` gave 0 rather than 1). The layout and the
 * transpose flags are `matmul`'s.
 *
 * @param a The left operand, m·k elements.
 * @param b The right operand, k·n elements.
 * @param out Receives the m·n elements of the product.
 * @param m Rows of the product.
 * @param n Columns of the product.
 * @param k The inner size.
 * @param transA Whether `a` is stored as [k, m].
 * @param transB Whether `b` is stored as [n, k].
 * @throws {RangeError} If a size is not a non-negative integer or an array is too short.
 *
 * @example A product past 2⁵³ wraps exactly, as in PyTorch
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulInt32 } from "./matmul.ts";
 * const out = new Int32Array(1);
 * matmulInt32(new Int32Array([2147483647]), new Int32Array([2147483647]), out, 1, 1, 1, false, false);
 * assert.equal(out[0], 1);
 * ```
 */
export function matmulInt32(
  a: Int32Array,
  b: Int32Array,
  out: Int32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  checkArgs(a, b, out, m, n, k);
  const aRow = transA ? 1 : k, aDepth = transA ? m : 1;
  const bCol = transB ? k : 1, bDepth = transB ? 1 : n;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        sum = (sum + Math.imul(a[i * aRow + p * aDepth], b[j * bCol + p * bDepth])) | 0;
      }
      out[i * n + j] = sum;
    }
  }
}
