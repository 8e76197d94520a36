/**
 * Softmax and log-softmax along an axis, computed without overflow: the
 * largest entry is subtracted first, so `exp` never sees a positive number.
 *
 * @module
 */

import { noGrad, record } from "../autograd.ts";
import { normalizeAxis } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** The stable shifted values `x - max(x)` along `axis` (as a plain value, no gradient). */
function shifted(x: Tensor, axis: number): Tensor {
  // Along an axis of size 0 there is nothing to normalise: the result is as empty as x (PyTorch).
  if (x.shape[axis] === 0) return x;
  return x.sub(x.max(axis, true));
}

/**
 * The backend's fused pass for float `x` along `axis` when it has one (the
 * CPU's), else null: the composite ops then run.
 */
function fused(x: Tensor, axis: number, log: boolean): Tensor | null {
  const backend = x.backend;
  if (backend.softmax === undefined || x.dtype === "int32" || x.shape[axis] === 0) return null;
  return new Tensor(backend.softmax(x.storage, x.shape, axis, log), x.shape, x.dtype, backend);
}

/** `e^x / Σ e^x` along `axis`; with s = softmax(x): dx = s · (g - Σ g·s). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.ndim, "softmax");
  const out = fused(x, ax, false) ?? noGrad(() => {
    const e = shifted(x, ax).exp();
    return e.div(e.sum(ax, true));
  });
  return record(out, "softmax", [x], (g) => [out.mul(g.sub(g.mul(out).sum(ax, true)))]);
}

/** `x - log Σ e^x` along `axis`; dx = g - softmax(x) · Σ g. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.ndim, "logSoftmax");
  const out = fused(x, ax, true) ?? noGrad(() => {
    const z = shifted(x, ax);
    return z.sub(z.exp().sum(ax, true).log());
  });
  return record(out, "logSoftmax", [x], (g) => [g.sub(out.exp().mul(g.sum(ax, true)))]);
}
