/**
 * Running sums and products (`Backend.scan`) along one axis of x viewed as
 * [outer, n, inner]: one invocation per slice walks it in order (or from the
 * end, for `reverse`), writing each running value. Simple rather than fast:
 * a slice's n steps run one after another, which is what the CPU does too,
 * and a float32 sum keeps f32 (the CPU's keeps float64, so long sums differ
 * by rounding). An i32 sum or product wraps modulo 2³², as WGSL defines it.
 *
 * @module
 */

import type { ScanOp } from "../../backend.ts";
import type { Kernel } from "../program.ts";
import type { GpuStorage } from "../storage.ts";
import { wgslType } from "./elementwise.ts";

/** Invocations per workgroup. */
const WORKGROUP = 128;

/** The scan of `x` along its middle axis into `out` (same size). */
export function scanKernel(
  op: ScanOp,
  x: GpuStorage,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
  out: GpuStorage,
): Kernel {
  const t = wgslType(x.dtype);
  const total = outer * inner;
  const combine = op === "sum" ? "acc + v" : "acc * v";
  return {
    label: `scan_${op}_${t}${reverse ? "_reverse" : ""}`,
    operands: [
      { name: "x", storage: x, type: t, access: "read" },
      { name: "out", storage: out, type: t, access: "write" },
    ],
    params: [
      { name: "total", type: "u32", value: total },
      { name: "n", type: "u32", value: n },
      { name: "inner", type: "u32", value: inner },
    ],
    workgroupSize: WORKGROUP,
    workgroups: Math.ceil(total / WORKGROUP),
    code: `fn run(wg: u32, li: u32) {
  let o = wg * ${WORKGROUP}u + li;
  if (o >= p.total) { return; }
  let r = o % p.inner; let outer = o / p.inner;
  let base = outer * p.n * p.inner + r;
  var acc = ${t}(${op === "sum" ? 0 : 1});
  for (var s = 0u; s < p.n; s++) {
    let at = base + ${reverse ? "(p.n - 1u - s)" : "s"} * p.inner;
    let v = x_ld(at);
    acc = ${combine};
    out_st(at, acc);
  }
}`,
  };
}
