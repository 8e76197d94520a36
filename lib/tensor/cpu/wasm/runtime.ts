/**
 * The kernels' module, instantiated once, on first use, on a shared memory
 * that every thread of the pool also runs on.
 *
 * The memory holds, from byte 0: the pool's control block (`jobs.ts`), one
 * scratch area per thread, then the operands of the product under way. The
 * backend's tensors stay in JavaScript typed arrays: an op copies its operands
 * in and its result out. (Keeping tensors in this memory would spare the
 * copies, but its bytes could only be reused once the tensor is garbage, and
 * a synchronous training loop never gives a finalizer the chance to say so.)
 * The memory grows to fit the largest product and is not given back.
 *
 * Engines without relaxed SIMD get the kernels' plain-SIMD build (a multiply
 * and an add where the other fuses them). `NN_WASM=0`, or an engine without
 * SIMD or shared memory, leaves the TypeScript kernels in charge.
 *
 * @module
 */

import { envVar } from "../../../host.ts";
import { CTL_BYTES, type KernelExports, kernelImports, MAX_WORKERS } from "./jobs.ts";
import { gemmScratchBytes, type KernelDType, MAX_PAGES } from "./kernel_shapes.ts";
import type { FloatArray } from "../../dtype.ts";
import { KERNELS_WASM, KERNELS_WASM_SIMD } from "./kernels_wasm.ts";

/** The instantiated kernels and where things lie in their memory. */
export interface Runtime {
  /** The compiled module, sent to each Worker. */
  readonly module: WebAssembly.Module;
  /** The shared memory. */
  readonly memory: WebAssembly.Memory;
  /** The main thread's instance's exports. */
  readonly kernels: KernelExports;
  /** The control block, as int32 slots. */
  readonly ctl: Int32Array;
  /** Threads in all (the main thread and the Workers it may start). */
  readonly threads: number;
  /** Byte address of thread t's scratch: `scratch + t · scratchBytes`. */
  readonly scratch: number;
  /** Bytes of scratch per thread. */
  readonly scratchBytes: number;
  /** Byte address where an op's operands may start. */
  readonly heap: number;
  /** Every export of the kernels' module, by name (the element-wise ones are looked up so). */
  readonly functions: Record<string, (...args: number[]) => void>;
  /** The copy of a large operand kept at the heap's start, if any (see `matmul.ts`). */
  kept: KeptCopy | null;
}

/** Which bytes of which buffer the kept copy holds (the buffer held weakly). */
export interface KeptCopy {
  /** The buffer the copied bytes came from. */
  buffer: WeakRef<ArrayBufferLike>;
  /** Their byte offset in it. */
  offset: number;
  /** How many. */
  bytes: number;
}

const PAGE = 65536;

let enabled: boolean | undefined;
let runtime: Runtime | null | undefined;

/**
 * The kernels' module as bytes: the build with relaxed SIMD, or (`relaxed:
 * false`) the one with plain SIMD.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelBytes } from "./runtime.ts";
 * assert.deepEqual([...kernelBytes().subarray(0, 4)], [0, 0x61, 0x73, 0x6d]); // "\0asm"
 * assert.ok(kernelBytes(false).length > 0);
 * ```
 */
export function kernelBytes(relaxed = true): Uint8Array<ArrayBuffer> {
  const base64 = relaxed ? KERNELS_WASM : KERNELS_WASM_SIMD;
  // The built-in decoder where there is one (Deno, current browsers): decoding
  // 18 kB through `Uint8Array.from(atob(…), …)` took 12 ms of every start-up.
  const decode = (Uint8Array as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> })
    .fromBase64;
  if (decode !== undefined) return decode(base64);
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Turns the WebAssembly kernels on or off for this process (tests and
 * benchmarks compare the two paths). Off, the TypeScript kernels run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setWasmEnabled, wasmRuntime } from "./runtime.ts";
 * setWasmEnabled(false);
 * assert.equal(wasmRuntime(), null);
 * setWasmEnabled(true);
 * ```
 */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

/** NN_WASM's value as a switch: unset or "1" on, "0" off; anything else is an error naming it. */
function wasmWanted(value: string | undefined): boolean {
  if (value === undefined || value === "1") return true;
  if (value === "0") return false;
  throw new RangeError(
    `NN_WASM: expected 0 (TypeScript kernels) or 1 (WebAssembly), found "${value}"`,
  );
}

/**
 * The runtime, started on first call; null when the kernels are off or cannot run here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime(); // Deno has SIMD, relaxed SIMD and shared memory
 * assert.ok(rt !== null && rt.threads >= 1 && rt.heap > 0);
 * ```
 */
export function wasmRuntime(): Runtime | null {
  enabled ??= wasmWanted(envVar("NN_WASM"));
  if (!enabled) return null;
  if (runtime === undefined) runtime = start();
  return runtime;
}

/**
 * Drops the kept copy (`matmul.ts`) if it holds bytes of `buffer`: called when
 * the buffer is given back for reuse (`../reuse.ts`), after which the same
 * bytes will hold other values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forgetKeptCopy, wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime()!;
 * const buffer = new ArrayBuffer(64);
 * rt.kept = { buffer: new WeakRef(buffer), offset: 0, bytes: 64 };
 * forgetKeptCopy(buffer);
 * assert.equal(rt.kept, null);
 * ```
 */
export function forgetKeptCopy(buffer: ArrayBufferLike): void {
  if (runtime?.kept?.buffer.deref() === buffer) runtime.kept = null;
}

/**
 * The number of threads: `NN_THREADS` if set, else the number of logical
 * CPUs, capped by the control block's room for Workers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { threadCount } from "./runtime.ts";
 * assert.ok(threadCount() >= 1);
 * ```
 */
export function threadCount(): number {
  const env = envVar("NN_THREADS");
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`NN_THREADS: expected a positive integer, found "${env}"`);
    }
    return Math.min(n, MAX_WORKERS + 1);
  }
  const cpus = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return Math.min(Math.max(1, cpus ?? 1), MAX_WORKERS + 1);
}

function start(): Runtime | null {
  if (typeof WebAssembly !== "object" || typeof SharedArrayBuffer !== "function") return null;
  // Relaxed SIMD's fused multiply-add where the engine has it, else plain SIMD;
  // neither validates without SIMD or shared memory.
  const bytes = [kernelBytes(true), kernelBytes(false)].find((b) => WebAssembly.validate(b));
  if (bytes === undefined) return null;
  const threads = threadCount();
  const scratchBytes = align(Math.max(gemmScratchBytes("f32"), gemmScratchBytes("f64")));
  const heap = CTL_BYTES + threads * scratchBytes;
  const initial = Math.ceil(heap / PAGE) + 16;
  // A shared memory reserves its maximum up front; ask for less where 4 GiB is refused.
  for (const maximum of [MAX_PAGES, MAX_PAGES / 4, MAX_PAGES / 16]) {
    try {
      const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
      const module = new WebAssembly.Module(bytes);
      const { exports } = new WebAssembly.Instance(module, kernelImports(memory));
      const kernels = exports as unknown as KernelExports;
      const functions = exports as unknown as Record<string, (...args: number[]) => void>;
      const ctl = new Int32Array(memory.buffer, 0, CTL_BYTES / 4);
      const scratch = CTL_BYTES;
      return {
        module,
        memory,
        kernels,
        functions,
        ctl,
        threads,
        scratch,
        scratchBytes,
        heap,
        kept: null,
      };
    } catch {
      // Too large a reservation, or a sync compile the host refuses: try smaller, or give up.
    }
  }
  return null;
}

/**
 * A typed array over `length` elements of `dtype` in the shared memory from byte `at`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { view, wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime()!;
 * view(rt, "f64", rt.heap, 2).set([1.5, 2.5]);
 * assert.deepEqual([...view(rt, "f64", rt.heap, 2)], [1.5, 2.5]);
 * ```
 */
export function view(rt: Runtime, dtype: KernelDType, at: number, length: number): FloatArray {
  // A shared memory's buffer is a SharedArrayBuffer (the DOM's typings, which the
  // playground's check uses, declare it an ArrayBuffer).
  const buffer = rt.memory.buffer as unknown as SharedArrayBuffer;
  return dtype === "f32"
    ? new Float32Array(buffer, at, length)
    : new Float64Array(buffer, at, length);
}

/**
 * `bytes` rounded up to a multiple of 64 (a cache line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { align } from "./runtime.ts";
 * assert.deepEqual([align(0), align(1), align(64), align(65)], [0, 64, 64, 128]);
 * ```
 */
export function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * The first heap byte past the kept copy: where an op's own operands go.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { freeStart, wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime()!;
 * assert.equal(freeStart(rt), rt.heap + (rt.kept === null ? 0 : Math.ceil(rt.kept.bytes / 64) * 64));
 * ```
 */
export function freeStart(rt: Runtime): number {
  if (rt.kept !== null && rt.kept.buffer.deref() === undefined) rt.kept = null;
  return rt.heap + align(rt.kept?.bytes ?? 0);
}

/**
 * Grows the memory so that `bytes` bytes from the heap's start exist; returns
 * false when that is more than the memory can ever hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reserve, wasmRuntime } from "./runtime.ts";
 * const rt = wasmRuntime()!;
 * assert.equal(reserve(rt, 1 << 20), true);
 * assert.ok(rt.memory.buffer.byteLength >= rt.heap + (1 << 20));
 * assert.equal(reserve(rt, 2 ** 33), false); // 8 GiB: past a 32-bit memory
 * ```
 */
export function reserve(rt: Runtime, bytes: number): boolean {
  const need = rt.heap + bytes;
  const have = rt.memory.buffer.byteLength;
  if (need <= have) return true;
  try {
    rt.memory.grow(Math.ceil((need - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}
