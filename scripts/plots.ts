/**
 * The plot gallery: writes one SVG of every kind of plot to `docs/plots/`, from
 * the book's own data and the module's own models:
 *
 * - the microchip tests of `ex2data2.txt` (`datasets.ex2data2()`: `NN_DATA_DIR`,
 *   the cache or its URL), z-scored as the book does, and the book's 2-10-1
 *   `NeuralNetwork` trained by its hand-written backpropagation (lr 0.5 and 2,
 *   5000 epochs) for the loss curves and the decision boundary;
 * - the MNIST test digits (`datasets.mnist({ split: "test" })`) and a
 *   `SoftmaxNetwork` trained by the fast recipe of Part4-3 (He init, Adam,
 *   batches of 128) on the first 8,000, judged on the other 2,000, for the
 *   confusion matrix and the predictions grid.
 *
 *     deno task plots
 *
 * @module
 */

import { datasets } from "../lib/data/datasets.ts";
import { batches } from "../lib/data/batches.ts";
import { NeuralNetwork } from "../lib/models/neural_network.ts";
import { SoftmaxNetwork } from "../lib/models/softmax_network.ts";
import { Adam } from "../lib/optim/adam.ts";
import { manualSeed } from "../lib/tensor/random.ts";
import { loadMicrochips } from "../lib/train/microchips.ts";
import { accuracy, confusionMatrix } from "../lib/train/metrics.ts";
import {
  activationChart,
  decisionBoundary,
  heatmap,
  imageGrid,
  linePlot,
  scatter,
} from "../lib/plot/mod.ts";

const outDir = "docs/plots";
await Deno.mkdir(outDir, { recursive: true });

// ── Part4-2: the book's network on the microchip data ────────────────────────
const chips = await loadMicrochips({ dtype: "float64", offlineFallback: false });
console.log(`Microchips: ${chips.source}`);
const { X, y } = chips;
const chip = {
  classNames: ["Not accepted", "Accepted"],
  xLabel: "Microchip Test 1 (z-scored)",
  yLabel: "Microchip Test 2 (z-scored)",
};

/** The book's 2-10-1 network, seeded as the book's `np.random.seed(0)`, trained at `lr`. */
async function trainBookNetwork(lr: number): Promise<{ net: NeuralNetwork; losses: number[] }> {
  manualSeed(0);
  const net = new NeuralNetwork(2, 10, 1, { dtype: "float64" });
  const losses = await net.train(X, y, { epochs: 5000, lr });
  return { net, losses };
}

const book = await trainBookNetwork(0.5);
const faster = await trainBookNetwork(2);

await linePlot([
  { y: faster.losses, label: "learning rate 2" },
  { y: book.losses, label: "learning rate 0.5 (the book's)" },
], {
  title: "Training loss: the book's 2-10-1 network on the microchip data",
  xLabel: "Epoch",
  yLabel: "Binary cross-entropy",
}).save(`${outDir}/loss_curve.svg`);

// 100,000 noisy mini-batch losses on a log axis: written in a few thousand
// points, well under 200 KB, and drawn the same. (A made-up curve: the point is
// how the plot thins a long series.)
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

// The network sees the grid a few thousand points at a time: [4096, 2] in, [4096, 1] out.
const chipAccuracy = accuracy(book.net.predict(X), y);
await (await decisionBoundary((grid) => book.net.forward(grid), X, y, {
  ...chip,
  title: `Decision boundary: the book's network, ${(chipAccuracy * 100).toFixed(2)}% right`,
})).save(`${outDir}/decision_boundary.svg`);

// ── Part4-3: MNIST test digits and the fast recipe ───────────────────────────
const digits = await datasets.mnist({ split: "test" });
console.log(`MNIST: ${digits.files?.images ?? "the test split"}`);

await (await imageGrid(digits.pixels.subarray(0, 100 * 784), {
  labels: digits.labels.subarray(0, 100),
  title: "The first 100 MNIST test digits",
})).save(`${outDir}/mnist_grid.svg`);

const train = digits.slice(0, 8000), test = digits.slice(8000);
manualSeed(0);
const model = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "he" });
const parameters = [model.weights1, model.bias1, model.weights2, model.bias2];
const adam = new Adam(parameters, { lr: 0.002 });
for (let epoch = 0; epoch < 3; epoch++) {
  for (const { X: xb, indices } of batches(train, { batchSize: 128, shuffle: true, seed: epoch })) {
    model.forward(xb);
    const grads = model.gradients(xb, train.oneHot(indices));
    for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) {
      model[key].grad = grads[key];
    }
    adam.step();
  }
}
const predicted = model.predict(test.images());
const truth = test.labelTensor();
const digitAccuracy = accuracy(predicted, truth);

await heatmap(confusionMatrix(predicted.dataSync(), test.labels, 10), {
  title: `The fast recipe on 2,000 test digits: ${(digitAccuracy * 100).toFixed(1)}% right`,
  xLabel: "Predicted",
  yLabel: "True",
}).save(`${outDir}/confusion_matrix.svg`);

await (await imageGrid(test.pixels.subarray(0, 20 * 784), {
  labels: test.labels.subarray(0, 20),
  predictions: Array.from(predicted.dataSync().subarray(0, 20)),
  title: "Predictions (wrong ones in red)",
})).save(`${outDir}/mnist_predictions.svg`);

await activationChart().save(`${outDir}/activations.svg`);
await activationChart({ derivatives: true }).save(`${outDir}/activation_derivatives.svg`);

console.log(
  `wrote the gallery to ${outDir}/ (microchips ${(chipAccuracy * 100).toFixed(2)}%, ` +
    `digits ${(digitAccuracy * 100).toFixed(1)}%)`,
);
