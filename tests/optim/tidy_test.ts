/**
 * Optimisers in a training step run in `tidy` (as scripts/part4_3.ts runs its
 * steps, so that the step's memory is reused): their state (running means,
 * momentum buffers) must outlive the step, and the parameters must end where
 * the same steps outside `tidy` leave them.
 */

import * as nn from "../../mod.ts";
import { assertEquals } from "../assert.ts";

type Make = (params: nn.Tensor[]) => nn.optim.Optimizer;

const OPTIMISERS: [string, Make][] = [
  ["SGD with momentum", (p) => new nn.optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ["Adam (fused step)", (p) => new nn.optim.Adam(p, { lr: 0.01 })],
  ["Adam with amsgrad", (p) => new nn.optim.Adam(p, { lr: 0.01, amsgrad: true })],
  ["AdamW", (p) => new nn.optim.AdamW(p, { lr: 0.01 })],
  [
    "RMSprop centered with momentum",
    (p) => new nn.optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }),
  ],
  ["Adagrad", (p) => new nn.optim.Adagrad(p, { lr: 0.1 })],
];

/** The weights after `steps` steps of a small regression, each step in tidy or not. */
function train(make: Make, inTidy: boolean, steps = 4): number[][] {
  nn.manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1));
  const optimizer = make(model.parameters());
  const X = nn.randn([8, 3], { dtype: "float64" }).astype("float32");
  const y = nn.randn([8, 1]);
  const step = () => {
    optimizer.zeroGrad();
    const loss = new nn.MSELoss().forward(model.forward(X), y);
    loss.backward();
    optimizer.step();
    return loss.detach();
  };
  for (let i = 0; i < steps; i++) (inTidy ? nn.tidy(step) : step()).item();
  return model.parameters().map((p) => Array.from(p.dataSync()));
}

for (const [name, make] of OPTIMISERS) {
  Deno.test(`optimisers in tidy: ${name} keeps its state across steps and matches the steps outside tidy`, () => {
    assertEquals(train(make, true), train(make, false));
  });
}
