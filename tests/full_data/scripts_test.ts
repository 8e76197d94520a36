/**
 * The exercise scripts on the full data sets (`deno task test:data`, with
 * NN_DATA_DIR naming them), as a reader who has the files runs them: Part4-3's
 * book recipe on all 60,000 Fashion-MNIST training images equals the book's
 * NumPy code loss for loss (tests/fixtures/models/make_softmax_network.py,
 * seed 0), the fast recipe reaches the accuracy the README states, and
 * part4_3_show reads the official files through the mirror folder.
 */

import assert from "node:assert/strict";
import { assertClose } from "../assert.ts";
import { fullDataDir } from "../datasets.ts";
import { runScript } from "../scripts/run.ts";

const DATA = fullDataDir();
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/models/softmax_network.json", import.meta.url)),
);

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function part43(args: string[], dir: string) {
  return runScript("scripts/part4_3.ts", ["--dataset", "fashion-mnist", "--out", dir, ...args], {
    NN_DATA_DIR: DATA,
    NN_CACHE_DIR: `${dir}/cache`,
  });
}

Deno.test("part4_3, the book's recipe on all 60,000 images, equals the book's NumPy run", async () => {
  await inTempDir(async (dir) => {
    const result = await part43([], dir);
    assert.equal(result.code, 0, result.stderr);
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
    const numpy = fixture.full[0]; // seed 0, the script's default
    assertClose(metrics.loss, numpy.losses, 1e-9, 0, "losses");
    assertClose([metrics.finalTrainAccuracy], [numpy.train_accuracy], 1e-12, 0);
    assertClose([metrics.finalTestAccuracy], [numpy.test_accuracy], 1e-12, 0);
    assert.ok(result.stdout.includes(`Test Accuracy: ${numpy.test_accuracy.toFixed(4)}`));
  });
});

Deno.test("part4_3, the fast recipe, learns Fashion-MNIST in 5 epochs (the README's 87%)", async () => {
  await inTempDir(async (dir) => {
    const result = await part43(["--recipe", "fast"], dir);
    assert.equal(result.code, 0, result.stderr);
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
    assert.equal(metrics.secondsPerEpoch.length, 5);
    assert.ok(metrics.finalTestAccuracy > 0.86, `test accuracy ${metrics.finalTestAccuracy}`);
  });
});

Deno.test("part4_3_show reads MNIST's official test file from the mirror folder", async () => {
  await inTempDir(async (dir) => {
    const result = await runScript(
      "scripts/part4_3_show.ts",
      ["--split", "test", "--out", dir],
      { NN_DATA_DIR: DATA, NN_CACHE_DIR: `${dir}/cache` },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes("Number of images: 10000\n"), result.stdout);
    assert.ok(result.stdout.includes("First 5 labels: 7, 2, 1, 0, 4"), result.stdout);
    assert.ok(result.stdout.includes(`${DATA}mnist/t10k-images-idx3-ubyte.gz`), result.stdout);
  });
});
