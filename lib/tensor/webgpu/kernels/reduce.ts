/**
 * Reductions along one axis of x viewed as [outer, n, inner] into [outer, inner]:
 * sum, prod, max, min, argmax, argmin.
 *
 * One invocation per output walks its stretch of the axis (neighbouring
 * invocations read neighbouring memory when inner > 1). With few outputs and a
 * long axis (a whole-tensor sum, column sums over 60000 rows) that would leave
 * the GPU idle, and long axes add up rounding errors, so the axis is cut into
 * chunks of at most 1024: a first pass reduces each chunk, a second the
 * chunks' results. No workgroup memory: on llvmpipe a workgroup-memory tree
 * for max took over 3 s to compile against 20 ms for these loops. Max and
 * argmax follow NumPy: NaN wins, the first index wins a tie.
 *
 * An int32 sum or product never wraps silently: its i32 variant (only that
 * one; the f32 kernels are untouched) also works out whether the exact result
 * leaves the int32 range and, if so, raises a code in the backend's error
 * flag, which the next read turns into a RangeError. A sum counts its carries
 * (the exact sum is the wrapped one plus carries · 2³²: in range when they add
 * up to 0); a product keeps its magnitude as a u32, whether it passed 2³², and
 * its sign (a zero makes it exact again). With two passes the first writes
 * each chunk's carries (or sign and size) beside its value and the second
 * combines them, so only the final result is checked, as on the CPU.
 *
 * @module
 */

import type { ReduceOp } from "../../backend.ts";
import type { Kernel, Operand } from "../program.ts";
import type { GpuStorage } from "../storage.ts";
import { wgslType } from "./elementwise.ts";

/** Invocations per workgroup. */
const WORKGROUP = 128;

/** The word of the backend's error flag where an int32 overflow writes its code. */
export const OVERFLOW_WORD = 4;

/** The codes an int32 overflow writes, by the op to name. */
export const OVERFLOW_CODES = { sum: 1, prod: 2, cumsum: 3, cumprod: 4 } as const;

/**
 * The int32 overflow check of a sum or product (`reduceKernel`): a single or
 * second pass raises `flag` where the result leaves the int32 range; a first
 * pass writes each chunk's carries (a sum) or sign and size (a product) to
 * `auxOut`, which the second reads as `auxIn`.
 */
export interface Int32Check {
  /** The backend's error flag (8 int32), for the last pass. */
  flag?: GpuStorage;
  /** Per chunk, written by a first pass. */
  auxOut?: GpuStorage;
  /** Per chunk, read by the second pass. */
  auxIn?: GpuStorage;
}

/**
 * WGSL: an i32 product as (magnitude modulo 2³², whether the magnitude is 2³²
 * or more, sign), and the product of two such (exact: the u32 division
 * decides whether the magnitudes' product passes 2³²; a zero clears it).
 */
const PRODUCT_STATE = `struct Prod_ { m: u32, big: bool, neg: bool }
fn prod_of_(v: i32) -> Prod_ {
  return Prod_(select(bitcast<u32>(v), 0u - bitcast<u32>(v), v < 0), false, v < 0);
}
fn prod_mul_(a: Prod_, b: Prod_) -> Prod_ {
  if ((a.m == 0u && !a.big) || (b.m == 0u && !b.big)) { return Prod_(0u, false, false); }
  let big = a.big || b.big || (a.m != 0u && b.m > 0xffffffffu / a.m);
  return Prod_(a.m * b.m, big, a.neg != b.neg);
}
fn prod_fits_(a: Prod_) -> bool {
  return !a.big && a.m <= select(0x7fffffffu, 0x80000000u, a.neg);
}
`;

/**
 * How many chunks to cut an axis of `n` into when there are `outputs`
 * results: enough invocations to fill a GPU (about 16384), chunks of at least
 * 64 elements.
 */
export function reduceChunks(outputs: number, n: number): number {
  const wanted = Math.min(Math.ceil(16384 / Math.max(outputs, 1)), Math.ceil(n / 64));
  // At most 1024 terms a chunk, which also bounds a float sum's rounding error.
  const chunks = Math.max(1, wanted, Math.ceil(n / 1024));
  return Math.ceil(n / Math.ceil(n / chunks));
}

/** WGSL: whether `v` (found later on the axis) replaces the running `best`. */
function better(op: ReduceOp, t: "f32" | "i32"): string {
  const cmp = op === "max" || op === "argmax" ? ">" : "<";
  return t === "i32" ? `v ${cmp} best` : `v ${cmp} best || (v != v && best == best)`;
}

/**
 * The first pass (or the only one, with `chunks` 1): for each output and chunk,
 * reduces x[o, k, i] over the chunk's k into `values` (the sum or the extreme)
 * and, for argmax/argmin, `indices` (the index along the whole axis).
 */
export function reduceKernel(
  op: ReduceOp,
  x: GpuStorage,
  outer: number,
  n: number,
  inner: number,
  chunks: number,
  values: GpuStorage | null,
  indices: GpuStorage | null,
  check?: Int32Check,
): Kernel {
  const t = wgslType(x.dtype);
  if (check !== undefined && (t !== "i32" || (op !== "sum" && op !== "prod"))) {
    throw new TypeError(`reduceKernel: the int32 check is for int32 sums and products, not ${op}`);
  }
  const total = outer * chunks * inner;
  const operands: Operand[] = [{ name: "x", storage: x, type: t, access: "read" }];
  if (values !== null) {
    operands.push({ name: "val", storage: values, type: wgslType(values.dtype), access: "write" });
  }
  if (indices !== null) {
    operands.push({ name: "idx", storage: indices, type: "i32", access: "write" });
  }
  if (check?.auxOut !== undefined) {
    operands.push({ name: "aux", storage: check.auxOut, type: "i32", access: "write" });
  }
  if (check?.auxIn !== undefined) {
    operands.push({ name: "aux", storage: check.auxIn, type: "i32", access: "read" });
  }
  if (check?.flag !== undefined) {
    operands.push({ name: "flag", storage: check.flag, type: "i32", access: "write" });
  }
  const store = [
    values === null
      ? ""
      : `val_st(o, ${wgslType(values.dtype)}(${op === "sum" || op === "prod" ? "acc" : "best"}));`,
    indices === null ? "" : "idx_st(o, i32(bk));",
  ].join(" ");
  // Sums add blocks of 32 terms, then the blocks: the rounding error grows with
  // 32 + n/32 rather than n. (Kahan's compensation would be better, but shader
  // compilers may simplify it away: llvmpipe does.)
  // Products multiply in order. Unchecked, an i32 sum (int32 matmul's second pass)
  // wraps modulo 2³², as WGSL defines it; the ops' int32 sums and products are checked.
  const body = check !== undefined
    ? checkedBody(op as "sum" | "prod", check)
    : op === "prod"
    ? `var acc = ${t}(1);
  for (var k = k0; k < k1; k++) { acc = acc * x_ld(base + k * p.inner); }`
    : op === "sum"
    ? `var acc = ${t}(0); var block = ${t}(0); var m = 0u;
  for (var k = k0; k < k1; k++) {
    block = block + x_ld(base + k * p.inner);
    m = m + 1u;
    if (m == 32u) { acc = acc + block; block = ${t}(0); m = 0u; }
  }
  acc = acc + block;`
    : `var best = x_ld(base + k0 * p.inner); var bk = k0;
  for (var k = k0 + 1u; k < k1; k++) {
    let v = x_ld(base + k * p.inner);
    if (${better(op, t)}) { best = v; bk = k; }
  }`;
  const checked = check === undefined
    ? ""
    : `_checked${check.auxOut ? "_out" : ""}${check.auxIn ? "_in" : ""}`;
  return {
    label: `reduce_${op}_${t}${values === null ? "" : "_val"}${indices === null ? "" : "_idx"}` +
      checked,
    operands,
    params: [
      { name: "total", type: "u32", value: total },
      { name: "n", type: "u32", value: n },
      { name: "inner", type: "u32", value: inner },
      { name: "chunks", type: "u32", value: chunks },
      { name: "len", type: "u32", value: Math.ceil(n / chunks) },
    ],
    workgroupSize: WORKGROUP,
    workgroups: Math.ceil(total / WORKGROUP),
    code: `${check !== undefined && op === "prod" ? PRODUCT_STATE : ""}fn run(wg: u32, li: u32) {
  let o = wg * ${WORKGROUP}u + li;
  if (o >= p.total) { return; }
  let r = o % p.inner; let oc = o / p.inner;
  let c = oc % p.chunks; let outer = oc / p.chunks;
  let base = outer * p.n * p.inner + r;
  let k0 = c * p.len; let k1 = min(p.n, k0 + p.len);
  ${body}
  ${store}
}`,
  };
}

/**
 * WGSL: the body of a checked i32 sum or product over the chunk, leaving the
 * wrapped result in `acc` (stored as the unchecked kernels store it), and
 * writing its carries (or sign and size) or raising the flag.
 */
function checkedBody(op: "sum" | "prod", check: Int32Check): string {
  const code = OVERFLOW_CODES[op];
  if (op === "sum") {
    // Past the range upwards when two terms of the same sign give the other sign.
    return `var acc = 0i; var carry = 0i;
  for (var k = k0; k < k1; k++) {
    let v = x_ld(base + k * p.inner);
    let s = acc + v;
    if (((acc ^ s) & (v ^ s)) < 0i) { carry = carry + select(1i, -1i, v < 0i); }
    acc = s;${check.auxIn ? "\n    carry = carry + aux_ld(base + k * p.inner);" : ""}
  }${check.auxOut ? "\n  aux_st(o, carry);" : ""}${
      check.flag ? `\n  if (carry != 0i) { flag_st(${OVERFLOW_WORD}u, ${code}i); }` : ""
    }`;
  }
  // A chunk's product comes back as its wrapped value and its sign and size (bit 0 the
  // sign, bit 1 whether the magnitude passed 2³²); the magnitude is the value's, unsigned.
  const term = check.auxIn
    ? `let v = x_ld(base + k * p.inner); let a = aux_ld(base + k * p.inner);
    let neg = (a & 1i) != 0i;
    let q = Prod_(select(bitcast<u32>(v), 0u - bitcast<u32>(v), neg), (a & 2i) != 0i, neg);`
    : "let q = prod_of_(x_ld(base + k * p.inner));";
  return `var st = Prod_(1u, false, false);
  for (var k = k0; k < k1; k++) {
    ${term}
    st = prod_mul_(st, q);
  }
  let acc = bitcast<i32>(select(st.m, 0u - st.m, st.neg));${
    check.auxOut ? "\n  aux_st(o, select(0i, 1i, st.neg) | select(0i, 2i, st.big));" : ""
  }${check.flag ? `\n  if (!prod_fits_(st)) { flag_st(${OVERFLOW_WORD}u, ${code}i); }` : ""}`;
}

/**
 * The second pass of argmax/argmin: picks, per output, the chunk whose extreme
 * is best (the earlier chunk on a tie) and writes that chunk's index.
 */
export function argCombineKernel(
  op: "argmax" | "argmin",
  values: GpuStorage,
  indices: GpuStorage,
  outer: number,
  chunks: number,
  inner: number,
  out: GpuStorage,
): Kernel {
  const t = wgslType(values.dtype);
  const total = outer * inner;
  return {
    label: `reduce_${op}_${t}_combine`,
    operands: [
      { name: "val", storage: values, type: t, access: "read" },
      { name: "idx", storage: indices, type: "i32", access: "read" },
      { name: "out", storage: out, type: "i32", access: "write" },
    ],
    params: [
      { name: "total", type: "u32", value: total },
      { name: "chunks", type: "u32", value: chunks },
      { name: "inner", type: "u32", value: inner },
    ],
    workgroupSize: WORKGROUP,
    workgroups: Math.ceil(total / WORKGROUP),
    code: `fn run(wg: u32, li: u32) {
  let o = wg * ${WORKGROUP}u + li;
  if (o >= p.total) { return; }
  let r = o % p.inner; let outer = o / p.inner;
  let base = outer * p.chunks * p.inner + r;
  var best = val_ld(base); var bk = idx_ld(base);
  for (var c = 1u; c < p.chunks; c++) {
    let v = val_ld(base + c * p.inner);
    if (${better(op, t)}) { best = v; bk = idx_ld(base + c * p.inner); }
  }
  out_st(o, bk);
}`,
  };
}
