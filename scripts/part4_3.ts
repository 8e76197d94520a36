/**
 * Part4-3 (动手练): MNIST with the book's 784-128-10 ReLU/softmax network.
 *
 *   deno run -A scripts/part4_3.ts                       # the book's recipe on MNIST
 *   deno run -A scripts/part4_3.ts --recipe fast --dataset fashion-mnist
 *
 * `--recipe book` (default) is the book's network and recipe exactly: weights
 * from an unscaled randn, zero biases, full batch, 10 epochs at lr 0.01, in
 * float64; it prints `Epoch N, Loss: …`, then `Train Accuracy` and
 * `Test Accuracy` as the book does. It barely learns (14–25% on Fashion-MNIST):
 * the unscaled weights saturate the softmax (see lib/models/softmax_network.ts).
 * `--recipe fast` is what works: He initialisation, mini-batches of 128
 * shuffled every epoch, Adam starting at lr 2e-3 and decayed exponentially to
 * a tenth of that over the run (PyTorch's ExponentialLR), float32.
 * `--model book|torch` trains the book's hand-written network or the same
 * architecture built from nn.Sequential with autograd.
 * Writes loss.svg, confusion.svg, metrics.json and the model (model.json in the
 * book's format, or model.safetensors) to --out. Ctrl-C while training stops
 * after the current batch, says where, saves nothing and exits with code 130
 * (a second Ctrl-C quits at once).
 */

import { type Tensor, tidy } from "../lib/tensor/mod.ts";
import { noGrad } from "../lib/tensor/autograd.ts";
import { Generator, manualSeed } from "../lib/tensor/random.ts";
import { datasets, dataSource } from "../lib/data/datasets.ts";
import { batchCount, batches } from "../lib/data/batches.ts";
import type { MnistData } from "../lib/data/transforms.ts";
import { SoftmaxNetwork } from "../lib/models/softmax_network.ts";
import { Linear } from "../lib/nn/linear.ts";
import { ReLU } from "../lib/nn/activations.ts";
import { Sequential } from "../lib/nn/sequential.ts";
import { CrossEntropyLoss } from "../lib/nn/losses.ts";
import { SGD } from "../lib/optim/sgd.ts";
import { Adam } from "../lib/optim/adam.ts";
import { ExponentialLR } from "../lib/optim/schedulers.ts";
import { toModelJson } from "../lib/io/model_json.ts";
import { encodeSafetensors } from "../lib/io/safetensors.ts";
import { linePlot } from "../lib/plot/line.ts";
import { heatmap } from "../lib/plot/heatmap.ts";
import {
  checkOutputFolder,
  runScript,
  scriptSpec,
  sharedFlags,
  useScriptBackend,
} from "../lib/train/cli.ts";
import { fit } from "../lib/train/fit.ts";
import { onCpu } from "../lib/train/on_cpu.ts";
import { openOutputs } from "../lib/train/outputs.ts";
import { confusionMatrix, metricsJson } from "../lib/train/metrics.ts";

/** What each recipe runs when a flag does not say otherwise; the help text reads them from here. */
const RECIPES = {
  book: { dtype: "float64", epochs: 10, lr: 0.01 },
  fast: { dtype: "float32", epochs: 5, lr: 2e-3, batchSize: 128 },
} as const;

/** A flag's default under each recipe, for --help. */
const byRecipe = (key: "dtype" | "epochs" | "lr") =>
  `book ${RECIPES.book[key]}, fast ${RECIPES.fast[key]}`;

const { out, seed, backend } = sharedFlags;
const spec = scriptSpec({
  usage: "deno run -A scripts/part4_3.ts [flags]",
  summary: "Part4-3: train the book's 784-128-10 ReLU/softmax network on MNIST and test it.",
  flags: {
    data: {
      type: "string",
      help: "a folder or base URL holding the four IDX .gz files (any number of images), " +
        "read as given",
    },
    out,
    seed,
    dtype: { ...sharedFlags.dtype, default: undefined, defaultText: byRecipe("dtype") },
    backend,
    dataset: {
      type: "string",
      default: "mnist",
      choices: ["mnist", "fashion-mnist"],
      help: "the data set",
    },
    recipe: {
      type: "string",
      default: "book",
      choices: ["book", "fast"],
      help: "the book's recipe, or one that works",
    },
    model: {
      type: "string",
      default: "book",
      choices: ["book", "torch"],
      help: "the book's hand-written network, or nn.Sequential with autograd",
    },
    epochs: { type: "integer", min: 1, help: "epochs", defaultText: byRecipe("epochs") },
    lr: {
      type: "number",
      min: 0,
      exclusiveMin: true,
      help: "the learning rate (the fast recipe's falls to a tenth of it over the run)",
      defaultText: byRecipe("lr"),
    },
    "batch-size": {
      type: "integer",
      default: RECIPES.fast.batchSize,
      min: 1,
      help: "mini-batch size of the fast recipe (the book's takes all images at once)",
    },
    "train-size": {
      type: "integer",
      min: 1,
      help: "use only the first N training images (default: all)",
    },
  },
});

/** A model `fit` can train one batch at a time, whichever way it was built. */
interface Trainer {
  /** One step on a batch: its mean loss and how many it got right, as tensors (not read). */
  step(X: Tensor, labels: Tensor, oneHot: () => Tensor): { loss: Tensor; right: Tensor };
  /** The predicted classes of X (int32 [n]). */
  predict(X: Tensor): Tensor;
  /** The optimiser, when the recipe uses one (the fast recipe's rate decays through it). */
  optimizer: Adam | SGD | null;
  /** The trained model's file: its name and contents (read on whichever backend trained it). */
  saved(): Promise<[name: string, contents: string | Uint8Array]>;
}

/** The book's hand-written network, updated by its own backward (SGD) or by an optimiser. */
function bookTrainer(net: SoftmaxNetwork, optimizer: Adam | null, lr: number): Trainer {
  return {
    optimizer,
    step(X, labels, oneHot) {
      const y = oneHot();
      if (optimizer === null) {
        // The book's step, in tidy (its large temporaries are reused by the next step).
        const loss = net.step(X, y, lr);
        return { loss, right: net.a2!.argmax(1).eq(labels).sum() };
      }
      // In tidy: the step's temporaries go back for the next step's ops.
      return tidy(() => {
        const probabilities = net.forward(X);
        const loss = net.loss(y, probabilities);
        const right = probabilities.argmax(1).eq(labels).sum();
        const g = net.gradients(X, y);
        for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) {
          net[key].grad = g[key];
        }
        optimizer.step();
        return { loss, right };
      });
    },
    predict: (X) => net.predict(X),
    saved: async () => [
      "model.json",
      toModelJson(SoftmaxNetwork.fromWeights(await onCpu(net.weights()))),
    ],
  };
}

/** The same architecture from nn.Sequential, trained by autograd and an optimiser. */
function torchTrainer(model: Sequential, optimizer: Adam | SGD): Trainer {
  const criterion = new CrossEntropyLoss();
  return {
    optimizer,
    step(X, labels) {
      // In tidy: the graph, the gradients and the other temporaries go back for the
      // next batch's ops (the optimiser keeps its own state out of it).
      return tidy(() => {
        optimizer.zeroGrad();
        const logits = model.forward(X);
        const loss = criterion.forward(logits, labels);
        loss.backward();
        optimizer.step();
        return { loss: loss.detach(), right: logits.detach().argmax(1).eq(labels).sum() };
      });
    },
    predict: (X) => noGrad(() => model.forward(X).argmax(1)),
    saved:
      async () => ["model.safetensors", await encodeSafetensors(await onCpu(model.stateDict()))],
  };
}

/** Predicted classes for all of `data`, 1000 images at a time (bounded memory), read on any backend. */
async function predictAll(
  trainer: Trainer,
  data: MnistData,
  dtype: "float32" | "float64",
): Promise<Int32Array> {
  const out = new Int32Array(data.count);
  for (let start = 0; start < data.count; start += 1000) {
    const end = Math.min(start + 1000, data.count);
    const X = data.slice(start, end).images(undefined, { dtype });
    out.set(await trainer.predict(X).data() as Int32Array, start);
  }
  return out;
}

function accuracyOf(predicted: Int32Array, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

await runScript(spec, async (flags) => {
  const fast = flags.recipe === "fast";
  const recipe = RECIPES[flags.recipe];
  const dtype = flags.dtype ?? recipe.dtype;
  const epochs = flags.epochs ?? recipe.epochs;
  const lr = flags.lr ?? recipe.lr;
  // The fast recipe's learning rate falls by the same factor every epoch, to lr/10 at the end.
  const decay = fast ? 0.1 ** (1 / Math.max(epochs, 1)) : 1;
  const batchSize = flags["batch-size"];
  const { out, seed } = flags;
  checkOutputFolder(out); // before the data and the training, not after
  const outputs = await openOutputs(out); // made, writable and locked before the data
  try {
    const backendLine = await useScriptBackend(flags.backend, dtype);

    const load = flags.dataset === "mnist" ? datasets.mnist : datasets.fashionMnist;
    const source = flags.data === undefined ? {} : { url: flags.data };
    let train = await load({ split: "train", dtype, ...source });
    const test = await load({ split: "test", dtype, ...source });
    console.log(`Training data: ${dataSource(train)}`);
    console.log(`Test data: ${dataSource(test)}`);
    if (flags["train-size"] !== undefined) {
      train = train.slice(0, Math.min(train.count, flags["train-size"]));
    }
    console.log(
      `${flags.dataset}: ${train.count} training and ${test.count} test images; ` +
        `recipe ${flags.recipe}, model ${flags.model}, ${dtype}, ${epochs} epochs, lr ${lr}` +
        (fast ? `, batches of ${batchSize}` : ", full batch"),
    );
    console.log(backendLine);

    // The initial weights: the book's draws (unscaled randn) or He's, weights1 first.
    manualSeed(seed);
    const net = new SoftmaxNetwork(784, 128, 10, { dtype, init: fast ? "he" : "book" });
    let trainer: Trainer;
    if (flags.model === "book") {
      const optimizer = fast
        ? new Adam([net.weights1, net.bias1, net.weights2, net.bias2], { lr })
        : null;
      trainer = bookTrainer(net, optimizer, lr);
    } else {
      // The same architecture and the same initial weights, as layers (weights stored [out, in]).
      const [l1, l2] = [new Linear(784, 128, { dtype }), new Linear(128, 10, { dtype })];
      const model = new Sequential(l1, new ReLU(), l2);
      noGrad(() => {
        l1.weight.assign(net.weights1.T);
        l1.bias!.assign(net.bias1.reshape([128]));
        l2.weight.assign(net.weights2.T);
        l2.bias!.assign(net.bias2.reshape([10]));
      });
      const params = model.parameters();
      trainer = torchTrainer(model, fast ? new Adam(params, { lr }) : new SGD(params, { lr }));
    }

    const metrics = {
      loss: [] as number[],
      trainAccuracy: [] as number[],
      testAccuracy: [] as number[],
      secondsPerEpoch: [] as number[],
    };
    const generator = new Generator(seed);
    // The book's recipe takes all images in every epoch: convert them to floats once.
    const fullBatch = fast
      ? null
      : { X: train.images(undefined, { dtype }), y: train.labelTensor(), indices: null };
    const total = fast ? batchCount(train.count, { batchSize }) : 1;
    const optimizer = trainer.optimizer;
    type EpochBatch = { X: Tensor; y: Tensor; indices: Int32Array | null };
    const result = await fit<EpochBatch>({
      epochs,
      batches: () => fast ? batches(train, { batchSize, shuffle: true, generator }) : [fullBatch!],
      batchesPerEpoch: total,
      // The fast recipe's rate falls by the same factor every epoch, to lr/10 at the end.
      scheduler: fast && optimizer !== null
        ? new ExponentialLR(optimizer, { gamma: decay })
        : undefined,
      readEvery: 1, // a line per epoch, as the book prints
      // Numbered as the lines printed below (and the divergence error): from 0, as the book does.
      progress: (epoch) => `Epoch ${epoch} (of 0-${epochs - 1})`,
      step: ({ X, y, indices }) => {
        const { loss, right } = trainer.step(
          X,
          y,
          () => train.oneHot(indices ?? undefined, { dtype }),
        );
        return { loss, size: X.shape[0], counts: { right } };
      },
      onEpochEnd: async (log) => {
        const trainAccuracy = log.right / log.samples;
        const testAccuracy = accuracyOf(await predictAll(trainer, test, dtype), test.labels);
        metrics.loss.push(log.loss);
        metrics.trainAccuracy.push(trainAccuracy);
        metrics.testAccuracy.push(testAccuracy);
        metrics.secondsPerEpoch.push(log.seconds);
        if (fast) {
          console.log(
            `Epoch ${log.epoch}, Loss: ${log.loss.toFixed(4)}, train accuracy ` +
              `${trainAccuracy.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}, ${
                log.seconds.toFixed(1)
              } s`,
          );
        } else {
          console.log(`Epoch ${log.epoch}, Loss: ${log.loss}`);
        }
      },
    });
    if (result.stopped?.reason === "signal") {
      const { epoch, batch, signal } = result.stopped;
      console.error(
        `Stopped by ${signal === "SIGINT" ? "Ctrl-C" : signal} in epoch ${epoch} after batch ` +
          `${batch} of ${total}; nothing was saved (the files in ${out} are as they were).`,
      );
      await outputs.release();
      Deno.exit(130);
    }

    const trainPredicted = await predictAll(trainer, train, dtype);
    const testPredicted = await predictAll(trainer, test, dtype);
    const trainAccuracy = accuracyOf(trainPredicted, train.labels);
    const testAccuracy = accuracyOf(testPredicted, test.labels);

    // Every output is made first, then the set replaces the last run's as a whole.
    const [modelName, modelFile] = await trainer.saved();
    outputs.add(modelName, modelFile);
    const lossPlot = linePlot({ y: metrics.loss, label: "training loss" }, {
      title: `Training loss (Part4-3, ${flags.recipe} recipe)`,
      xLabel: "Epoch",
      yLabel: "Cross-entropy",
    });
    outputs.add("loss.svg", lossPlot.svg);
    const confusion = heatmap(confusionMatrix(testPredicted, test.labels, 10), {
      title: `Confusion matrix, ${flags.dataset} test set`,
      rowLabels: test.classNames,
      colLabels: test.classNames,
      xLabel: "Predicted",
      yLabel: "True",
      annotate: true,
    });
    outputs.add("confusion.svg", confusion.svg);
    outputs.add(
      "metrics.json",
      metricsJson({
        ...metrics,
        accuracy: testAccuracy,
        epochs,
        seconds: metrics.secondsPerEpoch.reduce((a, b) => a + b, 0),
        finalTrainAccuracy: trainAccuracy,
        finalTestAccuracy: testAccuracy,
        dataset: flags.dataset,
        recipe: flags.recipe,
        model: flags.model,
        dtype,
        seed,
      }),
    );
    await outputs.commit();
    const modelPath = `${out}/${modelName}`;
    console.log(`Wrote ${modelPath}, ${out}/loss.svg, ${out}/confusion.svg, ${out}/metrics.json`);
    console.log(`Train Accuracy: ${trainAccuracy.toFixed(4)}`);
    console.log(`Test Accuracy: ${testAccuracy.toFixed(4)}`);
  } finally {
    await outputs.release();
  }
});
