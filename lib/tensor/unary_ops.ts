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
  | "sign"
  | "trunc"
  | "erf"
  | "gelu";

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
  /** WGSL functions `wgsl` calls, beyond the prelude of `webgpu/program.ts` (erf's series). */
  wgslHelpers?: string;
  /** For an op that keeps int32 as int32: its WGSL i32 expression in `v`. */
  wgslInt?: string;
  /** `g · d(op)/dx`, from the incoming gradient, the input, the output and the params. */
  backward: (g: Tensor, x: Tensor, out: Tensor, p: readonly number[]) => Tensor;
  /** Where the tests draw inputs: all reals, or positive numbers only (log, sqrt). */
  domain: "real" | "positive";
  /** The params the tests call it with. */
  testParams?: readonly number[];
}

const LN2 = Math.LN2, LN10 = Math.LN10, SQRT1_2 = Math.SQRT1_2;
/** 2/√π, erf's derivative at 0. */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** 1/√(2π), the normal density at 0 (GELU's derivative). */
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The error function to float64 precision (JavaScript has none): below 3 the
 * series 2/√π·e^(-x²)·Σ (2x²)^n·x / (1·3·…·(2n+1)), whose terms all have one
 * sign (no cancellation); above, 1 - erfc(x) with erfc's continued fraction;
 * from 6 on, erf is ±1 in float64. Keeps -0 and NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erf } from "@handson/nn/backend";
 * assert.ok(Math.abs(erf(1) - 0.8427007929497149) < 1e-15);
 * assert.ok(Object.is(erf(-0), -0));
 * ```
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (!(a < 6)) return Number.isNaN(x) ? NaN : Math.sign(x);
  if (a < 3) {
    const x2 = 2 * x * x;
    let term = x, sum = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  // erfc(a) = e^(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), from the bottom up.
  let fraction = a;
  for (let k = 60; k >= 1; k--) fraction = a + k / 2 / fraction;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction);
}

/** `erf` in WGSL f32: the series to 2.5, the continued fraction beyond, ±1 from 4 on. */
const ERF_WGSL = `
fn erf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a >= 4.0) { return sign(x); }
  if (a < 2.5) {
    let x2 = 2.0 * x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 80; n++) {
      term = term * x2 / f32(2 * n + 1);
      sum = sum + term;
      if (abs(term) <= 1e-8 * abs(sum)) { break; }
    }
    return ${TWO_OVER_SQRT_PI} * exp(-x * x) * sum;
  }
  var fraction = a;
  for (var k = 30; k >= 1; k--) { fraction = a + f32(k) / 2.0 / fraction; }
  return sign(x) * (1.0 - exp(-a * a) * ${1 / Math.sqrt(Math.PI)} / fraction);
}
`;

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
  // d/dx = 0 where x ≤ 0, else 1: 1 at NaN too, as PyTorch's threshold_backward,
  // whose masked entries are +0 (g·0 is -0 for a negative g: adding +0 makes it +0).
  relu: {
    cpu: (x) => (x < 0 ? 0 : x),
    wgsl: "select(v, 0.0, below0_(v))",
    wgslInt: "max(v, 0)",
    backward: (g, x) => g.mul(x.le(0).eq(0)).add(0),
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
  trunc: {
    cpu: Math.trunc,
    wgsl: "trunc(v)",
    wgslInt: "v",
    backward: zeroGradient,
    domain: "real",
  },
  // d/dx = 2/√π·e^(-x²).
  erf: {
    cpu: erf,
    wgsl: "erf_(v)",
    wgslHelpers: ERF_WGSL,
    backward: (g, x) => g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI)),
    domain: "real",
  },
  // PyTorch's default GELU, the exact one: x·Φ(x) = x/2·(1 + erf(x/√2)).
  // d/dx = Φ(x) + x·φ(x), φ the normal density.
  gelu: {
    cpu: (x) => x * 0.5 * (1 + erf(x * SQRT1_2)),
    wgsl: `v * 0.5 * (1.0 + erf_(v * ${SQRT1_2}))`,
    wgslHelpers: ERF_WGSL,
    backward: (g, x) => {
      const cdf = x.mul(SQRT1_2).erf().add(1).mul(0.5);
      const pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
      return g.mul(cdf.add(x.mul(pdf)));
    },
    domain: "real",
  },
};
