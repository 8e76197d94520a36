/**
 * Reading a whole file by URL or path, through the downloader's mirror folder
 * and cache.
 *
 * @module
 */

import { DataFormatError } from "../errors.ts";
import { download, type DownloadOptions } from "./download.ts";

/**
 * The bytes of the file at `urlOrPath` (several mirror URLs may be given),
 * fetched with {@linkcode download} (so from `NN_DATA_DIR` or the cache when
 * they have it).
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBytes } from "@handson/nn";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await readBytes(path), new Uint8Array([1, 2, 3]));
 * await Deno.remove(path);
 * ```
 */
export async function readBytes(
  urlOrPath: string | URL | readonly (string | URL)[],
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  return await Deno.readFile(await download(urlOrPath, options));
}

/**
 * The text of the UTF-8 file at `urlOrPath`, without a leading byte order
 * mark. Bytes that are not UTF-8 are a `DataFormatError` naming the file and
 * the first bad byte; a file saved as UTF-16 (Excel's "Unicode text", Windows
 * Notepad's "Unicode") is recognised by its byte order mark and named as such.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataFormatError, readText } from "@handson/nn";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "\uFEFFx1,x2\n");
 * assert.equal(await readText(path), "x1,x2\n");
 * await Deno.writeFile(path, new Uint8Array([0x31, 0x2c, 0xe9, 0x0a]));
 * await assert.rejects(
 *   readText(path),
 *   new DataFormatError(`${path}: expected UTF-8 text, found the byte 0xe9 at byte 2 (line 1)`),
 * );
 * await Deno.remove(path);
 * ```
 */
export async function readText(
  urlOrPath: string | URL | readonly (string | URL)[],
  options: DownloadOptions = {},
): Promise<string> {
  const bytes = await readBytes(urlOrPath, options);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataFormatError(
      `${describeSource(urlOrPath)}: expected UTF-8 text, ${notUtf8(bytes)}`,
    );
  }
}

/** What makes `bytes` not UTF-8, for a message: a UTF-16 byte order mark, or the first bad byte. */
function notUtf8(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return "found UTF-16 (little-endian) text with its byte order mark FF FE; save it as UTF-8";
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return "found UTF-16 (big-endian) text with its byte order mark FE FF; save it as UTF-8";
  }
  const bad = firstBadByte(bytes);
  let line = 1;
  for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
  const hex = (bytes[bad] ?? 0).toString(16).padStart(2, "0");
  return `found the byte 0x${hex} at byte ${bad} (line ${line})`;
}

/**
 * The name of a source for messages: the path or URL as the caller gave it.
 *
 * Chapter: the exercises' data.
 */
export function describeSource(urlOrPath: string | URL | readonly (string | URL)[]): string {
  const first = Array.isArray(urlOrPath) ? urlOrPath[0] : urlOrPath;
  return first instanceof URL ? first.href : String(first);
}

/** The offset of the first byte that does not start a well-formed UTF-8 character. */
function firstBadByte(bytes: Uint8Array): number {
  const strict = new TextDecoder("utf-8", { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const width = b >= 0xc2 && b < 0xe0
      ? 2
      : b >= 0xe0 && b < 0xf0
      ? 3
      : b >= 0xf0 && b < 0xf5
      ? 4
      : 0;
    if (width === 0 || i + width > bytes.length) return i;
    try {
      strict.decode(bytes.subarray(i, i + width));
    } catch {
      return i;
    }
    i += width;
  }
  return bytes.length;
}
