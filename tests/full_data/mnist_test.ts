/**
 * MNIST and Fashion-MNIST in full (`deno task test:data`): the real files from
 * the mirror folder (through NN_DATA_DIR and the dataDir option), a file URL and a local HTTP server,
 * checked against values NumPy read from the same files
 * (tests/fixtures/data/make_mnist.py); the manifest's checksums; broken
 * mirror copies and mismatched files; and MnistData's transforms.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  batches,
  DataFormatError,
  datasetManifest,
  datasets,
  DownloadError,
  MnistData,
  readIdx,
  readMnist,
  ShapeError,
} from "../../mod.ts";
import { md5Hex } from "../../lib/data/checksum.ts";
import { assert, assertClose, assertEquals, assertThrows } from "../assert.ts";
import { assertRejects, listDir, withEnv, withServer, withTempDir } from "../data/helpers.ts";
import { fullDataDir } from "../datasets.ts";

const DATA = fullDataDir();

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/data/mnist.json", import.meta.url)),
);

/** Fashion-MNIST's 60,000 training images, read once for every test here. */
const started = performance.now();
const fashionTrain = await datasets.fashionMnist({ dataDir: DATA });
const fashionSeconds = (performance.now() - started) / 1000;

/** The sum of `bytes` (a plain loop: `reduce` on 47 MB takes a while). */
function sum(bytes: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < bytes.length; i++) total += bytes[i];
  return total;
}

/** Checks `data` against a split's NumPy values in the fixture. */
function checkAgainstNumPy(data: MnistData, expected: typeof fixture.mnistTest): void {
  assertEquals([data.count, data.rows, data.cols], expected.dims);
  assertEquals([...data.labels.subarray(0, 10)], expected.firstLabels);
  const counts = new Array(10).fill(0);
  for (const label of data.labels) counts[label]++;
  assertEquals(counts, expected.labelCounts);
  const size = data.rows * data.cols;
  const sums = expected.picks.map((i: number) =>
    sum(data.pixels.subarray(i * size, (i + 1) * size))
  );
  assertEquals(sums, expected.pixelSums);
  assertEquals(data.labelTensor(expected.picks).toArray(), expected.pickLabels);
  assertEquals([...data.pixels.subarray(14 * 28, 15 * 28)], expected.row14OfFirst);
  // The book's images / 255.0, in float64, row by row.
  const scaled = data.images(expected.picks, { dtype: "float64" }).sum(1).toArray() as number[];
  assertClose(scaled, expected.scaledSums, 1e-12, 0, "scaled sums");
}

Deno.test("manifest: torchvision's .gz MD5s match NN_DATA_DIR's MNIST files; inflated MD5s match all", async () => {
  // yann.lecun.com answers 403 now; these are the mirrors torchvision uses.
  assertEquals(datasetManifest.mnist.mirrors, [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
  ]);
  assertEquals(
    datasetManifest.fashionMnist.mirrors[0],
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  );
  for (const split of ["train", "test"] as const) {
    for (const kind of ["images", "labels"] as const) {
      for (
        const [name, folder] of [["mnist", "mnist"], ["fashionMnist", "fashion-mnist"]] as const
      ) {
        const entry = datasetManifest[name][split][kind];
        const path = join(DATA, folder, entry.file);
        let bytes: Uint8Array;
        try {
          bytes = await Deno.readFile(path);
        } catch {
          assertEquals(`${name} ${entry.file}`, "mnist train-images-idx3-ubyte.gz"); // the one our data folder lacks
          continue;
        }
        // Debian's Fashion-MNIST files are compressed again: other .gz bytes, the same data.
        if (name === "mnist") assertEquals(await md5Hex(bytes), entry.md5, entry.file);
        assertEquals((await readIdx(bytes, { md5: true })).md5, entry.idxMd5, entry.file);
      }
    }
  }
});

Deno.test("fashionMnist: the 60,000 training images from the mirror folder match NumPy", () => {
  checkAgainstNumPy(fashionTrain, fixture.fashionTrain);
  assertEquals(fashionTrain.labels[0], 9, "the first training label of Fashion-MNIST is 9");
  assertEquals(fashionTrain.classNames[9], "Ankle boot");
  assertEquals(fashionTrain.dtype, "float32");
  assertEquals(fashionTrain.files, {
    images: join(DATA, "fashion-mnist", "train-images-idx3-ubyte.gz"),
    labels: join(DATA, "fashion-mnist", "train-labels-idx1-ubyte.gz"),
  });
  assertEquals(sum(fashionTrain.pixels), fixture.fashionTrain.totalPixelSum);
  console.log(`read Fashion-MNIST's 60,000 training images in ${fashionSeconds.toFixed(2)} s`);
});

Deno.test("mnist: the test split through NN_DATA_DIR, the first label 7", async () => {
  await withTempDir((cache) =>
    withEnv("NN_DATA_DIR", DATA, async () => {
      const data = await datasets.mnist({ split: "test", cacheDir: cache, dtype: "float64" });
      assertEquals(data.labels[0], 7);
      checkAgainstNumPy(data, fixture.mnistTest);
      assertEquals(data.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      // The whole set at once, as the book's X_test = images.reshape(-1, 784) / 255.0.
      const X = data.images();
      assertEquals([X.shape, X.dtype], [[10000, 784], "float64"]);
      assertClose([X.sum().item()], [fixture.mnistTest.totalPixelSum / 255], 1e-12);
      assertEquals(await listDir(cache), [], "a mirror copy is not copied into the cache");
    })
  );
});

Deno.test("fashionMnist: the test split from a local HTTP server, then from the cache", async () => {
  const folder = join(DATA, "fashion-mnist");
  const routes = Object.fromEntries(
    ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"].map((name) => [
      `/fm/${name}`,
      async () => new Response(await Deno.readFile(join(folder, name))),
    ]),
  );
  await withTempDir((cache) =>
    withEnv(
      "NN_DATA_DIR",
      undefined,
      () =>
        withEnv("NN_CACHE_DIR", cache, () =>
          withServer(routes, async (server) => {
            const url = `${server.base}/fm/`;
            const data = await datasets.fashionMnist({ split: "test", url });
            checkAgainstNumPy(data, fixture.fashionTest);
            // Without a checksum the cache keys each file by its URL (by-url/HASH/NAME).
            const byUrl = join(cache, "fashion-mnist", "by-url");
            assert(data.files!.images.startsWith(byUrl), data.files!.images);
            assert(data.files!.images.endsWith("/t10k-images-idx3-ubyte.gz"), data.files!.images);
            assertEquals((await listDir(byUrl)).length, 2);
            await datasets.fashionMnist({ split: "test", url: url.slice(0, -1) });
            assertEquals([...server.hits.values()], [1, 1], "the second load came from the cache");
          })),
    )
  );
});

Deno.test("mnist: from a folder or file URL of the user's, any count, the image size checked", async () => {
  const data = await datasets.mnist({ split: "test", url: pathToFileURL(join(DATA, "mnist")) });
  assertEquals([data.count, data.labels[0]], [10000, 7]);
  await withTempDir(async (dir) => {
    await Deno.writeFile(
      join(dir, "t10k-images-idx3-ubyte.gz"),
      idx([2, 28, 28], new Uint8Array(1568)),
    );
    await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte.gz"), idx([2], [1, 2]));
    const two = await datasets.mnist({ split: "test", url: dir });
    assertEquals([two.count, [...two.labels]], [2, [1, 2]]);
    await Deno.writeFile(
      join(dir, "t10k-images-idx3-ubyte.gz"),
      idx([2, 27, 28], new Uint8Array(1512)),
    );
    await assertRejects(
      datasets.mnist({ split: "test", url: dir }),
      DataFormatError,
      `${join(dir, "t10k-images-idx3-ubyte.gz")}: expected n × 28 × 28 values as mnist's ` +
        "test split, found 2 × 27 × 28",
    );
  });
});

Deno.test("mnist: a wrong copy in the mirror folder is an error naming it", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "mnist"));
    await Deno.copyFile(
      join(DATA, "mnist/t10k-images-idx3-ubyte.gz"),
      join(dir, "mnist/t10k-images-idx3-ubyte.gz"),
    );
    // Labels of the right shape but the wrong values; at the folder's top, where it is found too.
    const labels = join(dir, "t10k-labels-idx1-ubyte.gz");
    await Deno.writeFile(labels, idx([10000], new Uint8Array(10000)));
    await assertRejects(
      datasets.mnist({ split: "test", dataDir: dir, cacheDir: dir }),
      DownloadError,
      `${labels} (in the mirror folder NN_DATA_DIR): expected mnist's test labels (inflated MD5 ` +
        `27ae3e4e09519cfbb04c329615203637), found a file whose inflated MD5 is ` +
        await md5Hex(idx([10000], new Uint8Array(10000))),
    );
    // The real labels, at the top of the folder, are accepted.
    await Deno.copyFile(join(DATA, "mnist/t10k-labels-idx1-ubyte.gz"), labels);
    const data = await datasets.mnist({ split: "test", dataDir: dir, cacheDir: dir });
    assertEquals(data.files?.labels, labels);
    await assertRejects(datasets.mnist({ split: "val" as "test" }), RangeError, 'found "val"');
  });
});

/** An IDX file of unsigned bytes: magic 0x000008NN, the sizes big-endian, then `values`. */
function idx(dims: number[], values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

Deno.test("readMnist: images and labels that do not belong together", async () => {
  await withTempDir(async (dir) => {
    const images = join(dir, "images.idx"), labels = join(dir, "labels.idx");
    await Deno.writeFile(images, idx([3, 2, 2], new Uint8Array(12)));
    await Deno.writeFile(labels, idx([2], [0, 1]));
    await assertRejects(
      readMnist(images, labels),
      DataFormatError,
      `${labels}: expected 3 labels, one per image in ${images}, found 2`,
    );
    await Deno.writeFile(labels, idx([3], [0, 1, 10]));
    await assertRejects(
      readMnist(images, labels),
      DataFormatError,
      `${labels}: expected labels from 0 to 9, found 10 at index 2`,
    );
    const named = await readMnist(images, labels, { classNames: "abcdefghijk".split("") });
    assertEquals([named.count, named.classNames[10], named.files?.images], [3, "k", images]);
    await assertRejects(
      readMnist(labels, images),
      DataFormatError,
      "expected the IDX magic number",
    );
  });
});

Deno.test("MnistData: float32 and float64 pixels, flat or square, labels, one-hot, bytes", () => {
  const picks = [59999, 0, 12345];
  const X = fashionTrain.images(picks);
  assertEquals([X.shape, X.dtype], [[3, 784], "float32"]);
  const x = X.dataSync();
  const size = 784;
  for (let i = 0; i < picks.length; i++) {
    for (const p of [0, 200, 400, 783]) {
      const byte = fashionTrain.pixels[picks[i] * size + p];
      assertEquals(x[i * size + p], Math.fround(byte / 255), `image ${picks[i]} pixel ${p}`);
    }
  }
  const square = fashionTrain.images([0], { flatten: false, dtype: "float64" });
  assertEquals(square.shape, [1, 28, 28]);
  assertEquals(square.toArray(), [
    Array.from(
      { length: 28 },
      (_, r) => Array.from(fashionTrain.pixels.subarray(r * 28, r * 28 + 28), (b) => b / 255),
    ),
  ]);
  const oneHot = fashionTrain.oneHot([0, 1]);
  assertEquals([oneHot.shape, oneHot.dtype], [[2, 10], "float32"]);
  assertEquals(oneHot.toArray(), [[0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
  const bytes = fashionTrain.uint8([1, 0]);
  assertEquals(bytes.shape, [2, 28, 28]);
  assertEquals([...bytes.dataSync().subarray(784, 1568)], [
    ...fashionTrain.pixels.subarray(0, 784),
  ]);
  assert(fashionTrain.uint8().data === fashionTrain.pixels, "all images: the bytes themselves");
  assertThrows(
    () => fashionTrain.images([60000]),
    RangeError,
    "expected indices from 0 to 59999, found 60000 at position 0",
  );
  assertThrows(() => fashionTrain.labelTensor([1.5]), RangeError, "found 1.5");
});

Deno.test("MnistData: slice shares the bytes; the constructor checks what it is given", () => {
  const validation = fashionTrain.slice(50000);
  assertEquals([validation.count, validation.labels[0]], [10000, fashionTrain.labels[50000]]);
  assert(validation.pixels.buffer === fashionTrain.pixels.buffer, "no copy");
  assertEquals(validation.images([0]).toArray(), fashionTrain.images([50000]).toArray());
  assertEquals(fashionTrain.slice(10, 10).count, 0);
  assertThrows(() => fashionTrain.slice(-1), RangeError, "found start -1 and end 60000");
  const init = { pixels: new Uint8Array(8), labels: new Int32Array([1, 2]), rows: 2, cols: 2 };
  assertEquals(new MnistData(init).count, 2);
  assertThrows(
    () => new MnistData({ ...init, pixels: new Uint8Array(7) }),
    ShapeError,
    "expected 2 × 2 × 2 = 8 pixels for 2 labels, found 7",
  );
  assertThrows(
    () => new MnistData({ ...init, labels: new Int32Array([1, 10]) }),
    RangeError,
    "expected labels from 0 to 9, found 10 at index 1",
  );
  assertThrows(() => new MnistData({ ...init, rows: 0 }), RangeError, "rows");
});

Deno.test("batches over Fashion-MNIST: NumPy's order for a seed, every image once, uint8 until gathered", () => {
  const epoch = [...batches(fashionTrain, { batchSize: 128, shuffle: true, seed: 7 })];
  assertEquals(epoch.length, 469);
  assertEquals(epoch[468].indices.length, 60000 - 468 * 128);
  assertEquals([...epoch[0].indices.subarray(0, 20)], fixture.permutations.seed7n60000first20);
  const first = epoch[0];
  assertEquals([first.X.shape, first.X.dtype, first.y.shape, first.y.dtype], [
    [128, 784],
    "float32",
    [128],
    "int32",
  ]);
  assertEquals(first.X.slice(0, 1).toArray(), fashionTrain.images([first.indices[0]]).toArray());
  assertEquals(first.y.toArray(), [...first.indices].map((i) => fashionTrain.labels[i]));
  const seen = new Uint8Array(60000);
  const counts = new Array(10).fill(0);
  for (const batch of epoch) {
    for (const i of batch.indices) seen[i]++;
    for (const label of batch.y.dataSync()) counts[label]++;
  }
  assert(seen.every((n) => n === 1), "every image exactly once");
  assertEquals(counts, fixture.fashionTrain.labelCounts);
  const dropped = [...batches(fashionTrain, { batchSize: 128, dropLast: true })];
  assertEquals([dropped.length, dropped[467].indices[127]], [468, 59903]);
});
