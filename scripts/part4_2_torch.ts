/**
 * Part4-2, the PyTorch way (动手练): the same 2-10-1 sigmoid network built
 * from `Linear` and `Sigmoid` layers, trained with `BCELoss` plus the book's
 * L2 term λ/(2m)·Σ‖W‖² by `optim.SGD` (lr 0.5, 3000 epochs, λ 0.01), saved as
 * model.safetensors (a file PyTorch's `load_state_dict` accepts), loaded back,
 * and measured.
 *
 *   deno run -A scripts/part4_2_torch.ts [--epochs 3000 --lr 0.5 --lambda 0.01 ...]
 */

import { manualSeed } from "../lib/tensor/random.ts";
import { Linear } from "../lib/nn/linear.ts";
import { Sigmoid } from "../lib/nn/activations.ts";
import { Sequential } from "../lib/nn/sequential.ts";
import { BCELoss } from "../lib/nn/losses.ts";
import { l2Penalty } from "../lib/nn/regularization.ts";
import { SGD } from "../lib/optim/sgd.ts";
import { decodeSafetensors, encodeSafetensors } from "../lib/io/safetensors.ts";
import { linePlot } from "../lib/plot/line.ts";
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
import { accuracy, metricsJson } from "../lib/train/metrics.ts";
import { loadMicrochips } from "../lib/train/microchips.ts";

const { data, out, seed, dtype, backend, epochs, lr, hidden } = sharedFlags;
const spec = scriptSpec({
  usage: "deno run -A scripts/part4_2_torch.ts [flags]",
  summary: "Part4-2 the PyTorch way: nn.Linear, nn.Sigmoid, nn.BCELoss + L2, optim.SGD.",
  flags: {
    data,
    out,
    seed,
    dtype,
    backend,
    epochs: { ...epochs, default: 3000 },
    lr,
    hidden,
    lambda: { type: "number", default: 0.01, min: 0, help: "the L2 weight λ" },
  },
});

/** The book's model: Linear(2, hidden) → Sigmoid → Linear(hidden, 1) → Sigmoid. */
function makeModel(hidden: number, dtype: "float32" | "float64"): Sequential {
  return new Sequential(
    new Linear(2, hidden, { dtype }),
    new Sigmoid(),
    new Linear(hidden, 1, { dtype }),
    new Sigmoid(),
  );
}

await runScript(spec, async (flags) => {
  const { dtype, epochs, out, lambda } = flags;
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
    const model = makeModel(flags.hidden, dtype);
    const criterion = new BCELoss();
    const optimizer = new SGD(model.parameters(), { lr: flags.lr });
    const m = X.shape[0];
    const start = performance.now();
    // The one training loop: a diverging run stops there, naming the epoch, as in every script.
    const { losses } = await fit({
      epochs,
      batches: () => [null],
      batchesPerEpoch: 1,
      progress: "Training",
      interruptible: false,
      step: () => {
        optimizer.zeroGrad();
        const loss = criterion.forward(model.forward(X), y).add(l2Penalty(model, lambda, m));
        loss.backward();
        optimizer.step();
        return { loss: loss.detach() };
      },
    });
    const seconds = (performance.now() - start) / 1000;

    // Trained on the chosen backend; saved, reloaded and judged on the CPU.
    const { Xc, yc, ...state } = await onCpu({ ...model.stateDict(), Xc: X, yc: y });
    const path = `${out}/model.safetensors`;
    const bytes = await encodeSafetensors(state);
    // Load what is saved into a fresh model, as the book does with torch.load.
    const reloaded = makeModel(flags.hidden, dtype);
    reloaded.loadStateDict(decodeSafetensors(bytes, path).tensors);
    reloaded.eval();
    const acc = accuracy(reloaded.forward(Xc).gt(0.5), yc);

    // Every output is made first, then the set replaces the last run's as a whole.
    outputs.add("model.safetensors", bytes);
    const plot = linePlot({ y: losses, label: "BCE + L2" }, {
      title: "Training loss (Part4-2, PyTorch way)",
      xLabel: "Epoch",
      yLabel: "Loss",
    });
    outputs.add("loss_torch.svg", plot.svg);
    outputs.add(
      "metrics_torch.json",
      metricsJson({
        loss: losses,
        accuracy: acc,
        epochs,
        seconds,
        seed: flags.seed,
        dtype,
        lambda,
        data: source,
      }),
    );
    await outputs.commit();
    if (losses.length > 0) console.log(`Final loss: ${losses[losses.length - 1].toFixed(6)}`);
    console.log(
      `Trained ${epochs} epochs in ${seconds.toFixed(2)} s; wrote ${path} and loaded it ` +
        `back; wrote ${out}/loss_torch.svg, ${out}/metrics_torch.json`,
    );
    console.log(`Final Accuracy: ${(acc * 100).toFixed(2)}%`);
  } finally {
    await outputs.release();
  }
});
