/**
 * Every element-wise function of one tensor, declared once: its CPU kernel,
 * its WGSL expression, whether int32 stays int32, and its derivative beside
 * them (micrograd's way). The `UnaryOp` type, the CPU backend's table, the
 * WebGPU shaders, the autograd rule and the tests' enumerations (gradient
 * checks, CPU/GPU parity) all come from here; a new op is one entry (and its
 * name in `UnaryOp`), its `Tensor` method (a documented line in `tensor.ts`)
 * and its PyTorch cases.
 *
 * This module imports nothing at run time, so both backends and the ops can
 * import it without a cycle.
 *
 * @module
 */

import type { Tensor } from "./tensor.ts";

/**
 * Element-wise functions of one argument: the names of `UNARY_OPS`' entries
 * (the compiler keeps the two in step: a name without an entry, or an entry
 * without a name, is a type error).
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type UnaryOp =
  | "neg"
  | "exp"
  | "log"
  | "sqrt"
  | "abs"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leakyRelu"
  | "softplus"
  | "clip"
  | "sin"
  | "cos"
  | "log1p"
  | "expm1"
  | "log2"
  | "log10"
  | "floor"
  | "ceil"
  | "round"
  | "sign";

/**
 * One element-wise op of one tensor, as `UNARY_OPS` declares it.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export interface UnaryDeclaration {
  /** The value at `x` (params: `p[0]`, `p[1]`), as the CPU computes it. */
  cpu: (x: number, p: readonly number[]) => number;
  /** The same on the GPU: a WGSL f32 expression in `v` (params `p.p0`, `p.p1`). */
  wgsl: string;
  /** For an op that keeps int32 as int32: its WGSL i32 expression in `v`. */
  wgslInt?: string;
  /** `g · d(op)/dx`, from the incoming gradient, the input, the output and the params. */
  backward: (g: Tensor, x: Tensor, out: Tensor, p: readonly number[]) => Tensor;
  /** Where the tests draw inputs: all reals, or positive numbers only (log, sqrt). */
  domain: "real" | "positive";
  /** The params the tests call it with. */
  testParams?: readonly number[];
}

const LN2 = Math.LN2, LN10 = Math.LN10;

/** Half to even, as NumPy's and PyTorch's round (JavaScript's Math.round takes half up). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The gradient of a step function: +0 everywhere, as PyTorch's zeros (g · 0 would give -0 and NaN). */
const zeroGradient = (g: Tensor): Tensor => g.lt(-Infinity);

/**
 * The element-wise ops of one tensor, by name: each one's CPU kernel, WGSL
 * expression, integer form and derivative.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UNARY_OPS } from "@handson/nn/backend";
 * assert.equal(UNARY_OPS.relu.cpu(-2, []), 0);
 * assert.equal(UNARY_OPS.round.cpu(2.5, []), 2); // half to even
 * ```
 */
export const UNARY_OPS: Readonly<Record<UnaryOp, UnaryDeclaration>> = {
  neg: {
    cpu: (x) => -x,
    wgsl: "-v",
    wgslInt: "-v",
    backward: (g) => g.neg(),
    domain: "real",
  },
  exp: {
    cpu: Math.exp,
    wgsl: "exp(v)",
    backward: (g, _x, out) => g.mul(out),
    domain: "real",
  },
  log: {
    cpu: Math.log,
    wgsl: "log_(v)",
    backward: (g, x) => g.div(x),
    domain: "positive",
  },
  sqrt: {
    cpu: Math.sqrt,
    wgsl: "sqrt(v)",
    backward: (g, _x, out) => g.div(out.mul(2)),
    domain: "positive",
  },
  // d/dx = sign(x), 0 at 0 (as PyTorch).
  abs: {
    cpu: Math.abs,
    wgsl: "abs(v)",
    wgslInt: "abs(v)",
    backward: (g, x) => g.mul(x.gt(0).sub(x.lt(0))),
    domain: "real",
  },
  // The book's formula, 1 / (1 + e^-x): for x → -∞ it gives 0, never NaN, and it
  // reproduces the book's NumPy to the last bit. σ' = σ(1 - σ) (book 4.5).
  sigmoid: {
    cpu: (x) => 1 / (1 + Math.exp(-x)),
    wgsl: "1.0 / (1.0 + exp(-v))",
    backward: (g, _x, out) => g.mul(out).mul(out.neg().add(1)),
    domain: "real",
  },
  tanh: {
    cpu: Math.tanh,
    wgsl: "tanh_(v)",
    backward: (g, _x, out) => g.mul(out.mul(out).neg().add(1)),
    domain: "real",
  },
  // d/dx = 1 where x > 0, else 0.
  relu: {
    cpu: (x) => (x < 0 ? 0 : x),
    wgsl: "select(v, 0.0, below0_(v))",
    wgslInt: "max(v, 0)",
    backward: (g, x) => g.mul(x.gt(0)),
    domain: "real",
  },
  // params [slope]; d/dx = 1 where x > 0, else slope (at 0 too, as PyTorch).
  leakyRelu: {
    cpu: (x, p) => (x < 0 ? p[0] * x : x),
    wgsl: "select(v, p.p0 * v, below0_(v))",
    backward: (g, x, _out, p) => g.mul(x.gt(0).mul(1 - p[0]).add(p[0])),
    domain: "real",
    testParams: [0.1],
  },
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|); d/dx = σ(x).
  softplus: {
    cpu: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    wgsl: "max(v, 0.0) + log1p_(exp(-abs(v)))",
    backward: (g, x) => g.mul(x.sigmoid()),
    domain: "real",
  },
  // params [min, max]; d/dx = 1 inside (bounds included), else 0.
  clip: {
    cpu: (x, p) => Math.min(Math.max(x, p[0]), p[1]),
    wgsl: "select(min(max(v, p.p0), p.p1), v, isnan_(v))",
    wgslInt: "i32(min(max(f32(v), p.p0), p.p1))",
    backward: (g, x, _out, p) => g.mul(x.ge(p[0]).mul(x.le(p[1]))),
    domain: "real",
    testParams: [-0.5, 0.7],
  },
  sin: {
    cpu: Math.sin,
    wgsl: "sin(v)",
    backward: (g, x) => g.mul(x.cos()),
    domain: "real",
  },
  cos: {
    cpu: Math.cos,
    wgsl: "cos(v)",
    backward: (g, x) => g.mul(x.sin()).neg(),
    domain: "real",
  },
  // log(1 + x), exact for small x; d/dx = 1 / (1 + x).
  log1p: {
    cpu: Math.log1p,
    wgsl: "log1p_(v)",
    backward: (g, x) => g.div(x.add(1)),
    domain: "positive",
  },
  // e^x - 1, exact for small x; d/dx = e^x = out + 1.
  expm1: {
    cpu: Math.expm1,
    wgsl: "expm1_(v)",
    backward: (g, _x, out) => g.mul(out.add(1)),
    domain: "real",
  },
  log2: {
    cpu: Math.log2,
    wgsl: "log2(v)",
    backward: (g, x) => g.div(x.mul(LN2)),
    domain: "positive",
  },
  log10: {
    cpu: Math.log10,
    wgsl: "log2(v) * 0.30102999566398120",
    backward: (g, x) => g.div(x.mul(LN10)),
    domain: "positive",
  },
  // floor, ceil, round and sign are steps: their gradient is 0 (as PyTorch's).
  floor: {
    cpu: Math.floor,
    wgsl: "floor(v)",
    wgslInt: "v",
    backward: zeroGradient,
    domain: "real",
  },
  ceil: {
    cpu: Math.ceil,
    wgsl: "ceil(v)",
    wgslInt: "v",
    backward: zeroGradient,
    domain: "real",
  },
  round: {
    cpu: roundHalfEven,
    wgsl: "round(v)", // WGSL rounds half to even too
    wgslInt: "v",
    backward: zeroGradient,
    domain: "real",
  },
  // sign(±0) and sign(NaN) are +0, as PyTorch 1.13's (NumPy gives NaN for NaN).
  sign: {
    cpu: (x) => (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0),
    wgsl: "select(0.0, 1.0, !isnan_(v) && v > 0.0) - select(0.0, 1.0, below0_(v))",
    wgslInt: "sign(v)",
    backward: zeroGradient,
    domain: "real",
  },
};
