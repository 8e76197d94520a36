/**
 * `deno task playground`: serves the playground page (`web/`) on 127.0.0.1.
 *
 *   deno run --allow-read --allow-net=127.0.0.1 web/serve.ts [--port 8000]
 *
 * Every response carries the two headers that make the page cross-origin
 * isolated (`Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`): only then may a page share
 * memory with its Workers (`SharedArrayBuffer`), which the WebAssembly
 * kernels' thread pool needs. `/data/ex2data2.txt` is the repository's copy of
 * the microchip data (the test fixture, byte for byte the book's file), so the
 * page needs no network beyond this server.
 *
 * @module
 */

import { parseArgs } from "node:util";

const WEB = new URL("./", import.meta.url);
const ROOT = new URL("../", import.meta.url);

/** Files served from outside `web/`, by their URL path. */
const EXTRA: Record<string, URL> = {
  "/data/ex2data2.txt": new URL("tests/fixtures/datasets/ex2data2.txt", ROOT),
};

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  png: "image/png",
  svg: "image/svg+xml",
  safetensors: "application/octet-stream",
};

/** The headers of every response: cross-origin isolation, and no stale copies while editing. */
const COMMON = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

/**
 * The file a URL path names: `web/` and below (`/` is `index.html`), or one of
 * the few files outside it; `undefined` for anything else, dot files and
 * TypeScript sources included (the page runs only the built `dist/`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileFor } from "./serve.ts";
 * assert.ok(fileFor("/")!.pathname.endsWith("/web/index.html"));
 * assert.ok(fileFor("/data/ex2data2.txt")!.pathname.endsWith("/tests/fixtures/datasets/ex2data2.txt"));
 * assert.equal(fileFor("/../deno.json"), undefined);
 * assert.equal(fileFor("/playground.ts"), undefined);
 * ```
 */
export function fileFor(pathname: string): URL | undefined {
  if (pathname in EXTRA) return EXTRA[pathname];
  if (pathname === "/") pathname = "/index.html";
  const parts = pathname.slice(1).split("/");
  if (parts.some((part) => part === "" || part.startsWith(".") || part.includes("\\"))) {
    return undefined;
  }
  const ext = parts[parts.length - 1].split(".").pop()!;
  if (!(ext in TYPES)) return undefined;
  return new URL(parts.map(encodeURIComponent).join("/"), WEB);
}

/**
 * Answers one request: the file with its type and the isolation headers, or 404/405.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { handle } from "./serve.ts";
 * const response = await handle(new Request("http://127.0.0.1/data/ex2data2.txt"));
 * assert.equal(response.status, 200);
 * assert.equal(response.headers.get("cross-origin-embedder-policy"), "require-corp");
 * assert.ok((await response.text()).startsWith("0.051267,0.69956,1"));
 * assert.equal((await handle(new Request("http://127.0.0.1/nothing.js"))).status, 404);
 * ```
 */
export async function handle(request: Request): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: COMMON });
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return new Response("bad path\n", { status: 400, headers: COMMON });
  }
  const file = fileFor(pathname);
  if (file !== undefined) {
    try {
      const body = await Deno.readFile(file);
      const type = TYPES[file.pathname.split(".").pop()!];
      return new Response(request.method === "HEAD" ? null : body, {
        headers: { ...COMMON, "content-type": type },
      });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return new Response(`not found: ${pathname}\n`, { status: 404, headers: COMMON });
}

/**
 * Starts the server on 127.0.0.1 at `port` (0: any free port); the returned
 * server's `addr.port` says which, and `shutdown()` stops it. `onRequest`
 * hears each request's path (the tests use it to see the Worker load).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { servePlayground } from "./serve.ts";
 * const server = servePlayground(0);
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * assert.equal(response.headers.get("cross-origin-opener-policy"), "same-origin");
 * await response.body?.cancel();
 * await server.shutdown();
 * ```
 */
export function servePlayground(
  port: number,
  onListen?: (url: string) => void,
  onRequest?: (path: string) => void,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: ({ port }) => onListen?.(`http://127.0.0.1:${port}/`),
  }, (request) => {
    onRequest?.(new URL(request.url).pathname);
    return handle(request);
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  const port = Number(values.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port: expected a port number from 0 to 65535, found ${values.port}`);
    Deno.exit(2);
  }
  try {
    await Deno.stat(new URL("dist/nn.js", WEB));
  } catch {
    console.error("web/dist/nn.js is missing: run `deno task build:web` first");
    Deno.exit(1);
  }
  servePlayground(port, (url) => console.log(`Playground: ${url}`));
}
