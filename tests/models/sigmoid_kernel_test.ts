/**
 * The fused pass's WebAssembly sigmoid (`sigmoid_f64` in lib/tensor/cpu/wasm/kernels_sigmoid.ts),
 * which has an exponential of its own, against σ correctly rounded (tests/fixtures/models/
 * sigmoid_reference.json, made by make_sigmoid_reference.py with 60-digit decimals), in both of
 * the kernels' builds (with relaxed SIMD and without).
 */

import assert from "node:assert/strict";
import { kernelBytes } from "../../lib/tensor/cpu/wasm/runtime.ts";
import { kernelImports } from "../../lib/tensor/cpu/wasm/jobs.ts";

const reference: { z_sigma: [number, number][] } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/models/sigmoid_reference.json", import.meta.url)),
);

/** `sigmoid_f64` of each build, on a memory of its own, as a function of an array. */
function kernels(): [string, (z: Float64Array) => Float64Array][] {
  return [true, false].map((relaxed) => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 16, shared: true });
    const module = new WebAssembly.Module(kernelBytes(relaxed));
    const exports = new WebAssembly.Instance(module, kernelImports(memory)).exports;
    const sigmoid = exports.sigmoid_f64 as (n: number, at: number) => void;
    const at = 64; // 8-aligned, not 16: the kernel must not need more
    return [`relaxed ${relaxed}`, (z: Float64Array) => {
      const view = new Float64Array(memory.buffer, at, z.length + 2);
      view.fill(-7); // two past the end, to see that they are left alone
      view.set(z);
      sigmoid(z.length, at);
      assert.deepEqual([...view.subarray(z.length)], [-7, -7], "past the end");
      return view.slice(0, z.length);
    }];
  });
}

/** How many units in the last place `a` is from `b` (subnormal ulps below 2^-1022). */
function ulps(a: number, b: number): number {
  const ulp = (x: number) => {
    const e = Math.max(Math.floor(Math.log2(Math.abs(x) || Number.MIN_VALUE)), -1022);
    return 2 ** (e - 52);
  };
  return Math.abs(a - b) / ulp(b || Number.MIN_VALUE);
}

Deno.test("sigmoid kernel: within 2 ulp of σ correctly rounded, and exact where it saturates", () => {
  const z = Float64Array.from(reference.z_sigma, ([z]) => z);
  const exact = reference.z_sigma.map(([, s]) => s);
  // V8's σ with Math.exp, which the TypeScript loop computes: the accuracy to match.
  let v8Rounded = 0;
  for (let i = 0; i < z.length; i++) {
    const v8 = 1 / (1 + Math.exp(-z[i]));
    assert.ok(ulps(v8, exact[i]) <= 2, `V8: σ(${z[i]}) = ${v8}, not ${exact[i]}`);
    if (v8 === exact[i]) v8Rounded++;
  }
  for (const [build, sigmoid] of kernels()) {
    const got = sigmoid(z);
    let rounded = 0;
    for (let i = 0; i < z.length; i++) {
      assert.ok(ulps(got[i], exact[i]) <= 2, `${build}: σ(${z[i]}) = ${got[i]}, not ${exact[i]}`);
      if (got[i] === exact[i]) rounded++;
    }
    // As often correctly rounded as V8's σ, give or take 3 % of the values (64 % and 65 % here).
    assert.ok(
      rounded > v8Rounded - 0.03 * z.length,
      `${build}: ${rounded} of ${z.length} correctly rounded, V8's σ ${v8Rounded}`,
    );
    const special = [0, 1000, -1000, 745.5, -745.5, Infinity, -Infinity, 40];
    assert.deepEqual([...sigmoid(Float64Array.from(special))], [0.5, 1, 0, 1, 0, 1, 0, 1]);
    assert.ok(Number.isNaN(sigmoid(Float64Array.of(NaN))[0]));
  }
});

Deno.test("sigmoid kernel: each element once, whatever the length (pairs, fours and a last one)", () => {
  const z = Float64Array.from({ length: 11 }, (_, i) => Math.sin(i * 2.1) * 5);
  for (const [build, sigmoid] of kernels()) {
    const all = sigmoid(z);
    for (let n = 0; n <= z.length; n++) {
      assert.deepEqual([...sigmoid(z.subarray(0, n))], [...all.subarray(0, n)], `${build}, n ${n}`);
    }
    // Each value depends on its own z only: a lane is not read from its neighbour.
    const one = z.map((v) => sigmoid(Float64Array.of(v))[0]);
    assert.deepEqual([...all], [...one], build);
  }
});
