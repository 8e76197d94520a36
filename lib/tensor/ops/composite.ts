/**
 * Ops a PyTorch user reaches for, built from the primitives (teenygrad's way):
 * each runs on every backend, and its gradient is that of the ops it is made
 * of, except `norm`'s, written out beside it (the composite's is NaN at a zero
 * vector, where PyTorch's is 0).
 *
 * @module
 */

import { noGrad, record } from "../autograd.ts";
import { normalizeAxis } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { fullLike, where } from "./binary.ts";

/** The shape with size-1 `axis` removed, or every size-1 axis when omitted (PyTorch's squeeze). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return x.reshape(x.shape.filter((d) => d !== 1));
  const ax = normalizeAxis(axis, x.ndim, "squeeze");
  // An axis whose size is not 1 stays, as in PyTorch (NumPy raises instead).
  if (x.shape[ax] !== 1) return x.reshape(x.shape);
  return x.reshape(x.shape.filter((_, i) => i !== ax));
}

/** A new axis of size 1 at `axis` (from `-ndim - 1` to `ndim`), as PyTorch's unsqueeze. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const n = x.ndim + 1; // the new axis may go before the first or after the last
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new RangeError(
      `unsqueeze: expected an axis from ${-n} to ${n - 1} for a tensor of ${x.ndim} ` +
        `dimensions, found ${axis}`,
    );
  }
  const ax = axis < 0 ? axis + n : axis;
  return x.reshape([...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/** 1 where `x != other`, else 0 (NaN differs from everything, itself included). */
export function ne(x: Tensor, other: Tensor | number): Tensor {
  return x.eq(other).neg().add(1);
}

/** `x²`. */
export function square(x: Tensor): Tensor {
  return x.mul(x);
}

/** `1 / x`. */
export function reciprocal(x: Tensor): Tensor {
  return fullLike(x, 1).div(x);
}

/** `1 / √x`. */
export function rsqrt(x: Tensor): Tensor {
  return fullLike(x, 1).div(x.sqrt());
}

/** `x · σ(x)` (SiLU, also called swish). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/**
 * GELU's tanh approximation, PyTorch's `gelu(x, approximate="tanh")`:
 * `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`, in PyTorch's order of operations.
 */
export function geluTanh(x: Tensor): Tensor {
  const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/**
 * ELU: `x` where positive, else `alpha · (e^x - 1)`, computed as PyTorch 1.13
 * computes it (`exp(x) - 1`, not `expm1`: the same bits, -0 included). The
 * exponential sees only the non-positive entries, so a large positive x
 * neither overflows nor turns the gradient into NaN.
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
    throw new TypeError(`elu: expected a finite number alpha, found ${alpha}`);
  }
  // PyTorch's test, x ≤ 0: a NaN takes the other side, so its gradient passes through.
  const negative = x.le(0);
  return where(negative, where(negative, x, 0).exp().sub(1).mul(alpha), x);
}

/**
 * `log Σ e^x` over `axis` (all axes when omitted), without overflow: the
 * largest value is taken out first (and held constant for the gradient, which
 * is the softmax), except where it is infinite, so a row of -∞ gives -∞ as in
 * PyTorch.
 */
export function logsumexp(x: Tensor, axis?: number, keepdims = false): Tensor {
  const shift = noGrad(() => {
    const max = x.max(axis, true);
    return where(max.abs().lt(Infinity), max, 0);
  });
  const out = x.sub(shift).exp().sum(axis, true).log().add(shift);
  return keepdims ? out : axis === undefined ? out.reshape([]) : squeeze(out, axis);
}

/**
 * The Euclidean norm `√Σ x²` over `axis` (all axes when omitted); its
 * gradient `g · x / norm` is 0 where the norm is 0, as PyTorch's.
 */
export function norm(x: Tensor, axis?: number, keepdims = false): Tensor {
  const kept = noGrad(() => x.mul(x).sum(axis, true).sqrt());
  const out = keepdims ? kept : axis === undefined ? kept.reshape([]) : squeeze(kept, axis);
  // PyTorch's order: g · (x / norm), the quotient 0 where the norm is 0 (so a zero takes g's sign).
  return record(out, "norm", [x], (g) => [
    g.reshape(kept.shape).mul(where(kept.eq(0), 0, x.div(kept))),
  ]);
}
