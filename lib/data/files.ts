/**
 * Small file helpers for the downloader: existence, quiet removal, and the
 * temporary name a file is written under before it is renamed into place.
 *
 * @module
 */

import { basename, dirname, join } from "./paths.ts";

/** Whether `path` is an existing regular file (a folder or nothing: `false`). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    // A path under a file (`data.txt/x`) is not there either.
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}

/** Whether `path` is an existing folder (a file or nothing: `false`). */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}

/** Removes `path` if it exists; a file that is already gone is not an error. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Removes the folders from `dirname(path)` up to (not including) `root` as
 * long as they are empty, so a failed download leaves no empty folder in the
 * cache. A folder that is not empty (another download is using it) stays.
 */
export async function removeEmptyFolders(path: string, root: string): Promise<void> {
  for (let dir = dirname(path); dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    try {
      await Deno.remove(dir);
    } catch {
      return; // not empty, already gone, or not ours to remove
    }
  }
}

/**
 * A fresh temporary name beside `dest`, in the same folder so that the final
 * rename is atomic (a rename across file systems is a copy): a hidden
 * `.NAME.RANDOM.part` that no reader mistakes for the finished file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tempPathFor } from "./files.ts";
 * assert.match(tempPathFor("/cache/a.gz"), /^\/cache\/\.a\.gz\.[0-9a-f]{12}\.part$/);
 * ```
 */
export function tempPathFor(dest: string): string {
  const random = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  return join(dirname(dest), `.${basename(dest)}.${random}.part`);
}

/** Writes all of `bytes` to `file` (a single `write` may take only part of them). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}
