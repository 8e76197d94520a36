/**
 * Converting a tensor's dtype.
 *
 * @module
 */

import { record } from "../autograd.ts";
import { checkDType, type DType, isFloat } from "../dtype.ts";
import { Tensor } from "../tensor.ts";

/** `x` converted to `dtype`; the gradient is converted back. */
export function astype(x: Tensor, dtype: DType): Tensor {
  checkDType(dtype, "astype");
  if (x.dtype === dtype) return x;
  const out = new Tensor(
    x.backend.cast(x.storage, x.size, x.dtype, dtype),
    x.shape,
    dtype,
    x.backend,
  );
  if (!isFloat(dtype)) return out; // gradients do not flow through integers
  return record(out, "astype", [x], (g) => [astype(g, x.dtype)]);
}
