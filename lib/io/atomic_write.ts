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
 * Chapter: the exercises' output files.
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
  const slash = Math.max(
    path.lastIndexOf("/"),
    deno.build.os === "windows" ? path.lastIndexOf("\\") : -1,
  );
  const folder = slash >= 0 ? path.slice(0, slash + 1) : "";
  const name = path.slice(slash + 1);
  if (name === "" || name === "." || name === "..") {
    throw new TypeError(
      `writeFileAtomic: expected a file name at the end of ${JSON.stringify(path)}`,
    );
  }
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError(
      `writeFileAtomic: expected the data for ${path} as a string or Uint8Array, ` +
        `found ${data === null ? "null" : typeof data}`,
    );
  }
  const temporary = `${folder}.${name}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let file: Deno.FsFile | undefined;
  let step = "write";
  try {
    file = await deno.open(temporary, { write: true, createNew: true });
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    // On disk before the rename: after a power cut the name then holds the old
    // file or the new one, never an empty one.
    await file.syncData();
    file.close();
    file = undefined;
    step = "replace";
    await deno.rename(temporary, path);
  } catch (error) {
    file?.close();
    await deno.remove(temporary).catch(() => {});
    throw retold(error, path, folder, step);
  }
}

/**
 * The error of a failed write, told about the file the caller asked for
 * rather than the temporary one; the class (`NotFound`, `NotCapable`, …)
 * stays, and the original is its `cause`. A missing permission keeps Deno's
 * words but names the folder: the temporary file needs it as much as the file
 * itself (and the rename needs read access as well as write access).
 */
function retold(error: unknown, path: string, folder: string, step: string): unknown {
  if (!(error instanceof Error)) return error;
  const denied = /^(Requires \w+ access to )"[^"]*"(.*)$/.exec(error.message);
  const message = error.name === "NotCapable" && denied
    ? `${denied[1]}"${folder || "."}" (to ${step} ${path} through a temporary file ` +
      `there)${denied[2]}`
    : `cannot ${step} ${path}: ${error.message}`;
  try {
    const copy = new (error.constructor as ErrorConstructor)(message, { cause: error });
    copy.name = error.name;
    return copy;
  } catch {
    return error;
  }
}
