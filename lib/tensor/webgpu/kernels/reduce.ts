/**
 * Reductions along one axis of x viewed as [outer, n, inner] into [outer, inner]:
 * sum, prod, max, min, argmax, argmin.
 *
 * One invocation per output walks its stretch of the axis (neighbouring
 * invocations read neighbouring memory when inner > 1). With few outputs and a
 * long axis (a whole-tensor sum, column sums over 60000 rows) that would leave
 * the GPU idle, and long axes add up rounding errors, so the axis is cut into
 * chunks of at most 1024: a first pass reduces each chunk, a second the
 * chunks' results. No workgroup memory: on llvmpipe a workgroup-memory tree
 * for max took over 3 s to compile against 20 ms for these loops. Max and
 * argmax follow NumPy: NaN wins, the first index wins a tie.
 *
 * @module
 */

import type { ReduceOp } from "../../backend.ts";
import type { Kernel, Operand } from "../program.ts";
import type { GpuStorage } from "../storage.ts";
import { wgslType } from "./elementwise.ts";

/** Invocations per workgroup. */
const WORKGROUP = 128;

/**
 * How many chunks to cut an axis of `n` into when there are `outputs`
 * results: enough invocations to fill a GPU (about 16384), chunks of at least
 * 64 elements.
 */
export function reduceChunks(outputs: number, n: number): number {
  const wanted = Math.min(Math.ceil(16384 / Math.max(outputs, 1)), Math.ceil(n / 64));
  // At most 1024 terms a chunk, which also bounds a float sum's rounding error.
  const chunks = Math.max(1, wanted, Math.ceil(n / 1024));
  return Math.ceil(n / Math.ceil(n / chunks));
}

/** WGSL: whether `v` (found later on the axis) replaces the running `best`. */
function better(op: ReduceOp, t: "f32" | "i32"): string {
  const cmp = op === "max" || op === "argmax" ? ">" : "<";
  return t === "i32" ? `v ${cmp} best` : `v ${cmp} best || (v != v && best == best)`;
}

/**
 * The first pass (or the only one, with `chunks` 1): for each output and chunk,
 * reduces x[o, k, i] over the chunk's k into `values` (the sum or the extreme)
 * and, for argmax/argmin, `indices` (the index along the whole axis).
 */
export function reduceKernel(
  op: ReduceOp,
  x: GpuStorage,
  outer: number,
  n: number,
  inner: number,
  chunks: number,
  values: GpuStorage | null,
  indices: GpuStorage | null,
): Kernel {
  const t = wgslType(x.dtype);
  const total = outer * chunks * inner;
  const operands: Operand[] = [{ name: "x", storage: x, type: t, access: "read" }];
  if (values !== null) {
    operands.push({ name: "val", storage: values, type: wgslType(values.dtype), access: "write" });
  }
  if (indices !== null) {
    operands.push({ name: "idx", storage: indices, type: "i32", access: "write" });
  }
  const store = [
    values === null
      ? ""
      : `val_st(o, ${wgslType(values.dtype)}(${op === "sum" || op === "prod" ? "acc" : "best"}));`,
    indices === null ? "" : "idx_st(o, i32(bk));",
  ].join(" ");
  // Sums add blocks of 32 terms, then the blocks: the rounding error grows with
  // 32 + n/32 rather than n. (Kahan's compensation would be better, but shader
  // compilers may simplify it away: llvmpipe does.)
  // Products multiply in order (an i32 product wraps modulo 2³², as WGSL defines it).
  const body = op === "prod"
    ? `var acc = ${t}(1);
  for (var k = k0; k < k1; k++) { acc = acc * x_ld(base + k * p.inner); }`
    : op === "sum"
    ? `var acc = ${t}(0); var block = ${t}(0); var m = 0u;
  for (var k = k0; k < k1; k++) {
    block = block + x_ld(base + k * p.inner);
    m = m + 1u;
    if (m == 32u) { acc = acc + block; block = ${t}(0); m = 0u; }
  }
  acc = acc + block;`
    : `var best = x_ld(base + k0 * p.inner); var bk = k0;
  for (var k = k0 + 1u; k < k1; k++) {
    let v = x_ld(base + k * p.inner);
    if (${better(op, t)}) { best = v; bk = k; }
  }`;
  return {
    label: `reduce_${op}_${t}${values === null ? "" : "_val"}${indices === null ? "" : "_idx"}`,
    operands,
    params: [
      { name: "total", type: "u32", value: total },
      { name: "n", type: "u32", value: n },
      { name: "inner", type: "u32", value: inner },
      { name: "chunks", type: "u32", value: chunks },
      { name: "len", type: "u32", value: Math.ceil(n / chunks) },
    ],
    workgroupSize: WORKGROUP,
    workgroups: Math.ceil(total / WORKGROUP),
    code: `fn run(wg: u32, li: u32) {
  let o = wg * ${WORKGROUP}u + li;
  if (o >= p.total) { return; }
  let r = o % p.inner; let oc = o / p.inner;
  let c = oc % p.chunks; let outer = oc / p.chunks;
  let base = outer * p.n * p.inner + r;
  let k0 = c * p.len; let k1 = min(p.n, k0 + p.len);
  ${body}
  ${store}
}`,
  };
}

/**
 * The second pass of argmax/argmin: picks, per output, the chunk whose extreme
 * is best (the earlier chunk on a tie) and writes that chunk's index.
 */
export function argCombineKernel(
  op: "argmax" | "argmin",
  values: GpuStorage,
  indices: GpuStorage,
  outer: number,
  chunks: number,
  inner: number,
  out: GpuStorage,
): Kernel {
  const t = wgslType(values.dtype);
  const total = outer * inner;
  return {
    label: `reduce_${op}_${t}_combine`,
    operands: [
      { name: "val", storage: values, type: t, access: "read" },
      { name: "idx", storage: indices, type: "i32", access: "read" },
      { name: "out", storage: out, type: "i32", access: "write" },
    ],
    params: [
      { name: "total", type: "u32", value: total },
      { name: "chunks", type: "u32", value: chunks },
      { name: "inner", type: "u32", value: inner },
    ],
    workgroupSize: WORKGROUP,
    workgroups: Math.ceil(total / WORKGROUP),
    code: `fn run(wg: u32, li: u32) {
  let o = wg * ${WORKGROUP}u + li;
  if (o >= p.total) { return; }
  let r = o % p.inner; let outer = o / p.inner;
  let base = outer * p.chunks * p.inner + r;
  var best = val_ld(base); var bk = idx_ld(base);
  for (var c = 1u; c < p.chunks; c++) {
    let v = val_ld(base + c * p.inner);
    if (${better(op, t)}) { best = v; bk = idx_ld(base + c * p.inner); }
  }
  out_st(o, bk);
}`,
  };
}
