/**
 * What a training run reports: accuracy, and the `metrics.json` each exercise
 * script writes beside its outputs.
 *
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import { ShapeError } from "../errors.ts";
import { writeFileAtomic } from "../host.ts";

/**
 * The fraction of predictions equal to the labels, counted exactly.
 *
 * Chapter: Part4-1 to Part4-3 (accuracy, the confusion matrix).
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

/**
 * The metrics of a training run, as `metrics.json` holds them.
 *
 * Chapter: Part4-1 to Part4-3 (accuracy, the confusion matrix).
 */
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

/**
 * Writes `metrics` to `path` as JSON, atomically.
 *
 * Chapter: Part4-1 to Part4-3 (accuracy, the confusion matrix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeMetrics } from "@handson/nn";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await writeMetrics(path, { loss: [0.69, 0.5], accuracy: 0.75, epochs: 2, seconds: 0.1 });
 * assert.deepEqual(JSON.parse(await Deno.readTextFile(path)).loss, [0.69, 0.5]);
 * ```
 */
export async function writeMetrics(path: string, metrics: Metrics): Promise<void> {
  await writeFileAtomic(path, metricsJson(metrics));
}

/**
 * The text of a `metrics.json`, for a script that saves its outputs as one set.
 *
 * Chapter: Part4-1 to Part4-3 (accuracy, the confusion matrix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsJson } from "@handson/nn";
 * const text = metricsJson({ loss: [0.5], accuracy: 1, epochs: 1, seconds: 0 });
 * assert.equal(JSON.parse(text).accuracy, 1);
 * ```
 */
export function metricsJson(metrics: Metrics): string {
  return JSON.stringify(metrics, null, 1) + "\n";
}

/**
 * The confusion matrix: entry [t][p] counts the samples of true class `t`
 * predicted as `p`.
 *
 * Chapter: Part4-1 to Part4-3 (accuracy, the confusion matrix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { confusionMatrix } from "@handson/nn";
 * assert.deepEqual(confusionMatrix([0, 1, 1], [0, 1, 0], 2), [[1, 1], [0, 1]]); // rows: true class
 * ```
 */
export function confusionMatrix(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (predictions.length !== labels.length) {
    throw new ShapeError(
      `confusionMatrix: ${predictions.length} predictions for ${labels.length} labels`,
    );
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i], p = predictions[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new RangeError(
        `confusionMatrix: sample ${i} has label ${t} and prediction ${p}, expected classes ` +
          `0 to ${numClasses - 1}`,
      );
    }
    matrix[t][p]++;
  }
  return matrix;
}
