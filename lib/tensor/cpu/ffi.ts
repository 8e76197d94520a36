/**
 * Deno's FFI as the CPU backend uses it (the platform's BLAS, huge pages): the
 * namespace where the runtime has one, and whether this process may load a
 * library without a prompt.
 *
 * @module
 */

/** As much of Deno's namespace as loading a library needs. */
export type DenoFfi = Pick<
  typeof Deno,
  "dlopen" | "permissions" | "UnsafePointerView" | "UnsafePointer"
>;

/**
 * Deno's namespace, or undefined in a runtime without it (a browser).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deno } from "./ffi.ts";
 * assert.equal(typeof deno()?.dlopen, "function");
 * ```
 */
export function deno(): DenoFfi | undefined {
  return (globalThis as { Deno?: DenoFfi }).Deno;
}

/**
 * Whether this process may load `path` (or any library) without a prompt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ffiGranted } from "./ffi.ts";
 * assert.equal(typeof ffiGranted(), "boolean");
 * ```
 */
export function ffiGranted(path?: string): boolean {
  try {
    const descriptor: Deno.PermissionDescriptor = path === undefined || !path.includes("/")
      ? { name: "ffi" }
      : { name: "ffi", path };
    return deno()?.permissions?.querySync?.(descriptor).state === "granted";
  } catch {
    return false;
  }
}
