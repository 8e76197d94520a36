/**
 * Large arrays on huge pages, as NumPy's: on Linux NumPy asks the kernel for
 * 2 MiB pages for every array of 4 MiB or more (`madvise(MADV_HUGEPAGE)`), and
 * so do we, through Deno's FFI, when the process may use it (`--allow-ffi`,
 * which `-A` includes). Why: the first touch of fresh memory costs a page
 * fault per page. With 4 KiB pages a 60000×128 float64 activation (61 MB)
 * took 150 ms to first touch here, as long in NumPy with its huge pages turned
 * off; with them, 10–100 ms (NumPy: 11). The book recipe makes such arrays
 * until its memory is reused, and its images are six times that size.
 *
 * `NN_HUGE_PAGES=0` turns it off. Without the permission, off Linux, or where
 * the kernel refuses (transparent huge pages set to "never"), arrays are
 * plain, as before; nothing prompts.
 *
 * @module
 */

import { envVar, hostOs } from "../../host.ts";
import { deno, ffiGranted } from "./ffi.ts";

/** Arrays of at least this many bytes are advised (NumPy's threshold). */
export const HUGE_PAGE_MIN_BYTES = 4 << 20;
/** A huge page on x86-64 and arm64 Linux. */
const HUGE_PAGE = 2n << 20n;
/** `MADV_HUGEPAGE` from <sys/mman.h>. */
const MADV_HUGEPAGE = 14;

type Madvise = (start: bigint, length: bigint) => number;

/** libc's madvise, once found; null where it is not to be used. */
let madvise: Madvise | null | undefined;

function findMadvise(): Madvise | null {
  const d = deno();
  if (envVar("NN_HUGE_PAGES") === "0" || hostOs() !== "linux" || d?.dlopen === undefined) {
    return null;
  }
  if (!ffiGranted()) return null;
  try {
    const libc = d.dlopen("libc.so.6", {
      madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
    });
    return (start, length) =>
      libc.symbols.madvise(d.UnsafePointer.create(start), length, MADV_HUGEPAGE) as number;
  } catch {
    return null;
  }
}

/**
 * Asks for huge pages for the whole 2 MiB pages inside `array`'s memory, before
 * anything touches it; true when the kernel took the advice. Arrays under 4 MiB
 * are left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adviseHugePages } from "./huge_pages.ts";
 * assert.equal(adviseHugePages(new Float64Array(1000)), false); // small: left alone
 * adviseHugePages(new Float64Array(1 << 20)); // true on Linux with --allow-ffi
 * ```
 */
export function adviseHugePages(array: ArrayBufferView): boolean {
  if (array.byteLength < HUGE_PAGE_MIN_BYTES) return false;
  madvise ??= findMadvise();
  if (madvise === null) return false;
  const d = deno()!;
  const address = BigInt(d.UnsafePointer.value(d.UnsafePointer.of(array as Uint8Array)));
  const start = (address + HUGE_PAGE - 1n) / HUGE_PAGE * HUGE_PAGE;
  const end = (address + BigInt(array.byteLength)) / HUGE_PAGE * HUGE_PAGE;
  return end > start && madvise(start, end - start) === 0;
}
