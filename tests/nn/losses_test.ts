/**
 * The losses against PyTorch 1.13 in float64: the value for each reduction
 * ("mean", "sum", "none") and the gradient with respect to the input, on cases
 * that include the edges (probabilities of exactly 0 and 1 for BCELoss, logits
 * of 0 and ±60 for BCEWithLogitsLoss). Fixture: tests/fixtures/nn/make_torch.py.
 */

import * as nn from "../../mod.ts";
import { assert, assertClose, assertEquals, assertThrows } from "../assert.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/nn/torch.json", import.meta.url)),
);

type Make = (reduction: nn.Reduction) => nn.Loss;
const CASES: [string, Make, nn.DType][] = [
  ["cross_entropy_indices", (r) => new nn.CrossEntropyLoss({ reduction: r }), "int32"],
  ["cross_entropy_probabilities", (r) => new nn.CrossEntropyLoss({ reduction: r }), "float64"],
  ["cross_entropy_one_hot", (r) => new nn.CrossEntropyLoss({ reduction: r }), "float64"],
  ["bce", (r) => new nn.BCELoss({ reduction: r }), "float64"],
  ["bce_with_logits", (r) => new nn.BCEWithLogitsLoss({ reduction: r }), "float64"],
  ["mse", (r) => new nn.MSELoss({ reduction: r }), "float64"],
];

const flat = (x: unknown): number[] => Array.isArray(x) ? x.flat(Infinity) : [x as number];

for (const [name, make, targetDtype] of CASES) {
  Deno.test(`${name}: values and input gradients equal PyTorch's for each reduction`, () => {
    const c = fixture.losses[name];
    for (const reduction of ["mean", "sum", "none"] as const) {
      const input = nn.tensor(c.input, { dtype: "float64", requiresGrad: true });
      const target = nn.tensor(c.target, { dtype: targetDtype });
      const loss = make(reduction).forward(input, target);
      assertEquals(loss.shape, reduction === "none" ? nn.tensor(c.none).shape : []);
      // atol: PyTorch's log(e^-m + e^(-x-m)) gives 0 where our log1p keeps 1.9e-22 (x = -50).
      assertClose(flat(loss.toArray()), flat(c[reduction]), 1e-12, 1e-20, `${name} ${reduction}`);
      loss.backward(nn.onesLike(loss));
      assertClose(
        input.grad!.dataSync(),
        flat(c[`grad_${reduction}`]),
        1e-10,
        1e-300,
        `${name} grad ${reduction}`,
      );
    }
  });
}

Deno.test("BCELoss clamps the log at -100 and keeps the gradient finite at 0 and 1", () => {
  const x = nn.tensor([0, 1], { dtype: "float64", requiresGrad: true });
  const loss = new nn.BCELoss({ reduction: "none" }).forward(x, nn.tensor([1, 0]));
  assertEquals(loss.toArray(), [100, 100]);
  loss.sum().backward();
  const g = x.grad!.dataSync();
  assert(Number.isFinite(g[0]) && g[0] < -1e11 && g[1] > 1e11, `gradient ${g}`);
  // float32 sigmoid saturates to exactly 1 for large logits: the loss and the gradient stay finite.
  const logits = nn.tensor([40, -120], { requiresGrad: true });
  const p = logits.sigmoid();
  assertEquals([...p.dataSync()], [1, 0]);
  const l32 = new nn.BCELoss().forward(p, nn.tensor([0, 1]));
  assertEquals(l32.item(), 100);
  l32.backward();
  assert(logits.grad!.dataSync().every(Number.isFinite));
});

Deno.test("BCEWithLogitsLoss is stable for large logits and equals Sigmoid + BCELoss elsewhere", () => {
  const x = nn.tensor([-800, 800], { dtype: "float64" });
  const huge = new nn.BCEWithLogitsLoss({ reduction: "none" }).forward(x, nn.tensor([1, 0]));
  assertEquals(huge.toArray(), [800, 800]);
  const z = nn.tensor([-2, 0.3, 1.7], { dtype: "float64" });
  const t = nn.tensor([0, 1, 0.25], { dtype: "float64" });
  const a = new nn.BCEWithLogitsLoss().forward(z, t).item();
  const b = new nn.BCELoss().forward(z.sigmoid(), t).item();
  assertClose([a], [b], 1e-14);
});

Deno.test("CrossEntropyLoss: indices and their one-hot rows give the same loss and gradient", () => {
  const logits = nn.tensor([[2, -1, 0.5], [0, 0, 3]], { dtype: "float64", requiresGrad: true });
  const a = new nn.CrossEntropyLoss().forward(logits, nn.tensor([0, 2], { dtype: "int32" }));
  a.backward();
  const ga = logits.grad!.dataSync();
  logits.zeroGrad();
  const b = new nn.CrossEntropyLoss().forward(logits, nn.oneHot([0, 2], 3));
  b.backward();
  assertClose([a.item()], [b.item()], 1e-15);
  assertClose(logits.grad!.dataSync(), ga, 1e-15);
  // By hand: -log softmax picked, averaged; the gradient is (softmax - onehot) / N.
  const row = (v: number[], k: number) => Math.log(v.reduce((s, x) => s + Math.exp(x), 0)) - v[k];
  assertClose([a.item()], [(row([2, -1, 0.5], 0) + row([0, 0, 3], 2)) / 2], 1e-14);
});

Deno.test("the losses refuse mismatched shapes, bad targets and unknown reductions", () => {
  const x = nn.zeros([4, 1]);
  for (const loss of [new nn.BCELoss(), new nn.BCEWithLogitsLoss(), new nn.MSELoss()]) {
    assertThrows(
      () => loss.forward(x, nn.zeros([4])),
      nn.ShapeError,
      "expected a target of the input's shape [4, 1], found [4]",
    );
  }
  const ce = new nn.CrossEntropyLoss();
  assertThrows(
    () => ce.forward(nn.zeros([4]), nn.zeros([4])),
    nn.ShapeError,
    "logits of shape [N, C]",
  );
  assertThrows(
    () => ce.forward(nn.zeros([2, 3]), nn.tensor([0, 1])),
    nn.ShapeError,
    "expected int32 class indices of shape [2] or probabilities of shape [2, 3], found float32 of shape [2]",
  );
  assertThrows(
    () => ce.forward(nn.zeros([2, 3]), nn.tensor([0, 3], { dtype: "int32" })),
    RangeError,
    "CrossEntropyLoss: oneHot: label 3 at index 1 is out of range for 3 classes",
  );
  assertThrows(
    () => new nn.MSELoss({ reduction: "avg" as nn.Reduction }),
    TypeError,
    'MSELoss: expected reduction "mean", "sum" or "none", found "avg"',
  );
});

Deno.test("activation modules equal PyTorch's outputs and gradients", () => {
  const a = fixture.activations;
  const modules: [string, nn.Module][] = [
    ["Sigmoid", new nn.Sigmoid()],
    ["ReLU", new nn.ReLU()],
    ["Tanh", new nn.Tanh()],
    ["LeakyReLU", new nn.LeakyReLU(0.2)],
    ["Softmax", new nn.Softmax(1)],
  ];
  for (const [name, m] of modules) {
    const x = nn.tensor(a.input, { dtype: "float64", requiresGrad: true });
    const out = m.forward(x);
    assertClose(out.dataSync(), a[name].output.flat(), 1e-14, 1e-300, name);
    out.mul(nn.tensor(a.weights, { dtype: "float64" })).sum().backward();
    assertClose(x.grad!.dataSync(), a[name].grad.flat(), 1e-13, 1e-300, `${name} grad`);
  }
});
