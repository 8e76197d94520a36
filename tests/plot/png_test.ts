import assert from "node:assert/strict";
import { crc32, encodePng } from "../../lib/plot/png.ts";
import { crcBitwise, decodePng } from "./png_decode.ts";

Deno.test("PNGs decode back to the same pixels, for every channel count and odd sizes", async () => {
  let seed = 3;
  const random = () => (seed = (seed * 16807) % 2147483647) % 256;
  for (const channels of [1, 2, 3, 4] as const) {
    for (const [width, height] of [[1, 1], [28, 28], [7, 3], [3, 50]]) {
      const pixels = Uint8Array.from({ length: width * height * channels }, random);
      const png = await encodePng(pixels, width, height, channels);
      const decoded = await decodePng(png);
      assert.deepEqual(
        decoded,
        { width, height, channels, pixels },
        `${channels} × ${width} × ${height}`,
      );
    }
  }
});

Deno.test("crc32 agrees with a bit-by-bit CRC-32 and with known values", () => {
  const text = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
  assert.equal(crc32(text), 0x414fa339);
  assert.equal(crc32(new TextEncoder().encode("IEND")), 0xae426082);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) ^ (i >> 3));
  assert.equal(crc32(bytes), crcBitwise(bytes));
});

Deno.test("encodePng says what is wrong with its arguments", async () => {
  await assert.rejects(encodePng(new Uint8Array(5), 2, 2), {
    name: "RangeError",
    message: /expected 2 × 2 × 1 = 4 bytes of pixels, found 5/,
  });
  await assert.rejects(encodePng(new Uint8Array(0), 0, 0), {
    name: "RangeError",
    message: /width to be a positive whole number, found 0/,
  });
  // deno-lint-ignore no-explicit-any
  await assert.rejects(encodePng(new Uint8Array(4), 2, 2, 5 as any), {
    name: "RangeError",
    message: /1, 2, 3 or 4 channels, found 5/,
  });
});
