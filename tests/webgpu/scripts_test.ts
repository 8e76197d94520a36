/**
 * The exercise scripts on WebGPU (this machine's software adapter, llvmpipe, in
 * CI): each trains there, judges and saves on the CPU, and ends where the CPU
 * run ends for the same seed and dtype; float64 on WebGPU is refused in two
 * lines; GPU memory does not grow over the epochs of the one training loop.
 */

import assert from "node:assert/strict";
import * as nn from "../../mod.ts";
import { FIXTURES } from "../datasets.ts";
import { runScript } from "../scripts/run.ts";
import { gpuTest } from "./helpers.ts";

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const chips = `${FIXTURES}ex2data2.txt`;

gpuTest("part4_1 and part4_2 end on WebGPU where they end on the CPU", async () => {
  await inTempDir(async (dir) => {
    const env = { NN_CACHE_DIR: `${dir}/cache` };
    const part41 = await runScript("scripts/part4_1.ts", [
      "--backend",
      "webgpu",
      "--dtype",
      "float32",
      "--data",
      chips,
    ], env);
    assert.equal(part41.code, 0, part41.stderr);
    assert.match(part41.stdout, /^Backend: webgpu \(.+\)$/m);
    assert.ok(part41.stdout.includes("Final Accuracy: 83.90%"), part41.stdout);
    const runs = [];
    for (const backend of ["cpu", "webgpu"]) {
      const args = ["--backend", backend, "--dtype", "float32", "--seed", "3", "--epochs", "1500"];
      const result = await runScript("scripts/part4_2.ts", [
        ...args,
        "--data",
        chips,
        "--out",
        `${dir}/${backend}`,
      ], env);
      assert.equal(result.code, 0, result.stderr);
      runs.push(JSON.parse(await Deno.readTextFile(`${dir}/${backend}/metrics.json`)));
    }
    const [cpu, gpu] = runs;
    assert.equal(gpu.accuracy, cpu.accuracy);
    assert.ok(
      Math.abs(gpu.loss.at(-1) - cpu.loss.at(-1)) < 1e-4 * cpu.loss.at(-1),
      `${gpu.loss.at(-1)} vs ${cpu.loss.at(-1)}`,
    );
  });
});

gpuTest(
  "part4_3's fast recipe on WebGPU lands within a point of the CPU; float64 is refused",
  async () => {
    await inTempDir(async (dir) => {
      const env = { NN_CACHE_DIR: `${dir}/cache` };
      const data = ["--dataset", "fashion-mnist", "--data", `${FIXTURES}fashion-mnist`];
      const accuracies: number[] = [];
      for (const backend of ["cpu", "webgpu"]) {
        const args = [...data, "--recipe", "fast", "--epochs", "2", "--backend", backend];
        const result = await runScript("scripts/part4_3.ts", [
          ...args,
          "--out",
          `${dir}/${backend}`,
        ], env);
        assert.equal(result.code, 0, result.stderr);
        accuracies.push(
          JSON.parse(await Deno.readTextFile(`${dir}/${backend}/metrics.json`)).finalTestAccuracy,
        );
      }
      assert.ok(Math.abs(accuracies[0] - accuracies[1]) <= 0.01, `${accuracies}`);
      const book = await runScript("scripts/part4_3.ts", [
        ...data,
        "--backend",
        "webgpu",
        "--out",
        `${dir}/book`,
      ], env);
      assert.equal(book.code, 2, book.stderr);
      assert.equal(
        book.stderr.trim(),
        "error: --dtype float64 runs on the CPU only: WebGPU (WGSL) has no 64-bit floats\n" +
          "use --dtype float32 to run on the GPU, or --backend cpu to keep float64",
      );
    });
  },
);

gpuTest(
  "the book's network trains on WebGPU and its GPU memory does not grow over 20 epochs",
  async (gpu) => {
    const { X, y } = await nn.loadMicrochips({
      data: chips,
      dtype: "float32",
      offlineFallback: false,
    });
    await nn.setBackend("webgpu");
    const Xg = nn.tensor(X.dataSync(), { shape: [...X.shape] });
    const yg = nn.tensor(y.dataSync(), { shape: [...y.shape] });
    const net = new nn.NeuralNetwork(2, 10, 1, { dtype: "float32" });
    const held: number[] = [];
    await net.train(Xg, yg, {
      epochs: 20,
      lr: 0.5,
      readEvery: 1,
      onEpoch: () => held.push(gpu.bytesHeld()),
    });
    assert.equal(held.length, 20);
    // Buffers are freed when the garbage collector runs, so the figure rises and falls; what
    // a leak raises is the floor it falls back to, epoch after epoch: one leaked [118, 10]
    // activation an epoch would lift it by 47 kB over ten epochs (4 kB of slack for the pool).
    const floor = (list: number[]) => Math.min(...list);
    assert.ok(
      floor(held.slice(10)) <= floor(held.slice(0, 10)) + 4096,
      `bytes held by epoch: ${held}`,
    );
  },
);
