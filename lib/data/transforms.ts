/**
 * Images kept as bytes, and the transforms that turn them into tensors when a
 * batch needs them: flatten, scale to [0, 1], one-hot. The book writes
 * `images.reshape(-1, 784) / 255.0` for the whole set at once; 60,000 MNIST
 * images are 47 MB as bytes but 188 MB as float32 (376 MB as float64), so
 * {@linkcode MnistData} holds the bytes and converts only the rows asked for.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { oneHot, tensor } from "../tensor/mod.ts";
import { Tensor } from "../tensor/tensor.ts";
import { currentBackend } from "../tensor/select_backend.ts";
import type { Batch } from "./batches.ts";

/**
 * The float types images can be converted to.
 *
 * Chapter: Part4-3 (MNIST: flatten, scale, one-hot 独热编码).
 */
export type ImageDType = "float32" | "float64";

/**
 * Options for {@linkcode MnistData.images}.
 *
 * Chapter: Part4-3 (MNIST: flatten, scale, one-hot 独热编码).
 */
export interface ImagesOptions {
  /** The element type (default: the data's `dtype`, float32 unless set). */
  dtype?: ImageDType;
  /** `[b, rows * cols]` as the book's `reshape(-1, 784)` (default `true`), or `[b, rows, cols]`. */
  flatten?: boolean;
}

/**
 * Images as bytes in the form the plots take (`shape` and `dataSync()`), since
 * the tensor core has no uint8 type: `imageGrid(data.uint8([0, 1, 2]))`.
 *
 * Chapter: Part4-3 (MNIST: flatten, scale, one-hot 独热编码).
 */
export interface Uint8Images {
  /** `[count, rows, cols]`. */
  readonly shape: readonly number[];
  /** The pixels, row-major, 0 (black) to 255 (white). */
  readonly data: Uint8Array;
  /** The pixels (the same array as `data`). */
  dataSync(): Uint8Array;
}

/**
 * What {@linkcode MnistData} is made of.
 *
 * Chapter: Part4-3 (MNIST: flatten, scale, one-hot 独热编码).
 */
export interface MnistDataInit {
  /** The pixels of all images, row-major: `count × rows × cols` bytes. */
  pixels: Uint8Array;
  /** One class index per image; their number is the number of images. */
  labels: Int32Array;
  /** The image height in pixels. */
  rows: number;
  /** The image width in pixels. */
  cols: number;
  /** The name of each class, by index (default: the digits `"0"` to `"9"`). */
  classNames?: readonly string[];
  /** The float type of `images()` and of batches (default `float32`). */
  dtype?: ImageDType;
  /** The files the images and labels were read from, if any. */
  files?: { readonly images: string; readonly labels: string };
}

/** `i / 255` for every byte value, in each float type: one lookup per pixel. */
const SCALE = {
  float32: Float32Array.from({ length: 256 }, (_, i) => i / 255),
  float64: Float64Array.from({ length: 256 }, (_, i) => i / 255),
};

const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));

/**
 * An image data set held as bytes (MNIST, Fashion-MNIST): `pixels`, `labels`,
 * and methods that make tensors of the rows asked for. It is what
 * `datasets.mnist()` and `datasets.fashionMnist()` return, and a source for
 * {@linkcode batches}.
 *
 * Chapter: Part4-3 (MNIST: flatten, scale, one-hot 独热编码).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MnistData } from "@handson/nn";
 * // Two 2×2 images: labels 3 and 1.
 * const data = new MnistData({
 *   pixels: new Uint8Array([0, 255, 51, 102, 255, 255, 0, 0]),
 *   labels: new Int32Array([3, 1]),
 *   rows: 2,
 *   cols: 2,
 * });
 * assert.deepEqual(data.images([1]).toArray(), [[1, 1, 0, 0]]);
 * assert.deepEqual(data.images([0], { dtype: "float64" }).toArray(), [[0, 1, 0.2, 0.4]]);
 * assert.deepEqual(data.labelTensor().toArray(), [3, 1]);
 * assert.deepEqual(data.oneHot([1]).toArray(), [[0, 1, 0, 0, 0, 0, 0, 0, 0, 0]]);
 * ```
 */
export class MnistData {
  /** The number of images. */
  readonly count: number;
  /** The image height in pixels (28 for MNIST). */
  readonly rows: number;
  /** The image width in pixels (28 for MNIST). */
  readonly cols: number;
  /** The pixels of all images, row-major (`count × rows × cols` bytes, 0 to 255). */
  readonly pixels: Uint8Array;
  /** The class of each image, `0` to `classNames.length - 1`. */
  readonly labels: Int32Array;
  /** The name of each class, by index. */
  readonly classNames: readonly string[];
  /** The float type `images()` and batches give unless told otherwise. */
  readonly dtype: ImageDType;
  /** The files the images and labels were read from, when they came from files. */
  readonly files?: { readonly images: string; readonly labels: string };

  /**
   * Wraps `pixels` and `labels` (kept, not copied). A pixel count that is not
   * `labels.length × rows × cols` is a `ShapeError`; a label outside the
   * classes a `RangeError`.
   */
  constructor(init: MnistDataInit) {
    const { pixels, labels, rows, cols } = init;
    for (const [name, value] of [["rows", rows], ["cols", cols]] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(
          `MnistData: expected ${name} to be a positive integer, found ${value}`,
        );
      }
    }
    if (!(pixels instanceof Uint8Array) || !(labels instanceof Int32Array)) {
      throw new TypeError("MnistData: expected pixels as a Uint8Array and labels as an Int32Array");
    }
    if (pixels.length !== labels.length * rows * cols) {
      throw new ShapeError(
        `MnistData: expected ${labels.length} × ${rows} × ${cols} = ` +
          `${
            labels.length * rows * cols
          } pixels for ${labels.length} labels, found ${pixels.length}`,
      );
    }
    const classNames = init.classNames ?? DIGITS;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (label < 0 || label >= classNames.length) {
        throw new RangeError(
          `MnistData: expected labels from 0 to ${classNames.length - 1}, found ${label} ` +
            `at index ${i}`,
        );
      }
    }
    const dtype = init.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") {
      throw new TypeError(`MnistData: expected dtype float32 or float64, found ${dtype}`);
    }
    this.count = labels.length;
    this.rows = rows;
    this.cols = cols;
    this.pixels = pixels;
    this.labels = labels;
    this.classNames = [...classNames];
    this.dtype = dtype;
    if (init.files) this.files = { ...init.files };
  }

  /**
   * The images at `indices` (default: all) as a float tensor scaled to [0, 1]
   * (pixel / 255, as the book's `/ 255.0`), `[b, rows * cols]` or, with
   * `flatten: false`, `[b, rows, cols]`. Only these rows are converted.
   */
  images(indices?: ArrayLike<number>, options: ImagesOptions = {}): Tensor {
    const dtype = options.dtype ?? this.dtype;
    const lut = SCALE[dtype];
    if (lut === undefined) {
      throw new TypeError(`MnistData.images: expected dtype float32 or float64, found ${dtype}`);
    }
    const size = this.rows * this.cols;
    const rows = this.#indices(indices, "images");
    const n = rows?.length ?? this.count;
    const out = dtype === "float32" ? new Float32Array(n * size) : new Float64Array(n * size);
    const pixels = this.pixels;
    for (let i = 0; i < n; i++) {
      const from = (rows ? rows[i] : i) * size, to = i * size;
      for (let p = 0; p < size; p++) out[to + p] = lut[pixels[from + p]];
    }
    const shape = options.flatten === false ? [n, this.rows, this.cols] : [n, size];
    // A fresh array that nothing else holds becomes the tensor's storage as it is:
    // `tensor()` would copy it, and for a whole data set that is hundreds of MB.
    const backend = currentBackend();
    return new Tensor(backend.fromArray(out), shape, dtype, backend);
  }

  /** The labels at `indices` (default: all) as an int32 tensor `[b]`. */
  labelTensor(indices?: ArrayLike<number>): Tensor {
    const rows = this.#indices(indices, "labelTensor");
    return tensor(rows ? Int32Array.from(rows, (i) => this.labels[i]) : this.labels, {
      dtype: "int32",
    });
  }

  /**
   * The labels at `indices` (default: all) one-hot encoded, `[b, classes]`, as
   * the book's targets for its softmax network (float32 unless `dtype` says).
   */
  oneHot(indices?: ArrayLike<number>, options: { dtype?: ImageDType } = {}): Tensor {
    return oneHot(this.labelTensor(indices), this.classNames.length, {
      dtype: options.dtype ?? this.dtype,
    });
  }

  /**
   * The images at `indices` (default: all) as bytes, `[b, rows, cols]`, in the
   * form the plots take: `imageGrid(data.uint8([0, 1, 2, 3, 4]))`.
   */
  uint8(indices?: ArrayLike<number>): Uint8Images {
    const rows = this.#indices(indices, "uint8");
    const size = this.rows * this.cols;
    let data: Uint8Array;
    if (rows === undefined) data = this.pixels;
    else {
      data = new Uint8Array(rows.length * size);
      for (let i = 0; i < rows.length; i++) {
        data.set(this.pixels.subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
      }
    }
    const shape = [data.length / size, this.rows, this.cols];
    return { shape, data, dataSync: () => data };
  }

  /**
   * One batch for {@linkcode batches}: the images at `indices` as `X`
   * (`[b, rows * cols]`, scaled to [0, 1]) and their labels as `y` (int32 `[b]`).
   */
  batch(indices: Int32Array): Batch {
    return { X: this.images(indices), y: this.labelTensor(indices), indices };
  }

  /**
   * Images `start` to `end` (exclusive) as a data set of their own, sharing
   * these bytes (no copy): `data.slice(0, 8000)` and `data.slice(8000)` split a
   * set for training and validation.
   */
  slice(start: number, end: number = this.count): MnistData {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.count) {
      throw new RangeError(
        `MnistData.slice: expected integers 0 <= start <= end <= ${this.count}, ` +
          `found start ${start} and end ${end}`,
      );
    }
    end = Math.max(start, end);
    const size = this.rows * this.cols;
    return new MnistData({
      pixels: this.pixels.subarray(start * size, end * size),
      labels: this.labels.subarray(start, end),
      rows: this.rows,
      cols: this.cols,
      classNames: this.classNames,
      dtype: this.dtype,
      files: this.files,
    });
  }

  /** Checks `indices` (each an integer in [0, count)); `undefined` stands for all. */
  #indices(indices: ArrayLike<number> | undefined, method: string): ArrayLike<number> | undefined {
    if (indices === undefined) return undefined;
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.count) {
        throw new RangeError(
          `MnistData.${method}: expected indices from 0 to ${this.count - 1}, found ${k} ` +
            `at position ${i}`,
        );
      }
    }
    return indices;
  }
}
