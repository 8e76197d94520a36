/**
 * The few things the module needs from its host beyond web-standard APIs, one
 * copy of each: environment variables, writing a file atomically, and the
 * terminal. Each reaches Deno through `globalThis`, so that the core that
 * imports this file still loads in a browser (where there is no variable to
 * read and no file to write), and each asks Deno's permissions first, so that
 * nothing ever prompts.
 *
 * @module
 */

/** As much of Deno's namespace as the environment variables need. */
interface DenoEnv {
  permissions?: {
    querySync?(descriptor: { name: "env"; variable: string }): { state: string };
  };
  env?: { get(name: string): string | undefined };
}

/**
 * The value of environment variable `name`, or `undefined` when it is unset,
 * empty, or not readable (outside Deno, or without `--allow-env` for it): a
 * missing permission means "not configured", never a prompt or a crash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envVar } from "./host.ts";
 * assert.equal(envVar("NN_SURELY_UNSET_VARIABLE"), undefined);
 * ```
 */
export function envVar(name: string): string | undefined {
  const deno = (globalThis as { Deno?: DenoEnv }).Deno;
  try {
    if (deno?.permissions?.querySync?.({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    const value = deno.env?.get(name);
    return value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * The operating system, as Deno names it (`"linux"`, `"darwin"`, `"windows"`,
 * …), or `"browser"` outside Deno.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostOs } from "./host.ts";
 * assert.equal(hostOs(), Deno.build.os);
 * ```
 */
export function hostOs(): string {
  return (globalThis as { Deno?: typeof Deno }).Deno?.build.os ?? "browser";
}

/**
 * Whether standard error is a terminal (so a progress bar can redraw itself there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stderrIsTerminal } from "./host.ts";
 * assert.equal(typeof stderrIsTerminal(), "boolean");
 * ```
 */
export function stderrIsTerminal(): boolean {
  return (globalThis as { Deno?: typeof Deno }).Deno?.stderr.isTerminal() ?? false;
}

const encoder = new TextEncoder();

/**
 * A line of progress that redraws itself in place (`\r`, then the text, then
 * "clear to the end of the line"), at most every 100 ms, and ends with a newline
 * when done. The one copy behind the download bar and the training bar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusLine } from "./host.ts";
 * let out = "";
 * const line = statusLine((text) => out += text);
 * line.update("1/2");
 * line.update("2/2"); // within 100 ms of the last draw: kept, drawn by done()
 * line.done();
 * assert.equal(out, "\r1/2\x1b[K\r2/2\x1b[K\n");
 * ```
 */
export function statusLine(write: (text: string) => void = writeStderr): {
  update(text: string): void;
  done(): void;
} {
  let last = -Infinity, text = "", drawn = "";
  const draw = () => {
    write(`\r${text}\x1b[K`);
    drawn = text;
  };
  return {
    update(next: string): void {
      text = next;
      const now = performance.now();
      if (now - last >= 100) {
        last = now;
        draw();
      }
    },
    done(): void {
      if (drawn !== text || last === -Infinity) draw();
      write("\n");
    },
  };
}

/**
 * Writes `text` to standard error, all of it (to the console outside Deno).
 *
 * @example
 * ```ts
 * import { writeStderr } from "./host.ts";
 * writeStderr("");
 * ```
 */
export function writeStderr(text: string): void {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno === undefined) {
    if (text.trim() !== "") console.error(text.trimEnd());
    return;
  }
  const bytes = encoder.encode(text);
  let done = 0;
  while (done < bytes.length) done += deno.stderr.writeSync(bytes.subarray(done));
}

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
