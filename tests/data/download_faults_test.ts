/**
 * download() under faults, against servers on 127.0.0.1 that misbehave on
 * purpose: connections dropped half-way (resumed with a Range request, or
 * restarted), HTTP errors on one mirror (the next one is tried), a checksum
 * that does not match, a server that stalls, two processes fetching the same
 * file at once. After each, the cache holds the good file or nothing: no
 * temporary file, no half file. Needs --allow-net=127.0.0.1 and --allow-run.
 */

import { join } from "node:path";
import { download, DownloadError } from "../../mod.ts";
import { sha256Hex } from "../../lib/data/checksum.ts";
import { assert, assertEquals } from "../assert.ts";
import { assertRejects, listDir, withServer, withTempDir } from "./helpers.ts";

/** 96 kB of bytes that do not repeat, and their SHA-256. */
const FILE = Uint8Array.from({ length: 96 * 1024 }, (_, i) => (i * 2654435761) >>> 24);
const SHA256 = await sha256Hex(FILE);
const HALF = FILE.length / 2;

/** What the server saw of one request. */
interface Seen {
  path: string;
  headers: Record<string, string>;
}

const encoder = new TextEncoder();

/** Reads a request's line and headers (there is no body) from `conn`. */
async function readRequest(conn: Deno.Conn): Promise<Seen> {
  let text = "";
  const buffer = new Uint8Array(4096);
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("the client closed the connection");
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  const [line, ...rest] = text.split("\r\n\r\n")[0].split("\r\n");
  const headers = Object.fromEntries(rest.map((h) => {
    const colon = h.indexOf(":");
    return [h.slice(0, colon).trim().toLowerCase(), h.slice(colon + 1).trim()];
  }));
  return { path: line.split(" ")[1], headers };
}

/** Writes `head` (status line and headers, without the blank line) and `body`. */
async function reply(conn: Deno.Conn, head: string, body: Uint8Array = new Uint8Array(0)) {
  const bytes = new Uint8Array([
    ...encoder.encode(`${head}\r\nConnection: close\r\n\r\n`),
    ...body,
  ]);
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

/** Waits until the client hangs up (a server that has stopped sending). */
async function stall(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(1024);
  while ((await conn.read(buffer).catch(() => null)) !== null) { /* discard */ }
}

/** Closes `conn`, which the other side or the teardown may have closed already. */
function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (e) {
    if (!(e instanceof Deno.errors.BadResource)) throw e;
  }
}

/**
 * A bare HTTP/1.1 server on 127.0.0.1: `answer` writes the raw response to the
 * `index`-th request (counted from 0) and the connection is then closed, so a
 * body shorter than its Content-Length is a connection dropped half-way.
 */
async function withScriptedServer<T>(
  answer: (seen: Seen, index: number, conn: Deno.Conn) => Promise<void>,
  fn: (base: string, requests: Seen[]) => Promise<T>,
): Promise<T> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: Seen[] = [];
  const open = new Set<Deno.Conn>();
  const handlers: Promise<void>[] = [];
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        open.add(conn);
        handlers.push((async () => {
          try {
            const seen = await readRequest(conn);
            requests.push(seen);
            await answer(seen, requests.length - 1, conn);
          } catch {
            // The client went away first: nothing more to say to it.
          } finally {
            open.delete(conn);
            closeQuietly(conn);
          }
        })());
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e; // the listener was closed
    }
  })();
  try {
    return await fn(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, requests);
  } finally {
    listener.close();
    for (const conn of open) closeQuietly(conn); // ends the stalls
    await loop;
    await Promise.all(handlers);
  }
}

/** A 200 for the whole file, optionally cut after `upTo` bytes. */
function whole(upTo = FILE.length, extra = 'Accept-Ranges: bytes\r\nETag: "v1"') {
  return (conn: Deno.Conn) =>
    reply(
      conn,
      `HTTP/1.1 200 OK\r\nContent-Length: ${FILE.length}${extra ? `\r\n${extra}` : ""}`,
      FILE.subarray(0, upTo),
    );
}

/** A 206 for the bytes from `from` on, cut after `upTo`. */
function rest(from: number, upTo = FILE.length, start = from) {
  return (conn: Deno.Conn) =>
    reply(
      conn,
      `HTTP/1.1 206 Partial Content\r\nContent-Range: bytes ${start}-${FILE.length - 1}/` +
        `${FILE.length}\r\nContent-Length: ${FILE.length - start}\r\nETag: "v1"`,
      FILE.subarray(start, upTo),
    );
}

/** The start of a request's Range header (`bytes=N-`), or undefined without one. */
function rangeStart(seen: Seen): number | undefined {
  const match = /^bytes=(\d+)-$/.exec(seen.headers["range"] ?? "");
  return match ? Number(match[1]) : undefined;
}

const quick = (cacheDir: string) => ({ cacheDir, dataDir: null, retries: 2, backoffMs: 1 });

/** Checks that the cache holds exactly the good file, and nothing else. */
async function assertCached(cache: string, path: string): Promise<void> {
  assertEquals(path, join(cache, "f.bin"));
  assertEquals(await sha256Hex(await Deno.readFile(path)), SHA256, "the cached file's checksum");
  assertEquals(await listDir(cache), ["f.bin"], "no temporary file is left");
}

Deno.test("download faults: a connection dropped half-way is resumed with a Range request", async () => {
  await withTempDir((cache) =>
    withScriptedServer(async (seen, i, conn) => {
      if (i === 0) await whole(HALF)(conn);
      else await rest(rangeStart(seen) ?? 0)(conn);
    }, async (base, requests) => {
      const path = await download(`${base}/f.bin`, { ...quick(cache), sha256: SHA256 });
      await assertCached(cache, path);
      assertEquals(requests.length, 2);
      const from = rangeStart(requests[1]);
      assert(from !== undefined && from > 0 && from <= HALF, `resumed from byte ${from}`);
      assertEquals(requests[1].headers["if-range"], '"v1"', "the ETag guards the resume");
    })
  );
});

Deno.test("download faults: dropped three times, resumed each time", async () => {
  const cuts = [FILE.length / 4, FILE.length / 2, (3 * FILE.length) / 4];
  await withTempDir((cache) =>
    withScriptedServer(async (seen, i, conn) => {
      const from = rangeStart(seen) ?? 0;
      if (i === 0) await whole(cuts[0])(conn);
      else await rest(from, cuts[i] ?? FILE.length)(conn);
    }, async (base, requests) => {
      const path = await download(`${base}/f.bin`, { ...quick(cache), retries: 3 });
      assert(path.includes("by-url"), "without a checksum the cache keys the file by its URL");
      assertEquals(await sha256Hex(await Deno.readFile(path)), SHA256);
      assertEquals(requests.map(rangeStart).map((s) => s !== undefined), [false, true, true, true]);
      assertEquals(await listDir(join(path, "..")), ["f.bin"]);
    })
  );
});

Deno.test("download faults: a server that ignores the Range sends it all again; it still checks out", async () => {
  await withTempDir((cache) =>
    withScriptedServer(async (_, i, conn) => {
      await whole(i === 0 ? HALF : FILE.length)(conn);
    }, async (base, requests) => {
      const path = await download(`${base}/f.bin`, { ...quick(cache), sha256: SHA256 });
      await assertCached(cache, path);
      assertEquals(requests.length, 2);
      assert(rangeStart(requests[1]) !== undefined, "a Range was asked for");
    })
  );
});

Deno.test("download faults: without a validator or a checksum, a dropped download starts over", async () => {
  await withTempDir((cache) =>
    withScriptedServer(async (_, i, conn) => {
      await whole(i === 0 ? HALF : FILE.length, "Accept-Ranges: bytes")(conn);
    }, async (base, requests) => {
      const path = await download(`${base}/f.bin`, quick(cache));
      assertEquals(await sha256Hex(await Deno.readFile(path)), SHA256);
      assertEquals(requests.map(rangeStart), [undefined, undefined], "no Range: nothing vouches");
    })
  );
});

Deno.test("download faults: a 206 from the wrong byte is thrown away and the file fetched whole", async () => {
  await withTempDir((cache) =>
    withScriptedServer(async (_, i, conn) => {
      if (i === 0) await whole(HALF)(conn);
      else if (i === 1) await rest(HALF, FILE.length, 0)(conn); // Content-Range from byte 0
      else await whole()(conn);
    }, async (base, requests) => {
      const path = await download(`${base}/f.bin`, { ...quick(cache), sha256: SHA256 });
      await assertCached(cache, path);
      assertEquals(requests.length, 3);
      assertEquals(rangeStart(requests[2]), undefined, "the third attempt starts over");
    })
  );
});

Deno.test("download faults: a stall mid-way times out, then the download resumes", async () => {
  await withTempDir((cache) =>
    withScriptedServer(async (seen, i, conn) => {
      if (i === 0) {
        await whole(HALF)(conn).catch(() => {});
        await stall(conn);
      } else await rest(rangeStart(seen) ?? 0)(conn);
    }, async (base, requests) => {
      const path = await download(`${base}/f.bin`, {
        ...quick(cache),
        sha256: SHA256,
        timeoutMs: 200,
      });
      await assertCached(cache, path);
      assert((rangeStart(requests[1]) ?? 0) > 0, "resumed after the time-out");
    })
  );
});

Deno.test("download faults: a server that never answers times out with a clear message", async () => {
  await withTempDir((cache) =>
    withScriptedServer((_, __, conn) => stall(conn), async (base, requests) => {
      const started = Date.now();
      await assertRejects(
        download(`${base}/f.bin`, { ...quick(cache), retries: 1, timeoutMs: 150 }),
        DownloadError,
        `download of f.bin failed: ${base}/f.bin: no data for 150 ms, timed out ` +
          "(options.timeoutMs sets the wait) (after 2 attempts)",
      );
      assert(Date.now() - started < 5000, "the time-out ended the wait");
      assertEquals(requests.length, 2);
      assertEquals(await listDir(cache), [], "nothing is left in the cache");
    })
  );
});

Deno.test("download faults: 403, 404 and 500 name the URL and status; the next mirror is tried", async () => {
  const routes = {
    "/403/f.bin": () => new Response("no", { status: 403 }),
    "/404/f.bin": () => new Response("no", { status: 404 }),
    "/500/f.bin": () => new Response("no", { status: 500 }),
    "/good/f.bin": () => new Response(FILE.slice()),
  };
  await withTempDir((cache) =>
    withServer(routes, async (server) => {
      for (
        const [status, text, tries] of [[403, "Forbidden", 1], [404, "Not Found", 1], [
          500,
          "Internal Server Error",
          3,
        ]] as const
      ) {
        const bad = `${server.base}/${status}/f.bin`;
        await assertRejects(
          download(bad, { ...quick(cache), sha256: SHA256 }),
          DownloadError,
          `download of f.bin failed: ${bad}: HTTP ${status} ${text}`,
        );
        assertEquals(
          server.hits.get(`/${status}/f.bin`),
          tries,
          `${status} is retried only if 5xx`,
        );
        assertEquals(await listDir(cache), [], `${status} leaves nothing in the cache`);
        const path = await download([bad, `${server.base}/good/f.bin`], {
          ...quick(cache),
          sha256: SHA256,
        });
        await assertCached(cache, path);
        await Deno.remove(path);
      }
      assertEquals(server.hits.get("/good/f.bin"), 3, "the good mirror served each time");
    })
  );
});

Deno.test("download faults: a checksum mismatch is refused, names the expected checksum, caches nothing", async () => {
  const wrong = FILE.slice();
  wrong[1000] ^= 1; // one bit, as a bad disk or a proxy would change it
  await withTempDir((cache) =>
    withServer({ "/f.bin": () => new Response(wrong.slice()) }, async (server) => {
      await assertRejects(
        download(`${server.base}/f.bin`, { ...quick(cache), sha256: SHA256 }),
        DownloadError,
        `${server.base}/f.bin: SHA-256 mismatch: expected ${SHA256}, found `,
      );
      assertEquals(server.hits.get("/f.bin"), 1, "a mismatch is not retried");
      assertEquals(await listDir(cache), []);
    })
  );
});

Deno.test("download faults: a redirect loop and an empty reply are network errors naming the URL", async () => {
  await withTempDir((cache) =>
    withScriptedServer(async (seen, _, conn) => {
      if (seen.path === "/loop") await reply(conn, "HTTP/1.1 302 Found\r\nLocation: /loop");
      // "/empty": the connection closes without a word.
    }, async (base) => {
      for (const path of ["/loop", "/empty"]) {
        await assertRejects(
          download(`${base}${path}`, { ...quick(cache), retries: 0, fileName: "f.bin" }),
          DownloadError,
          `${base}${path}: network error (`,
        );
      }
      assertEquals(await listDir(cache), []);
    })
  );
});

Deno.test("download faults: two processes fetching the same file at once both end with one good file", async () => {
  const root = new URL("../../mod.ts", import.meta.url).href;
  let waiting: (() => void)[] = [];
  // Each answer waits until both requests are in, then trickles the file out,
  // so the two downloads overlap from start to finish.
  const slow = () => {
    let sent = 0;
    return new Response(
      new ReadableStream({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          const chunk = FILE.slice(sent, sent + 8192);
          sent += chunk.length;
          if (chunk.length === 0) controller.close();
          else controller.enqueue(chunk);
        },
      }),
      { headers: { "content-length": String(FILE.length) } },
    );
  };
  const routes = {
    "/f.bin": async () => {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) {
          waiting.forEach((go) => go());
          waiting = [];
        }
      });
      return slow();
    },
  };
  await withTempDir((cache) =>
    withServer(routes, async (server) => {
      const code = `import { download } from "${root}";\n` +
        `console.log(await download("${server.base}/f.bin", ` +
        `{ cacheDir: ${JSON.stringify(cache)}, dataDir: null, sha256: "${SHA256}" }));`;
      const child = () =>
        new Deno.Command(Deno.execPath(), {
          args: ["eval", "--quiet", code],
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
      const results = await Promise.all([child(), child()]);
      const paths = results.map((r) => {
        assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
        return new TextDecoder().decode(r.stdout).trim();
      });
      assertEquals(paths, [join(cache, "f.bin"), join(cache, "f.bin")]);
      assertEquals(server.hits.get("/f.bin"), 2, "both downloaded, at the same time");
      await assertCached(cache, paths[0]);
    })
  );
});

Deno.test("download: a file larger than maxBytes is refused, announced or not, and not retried", async () => {
  const big = new Uint8Array(64 * 1024);
  await withTempDir(async (cache) => {
    const routes = {
      "/announced.bin": () => new Response(big.slice()),
      "/streamed.bin": () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(8 * 1024));
              controller.close();
            },
          }),
        ),
    };
    await withServer(routes, async (server) => {
      for (
        const [name, what] of [["announced.bin", "announced as 65536 bytes"], [
          "streamed.bin",
          "past 32768 bytes",
        ]]
      ) {
        const error = await download(`${server.base}/${name}`, { ...quick(cache), maxBytes: 32768 })
          .catch((e) => e);
        assert(error instanceof DownloadError, String(error));
        assert(
          error.message.endsWith(`the file is ${what}, more than options.maxBytes (32768) allows`),
          error.message,
        );
        assertEquals(server.hits.get(`/${name}`), 1, "not retried");
      }
      assertEquals(await listDir(cache), [], "nothing kept");
    });
  });
});

Deno.test("download: a server that drips bytes slower than minBytesPerSecond is given up", async () => {
  await withTempDir(async (cache) => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const routes = {
      "/drip.bin": () =>
        new Response(
          new ReadableStream({
            start(controller) {
              // One byte every 20 ms: the 100 ms time-out between bytes never fires.
              timer = setInterval(() => controller.enqueue(new Uint8Array(1)), 20);
            },
            cancel() {
              clearInterval(timer);
            },
          }),
        ),
    };
    try {
      await withServer(routes, async (server) => {
        const options = { ...quick(cache), retries: 0, timeoutMs: 100, minBytesPerSecond: 1000 };
        const error = await download(`${server.base}/drip.bin`, options).catch((e) => e);
        assert(error instanceof DownloadError, String(error));
        assert(/bytes in \d+\.\d s, slower than 1000 bytes\/s/.test(error.message), error.message);
      });
    } finally {
      clearInterval(timer);
    }
  });
});
