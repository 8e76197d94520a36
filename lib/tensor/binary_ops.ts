/**
 * Every element-wise function of two tensors, declared once: its CPU kernel
 * (and an exact int32 one where the float formula is not exact), its WGSL f32
 * and i32 expressions, whether it is a comparison, and its derivative beside
 * them. The `BinaryOp` type, the CPU backend's table, the WebGPU shaders, the
 * autograd rule (`ops/binary.ts` adds broadcasting's `unbroadcast`) and the
 * tests' enumerations (gradient checks, CPU/GPU parity) all come from here; a
 * new op is one entry (and its name in `BinaryOp`), its `Tensor` method (a
 * documented line in `tensor.ts`) and its PyTorch cases. `where`, of three
 * operands, is not among them.
 *
 * This module imports nothing at run time, so both backends and the ops can
 * import it without a cycle.
 *
 * @module
 */

import type { Tensor } from "./tensor.ts";

/**
 * Element-wise functions of two arguments (broadcast): the names of
 * `BINARY_OPS`' entries (the compiler keeps the two in step). Comparisons
 * give 0 or 1.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "gt"
  | "lt"
  | "ge"
  | "le"
  | "eq"
  | "remainder"
  | "floorDivide"
  | "maskPositive";

/**
 * `a` where `condition` is non-zero, else `b` (the tensor function `where`).
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type Where = (condition: Tensor, a: Tensor | number, b: Tensor | number) => Tensor;

/**
 * One element-wise op of two tensors, as `BINARY_OPS` declares it.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export interface BinaryDeclaration {
  /** The value at `(a, b)`, as the CPU computes it (in float64, stored in the result's dtype). */
  cpu: (a: number, b: number) => number;
  /** For int32 results, where `cpu` is not exact on int32 values (a product needs 62 bits). */
  cpuInt?: (a: number, b: number) => number;
  /** The same on the GPU: a WGSL f32 expression in `x` and `y`. */
  wgsl: string;
  /** The WGSL i32 expression in `x` and `y`. */
  wgslInt: string;
  /** Whether the result is 1 where a relation holds, else 0 (not differentiable). */
  comparison?: true;
  /** Whether int32 operands are converted to float32 first (`div`: 7 / 2 is 3.5). */
  floatOnly?: true;
  /**
   * `[g · d(op)/da, g · d(op)/db]` in the broadcast shape (the caller
   * unbroadcasts), from the incoming gradient, the operands and the output; null
   * for an operand whose gradient is not needed. `where` is passed in, since
   * this module imports nothing at run time. Absent for comparisons.
   */
  backward?: (
    g: Tensor,
    a: Tensor,
    b: Tensor,
    out: Tensor,
    where: Where,
  ) => [Tensor | null, Tensor | null];
  /**
   * Where the tests draw operands: all reals; both positive (div, pow); or a
   * real dividend and a divisor at least 0.5 away from 0 (remainder,
   * floorDivide: near 0 the jumps come close together).
   */
  domain: "real" | "positive" | "divisor";
}

/**
 * `a ** b` as C's `pow` (and so NumPy and PyTorch) defines it: `Math.pow` gives
 * NaN for 1 to any power that is NaN or ±∞ and for -1 to ±∞, where C gives 1.
 */
function pow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

/**
 * `a ** b` on int32 values, exactly modulo 2³² (as PyTorch's int32 `pow`):
 * squaring with `Math.imul`, since `Math.pow` goes through float64 and loses
 * the low bits past 2⁵³ (`3 ** 40` gave 689956864, not 689956897).
 */
function powInt32(a: number, b: number): number {
  if (b < 0) {
    throw new RangeError(
      `pow: expected a non-negative exponent for int32 operands, found ${a} ** ${b}; ` +
        'convert to float first (astype("float32"))',
    );
  }
  let result = 1, base = a;
  for (let e = b; e > 0; e >>>= 1) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

/**
 * `a mod b` with the sign of the divisor, as PyTorch's `remainder` (and
 * Python's `%`): JavaScript's `%` is C's `fmod` (exact, the sign of `a`), moved
 * by one `b` when the signs differ. So -1 mod ∞ is ∞, and -0 mod 1 is -0.
 */
function remainder(a: number, b: number): number {
  const mod = a % b;
  return mod !== 0 && (b < 0) !== (mod < 0) ? mod + b : mod;
}

/**
 * `⌊a / b⌋` as PyTorch's `div_floor_floating` (ATen): the quotient from the
 * exact remainder, `(a - fmod(a, b)) / b`, one less when the signs differ,
 * then rounded to the nearest integer, since that division rounds (so 1 // 0.1
 * is 9, while ⌊1 / 0.1⌋ is 10). Division by 0 is IEEE's `a / b` (±∞ or NaN),
 * and a zero quotient takes the sign of `a / b`.
 */
function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) {
    const q = a / b;
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/** PyTorch raises "ZeroDivisionError" for an int32 division by 0; so do these, naming the op. */
function checkDivisor(op: string, a: number, b: number): void {
  if (b === 0) {
    throw new RangeError(
      `${op}: division by zero in int32 operands (found ${a} and a divisor of 0); ` +
        'PyTorch raises ZeroDivisionError; convert to float first (astype("float32")) for ±∞ or NaN',
    );
  }
}

/** int32 `remainder`: exact in float64 (`%` on integers is), a RangeError for a divisor of 0. */
function remainderInt32(a: number, b: number): number {
  checkDivisor("remainder", a, b);
  return remainder(a, b);
}

/**
 * int32 `floorDivide`: a quotient of two int32 values is never within 2⁻⁵³ of
 * an integer it is not, so flooring the float64 quotient is exact.
 */
function floorDivideInt32(a: number, b: number): number {
  checkDivisor("floorDivide", a, b);
  return Math.floor(a / b);
}

/** The gradient of a step: +0 everywhere, as PyTorch's zeros (g · 0 would give -0 and NaN). */
const zeroGradient = (g: Tensor): Tensor => g.lt(-Infinity);

/** The comparison `x c y` in WGSL, 1 or 0 of type f32 or i32. */
const compare = (c: string): Pick<BinaryDeclaration, "wgsl" | "wgslInt"> => ({
  wgsl: `select(0.0, 1.0, x ${c} y)`,
  wgslInt: `select(0, 1, x ${c} y)`,
});

/**
 * Maximum or minimum's gradient: it goes to the operand that was picked; on a
 * tie it is split in half between both, as in PyTorch.
 */
function extremumBackward(wins: "gt" | "lt") {
  return (g: Tensor, a: Tensor, b: Tensor): [Tensor, Tensor] => {
    const tie = a.eq(b).mul(0.5);
    return [g.mul(a[wins](b).add(tie)), g.mul(b[wins](a).add(tie))];
  };
}

/**
 * The element-wise ops of two tensors, by name: each one's CPU kernels, WGSL
 * expressions and derivative.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BINARY_OPS } from "@handson/nn/backend";
 * assert.equal(BINARY_OPS.pow.cpu(1, NaN), 1); // C's pow
 * assert.equal(BINARY_OPS.remainder.cpu(-1, 3), 2); // the sign of the divisor
 * ```
 */
export const BINARY_OPS: Readonly<Record<BinaryOp, BinaryDeclaration>> = {
  add: {
    cpu: (a, b) => a + b,
    wgsl: "x + y",
    wgslInt: "x + y",
    backward: (g) => [g, g],
    domain: "real",
  },
  sub: {
    cpu: (a, b) => a - b,
    wgsl: "x - y",
    wgslInt: "x - y",
    backward: (g) => [g, g.neg()],
    domain: "real",
  },
  // d(ab)/da = b, d(ab)/db = a. A sum or difference of int32 values is exact in
  // float64 (33 bits, wrapped as int32 when stored); a product is not.
  mul: {
    cpu: (a, b) => a * b,
    cpuInt: Math.imul,
    wgsl: "x * y",
    wgslInt: "x * y",
    backward: (g, a, b) => [
      a.requiresGrad ? g.mul(b) : null,
      b.requiresGrad ? g.mul(a) : null,
    ],
    domain: "real",
  },
  // int32 / int32 gives float32; d/da = 1/b, d/db = -a/b² = -out/b.
  div: {
    cpu: (a, b) => a / b,
    wgsl: "x / y",
    wgslInt: "i32(f32(x) / f32(y))",
    floatOnly: true,
    backward: (g, a, b, out) => [
      a.requiresGrad ? g.div(b) : null,
      b.requiresGrad ? g.mul(out).div(b).neg() : null,
    ],
    domain: "positive",
  },
  // d/da = b·a^(b-1), d/db = a^b·ln a; where these give NaN or ∞ the gradients
  // are PyTorch's: d/da is 0 where b = 0 (`x ** 0` is constant), and d/db is 0
  // where a = 0 and b ≥ 0 (where `0·ln 0` is taken as 0).
  pow: {
    cpu: pow,
    cpuInt: powInt32,
    wgsl: "pow_(x, y)",
    wgslInt: "ipow_(x, y)",
    backward: (g, a, b, out, where) => [
      a.requiresGrad ? where(b.eq(0), 0, g.mul(b).mul(a.pow(b.sub(1)))) : null,
      b.requiresGrad ? g.mul(where(a.eq(0).mul(b.ge(0)), 0, out.mul(a.log()))) : null,
    ],
    domain: "positive",
  },
  // NaN propagates (Math.max does, and max_ in WGSL), as NumPy and PyTorch.
  maximum: {
    cpu: Math.max,
    wgsl: "max_(x, y)",
    wgslInt: "max(x, y)",
    backward: extremumBackward("gt"),
    domain: "real",
  },
  minimum: {
    cpu: Math.min,
    wgsl: "min_(x, y)",
    wgslInt: "min(x, y)",
    backward: extremumBackward("lt"),
    domain: "real",
  },
  // Written `+(a > b)`, not `a > b ? 1 : 0`: see `arithmetic` in cpu/backend.ts.
  gt: { cpu: (a, b) => +(a > b), ...compare(">"), comparison: true, domain: "real" },
  lt: { cpu: (a, b) => +(a < b), ...compare("<"), comparison: true, domain: "real" },
  ge: { cpu: (a, b) => +(a >= b), ...compare(">="), comparison: true, domain: "real" },
  le: { cpu: (a, b) => +(a <= b), ...compare("<="), comparison: true, domain: "real" },
  eq: { cpu: (a, b) => +(a === b), ...compare("=="), comparison: true, domain: "real" },
  // PyTorch's gradients: d/da = 1, d/db = -⌊a / b⌋ (its floor division).
  remainder: {
    cpu: remainder,
    cpuInt: remainderInt32,
    wgsl: "remainder_(x, y)",
    wgslInt: "iremainder_(x, y)",
    backward: (g, a, b) => [
      g,
      b.requiresGrad ? g.mul(a.floorDivide(b)).neg() : null,
    ],
    domain: "divisor",
  },
  // A step, so its gradient is 0, as floor's and as PyTorch's
  // div(a, b, rounding_mode="floor"). (PyTorch 1.13's floor_divide itself
  // raises "derivative for aten::floor_divide is not implemented".)
  floorDivide: {
    cpu: floorDivide,
    cpuInt: floorDivideInt32,
    wgsl: "floor_divide_(x, y)",
    wgslInt: "ifloor_divide_(x, y)",
    backward: (g) => [zeroGradient(g), zeroGradient(g)],
    domain: "divisor",
  },
  // `a · (b > 0)` in one pass, the mask never stored: a ReLU's backward as the
  // book writes it, `dz · (a > 0)`, with NumPy's bits (-0 and NaN included).
  // d/da = (b > 0); b is a step's input: its gradient is 0.
  maskPositive: {
    cpu: (a, b) => a * +(b > 0),
    // 0 < b ≤ +∞ on the bits (a compiler may assume b is not NaN).
    wgsl: "x * select(0.0, 1.0, bitcast<u32>(y) - 1u < 0x7f800000u)",
    wgslInt: "x * select(0, 1, y > 0)",
    backward: (g, _a, b) => [g.maskPositive(b), b.requiresGrad ? zeroGradient(g) : null],
    domain: "real",
  },
};
