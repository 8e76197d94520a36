/**
 * The WebGPU backend against the CPU where WGSL's own rules differ from the
 * CPU's (issue 14 item 12): NaN, -0, infinities and denormals through relu,
 * leakyRelu, clip, log, pow, remainder and floorDivide; int32 matmul; a CrossEntropyLoss target out
 * of range. WGSL lets a compiler assume no NaN or infinity occurs and flush
 * denormals, so the kernels decide these cases on the bits; each test here
 * failed before they did (relu(NaN) was 0, clip(NaN) -1, log(1e-40) -88.03,
 * 1^NaN NaN, int32 matmul a TypeError, a bad target a finite loss).
 */

import assert from "node:assert/strict";
import * as nn from "../../mod.ts";
import type { Backend } from "../../lib/tensor/backend.ts";
import { cpu, gpuTest, on } from "./helpers.ts";

/** NaN as NaN, ±0 and ±∞ with their signs, other values to `rtol`. */
function sameFloat(got: number, want: number, rtol: number): boolean {
  if (Number.isNaN(want) || want === 0 || !Number.isFinite(want)) return Object.is(got, want);
  return Math.abs(got - want) <= rtol * Math.abs(want);
}

/** Shows -0 as "-0" in messages. */
const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));

/** `f` on float32 `data` on both backends; every element agrees as `sameFloat` says. */
async function agree(
  gpu: Backend,
  what: string,
  data: readonly number[][],
  f: (...xs: nn.Tensor[]) => nn.Tensor,
  rtol = 2e-6,
): Promise<void> {
  const shape = (d: readonly number[]) => [d.length];
  const want = f(...data.map((d) => on(cpu, new Float32Array(d), shape(d)))).dataSync();
  const got = await f(...data.map((d) => on(gpu, new Float32Array(d), shape(d)))).data();
  for (let i = 0; i < want.length; i++) {
    const input = data.map((d) => show(Math.fround(d[i]))).join(", ");
    assert.ok(
      sameFloat(got[i], want[i], rtol),
      `${what}(${input}) is ${show(got[i])} on the GPU, ${show(want[i])} on the CPU`,
    );
  }
}

const SPECIAL = [NaN, -0, 0, -1, 2.5, Infinity, -Infinity, 1e-40, -1e-40];

gpuTest("relu and leakyRelu keep NaN and -0 as the CPU does", async (g) => {
  await agree(g, "relu", [SPECIAL], (x) => x.relu());
  await agree(g, "leakyRelu", [SPECIAL], (x) => x.leakyRelu(0.1));
});

gpuTest(
  "the steps (floor, ceil, round, sign) on halves, NaN, ±0 and ±∞ as on the CPU",
  async (g) => {
    const x = [...SPECIAL, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.7, -3.7, 1e30];
    await agree(g, "floor", [x], (t) => t.floor(), 0);
    await agree(g, "ceil", [x], (t) => t.ceil(), 0);
    await agree(g, "round", [x], (t) => t.round(), 0);
    await agree(g, "sign", [x], (t) => t.sign(), 0);
  },
);

gpuTest("log1p, expm1, log2, log10, sin and cos of special values as on the CPU", async (g) => {
  const x = [NaN, -0, 0, 1e-7, -1e-7, 0.5, 3, -0.9, Infinity, 8, 1000];
  await agree(g, "log1p", [x], (t) => t.log1p(), 1e-5);
  await agree(g, "expm1", [x.filter((v) => v < 80)], (t) => t.expm1(), 1e-5);
  await agree(g, "log2", [x.filter((v) => !(v < 0))], (t) => t.log2(), 1e-5);
  await agree(g, "log10", [x.filter((v) => !(v < 0))], (t) => t.log10(), 1e-5);
  const angles = [NaN, -0, 0, 1, -2, 3.14159, 10, -50];
  await agree(g, "sin", [angles], (t) => t.sin(), 1e-5);
  await agree(g, "cos", [angles], (t) => t.cos(), 1e-5);
});

gpuTest("tanh, trunc, erf and gelu of special values as on the CPU (tanh(-0) is -0)", async (g) => {
  const x = [...SPECIAL, 0.3, -0.7, 1.9, -2.49, 2.51, 3.3, -3.99, 4.01, 6.5, -30];
  await agree(g, "tanh", [x], (t) => t.tanh(), 1e-5);
  await agree(g, "trunc", [x], (t) => t.trunc(), 0);
  await agree(g, "erf", [x], (t) => t.erf(), 1e-5);
  // gelu(x) for x ≪ 0 is x·Φ(x), a tiny product that float32 flushes or not: compare to 1e-5 of 1.
  await agree(g, "gelu", [x.filter((v) => !(v < -3))], (t) => t.gelu(), 1e-5);
});

gpuTest(
  "maskPositive: x · (y > 0) with NaN, ±0, ±∞ and denormals in either operand as on the CPU",
  async (g) => {
    const values = [NaN, -0, 0, 1.5, -2, Infinity, -Infinity, 1e-40, -1e-40];
    const x = values.flatMap((v) => values.map(() => v));
    const y = values.flatMap(() => values);
    await agree(g, "maskPositive", [x, y], (a, b) => a.maskPositive(b), 0);
  },
);

gpuTest("clip(NaN) is NaN, as on the CPU", async (g) => {
  await agree(g, "clip", [[NaN, -0, -5, 5, 0.5, Infinity, -Infinity]], (x) => x.clip(-1, 1));
});

gpuTest("log of a float32 denormal, of ±0, of negatives, NaN and ∞ as on the CPU", async (g) => {
  // 1e-40, 1.4e-45 (the least denormal), 1e-39 and 1.1e-38 are denormal in float32.
  const x = [1e-40, 1.4e-45, 1e-39, 1.1e-38, 1.2e-38, 1e-30, 0, -0, -1, -1e-40, NaN, Infinity];
  await agree(g, "log", [x], (t) => t.log());
});

gpuTest("pow of NaN, ±0, ±1, ±∞ and negative bases as on the CPU (C's pow)", async (g) => {
  const bases = [NaN, -Infinity, -8, -2, -1, -0.5, -0, 0, 0.5, 1, 2, 3, Infinity];
  const exponents = [NaN, -Infinity, -3, -2, -1, -0.5, 0, 1 / 3, 0.5, 1, 2, 3, 10, 16.5, Infinity];
  const a: number[] = [], b: number[] = [];
  for (const x of bases) for (const y of exponents) a.push(x), b.push(y);
  await agree(g, "pow", [a, b], (x, y) => x.pow(y), 1e-5);
  // Integer exponents multiply: exact wherever the result is a float32.
  const exact = [[3, 2], [-2, 3], [-3, 4], [10, 6], [7, -1], [-5, 9], [1.5, 2]];
  await agree(g, "pow", [exact.map((p) => p[0]), exact.map((p) => p[1])], (x, y) => x.pow(y), 0);
});

gpuTest(
  "remainder and floorDivide of NaN, ±0, ±∞, denormals, division by 0 and large quotients as on the CPU",
  async (g) => {
    // 3e38 / 1e-30 overflows a quotient; 1e-40 is a float32 denormal (fmod_ works on the bits).
    const values = [
      NaN,
      -Infinity,
      -7,
      -2.5,
      -1,
      -1e-40,
      -0,
      0,
      1e-40,
      0.1,
      1,
      5.5,
      3e38,
      Infinity,
    ];
    const a: number[] = [], b: number[] = [];
    for (const x of values) for (const y of [...values, 1e-30, -3]) a.push(x), b.push(y);
    // The remainder is exact on both (C's fmod; one rounding where the divisor is added).
    await agree(g, "remainder", [a, b], (x, y) => x.remainder(y), 0);
    await agree(g, "floorDivide", [a, b], (x, y) => x.floorDivide(y), 0);
    // 1 // 0.1 is 9 (the exact remainder), where ⌊1 / 0.1⌋ is 10.
    await agree(
      g,
      "floorDivide",
      [[1, -1, 7, 0.3], [0.1, 0.1, 0.7, 0.1]],
      (x, y) => x.floorDivide(y),
      0,
    );
  },
);

gpuTest("int32 matmul runs on the GPU and wraps modulo 2^32 as the CPU does", async (g) => {
  const cases: [number[], number[], number[], number[]][] = [
    // 2147483647² and 123456789·987654321 need more than 53 bits.
    [[2147483647, 123456789, 3, -5, 7, 1], [2, 3], [2147483647, 1, 987654321, 2, 4, -3], [3, 2]],
    // A long k: split into pieces whose partial products are summed.
    [
      Array.from({ length: 3 * 2048 }, (_, i) => (i * 7919) % 65536 - 32768),
      [3, 2048],
      Array.from({ length: 2048 * 5 }, (_, i) => (i * 104729) % 65536 - 32768),
      [2048, 5],
    ],
  ];
  for (const [a, aShape, b, bShape] of cases) {
    const f = (be: Backend) =>
      on(be, new Int32Array(a), aShape).matmul(on(be, new Int32Array(b), bShape));
    const want = f(cpu), got = f(g);
    assert.equal(got.dtype, "int32");
    assert.deepEqual(await got.array(), want.toArray(), `int32 matmul of [${aShape}]·[${bShape}]`);
    // And with the left operand transposed (read in place).
    const t = (be: Backend) =>
      on(be, new Int32Array(a), aShape).T.T.matmul(on(be, new Int32Array(b), bShape));
    assert.deepEqual(await t(g).array(), t(cpu).toArray());
  }
  const left = on(g, new Int32Array([1, 2, 3, 4]), [2, 2]);
  const right = on(g, new Int32Array([5, 6, 7, 8]), [2, 2]);
  assert.deepEqual(await left.T.matmul(right).array(), [[26, 30], [38, 44]]);
});

gpuTest("a CrossEntropyLoss target out of range is a RangeError, as on the CPU", async (g) => {
  const logits = new Float32Array([1, 2, 3, 0, 1, 0]);
  const target = new Int32Array([0, 5]);
  // The CPU side on the global CPU backend (oneHot makes its rows there).
  const cpuLabels = (labels: Int32Array) => nn.tensor(labels, { dtype: "int32" });
  const loss = (be: Backend, t: nn.Tensor) =>
    new nn.CrossEntropyLoss().forward(
      be === cpu ? nn.tensor(logits, { shape: [2, 3] }) : on(be, logits, [2, 3]),
      t,
    );
  // Labels uploaded from an array: checked at once, with the CPU's words.
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof RangeError, `expected a RangeError, found ${e}`);
      return e.message;
    }
    assert.fail("expected a RangeError, nothing was thrown");
  };
  const onCpu = message(() => loss(cpu, cpuLabels(target)));
  assert.match(onCpu, /^CrossEntropyLoss: oneHot: label 5 at index 1 is out of range for 3 /);
  assert.equal(message(() => loss(g, on(g, target, [2]))), onCpu);
  assert.equal(
    message(() => loss(g, on(g, new Int32Array([-1, 0]), [2]))),
    message(() => loss(cpu, cpuLabels(new Int32Array([-1, 0])))),
  );

  // Labels computed on the GPU: the next read reports them.
  const computed = on(g, new Int32Array([1, 2]), [2]).mul(on(g, new Int32Array([2]), [1]));
  const bad = loss(g, computed);
  await assert.rejects(() => bad.data(), {
    name: "RangeError",
    message: /^oneHot: label 4 is out of range for 3 classes \(expected an integer from 0 to 2\)/,
  });
  // Reported once; good labels computed on the GPU give the CPU's loss.
  const good = on(g, new Int32Array([1, 2]), [2]).mul(on(g, new Int32Array([1]), [1]));
  const want = loss(cpu, cpuLabels(new Int32Array([1, 2]))).item();
  const [got] = await loss(g, good).data();
  assert.ok(Math.abs(got - want) <= 1e-6 * want, `loss ${got} on the GPU, ${want} on the CPU`);

  // ignoreIndex passes the check, uploaded or computed; a label beside it still fails it.
  const withIgnored = new Int32Array([-100, 2]);
  const wantIgnored = loss(cpu, cpuLabels(withIgnored)).item();
  const [gotIgnored] = await loss(g, on(g, withIgnored, [2])).data();
  assert.ok(Math.abs(gotIgnored - wantIgnored) <= 1e-6 * wantIgnored, `${gotIgnored}`);
  const computedIgnored = on(g, new Int32Array([-50, 1]), [2]).mul(on(g, new Int32Array([2]), [1]));
  const [gotComputed] = await loss(g, computedIgnored).data();
  assert.ok(Math.abs(gotComputed - wantIgnored) <= 1e-6 * wantIgnored, `${gotComputed}`);
  assert.equal(
    message(() => loss(g, on(g, new Int32Array([-100, 3]), [2]))),
    message(() => loss(cpu, cpuLabels(new Int32Array([-100, 3])))),
  );
});
