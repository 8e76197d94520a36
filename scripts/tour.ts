/**
 * A short tour of the matrix core, along the book's section 4.6 (张量, tensors):
 * make tensors, multiply matrices, apply activation functions, and let autograd
 * compute a gradient that the book works out by hand.
 *
 *   deno run scripts/tour.ts
 *
 * It runs from a URL too: scripts import the module by relative path.
 */

import * as nn from "../mod.ts";
import { runScript, scriptSpec } from "../lib/train/cli.ts";

const spec = scriptSpec({
  usage: "deno run scripts/tour.ts",
  summary: "A short tour of the matrix core (the book's section 4.6): tensors, " +
    "activation functions, autograd, one-hot. It makes its own numbers: no data set.",
  flags: {},
});

const section = (title: string) => console.log(`\n== ${title}`);

await runScript(spec, () => {
  section("Tensors, as NumPy arrays");
  const x = nn.tensor([[1, 2], [3, 4]]);
  console.log(x);
  console.log("x @ eye(2):");
  console.log(x.matmul(nn.eye(2)));
  console.log("x.T:");
  console.log(x.T);
  console.log("x.sum(0) =", x.sum(0), " x.mean() =", x.mean().item());

  section("Random numbers: the same stream as np.random.seed(0); np.random.randn(2, 3)");
  nn.manualSeed(0);
  console.log(nn.randn([2, 3], { dtype: "float64" }));

  section("Activation functions at -2, -1, 0, 1, 2");
  const z = nn.linspace(-2, 2, 5);
  for (const name of ["sigmoid", "tanh", "relu", "leakyRelu", "softplus"] as const) {
    console.log(name.padEnd(10), z[name]());
  }
  console.log("softmax([1, 2, 3]) =", nn.tensor([1, 2, 3]).softmax());

  section("A neuron's gradient: a = σ(w·x + b), loss = (a - y)²");
  // The book's backward pass by hand: dL/dw = 2(a - y) · a(1 - a) · x.
  const input = nn.tensor([[0.5, -1.5]], { dtype: "float64" });
  const w = nn.tensor([[0.8], [0.2]], { dtype: "float64", requiresGrad: true });
  const b = nn.tensor([0.1], { dtype: "float64", requiresGrad: true });
  const a = input.matmul(w).add(b).sigmoid();
  const loss = a.sub(1).pow(2).sum();
  loss.backward();
  const av = a.item();
  const byHand = [0.5, -1.5].map((xi) => 2 * (av - 1) * av * (1 - av) * xi);
  console.log("autograd dL/dw =", w.grad!.toArray());
  console.log("by hand  dL/dw =", byHand);

  section("One-hot labels (独热编码)");
  console.log(nn.oneHot([0, 2, 1], 3));
});
