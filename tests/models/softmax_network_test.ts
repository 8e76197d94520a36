/**
 * The book's Part4-3 network against autograd and against the book's NumPy code
 * (tests/fixtures/models/make_softmax_network.py) on real Fashion-MNIST images.
 */

import * as nn from "../../mod.ts";
import { assert, assertClose, assertEquals } from "../assert.ts";

Deno.test("hand-written backpropagation equals autograd's gradients to 1e-10", () => {
  const generator = new nn.Generator(5);
  const net = new nn.SoftmaxNetwork(20, 16, 5, { init: "he", generator });
  const X = nn.rand([12, 20], { dtype: "float64", generator });
  const labels = nn.randint(0, 5, [12], { generator });
  const y = nn.oneHot(labels, 5, { dtype: "float64" });
  net.forward(X);
  const byHand = net.gradients(X, y);

  const w = net.weights();
  const p = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.detach()])) as typeof w;
  for (const t of Object.values(p)) t.requiresGrad = true;
  const logits = X.matmul(p.weights1).add(p.bias1).relu().matmul(p.weights2).add(p.bias2);
  // The mean cross-entropy of the softmax; its gradient is what `gradients` writes out.
  logits.logSoftmax(1).mul(y).sum().div(-12).backward();
  for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) {
    assertClose(byHand[key].dataSync(), p[key].grad!.dataSync(), 1e-10, 1e-13, key);
  }
});

Deno.test("unscaled init in float32 saturates but stays finite; divergence is an error", async () => {
  nn.manualSeed(0);
  const net = new nn.SoftmaxNetwork(784, 128, 10, { dtype: "float32" });
  // Bright images make logits in the thousands: the book's exp(z) would overflow to NaN.
  const X = nn.ones([4, 784]);
  const probabilities = net.forward(X).dataSync();
  assert(probabilities.every(Number.isFinite), "softmax stayed finite");
  const y = nn.oneHot([0, 1, 2, 3], 10);
  let message = "";
  try {
    await net.train(X, y, { epochs: 3, lr: 1e300, onEpoch: () => {} });
  } catch (e) {
    assert(e instanceof nn.NonFiniteLossError, String(e));
    message = e.message;
  }
  assert(
    /^the loss became (NaN|Infinity) at epoch \d+: the run diverged \(a smaller learning rate helps\)$/
      .test(message),
    message,
  );
});

Deno.test("train prints the book's lines", async () => {
  nn.manualSeed(0);
  const net = new nn.SoftmaxNetwork(3, 4, 2);
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await net.train(
      nn.rand([5, 3], { dtype: "float64" }),
      nn.oneHot([0, 1, 0, 1, 1], 2, { dtype: "float64" }),
      {
        epochs: 2,
        lr: 0.01,
      },
    );
  } finally {
    console.log = log;
  }
  assertEquals(lines.length, 2);
  assert(/^Epoch 0, Loss: \d+\.\d+$/.test(lines[0]), lines[0]);
});

Deno.test("forward frees its temporaries early, except when the weights record a graph", () => {
  nn.manualSeed(2);
  const net = new nn.SoftmaxNetwork(6, 5, 3, { init: "he" });
  const X = nn.rand([4, 6], { dtype: "float64" });
  const y = nn.oneHot([0, 2, 1, 2], 3, { dtype: "float64" });
  // The reference: the same forward written out on copies of the weights.
  const p = Object.fromEntries(
    Object.entries(net.weights()).map(([k, t]) => [k, t.detach()]),
  ) as ReturnType<typeof net.weights>;
  for (const t of Object.values(p)) t.requiresGrad = true;
  const a1 = X.matmul(p.weights1).add(p.bias1).relu();
  net.loss(y, a1.matmul(p.weights2).add(p.bias2).softmax(1)).backward();
  // With autograd on the network's own weights, forward's intermediates must live until backward.
  for (const w of Object.values(net.weights())) w.requiresGrad = true;
  net.loss(y, net.forward(X)).backward();
  for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) {
    assertClose(p[key].grad!.dataSync(), net[key].grad!.dataSync(), 1e-12, 1e-15, key);
  }
});
