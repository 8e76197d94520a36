/**
 * A minimal PNG encoder: 8-bit grayscale, gray with alpha, RGB or RGBA, no
 * filtering. Enough to embed small images (MNIST digits) in SVG as data URIs
 * without a dependency.
 *
 * A PNG is a signature and chunks (length, type, data, CRC-32 of type and
 * data): `IHDR` with the size and pixel format, `IDAT` with the rows as a zlib
 * stream, each row led by its filter byte, and an empty `IEND`. The web's
 * `CompressionStream("deflate")` makes exactly that zlib stream, which is why
 * encoding is asynchronous.
 *
 * @module
 */

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/**
 * Encodes `pixels` (row-major, `channels` bytes per pixel: 1 gray, 2 gray and
 * alpha, 3 RGB, 4 RGBA) as a PNG file.
 *
 * Chapter: Part4-3 (showing the digits).
 *
 * @throws {RangeError} when the size or channel count is invalid or `pixels` has the wrong length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png.ts";
 * const png = await encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2);
 * assert.ok(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47); // "PNG"
 * ```
 */
export async function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4 = 1,
): Promise<Uint8Array> {
  if (!(channels in COLOR_TYPE)) {
    throw new RangeError(`encodePng: expected 1, 2, 3 or 4 channels, found ${channels}`);
  }
  for (const [name, size] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(size) || size < 1 || size > 2 ** 31 - 1) {
      throw new RangeError(
        `encodePng: expected ${name} to be a positive whole number, found ${size}`,
      );
    }
  }
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    throw new RangeError(
      `encodePng: expected ${width} × ${height} × ${channels} = ${
        rowBytes * height
      } bytes of pixels, found ${pixels.length}`,
    );
  }
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let r = 0; r < height; r++) {
    // Filter byte 0 ("None"): zlib alone shrinks mostly-black digits well enough.
    raw.set(pixels.subarray(r * rowBytes, (r + 1) * rowBytes), r * (rowBytes + 1) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bits per channel
  header[9] = COLOR_TYPE[channels];
  // Bytes 10-12: compression 0 (deflate), filter method 0, no interlace.
  const compressed = await deflate(raw);
  const parts = [
    Uint8Array.from(SIGNATURE),
    chunk("IHDR", header),
    chunk("IDAT", compressed),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The CRC-32 (ISO 3309, as PNG and zlib's `crc32` use) of `bytes`.
 *
 * Chapter: Part4-3 (showing the digits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32 } from "./png.ts";
 * assert.equal(crc32(new TextEncoder().encode("IEND")), 0xae426082);
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** A chunk: length, type, data, and the CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** `bytes` as a zlib stream (RFC 1950), which is what PNG's IDAT holds. */
async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
