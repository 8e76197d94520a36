/**
 * The data of Part4-1 and Part4-2 as the book prepares it: ex2data2 loaded
 * (from its URL, a path, or the mirror folder), and x1, x2 z-scored with
 * pandas' sample standard deviation.
 *
 * @module
 */

import { datasets } from "../data/datasets.ts";
import { standardize } from "../data/standardize.ts";
import { DownloadError } from "../errors.ts";
import type { Tensor } from "../tensor/mod.ts";

/** The prepared data and where it came from. */
export interface Microchips {
  /** The z-scored inputs, [118, 2]. */
  X: Tensor;
  /** The labels (1 accepted, 0 not), [118, 1]. */
  y: Tensor;
  /** Where the data came from, for the report. */
  source: string;
}

/** Options of `loadMicrochips`. */
export interface MicrochipsOptions {
  /** A path or URL to read instead of the data set's own URLs. */
  data?: string;
  /** The dtype of X and y. */
  dtype: "float32" | "float64";
  /**
   * When the data set's own URLs cannot be reached and nothing is cached, train
   * on the synthetic two rings instead of failing (a newcomer always sees it work).
   */
  offlineFallback: boolean;
}

/**
 * Loads ex2data2 and z-scores x1, x2 as the book does
 * (`(df - df.mean()) / df.std()`, ddof = 1).
 */
export async function loadMicrochips(options: MicrochipsOptions): Promise<Microchips> {
  const { data, dtype, offlineFallback } = options;
  let raw;
  let source = data ?? "ex2data2 (its public URL, the cache or NN_DATA_DIR)";
  try {
    raw = await datasets.ex2data2({
      dtype,
      ...(data === undefined ? {} : { url: data }),
      // Offline, say so quickly instead of retrying for seconds.
      ...(offlineFallback && data === undefined ? { retries: 0, timeoutMs: 10_000 } : {}),
    });
  } catch (error) {
    if (!(offlineFallback && data === undefined && error instanceof DownloadError)) throw error;
    console.error(
      `ex2data2 could not be downloaded (${error.message}); ` +
        "training on a synthetic two-ring data set of the same shape instead.",
    );
    raw = datasets.rings({ seed: 0, dtype });
    source = "synthetic two rings (datasets.rings, offline)";
  }
  return { X: standardize(raw.X, { ddof: 1 }).X, y: raw.y, source };
}
