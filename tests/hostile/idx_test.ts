/**
 * Hostile IDX files: half downloads, error pages saved under a data file's
 * name, gzip bombs, headers that claim more than the file holds. Each is
 * refused with a DataFormatError naming the file, the byte count or header
 * field, and what was expected, before anything large is allocated.
 */

import { DataFormatError, IDX_IMAGES, readIdx, readMnist } from "../../mod.ts";
import { gzip, type HostileCase, hostileTests, idx } from "./helpers.ts";

const IMAGES = idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
const LABELS = idx([2], [7, 2]);
const GOOD_GZ = await gzip(
  idx([100, 28, 28], Uint8Array.from({ length: 78400 }, (_, i) => i % 251)),
);

/**
 * A header for one 28 × 28 image followed by 32 MB of zeros: 32 kB of gzip.
 * The reader stops a megabyte past the claim (its message says "more than"),
 * so the rest is never inflated.
 */
const BOMB = await gzip(idx([1, 28, 28], new Uint8Array(32 << 20)));

const images = (dir: string, name = "in.gz") => readIdx(`${dir}/${name}`, { magic: IDX_IMAGES });

const cases: HostileCase[] = [
  {
    name: "a gzip bomb: 32 MB of zeros behind a header claiming one image",
    files: { "in.gz": BOMB },
    run: images,
    error: DataFormatError,
    names: [
      "$DIR/in.gz: expected 784 bytes of data after the 16-byte header (1 × 28 × 28)",
      "found more than 1049360 (the file is too long; a gzip bomb?)",
    ],
  },
  {
    name: "a gzip bomb whose header claims 16 GB in 32 kB",
    files: { "in.gz": await gzip(idx([16384, 1024, 1024], new Uint8Array(32 << 10))) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz: expected at most", "found a header claiming 16384 × 1024 × 1024"],
  },
  {
    name: "a header claiming 60,000 images in a 100-byte uncompressed file",
    files: { "in.idx": idx([60000, 28, 28], new Uint8Array(84)) },
    run: (dir) => images(dir, "in.idx"),
    error: DataFormatError,
    names: [
      "$DIR/in.idx: expected 47040000 bytes of data after the 16-byte header (60000 × 28 × 28)",
      "found 84 (the file is truncated)",
    ],
  },
  {
    name: "a header claiming 2^32 - 1 in every dimension",
    files: { "in.idx": idx([2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1], []) },
    run: (dir) => images(dir, "in.idx"),
    error: DataFormatError,
    names: ["$DIR/in.idx: expected", "found 0 (the file is truncated)"],
  },
  {
    name: "sizes whose product overflows a double (33 × (2^32 - 1) and a 0) before 1 MB of data",
    files: {
      "in.gz": await gzip(
        idx([...new Array(33).fill(2 ** 32 - 1), 0], new Uint8Array(1 << 20)),
      ),
    },
    run: (dir) => readIdx(`${dir}/in.gz`),
    error: DataFormatError,
    names: [
      "$DIR/in.gz: expected 0 bytes of data after the 140-byte header",
      "found 1048576 (the file is too long)",
    ],
  },
  {
    name: "a claim over the caller's limit (options.maxBytes)",
    files: { "in.gz": GOOD_GZ },
    run: (dir) => readIdx(`${dir}/in.gz`, { maxBytes: 10_000 }),
    error: DataFormatError,
    names: ["$DIR/in.gz: expected at most 10000 bytes of data (options.maxBytes)", "= 78400"],
  },
  {
    name: "a download cut off half-way",
    files: { "in.gz": GOOD_GZ.subarray(0, GOOD_GZ.length >> 1) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz", "expected a valid gzip stream, found a corrupt one"],
  },
  {
    name: "a gzip file whose CRC does not match",
    files: { "in.gz": GOOD_GZ.map((b, i) => (i === GOOD_GZ.length - 6 ? b ^ 0xff : b)) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz", "expected a valid gzip stream, found a corrupt one"],
  },
  {
    name: "junk after the gzip stream",
    files: { "in.gz": new Uint8Array([...GOOD_GZ, 1, 2, 3]) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz", "expected a valid gzip stream, found a corrupt one"],
  },
  {
    name: "an HTML error page saved under the data file's name",
    files: { "in.gz": "<!DOCTYPE html><html><body>403 Forbidden</body></html>\n" },
    run: images,
    error: DataFormatError,
    names: [
      "$DIR/in.gz: expected the IDX magic number 0x00000803 (2051, images)",
      '(text starting "<!DOCTYPE html><html><bo"',
      "an HTML or XML page, not an IDX file",
    ],
  },
  {
    name: "a gzipped HTML error page",
    files: { "in.gz": await gzip(new TextEncoder().encode("<html>Not Found</html>")) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz: expected the IDX magic number", "an HTML or XML page"],
  },
  {
    name: "the labels file where the images were expected",
    files: { "in.gz": await gzip(LABELS) },
    run: images,
    error: DataFormatError,
    names: [
      "$DIR/in.gz: expected the IDX magic number 0x00000803 (2051, images)",
      "found 0x00000801 (2049, labels)",
    ],
  },
  {
    name: "an IDX file of floats (type byte 0x0D)",
    files: { "in.idx": new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]) },
    run: (dir) => readIdx(`${dir}/in.idx`),
    error: DataFormatError,
    names: [
      "$DIR/in.idx: expected the magic number of an IDX file of unsigned bytes",
      "0x00000d01",
    ],
  },
  {
    name: "zero dimensions",
    files: { "in.idx": new Uint8Array([0, 0, 8, 0, 1, 2, 3]) },
    run: (dir) => readIdx(`${dir}/in.idx`),
    error: DataFormatError,
    names: ["$DIR/in.idx: expected the magic number of an IDX file", "found 0x00000800"],
  },
  {
    name: "a header cut short",
    files: { "in.gz": await gzip(IMAGES.subarray(0, 10)) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz: expected a 16-byte IDX header (the magic number and 3 sizes)", "found 10"],
  },
  {
    name: "an empty file",
    files: { "in.gz": new Uint8Array(0) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz: expected an IDX header starting with a 4-byte magic number", "found 0"],
  },
  {
    name: "bytes past the end of the data",
    files: { "in.idx": new Uint8Array([...IMAGES, 0, 0, 0]) },
    run: (dir) => images(dir, "in.idx"),
    error: DataFormatError,
    names: ["$DIR/in.idx: expected 12 bytes of data", "found 15 (the file is too long)"],
  },
  {
    name: "two gzip members glued together",
    files: { "in.gz": new Uint8Array([...GOOD_GZ, ...GOOD_GZ]) },
    run: images,
    error: DataFormatError,
    names: ["$DIR/in.gz", "expected a valid gzip stream, found a corrupt one"],
  },
  {
    name: "a label past the classes",
    files: { "images.idx": IMAGES, "labels.idx": idx([2], [7, 10]) },
    run: (dir) => readMnist(`${dir}/images.idx`, `${dir}/labels.idx`),
    error: DataFormatError,
    names: ["$DIR/labels.idx", "expected labels from 0 to 9, found 10 at index 1"],
  },
  {
    name: "fewer labels than images",
    files: { "images.idx": IMAGES, "labels.idx": idx([1], [7]) },
    run: (dir) => readMnist(`${dir}/images.idx`, `${dir}/labels.idx`),
    error: DataFormatError,
    names: ["$DIR/labels.idx: expected 2 labels, one per image in $DIR/images.idx", "found 1"],
  },
  {
    name: "images and labels swapped",
    files: { "images.idx": IMAGES, "labels.idx": LABELS },
    run: (dir) => readMnist(`${dir}/labels.idx`, `${dir}/images.idx`),
    error: DataFormatError,
    // Both files are read at once; either may be the first to fail.
    names: ["$DIR/", ".idx: expected the IDX magic number 0x0000080", "found 0x0000080"],
  },
];

hostileTests("idx", cases);
