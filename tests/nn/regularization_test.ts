/**
 * l2Penalty against the book's formula computed by hand: λ/(2m)·(ΣW1² + ΣW2²),
 * biases left out, and its gradient λ/m·W.
 */

import * as nn from "../../mod.ts";
import { assertClose, assertEquals, assertThrows } from "../assert.ts";

function model(): nn.Sequential {
  const m = new nn.Sequential(
    new nn.Linear(2, 3, { dtype: "float64" }),
    new nn.Sigmoid(),
    new nn.Linear(3, 1, { dtype: "float64" }),
  );
  m.loadStateDict({
    "0.weight": nn.tensor([[0.5, -1], [2, 0.25], [-3, 1.5]]),
    "0.bias": nn.tensor([10, 20, 30]),
    "2.weight": nn.tensor([[1, -2, 0.5]]),
    "2.bias": nn.tensor([-7]),
  });
  return m;
}

Deno.test("l2Penalty is lambda/(2m)·Σ‖W‖² over the weights only, as the book writes it", () => {
  const lambda = 0.01, m = 118; // the book's lambda and the ex2data2 sample count
  const sumW1 = 0.25 + 1 + 4 + 0.0625 + 9 + 2.25; // 16.5625
  const sumW2 = 1 + 4 + 0.25; // 5.25
  const penalty = nn.l2Penalty(model(), lambda, m);
  assertEquals(penalty.shape, []);
  assertClose([penalty.item()], [(lambda / (2 * m)) * (sumW1 + sumW2)], 1e-15);
  assertEquals(nn.l2Penalty(model(), 0, m).item(), 0);
});

Deno.test("the gradient of l2Penalty is lambda/m·W for weights and 0 for biases", () => {
  const net = model();
  const lambda = 0.3, m = 4;
  nn.l2Penalty(net, lambda, m).backward();
  const w1 = net.stateDict()["0.weight"];
  assertClose(net.parameters()[0].grad!.dataSync(), w1.mul(lambda / m).dataSync(), 1e-15);
  assertEquals(net.parameters()[1].grad, null); // the bias takes no part
  assertClose(net.parameters()[2].grad!.dataSync(), [0.075, -0.15, 0.0375], 1e-15);
});

Deno.test("l2Penalty of a model without weights is 0; bad lambda or m are errors", () => {
  assertEquals(nn.l2Penalty(new nn.Sequential(new nn.ReLU()), 0.1, 10).item(), 0);
  assertThrows(
    () => nn.l2Penalty(model(), -1, 10),
    RangeError,
    "lambda to be a finite number >= 0",
  );
  assertThrows(() => nn.l2Penalty(model(), 0.1, 0), RangeError, "m (the number of samples) > 0");
});
