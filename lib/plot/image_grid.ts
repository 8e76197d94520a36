/**
 * A grid of grayscale images with a title over each, as the book shows MNIST
 * digits (`Label: 5`). Each image is embedded as a PNG data URI that the module
 * encodes itself, and drawn with crisp pixels.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { PALETTE } from "./color.ts";
import { type ArrayInput, toDense } from "./input.ts";
import { Plot } from "./plot.ts";
import { encodePng } from "./png.ts";
import { FONT, num, svgDocument, text, textWidth } from "./svg.ts";

/**
 * Options of {@linkcode imageGrid}.
 *
 * Chapter: Part4-3 (showing the digits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ImageGridOptions } from "./image_grid.ts";
 * const options: ImageGridOptions = { labels: [7, 2, 1], columns: 3 };
 * assert.equal(options.columns, 3);
 * ```
 */
export interface ImageGridOptions {
  /** One label per image, shown as `Label: 5`. */
  readonly labels?: ArrayInput | readonly string[];
  /** One predicted label per image, shown as `Pred: 3` below the label, in red when wrong. */
  readonly predictions?: ArrayInput | readonly string[];
  /** One title per image, shown instead of labels and predictions. */
  readonly titles?: readonly string[];
  /** The title above the whole grid. */
  readonly title?: string;
  /** Images per row; up to 10 by default. */
  readonly columns?: number;
  /** Image width in pixels, needed when images come flat and are not 28 × 28 or square. */
  readonly width?: number;
  /** Image height in pixels, needed with `width`. */
  readonly height?: number;
  /** The longer side of each image on screen, in SVG pixels; 84 by default (3× for MNIST). */
  readonly cellSize?: number;
  /**
   * The values shown as black and white. By default [0, 255] for `Uint8Array`
   * data, else the lowest and highest value over all images.
   */
  readonly range?: readonly [number, number];
}

/**
 * Draws `images` ([n, height, width], or [n, 784] and other flat forms) in a
 * grid, white on black as matplotlib's `cmap="gray"` shows them.
 *
 * Chapter: Part4-3 (showing the digits).
 *
 * @throws {ShapeError} when the image size cannot be told or the labels do not match the images.
 * @throws {RangeError} when there are no images or a pixel is not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageGrid } from "./image_grid.ts";
 * const images = new Uint8Array(4 * 28 * 28).map((_, i) => (i * 7) % 256);
 * const plot = await imageGrid(images, { labels: [5, 0, 4, 1] });
 * assert.ok(plot.svg.includes(">Label: 5</text>"));
 * assert.ok(plot.svg.split("data:image/png;base64,").length === 5);
 * ```
 */
export async function imageGrid(images: ArrayInput, options: ImageGridOptions = {}): Promise<Plot> {
  const { shape, data } = toDense(images, "imageGrid: images");
  const [n, h, w] = imageShape(shape, options);
  if (n === 0) throw new RangeError("imageGrid: expected at least one image, found none");
  const size = h * w;
  const [lo, hi] = options.range ?? defaultRange(data);
  const titles = titleLines(n, options);

  const scale = (options.cellSize ?? 84) / Math.max(h, w);
  const [dw, dh] = [w * scale, h * scale];
  const lineHeight = FONT.tick * 1.3;
  const lines = Math.max(0, ...titles.map((t) => t.length));
  const widest = Math.max(0, ...titles.flat().map((t) => textWidth(t.text, FONT.tick)));
  const cellWidth = Math.max(dw, widest + 4) + 12;
  const cellHeight = lines * lineHeight + (lines ? 4 : 0) + dh + 12;
  const columns = Math.min(n, options.columns ?? 10);
  const rows = Math.ceil(n / columns);
  const top = options.title ? FONT.title * 1.2 + 16 : 10;
  const width = columns * cellWidth + 16;
  const height = top + rows * cellHeight + 6;

  // Crisp pixels. An inline SVG's style sheet applies to the whole page it sits in
  // (a notebook, say), so the rule is scoped to this grid's own group.
  const parts = [
    `<style>.nn-pixels image{image-rendering:optimizeSpeed;image-rendering:pixelated}</style>`,
    `<g class="nn-pixels">`,
  ];
  if (options.title) {
    parts.push(
      text(
        width / 2,
        8 + FONT.title * 0.6,
        options.title,
        `class="title" font-size="${FONT.title}" text-anchor="middle"`,
      ),
    );
  }
  const gray = new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < size; p++) {
      const v = data[i * size + p];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `imageGrid: expected finite pixel values, found ${v} in image ${i} at pixel ${p}`,
        );
      }
      gray[p] = Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255);
    }
    const png = await encodePng(gray, w, h);
    const x = 8 + (i % columns) * cellWidth + (cellWidth - dw) / 2;
    const y = top + Math.floor(i / columns) * cellHeight + lines * lineHeight + (lines ? 4 : 0);
    titles[i].forEach((line, k) => {
      const ty = y - 4 - (titles[i].length - k - 0.5) * lineHeight;
      const color = line.wrong ? ` fill="${PALETTE[1]}"` : "";
      parts.push(text(x + dw / 2, ty, line.text, `text-anchor="middle"${color}`));
    });
    parts.push(
      `<image x="${num(x)}" y="${num(y)}" width="${num(dw)}" height="${num(dh)}"` +
        ` href="data:image/png;base64,${base64(png)}"/>`,
    );
  }
  parts.push("</g>");
  return new Plot(svgDocument(width, height, parts), "imageGrid");
}

/** [count, height, width] of the images, from the data's shape and the options. */
function imageShape(shape: readonly number[], options: ImageGridOptions): [number, number, number] {
  const { width, height } = options;
  if ((width === undefined) !== (height === undefined)) {
    throw new TypeError(
      `imageGrid: expected width and height together, found only ${
        width === undefined ? "height" : "width"
      }`,
    );
  }
  const dims = [...shape];
  // A channel axis of 1 ([n, 1, h, w] as PyTorch, [n, h, w, 1] as TensorFlow) is dropped.
  if (dims.length === 4 && dims[1] === 1) dims.splice(1, 1);
  else if (dims.length === 4 && dims[3] === 1) dims.pop();
  if (dims.length === 3) {
    const [n, h, w] = dims;
    if (width !== undefined && (w !== width || h !== height)) {
      throw new ShapeError(
        `imageGrid: expected images of ${height} × ${width} as the options say, found ${h} × ${w}`,
      );
    }
    return [n, h, w];
  }
  if (dims.length === 1) {
    // Flat pixels of consecutive images, as an IDX file holds them.
    const [h, w] = [height ?? 28, width ?? 28];
    if (dims[0] % (h * w) !== 0) {
      throw new ShapeError(
        `imageGrid: expected a multiple of ${h} × ${w} = ${h * w} values for flat images, found ${
          dims[0]
        }`,
      );
    }
    return [dims[0] / (h * w), h, w];
  }
  if (dims.length === 2) {
    const [n, d] = dims;
    if (width !== undefined && height !== undefined) {
      if (width * height !== d) {
        throw new ShapeError(
          `imageGrid: expected ${height} × ${width} = ${
            width * height
          } values per image, found ${d}`,
        );
      }
      return [n, height, width];
    }
    const side = Math.round(Math.sqrt(d));
    if (side * side !== d) {
      throw new ShapeError(
        `imageGrid: expected 784 (28 × 28) or another square number of values per image, found ${d}; pass width and height`,
      );
    }
    return [n, side, side];
  }
  throw new ShapeError(
    `imageGrid: expected images of shape [n, height, width] or [n, pixels], found [${shape}]`,
  );
}

function defaultRange(data: ArrayLike<number>): [number, number] {
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return [0, 255];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  return lo < hi ? [lo, hi] : [lo, lo + 1];
}

interface TitleLine {
  readonly text: string;
  readonly wrong?: boolean;
}

/** The title lines over each image. */
function titleLines(n: number, options: ImageGridOptions): TitleLine[][] {
  const list = (input: ArrayInput | readonly string[] | undefined, name: string) => {
    if (input === undefined) return undefined;
    const values = Array.isArray(input) && typeof input[0] === "string"
      ? input as readonly string[]
      : Array.from(toDense(input as ArrayInput, `imageGrid: ${name}`).data, String);
    if (values.length !== n) {
      throw new ShapeError(
        `imageGrid: expected one entry in ${name} per image (${n}), found ${values.length}`,
      );
    }
    return values;
  };
  const titles = list(options.titles, "titles");
  if (titles) return titles.map((t) => [{ text: t }]);
  const labels = list(options.labels, "labels");
  const predictions = list(options.predictions, "predictions");
  return Array.from({ length: n }, (_, i) => {
    const lines: TitleLine[] = [];
    if (labels) lines.push({ text: `Label: ${labels[i]}` });
    if (predictions) {
      lines.push({
        text: `Pred: ${predictions[i]}`,
        wrong: !!labels && predictions[i] !== labels[i],
      });
    }
    return lines;
  });
}

/** Base64 of `bytes`, through `btoa`, which every browser and Deno have. */
function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
