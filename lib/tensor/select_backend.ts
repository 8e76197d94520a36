/**
 * Which backend new tensors are made on, and how `"auto"` chooses.
 *
 * `"auto"` takes WebGPU only on a hardware adapter. A software adapter
 * (llvmpipe, as on machines without a GPU) runs WGSL on the CPU's cores and is
 * slower than the CPU backend, so choosing it would be a bad surprise; an
 * explicit `"webgpu"` still takes it (that is how the tests run the GPU code).
 * The environment variable `NN_BACKEND` (cpu, webgpu, auto) overrides what
 * `"auto"` picks, and `NN_DEBUG` (any value) prints why it picked what it did;
 * `NN_DEBUG=wgsl` also prints each shader once.
 *
 * @module
 */

import { envVar } from "../host.ts";
import { productKernel } from "./cpu/blas.ts";
import type { Backend } from "./backend.ts";
import { CpuBackend } from "./cpu/backend.ts";
import { Tensor } from "./tensor.ts";
import type { WebGpuBackend } from "./webgpu/backend.ts";

/**
 * The names `setBackend` accepts.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type BackendName = "cpu" | "webgpu" | "auto";

const cpu = new CpuBackend();
let current: Backend = cpu;
let gpu: Promise<WebGpuBackend> | null = null;

/**
 * The backend that new tensors are made on.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export function currentBackend(): Backend {
  return current;
}

/** The words of NN_DEBUG (comma-separated); any value turns on the explanations. */
function debugFlags(): Set<string> {
  const value = envVar("NN_DEBUG");
  if (value === undefined || value === "" || value === "0") return new Set();
  return new Set(["backend", ...value.split(",").map((w) => w.trim())]);
}

function explain(message: string): void {
  if (debugFlags().has("backend")) console.error(`nn: ${message}`);
}

/**
 * The WebGPU modules, loaded when a GPU is asked for: a script on the CPU
 * (the book's float64 recipes) need not load their 90 kB (4 ms of its start).
 */
function gpuModules() {
  return Promise.all([import("./webgpu/backend.ts"), import("./webgpu/device.ts")]).then((
    [backend, device],
  ) => ({ ...backend, ...device }));
}

/** The WebGPU backend on `adapter` (or the first adapter found), made once and reused until lost. */
async function webgpu(adapter?: GPUAdapter): Promise<WebGpuBackend> {
  const existing = gpu === null ? null : await gpu.catch(() => null);
  if (existing !== null && !existing.lost) return existing;
  gpu = (async () => {
    const { probeAdapter, WebGpuBackend } = await gpuModules();
    let found = adapter ?? null;
    if (found === null) {
      const probe = await probeAdapter();
      if (probe.adapter === null) {
        throw new Error(
          `setBackend: the "webgpu" backend needs a GPU adapter, and ${probe.reason}; ` +
            'use "cpu", or "auto" to fall back to it',
        );
      }
      found = probe.adapter;
    }
    return await WebGpuBackend.create(found, { printShaders: debugFlags().has("wgsl") });
  })();
  try {
    return await gpu;
  } catch (e) {
    gpu = null;
    throw e;
  }
}

/**
 * The backend `NN_BACKEND` names for `"auto"` ("cpu" or "webgpu"), or
 * undefined when it is unset, empty or "auto"; any other value is a TypeError
 * naming the variable, also where "auto" is decided without it (float64).
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backendOverride } from "./select_backend.ts";
 * assert.ok([undefined, "cpu", "webgpu"].includes(backendOverride()));
 * ```
 */
export function backendOverride(): "cpu" | "webgpu" | undefined {
  const override = envVar("NN_BACKEND");
  if (override === undefined || override === "" || override === "auto") return undefined;
  if (override !== "cpu" && override !== "webgpu") {
    throw new TypeError(
      `setBackend: the environment variable NN_BACKEND must be "cpu", "webgpu" or "auto", ` +
        `found ${JSON.stringify(override)}`,
    );
  }
  return override;
}

/** What `"auto"` picks: NN_BACKEND if set, else WebGPU on a hardware adapter, else the CPU. */
async function chooseAuto(): Promise<Backend> {
  const override = backendOverride();
  if (override !== undefined) {
    explain(`backend "auto" → "${override}": NN_BACKEND=${override}`);
    return override === "cpu" ? cpu : await webgpu();
  }
  const { probeAdapter, describeAdapter, isSoftwareAdapter } = await gpuModules();
  const { adapter, reason } = await probeAdapter();
  if (adapter === null) {
    explain(`backend "auto" → "cpu": ${reason}`);
    return cpu;
  }
  const name = describeAdapter(adapter);
  if (isSoftwareAdapter(adapter)) {
    explain(
      `backend "auto" → "cpu": the WebGPU adapter "${name}" is a software rasteriser ` +
        '(adapter.info.isFallbackAdapter), slower than the CPU backend; setBackend("webgpu") ' +
        "or NN_BACKEND=webgpu uses it anyway",
    );
    return cpu;
  }
  try {
    const backend = await webgpu(adapter);
    explain(`backend "auto" → "webgpu": a hardware adapter, "${name}"`);
    return backend;
  } catch (e) {
    explain(`backend "auto" → "cpu": the adapter "${name}" gave no device (${e})`);
    return cpu;
  }
}

/**
 * Chooses the backend for new tensors: `"cpu"`, `"webgpu"` (a GPU adapter,
 * even a software one; an error when there is none), or `"auto"` (WebGPU on a
 * hardware adapter, else the CPU; `NN_BACKEND` overrides, `NN_DEBUG` says why).
 * The promise settles when the backend is ready. Tensors stay on the backend
 * they were made on.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getBackend, setBackend } from "@handson/nn";
 * await setBackend("cpu");
 * assert.equal(getBackend(), "cpu");
 * ```
 */
export async function setBackend(name: BackendName): Promise<void> {
  switch (name) {
    case "cpu":
      current = cpu;
      return;
    case "webgpu": {
      const backend = await webgpu();
      explain(
        `backend "webgpu" on "${backend.adapterName}"` +
          (backend.software ? " (a software adapter: slower than the CPU backend)" : ""),
      );
      current = backend;
      return;
    }
    case "auto":
      current = await chooseAuto();
      return;
    default:
      throw new TypeError(
        `setBackend: expected "cpu", "webgpu" or "auto", found ${JSON.stringify(name)}`,
      );
  }
}

/**
 * The name of the backend in use.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
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

/**
 * The current backend in words, as the exercise scripts print it:
 * `webgpu (<adapter name>)`, or `cpu (<the kernel of its products>)`: the
 * platform's BLAS as it names itself (with `--allow-ffi`), else
 * `WebAssembly SIMD, <n> threads`, else TypeScript.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeBackend, setBackend } from "@handson/nn";
 * await setBackend("cpu");
 * assert.match(describeBackend(), /^cpu \((OpenBLAS|MKL|Accelerate|WebAssembly SIMD|TypeScript).*\)$/);
 * ```
 */
export function describeBackend(): string {
  if (current.name === "webgpu") return `webgpu (${(current as WebGpuBackend).adapterName})`;
  // The CPU's products say which kernel runs them: the platform's BLAS, WebAssembly or TypeScript.
  return `cpu (${productKernel()})`;
}

/**
 * A copy of `t` on the CPU backend (`t` itself when it is there already),
 * read asynchronously, so it works from any backend: train on the GPU, then
 * evaluate, plot and save on the CPU, where values can be read at once.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor, toCpu } from "@handson/nn";
 * const onCpu = await toCpu(tensor([[1, 2]]));
 * assert.deepEqual([onCpu.shape, onCpu.toArray()], [[1, 2], [[1, 2]]]);
 * ```
 */
export async function toCpu(t: Tensor): Promise<Tensor> {
  if (t.backend === cpu) return t;
  const data = await t.data();
  return new Tensor(cpu.fromArray(data), [...t.shape], t.dtype, cpu);
}
