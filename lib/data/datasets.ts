/**
 * The data set manifest: loaders for the book's data sets, by name. The URLs
 * and checksums live in `data/datasets.json`; each loader fetches through
 * {@linkcode download} (so `NN_DATA_DIR` and the cache come first), checks the
 * shape, and returns tensors.
 *
 * @module
 */

import manifest from "../../data/datasets.json" with { type: "json" };
import { DataFormatError } from "../errors.ts";
import { readCsv } from "./csv.ts";
import type { DownloadOptions } from "./download.ts";
import { describeSource } from "./read.ts";
import { type Dataset, rings, type RingsOptions } from "./rings.ts";

/** One data set's entry in `data/datasets.json`. */
export interface DatasetEntry {
  /** What the data is, in a sentence. */
  description: string;
  /** The file's name in the cache and in the mirror folder `NN_DATA_DIR`. */
  file: string;
  /** Public URLs of the same file, tried in order. */
  urls: readonly string[];
  /** The file's SHA-256 (hex). */
  sha256?: string;
  /** The file's MD5 (hex), where only that is published. */
  md5?: string;
  /** The subfolder in the cache and in `NN_DATA_DIR` (such as `mnist`). */
  subdir?: string;
  /** Column names, for a CSV file. */
  names?: readonly string[];
  /** The number of data rows, for a CSV file. */
  rows?: number;
}

/**
 * The entries of `data/datasets.json` by name: where each data set comes from
 * and what it must look like.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetManifest } from "@handson/nn";
 * assert.deepEqual(datasetManifest.ex2data2.names, ["x1", "x2", "accepted"]);
 * assert.equal(datasetManifest.ex2data2.rows, 118);
 * ```
 */
export const datasetManifest: Readonly<Record<string, DatasetEntry>> = manifest;

/** Options for {@linkcode Datasets.ex2data2}. */
export interface Ex2data2Options extends DownloadOptions {
  /**
   * Another place to load it from: a URL, a `file://` URL or a path (or several
   * mirror URLs). The manifest's checksum is then not applied (pass `sha256`
   * to check one); the shape still is.
   */
  url?: string | URL | readonly (string | URL)[];
  /** The element type of `X` and `y` (default `float32`). */
  dtype?: "float32" | "float64";
}

/** The loaders, by data set name: a plain object, so more can be added. */
export interface Datasets {
  /**
   * The microchip data of the book's Part4-1/4-2 (ex2data2.txt): 118 rows of
   * `x1, x2, accepted`, as `X` `[118, 2]` and `y` `[118, 1]`. A file with
   * another shape is a `DataFormatError`; a failed download a `DownloadError`.
   */
  ex2data2(options?: Ex2data2Options): Promise<Dataset>;
  /**
   * A synthetic two-ring data set of the same shape as ex2data2 (inner ring 1,
   * outer ring 0), for when the real one cannot be fetched.
   */
  rings(options?: RingsOptions): Dataset;
}

async function ex2data2(options: Ex2data2Options = {}): Promise<Dataset> {
  const entry = datasetManifest.ex2data2;
  const names = entry.names!, expectedRows = entry.rows!;
  const { url, dtype, ...downloadOptions } = options;
  const source = url ?? entry.urls;
  const table = await readCsv(source, {
    ...(url === undefined ? { sha256: entry.sha256, fileName: entry.file } : {}),
    ...downloadOptions,
    names,
  });
  if (table.length !== expectedRows) {
    throw new DataFormatError(
      `${describeSource(source)}: expected ${expectedRows} rows of ex2data2 ` +
        `(${names.join(", ")}), found ${table.length}`,
    );
  }
  return {
    X: table.toTensor(names.slice(0, 2), { dtype }),
    y: table.toTensor(names.slice(2), { dtype }),
  };
}

/**
 * The data set loaders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasets } from "@handson/nn";
 * // Offline and with nothing cached, the two rings stand in for ex2data2:
 * const { X, y } = datasets.rings({ seed: 0 });
 * assert.deepEqual([X.shape, y.shape], [[118, 2], [118, 1]]);
 * assert.equal(y.sum().item(), 59);
 * ```
 */
export const datasets: Datasets = { ex2data2, rings };
