/**
 * What the kernels' callers need to know of them, without the code that
 * builds them (`kernels.ts` and the assembler, which only `deno task
 * build:wasm` and the tests load): the float types, the product's tile and
 * block sizes, the most memory, and which element-wise ops have kernels.
 *
 * @module
 */

/** The float types the kernels come in. */
export type KernelDType = "f32" | "f64";

/** Tile and block sizes of the matrix product, per float type. */
export interface GemmShape {
  /** Bytes per element. */
  readonly bytes: number;
  /** Rows of the micro-tile. */
  readonly MR: number;
  /** Columns of the micro-tile (two vectors). */
  readonly NR: number;
  /** Depth of a block: an MR×KC panel of a and a KC×NR panel of b stay in L1. */
  readonly KC: number;
  /** Rows of a block of a: MC×KC elements stay in L2. */
  readonly MC: number;
}

/** The tile and block sizes the kernels are built with. */
export const GEMM: Readonly<Record<KernelDType, GemmShape>> = {
  f32: { bytes: 4, MR: 6, NR: 8, KC: 256, MC: 96 },
  f64: { bytes: 8, MR: 6, NR: 4, KC: 256, MC: 48 },
};

/**
 * The scratch bytes one thread's `gemm` needs: packed a panels and one result tile.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmScratchBytes } from "./kernel_shapes.ts";
 * assert.equal(gemmScratchBytes("f32"), (96 * 256 + 6 * 8) * 4);
 * ```
 */
export function gemmScratchBytes(dtype: KernelDType): number {
  const { bytes, MR, NR, KC, MC } = GEMM[dtype];
  return (MC * KC + MR * NR) * bytes;
}

/** The two-operand ops with kernels. */
export const BINARY_KERNELS = ["add", "sub", "mul", "div", "gt", "lt", "ge", "le", "eq"] as const;
/** The one-operand ops with kernels. */
export const UNARY_KERNELS = ["relu", "neg", "sqrt", "abs"] as const;

/** An op of `BINARY_KERNELS`. */
export type BinaryKernel = typeof BINARY_KERNELS[number];
/** An op of `UNARY_KERNELS`. */
export type UnaryKernel = typeof UNARY_KERNELS[number];

/** The most 64 KiB pages the shared memory may grow to (4 GiB, all a 32-bit address reaches). */
export const MAX_PAGES = 65536;
