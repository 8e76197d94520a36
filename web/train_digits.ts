/**
 * Trains the digit model the playground's Part4-3 panel loads
 * (`web/digits.safetensors`): the book's 784-128-10 `SoftmaxNetwork` with the
 * fast recipe of `scripts/part4_3.ts --recipe fast` (He initialisation, Adam
 * from lr 0.002 decayed to a tenth over the run, mini-batches of 128 shuffled
 * each epoch, 5 epochs, float32), saved as float32 safetensors with the keys of
 * the book's model.json (`weights1` [784, 128], `bias1` [1, 128], `weights2`
 * [128, 10], `bias2` [1, 10]).
 *
 *   NN_DATA_DIR=… deno run --allow-read --allow-write=web --allow-env --allow-net web/train_digits.ts
 *
 * It trains on MNIST's test split only (the first 8,000 images; the last 2,000
 * are held out and their accuracy printed and stored in the file's metadata),
 * because the 10,000-image test set is the part of MNIST that is small enough
 * to keep in a mirror folder; the full training set would only make the shipped
 * model a little better.
 *
 * @module
 */

import { manualSeed } from "../lib/tensor/random.ts";
import { Generator } from "../lib/tensor/random.ts";
import { datasets } from "../lib/data/datasets.ts";
import { batches } from "../lib/data/batches.ts";
import { SoftmaxNetwork } from "../lib/models/softmax_network.ts";
import { Adam } from "../lib/optim/adam.ts";
import { saveSafetensors } from "../lib/io/safetensors.ts";

const SEED = 0, EPOCHS = 5, LR = 2e-3, BATCH = 128, TRAIN = 8000;
const KEYS = ["weights1", "bias1", "weights2", "bias2"] as const;

const mnist = await datasets.mnist({ split: "test", dtype: "float32" });
const train = mnist.slice(0, TRAIN), held = mnist.slice(TRAIN);
console.log(`MNIST test split: training on ${train.count} images, checking on ${held.count}`);

manualSeed(SEED);
const net = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "he" });
const optimizer = new Adam(KEYS.map((key) => net[key]), { lr: LR });
const generator = new Generator(SEED);
const decay = 0.1 ** (1 / EPOCHS);

function accuracy(data: typeof held): number {
  const predicted = net.predict(data.images()).dataSync();
  let right = 0;
  for (let i = 0; i < data.count; i++) if (predicted[i] === data.labels[i]) right++;
  return right / data.count;
}

for (let epoch = 0; epoch < EPOCHS; epoch++) {
  optimizer.lr = LR * decay ** epoch;
  let lossSum = 0;
  for (const { X, indices } of batches(train, { batchSize: BATCH, shuffle: true, generator })) {
    const y = train.oneHot(indices ?? undefined);
    lossSum += net.calculateLoss(y, net.forward(X)) * X.shape[0];
    const gradients = net.gradients(X, y);
    for (const key of KEYS) net[key].grad = gradients[key];
    optimizer.step();
  }
  console.log(
    `Epoch ${epoch}, Loss: ${(lossSum / train.count).toFixed(4)}, held-out accuracy ` +
      `${accuracy(held).toFixed(4)}`,
  );
}

const heldOut = accuracy(held);
const out = new URL("./digits.safetensors", import.meta.url);
await saveSafetensors({ ...net.weights() }, out.pathname, {
  metadata: {
    model: "SoftmaxNetwork 784-128-10 (book's Part4-3), fast recipe",
    recipe: `He init, Adam lr ${LR} decayed to ${LR / 10}, batches of ${BATCH}, ${EPOCHS} epochs`,
    data: `MNIST test split images 0-${TRAIN - 1}`,
    heldOutAccuracy: heldOut.toFixed(4),
    heldOutImages: `MNIST test split images ${TRAIN}-${mnist.count - 1}`,
    seed: String(SEED),
  },
});
console.log(`Held-out accuracy ${(heldOut * 100).toFixed(2)}%; wrote web/digits.safetensors`);
