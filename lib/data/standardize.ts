/**
 * The z-score: each column shifted by its mean and divided by its standard
 * deviation, as the book does with pandas (`(X - X.mean()) / X.std()`).
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor/mod.ts";

/**
 * Options for {@linkcode standardize}.
 *
 * Chapter: Part4-1, Part4-2 (z-scored x1, x2).
 */
export interface StandardizeOptions {
  /**
   * Delta degrees of freedom: the standard deviation divides by `n - ddof`.
   * Default 1, as pandas' `.std()` (which the book relies on); NumPy's
   * `np.std` and scikit-learn's `StandardScaler` use 0.
   */
  ddof?: number;
}

/**
 * What {@linkcode standardize} returns: the scaled data and how to scale more of it.
 *
 * Chapter: Part4-1, Part4-2 (z-scored x1, x2).
 */
export interface Standardized {
  /** The standardized data: `(X - mean) / std`, column by column. */
  X: Tensor;
  /** The mean of each column (shape: `X.shape` without its first axis). */
  mean: Tensor;
  /** The standard deviation of each column, with the chosen `ddof`. */
  std: Tensor;
  /**
   * Scales new data (a test set, a grid for a decision boundary) with the same
   * `mean` and `std`, so it lands where the training data did.
   */
  apply(newX: Tensor): Tensor;
}

/**
 * Standardizes `X` column by column (over its first axis, the rows) to mean 0
 * and standard deviation 1, and returns the mean and standard deviation used,
 * with an `apply` that does the same to new data. A constant column has
 * standard deviation 0 and becomes NaN, as in NumPy and pandas.
 *
 * Chapter: Part4-1, Part4-2 (z-scored x1, x2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { standardize, tensor } from "@handson/nn";
 * const X = tensor([[1, 10], [2, 20], [3, 30]], { dtype: "float64" });
 * const z = standardize(X); // ddof = 1, as pandas
 * assert.deepEqual(z.mean.toArray(), [2, 20]);
 * assert.deepEqual(z.std.toArray(), [1, 10]);
 * assert.deepEqual(z.X.toArray(), [[-1, -1], [0, 0], [1, 1]]);
 * assert.deepEqual(z.apply(tensor([[4, 0]], { dtype: "float64" })).toArray(), [[2, -2]]);
 * ```
 */
export function standardize(X: Tensor, options: StandardizeOptions = {}): Standardized {
  const ddof = options.ddof ?? 1;
  if (X.shape.length === 0) {
    throw new ShapeError("standardize: expected data with rows (at least 1-D), found a scalar");
  }
  const n = X.shape[0];
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= n) {
    throw new RangeError(
      `standardize: expected ddof to be an integer in [0, ${n - 1}] for ${n} rows, found ${ddof}`,
    );
  }
  const mean = X.mean(0);
  const std = X.std(0, { ddof });
  const apply = (newX: Tensor): Tensor => {
    const want = X.shape.slice(1), found = newX.shape.slice(1);
    if (found.length !== want.length || found.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        `standardize.apply: expected rows of shape [${want}] as in the data it was fitted on, ` +
          `found [${found}] (data of shape [${newX.shape}])`,
      );
    }
    return newX.sub(mean).div(std);
  };
  return { X: apply(X), mean, std, apply };
}
