/**
 * Training helpers: metrics, progress, and the book's microchip data prepared as
 * the book prepares it. (The scripts' command line lives in `cli.ts`.)
 *
 * @module
 */

export { accuracy, confusionMatrix, type Metrics, writeMetrics } from "./metrics.ts";
export { type EpochProgress, epochProgress, formatEpochProgress } from "./progress.ts";
export { loadMicrochips, type Microchips, type MicrochipsOptions } from "./microchips.ts";
export { checkFinite } from "./finite.ts";
