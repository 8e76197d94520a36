/**
 * Which backend new tensors are made on.
 *
 * @module
 */

import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";

/** The names `setBackend` accepts. */
export type BackendName = "cpu" | "webgpu" | "auto";

const cpu = new CpuBackend();
let current: Backend = cpu;

/** The backend that new tensors are made on. */
export function currentBackend(): Backend {
  return current;
}

/**
 * Chooses the backend for new tensors. `"auto"` takes WebGPU only on a hardware
 * adapter; until the WebGPU backend exists it means `"cpu"`. Returns a promise
 * because a GPU adapter is requested asynchronously.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getBackend, setBackend } from "@handson/nn";
 * await setBackend("auto");
 * assert(getBackend() === "cpu");
 * ```
 */
export function setBackend(name: BackendName): Promise<void> {
  switch (name) {
    case "cpu":
    case "auto":
      current = cpu;
      return Promise.resolve();
    case "webgpu":
      return Promise.reject(
        new Error('setBackend: the "webgpu" backend is not built yet; use "cpu" or "auto"'),
      );
    default:
      return Promise.reject(
        new TypeError(
          `setBackend: expected "cpu", "webgpu" or "auto", found ${JSON.stringify(name)}`,
        ),
      );
  }
}

/**
 * The name of the backend in use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getBackend } from "@handson/nn";
 * assert(getBackend() === "cpu");
 * ```
 */
export function getBackend(): "cpu" | "webgpu" {
  return current.name;
}
