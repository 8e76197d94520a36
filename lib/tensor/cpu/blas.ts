/**
 * The platform's BLAS through Deno's FFI, for float32 and float64 products:
 * Accelerate on macOS, OpenBLAS or MKL elsewhere. Their kernels use the
 * machine's widest vectors (AVX-512 where there is one), four times what
 * WebAssembly's 128-bit SIMD can do, so a large product runs there when the
 * process may load a library (`--allow-ffi`, or `-A`) and an optimised one is
 * found: in the usual library paths, or the one `NN_BLAS=/path/to/lib` names.
 * `NN_BLAS=0` turns it off. Without the permission or a library, the
 * WebAssembly kernels run as before, and nothing prompts: the permission is
 * queried, never requested.
 *
 * A reference BLAS (Netlib's `libblas.so.3`) is never used: it is slower than
 * the WebAssembly kernels. A library counts as optimised when it exports an
 * OpenBLAS or MKL symbol (`openblas_get_config`, `MKL_Get_Version_String`) or
 * is the Accelerate framework.
 *
 * Every float product goes to it, the smallest too: Deno's FFI call costs
 * well under a microsecond, and OpenBLAS ran Part4-2's [118, 2]·[2, 10] in
 * 0.35 µs where the WebAssembly kernels, with their copies, took 1.1 µs (an
 * 8×8 product 0.12 against 0.49, 128×784·784×128 float32 175 against 420;
 * `bench/blas_crossover.ts`, 2 cores): there is no size where they win.
 *
 * The operands are passed as they are: Deno's FFI hands the library a pointer
 * into each typed array (a `subarray` for one matrix of a batch), so nothing
 * is copied either way.
 *
 * @module
 */

import { envVar, hostOs } from "../../host.ts";
import type { FloatArray } from "../dtype.ts";
import { threadCount, wasmRuntime } from "./wasm/runtime.ts";
import { deno, ffiGranted } from "./ffi.ts";

/**
 * The most bytes of A one library call multiplies; a taller A goes in panels of
 * rows. Why: Debian's OpenBLAS 0.3.21 touches buffer memory for about half of
 * A's bytes in one call (176 MB more resident memory for the book's
 * 60000×784 float64 images times W1, against NumPy's own OpenBLAS's 62 MB);
 * in panels of 32 MB it touches 17 MB, for a product 2–6 % slower
 * (`bench/blas_panels.ts`). The values agree with one call's to float
 * rounding, not always to the bit: the library picks its kernels by size.
 */
let panels: Panels = { bytes: 32 * 2 ** 20, minRows: 1024 };

/**
 * How a tall A is split (see `setPanels`): at most `bytes` of A a call, and
 * never panels of fewer than `minRows` rows (the backward's `Xᵀ·dz`, 784 rows
 * of 60,000 values, ran 25 % slower a whole epoch in panels of 66 rows).
 */
export interface Panels {
  /** The most bytes of A one library call multiplies. */
  bytes: number;
  /** The fewest rows of A in a panel; an A of fewer rows than twice this goes whole. */
  minRows: number;
}

/**
 * Sets how a tall A is split into panels of rows (`{ bytes: Infinity }`: all
 * of A in one call); returns the previous setting. For tests and benchmarks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setPanels } from "./blas.ts";
 * const before = setPanels({ bytes: Infinity, minRows: 1 });
 * assert.deepEqual(before, { bytes: 32 * 2 ** 20, minRows: 1024 });
 * setPanels(before);
 * ```
 */
export function setPanels(next: Panels): Panels {
  if (!(next.bytes > 0) || !(next.minRows >= 1)) {
    throw new RangeError(
      `setPanels: expected positive bytes and minRows, found ${next.bytes} and ${next.minRows}`,
    );
  }
  const before = panels;
  panels = { ...next };
  return before;
}

/** CBLAS's enumerations. */
const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/** `cblas_?gemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)`. */
function gemmSymbol<R extends "f32" | "f64">(real: R) {
  return {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      real,
      "buffer",
      "i32",
      "buffer",
      "i32",
      real,
      "buffer",
      "i32",
    ],
    result: "void",
  } as const;
}

/** The symbols looked up: the two products, and the ones that tell which library it is. */
const SYMBOLS = {
  cblas_sgemm: gemmSymbol("f32"),
  cblas_dgemm: gemmSymbol("f64"),
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  MKL_Get_Version_String: { parameters: ["buffer", "i32"], result: "void", optional: true },
  MKL_Get_Max_Threads: { parameters: [], result: "i32", optional: true },
  MKL_Set_Num_Threads: { parameters: ["i32"], result: "void", optional: true },
} as const;

type Library = Deno.DynamicLibrary<typeof SYMBOLS>;

/** Where each platform keeps its optimised BLAS, in the order they are tried. */
const CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  darwin: ["/System/Library/Frameworks/Accelerate.framework/Accelerate"],
  linux: ["libopenblas.so.0", "libopenblas.so", "libmkl_rt.so.2", "libmkl_rt.so"],
  windows: ["libopenblas.dll", "openblas.dll", "mkl_rt.2.dll", "mkl_rt.dll"],
};

/** An optimised BLAS, loaded. */
export interface Blas {
  /** What it is, as the library says: `"OpenBLAS 0.3.21 (… Haswell …), 2 threads"`. */
  readonly name: string;
  /** The name or path it was loaded from. */
  readonly path: string;
  /**
   * `out[m×n] = op(a)·op(b)`, with the argument order and transpose flags of
   * `./matmul.ts`: `a` holds m×k (k×m when `transA`), `b` k×n (n×k when
   * `transB`), all row-major; m, n and k must be positive.
   */
  gemm(
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
  ): void;
  /** Sets the library's thread count (Accelerate chooses its own and ignores it). */
  setThreads(threads: number): void;
}

/** ", 2 threads", ", 1 thread", or nothing when the library does not say. */
function threadWords(threads: number): string {
  return threads > 0 ? `, ${threads} thread${threads === 1 ? "" : "s"}` : "";
}

/** The library's own description, or null when it is neither OpenBLAS, MKL nor Accelerate. */
function identify(lib: Library, path: string): string | null {
  const s = lib.symbols;
  if (s.openblas_get_config !== null) {
    const pointer = s.openblas_get_config();
    const config = pointer === null ? "OpenBLAS" : deno()!.UnsafePointerView.getCString(pointer);
    // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"
    const [, version, rest] = /^(OpenBLAS \S+)\s*(.*)$/.exec(config) ?? [, config, ""];
    const threads = s.openblas_get_num_threads?.() ?? 0;
    return `${version}${rest ? ` (${rest})` : ""}${threadWords(threads)}`;
  }
  if (s.MKL_Get_Version_String !== null) {
    const buffer = new Uint8Array(256);
    s.MKL_Get_Version_String(buffer, buffer.length);
    const text = new TextDecoder().decode(buffer.subarray(0, buffer.indexOf(0) >>> 0)).trim();
    const threads = s.MKL_Get_Max_Threads?.() ?? 0;
    return `${text || "Intel MKL"}${threadWords(threads)}`;
  }
  if (/(Accelerate|vecLib)\.framework/.test(path)) return "Apple Accelerate";
  return null;
}

/**
 * Loads the BLAS at `path` (a path, or a name the system's loader searches
 * for) and checks that it is an optimised one. Throws a RangeError naming the
 * library when it cannot be loaded, lacks `cblas_sgemm`/`cblas_dgemm`, or is
 * not OpenBLAS, MKL or Accelerate. Needs `--allow-ffi`.
 *
 * @example Loads Debian's OpenBLAS where it is installed and permitted
 * ```ts
 * import assert from "node:assert/strict";
 * import { openBlas } from "./blas.ts";
 * try {
 *   const blas = openBlas("libopenblas.so.0");
 *   const out = new Float64Array(4);
 *   // [[1, 2, 3], [4, 5, 6]] · [[7, 8], [9, 10], [11, 12]]
 *   blas.gemm(
 *     new Float64Array([1, 2, 3, 4, 5, 6]),
 *     new Float64Array([7, 8, 9, 10, 11, 12]),
 *     out, 2, 2, 3, false, false,
 *   );
 *   assert.deepEqual([...out], [58, 64, 139, 154]);
 *   assert.match(blas.name, /^OpenBLAS /);
 * } catch (e) {
 *   assert.ok(e instanceof RangeError || e instanceof Deno.errors.NotCapable);
 * }
 * ```
 */
export function openBlas(path: string): Blas {
  const loaded = load(path);
  if (typeof loaded === "string") throw new RangeError(`BLAS library "${path}": ${loaded}`);
  return loaded;
}

/** The library at `path`, or why it is not one we use ("expected …, found …"). */
function load(path: string): Blas | string {
  const d = deno();
  if (d?.dlopen === undefined) return "expected Deno's FFI, found a runtime without it";
  let lib: Library;
  try {
    lib = d.dlopen(path, SYMBOLS);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    // Deno says "Could not open library: " twice before the loader's own words.
    const why = (e as Error).message.replace(/^(Could not open library: )+/, "").trim();
    return `expected a library exporting cblas_sgemm and cblas_dgemm, found an error loading it: ${why}`;
  }
  if (identify(lib, path) === null) {
    lib.close();
    return "expected an optimised BLAS (OpenBLAS, MKL or Accelerate), found a library with " +
      "neither openblas_get_config nor MKL_Get_Version_String (a reference BLAS, slower than " +
      "the WebAssembly kernels)";
  }
  const s = lib.symbols;
  return {
    // Read each time: the thread count in it may change.
    get name() {
      return identify(lib, path)!;
    },
    path,
    gemm(a, b, out, m, n, k, transA, transB) {
      if (transA && !transB && m > n && k >= LONG_INNER * m && m * n * k >= SWAP_WORK) {
        // Aᵀ·B as (Bᵀ·A)ᵀ: see LONG_INNER.
        const swapped = out instanceof Float32Array
          ? new Float32Array(n * m)
          : new Float64Array(n * m);
        inPanels(s, b, a, swapped, n, m, k, true, false);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) out[i * n + j] = swapped[j * m + i];
        }
      } else {
        inPanels(s, a, b, out, m, n, k, transA, transB);
      }
    },
    setThreads(threads) {
      s.openblas_set_num_threads?.(threads);
      s.MKL_Set_Num_Threads?.(threads);
    },
  };
}

/**
 * `out = op(a)·op(b)` by the library, a tall A in panels of rows (see
 * `panels`). With A transposed, rows of the result are columns of the stored
 * A: a panel starts `i` elements in, with the same lda.
 */
function inPanels(
  s: Library["symbols"],
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  const ta = transA ? TRANS : NO_TRANS, tb = transB ? TRANS : NO_TRANS;
  const lda = transA ? m : k, ldb = transB ? k : n;
  const count = Math.max(
    1,
    Math.min(
      Math.ceil(m * k * out.BYTES_PER_ELEMENT / panels.bytes),
      Math.floor(m / panels.minRows),
    ),
  );
  const rows = Math.ceil(m / count);
  for (let i = 0; i < m; i += rows) {
    const r = Math.min(rows, m - i);
    const ai = i === 0 ? a : a.subarray(transA ? i : i * k);
    const oi = i === 0 ? out : out.subarray(i * n);
    if (out instanceof Float32Array) {
      s.cblas_sgemm(ROW_MAJOR, ta, tb, r, n, k, 1, ai, lda, b, ldb, 0, oi, n);
    } else {
      s.cblas_dgemm(ROW_MAJOR, ta, tb, r, n, k, 1, ai, lda, b, ldb, 0, oi, n);
    }
  }
}

/**
 * For `Aᵀ·B` with an inner dimension this many times the result's rows or
 * more, and more rows than columns (the backward's `Xᵀ·dz1`, 784×60000 ·
 * 60000×128, and `a1ᵀ·dz2`), the library is faster at `Bᵀ·A`, the transposed
 * result, whose rows are fewer: 117 against 145 ms and 7.8 against 15.9 ms in
 * float64, 55 against 60 and 4.5 against 7.6 in float32, on 1 thread as on 2
 * (Debian's OpenBLAS 0.3.21; NumPy's newer one shows the same). Copying the
 * small result back costs well under a millisecond.
 */
const LONG_INNER = 8;
/** The fewest multiply-adds for which the swap is worth a fresh array for the transposed result. */
const SWAP_WORK = 1 << 20;

/** The outcome of the search: the library, or why there is none (for NN_DEBUG). */
interface Choice {
  blas: Blas | null;
  why: string;
}

let choice: Choice | undefined;
let enabled = true;

/** Whether NN_DEBUG asks for explanations (any value but 0). */
function debugging(): boolean {
  const value = envVar("NN_DEBUG");
  return value !== undefined && value !== "0";
}

/** Finds the BLAS as NN_BLAS, the permission and the platform allow; throws on a bad NN_BLAS. */
function choose(): Choice {
  const setting = envVar("NN_BLAS");
  if (setting === "0") return { blas: null, why: "NN_BLAS=0" };
  const named = setting !== undefined && setting !== "1";
  if (deno()?.dlopen === undefined) return { blas: null, why: "no FFI in this runtime" };
  if (!ffiGranted(named ? setting : undefined)) {
    return { blas: null, why: "no --allow-ffi (it lets the platform's BLAS run the products)" };
  }
  const candidates = named ? [setting] : CANDIDATES[hostOs()] ?? [];
  const refused: string[] = [];
  for (const path of candidates) {
    const blas = load(path);
    if (typeof blas !== "string") {
      // NN_THREADS holds the library to the same count as the WebAssembly pool.
      if (envVar("NN_THREADS") !== undefined) blas.setThreads(threadCount());
      return { blas, why: `loaded ${path}` };
    }
    if (named) {
      throw new RangeError(
        `NN_BLAS: for "${setting}" ${blas}; NN_BLAS=0 keeps the WebAssembly kernels`,
      );
    }
    refused.push(path);
  }
  return { blas: null, why: `no optimised BLAS found (tried ${refused.join(", ") || "none"})` };
}

/** What runs products when the BLAS does not: the WebAssembly kernels, or TypeScript. */
function fallbackKernel(): string {
  const rt = wasmRuntime();
  return rt === null ? "TypeScript (one thread)" : `WebAssembly SIMD, ${rt.threads} threads`;
}

/**
 * The BLAS that runs this process's products, or null. Found on first call
 * and kept: `NN_BLAS` (0 off, 1 or unset the usual places, else a library's
 * path) and the FFI permission decide; `NN_DEBUG` prints what was chosen and
 * why. Throws a RangeError when NN_BLAS names a library that is not an
 * optimised BLAS.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { platformBlas } from "./blas.ts";
 * const blas = platformBlas(); // null without --allow-ffi or a library
 * assert.ok(blas === null || /OpenBLAS|MKL|Accelerate/.test(blas.name));
 * ```
 */
export function platformBlas(): Blas | null {
  if (!enabled) return null;
  if (choice === undefined) {
    // NN_WASM and NN_THREADS are read here too, so that a bad value is an
    // error whichever kernel ends up running the products.
    threadCount();
    const fallback = fallbackKernel();
    choice = choose();
    if (debugging()) {
      console.error(
        choice.blas === null
          ? `nn: matrix products on ${fallback}: ${choice.why}`
          : `nn: matrix products on ${choice.blas.name} ` +
            `(${choice.why}; NN_BLAS=0 gives them to ${fallback})`,
      );
    }
  }
  return choice.blas;
}

/**
 * Turns the BLAS on or off for this process (tests and benchmarks compare it
 * with the WebAssembly kernels); on, the search of `platformBlas` decides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { platformBlas, setBlasEnabled } from "./blas.ts";
 * setBlasEnabled(false);
 * assert.equal(platformBlas(), null);
 * setBlasEnabled(true);
 * ```
 */
export function setBlasEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Computes `out[m×n] = op(a)·op(b)` like `./matmul.ts` (the same argument
 * order and transpose flags) with the platform's BLAS. Returns false, and
 * touches nothing, when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasMatmul } from "./blas.ts";
 * const a = new Float32Array(200 * 100).fill(1), b = new Float32Array(100 * 50).fill(2);
 * const out = new Float32Array(200 * 50);
 * if (blasMatmul(a, b, out, 200, 50, 100, false, false)) assert.equal(out[0], 200);
 * ```
 */
export function blasMatmul(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): boolean {
  const blas = platformBlas();
  if (blas === null) return false;
  // An empty operand: CBLAS wants positive leading dimensions, and there is nothing to multiply.
  if (m === 0 || n === 0 || k === 0) out.fill(0, 0, m * n);
  else blas.gemm(a, b, out, m, n, k, transA, transB);
  return true;
}

/**
 * Which kernel runs the CPU backend's float32 and float64 matrix products, in words, for a script's backend line: the
 * platform's BLAS as it names itself, else the WebAssembly kernels with their
 * thread count, else TypeScript.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { productKernel } from "./blas.ts";
 * // "OpenBLAS 0.3.21 (… Haswell MAX_THREADS=64), 2 threads", or "WebAssembly SIMD, 2 threads"
 * assert.match(productKernel(), /OpenBLAS|MKL|Accelerate|WebAssembly|TypeScript/);
 * ```
 */
export function productKernel(): string {
  return platformBlas()?.name ?? fallbackKernel();
}
