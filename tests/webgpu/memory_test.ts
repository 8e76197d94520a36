/**
 * GPU memory: dispose() and tidy() give buffers back, shared storage stays
 * while a tensor uses it, 1,000 training steps leave the bytes held flat, and
 * tensors the program forgot are freed by the garbage collector's safety net.
 */

import * as nn from "../../mod.ts";
import type { Tensor } from "../../mod.ts";
import { NeuralNetwork } from "../../lib/models/neural_network.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { gpuTest } from "./helpers.ts";

gpuTest("dispose frees a tensor's buffer, unless another tensor shares it", async (g) => {
  await nn.setBackend("webgpu");
  const before = g.bytesHeld();
  const x = nn.zeros([1000]);
  assertEquals(g.bytesHeld() - before, 4096);
  const view = x.reshape([10, 100]); // the same storage
  x.dispose();
  assertEquals(g.bytesHeld() - before, 4096);
  assertEquals((await view.sum().data())[0], 0);
  view.dispose();
  assert(g.bytesHeld() <= before + 16, `held ${g.bytesHeld() - before} more bytes than before`);
  assertThrows(() => x.add(1), Error, "disposed");
  x.dispose(); // twice: nothing happens
  assertEquals(String(x), "Tensor(<disposed>, shape=[1000], dtype=float32, backend=webgpu)");
});

gpuTest("tidy frees what it made and keeps what it returns", async (g) => {
  await nn.setBackend("webgpu");
  const x = nn.ones([64, 64]);
  const before = g.bytesHeld();
  let inner: Tensor | null = null;
  const { y, z } = nn.tidy(() => {
    inner = x.mul(2);
    const kept = nn.tidy(() => inner!.add(1).exp().log()); // nested: its result moves outward
    return { y: kept.sum(), z: [nn.keep(x.sub(1))] };
  });
  assert(inner!.isDisposed && !y.isDisposed && !z[0].isDisposed && !x.isDisposed);
  assertEquals((await y.data())[0], 3 * 64 * 64);
  y.dispose();
  z[0].dispose();
  assertEquals(g.bytesHeld(), before);
  // An error inside frees everything made so far, then propagates.
  assertThrows(
    () =>
      nn.tidy(() => {
        x.mul(3);
        throw new RangeError("stop");
      }),
    RangeError,
    "stop",
  );
  assertEquals(g.bytesHeld(), before);
  assertThrows(() => nn.tidy(() => Promise.resolve(1)), TypeError, "synchronous");
  x.dispose();
});

gpuTest("1,000 training steps in tidy leave GPU memory flat", async (g) => {
  await nn.setBackend("webgpu");
  const model = new nn.Sequential(
    new nn.Linear(8, 16, { generator: new nn.Generator(0) }),
    new nn.ReLU(),
    new nn.Linear(16, 4, { generator: new nn.Generator(1) }),
  );
  const opt = new nn.optim.SGD(model.parameters(), { lr: 0.05 });
  const lossFn = new nn.CrossEntropyLoss();
  const X = nn.randn([32, 8], { generator: new nn.Generator(2) });
  const y = nn.randint(0, 4, [32], { generator: new nn.Generator(3) });
  const step = () =>
    nn.tidy(() => {
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(X), y);
      loss.backward();
      opt.step();
      return loss;
    });
  const first = step();
  const firstLoss = await first.itemAsync();
  first.dispose();
  // Never above the level after the first step. It may fall: a layer's first
  // weights are shared with a temporary tensor of its constructor until the
  // garbage collector finds that (tidy itself is checked exactly above).
  const held = g.bytesHeld();
  let lastLoss = NaN;
  for (let i = 1; i < 1000; i++) {
    const loss = step();
    if (i % 100 === 0 || i === 999) {
      lastLoss = await loss.itemAsync();
      const now = g.bytesHeld() - 16; // less the loss itself
      assert(now <= held, `step ${i}: ${now} bytes held, ${held} after the first step`);
    }
    loss.dispose();
  }
  assert(g.bytesHeld() <= held, `${g.bytesHeld()} bytes held after 1,000 steps, ${held} after one`);
  assert(g.bytesPooled() < 1 << 20, `the pool grew to ${g.bytesPooled()} bytes`);
  assert(lastLoss < firstLoss, `the loss went from ${firstLoss} to ${lastLoss}`);
  [X, y].forEach((t) => t.dispose());
});

gpuTest(
  "the book's network: 1,000 epochs with tidy and the old weights disposed stay flat",
  async (g) => {
    await nn.setBackend("cpu");
    nn.manualSeed(0);
    const init = new NeuralNetwork(2, 10, 1, { dtype: "float32" }).weights();
    await nn.setBackend("webgpu");
    const up = (t: Tensor) => nn.tensor(t.dataSync(), { shape: [...t.shape] });
    const net = NeuralNetwork.fromWeights({
      weights1: up(init.weights1),
      bias1: up(init.bias1),
      weights2: up(init.weights2),
      bias2: up(init.bias2),
    });
    const X = nn.randn([50, 2], { generator: new nn.Generator(4) });
    const y = X.sum(1, true).gt(0);
    let held = 0;
    for (let epoch = 0; epoch < 1000; epoch++) {
      const old = Object.values(net.weights());
      nn.tidy(() => {
        net.forward(X);
        net.backward(X, y, 0.5);
        return net.weights();
      });
      old.forEach((t) => t.dispose());
      if (epoch === 10) held = g.bytesHeld();
      if (epoch > 10 && epoch % 100 === 0) {
        assert(g.bytesHeld() <= held, `epoch ${epoch}: ${g.bytesHeld()} bytes held, ${held} at 10`);
      }
    }
    [X, y].forEach((t) => t.dispose());
  },
);

gpuTest("tensors never disposed are freed once the garbage collector finds them", async () => {
  // In a child process with gc() exposed: drop 200 tensors, collect, and the bytes come back.
  const code = `
    import * as nn from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    import { currentBackend } from ${
    JSON.stringify(new URL("../../lib/tensor/select_backend.ts", import.meta.url).href)
  };
    await nn.setBackend("webgpu");
    const g = currentBackend();
    const before = g.bytesHeld();
    (() => { for (let i = 0; i < 200; i++) nn.ones([256]).mul(i); })();
    const during = g.bytesHeld();
    for (let i = 0; i < 20 && g.bytesHeld() > before; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(JSON.stringify({ before, during, after: g.bytesHeld() }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, stderr);
  const { before, during, after } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert(during - before >= 400 * 1024, `only ${during - before} bytes were held`);
  assertEquals(after, before, `bytes held after collecting: ${after} (before: ${before})`);
});
