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
 * mark. Bytes that are not UTF-8 are a `DataFormatError` naming the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readText } from "@handson/nn";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "\uFEFFx1,x2\n");
 * assert.equal(await readText(path), "x1,x2\n");
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
      `${describeSource(urlOrPath)}: expected UTF-8 text, found other bytes`,
    );
  }
}

/** The name of a source for messages: the path or URL as the caller gave it. */
export function describeSource(urlOrPath: string | URL | readonly (string | URL)[]): string {
  const first = Array.isArray(urlOrPath) ? urlOrPath[0] : urlOrPath;
  return first instanceof URL ? first.href : String(first);
}
