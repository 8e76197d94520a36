/**
 * A Worker of the kernels' thread pool (`pool.ts` starts it). It instantiates
 * the kernels' module on the shared memory it is sent, then waits for jobs and
 * does chunks of each (`jobs.ts`). After a while with no job it closes itself,
 * so a script whose work is done exits without waiting on it.
 *
 * @module
 */

import { CTL, type KernelExports, kernelImports, SLOT, work, type WorkerInit } from "./jobs.ts";

/** The Worker's global scope, as much of it as this file uses (typed for any lib). */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerInit>) => void) | null;
  close(): void;
};

scope.onmessage = (event) => {
  const { module, memory, slot, scratch, idleMs } = event.data;
  const kernels = new WebAssembly.Instance(module, kernelImports(memory))
    .exports as unknown as KernelExports;
  const ctl = new Int32Array(memory.buffer, 0, CTL.SLOTS + slot + 1);
  Atomics.store(ctl, CTL.SLOTS + slot, SLOT.RUNNING);
  let gen = Atomics.load(ctl, CTL.GEN);
  for (;;) {
    work(kernels, ctl, gen, scratch); // joins a job already under way, if any
    if (Atomics.wait(ctl, CTL.GEN, gen, idleMs) === "timed-out") break;
    gen = Atomics.load(ctl, CTL.GEN);
  }
  Atomics.store(ctl, CTL.SLOTS + slot, SLOT.EXITED);
  scope.close();
};
