/**
 * Writing a file so that no reader ever sees half of it: the bytes go to a
 * temporary name in the same folder, then one rename puts them in place. A
 * failure (or Ctrl-C) leaves the old file as it was and no temporary behind.
 *
 * @module
 */

/**
 * Writes `data` to `path` atomically (temporary file, then rename). Needs Deno
 * and write permission for the folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "@handson/nn";
 * const path = await Deno.makeTempFile();
 * await writeFileAtomic(path, "hello");
 * assert.equal(await Deno.readTextFile(path), "hello");
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno === undefined) {
    throw new TypeError(`writeFileAtomic: writing ${path} needs Deno's file system API`);
  }
  const slash = path.lastIndexOf("/");
  const folder = slash >= 0 ? path.slice(0, slash + 1) : "";
  const name = path.slice(slash + 1);
  const temporary = `${folder}.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    await deno.writeFile(temporary, bytes);
    await deno.rename(temporary, path);
  } catch (error) {
    await deno.remove(temporary).catch(() => {});
    throw error;
  }
}
