/**
 * A PNG decoder for the tests, written apart from the encoder: it checks each
 * chunk's CRC bit by bit, inflates with DecompressionStream (which checks the
 * Adler-32) and undoes all five filters.
 *
 * @module
 */

import assert from "node:assert/strict";

/** CRC-32 bit by bit, written apart from the encoder's table so that one checks the other. */
export function crcBitwise(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A PNG decoder for 8-bit images: chunk CRCs, zlib (with its Adler-32) and all five filters. */
export async function decodePng(png: Uint8Array) {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(
      view.getUint32(at + 8 + length),
      crcBitwise(png.subarray(at + 4, at + 8 + length)),
      `${type} CRC`,
    );
    chunks.push({ type, data });
    at += 12 + length;
  }
  assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  const header = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  const [width, height] = [header.getUint32(0), header.getUint32(4)];
  assert.equal(chunks[0].data[8], 8, "bit depth");
  const channels = ({ 0: 1, 4: 2, 2: 3, 6: 4 } as Record<number, number>)[chunks[0].data[9]];
  const stream = new Blob([chunks[1].data.slice()]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const stride = width * channels;
  assert.equal(raw.length, (stride + 1) * height);
  const pixels = new Uint8Array(stride * height);
  for (let r = 0; r < height; r++) {
    const filter = raw[r * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[r * (stride + 1) + 1 + i];
      const a = i >= channels ? pixels[r * stride + i - channels] : 0;
      const b = r > 0 ? pixels[(r - 1) * stride + i] : 0;
      const c = r > 0 && i >= channels ? pixels[(r - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
        ? a
        : Math.abs(p - b) <= Math.abs(p - c)
        ? b
        : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.ok(predictor !== undefined, `filter ${filter}`);
      pixels[r * stride + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}
