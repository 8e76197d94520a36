/**
 * `@handson/nn`: build, train and look at neural networks from scratch, in Deno.
 *
 * A NumPy-like matrix core with PyTorch-like autograd, written along a textbook
 * chapter on neural networks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as nn from "@handson/nn";
 * nn.manualSeed(0);
 * const x = nn.randn([4, 2], { dtype: "float64" });
 * const w = nn.randn([2, 1], { dtype: "float64", requiresGrad: true });
 * const loss = x.matmul(w).sigmoid().mean();
 * loss.backward();
 * assert.deepEqual(w.grad!.shape, [2, 1]);
 * ```
 *
 * @module
 */

export * from "./lib/tensor/mod.ts";
export { DataFormatError, DownloadError, ShapeError } from "./lib/errors.ts";
export * from "./lib/data/mod.ts";
export * from "./lib/nn/mod.ts";
export * as optim from "./lib/optim/mod.ts";
export * as functional from "./lib/nn/functional.ts";
export * from "./lib/io/safetensors.ts";
export * from "./lib/models/mod.ts";
export {
  type BookWeights,
  loadModelJson,
  parseModelJson,
  saveModelJson,
  toModelJson,
} from "./lib/io/model_json.ts";
export { writeFileAtomic } from "./lib/host.ts";
export * from "./lib/plot/mod.ts";
export * from "./lib/train/mod.ts";
