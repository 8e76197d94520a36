/**
 * The data of Part4-1 and Part4-2 as the book prepares it: ex2data2 loaded
 * (from its URL, a path, or the mirror folder), and x1, x2 z-scored with
 * pandas' sample standard deviation.
 *
 * @module
 */

import { datasets } from "../data/datasets.ts";
import { standardize } from "../data/standardize.ts";
import { DataFormatError, DownloadError } from "../errors.ts";
import type { Tensor } from "../tensor/mod.ts";
import { checkFinite } from "./finite.ts";

/** The names of the input columns, for messages. */
const COLUMNS = ["x1", "x2"];

/**
 * The prepared data and where it came from.
 *
 * Chapter: Part4-1, Part4-2 (the data as the book prepares it).
 */
export interface Microchips {
  /** The z-scored inputs, [n, 2] (118 rows for the book's file). */
  X: Tensor;
  /** The labels (1 accepted, 0 not), [n, 1]. */
  y: Tensor;
  /**
   * Where the data came from, for the report: the file's path and whether it
   * came from `NN_DATA_DIR`, the cache, which URL, or the path given; or
   * `"synthetic rings (offline)"`.
   */
  source: string;
}

/**
 * Options of `loadMicrochips`.
 *
 * Chapter: Part4-1, Part4-2 (the data as the book prepares it).
 */
export interface MicrochipsOptions {
  /**
   * A path or URL to read instead of the data set's own URLs, read as given
   * (never `NN_DATA_DIR`'s file of the same name): any CSV of `x1,x2,label`
   * with labels 0 and 1 and at least one row of each.
   */
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
 * (`(df - df.mean()) / df.std()`, ddof = 1). Inputs that would make training
 * meaningless are refused here, before it starts: a cell that is not a finite
 * number (by line and column), a column with one value in every row (its
 * z-score divides by 0), a label other than 0 or 1, a file with only one of
 * the two labels.
 *
 * Chapter: Part4-1, Part4-2 (the data as the book prepares it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMicrochips } from "@handson/nn";
 * // From NN_DATA_DIR, the cache or the URL; offline, the synthetic rings of the same shape.
 * const { X, y } = await loadMicrochips({ dtype: "float64", offlineFallback: true });
 * assert.deepEqual([X.shape, y.shape], [[118, 2], [118, 1]]);
 * assert.ok(Math.abs(X.mean(0).at(0).item()) < 1e-12); // z-scored: mean 0 …
 * assert.ok(Math.abs(X.std(0, { ddof: 1 }).at(0).item() - 1) < 1e-12); // … and std 1
 * ```
 */
export async function loadMicrochips(options: MicrochipsOptions): Promise<Microchips> {
  const { data, dtype, offlineFallback } = options;
  let raw;
  let source: string;
  try {
    raw = await datasets.ex2data2({
      dtype,
      ...(data === undefined ? {} : { url: data }),
      // Offline, say so quickly instead of retrying for seconds.
      ...(offlineFallback && data === undefined ? { retries: 0, timeoutMs: 10_000 } : {}),
    });
    source = raw.source;
  } catch (error) {
    // Offline, or not allowed online (no --allow-net): either way the URL cannot be reached,
    // and the message (Deno's) names the host and the flag. Other permissions still stop it,
    // and so does a --data of the user's: what was asked for is read, or the run stops; and
    // so does a wrong copy in NN_DATA_DIR (error.file), which no network can mend.
    const unreachable = (error instanceof DownloadError && error.file === undefined) ||
      (error instanceof Deno.errors.NotCapable && /\bnet access\b/.test(error.message));
    if (!(offlineFallback && data === undefined && unreachable)) throw error;
    console.error(
      `ex2data2 could not be downloaded (${error.message}); ` +
        "training on a synthetic two-ring data set of the same shape instead.",
    );
    raw = datasets.rings({ seed: 0, dtype });
    source = "synthetic rings (offline)";
  }
  // Messages name the file as it was given (the manifest's own file is checked by its SHA-256).
  const what = data ?? source;
  const labels = await raw.y.data();
  const bad = labels.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) {
    throw new DataFormatError(
      `${what}: row ${bad + 1}, column 3 ("accepted"): expected a label 0 or 1, ` +
        `found ${labels[bad]}`,
    );
  }
  // One class only: nothing to separate, and the accuracy would mean nothing.
  for (const label of [0, 1]) {
    if (!labels.includes(label)) {
      throw new DataFormatError(
        `${what}: column 3 ("accepted"): expected rows of both labels 0 and 1, ` +
          `found none labelled ${label}`,
      );
    }
  }
  const { X, std } = standardize(raw.X, { ddof: 1 });
  const spread = await std.data();
  const values = await raw.X.data();
  const width = raw.X.shape[1];
  spread.forEach((s, j) => {
    const column = `${what}: column ${j + 1} ("${COLUMNS[j]}")`;
    let low = Infinity, high = -Infinity;
    for (let i = j; i < values.length; i += width) {
      low = Math.min(low, values[i]);
      high = Math.max(high, values[i]);
    }
    if (!Number.isFinite(s)) {
      // The squares overflow before the z-score is taken: every value would become 0.
      throw new DataFormatError(
        `${column}: its spread overflows (values from ${low} to ${high}), expected numbers ` +
          "whose squares stay finite (rescale the column)",
      );
    }
    if (s === 0 && low !== high) {
      throw new DataFormatError(
        `${column}: its spread underflows to 0 (values from ${low} to ${high}, too close to 0), ` +
          "expected numbers that vary by more than about 1e-154 (rescale the column)",
      );
    }
    if (s === 0) {
      throw new DataFormatError(
        `${column} has the same value in every row, ` +
          "expected values that vary (its z-score would divide by a standard deviation of 0)",
      );
    }
  });
  await checkFinite(X, `${what} (z-scored)`, COLUMNS);
  return { X, y: raw.y, source };
}
