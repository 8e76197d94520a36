/**
 * IDX files, the format MNIST and Fashion-MNIST come in: a big-endian header
 * (a magic number, then one 32-bit size per dimension) followed by the values,
 * here unsigned bytes. The book reads them with `gzip.open` and
 * `struct.unpack(">IIII", f.read(16))`; here the file is inflated as a stream
 * (`DecompressionStream("gzip")`) straight into one buffer of the size the
 * header claims, once that claim is known to fit in the file. Uncompressed
 * IDX files are read too (a gzip file starts with the bytes 1f 8b).
 *
 * @module
 */

import type { Hash } from "node:crypto";
import { DataFormatError } from "../errors.ts";
import { nodeCrypto } from "./checksum.ts";

/**
 * The magic number of an IDX file of images: unsigned bytes (0x08) in 3 dimensions (count, rows, cols).
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IDX_IMAGES, readIdx } from "@handson/nn";
 * // A 1×2×2 image file: magic, count, rows, cols (big-endian), then the pixels.
 * const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]);
 * const file = await readIdx(bytes);
 * assert.equal(file.magic, IDX_IMAGES);
 * assert.deepEqual(file.dims, [1, 2, 2]);
 * ```
 */
export const IDX_IMAGES = 0x00000803;

/**
 * The magic number of an IDX file of labels: unsigned bytes (0x08) in 1 dimension (count).
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IDX_LABELS, readIdx } from "@handson/nn";
 * const file = await readIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
 * assert.equal(file.magic, IDX_LABELS);
 * assert.deepEqual([...file.data], [7, 2, 1]);
 * ```
 */
export const IDX_LABELS = 0x00000801;

/**
 * The most a deflate stream can inflate to per compressed byte (1032:1, for a
 * long run of one byte). A header that claims more data than this times the
 * file's size cannot be telling the truth, so nothing is allocated for it.
 */
const MAX_DEFLATE_RATIO = 1032;

/** The type byte of unsigned bytes, the only element type MNIST uses. */
const UBYTE = 0x08;

/**
 * The most data {@linkcode readIdx} accepts by default: 1 GiB (EMNIST's largest
 * split is 638 MB; MNIST's training images are 47 MB). A stranger's file cannot
 * make it hold more than this in memory.
 */
const DEFAULT_MAX_BYTES = 2 ** 30;

/**
 * What a gzip file is first assumed to inflate to, per compressed byte; the
 * buffer grows to the header's claim only when that much data really arrives,
 * so a file that claims much and holds little costs little memory.
 */
const FIRST_GUESS_RATIO = 16;

/**
 * Where IDX bytes come from: a path, a `file:` URL, or the file's bytes (gzipped or not).
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 */
export type IdxInput = string | URL | Uint8Array;

/**
 * The header of an IDX file.
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 */
export interface IdxHeader {
  /** The magic number: {@linkcode IDX_IMAGES} (2051) or {@linkcode IDX_LABELS} (2049). */
  readonly magic: number;
  /** The size of each dimension: `[count, rows, cols]` for images, `[count]` for labels. */
  readonly dims: readonly number[];
}

/**
 * An IDX file read whole: its header and its values.
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 */
export interface IdxArray extends IdxHeader {
  /** The values, row-major, as many as the product of `dims`. */
  readonly data: Uint8Array;
  /** The MD5 (hex) of the whole inflated file, header included, when `options.md5` asked for it. */
  readonly md5?: string;
}

/**
 * Options for {@linkcode readIdx} and {@linkcode readIdxHeader}.
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 */
export interface ReadIdxOptions {
  /** The magic number the file must have (such as {@linkcode IDX_IMAGES}); default: any of unsigned bytes. */
  magic?: number;
  /** The file's name in error messages (default: the path, or `"IDX bytes"`). */
  source?: string;
  /**
   * Also compute the MD5 of the inflated file (as `md5sum` of the gunzipped
   * file prints it), to check it against a published one.
   */
  md5?: boolean;
  /**
   * The most bytes of data the header may claim (default 1 GiB): a larger
   * claim is refused before anything is read or allocated.
   */
  maxBytes?: number;
}

/**
 * Reads an IDX file of unsigned bytes: from a path or `file:` URL (streamed,
 * never held whole in its compressed form) or from bytes in memory, gzipped or
 * not. Checks the magic number, the header's sizes against what the file can
 * hold (before allocating anything), and the number of bytes that follow the
 * header. Every problem is a `DataFormatError` naming the file: a wrong magic
 * number, a short header, a truncated or over-long file (with the bytes
 * expected and found), a corrupt gzip stream.
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataFormatError, IDX_LABELS, readIdx } from "@handson/nn";
 * // Three labels: magic 0x00000801, count 3, then the values.
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
 * const labels = await readIdx(bytes, { magic: IDX_LABELS });
 * assert.deepEqual([labels.magic, labels.dims, [...labels.data]], [2049, [3], [7, 2, 1]]);
 * await assert.rejects(
 *   readIdx(bytes.subarray(0, 10), { source: "labels.idx" }),
 *   new DataFormatError(
 *     "labels.idx: expected 3 bytes of data after the 8-byte header (3), found 2 (the file is truncated)",
 *   ),
 * );
 * ```
 */
export async function readIdx(input: IdxInput, options: ReadIdxOptions = {}): Promise<IdxArray> {
  return await parse(input, options, false) as IdxArray;
}

/**
 * Reads only the header of an IDX file (the magic number and the sizes), as
 * the book does with `struct.unpack(">IIII", f.read(16))`: a gzipped file is
 * inflated only as far as the header.
 *
 * Chapter: Part4-3 (MNIST's IDX files).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdxHeader } from "@handson/nn";
 * const header = new Uint8Array([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
 * const gzipped = await new Response(
 *   new Blob([header]).stream().pipeThrough(new CompressionStream("gzip")),
 * ).bytes();
 * const { magic, dims } = await readIdxHeader(gzipped);
 * assert.deepEqual([magic, ...dims], [2051, 60000, 28, 28]);
 * ```
 */
export async function readIdxHeader(
  input: IdxInput,
  options: Omit<ReadIdxOptions, "md5"> = {},
): Promise<IdxHeader> {
  return await parse(input, options, true);
}

/** An opened IDX source: its byte stream (inflated when gzipped) and its size on disk. */
interface Opened {
  stream: ReadableStream<Uint8Array<ArrayBuffer>>;
  size: number;
  gzip: boolean;
  close(): void;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Opens a path, `file:` URL or bytes as a stream of the IDX bytes, inflating gzip. */
async function open(input: IdxInput): Promise<Opened> {
  let opened: Opened;
  if (input instanceof Uint8Array) {
    opened = {
      stream: new Blob([input as Uint8Array<ArrayBuffer>]).stream(),
      size: input.length,
      gzip: isGzip(input),
      close() {},
    };
  } else {
    opened = await openFile(input);
  }
  if (opened.gzip) opened.stream = opened.stream.pipeThrough(new DecompressionStream("gzip"));
  return opened;
}

/** The one place this file touches Deno: a file's size, its first two bytes, and its stream. */
async function openFile(path: string | URL): Promise<Opened> {
  const file = await Deno.open(path);
  try {
    const size = (await file.stat()).size;
    const first = new Uint8Array(2);
    let got = 0;
    while (got < 2) {
      const n = await file.read(first.subarray(got));
      if (n === null) break;
      got += n;
    }
    await file.seek(0, Deno.SeekMode.Start);
    return {
      stream: file.readable,
      size,
      gzip: isGzip(first.subarray(0, got)),
      close() {
        // The stream closes the file when it ends or is cancelled; this covers the rest.
        try {
          file.close();
        } catch (e) {
          if (!(e instanceof Deno.errors.BadResource)) throw e;
        }
      },
    };
  } catch (e) {
    file.close();
    throw e;
  }
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function describeMagic(magic: number): string {
  const kind = magic === IDX_IMAGES ? ", images" : magic === IDX_LABELS ? ", labels" : "";
  return `${hex32(magic)} (${magic}${kind})`;
}

/**
 * A hint for a file that starts like text: a server that answers a missing
 * file with an HTML page (or a saved error message) gives such a "data" file.
 */
function textHint(magic: Uint8Array, rest: Uint8Array): string {
  const first = [...magic, ...rest.subarray(0, 20)];
  if (!first.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) {
    return "";
  }
  const text = String.fromCharCode(...first);
  const page = text.trimStart().startsWith("<") ? ": an HTML or XML page, not an IDX file" : "";
  return ` (text starting ${JSON.stringify(text)}${page})`;
}

/** Reads the header and, unless `headerOnly`, the data, checking each against the file. */
async function parse(
  input: IdxInput,
  options: ReadIdxOptions,
  headerOnly: boolean,
): Promise<IdxHeader | IdxArray> {
  const source = options.source ??
    (input instanceof Uint8Array ? "IDX bytes" : input instanceof URL ? input.href : input);
  const opened = await open(input);
  const reader = opened.stream.getReader();
  let finished = false;

  const next = async (): Promise<Uint8Array | undefined> => {
    try {
      const { done, value } = await reader.read();
      if (done) finished = true;
      return done ? undefined : value;
    } catch (e) {
      finished = true;
      // DecompressionStream reports a bad stream as a TypeError.
      if (opened.gzip && e instanceof TypeError) {
        throw new DataFormatError(
          `${source}: expected a valid gzip stream, found a corrupt one (${e.message})`,
        );
      }
      throw e;
    }
  };
  // Bytes read but not yet used; the header is taken from the front of the first chunks.
  let pending: Uint8Array = new Uint8Array(0);
  const take = async (n: number): Promise<Uint8Array> => {
    while (pending.length < n) {
      const chunk = await next();
      if (chunk === undefined) break;
      if (pending.length === 0) pending = chunk;
      else {
        const joined = new Uint8Array(pending.length + chunk.length);
        joined.set(pending);
        joined.set(chunk, pending.length);
        pending = joined;
      }
    }
    const out = pending.subarray(0, n);
    pending = pending.subarray(out.length);
    return out;
  };

  try {
    const magicBytes = await take(4);
    if (magicBytes.length < 4) {
      throw new DataFormatError(
        `${source}: expected an IDX header starting with a 4-byte magic number, ` +
          `found ${magicBytes.length} bytes in all`,
      );
    }
    const magic = new DataView(magicBytes.buffer, magicBytes.byteOffset, 4).getUint32(0);
    if (options.magic !== undefined && magic !== options.magic) {
      throw new DataFormatError(
        `${source}: expected the IDX magic number ${describeMagic(options.magic)}, ` +
          `found ${describeMagic(magic)}${textHint(magicBytes, pending)}`,
      );
    }
    const ndim = magic & 0xff;
    if (magic >>> 16 !== 0 || ((magic >>> 8) & 0xff) !== UBYTE || ndim === 0) {
      throw new DataFormatError(
        `${source}: expected the magic number of an IDX file of unsigned bytes ` +
          `(0x000008 and the number of dimensions), found ${hex32(magic)}${
            textHint(magicBytes, pending)
          }`,
      );
    }
    const headerBytes = 4 + 4 * ndim;
    const sizeBytes = await take(4 * ndim);
    if (sizeBytes.length < 4 * ndim) {
      throw new DataFormatError(
        `${source}: expected a ${headerBytes}-byte IDX header (the magic number and ${ndim} ` +
          `sizes), found ${4 + sizeBytes.length} bytes in all`,
      );
    }
    const view = new DataView(sizeBytes.buffer, sizeBytes.byteOffset, sizeBytes.length);
    const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 * i));
    if (headerOnly) return { magic, dims };

    // In exact integers: a header may hold up to 255 sizes of up to 2^32 - 1, whose
    // product overflows a double to Infinity (and Infinity × 0 is NaN, which no
    // comparison refuses). Nothing is allocated until the product is known to fit.
    const claimed = dims.reduce((a, b) => a * BigInt(b), 1n);
    const shape = dims.join(" × ");
    const sizeError = (found: number) =>
      new DataFormatError(
        `${source}: expected ${claimed} bytes of data after the ${headerBytes}-byte header ` +
          `(${shape}), found ${found} (the file is ${
            BigInt(found) < claimed ? "truncated" : "too long"
          })`,
      );
    if (!opened.gzip && BigInt(opened.size - headerBytes) !== claimed) {
      throw sizeError(opened.size - headerBytes);
    }
    const capacity = opened.size * MAX_DEFLATE_RATIO;
    if (claimed > BigInt(capacity)) {
      throw new DataFormatError(
        `${source}: expected at most ${capacity} bytes of data in a gzip file of ` +
          `${opened.size} bytes, found a header claiming ${shape} = ${claimed}`,
      );
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (claimed > BigInt(maxBytes)) {
      throw new DataFormatError(
        `${source}: expected at most ${maxBytes} bytes of data (options.maxBytes), ` +
          `found a header claiming ${shape} = ${claimed}`,
      );
    }
    const expected = Number(claimed); // at most maxBytes now: exact

    // An uncompressed file's size is known to fit; a gzip file's buffer starts
    // at a guess and grows to the claim only as the data arrives.
    let data = new Uint8Array(
      opened.gzip ? Math.min(expected, opened.size * FIRST_GUESS_RATIO) : expected,
    );
    const hash: Hash | undefined = options.md5 ? (await nodeCrypto()).createHash("md5") : undefined;
    hash?.update(magicBytes).update(sizeBytes);
    // Past the claim, bytes are only counted, for the message, and only up to a
    // limit: a gzip bomb behind a small header is not inflated to the end.
    const countLimit = expected + Math.max(expected, 1 << 20);
    let found = 0;
    const put = (chunk: Uint8Array) => {
      const end = Math.min(expected, found + chunk.length);
      if (end > data.length) {
        const grown = new Uint8Array(Math.min(expected, Math.max(end, 2 * data.length)));
        grown.set(data.subarray(0, found));
        data = grown;
      }
      if (found < expected) data.set(chunk.subarray(0, expected - found), found);
      if (found + chunk.length <= expected) hash?.update(chunk);
      found += chunk.length;
      if (found > countLimit) {
        throw new DataFormatError(
          `${source}: expected ${expected} bytes of data after the ${headerBytes}-byte header ` +
            `(${shape}), found more than ${countLimit} (the file is too long; a gzip bomb?)`,
        );
      }
    };
    put(pending);
    for (let chunk = await next(); chunk !== undefined; chunk = await next()) put(chunk);
    if (found !== expected) throw sizeError(found);
    return { magic, dims, data, ...(hash ? { md5: hash.digest("hex") } : {}) };
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    opened.close();
  }
}
