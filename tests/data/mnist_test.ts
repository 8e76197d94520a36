/**
 * MNIST and Fashion-MNIST on the slices the repository ships (the first 2,000
 * images of each split, tests/fixtures/datasets/), checked against what NumPy
 * read from the same files (tests/fixtures/datasets/make_datasets.py →
 * slices.json): the IDX reader, the mirror folder's checksum (a slice is not
 * the official file), MnistData's transforms and batches. The full files are
 * tested in tests/full_data/mnist_test.ts (`deno task test:data`).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  batches,
  datasetManifest,
  datasets,
  DownloadError,
  MnistData,
  readIdxHeader,
  readMnist,
  ShapeError,
} from "../../mod.ts";
import { assertClose } from "../assert.ts";
import { FIXTURES, withTempDir } from "./helpers.ts";

const reference = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/datasets/slices.json", import.meta.url)),
);
type Split = typeof reference.mnistTest;

const file = (folder: string, name: string) => join(FIXTURES, folder, name);
const fashionTrain = await readMnist(
  file("fashion-mnist", "train-images-idx3-ubyte.gz"),
  file("fashion-mnist", "train-labels-idx1-ubyte.gz"),
  { classNames: datasetManifest.fashionMnist.classNames },
);

/** The sum of `bytes`. */
function sum(bytes: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < bytes.length; i++) total += bytes[i];
  return total;
}

/** Checks `data` against NumPy's view of the same slice. */
function checkAgainstNumPy(data: MnistData, expected: Split): void {
  assert.deepEqual([data.count, data.rows, data.cols], expected.dims);
  assert.deepEqual([...data.labels.subarray(0, 10)], expected.firstLabels);
  const counts = new Array(10).fill(0);
  for (const label of data.labels) counts[label]++;
  assert.deepEqual(counts, expected.labelCounts);
  const size = data.rows * data.cols;
  const sums = expected.picks.map((i: number) =>
    sum(data.pixels.subarray(i * size, (i + 1) * size))
  );
  assert.deepEqual(sums, expected.pixelSums);
  assert.deepEqual(data.labelTensor(expected.picks).toArray(), expected.pickLabels);
  assert.equal(sum(data.pixels), expected.totalPixelSum);
  // The book's images / 255.0, in float64, row by row.
  const scaled = data.images(expected.picks, { dtype: "float64" }).sum(1).toArray() as number[];
  assertClose(scaled, expected.scaledSums, 1e-12, 0, "scaled sums");
}

Deno.test("readIdxHeader: the book's struct.unpack('>IIII') of a slice", async () => {
  const header = await readIdxHeader(file("mnist", "t10k-images-idx3-ubyte.gz"));
  assert.equal(header.magic, reference.mnistTest.magic);
  assert.deepEqual(header.dims, reference.mnistTest.dims);
});

Deno.test("readMnist: the slices of MNIST and Fashion-MNIST match NumPy", async () => {
  const mnist = await readMnist(
    file("mnist", "t10k-images-idx3-ubyte.gz"),
    file("mnist", "t10k-labels-idx1-ubyte.gz"),
  );
  checkAgainstNumPy(mnist, reference.mnistTest);
  assert.equal(mnist.labels[0], 7, "the first MNIST test digit is a 7");
  checkAgainstNumPy(fashionTrain, reference.fashionTrain);
  assert.equal(fashionTrain.classNames[fashionTrain.labels[0]], "Ankle boot");
  const fashionTest = await readMnist(
    file("fashion-mnist", "t10k-images-idx3-ubyte.gz"),
    file("fashion-mnist", "t10k-labels-idx1-ubyte.gz"),
  );
  checkAgainstNumPy(fashionTest, reference.fashionTest);
});

Deno.test("mnist: a slice in the mirror folder is not the official file, and says so", async () => {
  await withTempDir(async (cache) => {
    // Images and labels are read at once; whichever is checked first is named.
    await assert.rejects(datasets.mnist({ split: "test", dataDir: FIXTURES, cacheDir: cache }), {
      name: DownloadError.name,
      message: new RegExp(
        `^${join(FIXTURES, "mnist")}/t10k-(images|labels)-idx[13]-ubyte\\.gz \\(in the mirror ` +
          "folder NN_DATA_DIR\\): expected mnist's test (images|labels) \\(inflated MD5 [0-9a-f]{32}\\), " +
          "found a file whose inflated MD5 is [0-9a-f]{32}$",
      ),
    });
  });
});

Deno.test("MnistData: float32 and float64 pixels, flat or square, labels, one-hot, bytes", () => {
  const last = fashionTrain.count - 1;
  const picks = [last, 0, 1234];
  const X = fashionTrain.images(picks);
  assert.deepEqual([X.shape, X.dtype], [[3, 784], "float32"]);
  const x = X.dataSync();
  for (let i = 0; i < picks.length; i++) {
    for (const p of [0, 200, 400, 783]) {
      const byte = fashionTrain.pixels[picks[i] * 784 + p];
      assert.equal(x[i * 784 + p], Math.fround(byte / 255), `image ${picks[i]} pixel ${p}`);
    }
  }
  const square = fashionTrain.images([0], { flatten: false, dtype: "float64" });
  assert.deepEqual(square.shape, [1, 28, 28]);
  assert.deepEqual(square.toArray(), [
    Array.from(
      { length: 28 },
      (_, r) => Array.from(fashionTrain.pixels.subarray(r * 28, r * 28 + 28), (b) => b / 255),
    ),
  ]);
  const oneHot = fashionTrain.oneHot([0, 1]);
  assert.deepEqual([oneHot.shape, oneHot.dtype], [[2, 10], "float32"]);
  assert.deepEqual(oneHot.toArray(), [
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  ]);
  const bytes = fashionTrain.uint8([1, 0]);
  assert.deepEqual(bytes.shape, [2, 28, 28]);
  assert.deepEqual([...bytes.dataSync().subarray(784, 1568)], [
    ...fashionTrain.pixels.subarray(0, 784),
  ]);
  assert.ok(fashionTrain.uint8().data === fashionTrain.pixels, "all images: the bytes themselves");
  assert.throws(() => fashionTrain.images([2000]), {
    name: "RangeError",
    message: /expected indices from 0 to 1999, found 2000 at position 0/,
  });
  assert.throws(() => fashionTrain.labelTensor([1.5]), { name: "RangeError", message: /1\.5/ });
});

Deno.test("MnistData: slice shares the bytes; the constructor checks what it is given", () => {
  const validation = fashionTrain.slice(1500);
  assert.deepEqual([validation.count, validation.labels[0]], [500, fashionTrain.labels[1500]]);
  assert.ok(validation.pixels.buffer === fashionTrain.pixels.buffer, "no copy");
  assert.deepEqual(validation.images([0]).toArray(), fashionTrain.images([1500]).toArray());
  assert.equal(fashionTrain.slice(10, 10).count, 0);
  assert.throws(() => fashionTrain.slice(-1), /found start -1 and end 2000/);
  const init = { pixels: new Uint8Array(8), labels: new Int32Array([1, 2]), rows: 2, cols: 2 };
  assert.equal(new MnistData(init).count, 2);
  assert.throws(() => new MnistData({ ...init, pixels: new Uint8Array(7) }), {
    name: ShapeError.name,
    message: /expected 2 × 2 × 2 = 8 pixels for 2 labels, found 7/,
  });
  assert.throws(() => new MnistData({ ...init, labels: new Int32Array([1, 10]) }), {
    name: "RangeError",
    message: /expected labels from 0 to 9, found 10 at index 1/,
  });
  assert.throws(() => new MnistData({ ...init, rows: 0 }), /rows/);
});

Deno.test("batches over a Fashion-MNIST slice: NumPy's order for a seed, every image once", () => {
  const epoch = [...batches(fashionTrain, { batchSize: 128, shuffle: true, seed: 7 })];
  assert.equal(epoch.length, Math.ceil(2000 / 128));
  assert.equal(epoch.at(-1)!.indices.length, 2000 - 15 * 128);
  assert.deepEqual([...epoch[0].indices.subarray(0, 20)], reference.seed7first20);
  const first = epoch[0];
  assert.deepEqual([first.X.shape, first.X.dtype, first.y.shape, first.y.dtype], [
    [128, 784],
    "float32",
    [128],
    "int32",
  ]);
  assert.deepEqual(
    first.X.slice(0, 1).toArray(),
    fashionTrain.images([first.indices[0]]).toArray(),
  );
  assert.deepEqual(first.y.toArray(), [...first.indices].map((i) => fashionTrain.labels[i]));
  const seen = new Uint8Array(2000);
  const counts = new Array(10).fill(0);
  for (const batch of epoch) {
    for (const i of batch.indices) seen[i]++;
    for (const label of batch.y.dataSync()) counts[label]++;
  }
  assert.ok(seen.every((n) => n === 1), "every image exactly once");
  assert.deepEqual(counts, reference.fashionTrain.labelCounts);
  const dropped = [...batches(fashionTrain, { batchSize: 128, dropLast: true })];
  assert.deepEqual([dropped.length, dropped[14].indices[127]], [15, 15 * 128 - 1]);
});
