/**
 * Running sums and products (`Backend.scan`) along one axis of x viewed as
 * [outer, n, inner]: one invocation per slice walks it in order (or from the
 * end, for `reverse`), writing each running value. Simple rather than fast:
 * a slice's n steps run one after another, which is what the CPU does too,
 * and a float32 sum keeps f32 (the CPU's keeps float64, so long sums differ
 * by rounding). An i32 running sum or product never wraps silently: given
 * the backend's error flag, the i32 variant checks each step (the running
 * value before it is exact, so a step leaves the int32 range exactly when its
 * i32 sum or product overflows) and raises a code there, which the next read
 * turns into a RangeError.
 *
 * @module
 */

import type { ScanOp } from "../../backend.ts";
import type { Kernel } from "../program.ts";
import type { GpuStorage } from "../storage.ts";
import { wgslType } from "./elementwise.ts";
import { OVERFLOW_CODES, OVERFLOW_WORD } from "./reduce.ts";

/** WGSL: whether the i32 product a·b is in the int32 range (exact, in u32 magnitudes). */
const MUL_FITS = `fn mul_fits_(a: i32, b: i32) -> bool {
  let ma = select(bitcast<u32>(a), 0u - bitcast<u32>(a), a < 0i);
  let mb = select(bitcast<u32>(b), 0u - bitcast<u32>(b), b < 0i);
  if (ma == 0u || mb == 0u) { return true; }
  if (mb > 0xffffffffu / ma) { return false; }
  return ma * mb <= select(0x7fffffffu, 0x80000000u, (a < 0i) != (b < 0i));
}
`;

/** Invocations per workgroup. */
const WORKGROUP = 128;

/**
 * The scan of `x` along its middle axis into `out` (same size); an int32 one
 * checks each step against the int32 range, raising `flag` (the backend's
 * error flag, 8 int32) where it leaves it.
 */
export function scanKernel(
  op: ScanOp,
  x: GpuStorage,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
  out: GpuStorage,
  flag?: GpuStorage,
): Kernel {
  const t = wgslType(x.dtype);
  const total = outer * inner;
  const combine = op === "sum" ? "acc + v" : "acc * v";
  const checked = flag !== undefined;
  if (checked && t !== "i32") throw new TypeError("scanKernel: only an int32 scan is checked");
  const raise = `flag_st(${OVERFLOW_WORD}u, ${
    OVERFLOW_CODES[op === "sum" ? "cumsum" : "cumprod"]
  }i);`;
  // A sum leaves the range when two terms of the same sign give the other sign.
  const check = !checked
    ? ""
    : op === "sum"
    ? `\n    let s = acc + v;\n    if (((acc ^ s) & (v ^ s)) < 0i) { ${raise} }`
    : `\n    if (!mul_fits_(acc, v)) { ${raise} }`;
  return {
    label: `scan_${op}_${t}${reverse ? "_reverse" : ""}${checked ? "_checked" : ""}`,
    operands: [
      { name: "x", storage: x, type: t, access: "read" },
      { name: "out", storage: out, type: t, access: "write" },
      ...(checked ? [{ name: "flag", storage: flag, type: "i32", access: "write" } as const] : []),
    ],
    params: [
      { name: "total", type: "u32", value: total },
      { name: "n", type: "u32", value: n },
      { name: "inner", type: "u32", value: inner },
    ],
    workgroupSize: WORKGROUP,
    workgroups: Math.ceil(total / WORKGROUP),
    code: `${checked && op === "prod" ? MUL_FITS : ""}fn run(wg: u32, li: u32) {
  let o = wg * ${WORKGROUP}u + li;
  if (o >= p.total) { return; }
  let r = o % p.inner; let outer = o / p.inner;
  let base = outer * p.n * p.inner + r;
  var acc = ${t}(${op === "sum" ? 0 : 1});
  for (var s = 0u; s < p.n; s++) {
    let at = base + ${reverse ? "(p.n - 1u - s)" : "s"} * p.inner;
    let v = x_ld(at);${check}
    acc = ${combine};
    out_st(at, acc);
  }
}`,
  };
}
