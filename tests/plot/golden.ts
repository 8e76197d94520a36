/**
 * Golden files: the exact bytes a plot must produce for fixed inputs, kept in
 * tests/fixtures/plot/. Regenerate them after an intended change with
 *
 *     UPDATE_GOLDEN=1 deno test --allow-read --allow-write --allow-env tests/plot/
 *
 * and look at the new files (render them) before committing.
 *
 * @module
 */

import assert from "node:assert/strict";

function updating(): boolean {
  const permission = Deno.permissions.querySync({ name: "env", variable: "UPDATE_GOLDEN" });
  return permission.state === "granted" && Deno.env.get("UPDATE_GOLDEN") === "1";
}

/** Asserts that `actual` equals the file `name` under tests/fixtures/plot/ (or rewrites it). */
export async function assertGolden(name: string, actual: string): Promise<void> {
  const url = new URL(`../fixtures/plot/${name}`, import.meta.url);
  if (updating()) {
    await Deno.writeTextFile(url, actual);
    return;
  }
  const expected = await Deno.readTextFile(url);
  if (actual !== expected) {
    let at = 0;
    while (at < actual.length && actual[at] === expected[at]) at++;
    assert.fail(
      `${name} differs from its golden file at offset ${at}: expected ${
        JSON.stringify(expected.slice(at, at + 60))
      }, found ${JSON.stringify(actual.slice(at, at + 60))} (UPDATE_GOLDEN=1 regenerates it)`,
    );
  }
}
