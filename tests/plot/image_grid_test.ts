import assert from "node:assert/strict";
import { ShapeError } from "../../lib/errors.ts";
import { imageGrid } from "../../lib/plot/image_grid.ts";
import { assertGolden } from "./golden.ts";
import { mnist } from "./mnist.ts";
import { decodePng } from "./png_decode.ts";
import { type Element, findAll, parseXml, texts } from "./xml.ts";

/** n images of h × w whose pixel p of image i is (i * 37 + p * 11) % 256. */
function pattern(n: number, h: number, w: number): Uint8Array {
  return Uint8Array.from({ length: n * h * w }, (_, k) => {
    const [i, p] = [Math.floor(k / (h * w)), k % (h * w)];
    return (i * 37 + p * 11) % 256;
  });
}

async function embedded(image: Element) {
  const href = image.attrs.href;
  assert.ok(href.startsWith("data:image/png;base64,"));
  const bytes = Uint8Array.from(atob(href.slice(22)), (c) => c.charCodeAt(0));
  return await decodePng(bytes);
}

Deno.test("each image is embedded as a PNG holding exactly its pixels", async () => {
  const data = pattern(3, 28, 28);
  const svg = parseXml((await imageGrid(data, { labels: [5, 0, 4] })).svg);
  const images = findAll(svg, (e) => e.name === "image");
  assert.equal(images.length, 3);
  for (const [i, image] of images.entries()) {
    const png = await embedded(image);
    assert.deepEqual([png.width, png.height, png.channels], [28, 28, 1]);
    assert.deepEqual(png.pixels, data.subarray(i * 784, (i + 1) * 784));
    assert.equal(image.attrs.width, "84");
  }
  assert.deepEqual(texts(svg), ["Label: 5", "Label: 0", "Label: 4"]);
  assert.match((await imageGrid(data)).svg, /image-rendering:pixelated/);
});

Deno.test("[n, 28, 28], [n, 784], flat, [n, 1, 28, 28] and tensors give the same grid", async () => {
  const data = pattern(4, 28, 28);
  const expected = (await imageGrid(data)).svg;
  const float = Float32Array.from(data);
  const shapes = [[4, 28, 28], [4, 784], [4, 1, 28, 28], [4, 28, 28, 1]];
  for (const shape of shapes) {
    const tensor = { shape, dataSync: () => float };
    // Floats are scaled by their own range, which here is 0…255 as for the bytes.
    assert.equal((await imageGrid(tensor)).svg, expected, `shape [${shape}]`);
  }
  const nested = Array.from(
    { length: 4 },
    (_, i) => Array.from(data.subarray(i * 784, (i + 1) * 784)),
  );
  assert.equal((await imageGrid(nested)).svg, expected);
});

Deno.test("float images in [0, 1] map to 0…255; a range option overrides", async () => {
  const svg = parseXml(
    (await imageGrid({ shape: [1, 2, 2], dataSync: () => [0, 0.5, 1, 0.25] })).svg,
  );
  const png = await embedded(findAll(svg, (e) => e.name === "image")[0]);
  assert.deepEqual([...png.pixels], [0, 128, 255, 64]);
  const ranged = parseXml((await imageGrid([[0, 5, 10, 20]], { range: [0, 10] })).svg);
  assert.deepEqual([...(await embedded(findAll(ranged, (e) => e.name === "image")[0])).pixels], [
    0,
    128,
    255,
    255,
  ]);
});

Deno.test("square images other than 28 × 28, and given width and height, work", async () => {
  const square = parseXml(
    (await imageGrid(
      pattern(2, 4, 4).reduce(
        (a, v, i) => (a[Math.floor(i / 16)].push(v), a),
        [[], []] as number[][],
      ),
    )).svg,
  );
  assert.deepEqual([(await embedded(findAll(square, (e) => e.name === "image")[0])).width], [4]);
  const wide = parseXml((await imageGrid(pattern(2, 15, 20), { width: 20, height: 15 })).svg);
  const png = await embedded(findAll(wide, (e) => e.name === "image")[1]);
  assert.deepEqual([png.width, png.height], [20, 15]);
});

Deno.test("predictions show under labels, in red where they are wrong", async () => {
  const svg = parseXml(
    (await imageGrid(pattern(2, 28, 28), { labels: [3, 7], predictions: [3, 1] })).svg,
  );
  assert.deepEqual(texts(svg), ["Label: 3", "Pred: 3", "Label: 7", "Pred: 1"]);
  const red = findAll(svg, (e) => e.name === "text" && e.attrs.fill === "#D55E00");
  assert.equal(red.length, 1);
});

Deno.test(
  "a 10 × 10 grid of real MNIST digits stays under 300 KB",
  async () => {
    const { images, labels } = await mnist(100);
    const plot = await imageGrid(images, { labels, title: "MNIST" });
    assert.ok(plot.svg.length < 300_000, `${plot.svg.length} bytes`);
    const svg = parseXml(plot.svg);
    assert.equal(findAll(svg, (e) => e.name === "image").length, 100);
    assert.equal(texts(svg)[1], `Label: ${labels[0]}`);
  },
);

Deno.test("an image grid matches its golden file (with the PNG bytes checked apart)", async () => {
  const plot = await imageGrid(pattern(7, 28, 28), {
    labels: [0, 1, 2, 3, 4, 5, 6],
    columns: 4,
    title: "Seven patterns",
  });
  // Deflate's exact bytes belong to the runtime's zlib, so the golden file holds
  // the SVG around them; the pixels are checked by decoding, above.
  const normalized = plot.svg.replace(
    /data:image\/png;base64,[A-Za-z0-9+/=]+/g,
    "data:image/png;base64,…",
  );
  await assertGolden("image_grid.svg", normalized);
});

Deno.test("bad images get a clear error", async () => {
  await assert.rejects(
    imageGrid([[1, 2, 3]]),
    (e) =>
      e instanceof ShapeError &&
      /784 \(28 × 28\) or another square number of values per image, found 3; pass width and height/
        .test(e.message),
  );
  await assert.rejects(
    imageGrid(new Uint8Array(700)),
    (e) =>
      e instanceof ShapeError &&
      /multiple of 28 × 28 = 784 values for flat images, found 700/.test(e.message),
  );
  await assert.rejects(
    imageGrid(pattern(1, 28, 28), { width: 20, height: 15 }),
    (e) => e instanceof ShapeError && /found 784/.test(e.message),
  );
  await assert.rejects(
    imageGrid({ shape: [1, 28, 28], dataSync: () => new Float32Array(784) }, {
      width: 14,
      height: 56,
    }),
    (e) =>
      e instanceof ShapeError &&
      /expected images of 56 × 14 as the options say, found 28 × 28/.test(e.message),
  );
  await assert.rejects(
    imageGrid(pattern(2, 28, 28), { labels: [1] }),
    (e) =>
      e instanceof ShapeError && /one entry in labels per image \(2\), found 1/.test(e.message),
  );
  await assert.rejects(imageGrid([[NaN, 0, 0, 0]]), {
    name: "RangeError",
    message: /finite pixel values, found NaN in image 0 at pixel 0/,
  });
  await assert.rejects(imageGrid(new Uint8Array(0)), {
    name: "RangeError",
    message: /at least one image, found none/,
  });
  await assert.rejects(imageGrid(new Uint8Array(784), { width: 28 }), {
    name: "TypeError",
    message: /width and height together, found only width/,
  });
  await assert.rejects(
    imageGrid({ shape: [2, 2, 2, 2, 2], dataSync: () => new Float32Array(32) }),
    (e) =>
      e instanceof ShapeError &&
      /\[n, height, width\] or \[n, pixels\], found \[2,2,2,2,2\]/.test(e.message),
  );
});
