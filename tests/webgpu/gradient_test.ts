/**
 * Autograd on the GPU: for every differentiable case of `cases.ts`, the
 * gradient of sum(f(xs) · w) with respect to each input, on WebGPU, against
 * the CPU backend's for the same float32 inputs and weights. The CPU's
 * gradients are checked against finite differences in float64
 * (tests/tensor/gradcheck_test.ts), so these are too, to float32 precision.
 */

import * as nn from "../../mod.ts";
import type { Tensor } from "../../mod.ts";
import { assert } from "../assert.ts";
import { type Case, CASES } from "./cases.ts";
import { assertAgree, gpuTest, inputsOf, TestRandom } from "./helpers.ts";

/** The inputs' gradients of sum(f(xs) · w) on the current backend. */
function gradients(c: Case, shapes: number[][], data: Float32Array[], w: Float32Array): Tensor[] {
  const xs = data.map((d, i) => nn.tensor(d, { shape: shapes[i], requiresGrad: true }));
  const out = c.f(...xs);
  out.mul(nn.tensor(w, { shape: [...out.shape] })).sum().backward();
  return xs.map((x, i) => {
    assert(x.grad !== null, `input ${i} got no gradient`);
    return x.grad;
  });
}

const differentiable = CASES.map((c, i) => [c, i] as const)
  .filter(([c]) =>
    c.grad !== false && (c.ints ?? []).length === 0 && c.shapes(new TestRandom(0)).length > 0
  );

for (const [c, index] of differentiable) {
  gpuTest(`gradient of ${c.covers.join("/")} (case ${index}) agrees with the CPU`, async () => {
    const r = new TestRandom(500 + index);
    const { shapes, data } = inputsOf(c, r);
    await nn.setBackend("cpu");
    const outShape = nn.noGrad(() =>
      c.f(...data.map((d, i) => nn.tensor(d, { shape: shapes[i] }))).shape
    );
    const w = r.normal(outShape.reduce((a, b) => a * b, 1));
    const want = gradients(c, shapes, data as Float32Array[], w);
    await nn.setBackend("webgpu");
    const got = gradients(c, shapes, data as Float32Array[], w);
    for (let i = 0; i < got.length; i++) {
      await assertAgree(
        got[i],
        want[i],
        `case ${index}, input ${i}, shapes ${JSON.stringify(shapes)}`,
      );
    }
  });
}

gpuTest("a module, its loss and SGD train the same on both backends", async () => {
  // nn.Linear → ReLU → Linear, cross-entropy on int32 labels, five SGD steps.
  const r = new TestRandom(9);
  const X = r.normal(37 * 6), labels = r.ints(37, 0, 4);
  const run = async () => {
    const model = new nn.Sequential(
      new nn.Linear(6, 9, { generator: new nn.Generator(1) }),
      new nn.ReLU(),
      new nn.Linear(9, 4, { generator: new nn.Generator(2) }),
    );
    const opt = new nn.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const loss = new nn.CrossEntropyLoss();
    const x = nn.tensor(X, { shape: [37, 6] }), y = nn.tensor(labels);
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      opt.zeroGrad();
      const l = loss.forward(model.forward(x), y);
      l.backward();
      opt.step();
      losses.push(await l.itemAsync());
    }
    return { losses, weight: model.parameters()[0] };
  };
  await nn.setBackend("cpu");
  const want = await run();
  await nn.setBackend("webgpu");
  const got = await run();
  for (let i = 0; i < 5; i++) {
    assert(
      Math.abs(got.losses[i] - want.losses[i]) <= 1e-5 * (1 + Math.abs(want.losses[i])),
      `step ${i}: loss ${got.losses[i]} on the GPU, ${want.losses[i]} on the CPU`,
    );
  }
  assert(want.losses[4] < want.losses[0], `the loss did not go down: ${want.losses}`);
  await assertAgree(got.weight, want.weight, "first layer's weight after 5 steps");
});
