/**
 * The CPU backend's WebAssembly kernels, written with `assembler.ts`. This
 * file is their source: `deno task build:wasm` turns it into the bytes kept in
 * `kernels_wasm.ts` (two builds: with relaxed SIMD's fused multiply-add, and
 * with plain SIMD for engines without it), and a test fails when they disagree.
 *
 * The matrix product is shaped like GotoBLAS/BLIS, as `../matmul.ts` is, but
 * with 128-bit SIMD and fused multiply-add:
 *
 * - `pack_b` copies all of op(b) once into panels NR columns wide, each k deep,
 *   zero-padded on the right, so the micro-kernel reads b in order and every
 *   thread shares one packed copy.
 * - `gemm` computes some rows of the product: it walks depth blocks of `KC`
 *   and row blocks of `MC`, and for each MR×NR tile of the result calls a
 *   micro-kernel that keeps the tile in 12 vector registers (MR = 6 rows by
 *   two vectors: 8 float32 or 4 float64 columns), loading one vector pair of b
 *   and broadcasting one element of a per row at each depth step.
 * - Rows of a stored row-major are read where they lie ("direct"); a stored
 *   transposed (the backward's `x.T · g`) is packed into MR-row panels first,
 *   as are the last rows when m is not a multiple of MR.
 * - Accuracy: the micro-kernel sums one depth block (at most `KC` terms) from
 *   zero in its registers and only then adds the block's tile into the result,
 *   as BLAS does, so each float32 element is a sum of block sums rather than
 *   one running sum of all k terms. The largest relative error on U[0, 1) data
 *   (tests/tensor/wasm_matmul_accuracy_test.ts) went from 1.5e-6, 1.2e-5 and
 *   1.7e-4 at k = 1,000, 60,000 and 10^6 to 3.4e-7, 6.4e-7 and 2.0e-6, with
 *   PyTorch's 4.5e-7, 7.5e-7 and 2.4e-6; the speed did not change measurably
 *   (one vector add per accumulator and block, `bench/wasm_matmul_gflops.ts`).
 *
 * Measured on our shared 2-core Xeon (`deno run -A bench/simd_ceiling.ts`):
 * a register-only loop of relaxed FMAs, the most 128-bit SIMD can do there,
 * runs at 40–44 GFLOP/s float32 and 18–21 float64 per core (two FMAs a cycle
 * at 2.7–2.8 GHz); the product reaches 65–80% of that on one core (27–32 and
 * 14–16), against 4.4 for the TypeScript kernel. OpenBLAS uses AVX-512, four
 * times as wide, and runs 2.5–3.5 times faster per core: even at the ceiling a
 * 128-bit kernel would reach only 0.35–0.5 of NumPy's float32 and 0.5–0.7 of
 * its float64. The 6×8 and 6×4 tiles (12 accumulators, 2 b vectors, one
 * broadcast: 15 of x64's 16 vector registers) were the fastest of 4×8, 5×8,
 * 8×8, 4×12 and 3×16 in our (noisy) measurements.
 *
 * All sizes and strides passed in are elements; addresses are bytes.
 *
 * @module
 */

import {
  call,
  type Code,
  f32,
  f32x4,
  f64,
  f64x2,
  forLoop,
  get,
  i32,
  ifThen,
  type Local,
  ModuleBuilder,
  select,
  set,
  v128,
} from "./assembler.ts";
import { GEMM, type KernelDType, MAX_PAGES } from "./kernel_shapes.ts";
import { elementwiseKernels } from "./kernels_elementwise.ts";
import { adamKernels } from "./kernels_adam.ts";
import { sigmoidKernels } from "./kernels_sigmoid.ts";

/** Depth steps the micro-kernel's main loop does per pass (then one at a time). */
const UNROLL = 4;

/** The 32-bit constant `n`. */
const c32 = (n: number): Code => i32.const(n);
/** `a + b` on i32 codes. */
const add = (a: Code, b: Code): Code => i32.add(a, b);
/** `a * b` on i32 codes. */
const mul = (a: Code, b: Code): Code => i32.mul(a, b);
/** The smaller of two i32 codes (each evaluated twice: keep them cheap). */
const min = (a: Code, b: Code): Code => select(i32.lt_s(a, b), a, b);
/** `local += step`. */
const inc = (l: Local, step: Code): Code => set(l, add(get(l), step));

/** The instructions that differ between float32 and float64 kernels. */
function typed(dtype: KernelDType) {
  return dtype === "f32"
    ? {
      vec: f32x4,
      splatLoad: v128.load32_splat,
      load: f32.load,
      store: f32.store,
      zero: f32x4.splat(f32.const(0)),
    }
    : {
      vec: f64x2,
      splatLoad: v128.load64_splat,
      load: f64.load,
      store: f64.store,
      zero: f64x2.splat(f64.const(0)),
    };
}

/**
 * The micro-kernel: the MR×NR tile at `c` (row stride `ldc` bytes) becomes
 * op(a)·op(b) over `kc` depth steps, plus its old value when `acc` is set.
 * `b` is a packed panel (NR values per depth step). With `direct`, row r of a
 * starts at `a + r·lda` and runs along depth; otherwise `a` is a packed panel
 * (MR values per depth step) and `lda` is unused.
 */
function microKernel(
  m: ModuleBuilder,
  dtype: KernelDType,
  direct: boolean,
  relaxed: boolean,
): number {
  const { bytes, MR, NR } = GEMM[dtype];
  const { vec, splatLoad, zero } = typed(dtype);
  const V = NR / (16 / bytes); // vectors per tile row
  const params = {
    a: "i32",
    lda: "i32",
    b: "i32",
    kc: "i32",
    c: "i32",
    ldc: "i32",
    acc: "i32",
  } as const;
  return m.func(
    `micro_${direct ? "direct" : "packed"}_${dtype}`,
    params,
    [],
    ({ params: { a, lda, b, kc, c, ldc, acc }, local }) => {
      const tile: Local[][] = [];
      for (let r = 0; r < MR; r++) tile.push(Array.from({ length: V }, () => local("v128")));
      const bv = Array.from({ length: V }, () => local("v128"));
      const av = local("v128");
      const p = local("i32"), row = local("i32"), end = local("i32");
      const rows = direct ? Array.from({ length: MR }, () => local("i32")) : [];

      // One depth step `u` of a pass: two vectors of b, then per row a broadcast and two FMAs.
      const step = (u: number): Code[] => {
        const code: Code[] = bv.map((x, v) =>
          set(x, v128.load(get(b), (u * NR + v * 16 / bytes) * bytes))
        );
        for (let r = 0; r < MR; r++) {
          const aAt = direct
            ? splatLoad(get(rows[r]), u * bytes)
            : splatLoad(get(a), (u * MR + r) * bytes);
          code.push(set(av, aAt));
          for (let v = 0; v < V; v++) {
            const [x, y, z] = [get(av), get(bv[v]), get(tile[r][v])];
            code.push(
              set(tile[r][v], relaxed ? vec.relaxed_madd(x, y, z) : vec.add(vec.mul(x, y), z)),
            );
          }
        }
        return code;
      };
      const advance = (steps: number): Code[] => [
        ...(direct
          ? rows.map((x) => inc(x, c32(steps * bytes)))
          : [inc(a, c32(steps * MR * bytes))]),
        inc(b, c32(steps * NR * bytes)),
      ];
      // The tile's rows, one after another: `row` walks c by ldc.
      const eachRow = (f: (r: number) => Code[]): Code[] => {
        const code: Code[] = [set(row, get(c))];
        for (let r = 0; r < MR; r++) code.push(...f(r), inc(row, get(ldc)));
        return code;
      };
      return [
        ...(direct ? rows.map((x, r) => set(x, add(get(a), mul(get(lda), c32(r))))) : []),
        // The tile starts at zero, not at c's old value: the block's kc terms
        // are summed among themselves, then added to c once (below). Starting
        // from c would make each element one float32 sum of all k terms, whose
        // rounding error grows with k (1.7e-4 relative at k = 10^6).
        ...tile.flat().map((x) => set(x, zero)),
        // Passes of UNROLL steps while they fit, then single steps.
        set(end, i32.sub(get(kc), c32(UNROLL - 1))),
        forLoop(p, c32(0), get(end), c32(UNROLL), [
          ...Array.from({ length: UNROLL }, (_, u) => step(u)).flat(),
          ...advance(UNROLL),
        ]),
        forLoop(p, get(p), get(kc), c32(1), [...step(0), ...advance(1)]),
        ifThen(
          get(acc),
          eachRow((r) =>
            tile[r].map((x, v) => set(x, vec.add(get(x), v128.load(get(row), v * 16))))
          ),
        ),
        ...eachRow((r) => tile[r].map((x, v) => v128.store(get(row), get(x), v * 16))),
      ];
    },
    false,
  );
}

/**
 * `pack_b(b, ldb, transB, k, n, dst)`: all of op(b) ([k×n]; `b` stored [k, n],
 * or [n, k] with `transB`) into panels of NR columns, panel after panel, each
 * k depth steps of NR values; columns past n are zeros.
 */
function packB(m: ModuleBuilder, dtype: KernelDType): number {
  const { bytes, NR } = GEMM[dtype];
  const { load, store } = typed(dtype);
  const params = { b: "i32", ldb: "i32", transB: "i32", k: "i32", n: "i32", dst: "i32" } as const;
  return m.func(
    `pack_b_${dtype}`,
    params,
    [],
    ({ params: { b, ldb, transB, k, n, dst }, local }) => {
      const j = local("i32"), p = local("i32"), col = local("i32"), cols = local("i32");
      const src = local("i32"), colStride = local("i32"), depthStride = local("i32");
      return [
        // Element (p, j) of op(b) is at b + p·depthStride + j·colStride.
        ifThen(
          get(transB),
          [set(colStride, mul(get(ldb), c32(bytes))), set(depthStride, c32(bytes))],
          [set(colStride, c32(bytes)), set(depthStride, mul(get(ldb), c32(bytes)))],
        ),
        forLoop(j, c32(0), get(n), c32(NR), [
          set(cols, min(c32(NR), i32.sub(get(n), get(j)))),
          set(src, add(get(b), mul(get(j), get(colStride)))),
          ifThen(
            i32.and(i32.eqz(get(transB)), i32.eq(get(cols), c32(NR))),
            // A full panel of a row-major b: each depth step is NR values in a row.
            forLoop(p, c32(0), get(k), c32(1), [
              v128.store(get(dst), v128.load(get(src))),
              v128.store(get(dst), v128.load(get(src), 16), 16),
              inc(src, get(depthStride)),
              inc(dst, c32(NR * bytes)),
            ]),
            forLoop(p, c32(0), get(k), c32(1), [
              forLoop(col, c32(0), c32(NR), c32(1), [
                ifThen(
                  i32.lt_s(get(col), get(cols)),
                  store(get(dst), load(add(get(src), mul(get(col), get(colStride))))),
                  store(get(dst), dtype === "f32" ? f32.const(0) : f64.const(0)),
                ),
                inc(dst, c32(bytes)),
              ]),
              inc(src, get(depthStride)),
            ]),
          ),
        ]),
      ];
    },
  );
}

/**
 * `pack_a(a, rowStride, depthStride, rows, kc, dst)`: `rows` rows of a block
 * of op(a), `kc` deep, into panels of MR rows: per depth step MR values; rows
 * past `rows` are zeros. Strides are bytes.
 */
function packA(m: ModuleBuilder, dtype: KernelDType): number {
  const { bytes, MR } = GEMM[dtype];
  const { load, store } = typed(dtype);
  const zero = dtype === "f32" ? f32.const(0) : f64.const(0);
  const params = { a: "i32", rs: "i32", ds: "i32", rows: "i32", kc: "i32", dst: "i32" } as const;
  return m.func(
    `pack_a_${dtype}`,
    params,
    [],
    ({ params: { a, rs, ds, rows, kc, dst }, local }) => {
      const i = local("i32"), p = local("i32"), r = local("i32"), height = local("i32");
      const src = local("i32");
      // MR contiguous elements (a stored transposed: a panel's rows lie side by
      // side) move as 16-byte vectors and, for float32's 24 bytes, one 8-byte
      // double: loads and stores keep a double's bits, whatever they are.
      const contiguous: Code[] = [];
      for (let at = 0; at + 16 <= MR * bytes; at += 16) {
        contiguous.push(v128.store(get(dst), v128.load(get(src), at), at));
      }
      if ((MR * bytes) % 16 !== 0) {
        const at = MR * bytes - 8;
        contiguous.push(f64.store(get(dst), f64.load(get(src), at), at));
      }
      return forLoop(i, c32(0), get(rows), c32(MR), [
        set(height, min(c32(MR), i32.sub(get(rows), get(i)))),
        set(src, add(get(a), mul(get(i), get(rs)))),
        ifThen(
          i32.and(i32.eq(get(height), c32(MR)), i32.eq(get(rs), c32(bytes))),
          forLoop(p, c32(0), get(kc), c32(1), [
            ...contiguous,
            inc(src, get(ds)),
            inc(dst, c32(MR * bytes)),
          ]),
          forLoop(p, c32(0), get(kc), c32(1), [
            forLoop(r, c32(0), c32(MR), c32(1), [
              ifThen(
                i32.lt_s(get(r), get(height)),
                store(get(dst), load(add(get(src), mul(get(r), get(rs))))),
                store(get(dst), zero),
              ),
              inc(dst, c32(bytes)),
            ]),
            inc(src, get(ds)),
          ]),
        ),
      ]);
    },
    false,
  );
}

/**
 * `copy_tile(from, fromStride, to, toStride, rows, cols)`: a rows×cols block
 * of elements between two row-major places (strides in bytes); it moves a
 * ragged edge tile of the result through a full-size scratch tile.
 */
function copyTile(m: ModuleBuilder, dtype: KernelDType): number {
  const { bytes } = GEMM[dtype];
  const { load, store } = typed(dtype);
  const params = {
    from: "i32",
    fs: "i32",
    to: "i32",
    ts: "i32",
    rows: "i32",
    cols: "i32",
  } as const;
  return m.func(
    `copy_tile_${dtype}`,
    params,
    [],
    ({ params: { from, fs, to, ts, rows, cols }, local }) => {
      const r = local("i32"), j = local("i32");
      return forLoop(r, c32(0), get(rows), c32(1), [
        forLoop(j, c32(0), get(cols), c32(1), [
          store(
            add(get(to), mul(get(j), c32(bytes))),
            load(add(get(from), mul(get(j), c32(bytes)))),
          ),
        ]),
        inc(from, get(fs)),
        inc(to, get(ts)),
      ]);
    },
    false,
  );
}

/**
 * `gemm(m, n, k, a, lda, transA, pb, c, ldc, scratch)`: the m×n result at `c`
 * (row stride `ldc`) becomes op(a)·op(b), where op(a) is [m×k] (`a` stored
 * [m, k], or [k, m] with `transA`) and `pb` holds op(b) packed by `pack_b`
 * for this k (its panels may start at any panel, so a thread can take a range
 * of columns). `scratch` holds `gemmScratchBytes` bytes of this thread's own.
 */
function gemm(m: ModuleBuilder, dtype: KernelDType, relaxed: boolean): number {
  const { bytes, MR, NR, KC, MC } = GEMM[dtype];
  const direct = microKernel(m, dtype, true, relaxed);
  const packed = microKernel(m, dtype, false, relaxed);
  const pack = packA(m, dtype);
  const copy = copyTile(m, dtype);
  const params = {
    m: "i32",
    n: "i32",
    k: "i32",
    a: "i32",
    lda: "i32",
    transA: "i32",
    pb: "i32",
    c: "i32",
    ldc: "i32",
    scratch: "i32",
  } as const;
  return m.func(
    `gemm_${dtype}`,
    params,
    [],
    ({ params: p, local }) => {
      const L = () => local("i32");
      const pc = L(), kc = L(), acc = L(), ic = L(), mc = L(), jr = L(), cols = L(), ir = L();
      const rows = L(), bp = L(), cp = L(), full = L(), tail = L(), aBlock = L();
      const rowStride = L(), depthStride = L(), ldcB = L(), temp = L(), kstep = L();
      const tileBytes = NR * bytes;
      // Where element (i, d) of op(a) lives: a + i·rowStride + d·depthStride.
      return [
        ifThen(
          get(p.transA),
          [set(rowStride, c32(bytes)), set(depthStride, mul(get(p.lda), c32(bytes)))],
          [set(rowStride, mul(get(p.lda), c32(bytes))), set(depthStride, c32(bytes))],
        ),
        set(ldcB, mul(get(p.ldc), c32(bytes))),
        set(temp, add(get(p.scratch), c32(MC * KC * bytes))),
        // Depth blocks of equal size (784 → 4 × 196, not 3 × 256 + 16): a short
        // last block would load and store the result once more for little work.
        set(kstep, i32.div_s(add(get(p.k), c32(KC - 1)), c32(KC))),
        set(kstep, i32.div_s(add(get(p.k), i32.sub(get(kstep), c32(1))), get(kstep))),
        forLoop(pc, c32(0), get(p.k), get(kstep), [
          set(kc, min(get(kstep), i32.sub(get(p.k), get(pc)))),
          set(acc, i32.gt_s(get(pc), c32(0))),
          forLoop(ic, c32(0), get(p.m), c32(MC), [
            set(mc, min(c32(MC), i32.sub(get(p.m), get(ic)))),
            set(
              aBlock,
              add(add(get(p.a), mul(get(ic), get(rowStride))), mul(get(pc), get(depthStride))),
            ),
            // Rows past the last full MR rows: always packed (zero-padded).
            set(tail, mul(i32.div_s(get(mc), c32(MR)), c32(MR))),
            ifThen(
              get(p.transA),
              call(
                pack,
                get(aBlock),
                get(rowStride),
                get(depthStride),
                get(mc),
                get(kc),
                get(p.scratch),
              ),
              ifThen(
                i32.lt_s(get(tail), get(mc)),
                call(
                  pack,
                  add(get(aBlock), mul(get(tail), get(rowStride))),
                  get(rowStride),
                  get(depthStride),
                  i32.sub(get(mc), get(tail)),
                  get(kc),
                  get(p.scratch),
                ),
              ),
            ),
            forLoop(jr, c32(0), get(p.n), c32(NR), [
              set(cols, min(c32(NR), i32.sub(get(p.n), get(jr)))),
              set(
                bp,
                add(
                  get(p.pb),
                  add(mul(get(jr), mul(get(p.k), c32(bytes))), mul(get(pc), c32(NR * bytes))),
                ),
              ),
              forLoop(ir, c32(0), get(mc), c32(MR), [
                set(rows, min(c32(MR), i32.sub(get(mc), get(ir)))),
                set(
                  cp,
                  add(
                    get(p.c),
                    add(mul(add(get(ic), get(ir)), get(ldcB)), mul(get(jr), c32(bytes))),
                  ),
                ),
                set(full, i32.and(i32.eq(get(rows), c32(MR)), i32.eq(get(cols), c32(NR)))),
                // A ragged tile goes through `temp`, a full MR×NR tile.
                ifThen(
                  i32.and(i32.eqz(get(full)), get(acc)),
                  call(copy, get(cp), get(ldcB), get(temp), c32(tileBytes), get(rows), get(cols)),
                ),
                ifThen(
                  i32.and(i32.eqz(get(p.transA)), i32.lt_s(get(ir), get(tail))),
                  call(
                    direct,
                    add(get(aBlock), mul(get(ir), get(rowStride))),
                    get(rowStride),
                    get(bp),
                    get(kc),
                    select(get(full), get(cp), get(temp)),
                    select(get(full), get(ldcB), c32(tileBytes)),
                    get(acc),
                  ),
                  call(
                    packed,
                    // The packed panel: all rows of a transposed a, or just the tail.
                    add(
                      get(p.scratch),
                      mul(
                        select(get(p.transA), get(ir), c32(0)),
                        mul(get(kc), c32(bytes)),
                      ),
                    ),
                    c32(0),
                    get(bp),
                    get(kc),
                    select(get(full), get(cp), get(temp)),
                    select(get(full), get(ldcB), c32(tileBytes)),
                    get(acc),
                  ),
                ),
                ifThen(
                  i32.eqz(get(full)),
                  call(copy, get(temp), c32(tileBytes), get(cp), get(ldcB), get(rows), get(cols)),
                ),
              ]),
            ]),
          ]),
        ]),
      ];
    },
  );
}

/** How to build the kernels. */
export interface KernelOptions {
  /**
   * Multiply-add with relaxed SIMD's `relaxed_madd` (one fused instruction
   * where the hardware has it; the default), or with `mul` then `add`, for
   * engines without relaxed SIMD (half the speed).
   */
  relaxed?: boolean;
}

/**
 * The kernels' module: for each float type, `pack_b_*` and `gemm_*`, and the
 * element-wise `binary_*` and `unary_*` of `kernels_elementwise.ts`, Adam's step
 * (`kernels_adam.ts`) and the sigmoid network's pass (`kernels_sigmoid.ts`, which
 * imports `Math.exp` and `Math.log`: instantiate with `kernelImports`).
 *
 * @example A 2×2 product: pack b, then multiply (addresses are bytes)
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildKernels } from "./kernels.ts";
 * import { kernelImports } from "./jobs.ts";
 * const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
 * const { exports } = new WebAssembly.Instance(
 *   new WebAssembly.Module(buildKernels()),
 *   kernelImports(memory),
 * );
 * const kernels = exports as Record<string, (...args: number[]) => void>;
 * const f64 = new Float64Array(memory.buffer as unknown as ArrayBuffer);
 * f64.set([1, 2, 3, 4], 0); // a = [[1, 2], [3, 4]] at byte 0
 * f64.set([5, 6, 7, 8], 4); // b = [[5, 6], [7, 8]] at byte 32
 * kernels.pack_b_f64(32, 2, 0, 2, 2, 64); // op(b) packed at byte 64
 * kernels.gemm_f64(2, 2, 2, 0, 2, 0, 64, 1024, 2, 4096); // c at byte 1024
 * assert.deepEqual([...f64.subarray(128, 132)], [19, 22, 43, 50]);
 * ```
 */
export function buildKernels(options: KernelOptions = {}): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder({ initial: 1, maximum: MAX_PAGES });
  for (const dtype of ["f32", "f64"] as const) {
    packB(m, dtype);
    gemm(m, dtype, options.relaxed ?? true);
  }
  elementwiseKernels(m);
  adamKernels(m);
  sigmoidKernels(m);
  return m.bytes();
}
