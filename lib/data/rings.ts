/**
 * A synthetic stand-in for the microchip data: two noisy rings, the inner one
 * accepted (1), the outer one rejected (0). Not separable by a line, like
 * ex2data2, so the book's network has something to learn when the real data
 * cannot be fetched (offline with no cached copy).
 *
 * @module
 */

import { Generator, type Tensor, tensor } from "../tensor/mod.ts";

/**
 * Options for {@linkcode rings}.
 *
 * Chapter: Part4-1, Part4-2 (an offline stand-in for the microchip data).
 */
export interface RingsOptions {
  /** The number of points (default 118, as ex2data2); the inner ring gets `floor(n / 2)`. */
  n?: number;
  /** The seed of the private generator (default 0): the same seed, the same points. */
  seed?: number;
  /** The standard deviation of each point's distance from its ring's radius (default 0.1). */
  noise?: number;
  /** The element type of `X` and `y` (default `float32`). */
  dtype?: "float32" | "float64";
}

/**
 * A data set of features `X` `[n, features]` and labels `y` `[n, 1]`.
 *
 * Chapter: Part4-1, Part4-2 (an offline stand-in for the microchip data).
 */
export interface Dataset {
  /** The features, one row per example. */
  X: Tensor;
  /** The labels, one row per example. */
  y: Tensor;
}

/** The radii of the two rings, about those of ex2data2's accepted and rejected chips. */
const INNER_RADIUS = 0.45, OUTER_RADIUS = 0.95;

/**
 * Two rings of points around the origin: first `floor(n / 2)` points near
 * radius 0.45 with label 1, then the rest near radius 0.95 with label 0 (in
 * that order, as ex2data2 lists its accepted chips first). Each point draws an
 * angle, then a radius with normal noise, from its own seeded generator (the
 * global one is not touched).
 *
 * Chapter: Part4-1, Part4-2 (an offline stand-in for the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rings } from "./rings.ts";
 * const { X, y } = rings({ n: 6, seed: 1 });
 * assert.deepEqual([X.shape, y.shape], [[6, 2], [6, 1]]);
 * assert.deepEqual(y.toArray(), [[1], [1], [1], [0], [0], [0]]);
 * ```
 */
export function rings(options: RingsOptions = {}): Dataset {
  const { n = 118, seed = 0, noise = 0.1, dtype = "float32" } = options;
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`rings: expected n to be an integer >= 2, found ${n}`);
  }
  if (!(noise >= 0 && Number.isFinite(noise))) {
    throw new RangeError(`rings: expected noise >= 0, found ${noise}`);
  }
  const generator = new Generator(seed);
  const inner = Math.floor(n / 2);
  const X = new Float64Array(n * 2), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const isInner = i < inner;
    const angle = 2 * Math.PI * generator.random();
    const radius = (isInner ? INNER_RADIUS : OUTER_RADIUS) + noise * generator.standardNormal();
    X[2 * i] = radius * Math.cos(angle);
    X[2 * i + 1] = radius * Math.sin(angle);
    y[i] = isInner ? 1 : 0;
  }
  return {
    X: tensor(X, { shape: [n, 2], dtype }),
    y: tensor(y, { shape: [n, 1], dtype }),
  };
}
