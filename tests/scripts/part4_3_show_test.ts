/**
 * scripts/part4_3_show.ts as a reader runs it: a separate process, a private
 * cache, and the shipped slices (the first 2,000 images of each split) as a
 * folder of the user's (`--data`). It prints the images file's header as the
 * book does and draws the first images with their labels. The full files,
 * through NN_DATA_DIR, are in tests/full_data/scripts_test.ts.
 */

import { assert, assertEquals } from "../assert.ts";
import { FIXTURES } from "../datasets.ts";
import { runScript } from "./run.ts";

function run(args: string[], dir: string, env: Record<string, string> = {}) {
  return runScript("scripts/part4_3_show.ts", args, { NN_CACHE_DIR: `${dir}/cache`, ...env });
}

/** The labels drawn in an SVG grid, and how many images it embeds. */
function drawn(svg: string): { labels: string[]; images: number } {
  return {
    labels: [...svg.matchAll(/>Label: (\d+)<\/text>/g)].map((m) => m[1]),
    images: svg.split("data:image/png;base64,").length - 1,
  };
}

Deno.test("part4_3_show prints MNIST's header and draws the first 5 test images", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = ["--split", "test", "--data", `${FIXTURES}mnist`, "--out", `${dir}/out`];
    const result = await run(args, dir);
    assertEquals(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assertEquals(lines.slice(1, 6), [
      "Magic number: 2051",
      "Number of images: 2000",
      "Rows: 28",
      "Columns: 28",
      "First 5 labels: 7, 2, 1, 0, 4",
    ]);
    assert(lines[0].endsWith("mnist/t10k-images-idx3-ubyte.gz"), lines[0]);
    const svg = await Deno.readTextFile(`${dir}/out/mnist_test_first5.svg`);
    assertEquals(drawn(svg), { labels: ["7", "2", "1", "0", "4"], images: 5 });
    assert(svg.startsWith("<svg") && svg.includes("MNIST test: the first 5"), svg.slice(0, 200));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("part4_3_show draws Fashion-MNIST's training images with their class names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = `${FIXTURES}fashion-mnist`;
    const args = ["--dataset", "fashion-mnist", "--data", data, "--count", "8", "--out", dir];
    const result = await run(args, dir);
    assertEquals(result.code, 0, result.stderr);
    assert(result.stdout.includes("Number of images: 2000\n"), result.stdout);
    assert(
      result.stdout.includes(
        "First 8 labels: 9, 0, 0, 3, 0, 2, 7, 2 (Ankle boot, T-shirt/top, T-shirt/top, Dress, " +
          "T-shirt/top, Pullover, Sneaker, Pullover)",
      ),
      result.stdout,
    );
    const svg = await Deno.readTextFile(`${dir}/fashion-mnist_train_first8.svg`);
    assertEquals(drawn(svg), { labels: ["9", "0", "0", "3", "0", "2", "7", "2"], images: 8 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("part4_3_show: bad flags exit 2 with the usage; missing data exits 1 in one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const args of [["--dataset", "cifar"], ["--count", "0"], ["--split", "val"]]) {
      const result = await run([...args, "--out", dir], dir);
      assertEquals(result.code, 2, `${args}: ${result.stderr}`);
      assert(result.stderr.includes("Usage: deno run -A scripts/part4_3_show.ts"), result.stderr);
    }
    const missing = await run(["--split", "test", "--data", `${dir}/nothing`, "--out", dir], dir);
    assertEquals(missing.code, 1, missing.stderr);
    assertEquals(missing.stderr.trim().split("\n").length, 1, missing.stderr);
    assert(
      missing.stderr.startsWith(
        `error: ${dir}/nothing: expected a folder holding mnist's IDX files (such as ` +
          "t10k-images-idx3-ubyte.gz), found no such folder",
      ),
      missing.stderr,
    );
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), [], "no output was written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
