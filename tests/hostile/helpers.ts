/**
 * The check every hostile input gets: it is laid down in a fresh folder
 * (beside an output folder holding a file that must survive), the code under
 * test runs on it, and then
 * - it failed with the expected error class,
 * - the message names the file (or flag, or argument), the place in it (line,
 *   column, byte or key) and what was expected,
 * - nothing in the folder was created, changed or removed.
 */

import { createHash } from "node:crypto";
import { assert, assertEquals } from "../assert.ts";

/** The small data sets shipped with the tests, laid out as a mirror folder (`NN_DATA_DIR`). */
export { FIXTURES } from "../datasets.ts";

/** An error class, ours or Deno's. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/** One hostile input and what must come of it. */
export interface HostileCase {
  /** What the input is, as the test's name. */
  name: string;
  /** The files to lay down, by path relative to the case's folder. */
  files?: Record<string, Uint8Array | string>;
  /** Runs the code under test on the case's folder. */
  run(dir: string): unknown;
  /** The class the error must have. */
  error: ErrorClass;
  /**
   * What the message must contain: the file (write `$DIR` for the case's
   * folder), the place, what was expected.
   */
  names: string[];
}

/** Every file and folder under `dir`, by relative path: a folder, or a file's size and SHA-256. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string) => {
    for await (const entry of Deno.readDir(`${dir}/${sub}`)) {
      const path = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        out[path] = "folder";
        await walk(path);
      } else {
        const bytes = await Deno.readFile(`${dir}/${path}`);
        out[path] = `${bytes.length} ${createHash("sha256").update(bytes).digest("hex")}`;
      }
    }
  };
  await walk("");
  return Object.fromEntries(Object.entries(out).sort());
}

/** Runs `fn` (sync or async), expects an `ErrorClass` whose message holds each of `parts`. */
export async function expectError(
  fn: () => unknown,
  error: ErrorClass,
  parts: readonly string[],
): Promise<Error> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  assert(thrown !== undefined, `expected ${error.name}, nothing was thrown`);
  assert(
    thrown instanceof error,
    `expected ${error.name}, got ${(thrown as Error)?.name}: ${(thrown as Error)?.message}`,
  );
  for (const part of parts) {
    assert(thrown.message.includes(part), `message "${thrown.message}" lacks "${part}"`);
  }
  assert(!thrown.message.includes("\n"), `message "${thrown.message}" is not one line`);
  return thrown;
}

/** An output folder with a file in it, laid down beside every case's input: it must survive. */
const KEEP = { "out/model.json": '{"keep": "me"}\n' };

/** Lays down `c.files` in a fresh folder, runs `c`, and makes the three checks above. */
export async function checkHostile(c: HostileCase): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nn_hostile_" });
  try {
    for (const [path, content] of Object.entries({ ...KEEP, ...c.files })) {
      const full = `${dir}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(full, content);
      else await Deno.writeFile(full, content);
    }
    const before = await snapshot(dir);
    assert(c.names.length >= 2, `${c.name}: name the file and what was expected`);
    await expectError(() => c.run(dir), c.error, c.names.map((n) => n.replaceAll("$DIR", dir)));
    assertEquals(await snapshot(dir), before, `${c.name}: the folder changed`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Registers one Deno test per case, named `room: case`. */
export function hostileTests(room: string, cases: readonly HostileCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    assert(!names.has(c.name), `${room}: two cases are named "${c.name}"`);
    names.add(c.name);
    Deno.test(`hostile ${room}: ${c.name}`, () => checkHostile(c));
  }
}

/** `bytes` gzipped, as `gzip` does. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return await new Response(stream).bytes();
}

/** The bytes of an IDX file of unsigned bytes with sizes `dims`, then `data`. */
export function idx(dims: readonly number[], data: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(Array.from(data), 4 + 4 * dims.length);
  return bytes;
}
