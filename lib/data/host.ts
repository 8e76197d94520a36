/**
 * The few things the data room needs from its host (Deno): environment
 * variables, the operating system and the terminal. Kept here, behind small
 * functions, so the rest of the room reads as plain logic.
 *
 * @module
 */

/**
 * The value of environment variable `name`, or `undefined` when it is unset or
 * when the program may not read it (no `--allow-env`): a missing permission
 * means "not configured", never a prompt or a crash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envVar } from "./host.ts";
 * assert.equal(envVar("NN_SURELY_UNSET_VARIABLE"), undefined);
 * ```
 */
export function envVar(name: string): string | undefined {
  const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
  if (state !== "granted") return undefined;
  const value = Deno.env.get(name);
  return value === "" ? undefined : value;
}

/** The operating system, as Deno names it (`"linux"`, `"darwin"`, `"windows"`, …). */
export function hostOs(): string {
  return Deno.build.os;
}

/** Whether standard error is a terminal (so a progress bar can redraw itself there). */
export function stderrIsTerminal(): boolean {
  return Deno.stderr.isTerminal();
}

const encoder = new TextEncoder();

/** Writes `text` to standard error, all of it. */
export function writeStderr(text: string): void {
  const bytes = encoder.encode(text);
  let done = 0;
  while (done < bytes.length) done += Deno.stderr.writeSync(bytes.subarray(done));
}
