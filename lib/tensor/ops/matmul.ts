/**
 * The matrix product, with NumPy's rules: 1-D operands become a row or a
 * column, leading axes are batch axes and broadcast.
 *
 * @module
 */

import { record } from "../autograd.ts";
import { promote } from "../dtype.ts";
import { ShapeError } from "../../errors.ts";
import { broadcastShapes, describe, formatShape, sizeOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { astype } from "./astype.ts";
import { broadcastTo } from "./broadcast.ts";
import { reshape } from "./movement.ts";

/**
 * `out = op(a)·op(b)` for operands already of shape [...batch, m, k] and
 * [...batch, k, n] (or transposed when a flag is set), straight on the backend.
 * The backward calls it with transpose flags, so it never copies a transpose.
 */
function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const batchShape = a.shape.slice(0, -2);
  const [ar, ac] = a.shape.slice(-2), [br, bc] = b.shape.slice(-2);
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const n = transB ? br : bc;
  // An operand that is the lazy transpose of a matrix is read from that matrix, flag flipped.
  const [sa, ta] = a.transposeSource !== undefined
    ? [a.transposeSource, !transA]
    : [a.storage, transA];
  const [sb, tb] = b.transposeSource !== undefined
    ? [b.transposeSource, !transB]
    : [b.storage, transB];
  const spec = { batch: sizeOf(batchShape), m, n, k, transA: ta, transB: tb };
  const storage = a.backend.matmul(sa, sb, spec, a.dtype);
  return new Tensor(storage, [...batchShape, m, n], a.dtype, a.backend);
}

/**
 * The matrix product of `a` and `b` (NumPy's `a @ b`). Gradients:
 * dA = dOut · Bᵀ and dB = Aᵀ · dOut (book 4.5), summed over broadcast batches.
 *
 * Chapter: 4.2 one hidden layer (a layer as one matrix product).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmul, tensor } from "@handson/nn";
 * const c = matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]));
 * assert.deepEqual(c.toArray(), [[17],[39]]);
 * ```
 */
export function matmul(aIn: Tensor, bIn: Tensor): Tensor {
  for (const t of [aIn, bIn]) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`matmul: expected Tensor operands, found ${describe(t)}`);
    }
    if (t.ndim === 0) {
      throw new ShapeError("matmul: expected tensors of at least 1 dimension, found a 0-d tensor");
    }
  }
  // NumPy's 1-D rules: a vector on the left is a row, on the right a column; the added axis goes.
  const a = aIn.ndim === 1 ? reshape(aIn, [1, aIn.shape[0]]) : aIn;
  const b = bIn.ndim === 1 ? reshape(bIn, [bIn.shape[0], 1]) : bIn;
  const k = a.shape[a.ndim - 1];
  if (b.shape[b.ndim - 2] !== k) {
    throw new ShapeError(
      `matmul: cannot multiply ${formatShape(aIn.shape)} by ${formatShape(bIn.shape)}: ` +
        `inner sizes ${k} and ${b.shape[b.ndim - 2]} differ`,
    );
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "matmul");
  // int32 operands multiply in int32 on the backend, wrapping as PyTorch's do (never
  // through float64, which loses the low bits of a product past 2^53).
  const dtype = promote(a.dtype, b.dtype);
  const a2 = broadcastTo(astype(a, dtype), [...batch, ...a.shape.slice(-2)]);
  const b2 = broadcastTo(astype(b, dtype), [...batch, ...b.shape.slice(-2)]);
  const out = record(product(a2, b2, false, false), "matmul", [a2, b2], (g) => [
    a2.requiresGrad ? product(g, b2, false, true) : null,
    b2.requiresGrad ? product(a2, g, true, false) : null,
  ]);
  let shape = out.shape;
  if (aIn.ndim === 1) shape = [...shape.slice(0, -2), shape[shape.length - 1]];
  if (bIn.ndim === 1) shape = shape.slice(0, -1);
  return shape.length === out.ndim ? out : reshape(out, shape);
}
