/**
 * A one-line progress bar for downloads, redrawn in place with `\r`. The
 * downloader shows it only when standard error is a terminal, so logs and
 * pipes stay clean.
 *
 * @module
 */

import { statusLine } from "../host.ts";

/** A byte count for people: `512 B`, `48.3 kB`, `9.9 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/**
 * The text of the bar for `received` of `total` bytes (total unknown: only the
 * count), without the leading `\r`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 * assert.equal(formatProgress("a.gz", 2500, 10000, 10), "a.gz [##--------]  25% 2.5/10.0 kB");
 * assert.equal(formatProgress("a.gz", 2500, undefined, 10), "a.gz 2.5 kB");
 * ```
 */
export function formatProgress(
  label: string,
  received: number,
  total: number | undefined,
  width = 30,
): string {
  if (total === undefined || total <= 0) return `${label} ${formatBytes(received)}`;
  const fraction = Math.min(1, received / total);
  const filled = Math.floor(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const [, unit] = formatBytes(total).split(" ");
  const scale = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[unit] ?? 1;
  const digits = unit === "B" ? 0 : unit === "GB" ? 2 : 1;
  return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent} ` +
    `${(received / scale).toFixed(digits)}/${formatBytes(total)}`;
}

/** A progress bar being drawn: feed it byte counts, then finish it. */
export interface Progress {
  /** Records that `received` bytes have arrived (redraws at most every 100 ms). */
  update(received: number): void;
  /** Draws the last state and ends the line (on success and on failure alike). */
  done(): void;
}

/**
 * A progress bar for `label` and `total` bytes that writes through `write`
 * (standard error in the downloader). Redraws are throttled to one per 100 ms
 * so a fast download does not spend its time printing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressBar } from "./progress.ts";
 * let out = "";
 * const bar = progressBar("x", 100, (text) => out += text);
 * bar.update(40);
 * bar.update(100); // within 100 ms of the first draw: not drawn yet
 * bar.done();
 * assert.equal(out, "\rx [############------------------]  40% 40/100 B\x1b[K" +
 *   "\rx [##############################] 100% 100/100 B\x1b[K\n");
 * ```
 */
export function progressBar(
  label: string,
  total: number | undefined,
  write: (text: string) => void,
): Progress {
  const line = statusLine(write);
  let received = 0;
  return {
    update(n: number): void {
      received = n;
      line.update(formatProgress(label, received, total));
    },
    done(): void {
      line.update(formatProgress(label, received, total));
      line.done();
    },
  };
}
