/**
 * The Part4-2 network the PyTorch way (Sequential of Linear, Sigmoid, Linear,
 * Sigmoid with BCELoss) against PyTorch 1.13: the loss, the output and every
 * parameter's gradient, in float64 and float32, from the same fixed weights.
 * Fixture: tests/fixtures/nn/make_torch.py.
 */

import * as nn from "../../mod.ts";
import { part4_2Model } from "./part4_2_model.ts";
import { assertClose, assertEquals } from "../assert.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/nn/torch.json", import.meta.url)),
);
const net = fixture.network;

const model = (dtype: nn.DType) => part4_2Model(net.weights, dtype);

for (const [dtype, rtol, atol] of [["float64", 1e-12, 1e-15], ["float32", 2e-5, 1e-7]] as const) {
  Deno.test(`Sequential 2-10-1 with BCELoss: loss, output and gradients equal PyTorch's (${dtype})`, () => {
    const expected = net[dtype];
    const m = model(dtype);
    assertEquals(Object.keys(m.stateDict()), expected.keys);
    const out = m.forward(nn.tensor(net.X, { dtype }));
    const loss = new nn.BCELoss().forward(out, nn.tensor(net.y, { dtype }));
    assertEquals(loss.dtype, dtype);
    assertClose([loss.item()], [expected.loss], rtol, atol, "loss");
    assertClose(out.dataSync(), expected.output.flat(), rtol, atol, "output");
    loss.backward();
    for (const [name, p] of m.namedParameters()) {
      assertClose(p.grad!.dataSync(), expected.grads[name].flat(), rtol * 10, atol, name);
    }
  });
}

Deno.test("a Module subclass with properties fc1 and fc2 computes the Sequential's loss", () => {
  class Net extends nn.Module {
    fc1 = new nn.Linear(2, 10, { dtype: "float64" });
    fc2 = new nn.Linear(10, 1, { dtype: "float64" });
    forward(x: nn.Tensor): nn.Tensor {
      return this.fc2.forward(this.fc1.forward(x).sigmoid()).sigmoid();
    }
  }
  const m = new Net();
  const w = net.weights;
  const f64 = (v: nn.NestedInput) => nn.tensor(v, { dtype: "float64" });
  m.loadStateDict({
    "fc1.weight": f64(w["0.weight"]),
    "fc1.bias": f64(w["0.bias"]),
    "fc2.weight": f64(w["2.weight"]),
    "fc2.bias": f64(w["2.bias"]),
  });
  const x = f64(net.X);
  const loss = new nn.BCELoss().forward(m.forward(x), f64(net.y));
  assertClose([loss.item()], [net.float64.loss], 1e-12);
});
