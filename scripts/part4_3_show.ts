/**
 * Part4-3 (动手练), the first step: look at MNIST. Reads the header of the
 * images file as the book does (`struct.unpack(">IIII", f.read(16))`: the
 * magic number, the number of images, rows and columns), prints it, and draws
 * the first images with their labels (`Label: 5`) into an SVG grid in --out.
 *
 *   deno run -A scripts/part4_3_show.ts [--dataset mnist|fashion-mnist] [--split train|test]
 *                                       [--count 5] [--out ./out] [--data FOLDER|URL]
 *
 * The files come from NN_DATA_DIR, the cache, or their public URLs.
 */

import { datasets, dataSource } from "../lib/data/datasets.ts";
import { readIdxHeader } from "../lib/data/idx.ts";
import { imageGrid } from "../lib/plot/image_grid.ts";
import {
  checkOutputFolder,
  runScript,
  scriptSpec,
  sharedFlags,
  UsageError,
} from "../lib/train/cli.ts";

const spec = scriptSpec({
  usage: "deno run -A scripts/part4_3_show.ts [flags]",
  summary: "Part4-3: print the header of MNIST's images file and draw the first images.",
  flags: {
    dataset: {
      type: "string",
      default: "mnist",
      choices: ["mnist", "fashion-mnist"],
      help: "which data set",
    },
    split: {
      type: "string",
      default: "train",
      choices: ["train", "test"],
      help: "the training (60,000) or test (10,000) images",
    },
    count: { type: "integer", default: 5, min: 1, help: "how many images to draw" },
    out: sharedFlags.out,
    data: {
      type: "string",
      help: "a folder or base URL holding the IDX files (any number of images), read as given",
    },
  },
});

await runScript(spec, async (flags) => {
  const { dataset, split, count, out } = flags;
  checkOutputFolder(out);
  const load = dataset === "mnist" ? datasets.mnist : datasets.fashionMnist;
  const data = await load({ split, url: flags.data });
  if (count > data.count) {
    throw new UsageError(`--count: expected at most ${data.count} images, found ${count}`);
  }

  const { magic, dims: [images, rows, cols] } = await readIdxHeader(data.files!.images);
  console.log(`Images file: ${data.files!.images}`);
  console.log(`Magic number: ${magic}`);
  console.log(`Number of images: ${images}`);
  console.log(`Rows: ${rows}`);
  console.log(`Columns: ${cols}`);

  const first = Array.from({ length: count }, (_, i) => i);
  const labels = first.map((i) => data.labels[i]);
  const named = dataset === "fashion-mnist"
    ? ` (${labels.map((l) => data.classNames[l]).join(", ")})`
    : "";
  console.log(`First ${count} labels: ${labels.join(", ")}${named}`);
  console.log(`Data: ${dataSource(data)}`);

  await Deno.mkdir(out, { recursive: true });
  const path = `${out}/${dataset}_${split}_first${count}.svg`;
  const plot = await imageGrid(data.uint8(first), {
    labels,
    title: `${dataset === "mnist" ? "MNIST" : "Fashion-MNIST"} ${split}: the first ${count}`,
  });
  await plot.save(path);
  console.log(`Wrote ${path}`);
});
