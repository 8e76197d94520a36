/**
 * Data: files from URLs with a cache, a mirror folder and checksums; numeric
 * CSV; the z-score; MNIST's IDX files, images kept as bytes and turned into
 * tensors batch by batch; and the data set manifest with its loaders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv, standardize } from "@handson/nn";
 * const table = parseCsv("1,10,0\n2,20,1\n3,30,1\n", { names: ["x1", "x2", "accepted"] });
 * const { X, mean } = standardize(table.toTensor(["x1", "x2"], { dtype: "float64" }));
 * assert.deepEqual(mean.toArray(), [2, 20]);
 * assert.deepEqual(X.toArray(), [[-1, -1], [0, 0], [1, 1]]);
 * ```
 *
 * @module
 */

export { cacheDir } from "./cache_dir.ts";
export type { Checksum } from "./checksum.ts";
export { download, type DownloadOptions } from "./download.ts";
export { readBytes, readText } from "./read.ts";
export { type CsvOptions, parseCsv, readCsv, type ReadCsvOptions } from "./csv.ts";
export { CsvTable, type ToTensorOptions } from "./table.ts";
export { standardize, type Standardized, type StandardizeOptions } from "./standardize.ts";
export { type Dataset, type RingsOptions } from "./rings.ts";
export {
  IDX_IMAGES,
  IDX_LABELS,
  type IdxArray,
  type IdxHeader,
  type IdxInput,
  readIdx,
  readIdxHeader,
  type ReadIdxOptions,
} from "./idx.ts";
export {
  type ImageDType,
  type ImagesOptions,
  MnistData,
  type MnistDataInit,
  type Uint8Images,
} from "./transforms.ts";
export {
  type Batch,
  batchCount,
  batches,
  type BatchesOptions,
  type BatchSource,
} from "./batches.ts";
export {
  type DatasetEntry,
  type DatasetManifest,
  datasetManifest,
  type Datasets,
  datasets,
  type Ex2data2Options,
  type IdxDatasetEntry,
  type IdxFileEntry,
  type IdxSplitEntry,
  type LocatedDataset,
  type MnistOptions,
  readMnist,
  type ReadMnistOptions,
} from "./datasets.ts";
