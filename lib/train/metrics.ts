/**
 * What a training run reports: accuracy, and the `metrics.json` each exercise
 * script writes beside its outputs.
 *
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import { ShapeError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";

/**
 * The fraction of predictions equal to the labels, counted exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracy, tensor } from "@handson/nn";
 * assert.equal(accuracy(tensor([[1], [0], [1]]), tensor([[1], [1], [1]])), 2 / 3);
 * ```
 */
export function accuracy(predictions: Tensor, labels: Tensor): number {
  if (predictions.size !== labels.size) {
    throw new ShapeError(
      `accuracy: ${predictions.size} predictions [${predictions.shape}] for ${labels.size} ` +
        `labels [${labels.shape}]`,
    );
  }
  const p = predictions.dataSync(), y = labels.dataSync();
  let right = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === y[i]) right++;
  return p.length === 0 ? NaN : right / p.length;
}

/** The metrics of a training run, as `metrics.json` holds them. */
export interface Metrics {
  /** The loss of each epoch, computed after the forward pass and before the update. */
  loss: number[];
  /** The final accuracy on the training data (0 to 1). */
  accuracy: number;
  /** How many epochs ran. */
  epochs: number;
  /** The training time in seconds. */
  seconds: number;
  /** Anything else worth keeping (the seed, the data source…). */
  [key: string]: unknown;
}

/** Writes `metrics` to `path` as JSON, atomically. */
export async function writeMetrics(path: string, metrics: Metrics): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(metrics, null, 1) + "\n");
}
