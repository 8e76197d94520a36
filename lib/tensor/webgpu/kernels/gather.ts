/**
 * Gathering along an axis (`take`) and its backward, scatter-add. x is viewed
 * as [outer, size, inner]; the indices are int32, negative ones counting from
 * the end. A GPU cannot throw: an index still out of range reads 0 (gather) or
 * is skipped (scatter); the backend checks indices on the CPU where it has
 * them (see `GpuStorage.host`).
 *
 * @module
 */

import type { Kernel } from "../program.ts";
import type { GpuStorage } from "../storage.ts";
import { ELEMENTWISE_WORKGROUP, wgslType } from "./elementwise.ts";

const INDEX = `fn index_(j: u32) -> i32 {
  var t = idx_ld(j);
  if (t < 0) { t = t + i32(p.size); }
  if (t < 0 || t >= i32(p.size)) { return -1; }
  return t;
}`;

/**
 * What gather and scatter-add share: element i of the [outer, count, inner]
 * side is (o, j, r), and t is index j resolved (-1 when out of range). The
 * kernel's body follows, with i, o, r and t in scope.
 */
function gatherLayout(outer: number, count: number, inner: number, size: number) {
  const total = outer * count * inner;
  return {
    params: [
      { name: "n", type: "u32", value: total },
      { name: "size", type: "u32", value: size },
      { name: "count", type: "u32", value: count },
      { name: "inner", type: "u32", value: inner },
    ],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: Math.ceil(total / ELEMENTWISE_WORKGROUP),
    preamble: `${INDEX}
fn run(wg: u32, li: u32) {
  let i = wg * ${ELEMENTWISE_WORKGROUP}u + li;
  if (i >= p.n) { return; }
  let r = i % p.inner; let oj = i / p.inner;
  let j = oj % p.count; let o = oj / p.count;
  let t = index_(j);`,
  } as const;
}

/** `out[o, j, i] = x[o, indices[j], i]`, copied as bits. */
export function gatherKernel(
  x: GpuStorage,
  outer: number,
  size: number,
  inner: number,
  indices: GpuStorage,
  count: number,
  out: GpuStorage,
): Kernel {
  const { preamble, ...layout } = gatherLayout(outer, count, inner, size);
  return {
    label: "gather",
    operands: [
      { name: "x", storage: x, type: "u32", access: "read" },
      { name: "idx", storage: indices, type: "i32", access: "read" },
      { name: "out", storage: out, type: "u32", access: "write" },
    ],
    ...layout,
    code: `${preamble}
  if (t < 0) { out_st(i, 0u); return; }
  out_st(i, x_ld((o * p.size + u32(t)) * p.inner + r));
}`,
  };
}

/**
 * `out[o, indices[j], i] += g[o, j, i]` into a zero-filled `out`; repeated
 * indices add up (atomically: in any order, so float sums may differ in the
 * last bits from run to run).
 */
export function scatterAddKernel(
  g: GpuStorage,
  outer: number,
  count: number,
  inner: number,
  indices: GpuStorage,
  size: number,
  out: GpuStorage,
): Kernel {
  const { preamble, ...layout } = gatherLayout(outer, count, inner, size);
  const t = wgslType(g.dtype);
  return {
    label: `scatter_add_${t}`,
    operands: [
      { name: "g", storage: g, type: t, access: "read" },
      { name: "idx", storage: indices, type: "i32", access: "read" },
      { name: "out", storage: out, type: t, access: "atomic" },
    ],
    ...layout,
    code: `${preamble}
  if (t < 0) { return; }
  out_add((o * p.size + u32(t)) * p.inner + r, g_ld(i));
}`,
  };
}

/**
 * Checks `count` int32 labels against [0, classes): where one is outside,
 * words 0-2 of `flag` (the backend's error flag, 8 int32) become
 * [1, classes, label].
 * Every such invocation writes the same 1 and classes; the label is one of
 * the bad ones, whichever wrote last (a 32-bit store is never torn).
 */
export function labelCheckKernel(
  labels: GpuStorage,
  count: number,
  classes: number,
  flag: GpuStorage,
  ignore?: number,
): Kernel {
  return {
    label: "label_check",
    operands: [
      { name: "x", storage: labels, type: "i32", access: "read" },
      { name: "flag", storage: flag, type: "i32", access: "write" },
    ],
    params: [
      { name: "n", type: "u32", value: count },
      { name: "classes", type: "i32", value: classes },
      { name: "has_ignore", type: "u32", value: ignore === undefined ? 0 : 1 },
      { name: "ignore", type: "i32", value: ignore ?? 0 },
    ],
    workgroupSize: ELEMENTWISE_WORKGROUP,
    workgroups: Math.ceil(count / ELEMENTWISE_WORKGROUP),
    code: `fn run(wg: u32, li: u32) {
  let i = wg * ${ELEMENTWISE_WORKGROUP}u + li;
  if (i >= p.n) { return; }
  let v = x_ld(i);
  if (p.has_ignore != 0u && v == p.ignore) { return; }
  if (v < 0 || v >= p.classes) { flag_st(0u, 1); flag_st(1u, p.classes); flag_st(2u, v); }
}`,
  };
}
