/**
 * Rebuilds `kernels_wasm.ts` from `kernels.ts`:
 *
 *     deno task build:wasm
 *
 * The module's bytes are kept as base64 in a TypeScript file, so they load
 * the same way when the package comes from JSR, from a URL or from a clone:
 * as part of the module graph, with no file to fetch or read at run time.
 * `tests/tensor/cpu_wasm_build_test.ts` fails when the committed bytes are stale.
 *
 * @module
 */

import { buildKernels } from "./kernels.ts";

/** Base64 characters per line of the generated file. */
const LINE = 88;

/** `bytes` as base64, in lines of `LINE` characters written as an array of strings. */
function base64Lines(bytes: Uint8Array): string[] {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const base64 = btoa(binary);
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += LINE) lines.push(`  "${base64.slice(i, i + LINE)}",`);
  return lines;
}

/**
 * The text of `kernels_wasm.ts` for the two builds of the kernels: with
 * relaxed SIMD, and with plain SIMD for engines that lack it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelsSource } from "./build.ts";
 * const asm = new Uint8Array([0, 0x61, 0x73, 0x6d]);
 * const text = kernelsSource(asm, asm);
 * assert.ok(text.includes('"AGFzbQ==",')); // base64 of "\0asm"
 * ```
 */
export function kernelsSource(relaxed: Uint8Array, plain: Uint8Array): string {
  return [
    "/**",
    " * The CPU backend's WebAssembly kernels, built from `kernels.ts` by `build.ts`",
    " * (`deno task build:wasm`). Generated: do not edit.",
    " *",
    " * @module",
    " */",
    "",
    `/** The kernels, multiply-adding with relaxed SIMD (${relaxed.length} bytes), base64. */`,
    "export const KERNELS_WASM: string = [",
    ...base64Lines(relaxed),
    '].join("");',
    "",
    `/** The kernels with plain SIMD, for engines without relaxed SIMD (${plain.length} bytes). */`,
    "export const KERNELS_WASM_SIMD: string = [",
    ...base64Lines(plain),
    '].join("");',
    "",
  ].join("\n");
}

if (import.meta.main) {
  const target = new URL("./kernels_wasm.ts", import.meta.url);
  const temporary = new URL(`./.kernels_wasm.${crypto.randomUUID()}.tmp`, import.meta.url);
  const relaxed = buildKernels(), plain = buildKernels({ relaxed: false });
  // Written under a temporary name, then renamed: a failure leaves the old file whole.
  await Deno.writeTextFile(temporary, kernelsSource(relaxed, plain));
  await Deno.rename(temporary, target);
  console.log(
    `Wrote ${target.pathname} (${relaxed.length} and ${plain.length} bytes of WebAssembly)`,
  );
}
