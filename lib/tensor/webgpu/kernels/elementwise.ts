/**
 * Element-wise kernels: unary functions, binary ops with NumPy broadcasting,
 * `where`, dtype casts, strided copies and zero fills. One invocation per
 * output element; broadcasting and strided views go through `layout.ts`.
 *
 * The float formulas follow the CPU backend's (`cpu/backend.ts`) so both give
 * the same numbers to float32 precision: the book's sigmoid 1/(1 + e^-x),
 * softplus as max(x, 0) + log1p(e^-|x|), and so on.
 *
 * @module
 */

import type { BinaryOp, UnaryOp, View } from "../../backend.ts";
import { UNARY_OPS } from "../../unary_ops.ts";
import { BINARY_OPS } from "../../binary_ops.ts";
import { coalesce, layoutParams, offsetsCode } from "../layout.ts";
import type { Kernel, Param, WgslScalar } from "../program.ts";
import type { GpuDType, GpuStorage } from "../storage.ts";

/** Invocations per workgroup of the element-wise kernels. */
export const ELEMENTWISE_WORKGROUP = 256;

/** The WGSL type of a dtype. */
export function wgslType(dtype: GpuDType): "f32" | "i32" {
  return dtype === "float32" ? "f32" : "i32";
}

/** Each unary op on an f32 `v` (params p0, p1), as `../../unary_ops.ts` declares it. */
const FLOAT_UNARY = Object.fromEntries(
  Object.entries(UNARY_OPS).map(([op, d]) => [op, d.wgsl]),
) as Record<UnaryOp, string>;

/**
 * Helpers for the unary ops (the bit tests are `program.ts`'s). `log_` as the
 * CPU's `Math.log` on the float32 value: a denormal `m·2^-149` (m its 23
 * mantissa bits) is computed as log(m) - 149·ln 2, since the device may flush
 * it to 0 (llvmpipe gave -88.03 for log(1e-40), the CPU -92.10); log(±0) is
 * -∞, a negative or NaN input NaN.
 */
const UNARY_HELPERS = `
fn log_(v: f32) -> f32 {
  let u = bitcast<u32>(v);
  if (isnan_(v) || u > 0x80000000u) { return nan_(v); }
  if ((u & 0x7fffffffu) == 0u) { return inf_(true); }
  if (u < 0x00800000u) { return log(f32(u)) - 103.27892990343185; }
  return log(v);
}
`;

/** The unary ops that keep int32 as int32, on an i32 `v`. */
const INT_UNARY = Object.fromEntries(
  Object.entries(UNARY_OPS).flatMap(([op, d]) => d.wgslInt !== undefined ? [[op, d.wgslInt]] : []),
) as Partial<Record<UnaryOp, string>>;

/** Each binary op on `x` and `y` of type T, as `../../binary_ops.ts` declares it. */
function binaryExpression(op: BinaryOp, t: "f32" | "i32"): string {
  return t === "f32" ? BINARY_OPS[op].wgsl : BINARY_OPS[op].wgslInt;
}

/**
 * Helpers for the binary ops. `pow_` as C's `pow` (so NumPy, PyTorch and the
 * CPU backend), case by case on the bits, since WGSL's `pow` is exp2(b·log2 a),
 * undefined for a ≤ 0 and for NaN: x^0 = 1 and 1^y = 1 even for NaN, (-1)^±∞
 * = 1, a negative base gives NaN for a non-integer exponent and the sign of an
 * odd one, ±0 and ±∞ as C says; an integer exponent up to 16 multiplies (3^2
 * is 9 exactly, exp2 gave 8.999999), a larger one takes exp2, whose error is
 * smaller there than repeated squaring's. `maximum`/`minimum` propagate NaN,
 * as NumPy and the CPU backend do.
 *
 * `fmod_` is C's `fmod` (the CPU's `%`), exact, on the bits as musl's `fmodf`:
 * WGSL's `%` on f32 is x - y·trunc(x / y), which rounds, and wrongly so once
 * the quotient passes 2^24. `remainder_` and `floor_divide_` build on it as
 * `../../binary_ops.ts` does (PyTorch's formulas), with the special values
 * tested on the bits, as the CPU's: NaN in, NaN out; ±∞ divided is NaN; a
 * division by ±0 is IEEE's a / b. Their int32 forms give 0 for a divisor of 0,
 * where the CPU throws (and PyTorch raises): a shader cannot. They take the
 * remainder as x - (x / y)·y, not i32 `%`, which the software adapter got
 * wrong (-6 % 3 gave -2, 7 % -2 gave 7).
 */
const BINARY_HELPERS = `
fn powi_(x: f32, e: u32) -> f32 {
  var base = x; var n = e; var r = 1.0;
  loop {
    if ((n & 1u) != 0u) { r = r * base; }
    n = n >> 1u;
    if (n == 0u) { break; }
    base = base * base;
  }
  return r;
}
fn pow_(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  if ((bitcast<u32>(b) & 0x7fffffffu) == 0u || ua == 0x3f800000u) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(a); }
  let x = bitcast<f32>(ua & 0x7fffffffu);
  let negative = ua >= 0x80000000u;
  if (isinf_(b)) {
    if (x == 1.0) { return 1.0; }
    if ((x > 1.0) == (b > 0.0)) { return inf_(false); }
    return 0.0;
  }
  let integer = fract(b) == 0.0;
  if (negative && !integer && x != 0.0 && !isinf_(x)) { return nan_(a); }
  var r: f32;
  if (x == 0.0) {
    r = select(inf_(false), 0.0, b > 0.0);
  } else if (isinf_(x)) {
    r = select(0.0, inf_(false), b > 0.0);
  } else if (integer && abs(b) <= 16.0) {
    r = powi_(x, u32(abs(b)));
    if (b < 0.0) { r = 1.0 / r; }
  } else {
    r = pow(x, b);
  }
  if (negative && integer && fract(b * 0.5) != 0.0) { return neg_(r); }
  return r;
}
fn ipow_(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var base = a; var e = b; var r = 1;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
fn max_(a: f32, b: f32) -> f32 {
  if (isnan_(a) || isnan_(b)) { return nan_(a); }
  return max(a, b);
}
fn min_(a: f32, b: f32) -> f32 {
  if (isnan_(a) || isnan_(b)) { return nan_(a); }
  return min(a, b);
}
fn fmod_(x: f32, y: f32) -> f32 {
  let ux = bitcast<u32>(x);
  let sx = ux & 0x80000000u;
  let ax = ux & 0x7fffffffu;
  let ay = bitcast<u32>(y) & 0x7fffffffu;
  if (ay == 0u || ay > 0x7f800000u || ax >= 0x7f800000u) { return nan_(select(x, y, ay > 0x7f800000u)); }
  if (ax <= ay) {
    if (ax == ay) { return bitcast<f32>(sx); }
    return x;
  }
  // The mantissas with their implicit bit, a subnormal's shifted up to it.
  var ex = i32(ax >> 23u);
  var ey = i32(ay >> 23u);
  var mx = (ax & 0x007fffffu) | 0x00800000u;
  var my = (ay & 0x007fffffu) | 0x00800000u;
  if (ex == 0) {
    var i = ax << 9u;
    loop { if ((i >> 31u) != 0u) { break; } ex = ex - 1; i = i << 1u; }
    mx = ax << u32(1 - ex);
  }
  if (ey == 0) {
    var i = ay << 9u;
    loop { if ((i >> 31u) != 0u) { break; } ey = ey - 1; i = i << 1u; }
    my = ay << u32(1 - ey);
  }
  // Long division, one bit a step; an exact 0 keeps x's sign.
  loop {
    if (ex <= ey) { break; }
    let i = mx - my;
    if ((i >> 31u) == 0u) {
      if (i == 0u) { return bitcast<f32>(sx); }
      mx = i;
    }
    mx = mx << 1u;
    ex = ex - 1;
  }
  let i = mx - my;
  if ((i >> 31u) == 0u) {
    if (i == 0u) { return bitcast<f32>(sx); }
    mx = i;
  }
  loop { if ((mx >> 23u) != 0u) { break; } mx = mx << 1u; ex = ex - 1; }
  if (ex > 0) {
    mx = (mx - 0x00800000u) | (u32(ex) << 23u);
  } else {
    mx = mx >> u32(1 - ex);
  }
  return bitcast<f32>(mx | sx);
}
fn remainder_(x: f32, y: f32) -> f32 {
  let m = fmod_(x, y);
  let um = bitcast<u32>(m);
  if (isnan_(m) || (um & 0x7fffffffu) == 0u) { return m; }
  if ((um >> 31u) != (bitcast<u32>(y) >> 31u)) { return m + y; }
  return m;
}
fn floor_divide_(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  let ub = bitcast<u32>(b);
  if (isnan_(a) || isnan_(b)) { return nan_(select(b, a, isnan_(a))); }
  let sign = (ua ^ ub) & 0x80000000u;
  if ((ub & 0x7fffffffu) == 0u) {
    if ((ua & 0x7fffffffu) == 0u) { return nan_(a); }
    return bitcast<f32>(0x7f800000u | sign);
  }
  let m = fmod_(a, b);
  if (isnan_(m)) { return m; }
  let um = bitcast<u32>(m);
  var d = (a - m) / b;
  if ((um & 0x7fffffffu) != 0u && (um >> 31u) != (ub >> 31u)) { d = d - 1.0; }
  if (d == 0.0) { return bitcast<f32>(sign); }
  let f = floor(d);
  if (d - f > 0.5) { return f + 1.0; }
  return f;
}
fn iremainder_(x: i32, y: i32) -> i32 {
  if (y == 0) { return 0; }
  let r = x - (x / y) * y;
  if (r != 0 && ((r < 0) != (y < 0))) { return r + y; }
  return r;
}
fn ifloor_divide_(x: i32, y: i32) -> i32 {
  if (y == 0) { return 0; }
  let q = x / y;
  let r = x - q * y;
  if (r != 0 && ((r < 0) != (y < 0))) { return q - 1; }
  return q;
}
`;

function flatIndex(): string {
  return `let i = wg * ${ELEMENTWISE_WORKGROUP}u + li;\n  if (i >= p.n) { return; }`;
}

function workgroupsFor(n: number): number {
  return Math.ceil(n / ELEMENTWISE_WORKGROUP);
}

/** `out[i] = op(x[i])`. */
export function unaryKernel(
  op: UnaryOp,
  x: GpuStorage,
  out: GpuStorage,
  size: number,
  params: readonly number[],
): Kernel {
  const inType = wgslType(x.dtype), outType = wgslType(out.dtype);
  const intExpr = INT_UNARY[op];
  const integer = inType === "i32" && outType === "i32" && intExpr !== undefined;
  const load = integer || inType === "f32" ? "x_ld(i)" : "f32(x_ld(i))";
  const expr = integer ? intExpr : FLOAT_UNARY[op];
  const result = integer || outType === "f32" ? expr : `${outType}(${expr})`;
  return {
    label: `unary_${op}_${inType}_${outType}`,
    operands: [
      { name: "x", storage: x, type: inType, access: "read" },
      { name: "out", storage: out, type: outType, access: "write" },
    ],
    params: [
      { name: "n", type: "u32", value: size },
      { name: "p0", type: "f32", value: params[0] ?? 0 },
      { name: "p1", type: "f32", value: params[1] ?? 0 },
    ],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: workgroupsFor(size),
    code: `${UNARY_HELPERS}${UNARY_OPS[op].wgslHelpers ?? ""}
fn run(wg: u32, li: u32) {
  ${flatIndex()}
  let v = ${load};
  out_st(i, ${result});
}`,
  };
}

/** `out[idx] = op(a[idx], b[idx])`, the operands read through broadcast strides. */
export function binaryKernel(
  op: BinaryOp,
  a: GpuStorage,
  aStrides: readonly number[],
  b: GpuStorage,
  bStrides: readonly number[],
  outShape: readonly number[],
  out: GpuStorage,
  size: number,
): Kernel {
  const t = wgslType(a.dtype), outType = wgslType(out.dtype);
  const layout = coalesce(outShape, [aStrides, bStrides]);
  const rank = layout.shape.length;
  const expr = binaryExpression(op, t);
  return {
    label: `binary_${op}_${t}_rank${rank}`,
    operands: [
      { name: "a", storage: a, type: t, access: "read" },
      { name: "b", storage: b, type: t, access: "read" },
      { name: "out", storage: out, type: outType, access: "write" },
    ],
    params: [{ name: "n", type: "u32", value: size }, ...layoutParams(layout, ["ia", "ib"])],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: workgroupsFor(size),
    code: `${BINARY_HELPERS}
fn run(wg: u32, li: u32) {
  ${flatIndex()}
  ${offsetsCode(rank, ["ia", "ib"])}
  let x = a_ld(ia);
  let y = b_ld(ib);
  out_st(i, ${t === outType ? expr : `${outType}(${expr})`});
}`,
  };
}

/** `out[idx] = cond[idx] != 0 ? a[idx] : b[idx]` with broadcasting. */
export function whereKernel(
  cond: GpuStorage,
  condStrides: readonly number[],
  a: GpuStorage,
  aStrides: readonly number[],
  b: GpuStorage,
  bStrides: readonly number[],
  outShape: readonly number[],
  out: GpuStorage,
  size: number,
): Kernel {
  const c = wgslType(cond.dtype), t = wgslType(out.dtype);
  const layout = coalesce(outShape, [condStrides, aStrides, bStrides]);
  const rank = layout.shape.length;
  return {
    label: `where_${c}_${t}_rank${rank}`,
    operands: [
      { name: "c", storage: cond, type: c, access: "read" },
      { name: "a", storage: a, type: t, access: "read" },
      { name: "b", storage: b, type: t, access: "read" },
      { name: "out", storage: out, type: t, access: "write" },
    ],
    params: [{ name: "n", type: "u32", value: size }, ...layoutParams(layout, ["ic", "ia", "ib"])],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: workgroupsFor(size),
    code: `fn run(wg: u32, li: u32) {
  ${flatIndex()}
  ${offsetsCode(rank, ["ic", "ia", "ib"])}
  out_st(i, select(b_ld(ib), a_ld(ia), c_ld(ic) != ${c === "f32" ? "0.0" : "0"}));
}`,
  };
}

/** `out[i] = to(x[i])`: float to int truncates toward zero. */
export function castKernel(x: GpuStorage, out: GpuStorage, size: number): Kernel {
  const from = wgslType(x.dtype), to = wgslType(out.dtype);
  return {
    label: `cast_${from}_${to}`,
    operands: [
      { name: "x", storage: x, type: from, access: "read" },
      { name: "out", storage: out, type: to, access: "write" },
    ],
    params: [{ name: "n", type: "u32", value: size }],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: workgroupsFor(size),
    code: `fn run(wg: u32, li: u32) {
  ${flatIndex()}
  out_st(i, ${to}(x_ld(i)));
}`,
  };
}

/** Zero bits in every element (0.0 and 0 alike). */
export function fillZeroKernel(out: GpuStorage, size: number): Kernel {
  return {
    label: "fill_zero",
    operands: [{ name: "out", storage: out, type: "u32", access: "write" }],
    params: [{ name: "n", type: "u32", value: size }],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: workgroupsFor(size),
    code: `fn run(wg: u32, li: u32) {
  ${flatIndex()}
  out_st(i, 0u);
}`,
  };
}

/** Copies `shape` elements from `src` through `srcView` to `dst` through `dstView`, as bits. */
export function copyKernel(
  src: GpuStorage,
  srcView: View,
  dst: GpuStorage,
  dstView: View,
  shape: readonly number[],
  size: number,
): Kernel {
  const layout = coalesce(shape, [srcView.strides, dstView.strides]);
  const rank = layout.shape.length;
  const params: Param[] = [
    { name: "n", type: "u32", value: size },
    { name: "os", type: "u32", value: srcView.offset },
    { name: "od", type: "u32", value: dstView.offset },
    ...layoutParams(layout, ["is", "id"]),
  ];
  const bits: WgslScalar = "u32";
  return {
    label: `copy_rank${rank}`,
    operands: [
      { name: "x", storage: src, type: bits, access: "read" },
      { name: "out", storage: dst, type: bits, access: "write" },
    ],
    params,
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: workgroupsFor(size),
    code: `fn run(wg: u32, li: u32) {
  ${flatIndex()}
  ${offsetsCode(rank, ["is", "id"])}
  out_st(p.od + id, x_ld(p.os + is));
}`,
  };
}
