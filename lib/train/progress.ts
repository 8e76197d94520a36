/**
 * A progress bar for training loops, drawn on standard error only when it is
 * a terminal (so logs and pipes stay clean).
 *
 * @module
 */

import { statusLine, stderrIsTerminal } from "../host.ts";

/**
 * A running progress bar.
 *
 * Chapter: the exercise scripts (training progress).
 */
export interface EpochProgress {
  /** Reports that `done` of the total steps are finished, with a status text (e.g. the loss). */
  update(done: number, status?: string): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/**
 * One line of the bar: `label [#####-----]  50% 2500/5000 status`.
 *
 * Chapter: the exercise scripts (training progress).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEpochProgress } from "./progress.ts";
 * assert.equal(formatEpochProgress("train", 5, 10, "loss 0.5", 10), "train [#####-----]  50% 5/10 loss 0.5");
 * ```
 */
export function formatEpochProgress(
  label: string,
  done: number,
  total: number,
  status = "",
  width = 30,
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.floor(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent} ` +
    `${done}/${total}${status ? " " + status : ""}`;
}

/**
 * A progress bar for `total` steps on standard error, redrawn at most ten
 * times a second; silent when standard error is not a terminal.
 *
 * Chapter: the exercise scripts (training progress).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { epochProgress, formatEpochProgress } from "@handson/nn";
 * const bar = epochProgress("Training", 3);
 * for (let step = 1; step <= 3; step++) bar.update(step, `loss ${(1 / step).toFixed(2)}`);
 * bar.finish(); // draws on a terminal only; its last line is:
 * assert.equal(formatEpochProgress("Training", 3, 3, "loss 0.33", 4), "Training [####] 100% 3/3 loss 0.33");
 * ```
 */
export function epochProgress(label: string, total: number): EpochProgress {
  if (!stderrIsTerminal()) return { update() {}, finish() {} };
  const line = statusLine();
  let latest = formatEpochProgress(label, 0, total);
  return {
    update(done: number, status = ""): void {
      latest = formatEpochProgress(label, done, total, status);
      line.update(latest);
    },
    finish(): void {
      line.update(latest);
      line.done();
    },
  };
}
