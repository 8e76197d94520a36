/**
 * After training on any backend, the rest of an exercise (accuracy, plots,
 * saving) runs on the CPU, where values can be read at once: `onCpu` copies
 * the tensors a script still needs there and makes the CPU the backend for
 * the tensors that follow.
 *
 * @module
 */

import { setBackend, toCpu } from "../tensor/select_backend.ts";
import type { Tensor } from "../tensor/tensor.ts";

/**
 * `tensors` copied to the CPU (each read once, asynchronously), with the CPU
 * made the backend for new tensors.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getBackend, tensor } from "@handson/nn";
 * import { onCpu } from "./on_cpu.ts";
 * const { w } = await onCpu({ w: tensor([1, 2]) });
 * assert.deepEqual([getBackend(), w.toArray()], ["cpu", [1, 2]]);
 * ```
 */
export async function onCpu<T extends { [K in keyof T]: Tensor }>(tensors: T): Promise<T> {
  const entries = await Promise.all(
    Object.entries<Tensor>(tensors).map(async ([key, t]) => [key, await toCpu(t)] as const),
  );
  await setBackend("cpu");
  return Object.fromEntries(entries) as T;
}
