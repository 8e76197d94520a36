/**
 * The work the threads share, and how they share it: a control block at the
 * start of the shared WebAssembly memory, and the loop every thread (the main
 * thread and each Worker) runs to claim and do chunks of a job.
 *
 * A job is published by the main thread: its parameters, a chunk count, then
 * a new generation number, which wakes the Workers. Each thread claims chunks
 * with one compare-and-swap on a word that holds the generation and the next
 * chunk, so a thread that wakes late, or still holds an old job's parameters,
 * can never claim a chunk of the wrong job. The main thread claims chunks too,
 * and does all of them when no Worker is running yet: a job never waits for a
 * Worker to start.
 *
 * @module
 */

import { GEMM, type KernelDType } from "./kernel_shapes.ts";

/**
 * What the kernels' module imports: the shared memory they run on. (One
 * place for it: the main thread, each Worker and the tests instantiate the
 * module.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelImports } from "./jobs.ts";
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * assert.equal(kernelImports(memory).env.memory, memory);
 * ```
 */
export function kernelImports(memory: WebAssembly.Memory): { env: { memory: WebAssembly.Memory } } {
  return { env: { memory } };
}

/** The exports of the kernels' module that jobs call. */
export interface KernelExports {
  /** Packs all of op(b) into panels (see `kernels.ts`). */
  pack_b_f32(b: number, ldb: number, transB: number, k: number, n: number, dst: number): void;
  /** The float64 `pack_b`. */
  pack_b_f64(b: number, ldb: number, transB: number, k: number, n: number, dst: number): void;
  /** Some rows (or columns) of a product (see `kernels.ts`). */
  gemm_f32(...args: GemmArgs): void;
  /** The float64 `gemm`. */
  gemm_f64(...args: GemmArgs): void;
}

/** `gemm`'s arguments: m, n, k, a, lda, transA, pb, c, ldc, scratch. */
type GemmArgs = [number, number, number, number, number, number, number, number, number, number];

/** What the pool sends a new Worker. */
export interface WorkerInit {
  /** The compiled kernels. */
  module: WebAssembly.Module;
  /** The shared memory they run on. */
  memory: WebAssembly.Memory;
  /** This Worker's slot (1, 2, …; the main thread is 0). */
  slot: number;
  /** Byte address of this Worker's scratch. */
  scratch: number;
  /** Milliseconds without a job after which it closes. */
  idleMs: number;
}

/** Int32 slots of the control block (byte 0 of the memory). */
export const CTL = {
  /** The job's generation; Workers wait for it to change. */
  GEN: 0,
  /** `generation << 12 | next chunk`: where chunks are claimed. */
  CLAIM: 1,
  /** Chunks finished; the main thread waits for it to reach TOTAL. */
  DONE: 2,
  /** Chunks in the job (at most `MAX_CHUNKS`). */
  TOTAL: 3,
  /** Set by a thread whose chunk threw. */
  ERROR: 4,
  /** The job's kind and parameters (see `Job`). */
  PARAMS: 8,
  /** Per Worker slot: `SLOT_*` below. */
  SLOTS: 32,
} as const;

/** Bytes the control block takes. */
export const CTL_BYTES = 4096;
/** Most Worker slots the control block has room for. */
export const MAX_WORKERS = 255;
/** Most chunks in one job: the claim word keeps the next chunk in 12 bits. */
export const MAX_CHUNKS = 4094;
const CLOSED = 0xfff;
const GEN_MASK = 0x7ffff;

/** A Worker slot's state. */
export const SLOT = { EMPTY: 0, STARTING: 1, RUNNING: 2, EXITED: 3 } as const;

/**
 * A product split into chunks of rows (or of columns) of the result: chunk i
 * computes rows [i·step, (i+1)·step) (or those columns) with `gemm`.
 */
export interface GemmJob {
  dtype: KernelDType;
  m: number;
  n: number;
  k: number;
  /** Byte address of a, its row stride (elements), whether it is stored [k, m]. */
  a: number;
  lda: number;
  transA: boolean;
  /** Byte address of op(b) packed by `pack_b`. */
  pb: number;
  /** Byte address of the result and its row stride. */
  c: number;
  ldc: number;
  /** Split the columns rather than the rows. */
  byColumns: boolean;
  /** Rows (a multiple of MR) or columns (a multiple of NR) per chunk. */
  step: number;
}

const FIELDS = [
  "m",
  "n",
  "k",
  "a",
  "lda",
  "transA",
  "pb",
  "c",
  "ldc",
  "byColumns",
  "step",
] as const;

/** Writes a job's parameters into the control block. */
function writeJob(ctl: Int32Array, job: GemmJob): void {
  ctl[CTL.PARAMS] = job.dtype === "f32" ? 1 : 2;
  FIELDS.forEach((f, i) => (ctl[CTL.PARAMS + 1 + i] = Number(job[f])));
}

/** Does chunk `chunk` of the job in the control block, with this thread's scratch. */
function runChunk(
  kernels: KernelExports,
  ctl: Int32Array,
  chunk: number,
  scratch: number,
): void {
  const P = CTL.PARAMS + 1;
  const dtype: KernelDType = ctl[CTL.PARAMS] === 1 ? "f32" : "f64";
  const [m, n, k, a, lda, transA, pb, c, ldc, byColumns, step] = FIELDS.map((_, i) =>
    ctl[P + i] >>> 0
  );
  const { bytes, NR } = GEMM[dtype];
  const gemm = dtype === "f32" ? kernels.gemm_f32 : kernels.gemm_f64;
  const from = chunk * step;
  if (byColumns) {
    const cols = Math.min(step, n - from);
    gemm(
      m,
      cols,
      k,
      a,
      lda,
      transA,
      pb + (from / NR) * k * NR * bytes,
      c + from * bytes,
      ldc,
      scratch,
    );
  } else {
    const rows = Math.min(step, m - from);
    const aAt = a + (transA ? from : from * lda) * bytes;
    gemm(rows, n, k, aAt, lda, transA, pb, c + from * ldc * bytes, ldc, scratch);
  }
}

/**
 * Publishes a job of `total` chunks and wakes the Workers; returns its
 * generation, for {@linkcode work}.
 *
 * @example One thread does a whole job (with Workers, each would claim chunks)
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   CTL_BYTES,
 *   type GemmJob,
 *   kernelImports,
 *   type KernelExports,
 *   publish,
 *   work,
 * } from "./jobs.ts";
 * import { buildKernels } from "./kernels.ts";
 * const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536, shared: true });
 * const kernels = new WebAssembly.Instance(
 *   new WebAssembly.Module(buildKernels()),
 *   kernelImports(memory),
 * ).exports as unknown as KernelExports;
 * const ctl = new Int32Array(memory.buffer, 0, CTL_BYTES / 4);
 * const f32 = new Float32Array(memory.buffer as unknown as ArrayBuffer);
 * // a: 12 rows of [1, 2] at byte 8192; b = [[10], [100]] at 8448, packed at 8704; c at 12288.
 * f32.set(Array.from({ length: 12 }, () => [1, 2]).flat(), 8192 / 4);
 * f32.set([10, 100], 8448 / 4);
 * kernels.pack_b_f32(8448, 1, 0, 2, 1, 8704);
 * const job: GemmJob = {
 *   dtype: "f32", m: 12, n: 1, k: 2, a: 8192, lda: 2, transA: false,
 *   pb: 8704, c: 12288, ldc: 1, byColumns: false, step: 6, // two chunks of 6 rows
 * };
 * const gen = publish(ctl, job, 2);
 * assert.equal(work(kernels, ctl, gen, 16384), 2); // no Worker: both chunks done here
 * assert.equal(work(kernels, ctl, gen, 16384), 0); // none left
 * assert.deepEqual([...f32.subarray(12288 / 4, 12288 / 4 + 12)], Array(12).fill(210));
 * ```
 */
export function publish(ctl: Int32Array, job: GemmJob, total: number): number {
  writeJob(ctl, job);
  const old = Atomics.load(ctl, CTL.GEN);
  // Close the old job first, so that no late thread claims a chunk of it
  // against the new chunk count.
  Atomics.store(ctl, CTL.CLAIM, (old << 12) | CLOSED);
  const gen = (old + 1) & GEN_MASK;
  Atomics.store(ctl, CTL.DONE, 0);
  Atomics.store(ctl, CTL.ERROR, 0);
  Atomics.store(ctl, CTL.TOTAL, total);
  Atomics.store(ctl, CTL.CLAIM, gen << 12);
  Atomics.store(ctl, CTL.GEN, gen);
  Atomics.notify(ctl, CTL.GEN);
  return gen;
}

/**
 * Claims and does chunks of job `gen` until none is left; returns how many
 * this thread did. A chunk that throws sets the ERROR slot and still counts
 * as done, so the main thread never waits forever.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   CTL_BYTES,
 *   type GemmJob,
 *   kernelImports,
 *   type KernelExports,
 *   publish,
 *   work,
 * } from "./jobs.ts";
 * import { buildKernels } from "./kernels.ts";
 * const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536, shared: true });
 * const kernels = new WebAssembly.Instance(
 *   new WebAssembly.Module(buildKernels()),
 *   kernelImports(memory),
 * ).exports as unknown as KernelExports;
 * const ctl = new Int32Array(memory.buffer, 0, CTL_BYTES / 4);
 * const f32 = new Float32Array(memory.buffer as unknown as ArrayBuffer);
 * // a: 12 rows of [1, 2] at byte 8192; b = [[10], [100]] at 8448, packed at 8704; c at 12288.
 * f32.set(Array.from({ length: 12 }, () => [1, 2]).flat(), 8192 / 4);
 * f32.set([10, 100], 8448 / 4);
 * kernels.pack_b_f32(8448, 1, 0, 2, 1, 8704);
 * const job: GemmJob = {
 *   dtype: "f32", m: 12, n: 1, k: 2, a: 8192, lda: 2, transA: false,
 *   pb: 8704, c: 12288, ldc: 1, byColumns: false, step: 6, // two chunks of 6 rows
 * };
 * assert.equal(work(kernels, ctl, publish(ctl, job, 2), 16384), 2);
 * assert.equal(f32[12288 / 4 + 11], 210); // 1·10 + 2·100
 * ```
 */
export function work(
  kernels: KernelExports,
  ctl: Int32Array,
  gen: number,
  scratch: number,
): number {
  const total = Atomics.load(ctl, CTL.TOTAL);
  let done = 0;
  for (;;) {
    const claim = Atomics.load(ctl, CTL.CLAIM);
    const chunk = claim & 0xfff;
    if (claim >>> 12 !== gen || chunk >= total) return done;
    if (Atomics.compareExchange(ctl, CTL.CLAIM, claim, claim + 1) !== claim) continue;
    try {
      runChunk(kernels, ctl, chunk, scratch);
    } catch {
      Atomics.store(ctl, CTL.ERROR, 1);
    }
    done++;
    if (Atomics.add(ctl, CTL.DONE, 1) + 1 === total) Atomics.notify(ctl, CTL.DONE);
  }
}

/**
 * Does all `total` chunks of `job` on this thread, publishing nothing: no
 * Worker wakes for a job too small to share.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CTL_BYTES, type GemmJob, kernelImports, type KernelExports, runAlone } from "./jobs.ts";
 * import { buildKernels } from "./kernels.ts";
 * const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536, shared: true });
 * const kernels = new WebAssembly.Instance(
 *   new WebAssembly.Module(buildKernels()),
 *   kernelImports(memory),
 * ).exports as unknown as KernelExports;
 * const ctl = new Int32Array(memory.buffer, 0, CTL_BYTES / 4);
 * const f32 = new Float32Array(memory.buffer as unknown as ArrayBuffer);
 * // a: 12 rows of [1, 2] at byte 8192; b = [[10], [100]] at 8448, packed at 8704; c at 12288.
 * f32.set(Array.from({ length: 12 }, () => [1, 2]).flat(), 8192 / 4);
 * f32.set([10, 100], 8448 / 4);
 * kernels.pack_b_f32(8448, 1, 0, 2, 1, 8704);
 * const job: GemmJob = {
 *   dtype: "f32", m: 12, n: 1, k: 2, a: 8192, lda: 2, transA: false,
 *   pb: 8704, c: 12288, ldc: 1, byColumns: false, step: 6, // two chunks of 6 rows
 * };
 * runAlone(kernels, ctl, job, 2, 16384);
 * assert.deepEqual([...f32.subarray(12288 / 4, 12288 / 4 + 12)], Array(12).fill(210));
 * ```
 */
export function runAlone(
  kernels: KernelExports,
  ctl: Int32Array,
  job: GemmJob,
  total: number,
  scratch: number,
): void {
  writeJob(ctl, job);
  for (let chunk = 0; chunk < total; chunk++) runChunk(kernels, ctl, chunk, scratch);
}
