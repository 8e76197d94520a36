/**
 * scripts/part4_3.ts end to end on the shipped slice of real Fashion-MNIST (its
 * first 2,000 training and 2,000 test images, as a folder of the user's): the book's
 * recipe reproduces the book's NumPy code (tests/fixtures/models/make_softmax_network.py)
 * loss for loss; the fast recipe learns; both models agree; errors exit as promised.
 */

import { assert, assertClose, assertEquals } from "../assert.ts";
import { FIXTURES } from "../datasets.ts";
import { runScript } from "./run.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/models/softmax_network.json", import.meta.url)),
);

function run(args: string[], dir: string) {
  const data = ["--dataset", "fashion-mnist", "--data", `${FIXTURES}fashion-mnist`];
  return runScript("scripts/part4_3.ts", [...data, "--out", dir, ...args], {
    NN_CACHE_DIR: `${dir}/cache`,
  });
}

Deno.test("the book's recipe on 2000 images equals the book's NumPy run, loss for loss", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const result = await run(["--train-size", "2000"], dir);
    assertEquals(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert(lines.some((l) => /^Epoch 9, Loss: \d/.test(l)), result.stdout);
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
    assertClose(metrics.loss, fixture.subset.losses, 1e-9, 0, "losses");
    assertClose([metrics.finalTrainAccuracy], [fixture.subset.train_accuracy], 1e-12, 0);
    assert(result.stdout.includes(`Train Accuracy: ${fixture.subset.train_accuracy.toFixed(4)}`));
    assert(/Test Accuracy: 0\.\d{4}/.test(result.stdout), result.stdout);
    const model = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
    assertEquals([model.weights1.length, model.weights1[0].length, model.bias2[0].length], [
      784,
      128,
      10,
    ]);
    assert((await Deno.readTextFile(`${dir}/confusion.svg`)).includes("T-shirt/top"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the fast recipe learns in two epochs on 2000 images, with either model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const accuracies: number[] = [];
    for (const model of ["book", "torch"]) {
      const args = ["--recipe", "fast", "--epochs", "2", "--model", model];
      const result = await run(args, `${dir}/${model}`);
      assertEquals(result.code, 0, result.stderr);
      const metrics = JSON.parse(await Deno.readTextFile(`${dir}/${model}/metrics.json`));
      assertEquals(metrics.secondsPerEpoch.length, 2);
      accuracies.push(metrics.finalTestAccuracy);
    }
    // Far above the book recipe's 14-25%; both ways of building it land together.
    assert(accuracies.every((a) => a > 0.65), `${accuracies}`);
    assert(Math.abs(accuracies[0] - accuracies[1]) < 0.03, `${accuracies}`);
    assert((await Deno.stat(`${dir}/torch/model.safetensors`)).size > 400_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a diverging run stops with the epoch and batch; bad flags exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const result = await run(["--recipe", "fast", "--train-size", "512", "--lr", "1e30"], dir);
    assertEquals(result.code, 1, result.stderr);
    assert(
      /the loss became (NaN|Infinity) at epoch \d+, batch \d+/.test(result.stderr),
      result.stderr,
    );
    const bad = await run(["--recipe", "slow"], dir);
    assertEquals(bad.code, 2);
    assert(bad.stderr.includes('--recipe: expected one of book, fast, found "slow"'), bad.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
