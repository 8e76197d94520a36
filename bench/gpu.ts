/**
 * For a machine with a real GPU: GFLOP/s of the WebGPU backend's matmul at
 * 1024³, 4096³ and 60000×784·784×128, and seconds per epoch of the fast MNIST
 * recipe (784-128-10, He init, Adam at 1e-3, batches of 128), beside the CPU
 * backend's:
 *
 *     deno run --allow-read --allow-env bench/gpu.ts [--all] [--epochs N]
 *     NN_DATA_DIR=/path/to/data deno run -A bench/gpu.ts --exercises
 *
 * `--exercises` also times the exercise scripts themselves, each run as a
 * reader runs it (`--backend cpu`, then `--backend webgpu`, float32): Part4-2
 * (5000 epochs), and Part4-3's book recipe (full batch) and fast recipe on
 * Fashion-MNIST (2 epochs each), as seconds in all or per epoch from the
 * metrics.json each writes.
 *
 * The images come from NN_DATA_DIR (mnist/ or fashion-mnist/ train files),
 * else random images of MNIST's shape are used (the time per epoch is the
 * same). On a software adapter (llvmpipe) 4096³ is skipped unless `--all`:
 * it would take minutes. Each figure is the best of a few runs after a
 * warm-up, and each run waits for the GPU to finish (`sync()`).
 */

import * as nn from "../mod.ts";
import type { Backend } from "../lib/tensor/backend.ts";
import { currentBackend } from "../lib/tensor/select_backend.ts";
import type { WebGpuBackend } from "../lib/tensor/webgpu/backend.ts";
import { SoftmaxNetwork } from "../lib/models/softmax_network.ts";
import { readMnist } from "../lib/data/datasets.ts";
import { batches } from "../lib/data/batches.ts";
import { MnistData } from "../lib/data/transforms.ts";
import { fill } from "./operands.ts";

const args = Deno.args;
const all = args.includes("--all");
const epochsAt = args.indexOf("--epochs");
const epochs = epochsAt >= 0 ? Number(args[epochsAt + 1]) : 1;

await nn.setBackend("webgpu").catch((e) => {
  console.error(`No WebGPU here: ${e.message}`);
  Deno.exit(1);
});
const gpu = currentBackend() as WebGpuBackend;
const limits = gpu.device.limits;
console.log(
  `WebGPU adapter: ${gpu.adapterName}${gpu.software ? " (software)" : ""}; ` +
    `maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, ` +
    `maxBufferSize ${limits.maxBufferSize}`,
);
await nn.setBackend("cpu");

/** Deterministic values in [-1, 1). */
const values = (size: number, seed: number) => fill(new Float32Array(size), seed);

/** The best of `runs` timings of `fn` (seconds), after one untimed warm-up. */
async function best(runs: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  let t = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await fn();
    t = Math.min(t, (performance.now() - start) / 1000);
  }
  return t;
}

async function sync(backend: Backend): Promise<void> {
  await backend.sync?.();
}

const shapes = [
  { m: 1024, k: 1024, n: 1024 },
  { m: 4096, k: 4096, n: 4096 },
  { m: 60000, k: 784, n: 128 },
];
console.log("\nmatmul                 backend   seconds    GFLOP/s");
for (const { m, k, n } of shapes) {
  for (const name of ["cpu", "webgpu"] as const) {
    const label = `${m}×${k}·${k}×${n}`.padEnd(22);
    if (m === 4096 && !all && (name === "cpu" || gpu.software)) {
      console.log(`${label} ${name.padEnd(8)}  skipped (--all runs it)`);
      continue;
    }
    await nn.setBackend(name);
    const backend = currentBackend();
    const a = nn.tensor(values(m * k, 1), { shape: [m, k] });
    const b = nn.tensor(values(k * n, 2), { shape: [k, n] });
    const seconds = await best(m * n * k > 1e10 ? 1 : 3, async () => {
      const c = a.matmul(b);
      await sync(backend);
      c.dispose();
    });
    a.dispose();
    b.dispose();
    const gflops = (2 * m * n * k) / seconds / 1e9;
    console.log(
      `${label} ${name.padEnd(8)} ${seconds.toFixed(4).padStart(8)} ${
        gflops.toFixed(1).padStart(10)
      }`,
    );
  }
}

/** MNIST's (or Fashion-MNIST's) training images from NN_DATA_DIR, or random ones of that shape. */
async function trainingImages(): Promise<{ data: MnistData; source: string }> {
  const dir = Deno.env.get("NN_DATA_DIR");
  for (const name of ["mnist", "fashion-mnist"]) {
    if (dir === undefined) break;
    try {
      const data = await readMnist(
        `${dir}/${name}/train-images-idx3-ubyte.gz`,
        `${dir}/${name}/train-labels-idx1-ubyte.gz`,
      );
      return { data, source: `${name} from NN_DATA_DIR` };
    } catch {
      // not there: try the next
    }
  }
  const count = 60000;
  const pixels = new Uint8Array(count * 784).map((_, i) => (i * 7919) % 256);
  const labels = Int32Array.from({ length: count }, (_, i) => (i * 7) % 10);
  return { data: new MnistData({ pixels, labels, rows: 28, cols: 28 }), source: "random images" };
}

const { data, source } = await trainingImages();
console.log(`\nThe fast recipe on ${data.count} ${source}, ${epochs} epoch(s):`);
for (const name of ["cpu", "webgpu"] as const) {
  await nn.setBackend("cpu");
  nn.manualSeed(0);
  const init = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "he" }).weights();
  await nn.setBackend(name);
  const backend = currentBackend();
  const up = (t: nn.Tensor) => nn.tensor(t.dataSync(), { shape: [...t.shape] });
  const net = SoftmaxNetwork.fromWeights({
    weights1: up(init.weights1),
    bias1: up(init.bias1),
    weights2: up(init.weights2),
    bias2: up(init.bias2),
  });
  const params = [net.weights1, net.bias1, net.weights2, net.bias2];
  const adam = new nn.optim.Adam(params, { lr: 1e-3 });
  const generator = new nn.Generator(1);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    for (const { X, indices } of batches(data, { batchSize: 128, shuffle: true, generator })) {
      const Y = data.oneHot(indices);
      net.forward(X);
      const g = net.gradients(X, Y);
      for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) net[key].grad = g[key];
      adam.step();
    }
    await sync(backend);
    const seconds = (performance.now() - start) / 1000;
    const predicted = await net.predict(data.slice(0, 10000).images()).data();
    let right = 0;
    for (let i = 0; i < 10000; i++) if (predicted[i] === data.labels[i]) right++;
    console.log(
      `${name.padEnd(8)} epoch ${epoch}: ${seconds.toFixed(2)} s, ` +
        `training accuracy on the first 10000: ${(right / 100).toFixed(2)}%`,
    );
  }
}
await nn.setBackend("cpu");

if (args.includes("--exercises")) await timeExercises();

/** The exercise scripts on the CPU and on WebGPU, timed from their own metrics.json. */
async function timeExercises(): Promise<void> {
  const dataDir = Deno.env.get("NN_DATA_DIR");
  if (!dataDir) {
    console.error("--exercises times the scripts on the full data: set NN_DATA_DIR");
    Deno.exit(2);
  }
  const root = new URL("../", import.meta.url);
  const runs: [string, string, string[], (m: Record<string, unknown>) => string][] = [
    [
      "Part4-2 (5000 epochs)",
      "scripts/part4_2.ts",
      [],
      (m) => `${(m.seconds as number).toFixed(2)} s`,
    ],
    ...(["book", "fast"] as const).map((recipe) =>
      [
        `Part4-3 ${recipe} recipe, Fashion-MNIST`,
        "scripts/part4_3.ts",
        ["--recipe", recipe, "--dataset", "fashion-mnist", "--epochs", "2"],
        (m: Record<string, unknown>) =>
          `${Math.min(...(m.secondsPerEpoch as number[])).toFixed(2)} s/epoch`,
      ] as [string, string, string[], (m: Record<string, unknown>) => string]
    ),
  ];
  console.log("\nexercise                                backend   time");
  for (const [label, script, extra, figure] of runs) {
    for (const backend of ["cpu", "webgpu"]) {
      const out = await Deno.makeTempDir();
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          script,
          ...extra,
          "--dtype",
          "float32",
          "--backend",
          backend,
          "--out",
          out,
        ],
        cwd: root.pathname,
        env: { NN_DATA_DIR: dataDir },
        stdout: "null",
        stderr: "piped",
      }).output();
      const metrics = code === 0
        ? JSON.parse(await Deno.readTextFile(`${out}/metrics.json`))
        : null;
      console.log(
        `${label.padEnd(40)}${backend.padEnd(10)}${
          metrics ? figure(metrics) : `failed: ${new TextDecoder().decode(stderr).trim()}`
        }`,
      );
      await Deno.remove(out, { recursive: true });
    }
  }
}
