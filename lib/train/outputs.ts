/**
 * A script's outputs, saved as one set: the folder holds either all the files
 * of the last finished run or all the files of this one, never a mix.
 *
 * - `openOutputs(dir)` runs before the data and the training: it creates the
 *   folder, proves it can be written, and takes a lock (`.lock`, holding the
 *   process id), so that a second run with the same `--out` is told which
 *   process holds it instead of mixing its files in.
 * - `add(name, contents)` only collects: every output is made in memory first
 *   (SVG and JSON are small), so that nothing is written while anything can
 *   still fail.
 * - `commit()` writes each file under a temporary name (synced to disk), moves
 *   the old files aside, moves the new ones in, and only then removes the old
 *   ones; a failure part-way (a full disk, a folder where a file should be)
 *   puts the old files back. Ctrl-C and SIGTERM wait until the set is in place.
 *
 * @module
 */

/** An output folder, locked by this process until `release()`. */
export interface Outputs {
  /** The folder. */
  readonly dir: string;
  /** Adds a file to the set (a name inside the folder, no slashes). */
  add(name: string, contents: string | Uint8Array): void;
  /** Writes the whole set into the folder, or nothing; returns the paths written. */
  commit(): Promise<string[]>;
  /** Lets go of the lock (also when nothing was committed). */
  release(): Promise<void>;
}

/** An error about the output folder, naming the flag that chose it. */
export class OutputFolderError extends Error {
  /** The error for `message`. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutputFolderError";
  }
}

/**
 * Opens `dir` for a run's outputs: creates it, checks that a file can be
 * written there, and locks it. `flag` names the option the folder came from
 * (`--out`) in every error.
 *
 * Chapter: the exercises' output files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openOutputs } from "./outputs.ts";
 * const dir = await Deno.makeTempDir();
 * const outputs = await openOutputs(`${dir}/out`);
 * outputs.add("model.json", "{}\n");
 * outputs.add("loss.svg", "<svg/>");
 * await outputs.commit();
 * await outputs.release();
 * assert.deepEqual([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort(), ["loss.svg", "model.json"]);
 * ```
 */
export async function openOutputs(dir: string, flag = "--out"): Promise<Outputs> {
  const where = `${flag} ${dir}`;
  const info = await Deno.stat(dir).catch(() => null);
  if (info !== null && !info.isDirectory) {
    throw new OutputFolderError(`${where}: expected a folder, found a file`);
  }
  const created = info === null;
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw explained(error, `${where}: cannot create the folder`);
  }
  const lock = `${dir}/.lock`;
  const lockFile = await takeLock(lock, where);
  try {
    // Written and removed now, so that a read-only disk is found before the training.
    const probe = `${dir}/.probe-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    lockFile.close();
    await Deno.remove(lock).catch(() => {});
    throw explained(error, `${where}: cannot write in the folder`);
  }
  const files = new Map<string, Uint8Array>();
  let released = false;
  return {
    dir,
    add(name, contents) {
      if (!/^[^/\\]+$/.test(name) || name === "." || name === "..") {
        throw new TypeError(`Outputs.add: expected a file name without slashes, found "${name}"`);
      }
      files.set(name, typeof contents === "string" ? new TextEncoder().encode(contents) : contents);
    },
    async commit() {
      if (released) throw new OutputFolderError(`${where}: the outputs were already released`);
      return await deferSignals(() => commitSet(dir, where, files));
    },
    async release() {
      if (released) return;
      released = true;
      await Deno.remove(lock).catch(() => {});
      lockFile.close(); // lets go of the lock
      // A run that saved nothing leaves no trace, not even the folder it made.
      if (created) await Deno.remove(dir).catch(() => {});
    },
  };
}

/**
 * Takes the folder's lock: an advisory lock on `.lock` (which the system lets
 * go of when its process ends, however it ends), with the holder's process id
 * written in it for the message a second run gets.
 */
async function takeLock(lock: string, where: string): Promise<Deno.FsFile> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(lock, { read: true, write: true, create: true });
  } catch (error) {
    throw explained(error, `${where}: cannot lock the folder`);
  }
  if (!(await file.tryLock(true))) {
    const holder = (await Deno.readTextFile(lock).catch(() => "")).trim() || "another process";
    file.close();
    throw new OutputFolderError(
      `${where} is in use by process ${holder}, which is writing its outputs there; ` +
        "wait for it to finish, or choose another folder",
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  return file;
}

/** Writes `files` into `dir` as one set (see the module doc); returns their paths. */
async function commitSet(
  dir: string,
  where: string,
  files: Map<string, Uint8Array>,
): Promise<string[]> {
  const id = crypto.randomUUID().slice(0, 8);
  const entries = [...files].map(([name, bytes]) => ({
    name,
    bytes,
    target: `${dir}/${name}`,
    fresh: `${dir}/.${name}.${id}.new`,
    old: `${dir}/.${name}.${id}.old`,
    hadOld: false,
    placed: false,
  }));
  try {
    for (const entry of entries) {
      const info = await Deno.lstat(entry.target).catch(() => null);
      if (info?.isDirectory) {
        throw new OutputFolderError(
          `${where}: expected ${entry.name} to be a file or absent, found a folder there`,
        );
      }
      entry.hadOld = info !== null;
    }
    for (const entry of entries) {
      const file = await Deno.open(entry.fresh, { write: true, createNew: true });
      try {
        for (let done = 0; done < entry.bytes.length;) {
          done += await file.write(entry.bytes.subarray(done));
        }
        await file.syncData();
      } finally {
        file.close();
      }
    }
    // From here on, each step is a rename in one folder: quick, and undone below on failure.
    for (const entry of entries) if (entry.hadOld) await Deno.rename(entry.target, entry.old);
    for (const entry of entries) {
      await Deno.rename(entry.fresh, entry.target);
      entry.placed = true;
    }
  } catch (error) {
    for (const entry of entries) {
      if (entry.placed) await Deno.remove(entry.target).catch(() => {});
      await Deno.remove(entry.fresh).catch(() => {});
      if (entry.hadOld) await Deno.rename(entry.old, entry.target).catch(() => {});
    }
    if (error instanceof OutputFolderError) throw error;
    throw explained(error, `${where}: the outputs could not be saved, the folder is as it was`);
  }
  for (const entry of entries) if (entry.hadOld) await Deno.remove(entry.old).catch(() => {});
  return entries.map((e) => e.target);
}

/**
 * Runs `fn` with Ctrl-C and SIGTERM held back; a signal that came meanwhile
 * ends the process (exit 130) once `fn` is done, with its files in place.
 */
async function deferSignals<T>(fn: () => Promise<T>): Promise<T> {
  const names = Deno.build.os === "windows" ? ["SIGINT"] as const : ["SIGINT", "SIGTERM"] as const;
  let received = false;
  const listener = () => (received = true);
  for (const name of names) Deno.addSignalListener(name, listener);
  try {
    return await fn();
  } finally {
    for (const name of names) Deno.removeSignalListener(name, listener);
    if (received) Deno.exit(130);
  }
}

/** `error` told in one sentence that starts with `what` (its class kept as the cause). */
function explained(error: unknown, what: string): OutputFolderError {
  const reason = error instanceof Error ? error.message : String(error);
  return new OutputFolderError(`${what} (${reason})`, { cause: error });
}
