/**
 * The WebAssembly kernels' build: the committed module is what the source
 * makes, and the assembler writes the binary format correctly.
 */

import { assert, assertEquals } from "../assert.ts";
import { kernelsSource } from "../../lib/tensor/cpu/wasm/build.ts";
import { buildKernels } from "../../lib/tensor/cpu/wasm/kernels.ts";
import { kernelBytes } from "../../lib/tensor/cpu/wasm/runtime.ts";
import { kernelImports } from "../../lib/tensor/cpu/wasm/jobs.ts";
import {
  f64,
  forLoop,
  get,
  i32,
  ModuleBuilder,
  select,
  set,
  sleb,
  uleb,
} from "../../lib/tensor/cpu/wasm/assembler.ts";

Deno.test("the committed kernels_wasm.ts is what `deno task build:wasm` makes from kernels.ts", async () => {
  const relaxed = buildKernels(), plain = buildKernels({ relaxed: false });
  const committed = await Deno.readTextFile(
    new URL("../../lib/tensor/cpu/wasm/kernels_wasm.ts", import.meta.url),
  );
  assert(
    committed === kernelsSource(relaxed, plain),
    "lib/tensor/cpu/wasm/kernels_wasm.ts is stale: run `deno task build:wasm` and commit it",
  );
  assertEquals([...kernelBytes(true)], [...relaxed]);
  assertEquals([...kernelBytes(false)], [...plain]);
  assert(WebAssembly.validate(relaxed) && WebAssembly.validate(plain), "both builds validate");
});

Deno.test("kernelBytes decodes the same bytes without Uint8Array.fromBase64 (older engines)", () => {
  const builtIn = Object.getOwnPropertyDescriptor(Uint8Array, "fromBase64");
  assert(
    builtIn !== undefined,
    "Deno has Uint8Array.fromBase64: the fast path is the one tested above",
  );
  delete (Uint8Array as { fromBase64?: unknown }).fromBase64;
  try {
    assertEquals([...kernelBytes(true)], [...buildKernels()]);
    assertEquals([...kernelBytes(false)], [...buildKernels({ relaxed: false })]);
  } finally {
    Object.defineProperty(Uint8Array, "fromBase64", builtIn);
  }
});

Deno.test("the plain-SIMD build (for engines without relaxed SIMD) multiplies correctly too", () => {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const kernels = new WebAssembly.Instance(
    new WebAssembly.Module(kernelBytes(false)),
    kernelImports(memory),
  ).exports as Record<string, (...args: number[]) => void>;
  const buffer = memory.buffer as unknown as ArrayBuffer;
  const [m, n, k] = [13, 11, 300];
  for (const [dtype, Type] of [["f32", Float32Array], ["f64", Float64Array]] as const) {
    for (const transA of [false, true]) {
      // a at byte 0, b at 64 KiB, packed b at 128 KiB, c at 256 KiB, scratch at 320 KiB.
      const a = new Type(buffer, 0, m * k), b = new Type(buffer, 65536, k * n);
      for (let i = 0; i < a.length; i++) a[i] = ((i * 37) % 19) / 8 - 1;
      for (let i = 0; i < b.length; i++) b[i] = ((i * 11) % 23) / 16 - 0.5;
      kernels[`pack_b_${dtype}`](65536, n, 0, k, n, 131072);
      kernels[`gemm_${dtype}`](
        m,
        n,
        k,
        0,
        transA ? m : k,
        transA ? 1 : 0,
        131072,
        262144,
        n,
        327680,
      );
      const c = new Type(buffer, 262144, m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += (transA ? a[p * m + i] : a[i * k + p]) * b[p * n + j];
          const tol = dtype === "f32" ? 1e-4 : 1e-12;
          assert(
            Math.abs(c[i * n + j] - sum) <= tol * (1 + Math.abs(sum)),
            `${dtype} [${i}, ${j}]`,
          );
        }
      }
    }
  }
});

Deno.test("LEB128 numbers as the binary format writes them", () => {
  assertEquals(uleb(0), [0]);
  assertEquals(uleb(127), [127]);
  assertEquals(uleb(128), [0x80, 0x01]);
  assertEquals(uleb(624485), [0xe5, 0x8e, 0x26]); // the specification's example
  assertEquals(sleb(-1), [0x7f]);
  assertEquals(sleb(63), [0x3f]);
  assertEquals(sleb(64), [0xc0, 0x00]);
  assertEquals(sleb(-123456), [0xc0, 0xbb, 0x78]);
});

Deno.test("a module written with the assembler runs: loops, select, float math", () => {
  const m = new ModuleBuilder({ initial: 1, maximum: 1 });
  // sum(n) = 0 + 1 + … + (n-1), as a float64; clamp(x) = x < 0 ? 0 : x.
  m.func("sum", { n: "i32" }, ["f64"], ({ params: { n }, local }) => {
    const i = local("i32"), total = local("f64");
    return [
      forLoop(i, i32.const(0), get(n), i32.const(1), [
        set(total, f64.add(get(total), [get(i), 0xb7])), // f64.convert_i32_s
      ]),
      get(total),
    ];
  });
  m.func(
    "clamp",
    { x: "i32" },
    ["i32"],
    ({ params: { x } }) => select(i32.lt_s(get(x), i32.const(0)), i32.const(0), get(x)),
  );
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), {
    env: { memory },
  }).exports as { sum(n: number): number; clamp(x: number): number };
  assertEquals([exports.sum(0), exports.sum(1), exports.sum(10)], [0, 0, 45]);
  assertEquals([exports.clamp(-5), exports.clamp(0), exports.clamp(7)], [0, 0, 7]);
});
