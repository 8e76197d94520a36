/**
 * The book's exercises trained on WebGPU against the same training on the CPU
 * backend, same seed, float32: Part4-2's 2-10-1 network on the microchip data,
 * and a reduced Part4-3 (the shipped slice of MNIST's test file: 1000 images to
 * train on, 1000 to test) with the book's recipe and the fast one (He init, Adam, batches of
 * 128), as hand-written network and as nn.Sequential.
 *
 * The networks are made on the CPU and their weights uploaded: the book's
 * constructors draw in float64, which WGSL does not have.
 */

import * as nn from "../../mod.ts";
import type { Tensor } from "../../mod.ts";
import { loadMicrochips } from "../../lib/train/microchips.ts";
import { NeuralNetwork } from "../../lib/models/neural_network.ts";
import { SoftmaxNetwork } from "../../lib/models/softmax_network.ts";
import { readMnist } from "../../lib/data/datasets.ts";
import type { NeuralNetworkWeights } from "../../lib/models/two_layer.ts";
import { assert } from "../assert.ts";
import { gpuTest } from "./helpers.ts";
import { FIXTURES } from "../datasets.ts";

/** A CPU tensor's values as a tensor on the current backend. */
function upload(t: Tensor): Tensor {
  return nn.tensor(t.dataSync(), { shape: [...t.shape] });
}

function uploadWeights(w: NeuralNetworkWeights): NeuralNetworkWeights {
  return {
    weights1: upload(w.weights1),
    bias1: upload(w.bias1),
    weights2: upload(w.weights2),
    bias2: upload(w.bias2),
  };
}

/** The fraction of equal entries. */
async function agreement(a: Tensor, b: Tensor): Promise<number> {
  const x = await a.data(), y = await b.data();
  let same = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same++;
  return same / x.length;
}

/** The book's binary cross-entropy, read asynchronously (computeLoss reads synchronously). */
async function bce(y: Tensor, yHat: Tensor): Promise<number> {
  const terms = y.mul(yHat.log()).add(y.neg().add(1).mul(yHat.neg().add(1).log()));
  return (await terms.sum().itemAsync()) * (-1 / y.shape[0]);
}

gpuTest("Part4-2: the book's network trains to the CPU's loss and accuracy", async () => {
  const epochs = 2000, lr = 0.5;
  await nn.setBackend("cpu");
  const { X, y } = await loadMicrochips({
    data: `${FIXTURES}ex2data2.txt`,
    dtype: "float32",
    offlineFallback: false,
  });
  nn.manualSeed(0);
  const cpuNet = new NeuralNetwork(2, 10, 1, { dtype: "float32" });
  const start = uploadWeights(cpuNet.weights()); // still on the CPU: copies
  const cpuLosses = await cpuNet.train(X, y, { epochs, lr });
  const cpuAccuracy = nn.accuracy(cpuNet.predict(X), y);

  await nn.setBackend("webgpu");
  const gX = upload(X), gy = upload(y);
  const gpuNet = NeuralNetwork.fromWeights(uploadWeights(start));
  let firstLoss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // The book's loop, in tidy: each epoch's temporaries are freed, the new weights returned,
    // and the old weights disposed (the network replaces them rather than updating in place).
    const old = Object.values(gpuNet.weights());
    nn.tidy(() => {
      const yHat = gpuNet.forward(gX);
      if (epoch === 0) nn.keep(yHat);
      gpuNet.backward(gX, gy, lr);
      return gpuNet.weights();
    });
    old.forEach((t) => t.dispose());
    if (epoch === 0) firstLoss = await bce(gy, gpuNet.a2!);
  }
  const lastLoss = await bce(gy, gpuNet.forward(gX));
  const predicted = gpuNet.predict(gX);
  const gpuAccuracy = (await predicted.eq(gy.astype("int32")).sum().itemAsync()) / gy.size;

  assert(Math.abs(firstLoss - cpuLosses[0]) < 1e-6, `first loss ${firstLoss} vs ${cpuLosses[0]}`);
  // The loss after the last update, on the CPU.
  await nn.setBackend("cpu");
  const cpuLast = nn.noGrad(() => cpuNet.computeLoss(y, cpuNet.forward(X)));
  assert(
    Math.abs(lastLoss - cpuLast) < 1e-4 * cpuLast,
    `loss after ${epochs} epochs: ${lastLoss} on the GPU, ${cpuLast} on the CPU`,
  );
  assert(
    Math.abs(gpuAccuracy - cpuAccuracy) <= 1 / 118 + 1e-12,
    `accuracy ${gpuAccuracy} on the GPU, ${cpuAccuracy} on the CPU`,
  );
  assert(cpuAccuracy > 0.6, `the network did not learn: accuracy ${cpuAccuracy}`);
});

/** The shipped 2,000 images of MNIST's test file, cut in two: 1000 to train on, 1000 to test on. */
async function mnistSubset() {
  const data = await readMnist(
    `${FIXTURES}mnist/t10k-images-idx3-ubyte.gz`,
    `${FIXTURES}mnist/t10k-labels-idx1-ubyte.gz`,
  );
  return { train: data.slice(0, 1000), test: data.slice(1000, 2000) };
}

/** Test accuracy of `predict` (int32 classes) on `X` against `labels`. */
async function accuracyOf(predicted: Tensor, labels: Int32Array): Promise<number> {
  const p = await predicted.data();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) right++;
  return right / labels.length;
}

gpuTest("Part4-3, reduced: the book's recipe and the fast one match the CPU", async () => {
  const { train, test } = await mnistSubset();
  const results: Record<string, { loss: number[]; predicted: Tensor; accuracy: number }> = {};

  for (const backend of ["cpu", "webgpu"] as const) {
    // The book's recipe: unscaled randn weights, full batch, lr 0.01, a few epochs.
    await nn.setBackend("cpu");
    nn.manualSeed(0);
    const init = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "book" });
    await nn.setBackend(backend);
    const net = SoftmaxNetwork.fromWeights(uploadWeights(init.weights()));
    const X = train.images(), Y = train.oneHot();
    const loss: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const yHat = net.forward(X);
      loss.push(await Y.mul(yHat.add(1e-8).log()).sum().itemAsync() * (-1 / train.count));
      net.backward(X, Y, 0.01);
    }
    const predicted = net.predict(test.images());
    results[`book ${backend}`] = {
      loss,
      predicted,
      accuracy: await accuracyOf(predicted, test.labels),
    };

    // The fast recipe: He init, batches of 128 in a seeded order, Adam at 1e-3, two epochs.
    await nn.setBackend("cpu");
    nn.manualSeed(1);
    const he = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "he" });
    await nn.setBackend(backend);
    const fast = SoftmaxNetwork.fromWeights(uploadWeights(he.weights()));
    const params = [fast.weights1, fast.bias1, fast.weights2, fast.bias2];
    const adam = new nn.optim.Adam(params, { lr: 1e-3 });
    const generator = new nn.Generator(2);
    const fastLoss: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      for (
        const { X: xb, indices } of nn.batches(train, { batchSize: 128, shuffle: true, generator })
      ) {
        const yb = train.oneHot(indices);
        fast.forward(xb);
        const g = fast.gradients(xb, yb);
        for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) {
          fast[key].grad = g[key];
        }
        adam.step();
      }
      const yHat = fast.forward(X);
      fastLoss.push(await Y.mul(yHat.add(1e-8).log()).sum().itemAsync() * (-1 / train.count));
    }
    const fastPredicted = fast.predict(test.images());
    results[`fast ${backend}`] = {
      loss: fastLoss,
      predicted: fastPredicted,
      accuracy: await accuracyOf(fastPredicted, test.labels),
    };
  }

  for (const recipe of ["book", "fast"]) {
    const c = results[`${recipe} cpu`], g = results[`${recipe} webgpu`];
    c.loss.forEach((l, i) =>
      assert(
        Math.abs(g.loss[i] - l) <= 1e-3 * Math.abs(l),
        `${recipe} recipe, epoch ${i}: loss ${g.loss[i]} on the GPU, ${l} on the CPU`,
      )
    );
    assert(
      Math.abs(g.accuracy - c.accuracy) <= 0.005,
      `${recipe} recipe: test accuracy ${g.accuracy} on the GPU, ${c.accuracy} on the CPU`,
    );
    await nn.setBackend("cpu");
    const same = await agreement(upload(c.predicted), upload(await uploadBack(g.predicted)));
    assert(same >= 0.99, `${recipe} recipe: the backends agree on only ${same} of the predictions`);
  }
  // It learns: 1000 images, 4 epochs reach about 0.8 (the book's recipe stays far below).
  assert(results["fast cpu"].accuracy > 0.75, `fast recipe: ${results["fast cpu"].accuracy}`);
});

/** A GPU tensor brought back to the CPU. */
async function uploadBack(t: Tensor): Promise<Tensor> {
  return nn.tensor(await t.data() as Int32Array, { shape: [...t.shape] });
}
