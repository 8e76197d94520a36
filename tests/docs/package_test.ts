/**
 * The package as JSR would receive it: `deno publish --dry-run` passes (no slow
 * types), each exercise script is an entry point of its own (so that
 * `deno run -A jsr:@handson/nn/part4-2` runs it once published), and the files
 * the README links to (the guide, its plots, the notebooks) are in the package.
 */

import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);
const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));

Deno.test("deno publish --dry-run passes and ships the scripts and what the README links", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: root.pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, text);
  const exports: Record<string, string> = config.exports;
  for (const name of ["part4-1", "part4-2", "part4-2-torch", "part4-3", "part4-3-show"]) {
    const path = exports[`./${name}`];
    assert.ok(path?.startsWith("./scripts/"), `exports lack ./${name}`);
    assert.ok(text.includes(new URL(path, root).href), `${path} is not in the package`);
  }
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const links = [...readme.matchAll(/\]\(((?:docs|notebooks)\/[^)#\s]+)/g)].map((m) => m[1]);
  assert.ok(links.length > 10, `only ${links.length} links into docs/ and notebooks/`);
  for (const link of new Set(links)) {
    assert.ok(text.includes(new URL(link, root).href), `the README links ${link}, not published`);
  }
});
