/**
 * The data set manifest: loaders for the book's data sets, by name. The URLs
 * and checksums live in `data/datasets.json`; each loader fetches through
 * {@linkcode download} (so `NN_DATA_DIR` and the cache come first), checks the
 * shape, and returns tensors (or, for the image sets, an {@linkcode MnistData}
 * that keeps the pixels as bytes).
 *
 * @module
 */

import { basename, dirname, fileURLToPath, join } from "./paths.ts";
import manifest from "../../data/datasets.json" with { type: "json" };
import { DataFormatError, DownloadError } from "../errors.ts";
import { readCsv } from "./csv.ts";
import {
  describeLocated,
  type DownloadOptions,
  locate,
  type Located,
  mirrorFolder,
} from "./download.ts";
import { isFile, isFolder } from "./files.ts";
import { IDX_IMAGES, IDX_LABELS, type IdxArray, type IdxInput, readIdx } from "./idx.ts";
import { describeSource } from "./read.ts";
import { type Dataset, rings, type RingsOptions } from "./rings.ts";
import { type ImageDType, MnistData } from "./transforms.ts";

/**
 * One data set's entry in `data/datasets.json`.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
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
 * One IDX file of an image data set, in `data/datasets.json`.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface IdxFileEntry {
  /** The file's name at the mirrors, in the cache and in the mirror folder. */
  file: string;
  /** The MD5 of the `.gz` file, as torchvision publishes it. */
  md5: string;
  /**
   * The MD5 of the inflated IDX file (as `md5sum` prints it after `gunzip`):
   * what a copy in the mirror folder is checked against, so that a file
   * compressed again (other `.gz` bytes, the same data) is accepted.
   */
  idxMd5: string;
  /** The IDX dimensions: `[count, rows, cols]` for images, `[count]` for labels. */
  shape: readonly number[];
}

/**
 * The image and label files of one split.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface IdxSplitEntry {
  /** The images (IDX magic 0x00000803). */
  images: IdxFileEntry;
  /** The labels (IDX magic 0x00000801). */
  labels: IdxFileEntry;
}

/**
 * An image data set in MNIST's IDX files (MNIST, Fashion-MNIST), in `data/datasets.json`.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface IdxDatasetEntry {
  /** What the data is, in a sentence. */
  description: string;
  /** The subfolder in the cache and in `NN_DATA_DIR` (`mnist`, `fashion-mnist`). */
  subdir: string;
  /** Base URLs that serve every file of the set, tried in order. */
  mirrors: readonly string[];
  /** The name of each class, by label. */
  classNames: readonly string[];
  /** The training split. */
  train: IdxSplitEntry;
  /** The test split. */
  test: IdxSplitEntry;
}

/**
 * The entries of `data/datasets.json`.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface DatasetManifest {
  /** The microchip data of Part4-1/4-2. */
  ex2data2: DatasetEntry;
  /** MNIST, for Part4-3. */
  mnist: IdxDatasetEntry;
  /** Fashion-MNIST, MNIST's drop-in replacement. */
  fashionMnist: IdxDatasetEntry;
}

/**
 * The entries of `data/datasets.json` by name: where each data set comes from
 * and what it must look like.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetManifest } from "@handson/nn";
 * assert.deepEqual(datasetManifest.ex2data2.names, ["x1", "x2", "accepted"]);
 * assert.equal(datasetManifest.ex2data2.rows, 118);
 * assert.equal(datasetManifest.mnist.test.images.file, "t10k-images-idx3-ubyte.gz");
 * assert.equal(datasetManifest.fashionMnist.classNames[9], "Ankle boot");
 * ```
 */
export const datasetManifest: Readonly<DatasetManifest> = manifest;

/**
 * Options for {@linkcode Datasets.ex2data2}.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface Ex2data2Options extends DownloadOptions {
  /**
   * Another place to load it from: a URL, a `file://` URL or a path (or several
   * mirror URLs), read as given: `NN_DATA_DIR` is not looked in, and the
   * manifest's checksum is not applied (pass `sha256` to check one). Any
   * number of rows (at least one) of `x1, x2, accepted` is taken.
   */
  url?: string | URL | readonly (string | URL)[];
  /** The element type of `X` and `y` (default `float32`). */
  dtype?: "float32" | "float64";
}

/**
 * A data set and where its file came from.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface LocatedDataset extends Dataset {
  /**
   * The file's path and where it came from, in words: `(from NN_DATA_DIR)`,
   * `(from the cache)`, `(downloaded from URL)` or `(the path given)`.
   */
  source: string;
}

/**
 * Options for {@linkcode Datasets.mnist} and {@linkcode Datasets.fashionMnist}.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface MnistOptions extends DownloadOptions {
  /** Which split: `"train"` (60,000 images, the default, as torchvision) or `"test"` (10,000). */
  split?: "train" | "test";
  /**
   * Another place to load the files from, under their standard names: a
   * folder, a `file://` URL or a base `http(s)://` URL. The manifest's
   * checksums are then not applied, and any number of images is taken (a
   * slice such as the first 2,000); the image size (28 × 28) still is checked.
   */
  url?: string | URL;
  /** The float type of `images()` and of batches (default `float32`). */
  dtype?: ImageDType;
}

/**
 * Options for {@linkcode readMnist}.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface ReadMnistOptions {
  /** The name of each class, by label (default: the digits 0 to 9). */
  classNames?: readonly string[];
  /** The float type of `images()` and of batches (default `float32`). */
  dtype?: ImageDType;
}

/**
 * The loaders, by data set name: a plain object, so more can be added.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 */
export interface Datasets {
  /**
   * The microchip data of the book's Part4-1/4-2 (ex2data2.txt): 118 rows of
   * `x1, x2, accepted`, as `X` `[118, 2]` and `y` `[118, 1]` (from `options.url`,
   * any number of rows), with `source` saying where the file came from. A file with
   * another shape, or with a cell that is not a finite number (`nan`, `inf`),
   * is a `DataFormatError` naming the line and column; a failed download a
   * `DownloadError`.
   */
  ex2data2(options?: Ex2data2Options): Promise<LocatedDataset>;
  /**
   * A synthetic two-ring data set of the same shape as ex2data2 (inner ring 1,
   * outer ring 0), for when the real one cannot be fetched.
   */
  rings(options?: RingsOptions): Dataset;
  /**
   * MNIST (the book's Part4-3): the `split`'s images and labels as an
   * {@linkcode MnistData}, the pixels kept as bytes until a batch needs them.
   * From `NN_DATA_DIR/mnist/` (checked by the MD5 of the inflated files), the
   * cache, or the mirrors in turn (checked by the `.gz` MD5s torchvision
   * publishes). A wrong file is a `DataFormatError` or `DownloadError` naming it.
   */
  mnist(options?: MnistOptions): Promise<MnistData>;
  /** Fashion-MNIST, as {@linkcode Datasets.mnist} (folder `fashion-mnist/`), with its class names. */
  fashionMnist(options?: MnistOptions): Promise<MnistData>;
}

async function ex2data2(options: Ex2data2Options = {}): Promise<LocatedDataset> {
  const entry = datasetManifest.ex2data2;
  const names = entry.names!, expectedRows = entry.rows!;
  const { url, dtype, ...downloadOptions } = options;
  // A place given is read as given: the mirror folder's file of the same name must not stand in.
  const located = url === undefined
    ? await locate(entry.urls, { sha256: entry.sha256, fileName: entry.file, ...downloadOptions })
    : await locate(url, { ...downloadOptions, dataDir: null });
  const name = url === undefined ? located.path : describeSource(url);
  const table = await evictingUnreadable(located, () =>
    readCsv(located.path, {
      names,
      source: name,
      // NaN or infinities would only show up later as a NaN loss; say where they are now.
      finite: true,
    }));
  // The book's file has 118 rows; a file of the user's may have any number (readCsv wants one).
  if (url === undefined && table.length !== expectedRows) {
    throw new DataFormatError(
      `${name}: expected ${expectedRows} rows of ex2data2 (${names.join(", ")}), ` +
        `found ${table.length}`,
    );
  }
  return {
    X: table.toTensor(names.slice(0, 2), { dtype }),
    y: table.toTensor(names.slice(2), { dtype }),
    source: describeLocated(located),
  };
}

/**
 * Reads an image data set from an IDX file of images and one of labels (paths,
 * `file:` URLs or bytes; gzipped or not) into an {@linkcode MnistData}. Any
 * data set in MNIST's format will do (KMNIST, EMNIST, your own). Images and
 * labels of different counts, or a label outside the classes, are a
 * `DataFormatError` naming the file.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readMnist } from "@handson/nn";
 * // One 2×2 image and its label, as IDX bytes (uncompressed here).
 * const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 255, 0]);
 * const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7]);
 * const data = await readMnist(images, labels);
 * assert.deepEqual([data.count, data.rows, data.cols, data.labels[0]], [1, 2, 2, 7]);
 * assert.deepEqual(data.images().toArray(), [[0, 1, 1, 0]]);
 * ```
 */
export async function readMnist(
  images: IdxInput,
  labels: IdxInput,
  options: ReadMnistOptions = {},
): Promise<MnistData> {
  const [imageIdx, labelIdx] = await Promise.all([
    readIdx(images, { magic: IDX_IMAGES }),
    readIdx(labels, { magic: IDX_LABELS }),
  ]);
  return toMnistData(imageIdx, labelIdx, sourceName(images), sourceName(labels), options);
}

function sourceName(input: IdxInput): string | undefined {
  return input instanceof Uint8Array ? undefined : input instanceof URL ? input.href : input;
}

/** Pairs images and labels read from IDX files, checking that they belong together. */
function toMnistData(
  images: IdxArray,
  labels: IdxArray,
  imagesFile: string | undefined,
  labelsFile: string | undefined,
  options: ReadMnistOptions,
): MnistData {
  const [count, rows, cols] = images.dims;
  const labelsName = labelsFile ?? "the labels";
  if (labels.dims[0] !== count) {
    throw new DataFormatError(
      `${labelsName}: expected ${count} labels, one per image in ${imagesFile ?? "the images"}, ` +
        `found ${labels.dims[0]}`,
    );
  }
  const classNames = options.classNames ?? datasetManifest.mnist.classNames;
  const values = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i];
    if (label >= classNames.length) {
      throw new DataFormatError(
        `${labelsName}: expected labels from 0 to ${classNames.length - 1}, found ${label} ` +
          `at index ${i}`,
      );
    }
    values[i] = label;
  }
  return new MnistData({
    pixels: images.data,
    labels: values,
    rows,
    cols,
    classNames,
    dtype: options.dtype,
    ...(imagesFile && labelsFile ? { files: { images: imagesFile, labels: labelsFile } } : {}),
  });
}

/** `name` under `base`: a folder, a `file://` URL or a base `http(s)://` URL. */
function under(base: string, name: string): string {
  if (/^(https?|file):/i.test(base)) {
    const url = new URL(name, base.endsWith("/") ? base : `${base}/`);
    return url.protocol === "file:" ? fileURLToPath(url) : url.href;
  }
  return join(base, name);
}

/**
 * Checks that `base` (a `url` option) names a folder when it is local: a file
 * or nothing there is said as such, not as a missing IDX file under it.
 */
async function checkFolder(base: string, name: string): Promise<void> {
  if (/^https?:/i.test(base)) return;
  const path = /^file:/i.test(base) ? fileURLToPath(base) : base;
  if (await isFolder(path)) return;
  const found = (await isFile(path)) ? "found a file" : "found no such folder";
  throw new DownloadError(
    `${path}: expected a folder holding ${name}'s IDX files (such as ` +
      `${datasetManifest.mnist.test.images.file}), ${found}`,
  );
}

/** Where each loaded image set's files came from, in words (see {@linkcode dataSource}). */
const sources = new WeakMap<MnistData, string>();

/**
 * Where the files of an image set that {@linkcode datasets} loaded came from,
 * in words: each file's path and whether it came from `NN_DATA_DIR`, the
 * cache, which URL, or the folder given. `undefined` for data made otherwise.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { basename, dirname, join } from "node:path";
 * import { dataSource, datasets } from "./datasets.ts";
 * const dir = await Deno.makeTempDir();
 * const idx = (magic: number, dims: number[], body: number) =>
 *   new Uint8Array([0, 0, 8, magic, ...dims.flatMap((d) => [0, 0, d >> 8, d & 255]), ...new Array(body).fill(0)]);
 * await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte.gz"), idx(3, [1, 28, 28], 784));
 * await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte.gz"), idx(1, [1], 1));
 * const data = await datasets.mnist({ split: "test", url: dir });
 * assert.equal(
 *   dataSource(data),
 *   `${join(dir, "t10k-images-idx3-ubyte.gz")} and t10k-labels-idx1-ubyte.gz (the folder given)`,
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function dataSource(data: MnistData): string | undefined {
  return sources.get(data);
}

/** The two files of a split, in words: one origin said once when they share it. */
function describePair(images: Located, labels: Located): string {
  if (images.from === labels.from && images.from !== "url") {
    const where = images.from === "path"
      ? "the folder given"
      : images.from === "cache"
      ? "from the cache"
      : "from NN_DATA_DIR";
    const sameFolder = dirname(images.path) === dirname(labels.path);
    return `${images.path} and ${sameFolder ? basename(labels.path) : labels.path} (${where})`;
  }
  return `${describeLocated(images)} and ${describeLocated(labels)}`;
}

/**
 * Reads one IDX file of a data set: a copy in the mirror folder, checked by the
 * MD5 of its inflated bytes; else the cache or the mirrors through
 * {@linkcode download}, checked by the `.gz` MD5; else (with `options.url`)
 * the file under that folder or URL, unchecked (and never the mirror folder's).
 */
async function readIdxFile(
  entry: IdxDatasetEntry,
  file: IdxFileEntry,
  magic: number,
  what: string,
  options: MnistOptions,
): Promise<{ idx: IdxArray; located: Located }> {
  const { split: _split, url, dtype: _dtype, ...downloadOptions } = options;
  if (url !== undefined) {
    const located = await locate(under(url instanceof URL ? url.href : url, file.file), {
      fileName: file.file,
      subdir: entry.subdir,
      ...downloadOptions,
      dataDir: null,
    });
    const idx = await evictingUnreadable(located, () => readIdx(located.path, { magic }));
    return { idx, located };
  }
  const dataDir = await mirrorFolder(downloadOptions);
  if (dataDir) {
    for (const path of [join(dataDir, entry.subdir, file.file), join(dataDir, file.file)]) {
      if (!(await isFile(path))) continue;
      // Not the .gz MD5: a mirror may hold the same data compressed again.
      const idx = await readIdx(path, { magic, md5: true });
      if (idx.md5 !== file.idxMd5) {
        throw new DownloadError(
          `${path} (in the mirror folder NN_DATA_DIR): expected ${what} (inflated MD5 ` +
            `${file.idxMd5}), found a file whose inflated MD5 is ${idx.md5}`,
          { file: path },
        );
      }
      return { idx, located: { path, from: "NN_DATA_DIR" } };
    }
  }
  const located = await locate(entry.mirrors.map((base) => base + file.file), {
    md5: file.md5,
    fileName: file.file,
    subdir: entry.subdir,
    ...downloadOptions,
    dataDir: null,
  });
  const idx = await evictingUnreadable(located, () => readIdx(located.path, { magic }));
  return { idx, located };
}

/**
 * `read()` of a located file; when the file is this module's cached copy
 * (downloaded now or earlier) and is not what it should be (a
 * `DataFormatError`: say an HTML error page served with 200 OK for a URL with
 * no checksum), the copy is removed and the error says so, so that the next
 * run downloads it again instead of failing on it for ever. Files the user
 * named (a path, `NN_DATA_DIR`) are never removed.
 */
async function evictingUnreadable<T>(located: Located, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof DataFormatError) || (located.from !== "cache" && located.from !== "url")) {
      throw e;
    }
    try {
      await Deno.remove(located.path);
    } catch (removal) {
      if (!(removal instanceof Deno.errors.NotFound)) {
        throw new DataFormatError(
          `${e.message} (the cached copy ${located.path} could not be removed: ${removal}; ` +
            "delete it, or the next run will read it again)",
        );
      }
    }
    throw new DataFormatError(
      `${e.message} (this was the cached copy ${located.path}; it has been removed, so the ` +
        "next run downloads the file again)",
    );
  }
}

/** Loads a split of an IDX image data set by its manifest entry and checks its shapes. */
async function loadIdxDataset(
  name: string,
  entry: IdxDatasetEntry,
  options: MnistOptions,
): Promise<MnistData> {
  const split = options.split ?? "train";
  if (split !== "train" && split !== "test") {
    throw new RangeError(
      `datasets.${name}: expected split "train" or "test", found ${JSON.stringify(split)}`,
    );
  }
  const files = entry[split];
  if (options.url !== undefined) {
    await checkFolder(options.url instanceof URL ? options.url.href : options.url, name);
  }
  const [images, labels] = await Promise.all([
    readIdxFile(entry, files.images, IDX_IMAGES, `${name}'s ${split} images`, options),
    readIdxFile(entry, files.labels, IDX_LABELS, `${name}'s ${split} labels`, options),
  ]);
  for (
    const [{ idx, located: { path } }, want] of [[images, files.images], [
      labels,
      files.labels,
    ]] as const
  ) {
    // A folder of the user's may hold any number of images; the official files hold the set.
    const [found, expected] = options.url === undefined
      ? [idx.dims, want.shape]
      : [idx.dims.slice(1), want.shape.slice(1)];
    if (found.length !== expected.length || found.some((d, i) => d !== expected[i])) {
      const wanted = options.url === undefined
        ? want.shape.join(" × ")
        : `n × ${want.shape.slice(1).join(" × ")}`;
      throw new DataFormatError(
        `${path}: expected ${wanted} values as ${name}'s ${split} split, ` +
          `found ${idx.dims.join(" × ")}`,
      );
    }
  }
  const data = toMnistData(images.idx, labels.idx, images.located.path, labels.located.path, {
    classNames: entry.classNames,
    dtype: options.dtype,
  });
  sources.set(data, describePair(images.located, labels.located));
  return data;
}

/**
 * The data set loaders.
 *
 * Chapter: the exercises' data (Part4-1/4-2: ex2data2; Part4-3: MNIST).
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
export const datasets: Datasets = {
  ex2data2,
  rings,
  mnist: (options: MnistOptions = {}) => loadIdxDataset("mnist", datasetManifest.mnist, options),
  fashionMnist: (options: MnistOptions = {}) =>
    loadIdxDataset("fashionMnist", datasetManifest.fashionMnist, options),
};
