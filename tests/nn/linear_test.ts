/**
 * Linear: PyTorch's default initialisation U(±1/√in) (checked against the
 * statistics of PyTorch's own draws and, seed for seed, against NumPy's
 * uniform), forward = x·Wᵀ + b, its gradients by finite differences, errors.
 */

import * as nn from "../../mod.ts";
import { assert, assertClose, assertEquals, assertThrows } from "../assert.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/nn/torch.json", import.meta.url)),
);

Deno.test("Linear's initial values have the bound and spread of PyTorch's U(±1/√in)", () => {
  const torch = fixture.linear_init.torch;
  const layer = new nn.Linear(torch.in, torch.out, { generator: new nn.Generator(0) });
  const w = layer.weight.astype("float64");
  const b = layer.bias!.astype("float64");
  const bound = 1 / Math.sqrt(50);
  assertClose([torch.bound], [bound], 1e-15);
  // PyTorch's own draws stay inside the bound and come close to it.
  assert(torch.weight_max_abs <= bound && torch.weight_max_abs > 0.99 * bound);
  assert(torch.bias_max_abs <= bound && torch.bias_max_abs > 0.9 * bound);
  // So do ours, with the uniform's standard deviation bound/√3 like PyTorch's.
  const maxW = w.abs().max().item(), maxB = b.abs().max().item();
  assert(maxW <= bound && maxW > 0.99 * bound, `weight max |w| ${maxW}`);
  assert(maxB <= bound && maxB > 0.9 * bound, `bias max |b| ${maxB}`);
  assertClose([w.std().item()], [bound / Math.sqrt(3)], 0.02);
  assertClose([w.std().item()], [torch.weight_std], 0.02);
  assert(Math.abs(w.mean().item()) < 0.003 && Math.abs(torch.weight_mean) < 0.003);
  assert(w.min().item() < 0 && w.max().item() > 0);
});

Deno.test("the same generator seed gives the same weights: NumPy's uniform, weight then bias", () => {
  const expected = fixture.linear_init.seed42_linear_3_2;
  const a = new nn.Linear(3, 2, { dtype: "float64", generator: new nn.Generator(42) });
  assertEquals(a.weight.toArray(), expected.weight);
  assertEquals(a.bias!.toArray(), expected.bias);
  nn.manualSeed(42);
  const b = new nn.Linear(3, 2, { dtype: "float64" });
  assertEquals(b.weight.toArray(), expected.weight);
  const c = new nn.Linear(3, 2, { generator: new nn.Generator(42) });
  assertEquals(c.weight.dtype, "float32");
  assertEquals([...c.weight.dataSync()], expected.weight.flat().map(Math.fround));
  const d = new nn.Linear(3, 2, { generator: new nn.Generator(43) });
  assert(d.weight.toArray().toString() !== c.weight.toArray().toString());
});

Deno.test("Linear.forward is x·Wᵀ + b, for a batch, a single row and no bias", () => {
  const layer = new nn.Linear(2, 3, { dtype: "float64" });
  layer.loadStateDict({
    weight: nn.tensor([[1, 2], [3, 4], [5, 6]]),
    bias: nn.tensor([0.5, -0.5, 1]),
  });
  const x = nn.tensor([[1, 1], [2, -1]], { dtype: "float64" });
  assertEquals(layer.forward(x).toArray(), [[3.5, 6.5, 12], [0.5, 1.5, 5]]);
  assertEquals(layer.forward(nn.tensor([1, 1], { dtype: "float64" })).toArray(), [3.5, 6.5, 12]);
  const noBias = new nn.Linear(2, 3, { bias: false, dtype: "float64" });
  assertEquals(noBias.bias, null);
  assertEquals(Object.keys(noBias.stateDict()), ["weight"]);
  noBias.loadStateDict({ weight: nn.tensor([[1, 2], [3, 4], [5, 6]]) });
  assertEquals(noBias.forward(x).toArray(), [[3, 7, 11], [0, 2, 4]]);
});

Deno.test("Linear's gradients equal central finite differences (float64)", () => {
  const layer = new nn.Linear(3, 2, { dtype: "float64", generator: new nn.Generator(1) });
  const x = nn.randn([4, 3], { dtype: "float64", generator: new nn.Generator(2) });
  const loss = () => layer.forward(x).tanh().sum();
  loss().backward();
  const h = 1e-6;
  const base = layer.stateDict();
  for (const [name, p] of layer.namedParameters()) {
    const values = base[name].dataSync();
    // The loss with element i of this parameter moved by delta.
    const at = (i: number, delta: number) => {
      const v = values.slice();
      v[i] += delta;
      layer.loadStateDict({ ...base, [name]: nn.tensor(v, { shape: p.shape }) });
      return nn.noGrad(loss).item();
    };
    const numeric = Array.from(values, (_, i) => (at(i, h) - at(i, -h)) / (2 * h));
    layer.loadStateDict(base);
    assertClose(p.grad!.dataSync(), numeric, 1e-7, 1e-9, name);
  }
});

Deno.test("Linear refuses bad sizes, an int dtype and an input of the wrong width", () => {
  assertThrows(() => new nn.Linear(0, 2), RangeError, "inFeatures to be a positive integer");
  assertThrows(() => new nn.Linear(2, 1.5), RangeError, "outFeatures to be a positive integer");
  assertThrows(() => new nn.Linear(2, 2, { dtype: "int32" }), TypeError, "float32");
  assertThrows(
    () => new nn.Linear(2, 10).forward(nn.zeros([5, 3])),
    nn.ShapeError,
    "Linear(2, 10): expected an input whose last axis has 2 features, found shape [5, 3]",
  );
});
