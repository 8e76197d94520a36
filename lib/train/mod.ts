/**
 * Training: the one training loop (`fit`), metrics, progress, and the book's
 * microchip data prepared as the book prepares it. (The scripts' command line lives in `cli.ts`.)
 *
 * @module
 */

export { accuracy, confusionMatrix, type Metrics, metricsJson, writeMetrics } from "./metrics.ts";
export { type EpochProgress, epochProgress, formatEpochProgress } from "./progress.ts";
export { loadMicrochips, type Microchips, type MicrochipsOptions } from "./microchips.ts";
export { checkFinite } from "./finite.ts";
export {
  type EarlyStopping,
  type EpochLog,
  fit,
  type FitOptions,
  type FitResult,
  type FitStop,
  NonFiniteLossError,
  type StepResult,
} from "./fit.ts";
