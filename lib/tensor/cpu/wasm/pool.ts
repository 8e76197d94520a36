/**
 * The pool of Workers that share the kernels' memory. It starts lazily (with
 * the first job large enough to split), one Worker per extra thread; a Worker
 * that has had no job for `IDLE_MS` closes itself, so a finished script exits
 * within that time instead of hanging on idle Workers, and the next large job
 * starts it again. The main thread always takes a share of each job and does
 * all of it while no Worker is running yet, so no job waits for a Worker.
 *
 * @module
 */

import { canStartWorker } from "./host.ts";
import { CTL, type GemmJob, MAX_CHUNKS, publish, runAlone, SLOT, work } from "./jobs.ts";
import type { Runtime } from "./runtime.ts";

/** How long an idle Worker waits for a job before it closes. */
export const IDLE_MS = 250;

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/** What the pool has done, for tests and benchmarks: jobs shared, and chunks Workers did. */
export const poolStats: { jobs: number; workerChunks: number } = { jobs: 0, workerChunks: 0 };

let threadLimit = Infinity;
let workersAllowed: boolean | undefined;
let failures = 0;
/** Workers that failed to start before the pool gives up on them. */
const MAX_FAILURES = 3;

/**
 * Limits the threads a job may use (1: the main thread only); for benchmarks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setThreadLimit, usableThreads } from "./pool.ts";
 * import { wasmRuntime } from "./runtime.ts";
 * setThreadLimit(1);
 * assert.equal(usableThreads(wasmRuntime()!), 1);
 * setThreadLimit(Infinity);
 * ```
 */
export function setThreadLimit(threads: number): void {
  threadLimit = Math.max(1, Math.floor(threads));
}

/**
 * The threads a job may use: the runtime's, within the limit, or 1 where no
 * Worker can start (no permission to read its file, or it failed to start).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usableThreads } from "./pool.ts";
 * import { wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime()!;
 * assert.ok(usableThreads(rt) >= 1 && usableThreads(rt) <= rt.threads);
 * ```
 */
export function usableThreads(rt: Runtime): number {
  workersAllowed ??= canStartWorker(WORKER_URL);
  if (failures >= MAX_FAILURES || !workersAllowed) return 1;
  return Math.min(rt.threads, threadLimit);
}

/** Starts a Worker in every slot below `threads` that has none. */
function startWorkers(rt: Runtime, threads: number): void {
  for (let slot = 1; slot < threads; slot++) {
    const state = Atomics.load(rt.ctl, CTL.SLOTS + slot);
    if (state !== SLOT.EMPTY && state !== SLOT.EXITED) continue;
    Atomics.store(rt.ctl, CTL.SLOTS + slot, SLOT.STARTING);
    try {
      const worker = new Worker(WORKER_URL, { type: "module" });
      worker.onerror = (event) => {
        // The job goes on without it; after a few failures the pool stops trying.
        event.preventDefault();
        failures++;
        Atomics.store(rt.ctl, CTL.SLOTS + slot, SLOT.EXITED);
      };
      const scratch = rt.scratch + slot * rt.scratchBytes;
      worker.postMessage({ module: rt.module, memory: rt.memory, slot, scratch, idleMs: IDLE_MS });
    } catch {
      failures = MAX_FAILURES;
      Atomics.store(rt.ctl, CTL.SLOTS + slot, SLOT.EXITED);
      return;
    }
  }
}

/**
 * Runs a product of `total` chunks: on the main thread alone when `threads`
 * is 1, else shared with the pool. Returns when every chunk is done.
 * `wasmMatmul` (`matmul.ts`) lays out the operands and calls it.
 *
 * @example A 1×1 product on the main thread
 * ```ts
 * import assert from "node:assert/strict";
 * import { runJob } from "./pool.ts";
 * import { view, wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime()!;
 * const at = rt.heap; // a = 3 at at, b = 4 packed (4 floats wide) at at + 64, c at at + 128
 * view(rt, "f32", at, 1).set([3]);
 * view(rt, "f32", at + 64, 8).set([4, 0, 0, 0, 0, 0, 0, 0]);
 * runJob(rt, {
 *   dtype: "f32", m: 1, n: 1, k: 1, a: at, lda: 1, transA: false,
 *   pb: at + 64, c: at + 128, ldc: 1, byColumns: false, step: 6,
 * }, 1, 1);
 * assert.equal(view(rt, "f32", at + 128, 1)[0], 12);
 * ```
 */
export function runJob(rt: Runtime, job: GemmJob, total: number, threads: number): void {
  if (total > MAX_CHUNKS) throw new RangeError(`runJob: ${total} chunks, at most ${MAX_CHUNKS}`);
  if (threads <= 1 || total === 1) return runAlone(rt.kernels, rt.ctl, job, total, rt.scratch);
  startWorkers(rt, threads);
  const gen = publish(rt.ctl, job, total);
  const mine = work(rt.kernels, rt.ctl, gen, rt.scratch);
  waitForDone(rt.ctl, total);
  poolStats.jobs++;
  poolStats.workerChunks += total - mine;
  if (Atomics.load(rt.ctl, CTL.ERROR) !== 0) {
    throw new Error("matmul: a WebAssembly kernel failed in a Worker thread");
  }
}

/** Blocks until DONE reaches `total` (spinning where the main thread may not wait). */
function waitForDone(ctl: Int32Array, total: number): void {
  for (;;) {
    const done = Atomics.load(ctl, CTL.DONE);
    if (done >= total) return;
    try {
      Atomics.wait(ctl, CTL.DONE, done, 100);
    } catch {
      // A browser's main thread cannot block: spin on the counter instead.
    }
  }
}
