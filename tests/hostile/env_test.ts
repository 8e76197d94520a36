/**
 * Settings from the environment are taken only in their documented forms: a
 * value that is not one (NN_WASM=off, NN_BACKEND=gpu, NN_THREADS=many,
 * NN_CACHE_DIR=~/x in quotes, NN_DATA_DIR naming no folder) stops the program
 * with one error naming the variable and the value, never a silent default.
 */

import assert from "node:assert/strict";

const mod = new URL("../../mod.ts", import.meta.url).href;

/** Runs `code` (a module importing mod.ts as nn) with `env`; returns its exit code and stderr. */
async function run(code: string, env: Record<string, string>) {
  const { code: exit, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `import * as nn from "${mod}";\n${code}`],
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { exit, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("hostile env: an undocumented value of an NN_ variable is an error naming it", async () => {
  const product = "nn.ones([300, 300]).matmul(nn.ones([300, 300])).sum().item();";
  const cases: [Record<string, string>, string, string][] = [
    [
      { NN_WASM: "off" },
      product,
      'NN_WASM: expected 0 (TypeScript kernels) or 1 (WebAssembly), found "off"',
    ],
    [{ NN_THREADS: "many" }, product, 'NN_THREADS: expected a positive integer, found "many"'],
    [
      { NN_BACKEND: "gpu" },
      'await nn.setBackend("auto");',
      'NN_BACKEND must be "cpu", "webgpu" or "auto"',
    ],
    [
      // float64 decides "auto" without NN_BACKEND (the CPU); a bad value is still named.
      { NN_BACKEND: "garbage" },
      'const { useScriptBackend } = await import("' +
      new URL("../../lib/train/cli.ts", import.meta.url).href +
      '"); await useScriptBackend("auto", "float64");',
      'NN_BACKEND must be "cpu", "webgpu" or "auto", found "garbage"',
    ],
    [
      { NN_CACHE_DIR: "~/cache" },
      "nn.cacheDir();",
      'NN_CACHE_DIR: expected an absolute path, found "~/cache"',
    ],
  ];
  for (const [env, code, message] of cases) {
    const result = await run(code, env);
    assert.equal(result.exit, 1, `${JSON.stringify(env)}: ${result.stderr}`);
    assert.ok(result.stderr.includes(message), `${JSON.stringify(env)}: ${result.stderr}`);
  }
  // The documented values work.
  for (
    const env of [{ NN_WASM: "0" }, { NN_WASM: "1" }, { NN_THREADS: "1" }] as Record<
      string,
      string
    >[]
  ) {
    const result = await run(product, env);
    assert.equal(result.exit, 0, `${JSON.stringify(env)}: ${result.stderr}`);
  }
});
