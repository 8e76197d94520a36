/**
 * Mini-batches: an epoch's examples in batches of `batchSize`, in order or
 * shuffled, gathered one batch at a time (an epoch never copies the whole data
 * set). Shuffling draws NumPy's `np.random.permutation(n)`, so a seed gives
 * the order a NumPy script with the same seed would use.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { defaultGenerator, Generator, type Tensor, tensor } from "../tensor/mod.ts";

/**
 * One mini-batch: the inputs, the targets, and which examples they are.
 *
 * Chapter: Part4-3 (mini-batches).
 */
export interface Batch {
  /** The inputs, one row per example. */
  X: Tensor;
  /** The targets, one row (or entry) per example. */
  y: Tensor;
  /** The examples' indices in the data set, in batch order. */
  indices: Int32Array;
}

/**
 * Anything batches can be gathered from: a number of examples and a way to
 * gather some of them ({@linkcode MnistData} is one).
 *
 * Chapter: Part4-3 (mini-batches).
 */
export interface BatchSource {
  /** The number of examples. */
  readonly count: number;
  /** The examples at `indices` as a batch. */
  batch(indices: Int32Array): Batch;
}

/**
 * Options for {@linkcode batches}.
 *
 * Chapter: Part4-3 (mini-batches).
 */
export interface BatchesOptions {
  /** Examples per batch (the last one may have fewer, unless `dropLast`). */
  batchSize: number;
  /** Visit the examples in a random order (default `false`: in order, as PyTorch's DataLoader). */
  shuffle?: boolean;
  /** Shuffle with a fresh `new Generator(seed)`: the same seed, the same order. */
  seed?: number;
  /**
   * Shuffle with this generator; each call draws the next permutation, so
   * successive epochs differ and a run is still reproducible from its seed.
   * Default (without `seed`): the module's generator, which `manualSeed` seeds.
   */
  generator?: Generator;
  /** Leave out a last batch smaller than `batchSize` (default `false`). */
  dropLast?: boolean;
}

/**
 * The number of batches an epoch of `count` examples gives.
 *
 * Chapter: Part4-3 (mini-batches).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchCount } from "@handson/nn";
 * assert.equal(batchCount(60000, { batchSize: 128 }), 469);
 * assert.equal(batchCount(60000, { batchSize: 128, dropLast: true }), 468);
 * ```
 */
export function batchCount(
  count: number,
  options: Pick<BatchesOptions, "batchSize" | "dropLast">,
): number {
  checkBatchSize(options.batchSize);
  return options.dropLast
    ? Math.floor(count / options.batchSize)
    : Math.ceil(count / options.batchSize);
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `batches: expected batchSize to be a positive integer, found ${batchSize}`,
    );
  }
}

/** Batches of tensors `X` and `y`, gathered along their first axis with `take`. */
function tensorSource(X: Tensor, y: Tensor): BatchSource {
  if (X.ndim === 0 || y.ndim === 0 || X.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `batches: expected X and y with the same number of rows, found X of shape ` +
        `[${X.shape}] and y of shape [${y.shape}]`,
    );
  }
  return {
    count: X.shape[0],
    batch(indices: Int32Array): Batch {
      const rows = tensor(indices, { dtype: "int32" });
      return { X: X.take(rows, 0), y: y.take(rows, 0), indices };
    },
  };
}

/**
 * The batches of one epoch over `data` (an {@linkcode MnistData} or any
 * {@linkcode BatchSource}), or over tensors `X` and `y` with the same number
 * of rows. The order is drawn when `batches` is called; each batch is
 * gathered only when the loop reaches it. With `shuffle`, the order is
 * `permutation(n)` of the generator (`seed`, `generator`, or the module's).
 *
 * Chapter: Part4-3 (mini-batches).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batches, tensor } from "@handson/nn";
 * const X = tensor([[0], [1], [2], [3], [4]]);
 * const y = tensor([0, 1, 0, 1, 0]);
 * const sizes = [...batches(X, y, { batchSize: 2 })].map((b) => b.X.shape[0]);
 * assert.deepEqual(sizes, [2, 2, 1]);
 * // np.random.seed(0); np.random.permutation(5) is [2, 0, 1, 3, 4]:
 * const order = [...batches(X, y, { batchSize: 2, shuffle: true, seed: 0, dropLast: true })]
 *   .map((b) => b.X.toArray());
 * assert.deepEqual(order, [[[2], [0]], [[1], [3]]]);
 * ```
 */
export function batches(data: BatchSource, options: BatchesOptions): IterableIterator<Batch>;
/**
 * The batches of one epoch over tensors `X` and `y` (the same number of rows).
 *
 * Chapter: Part4-3 (mini-batches).
 */
export function batches(X: Tensor, y: Tensor, options: BatchesOptions): IterableIterator<Batch>;
export function batches(
  data: BatchSource | Tensor,
  yOrOptions: Tensor | BatchesOptions,
  maybeOptions?: BatchesOptions,
): IterableIterator<Batch> {
  const isTensorPair = maybeOptions !== undefined;
  const source = isTensorPair
    ? tensorSource(data as Tensor, yOrOptions as Tensor)
    : data as BatchSource;
  const options = (isTensorPair ? maybeOptions : yOrOptions) as BatchesOptions;
  if (typeof options !== "object" || options === null) {
    throw new TypeError("batches: expected options with a batchSize, found none");
  }
  const { batchSize, shuffle = false, seed, generator, dropLast = false } = options;
  checkBatchSize(batchSize);
  if (seed !== undefined && generator !== undefined) {
    throw new TypeError("batches: expected a seed or a generator, found both");
  }
  const n = source.count;
  let order: Int32Array;
  if (shuffle) {
    order = (generator ?? (seed !== undefined ? new Generator(seed) : defaultGenerator()))
      .permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const count = batchCount(n, { batchSize, dropLast });
  return (function* () {
    for (let b = 0; b < count; b++) {
      yield source.batch(order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)));
    }
  })();
}
