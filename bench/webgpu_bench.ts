/**
 * The WebGPU backend beside the CPU backend, one group per workload:
 *
 *     deno bench --allow-read --allow-env bench/webgpu_bench.ts
 *
 * Workloads: matmul of one MNIST mini-batch through a 784→128 layer
 * (128×784·784×128, 25.7 MFLOP), of 1024³ (2.15 GFLOP), and one training step
 * of the book's 784-128-10 network (forward, hand-written backward, update) at
 * batch 128 (52 MFLOP) and at full batch (60000 images, 24.5 GFLOP). Divide
 * the FLOP in each name by the time per iteration for GFLOP/s.
 *
 * Every GPU iteration waits for its work (`sync()`), so the time is the time
 * to a result, not to a queued command. Without an adapter the GPU half is
 * skipped. On llvmpipe (a software adapter) the full-batch step runs a few
 * seconds per iteration. For GFLOP/s printed directly, and the sizes that want
 * a real GPU, run bench/gpu.ts.
 */

import * as nn from "../mod.ts";
import type { Backend } from "../lib/tensor/backend.ts";
import { currentBackend } from "../lib/tensor/select_backend.ts";
import { probeAdapter } from "../lib/tensor/webgpu/device.ts";
import { SoftmaxNetwork } from "../lib/models/softmax_network.ts";
import { fill } from "./operands.ts";

const hasGpu = (await probeAdapter()).adapter !== null;
const backends: ("cpu" | "webgpu")[] = hasGpu ? ["cpu", "webgpu"] : ["cpu"];

/** Deterministic values in [-1, 1). */
const values = (size: number, seed: number) => fill(new Float32Array(size), seed);

async function on<T>(backend: "cpu" | "webgpu", fn: () => T): Promise<T> {
  await nn.setBackend(backend);
  try {
    return fn();
  } finally {
    await nn.setBackend("cpu");
  }
}

async function finish(backend: Backend): Promise<void> {
  await backend.sync?.();
}

const MATMULS = [
  { m: 128, k: 784, n: 128, runs: undefined, warmup: undefined },
  { m: 1024, k: 1024, n: 1024, runs: 5, warmup: 1 },
];

for (const { m, k, n, runs, warmup } of MATMULS) {
  for (const name of backends) {
    let operands: { a: nn.Tensor; b: nn.Tensor; backend: Backend } | undefined;
    Deno.bench({
      name: `${name} matmul ${m}×${k}·${k}×${n} (${(2 * m * n * k / 1e9).toFixed(3)} GFLOP)`,
      group: `matmul ${m}×${k}·${k}×${n}`,
      baseline: name === "cpu",
      n: runs,
      warmup,
      async fn(b) {
        operands ??= await on(name, () => ({
          a: nn.tensor(values(m * k, 1), { shape: [m, k] }),
          b: nn.tensor(values(k * n, 2), { shape: [k, n] }),
          backend: currentBackend(),
        }));
        b.start();
        const c = operands.a.matmul(operands.b);
        await finish(operands.backend);
        b.end();
        c.dispose();
      },
    });
  }
}

const STEPS = [
  { batch: 128, runs: undefined, warmup: undefined },
  { batch: 60000, runs: 2, warmup: 1 },
];

for (const { batch, runs, warmup } of STEPS) {
  for (const name of backends) {
    let setup: { net: SoftmaxNetwork; X: nn.Tensor; Y: nn.Tensor; backend: Backend } | undefined;
    const flop = 2 * batch * (784 * 128 * 2 + 128 * 10 * 3);
    Deno.bench({
      name: `${name} training step, batch ${batch} (${(flop / 1e9).toFixed(3)} GFLOP)`,
      group: `784-128-10 step, batch ${batch}`,
      baseline: name === "cpu",
      n: runs,
      warmup,
      async fn(b) {
        if (setup === undefined) {
          nn.manualSeed(0);
          const init = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "he" });
          const w = init.weights();
          setup = await on(name, () => {
            const up = (t: nn.Tensor) => nn.tensor(t.dataSync(), { shape: [...t.shape] });
            const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
            return {
              net: SoftmaxNetwork.fromWeights({
                weights1: up(w.weights1),
                bias1: up(w.bias1),
                weights2: up(w.weights2),
                bias2: up(w.bias2),
              }),
              X: nn.tensor(values(batch * 784, 3).map((v) => (v + 1) / 2), { shape: [batch, 784] }),
              Y: nn.oneHot(Array.from(labels), 10),
              backend: currentBackend(),
            };
          });
        }
        const { net, X, Y, backend } = setup;
        b.start();
        const old = Object.values(net.weights());
        nn.tidy(() => {
          net.forward(X);
          net.backward(X, Y, 0.01);
          return net.weights();
        });
        old.forEach((t) => t.dispose());
        await finish(backend);
        b.end();
      },
    });
  }
}
