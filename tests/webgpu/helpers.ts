/**
 * Shared by the WebGPU tests: whether there is an adapter, a test wrapper that
 * skips without one (or fails, under NN_REQUIRE_WEBGPU=1, as CI sets it), and
 * ways to make the same tensor on both backends.
 */

import * as nn from "../../mod.ts";
import type { Backend } from "../../lib/tensor/backend.ts";
import { currentBackend } from "../../lib/tensor/select_backend.ts";
import { probeAdapter } from "../../lib/tensor/webgpu/device.ts";
import type { WebGpuBackend } from "../../lib/tensor/webgpu/backend.ts";
import { CpuBackend } from "../../lib/tensor/cpu/backend.ts";
import type { TypedArray } from "../../lib/tensor/dtype.ts";
import { assert } from "../assert.ts";
import type { Case } from "./cases.ts";
import type { Tensor } from "../../mod.ts";

const probe = await probeAdapter();
/** Whether CI asked for the WebGPU tests to fail, not skip, without an adapter. */
export const required = Deno.env.get("NN_REQUIRE_WEBGPU") === "1";
/** Whether there is an adapter to test on. */
export const available = probe.adapter !== null;

if (!available && !required) {
  console.warn(
    `WebGPU tests skipped: ${probe.reason} (NN_REQUIRE_WEBGPU=1 makes this a failure)`,
  );
}

/** The CPU backend the GPU is compared with. */
export const cpu: Backend = new CpuBackend();

let gpuBackend: WebGpuBackend | null = null;

/** The WebGPU backend (made once per test file, through setBackend). */
export async function gpu(): Promise<WebGpuBackend> {
  if (gpuBackend === null || gpuBackend.lost) {
    const before = nn.getBackend();
    await nn.setBackend("webgpu");
    gpuBackend = currentBackend() as WebGpuBackend;
    await nn.setBackend(before);
  }
  return gpuBackend;
}

/**
 * A test that needs WebGPU: skipped without an adapter, failed instead under
 * NN_REQUIRE_WEBGPU=1. The global backend is "cpu" again afterwards.
 */
export function gpuTest(name: string, fn: (gpu: WebGpuBackend) => Promise<void> | void): void {
  Deno.test({
    name: `webgpu: ${name}`,
    ignore: !available && !required,
    // Reads leave no ops behind, but the device's own background work is not ours to await.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      if (!available) {
        throw new Error(`NN_REQUIRE_WEBGPU=1, but there is no WebGPU adapter: ${probe.reason}`);
      }
      const backend = await gpu();
      try {
        await fn(backend);
        if (!backend.lost) await backend.sync(); // errors the device reported come out here
      } finally {
        await nn.setBackend("cpu");
      }
    },
  });
}

/** A tensor holding `data` on `backend`, whatever the current backend is. */
export function on(
  backend: Backend,
  data: TypedArray,
  shape: readonly number[],
): nn.Tensor {
  const dtype = data instanceof Float32Array
    ? "float32"
    : data instanceof Int32Array
    ? "int32"
    : "float64";
  return new nn.Tensor(backend.fromArray(data.slice()), shape, dtype, backend);
}

/** The same tensor on the CPU and on the GPU. */
export function both(
  gpu: Backend,
  data: TypedArray,
  shape: readonly number[],
): [nn.Tensor, nn.Tensor] {
  return [on(cpu, data, shape), on(gpu, data, shape)];
}

/** A small seeded generator of test data (not the NumPy stream: just reproducible). */
export class TestRandom {
  #g: nn.Generator;
  /** A generator seeded with `seed`. */
  constructor(seed: number) {
    this.#g = new nn.Generator(seed);
  }
  /** Normal float32 values. */
  normal(size: number, scale = 1): Float32Array {
    const out = new Float64Array(size);
    this.#g.fillNormal(out);
    return Float32Array.from(out, (v) => v * scale);
  }
  /** Uniform values in [lo, hi). */
  uniform(size: number, lo: number, hi: number): Float32Array {
    return Float32Array.from({ length: size }, () => lo + (hi - lo) * this.#g.random());
  }
  /** Integers in [lo, hi). */
  ints(size: number, lo: number, hi: number): Int32Array {
    return Int32Array.from({ length: size }, () => this.#g.randint(lo, hi));
  }
  /** One of `choices`. */
  pick<T>(choices: readonly T[]): T {
    return choices[this.#g.randint(0, choices.length)];
  }
}

/** Raw inputs of a case: float32 normals (positive where the domain says), or small int32. */
export function inputsOf(
  c: Case,
  r: TestRandom,
): { shapes: number[][]; data: (Float32Array | Int32Array)[] } {
  const shapes = c.shapes(r);
  const data = shapes.map((s, i) => {
    const n = s.reduce((a, b) => a * b, 1);
    if (c.ints?.includes(i)) return r.ints(n, -5, 6);
    const x = r.normal(n);
    return c.domain === "positive" ? x.map((v) => Math.abs(v) + 0.5) : x;
  });
  return { shapes, data };
}

/** `c.f` on tensors made from `data` on the current backend. */
export function runCase(c: Case, shapes: number[][], data: (Float32Array | Int32Array)[]): Tensor {
  const xs = data.map((d, i) => nn.tensor(d, { shape: shapes[i] }));
  return c.f(...xs);
}

/** |got - want| <= 1e-4·|want| + 1e-5·(1 + max|want|), integers exactly. */
export async function assertAgree(gpuT: Tensor, cpuT: Tensor, what: string): Promise<void> {
  assert(gpuT.backend.name === "webgpu", `${what}: the result is on ${gpuT.backend.name}`);
  assert(
    JSON.stringify(gpuT.shape) === JSON.stringify(cpuT.shape) && gpuT.dtype === cpuT.dtype,
    `${what}: [${gpuT.shape}] ${gpuT.dtype} on the GPU, [${cpuT.shape}] ${cpuT.dtype} on the CPU`,
  );
  const got = await gpuT.data(), want = cpuT.dataSync();
  let scale = 0;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  const exact = cpuT.dtype === "int32";
  for (let i = 0; i < want.length; i++) {
    const ok = exact
      ? got[i] === want[i]
      : Math.abs(got[i] - want[i]) <= 1e-4 * Math.abs(want[i]) + 1e-5 * (1 + scale) ||
        (Number.isNaN(got[i]) && Number.isNaN(want[i]));
    assert(ok, `${what}: element ${i} is ${got[i]} on the GPU, ${want[i]} on the CPU`);
  }
}
