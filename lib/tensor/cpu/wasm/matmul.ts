/**
 * The matrix product on the WebAssembly kernels: copy the operands into the
 * shared memory, pack op(b) once, split the result's rows (or columns) into
 * chunks for the threads, copy the result out.
 *
 * @module
 */

import type { FloatArray } from "../../dtype.ts";
import type { GemmJob } from "./jobs.ts";
import { GEMM } from "./kernel_shapes.ts";
import { runJob, usableThreads } from "./pool.ts";
import { align, freeStart, type KeptCopy, reserve, view, wasmRuntime } from "./runtime.ts";

/**
 * Work (2·m·n·k floating-point operations) below which a product stays on
 * the main thread: handing chunks to Workers and waiting for them costs tens
 * of microseconds.
 */
export const POOL_MIN_FLOPS = 4e6;
/** Chunks per thread: more than one, so a thread slowed by other work hands its share on. */
const CHUNKS_PER_THREAD = 4;
/** Least work per chunk, so that packing and hand-off stay small beside it. */
const MIN_CHUNK_FLOPS = 1e6;

/**
 * `a` operands at least this large are kept in the memory after the product
 * (at the heap's start, `rt.kept`), until a larger one comes or the tensor is
 * garbage: the book's full-batch epoch multiplies by the 60,000×784 data set
 * twice (`X · W1`, then `X.T · dz1` in backward), with smaller products
 * between, and the second finds it there. Sound because a tensor's storage
 * never changes once made (ops make new arrays; `assign` swaps them): the
 * same bytes of the same buffer hold the same values.
 */
const KEEP_MIN_BYTES = 1 << 22;

/** Whether the kept copy holds the first `bytes` bytes `a` views. */
function isKept(kept: KeptCopy | null, a: FloatArray, bytes: number): boolean {
  return kept !== null && kept.buffer.deref() === a.buffer && kept.offset === a.byteOffset &&
    kept.bytes === bytes;
}

/**
 * Computes `out[m×n] = op(a)·op(b)` like `../matmul.ts` (the same argument
 * order and transpose flags), on the WebAssembly kernels. Returns false, and
 * touches nothing, when they are off or the operands do not fit their memory.
 *
 * @example A 2×3 by 3×2 product, then with b stored transposed
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmMatmul } from "./matmul.ts";
 * const a = new Float64Array([1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]
 * const b = new Float64Array([7, 8, 9, 10, 11, 12]); // [[7, 8], [9, 10], [11, 12]]
 * const out = new Float64Array(4);
 * assert.equal(wasmMatmul(a, b, out, 2, 2, 3, false, false), true);
 * assert.deepEqual([...out], [58, 64, 139, 154]);
 * const bT = new Float32Array([7, 9, 11, 8, 10, 12]);
 * const out32 = new Float32Array(4);
 * wasmMatmul(new Float32Array(a), bT, out32, 2, 2, 3, false, true);
 * assert.deepEqual([...out32], [58, 64, 139, 154]);
 * ```
 */
export function wasmMatmul(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): boolean {
  const rt = wasmRuntime();
  if (rt === null) return false;
  if (m === 0 || n === 0) return true;
  if (k === 0) {
    out.fill(0, 0, m * n);
    return true;
  }
  const dtype = out instanceof Float32Array ? "f32" : "f64";
  const { bytes, MR, NR } = GEMM[dtype];
  const panels = Math.ceil(n / NR);
  const aBytes = align(m * k * bytes), bBytes = align(k * n * bytes);
  const pbBytes = align(panels * NR * k * bytes), cBytes = align(m * n * bytes);
  // Where a goes: the kept copy, the kept place (taking it over), or after it.
  const free = freeStart(rt), kept = rt.kept;
  const hit = isKept(kept, a, m * k * bytes);
  const keep = !hit && aBytes >= KEEP_MIN_BYTES && (kept === null || m * k * bytes >= kept.bytes);
  const A = hit || keep ? rt.heap : free;
  const B = A + aBytes, PB = B + bBytes, C = PB + pbBytes;
  if (!reserve(rt, C + cBytes - rt.heap)) return false;
  if (!hit) {
    view(rt, dtype, A, m * k).set(a.subarray(0, m * k));
    if (keep) {
      rt.kept = { buffer: new WeakRef(a.buffer), offset: a.byteOffset, bytes: m * k * bytes };
    }
  }
  view(rt, dtype, B, k * n).set(b.subarray(0, k * n));
  const pack = dtype === "f32" ? rt.kernels.pack_b_f32 : rt.kernels.pack_b_f64;
  pack(B, transB ? k : n, transB ? 1 : 0, k, n, PB);

  const flops = 2 * m * n * k;
  const threads = flops < POOL_MIN_FLOPS ? 1 : usableThreads(rt);
  // Split the longer side of the result into chunks of whole micro-tiles.
  const byColumns = n > m;
  const [length, unit] = byColumns ? [n, NR] : [m, MR];
  const wanted = Math.min(
    threads === 1 ? 1 : threads * CHUNKS_PER_THREAD,
    Math.max(1, Math.floor(flops / MIN_CHUNK_FLOPS)),
  );
  const step = Math.ceil(Math.ceil(length / wanted) / unit) * unit;
  const job: GemmJob = {
    dtype,
    m,
    n,
    k,
    a: A,
    lda: transA ? m : k,
    transA,
    pb: PB,
    c: C,
    ldc: n,
    byColumns,
    step,
  };
  runJob(rt, job, Math.ceil(length / step), threads);
  out.set(view(rt, dtype, C, m * n));
  return true;
}
