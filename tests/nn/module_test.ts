/**
 * Module: PyTorch's parameter names and order, stateDict/loadStateDict and
 * their errors, train/eval, zeroGrad, printing, and the in-place update that
 * keeps a parameter the same object.
 */

import * as nn from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/nn/torch.json", import.meta.url)),
);

/** The module of make_torch.py's `Net`, written here. */
class Net extends nn.Module {
  fc1 = new nn.Linear(2, 3);
  block = new nn.Sequential(
    new nn.Linear(3, 3),
    new nn.ReLU(),
    new nn.Linear(3, 2, { bias: false }),
  );
  scale = new nn.Parameter(nn.ones([2]));
  forward(x: nn.Tensor): nn.Tensor {
    return this.block.forward(this.fc1.forward(x).relu()).mul(this.scale);
  }
}

Deno.test("namedParameters gives PyTorch's names in PyTorch's order for nested modules", () => {
  const names = new Net().namedParameters().map(([name]) => name);
  assertEquals(names, fixture.nested_names);
  assertEquals(names, [
    "scale",
    "fc1.weight",
    "fc1.bias",
    "block.0.weight",
    "block.0.bias",
    "block.2.weight",
  ]);
});

Deno.test("parameters, children and shared parameters", () => {
  const net = new Net();
  assertEquals(net.parameters().length, 6);
  assert(net.parameters()[1] === net.fc1.weight, "parameters are the module's own objects");
  assertEquals(net.namedChildren().map(([n]) => n), ["fc1", "block"]);
  assertEquals(net.block.namedChildren().map(([n]) => n), ["0", "1", "2"]);
  // A layer used twice is one set of parameters, as in PyTorch.
  const shared = new nn.Linear(2, 2);
  const twice = new nn.Sequential(shared, new nn.Tanh(), shared);
  assertEquals(twice.namedParameters().map(([n]) => n), ["0.weight", "0.bias"]);
  assertEquals(Object.keys(twice.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
});

Deno.test("a property holding a plain tensor is not a parameter", () => {
  class WithBuffer extends nn.Module {
    w = new nn.Parameter(nn.zeros([2]));
    cache = nn.ones([2], { requiresGrad: true });
    forward(x: nn.Tensor): nn.Tensor {
      return x.mul(this.w).add(this.cache);
    }
  }
  assertEquals(new WithBuffer().namedParameters().map(([n]) => n), ["w"]);
});

Deno.test("train() and eval() reach every child and return the module", () => {
  const net = new Net();
  assert(net.training && net.block.training);
  assert(net.eval() === net);
  assert(!net.training && !net.fc1.training && !net.block.training);
  assert(!(net.block[1] as nn.Module).training);
  net.train();
  assert(net.training && (net.block[2] as nn.Module).training);
  net.train(false);
  assert(!net.block.training);
});

Deno.test("zeroGrad clears every parameter's gradient", () => {
  const net = new Net();
  net.forward(nn.tensor([[1, 2]])).sum().backward();
  assert(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad();
  assert(net.parameters().every((p) => p.grad === null));
});

Deno.test("stateDict is a snapshot and loadStateDict updates the same parameter objects", () => {
  const a = new nn.Linear(2, 2, { dtype: "float64" });
  const b = new nn.Linear(2, 2, { dtype: "float64" });
  const weight = b.weight;
  const before = b.stateDict();
  const snapshot = before["weight"].toArray();
  b.loadStateDict(a.stateDict());
  assert(b.weight === weight, "the parameter object is kept");
  assert(b.weight.requiresGrad && b.weight instanceof nn.Parameter);
  assertEquals(b.weight.toArray(), a.weight.toArray());
  assertEquals(before["weight"].toArray(), snapshot);
  // The loaded model computes with the new values.
  const x = nn.tensor([[1, -1]], { dtype: "float64" });
  assertEquals(b.forward(x).toArray(), a.forward(x).toArray());
});

Deno.test("loadStateDict converts dtypes, as PyTorch's copy does", () => {
  const m = new nn.Linear(2, 1, { dtype: "float32" });
  m.loadStateDict({ weight: nn.tensor([[0.1, 2]], { dtype: "float64" }), bias: nn.tensor([3]) });
  assertEquals(m.weight.dtype, "float32");
  assertEquals([...m.weight.dataSync()], [Math.fround(0.1), 2]);
});

Deno.test("loadStateDict names missing and unexpected keys and leaves the module unchanged", () => {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.Sigmoid(), new nn.Linear(3, 1));
  const good = m.stateDict();
  const original = m.stateDict();
  const { "2.bias": _, ...missing } = good;
  const other = new nn.Sequential(new nn.Linear(2, 3), new nn.Sigmoid(), new nn.Linear(3, 1));
  const changed = { ...other.stateDict() };
  delete changed["2.bias"];
  assertThrows(() => m.loadStateDict(changed), nn.DataFormatError, 'missing key "2.bias"');
  assertEquals(m.stateDict()["0.weight"].toArray(), original["0.weight"].toArray());
  assertThrows(
    () => m.loadStateDict({ ...good, "4.weight": nn.zeros([1]) }),
    nn.DataFormatError,
    'unexpected key "4.weight"',
  );
  assertThrows(
    () => m.loadStateDict({ ...missing, extra: nn.zeros([1]) }),
    nn.DataFormatError,
    'Sequential.loadStateDict: the state dict is missing key "2.bias"',
  );
  // strict: false loads what matches and reports the rest, as PyTorch does.
  const result = m.loadStateDict({ ...other.stateDict(), "4.weight": nn.zeros([1]) }, {
    strict: false,
  });
  assertEquals(result, { missingKeys: [], unexpectedKeys: ["4.weight"] });
  assertEquals(m.stateDict()["2.weight"].toArray(), other.stateDict()["2.weight"].toArray());
  const partial = m.loadStateDict(missing, { strict: false });
  assertEquals(partial, { missingKeys: ["2.bias"], unexpectedKeys: [] });
});

Deno.test("loadStateDict refuses a wrong shape before changing anything", () => {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1));
  const before = m.stateDict();
  const bad = { ...new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1)).stateDict() };
  bad["1.weight"] = nn.zeros([3, 1]);
  assertThrows(
    () => m.loadStateDict(bad),
    nn.ShapeError,
    'size mismatch for "1.weight": the state dict holds shape [3, 1], the module\'s parameter ' +
      "has shape [1, 3]",
  );
  // "0.weight" comes first and was valid, but nothing was copied.
  assertEquals(m.stateDict()["0.weight"].toArray(), before["0.weight"].toArray());
  assertThrows(
    () => m.loadStateDict({ ...before, "0.bias": [1, 2, 3] as unknown as nn.Tensor }),
    TypeError,
    'expected a Tensor for key "0.bias"',
  );
});

Deno.test("modules print as PyTorch prints them", () => {
  const m = new nn.Sequential(new nn.Linear(2, 10), new nn.LeakyReLU(0.2), new nn.Softmax(1));
  assertEquals(
    m.toString(),
    "Sequential(\n" +
      "  (0): Linear(inFeatures=2, outFeatures=10, bias=true)\n" +
      "  (1): LeakyReLU(negativeSlope=0.2)\n" +
      "  (2): Softmax(dim=1)\n" +
      ")",
  );
  assertEquals(new nn.BCELoss({ reduction: "sum" }).toString(), 'BCELoss(reduction="sum")');
  assert(new nn.Parameter(nn.tensor([1])).toString().startsWith("Parameter containing:\nTensor("));
});

Deno.test("Sequential chains forward, indexes its modules and refuses non-modules", () => {
  const m = new nn.Sequential(new nn.ReLU(), new nn.Tanh());
  assertEquals(m.forward(nn.tensor([-1, 0.5], { dtype: "float64" })).toArray(), [
    0,
    Math.tanh(0.5),
  ]);
  assertEquals(m.length, 2);
  assert(m[0] instanceof nn.ReLU && m[1] instanceof nn.Tanh && m[2] === undefined);
  assertEquals(new nn.Sequential().forward(nn.tensor([3])).toArray(), [3]);
  assertThrows(
    () => new nn.Sequential(new nn.ReLU(), (() => 1) as unknown as nn.Module),
    TypeError,
    "Sequential: expected a Module at position 1",
  );
});

Deno.test("a Parameter is a leaf that requires a gradient unless told otherwise", () => {
  const x = nn.tensor([1, 2], { requiresGrad: true }).mul(2);
  const p = new nn.Parameter(x);
  assert(p.node === null && p.requiresGrad);
  assert(!new nn.Parameter(nn.zeros([1]), false).requiresGrad);
  assertThrows(() => new nn.Parameter(nn.zeros([1], { dtype: "int32" })), TypeError, "float32");
  assertEquals(p.mul(1) instanceof nn.Parameter, false);
});
