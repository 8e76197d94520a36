/**
 * Part4-2 (动手练): the book's 2-10-1 sigmoid network trained by hand-written
 * backpropagation on the microchip data (z-scored x1, x2 → accepted), full
 * batch, lr 0.5, 5000 epochs. Saves model.json, loss.svg, decision_boundary.svg
 * and metrics.json in --out, and prints the final loss and accuracy.
 *
 *   deno run -A scripts/part4_2.ts [--seed 0 --dtype float64 --epochs 5000 ...]
 *
 * With --seed S --dtype float64 it draws the same random numbers as the book's
 * NumPy code after np.random.seed(S), so it reproduces the book's run.
 */

import { manualSeed } from "../lib/tensor/random.ts";
import { NeuralNetwork } from "../lib/models/neural_network.ts";
import { toModelJson } from "../lib/io/model_json.ts";
import { linePlot } from "../lib/plot/line.ts";
import { decisionBoundary } from "../lib/plot/decision_boundary.ts";
import {
  checkOutputFolder,
  runScript,
  scriptSpec,
  sharedFlags,
  useScriptBackend,
} from "../lib/train/cli.ts";
import { accuracy, metricsJson } from "../lib/train/metrics.ts";
import { loadMicrochips } from "../lib/train/microchips.ts";
import { onCpu } from "../lib/train/on_cpu.ts";
import { openOutputs } from "../lib/train/outputs.ts";

const { data, out, seed, dtype, backend, epochs, lr, hidden } = sharedFlags;
const spec = scriptSpec({
  usage: "deno run -A scripts/part4_2.ts [flags]",
  summary: "Part4-2: train the book's 2-layer sigmoid network on the microchip data, by hand.",
  flags: { data, out, seed, dtype, backend, epochs, lr, hidden },
});

await runScript(spec, async (flags) => {
  const { dtype, epochs, out } = flags;
  checkOutputFolder(out); // before the data and the training, not after
  const outputs = await openOutputs(out); // made, writable and locked before the data
  try {
    const backendLine = await useScriptBackend(flags.backend, dtype);
    const { X, y, source } = await loadMicrochips({
      data: flags.data,
      dtype,
      offlineFallback: true,
    });
    console.log(`Data: ${source}, ${X.shape[0]} samples`);
    console.log(backendLine);

    manualSeed(flags.seed);
    const net = new NeuralNetwork(2, flags.hidden, 1, { dtype });
    const start = performance.now();
    const losses = await net.train(X, y, { epochs, lr: flags.lr, progress: "Training" });
    const seconds = (performance.now() - start) / 1000;
    // Trained on the chosen backend; judged, plotted and saved on the CPU.
    const { weights1, bias1, weights2, bias2, Xc, yc } = await onCpu({
      ...net.weights(),
      Xc: X,
      yc: y,
    });
    const book = NeuralNetwork.fromWeights({ weights1, bias1, weights2, bias2 });
    const acc = accuracy(book.predict(Xc), yc);

    // Every output is made first, then the set replaces the last run's as a whole.
    outputs.add("model.json", toModelJson(book));
    outputs.add(
      "loss.svg",
      linePlot({ y: losses, label: "training loss" }, {
        title: "Training loss (Part4-2)",
        xLabel: "Epoch",
        yLabel: "Binary cross-entropy",
      }).svg,
    );
    const boundary = await decisionBoundary((grid) => book.predictProba(grid), Xc, yc, {
      title: "Decision boundary (Part4-2)",
      xLabel: "Microchip Test 1 (z-score)",
      yLabel: "Microchip Test 2 (z-score)",
      classNames: ["Not accepted", "Accepted"],
    });
    outputs.add("decision_boundary.svg", boundary.svg);
    outputs.add(
      "metrics.json",
      metricsJson({
        loss: losses,
        accuracy: acc,
        epochs,
        seconds,
        seed: flags.seed,
        dtype,
        data: source,
      }),
    );
    await outputs.commit();

    if (losses.length > 0) console.log(`Final loss: ${losses[losses.length - 1].toFixed(6)}`);
    console.log(
      `Trained ${epochs} epochs in ${seconds.toFixed(2)} s; wrote ${out}/model.json, ` +
        `${out}/loss.svg, ${out}/decision_boundary.svg, ${out}/metrics.json`,
    );
    console.log(`Final Accuracy: ${(acc * 100).toFixed(2)}%`);
  } finally {
    await outputs.release();
  }
});
