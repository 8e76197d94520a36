/**
 * The IDX reader on small files the tests write themselves (gzipped and not,
 * valid and broken), and on the headers of the real files.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DataFormatError, IDX_IMAGES, IDX_LABELS, readIdx, readIdxHeader } from "../../mod.ts";
import { md5Hex } from "../../lib/data/checksum.ts";
import { assertEquals } from "../assert.ts";
import { assertRejects, FIXTURES, withTempDir } from "./helpers.ts";

/** An IDX file of unsigned bytes: magic 0x000008NN, the sizes big-endian, then `values`. */
function idx(dims: number[], values: ArrayLike<number>, magic = 0x0800 | dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return await new Response(stream).bytes();
}

/** Two 2×3 images with pixel values 0..11, and their labels. */
const PIXELS = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
const IMAGES = idx([2, 2, 3], PIXELS);
const LABELS = idx([2], [4, 9]);

Deno.test("readIdx: images and labels, gzipped and not, from a path, a file URL and bytes", async () => {
  await withTempDir(async (dir) => {
    const gz = join(dir, "images.gz"), raw = join(dir, "images.idx");
    await Deno.writeFile(gz, await gzip(IMAGES));
    await Deno.writeFile(raw, IMAGES);
    for (const input of [gz, raw, pathToFileURL(gz), IMAGES, await gzip(IMAGES)]) {
      const read = await readIdx(input, { magic: IDX_IMAGES });
      assertEquals([read.magic, read.dims, [...read.data]], [2051, [2, 2, 3], [...PIXELS]]);
      assertEquals(read.md5, undefined);
    }
    const labels = await readIdx(await gzip(LABELS), { magic: IDX_LABELS, md5: true });
    assertEquals([labels.magic, labels.dims, [...labels.data]], [2049, [2], [4, 9]]);
    assertEquals(labels.md5, await md5Hex(LABELS), "the MD5 is the inflated file's");
    // Without an expected magic number, any IDX file of bytes is read.
    assertEquals((await readIdx(idx([2, 2], [1, 2, 3, 4]))).dims, [2, 2]);
  });
});

Deno.test("readIdx: an empty data set is valid", async () => {
  const read = await readIdx(await gzip(idx([0, 28, 28], [])), { magic: IDX_IMAGES });
  assertEquals([read.dims, read.data.length], [[0, 28, 28], 0]);
});

Deno.test("readIdxHeader: the book's four fields, from small and real files", async () => {
  assertEquals(await readIdxHeader(await gzip(IMAGES)), { magic: 2051, dims: [2, 2, 3] });
  // The header alone is read even when the data after it is missing.
  assertEquals(await readIdxHeader(IMAGES.subarray(0, 16)), { magic: 2051, dims: [2, 2, 3] });
  const real = await readIdxHeader(join(FIXTURES, "fashion-mnist/train-images-idx3-ubyte.gz"), {
    magic: IDX_IMAGES,
  });
  assertEquals(real, { magic: 2051, dims: [2000, 28, 28] }); // the shipped slice
  const labels = await readIdxHeader(join(FIXTURES, "mnist/train-labels-idx1-ubyte.gz"));
  assertEquals(labels, { magic: 2049, dims: [2000] });
});

Deno.test("readIdx: a wrong magic number names both", async () => {
  await assertRejects(
    readIdx(LABELS, { magic: IDX_IMAGES, source: "labels.idx" }),
    DataFormatError,
    "labels.idx: expected the IDX magic number 0x00000803 (2051, images), found 0x00000801 (2049, labels)",
  );
  await assertRejects(
    readIdxHeader(new TextEncoder().encode("x1,x2,accepted\n"), { source: "chips.csv" }),
    DataFormatError,
    "chips.csv: expected the magic number of an IDX file of unsigned bytes " +
      "(0x000008 and the number of dimensions), found 0x78312c78",
  );
  // 0x0D is IDX's float type: not MNIST's.
  await assertRejects(
    readIdx(idx([1], [0, 0, 0, 0], 0x0d01)),
    DataFormatError,
    "IDX bytes: expected the magic number of an IDX file of unsigned bytes",
    "found 0x00000d01",
  );
});

Deno.test("readIdx: a short header", async () => {
  await assertRejects(
    readIdx(new Uint8Array([0, 0, 8])),
    DataFormatError,
    "IDX bytes: expected an IDX header starting with a 4-byte magic number, found 3 bytes in all",
  );
  await assertRejects(
    readIdx(await gzip(IMAGES.subarray(0, 10)), { source: "short.gz" }),
    DataFormatError,
    "short.gz: expected a 16-byte IDX header (the magic number and 3 sizes), found 10 bytes in all",
  );
});

Deno.test("readIdx: truncated and over-long files say how many bytes were expected and found", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, Uint8Array, string][] = [
      ["truncated.gz", await gzip(IMAGES.subarray(0, 20)), "found 4 (the file is truncated)"],
      ["truncated.idx", IMAGES.subarray(0, 20), "found 4 (the file is truncated)"],
      ["long.gz", await gzip(new Uint8Array([...IMAGES, 1, 2])), "found 14 (the file is too long)"],
      ["long.idx", new Uint8Array([...IMAGES, 1, 2]), "found 14 (the file is too long)"],
    ];
    for (const [name, bytes, found] of cases) {
      const path = join(dir, name);
      await Deno.writeFile(path, bytes);
      await assertRejects(
        readIdx(path, { magic: IDX_IMAGES }),
        DataFormatError,
        `${path}: expected 12 bytes of data after the 16-byte header (2 × 2 × 3), ${found}`,
      );
    }
  });
});

Deno.test("readIdx: a corrupt or cut gzip stream is an error naming the file", async () => {
  await withTempDir(async (dir) => {
    const big = idx([100, 28, 28], Uint8Array.from({ length: 78400 }, (_, i) => (i * 7) % 251));
    const good = await gzip(big);
    const corrupt = good.slice();
    for (let i = 100; i < 140; i++) corrupt[i] ^= 0x5a;
    const cut = good.subarray(0, good.length - 6); // the CRC and length trailer lost
    for (const [name, bytes] of [["corrupt.gz", corrupt], ["cut.gz", cut]] as const) {
      const path = join(dir, name);
      await Deno.writeFile(path, bytes);
      await assertRejects(
        readIdx(path, { magic: IDX_IMAGES }),
        DataFormatError,
        `${path}: expected a valid gzip stream, found a corrupt one (`,
      );
    }
  });
});

Deno.test("readIdx: a header claiming 2^31 images in a 100-byte file is refused before allocating", async () => {
  await withTempDir(async (dir) => {
    // The header and some incompressible bytes, gzipped to a file of exactly 100 bytes.
    const noise = Uint8Array.from({ length: 100 }, (_, i) => (i * 2654435761) >>> 24);
    let gz: Uint8Array = new Uint8Array(0);
    for (let k = 0; gz.length !== 100; k++) {
      gz = await gzip(idx([2 ** 31, 28, 28], noise.subarray(0, k)));
    }
    const path = join(dir, "huge.gz");
    await Deno.writeFile(path, gz);
    // Had it tried to allocate 1.7 TB, the error would be a RangeError from the typed array.
    await assertRejects(
      readIdx(path, { magic: IDX_IMAGES }),
      DataFormatError,
      `${path}: expected at most 103200 bytes of data in a gzip file of 100 bytes, ` +
        `found a header claiming 2147483648 × 28 × 28 = 1683627180032`,
    );
    const raw = new Uint8Array(100);
    raw.set(idx([2 ** 31, 28, 28], []));
    await assertRejects(
      readIdx(raw, { magic: IDX_IMAGES }),
      DataFormatError,
      "IDX bytes: expected 1683627180032 bytes of data after the 16-byte header " +
        "(2147483648 × 28 × 28), found 84 (the file is truncated)",
    );
  });
});

Deno.test("readIdx: a missing file is Deno's NotFound", async () => {
  await assertRejects(readIdx("/surely/not/here.gz"), Deno.errors.NotFound, "/surely/not/here.gz");
});
