/**
 * Part4-1 (动手练): the book's trained 2-10-1 sigmoid network, loaded from a
 * model.json, predicts which microchips pass QA (z-scored x1, x2 → accepted),
 * and prints its accuracy as the book does.
 *
 *   deno run -A scripts/part4_1.ts [--model PATH|URL] [--data PATH|URL]
 *
 * The default model is data/model.json, made by scripts/part4_2.ts with seed 0.
 */

import { loadModelJson } from "../lib/io/model_json.ts";
import { runScript, scriptSpec, sharedFlags, useScriptBackend } from "../lib/train/cli.ts";
import { accuracy } from "../lib/train/metrics.ts";
import { loadMicrochips } from "../lib/train/microchips.ts";
import { onCpu } from "../lib/train/on_cpu.ts";

const { data, dtype, backend } = sharedFlags;
const spec = scriptSpec({
  usage: "deno run -A scripts/part4_1.ts [flags]",
  summary: "Part4-1: load the book's trained network from model.json and measure its accuracy.",
  flags: {
    data,
    dtype,
    backend,
    model: {
      type: "string",
      default: new URL("../data/model.json", import.meta.url).href,
      help: "the model.json to load (a path or URL)",
    },
  },
});

await runScript(spec, async (flags) => {
  const { dtype, model } = flags;
  const backendLine = await useScriptBackend(flags.backend, dtype);
  const { X, y, source } = await loadMicrochips({
    data: flags.data,
    dtype,
    offlineFallback: false,
  });
  const net = await loadModelJson(model, dtype);
  if (net.sizes[0] !== X.shape[1]) {
    throw new Error(
      `${model}: the model takes ${net.sizes[0]} inputs, but the data has ` +
        `${X.shape[1]} features (x1, x2)`,
    );
  }
  console.log(`Data: ${source}, ${X.shape[0]} samples`);
  console.log(`Model: ${model} (${net.sizes.join("-")})`);
  console.log(backendLine);
  // Predicted on the chosen backend, then read back (on a GPU, asynchronously).
  const { predicted, labels } = await onCpu({ predicted: net.predict(X), labels: y });
  console.log(`Final Accuracy: ${(accuracy(predicted, labels) * 100).toFixed(2)}%`);
});
