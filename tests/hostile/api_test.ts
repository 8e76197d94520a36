/**
 * Hostile API arguments and hostile saves: each bad argument is a TypeError,
 * RangeError, ShapeError or Deno error naming the function, the argument or
 * the file, and what was expected; a save that cannot be done leaves the
 * folder as it was (no temporary file, no half file).
 */

import {
  accuracy,
  arange,
  batches,
  checkFinite,
  confusionMatrix,
  DataFormatError,
  download,
  DownloadError,
  encodeSafetensors,
  linePlot,
  MnistData,
  NeuralNetwork,
  parseCsv,
  randn,
  readIdx,
  saveSafetensors,
  ShapeError,
  SoftmaxNetwork,
  standardize,
  tensor,
  writeFileAtomic,
  writeMetrics,
  zeros,
} from "../../mod.ts";
import type { Tensor } from "../../mod.ts";
import { type HostileCase, hostileTests } from "./helpers.ts";

const URL_ = "http://127.0.0.1:9/a.csv"; // never reached: the arguments fail first
const DATA = new MnistData({
  pixels: new Uint8Array(8),
  labels: new Int32Array([1, 2]),
  rows: 2,
  cols: 2,
});

const cases: HostileCase[] = [
  {
    name: "download with retries -1",
    run: (dir) => download(URL_, { cacheDir: dir, retries: -1 }),
    error: RangeError,
    names: ["download", "expected options.retries >= 0, found -1"],
  },
  {
    name: "download with a time-out of NaN",
    run: (dir) => download(URL_, { cacheDir: dir, dataDir: null, timeoutMs: NaN }),
    error: RangeError,
    names: ["download", "expected options.timeoutMs >= 0, found NaN"],
  },
  {
    name: "download with a file name that climbs out of the cache",
    run: (dir) => download(URL_, { cacheDir: dir, fileName: "../escape.csv" }),
    error: RangeError,
    names: ["download", "gives no usable file name", "options.fileName"],
  },
  {
    name: "download of a URL whose last part is an encoded ../",
    run: (dir) => download("http://127.0.0.1:9/x/..%2F..%2Fetc", { cacheDir: dir }),
    error: RangeError,
    names: ['download: "http://127.0.0.1:9/x/..%2F..%2Fetc"', "gives no usable file name"],
  },
  {
    name: "download of a javascript: URL",
    run: (dir) => download("javascript:alert(1)", { cacheDir: dir }),
    error: TypeError,
    names: ['download: "javascript:alert(1)" has the scheme "javascript:"', "expected http:"],
  },
  {
    name: "download with a malformed SHA-256",
    run: (dir) => download(URL_, { cacheDir: dir, sha256: "39b9" }),
    error: TypeError,
    names: ["download", 'expected sha256 to be 64 hex digits, found "39b9"'],
  },
  {
    name: "batches of size 0",
    run: () => [...batches(DATA, { batchSize: 0 })],
    error: RangeError,
    names: ["batches", "expected batchSize to be a positive integer, found 0"],
  },
  {
    name: "a quote as the CSV delimiter",
    run: () => parseCsv("1,2\n", { delimiter: '"' }),
    error: TypeError,
    names: ["parseCsv", "expected the delimiter to be one character other than a quote"],
  },
  {
    name: "standardize with ddof as large as the rows",
    run: () => standardize(tensor([[1], [2], [3]]), { ddof: 3 }),
    error: RangeError,
    names: ["standardize", "expected ddof to be an integer in [0, 2] for 3 rows, found 3"],
  },
  {
    name: "readIdx of bytes with a wrong magic number",
    run: () => readIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]), { magic: 0x803, source: "x.idx" }),
    error: DataFormatError,
    names: ["x.idx", "expected the IDX magic number 0x00000803"],
  },
  {
    name: "MnistData with pixels for another number of images",
    run: () =>
      new MnistData({ pixels: new Uint8Array(5), labels: new Int32Array([1]), rows: 2, cols: 2 }),
    error: ShapeError,
    names: ["MnistData", "expected 1 × 2 × 2 = 4 pixels for 1 labels, found 5"],
  },
  {
    name: "accuracy of predictions and labels of different sizes",
    run: () => accuracy(tensor([1, 0]), tensor([1])),
    error: ShapeError,
    names: ["accuracy", "2 predictions [2] for 1 labels [1]"],
  },
  {
    name: "a confusion matrix with a class out of range",
    run: () => confusionMatrix([0, 12], [0, 1], 10),
    error: RangeError,
    names: ["confusionMatrix", "sample 1 has label 1 and prediction 12, expected classes 0 to 9"],
  },
  {
    name: "take with a fractional index",
    run: () => arange(4).take([0, 1.5]),
    error: TypeError,
    names: ["take", "expected integer indices, found 1.5 at position 1"],
  },
  {
    name: "take with an index past int32 (an Int32Array would wrap 2^32 to row 0)",
    run: () => arange(4).take([2 ** 32]),
    error: RangeError,
    names: ["take: index 4294967296 is out of range for axis 0 of size 4", "expected -4 to 3"],
  },
  {
    name: "NaN in the inputs, caught at the door of training",
    run: () => checkFinite(tensor([[0.1, 0.2], [0.3, Infinity]]), "my.csv", ["x1", "x2"]),
    error: DataFormatError,
    names: [
      "my.csv",
      'expected finite numbers to train on, found Infinity in row 2, column 2 ("x2")',
    ],
  },
  {
    name: "saving a state dict with something other than a tensor",
    run: (dir) => saveSafetensors({ w: [1, 2] as unknown as Tensor }, `${dir}/out/model.json`),
    error: TypeError,
    names: ["encodeSafetensors", 'expected a Tensor for "w", found object'],
  },
  {
    name: "a tensor named __metadata__",
    run: () => encodeSafetensors({ __metadata__: tensor([1]) }),
    error: TypeError,
    names: ["encodeSafetensors", '"__metadata__" is reserved'],
  },
  {
    name: "metadata that is not text",
    run: (dir) =>
      saveSafetensors({ w: tensor([1]) }, `${dir}/out/model.json`, {
        metadata: { epochs: 5 as unknown as string },
      }),
    error: TypeError,
    names: ["encodeSafetensors", 'metadata "epochs" must be a string, found number'],
  },
  {
    name: "an atomic write into a folder that is not there",
    run: (dir) => writeFileAtomic(`${dir}/missing/model.json`, "{}"),
    error: Deno.errors.NotFound,
    names: ["cannot write $DIR/missing/model.json", "No such file or directory"],
  },
  {
    name: "an atomic write to a path that ends in a slash",
    run: (dir) => writeFileAtomic(`${dir}/out/`, "{}"),
    error: TypeError,
    names: ["writeFileAtomic", 'expected a file name at the end of "$DIR/out/"'],
  },
  {
    name: "an atomic write over a folder",
    run: (dir) => writeMetrics(`${dir}/out`, { loss: [1], accuracy: 1, epochs: 1, seconds: 1 }),
    error: Error,
    names: ["cannot replace $DIR/out", "directory"],
  },
  {
    name: "a plot saved over a folder",
    run: (dir) => linePlot({ y: [1, 2, 3] }).save(`${dir}/out`),
    error: Error,
    names: ["$DIR/out", "directory"],
  },
  {
    name: "NeuralNetwork.train on labels with a row too few",
    run: () =>
      new NeuralNetwork(2, 3, 1).train(tensor([[0, 1], [1, 0], [1, 1]]), tensor([[1], [0]]), {
        epochs: 1,
        lr: 0.1,
        onEpoch: () => {},
      }),
    error: ShapeError,
    names: ["NeuralNetwork.loss", "expected labels y of shape [3, 1]", "found [2, 1]"],
  },
  {
    name: "SoftmaxNetwork.calculateLoss on one-hot rows of the wrong width",
    run: () => {
      const net = new SoftmaxNetwork(2, 3, 4);
      return net.calculateLoss(tensor([[0, 1, 0]]), net.forward(tensor([[0.5, 0.5]])));
    },
    error: ShapeError,
    names: ["SoftmaxNetwork.loss", "expected one-hot labels y of shape [1, 4]", "found [1, 3]"],
  },
  {
    name: "zeros of 2^53 elements",
    run: () => zeros([2 ** 26, 2 ** 27]),
    error: RangeError,
    names: ["zeros: cannot allocate", "2^53 float32 elements (36.0 PB)"],
  },
  {
    name: "randn of 2^40 float64 elements (past the machine's memory)",
    run: () => randn([2 ** 20, 2 ** 20], { dtype: "float64" }),
    error: RangeError,
    names: ["randn: cannot allocate", "2^40 float64 elements (8.8 TB)"],
  },
  {
    name: "a tensor from arrays nested 100,000 deep",
    run: () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      return tensor(deep as number[]);
    },
    error: RangeError,
    names: ["tensor", "expected nested arrays at most 64 deep"],
  },
  {
    name: "download into a cache folder that is a file",
    files: { cache: "not a folder" },
    run: (dir) => download(URL_, { cacheDir: `${dir}/cache/sub` }),
    error: DownloadError,
    names: [
      "options.cacheDir",
      'expected a folder for downloaded files, found a file at "$DIR/cache"',
    ],
  },
];

hostileTests("api", cases);

Deno.test("hostile api: values int32 cannot hold are a RangeError naming the index; fractions truncate", () => {
  for (
    const [values, bad, at] of [[[1, 2 ** 31], 2 ** 31, 1], [[1e20], 1e20, 0], [
      [0, 0, NaN],
      NaN,
      2,
    ]] as const
  ) {
    try {
      tensor([...values], { dtype: "int32" });
      throw new Error(`${values} was accepted`);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (!e.message.endsWith(`found ${bad} at index ${at}`)) throw e;
    }
  }
  const ints = tensor([-0.5, 1.7, -2147483648.9, 2147483647.5], { dtype: "int32" }).toArray();
  if (JSON.stringify(ints) !== "[0,1,-2147483648,2147483647]") throw new Error(`${ints}`);
  // Softmax along an empty axis is as empty as its input, as PyTorch's.
  if (tensor([[], []]).softmax(1).shape.join() !== "2,0") throw new Error("softmax of [2, 0]");
});
