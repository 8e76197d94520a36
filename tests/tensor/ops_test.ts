/** Tensor ops against NumPy's results (tests/fixtures/tensor/make_ops.py) in float64. */

import * as nn from "../../mod.ts";
import type { Tensor } from "../../mod.ts";
import { assert, assertClose, assertEquals } from "../assert.ts";

type Encoded = { shape: number[]; values: number[] };
const fixture: { inputs: Record<string, Encoded>; cases: Record<string, Encoded> } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tensor/ops.json", import.meta.url)),
);
const input = (name: string) => {
  const { shape, values } = fixture.inputs[name];
  return nn.tensor(new Float64Array(values), { shape });
};
const [a, b, c, m, p, batch, z] = ["a", "b", "c", "m", "p", "batch", "z"].map(input);

const OPS: Record<string, () => Tensor> = {
  add_broadcast: () => a.add(b),
  sub_column: () => a.sub(c),
  mul: () => a.mul(p),
  div: () => a.div(p),
  pow: () => p.pow(a),
  maximum: () => a.maximum(b),
  minimum: () => a.minimum(c),
  exp: () => a.exp(),
  log: () => p.log(),
  sqrt: () => p.sqrt(),
  abs: () => a.abs(),
  sigmoid: () => a.sigmoid(),
  tanh: () => a.tanh(),
  relu: () => a.relu(),
  leaky_relu: () => a.leakyRelu(),
  softplus: () => a.softplus(),
  clip: () => a.clip(-0.5, 0.5),
  gt: () => a.gt(b),
  sum_all: () => a.sum(),
  sum_axis0: () => a.sum(0),
  sum_axis1_keep: () => a.sum(1, true),
  mean_axis1: () => a.mean(1),
  max_axis0: () => a.max(0),
  min_axis1: () => a.min(1),
  argmax_axis1: () => a.argmax(1),
  argmin_all: () => a.argmin(),
  var_ddof0: () => a.var(),
  var_axis0_ddof1: () => a.var(0, { ddof: 1 }),
  std_axis1_ddof1: () => a.std(1, { ddof: 1 }),
  matmul: () => a.matmul(m),
  matmul_vec: () => nn.matmul(b, m),
  matmul_batch: () => batch.matmul(m),
  softmax: () => z.softmax(),
  softmax_axis0: () => z.softmax(0),
  log_softmax: () => z.logSoftmax(),
  transpose: () => a.T,
  transpose_3d: () => batch.transpose(1, 2, 0),
  take_axis1: () => a.take([3, 0, 0], 1),
  concat_axis1: () => nn.concat([a, c], 1),
  stack_axis1: () => nn.stack([a, p], 1),
  linspace: () => nn.linspace(-1.5, 2.0, 7, { dtype: "float64" }),
};

Deno.test("every NumPy fixture case has an op here", () => {
  assertEquals(Object.keys(OPS).sort(), Object.keys(fixture.cases).sort());
});

for (const [name, op] of Object.entries(OPS)) {
  Deno.test(`${name} equals NumPy (float64)`, () => {
    const expected = fixture.cases[name];
    const out = op();
    assertEquals(out.shape, expected.shape, `${name}: shape`);
    // Element-wise ops and moves are exact; sums and products may differ in rounding order.
    assertClose(out.dataSync(), expected.values, 1e-12, 1e-14, name);
  });
}

Deno.test("float32 ops round like NumPy's float32", () => {
  const x = nn.tensor([0.1, 0.2, 1e-8]), y = nn.tensor([0.2, 0.3, 1]);
  // NumPy: np.float32(0.1) + np.float32(0.2) == 0.3 (float32) -> 0.30000001192092896
  assertEquals(Array.from(x.add(y).dataSync()), [
    0.30000001192092896,
    0.5,
    1,
  ]);
  assertEquals(x.mul(y).dtype, "float32");
});

Deno.test("softmax of huge float32 logits stays finite", () => {
  const s = nn.tensor([[1000, 1001, 1002], [-1000, 0, 1000]]).softmax();
  assertClose(
    s.dataSync(),
    [
      0.09003057,
      0.24472847,
      0.66524096,
      0,
      0,
      1,
    ],
    1e-6,
    1e-7,
  );
  const ls = nn.tensor([[1000, 0]]).logSoftmax();
  assertEquals(Array.from(ls.dataSync()), [0, -1000]);
});

Deno.test("maskPositive gives the bits of mul(gt(0)) on special values, and its gradient", () => {
  const values = [NaN, -0, 0, 1.5, -2, Infinity, -Infinity, 5e-324, -5e-324];
  const x = values.flatMap((v) => values.map(() => v));
  const y = values.flatMap(() => values);
  for (const dtype of ["float32", "float64"] as const) {
    const a = nn.tensor(x, { dtype }), b = nn.tensor(y, { dtype });
    const got = a.maskPositive(b).dataSync(), want = a.mul(b.gt(0)).dataSync();
    for (let i = 0; i < x.length; i++) {
      assert(Object.is(got[i], want[i]), `${dtype} ${x[i]} · (${y[i]} > 0): ${got[i]}, ${want[i]}`);
    }
  }
  const a = nn.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const b = nn.tensor([-1, 0, 4], { dtype: "float64", requiresGrad: true });
  a.maskPositive(b).mul(nn.tensor([10, 20, 30], { dtype: "float64" })).sum().backward();
  assertEquals(a.grad!.toArray(), [0, 0, 30]);
  assertEquals(b.grad!.toArray(), [0, 0, 0]);
});

Deno.test("element-wise ops over more than one slice of the CPU's loops (65536) cover every element", () => {
  const n = 2 * 65536 + 3; // two whole slices and a short third
  const xs = Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
  const ys = Array.from({ length: n }, (_, i) => Math.cos(i * 0.7) * 2);
  const x = nn.tensor(xs, { dtype: "float64" }), y = nn.tensor(ys, { dtype: "float64" });
  const cases: [string, nn.Tensor, (i: number) => number][] = [
    ["add", x.add(y), (i) => xs[i] + ys[i]],
    ["maskPositive", x.maskPositive(y), (i) => xs[i] * +(ys[i] > 0)],
    ["gt", x.gt(y), (i) => +(xs[i] > ys[i])],
    ["mul by a number", x.mul(0.5), (i) => xs[i] * 0.5],
    ["le a number", x.le(0.25), (i) => +(xs[i] <= 0.25)],
    ["relu", x.relu(), (i) => (xs[i] < 0 ? 0 : xs[i])],
    ["sigmoid", x.sigmoid(), (i) => 1 / (1 + Math.exp(-xs[i]))],
  ];
  for (const [name, t, want] of cases) {
    const got = t.dataSync();
    for (const i of [0, 65535, 65536, 131071, 131072, n - 1]) {
      assert(Object.is(got[i], want(i)), `${name} at ${i}: ${got[i]}, expected ${want(i)}`);
    }
    let wrong = 0;
    for (let i = 0; i < n; i++) if (!Object.is(got[i], want(i))) wrong++;
    assertEquals(wrong, 0, `${name}: elements that differ`);
  }
});
