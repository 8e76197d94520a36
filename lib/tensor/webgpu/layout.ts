/**
 * Index arithmetic shared by the element-wise and copy kernels: strided views
 * simplified to as few axes as possible, and the WGSL that turns a flat output
 * index into an element offset in each operand.
 *
 * @module
 */

import type { Param } from "./program.ts";

/** A shape with one stride list per operand, all of the same length. */
export interface Strided {
  /** The sizes of the (merged) axes. */
  shape: number[];
  /** Per operand, its element stride along each axis. */
  strides: number[][];
}

/**
 * Drops axes of size 1 and merges neighbouring axes that every operand walks
 * contiguously (stride[i] = stride[i + 1] · shape[i + 1]). A bias added to a
 * [60000, 128] matrix stays two axes; two tensors of one shape become one
 * axis, and the kernel does no division at all.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): Strided {
  const keep = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const i of keep) {
    const last = outShape.length - 1;
    const mergeable = last >= 0 &&
      strides.every((s, k) => outStrides[k][last] === s[i] * shape[i]);
    if (mergeable) {
      outShape[last] *= shape[i];
      strides.forEach((s, k) => (outStrides[k][last] = s[i]));
    } else {
      outShape.push(shape[i]);
      strides.forEach((s, k) => outStrides[k].push(s[i]));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

/** The parameters `d0…`, `<name>0…` holding a coalesced layout's sizes and strides. */
export function layoutParams(layout: Strided, names: readonly string[]): Param[] {
  const params: Param[] = layout.shape.map((d, i) => ({ name: `d${i}`, type: "u32", value: d }));
  names.forEach((name, k) =>
    layout.strides[k].forEach((s, i) => params.push({ name: `${name}${i}`, type: "u32", value: s }))
  );
  return params;
}

/**
 * WGSL that declares `var <name>: u32` for each operand, the offset of flat
 * index `i` through that operand's strides (rank known when the shader is made).
 */
export function offsetsCode(rank: number, names: readonly string[]): string {
  const lines = [`var r = i;`, ...names.map((n) => `var ${n} = 0u;`)];
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(`{ let c = r % p.d${d}; r = r / p.d${d};`);
    for (const n of names) lines.push(`  ${n} += c * p.${n}${d};`);
    lines.push("}");
  }
  for (const n of names) lines.push(`${n} += r * p.${n}0;`);
  return lines.join("\n  ");
}
