/**
 * `deno task build:web`: bundles the module for browsers into `web/dist/`:
 *
 * - `nn.js`: `mod.ts` as one ES module (the whole library, no TypeScript left);
 * - `worker.js`: the WebAssembly kernels' Worker, its own entry point, since a
 *   Worker is started from a URL of its own;
 * - `playground.js`: the page's script. Its source imports `../mod.ts` (so
 *   `deno check` checks it against the module); that import is left out of the
 *   bundle and rewritten to `./nn.js`, so the page loads the library once.
 *
 * `deno bundle` (esbuild inside) does the work. Two things it leaves for us:
 *
 * - The kernels' pool starts its Worker from `new URL("./worker.ts",
 *   import.meta.url)`; bundled, that URL must name `worker.js` beside `nn.js`.
 *   The one occurrence is rewritten here (and the build fails if it is not
 *   found, so a renamed file is noticed rather than shipped single-threaded).
 * - `node:` imports (paths, hashes, file URLs of the data and io layers, which
 *   only run under Deno or Node) stay imports: in Node they are Node's own, and
 *   the page maps them to `node_shim.js` with an import map.
 *
 * The bundle is built, not committed: the library changes often and a stale
 * copy would let the browser test pass on old code.
 *
 *   deno run --allow-read --allow-write=web/dist --allow-run web/build.ts
 *
 * @module
 */

const root = new URL("../", import.meta.url);
const dist = new URL("web/dist/", root);

/** Runs `deno bundle` for one entry point; throws with its output when it fails. */
async function bundle(entry: string, output: string, external: string[] = []): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform=browser",
    "--format=esm",
    "--minify",
    ...external.map((name) => `--external=${name}`),
    `--output=${new URL(output, dist).pathname}`,
    new URL(entry, root).pathname,
  ];
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `deno bundle ${entry} failed (exit ${code}): ${new TextDecoder().decode(stderr)}`,
    );
  }
}

/** Rewrites the kernels' Worker URL in the bundle; exactly one must be there. */
async function pointAtBundledWorker(): Promise<void> {
  const file = new URL("nn.js", dist);
  const text = await Deno.readTextFile(file);
  const pattern = /new URL\((["'`])\.\/worker\.ts\1,\s*import\.meta\.url\)/g;
  const found = text.match(pattern)?.length ?? 0;
  if (found !== 1) {
    throw new Error(
      `web/build.ts: expected one new URL("./worker.ts", import.meta.url) in the bundle, found ${found}`,
    );
  }
  await Deno.writeTextFile(file, text.replace(pattern, 'new URL("./worker.js",import.meta.url)'));
}

/** Points the page's bundled `import … from "../mod.ts"` at `./nn.js`; exactly one must be there. */
async function importBundledModule(): Promise<void> {
  const file = new URL("playground.js", dist);
  const text = await Deno.readTextFile(file);
  const pattern = /(["'])\.\.\/mod\.ts\1/g;
  const found = text.match(pattern)?.length ?? 0;
  if (found !== 1) {
    throw new Error(
      `web/build.ts: expected one import of "../mod.ts" in playground.js, found ${found}`,
    );
  }
  await Deno.writeTextFile(file, text.replace(pattern, '"./nn.js"'));
}

/** The `node:` modules that index.html's import map sends to `node_shim.js`. */
const SHIMMED = ["node:path", "node:crypto", "node:url", "node:util"];

/** Fails when the bundle imports a `node:` module the page's import map does not cover. */
async function checkNodeImports(): Promise<void> {
  const text = await Deno.readTextFile(new URL("nn.js", dist));
  const used = new Set([...text.matchAll(/from\s*["'](node:[a-z_/]+)["']/g)].map((m) => m[1]));
  const missing = [...used].filter((name) => !SHIMMED.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `web/build.ts: the bundle imports ${missing.join(", ")}, which web/index.html's import map ` +
        `and web/node_shim.js do not cover; expected only ${SHIMMED.join(", ")}`,
    );
  }
}

/**
 * Builds the three files; returns their paths and sizes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildWeb } from "./build.ts";
 * const files = await buildWeb();
 * assert.deepEqual(files.map((f) => f.file), ["web/dist/nn.js", "web/dist/worker.js", "web/dist/playground.js"]);
 * ```
 */
export async function buildWeb(): Promise<{ file: string; bytes: number }[]> {
  await Deno.mkdir(dist, { recursive: true });
  await bundle("mod.ts", "nn.js");
  await pointAtBundledWorker();
  await checkNodeImports();
  await bundle("lib/tensor/cpu/wasm/worker.ts", "worker.js");
  await bundle("web/playground.ts", "playground.js", ["../mod.ts"]);
  await importBundledModule();
  const out = [];
  for (const name of ["nn.js", "worker.js", "playground.js"]) {
    const file = new URL(name, dist);
    out.push({ file: `web/dist/${name}`, bytes: (await Deno.stat(file)).size });
  }
  return out;
}

if (import.meta.main) {
  for (const { file, bytes } of await buildWeb()) {
    console.log(`${file}: ${(bytes / 1024).toFixed(0)} KiB`);
  }
}
