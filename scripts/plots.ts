/**
 * The plot gallery: writes one SVG of every kind of plot to `docs/plots/`, from
 * the book's own data (the microchip tests of `ex2data2.txt`, the MNIST test
 * digits), read from `$NN_DATA_DIR` (default `../shared/data`).
 *
 *     deno run --allow-read --allow-env=NN_DATA_DIR --allow-write=docs/plots scripts/plots.ts
 *
 * The models here are deliberately small and written out in the script (a
 * logistic regression on polynomial features, a nearest-centroid digit
 * classifier): the gallery shows the plots, not the networks of later chapters.
 *
 * @module
 */

import {
  activationChart,
  decisionBoundary,
  heatmap,
  imageGrid,
  linePlot,
  scatter,
} from "../lib/plot/mod.ts";

const dataDir = Deno.env.get("NN_DATA_DIR") ?? "../shared/data";
const outDir = "docs/plots";

// ── The microchip data: x1, x2, accepted (no header) ─────────────────────────
const rows = (await Deno.readTextFile(`${dataDir}/ex2data2.txt`)).trim().split("\n")
  .map((line) => line.split(",").map(Number));
const X = rows.map(([x1, x2]) => [x1, x2]);
const y = rows.map((r) => r[2]);
const chip = {
  classNames: ["Not accepted", "Accepted"],
  xLabel: "Microchip Test 1",
  yLabel: "Microchip Test 2",
};

/** All monomials x1^i · x2^j with i + j ≤ 6 (28 features), as in the classic exercise. */
function features(x1: number, x2: number): number[] {
  const out: number[] = [];
  for (let d = 0; d <= 6; d++) for (let j = 0; j <= d; j++) out.push(x1 ** (d - j) * x2 ** j);
  return out;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Logistic regression by full-batch gradient descent; returns the weights and the loss per epoch. */
function fitLogistic(lr: number, epochs: number): { w: number[]; losses: number[] } {
  const F = X.map(([a, b]) => features(a, b));
  const w = new Array(F[0].length).fill(0);
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = new Array(w.length).fill(0);
    let loss = 0;
    F.forEach((f, i) => {
      const p = sigmoid(f.reduce((s, v, k) => s + v * w[k], 0));
      loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
      f.forEach((v, k) => (grad[k] += (p - y[i]) * v));
    });
    losses.push(loss / F.length);
    w.forEach((_, k) => (w[k] -= lr * grad[k] / F.length));
  }
  return { w, losses };
}

const fast = fitLogistic(5, 5000);
const slow = fitLogistic(0.5, 5000);

await linePlot([
  { y: fast.losses, label: "learning rate 5" },
  { y: slow.losses, label: "learning rate 0.5" },
], {
  title: "Training loss: logistic regression on the microchip data",
  xLabel: "Epoch",
  yLabel: "Binary cross-entropy",
}).save(`${outDir}/loss_curve.svg`);

// 100,000 noisy mini-batch losses on a log axis: written in a few thousand
// points, well under 200 KB, and drawn the same.
let seed = 1;
const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
const steps = Array.from({ length: 100_000 }, (_, i) => {
  const mean = 0.05 + 2.25 * Math.exp(-i / 9000);
  return mean * (1 + 0.6 * noise());
});
await linePlot({ y: steps, label: "mini-batch loss" }, {
  title: "100,000 training steps (log scale)",
  xLabel: "Step",
  yLabel: "Cross-entropy",
  yScale: "log",
}).save(`${outDir}/loss_100k.svg`);

await scatter(X, y, { ...chip, title: "Microchip test results" }).save(`${outDir}/scatter.svg`);

// The model sees the whole grid at once: one [40000, 2] tensor in, [40000, 1] out.
const boundary = await decisionBoundary(
  (grid) => {
    const xy = grid.dataSync();
    const p = new Float64Array(xy.length / 2).map((_, i) =>
      sigmoid(features(xy[2 * i], xy[2 * i + 1]).reduce((s, v, k) => s + v * fast.w[k], 0))
    );
    return { shape: [p.length, 1], dataSync: () => p };
  },
  X,
  y,
  { ...chip, title: "Decision boundary (polynomial logistic regression)" },
);
await boundary.save(`${outDir}/decision_boundary.svg`);

// ── MNIST test digits, read straight from the IDX files ─────────────────────
/** The payload of a gzipped IDX file after its header (`dims` sizes, big-endian). */
async function readIdx(name: string, magic: number): Promise<Uint8Array> {
  const file = await Deno.open(`${dataDir}/mnist/${name}`);
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const view = new DataView(bytes.buffer);
  if (view.getUint32(0) !== magic) {
    throw new Error(
      `${name}: expected magic ${magic.toString(16)}, found ${view.getUint32(0).toString(16)}`,
    );
  }
  return bytes.subarray(4 + 4 * (magic & 0xff));
}

const images = await readIdx("t10k-images-idx3-ubyte.gz", 0x803);
const labels = await readIdx("t10k-labels-idx1-ubyte.gz", 0x801);

await (await imageGrid(images.subarray(0, 100 * 784), {
  labels: labels.subarray(0, 100),
  title: "The first 100 MNIST test digits",
})).save(`${outDir}/mnist_grid.svg`);

// A nearest-centroid classifier: the mean image of each digit over the first
// 5,000 test images, tried on the other 5,000.
const centroids = Array.from({ length: 10 }, () => new Float64Array(784));
const counts = new Array(10).fill(0);
for (let i = 0; i < 5000; i++) {
  counts[labels[i]]++;
  for (let p = 0; p < 784; p++) centroids[labels[i]][p] += images[i * 784 + p];
}
centroids.forEach((c, d) => c.forEach((_, p) => (c[p] /= counts[d])));
const classify = (i: number) => {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((c, d) => {
    let distance = 0;
    for (let p = 0; p < 784; p++) distance += (images[i * 784 + p] - c[p]) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [d, distance];
  });
  return best;
};
const confusion = Array.from({ length: 10 }, () => new Array(10).fill(0));
const predicted: number[] = [];
for (let i = 5000; i < 10000; i++) {
  predicted.push(classify(i));
  confusion[labels[i]][predicted.at(-1)!]++;
}
const accuracy = confusion.reduce((s, row, d) => s + row[d], 0) / 5000;

await heatmap(confusion, {
  title: `Nearest-centroid digits: ${(accuracy * 100).toFixed(1)} % correct`,
  xLabel: "Predicted",
  yLabel: "True",
}).save(`${outDir}/confusion_matrix.svg`);

await (await imageGrid(images.subarray(5000 * 784, 5020 * 784), {
  labels: labels.subarray(5000, 5020),
  predictions: predicted.slice(0, 20),
  title: "Predictions (wrong ones in red)",
})).save(`${outDir}/mnist_predictions.svg`);

await activationChart().save(`${outDir}/activations.svg`);
await activationChart({ derivatives: true }).save(`${outDir}/activation_derivatives.svg`);

console.log(
  `wrote the gallery to ${outDir}/ (digit classifier accuracy ${(accuracy * 100).toFixed(1)} %)`,
);
