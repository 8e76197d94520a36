/**
 * download() against a local HTTP server on 127.0.0.1 (needs --allow-net=127.0.0.1):
 * cache, mirror folder, mirrors, HTTP errors, checksums, retries, time-outs.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { download, DownloadError, readBytes, readText } from "../../mod.ts";
import { md5Hex, sha256Hex } from "../../lib/data/checksum.ts";
import { assert, assertEquals } from "../assert.ts";
import {
  assertRejects,
  EX2DATA2,
  FIXTURES,
  listDir,
  withEnv,
  withRawServer,
  withServer,
  withTempDir,
} from "./helpers.ts";

const SHA256 = "39b91f85acd6fd40ec1f0d87d91e17cba20024d63ceeb6f3bda1646d6e2607be";
const file = () => new Response(EX2DATA2.slice());
/** Options that keep a test off the real mirror folder and quick to fail. */
const quick = (cacheDir: string) => ({ cacheDir, dataDir: null, retries: 0, backoffMs: 1 });

/** A body that sends `first` and then nothing, until the client gives up. */
function stalling(first: Uint8Array): Response {
  return new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(first);
      },
    }),
  );
}

Deno.test("the checksums of the shared ex2data2.txt", async () => {
  assertEquals(await sha256Hex(EX2DATA2), SHA256);
  assertEquals(await md5Hex(EX2DATA2), "90b5e57147ee197db0d728e1a192cede");
});

Deno.test("download: fetched once into the cache, then a cache hit", async () => {
  await withTempDir((cache) =>
    withServer({ "/data/ex2data2.txt": file }, async (server) => {
      const url = `${server.base}/data/ex2data2.txt`;
      const path = await download(url, { ...quick(cache), sha256: SHA256 });
      assertEquals(path, join(cache, "ex2data2.txt"));
      assertEquals(await Deno.readFile(path), EX2DATA2);
      assertEquals(await download(url, { ...quick(cache), sha256: SHA256 }), path);
      assertEquals(server.hits.get("/data/ex2data2.txt"), 1, "the second call used the cache");
      assertEquals(await listDir(cache), ["ex2data2.txt"]);
    })
  );
});

Deno.test("download: HTTP:// and other cases of the scheme are URLs, not paths", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": file }, async (server) => {
      for (const scheme of ["HTTP", "Http", "hTtP"]) {
        const url = `${scheme}${server.base.slice(4)}/ex2data2.txt`;
        const path = await download(url, { ...quick(cache), sha256: SHA256 });
        assertEquals(await Deno.readFile(path), EX2DATA2, url);
      }
      assertEquals(server.hits.get("/ex2data2.txt"), 1, "fetched once, then from the cache");
    })
  );
});

Deno.test("download: NN_CACHE_DIR and subdir place the file", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": file }, async (server) => {
      const path = await withEnv("NN_CACHE_DIR", cache, () =>
        download(`${server.base}/ex2data2.txt`, {
          dataDir: null,
          subdir: "chips",
          fileName: "microchips.csv",
          sha256: SHA256,
        }));
      assertEquals(path, join(cache, "chips", "microchips.csv"));
      assertEquals(await Deno.readFile(path), EX2DATA2);
    })
  );
});

Deno.test("download: the mirror folder NN_DATA_DIR is tried before the network", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": file }, async (server) => {
      const url = `${server.base}/ex2data2.txt`;
      const viaEnv = await withEnv("NN_DATA_DIR", FIXTURES, () =>
        download(url, { cacheDir: cache, sha256: SHA256 }));
      assertEquals(viaEnv, join(FIXTURES, "ex2data2.txt"));
      const viaOption = await download(url, { cacheDir: cache, dataDir: FIXTURES });
      assertEquals(viaOption, join(FIXTURES, "ex2data2.txt"));
      assertEquals(server.hits.size, 0, "no request reached the server");
      assertEquals(await listDir(cache), [], "nothing was copied into the cache");
    })
  );
});

Deno.test("download: the mirror folder's subfolder comes before its top", async () => {
  await withTempDir(async (mirror) => {
    await Deno.mkdir(join(mirror, "mnist"));
    await Deno.writeTextFile(join(mirror, "mnist", "a.gz"), "sub");
    await Deno.writeTextFile(join(mirror, "a.gz"), "top");
    await Deno.writeTextFile(join(mirror, "b.gz"), "top only");
    const options = { dataDir: mirror, cacheDir: join(mirror, "cache"), subdir: "mnist" };
    assertEquals(
      await download("http://127.0.0.1:9/x/a.gz", options),
      join(mirror, "mnist", "a.gz"),
    );
    assertEquals(await download("http://127.0.0.1:9/x/b.gz", options), join(mirror, "b.gz"));
  });
  // The shared data's own layout: MNIST and Fashion-MNIST share file names.
  const name = "t10k-labels-idx1-ubyte.gz";
  for (const subdir of ["mnist", "fashion-mnist"]) {
    assertEquals(
      await download(`http://127.0.0.1:9/${name}`, { dataDir: FIXTURES, subdir }),
      join(FIXTURES, subdir, name),
    );
  }
});

Deno.test("download: a mirror-folder copy with a wrong checksum is an error naming it", async () => {
  await withTempDir(async (mirror) => {
    await Deno.writeTextFile(join(mirror, "ex2data2.txt"), "not the data\n");
    await assertRejects(
      download("http://127.0.0.1:9/ex2data2.txt", { dataDir: mirror, sha256: SHA256 }),
      DownloadError,
      join(mirror, "ex2data2.txt"),
      "NN_DATA_DIR",
      `SHA-256 mismatch: expected ${SHA256}`,
    );
  });
});

Deno.test("download: HTTP 404 names the URL and status, and the next mirror is tried", async () => {
  await withTempDir((cache) =>
    withServer({ "/good/ex2data2.txt": file }, async (server) => {
      const missing = `${server.base}/gone/ex2data2.txt`;
      await assertRejects(
        download(missing, quick(cache)),
        DownloadError,
        `download of ex2data2.txt failed: ${missing}: HTTP 404 Not Found`,
      );
      assertEquals(await listDir(cache), [], "a 404 leaves nothing in the cache");
      const path = await download([missing, `${server.base}/good/ex2data2.txt`], {
        ...quick(cache),
        retries: 3,
        sha256: SHA256,
      });
      assertEquals(await Deno.readFile(path), EX2DATA2);
      assertEquals(server.hits.get("/gone/ex2data2.txt"), 2, "a 404 is not retried");
    })
  );
});

Deno.test("download: when every mirror fails, each one is named", async () => {
  await withTempDir((cache) =>
    withServer({ "/b/f.txt": () => new Response("", { status: 403 }) }, async (server) => {
      await assertRejects(
        download([`${server.base}/a/f.txt`, `${server.base}/b/f.txt`], quick(cache)),
        DownloadError,
        "failed from all 2 sources",
        `${server.base}/a/f.txt: HTTP 404 Not Found; `,
        `${server.base}/b/f.txt: HTTP 403 Forbidden`,
      );
    })
  );
});

Deno.test("download: a checksum mismatch is rejected and the cache stays clean", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": () => new Response("0,0,1\n") }, async (server) => {
      const url = `${server.base}/ex2data2.txt`;
      await assertRejects(
        download(url, { ...quick(cache), retries: 2, sha256: SHA256 }),
        DownloadError,
        url,
        `SHA-256 mismatch: expected ${SHA256}, found `,
      );
      await assertRejects(
        download(url, { ...quick(cache), md5: "90b5e57147ee197db0d728e1a192cede" }),
        DownloadError,
        "MD5 mismatch: expected 90b5e57147ee197db0d728e1a192cede",
      );
      assertEquals(await listDir(cache), [], "no file, not even a temporary one");
      assertEquals(server.hits.get("/ex2data2.txt"), 2, "a mismatch is not retried");
    })
  );
});

Deno.test("download: an MD5 that matches is accepted", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": file }, async (server) => {
      const path = await download(`${server.base}/ex2data2.txt`, {
        ...quick(cache),
        md5: "90B5E57147EE197DB0D728E1A192CEDE",
      });
      assertEquals(await Deno.readFile(path), EX2DATA2);
    })
  );
});

Deno.test("download: a corrupt cached copy is replaced", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": file }, async (server) => {
      await Deno.writeTextFile(join(cache, "ex2data2.txt"), "half a fi");
      const path = await download(`${server.base}/ex2data2.txt`, {
        ...quick(cache),
        sha256: SHA256,
      });
      assertEquals(await Deno.readFile(path), EX2DATA2);
      assertEquals(server.hits.get("/ex2data2.txt"), 1);
    })
  );
});

Deno.test("download: HTTP 503 is retried with back-off, then succeeds or names the attempts", async () => {
  await withTempDir((cache) =>
    withServer({
      "/flaky.txt": (_, hit) => hit <= 2 ? new Response("", { status: 503 }) : file(),
      "/down.txt": () => new Response("", { status: 503 }),
    }, async (server) => {
      const path = await download(`${server.base}/flaky.txt`, { ...quick(cache), retries: 2 });
      assertEquals(await Deno.readFile(path), EX2DATA2);
      assertEquals(server.hits.get("/flaky.txt"), 3);
      await assertRejects(
        download(`${server.base}/down.txt`, { ...quick(cache), retries: 1 }),
        DownloadError,
        `${server.base}/down.txt: HTTP 503 Service Unavailable (after 2 attempts)`,
      );
      assertEquals(server.hits.get("/down.txt"), 2);
    })
  );
});

Deno.test("download: a server that stalls times out and leaves nothing behind", async () => {
  await withTempDir((cache) =>
    withServer({ "/stall.txt": () => stalling(EX2DATA2.slice(0, 100)) }, async (server) => {
      const started = Date.now();
      await assertRejects(
        download(`${server.base}/stall.txt`, { ...quick(cache), timeoutMs: 150 }),
        DownloadError,
        `${server.base}/stall.txt: no data for 150 ms, timed out`,
      );
      assert(Date.now() - started < 5000, "the time-out ended the wait");
      assertEquals(await listDir(cache), []);
    })
  );
});

Deno.test("download: a connection cut mid-way is retried; nothing is cached", async () => {
  const head = "HTTP/1.1 200 OK\r\nContent-Length: 2234\r\nConnection: close\r\n\r\n";
  const reply = new Uint8Array([...new TextEncoder().encode(head), ...EX2DATA2.slice(0, 100)]);
  await withTempDir((cache) =>
    withRawServer(reply, async (base, connections) => {
      const error = await assertRejects(
        download(`${base}/cut.txt`, { ...quick(cache), retries: 1 }),
        DownloadError,
        `${base}/cut.txt: `,
        "(after 2 attempts)",
      );
      assert(/network error|connection closed after 100 of 2234 bytes/.test(error.message));
      assertEquals(connections(), 2);
      assertEquals(await listDir(cache), []);
    })
  );
});

Deno.test("download: a refused connection is a network error naming the URL", async () => {
  // A port that was free a moment ago and has nothing listening now.
  const base = await withServer({}, (server) => Promise.resolve(server.base));
  await withTempDir(async (cache) => {
    await assertRejects(
      download(`${base}/ex2data2.txt`, quick(cache)),
      DownloadError,
      `${base}/ex2data2.txt: network error (`,
    );
    assertEquals(await listDir(cache), []);
  });
});

Deno.test("download: an abort signal stops it and leaves nothing behind", async () => {
  await withTempDir((cache) =>
    withServer({ "/stall.txt": () => stalling(new Uint8Array(10)) }, async (server) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error("user stopped it")), 50);
      try {
        await assertRejects(
          download(`${server.base}/stall.txt`, { ...quick(cache), signal: controller.signal }),
          Error,
          "user stopped it",
        );
      } finally {
        clearTimeout(timer);
      }
      assertEquals(await listDir(cache), []);
    })
  );
});

Deno.test("download: plain paths and file:// URLs are used where they are", async () => {
  const path = join(FIXTURES, "ex2data2.txt");
  assertEquals(await download(path, { sha256: SHA256 }), path);
  assertEquals(await download(pathToFileURL(path)), path);
  assertEquals(await download(pathToFileURL(path).href), path);
  await assertRejects(
    download(join(FIXTURES, "nope.txt")),
    DownloadError,
    `${join(FIXTURES, "nope.txt")}: no such file`,
  );
  await assertRejects(
    download(path, { md5: "0".repeat(32) }),
    DownloadError,
    `${path}: MD5 mismatch`,
  );
});

Deno.test("download: bad arguments are caught before any request", async () => {
  await assertRejects(download("ftp://example.org/a.txt"), TypeError, '"ftp:"');
  await assertRejects(download("http://127.0.0.1:9/"), RangeError, "options.fileName");
  await assertRejects(download("http://127.0.0.1:9/..%2F..%2Fetc"), RangeError, "file name");
  await assertRejects(download("http://127.0.0.1:9/a", { sha256: "abc" }), TypeError, "64 hex");
  await assertRejects(download("http://127.0.0.1:9/a", { subdir: "../x" }), RangeError, "subdir");
  await assertRejects(download([]), TypeError, "at least one URL");
});

Deno.test("readBytes and readText go through the cache", async () => {
  await withTempDir((cache) =>
    withServer({ "/ex2data2.txt": file }, async (server) => {
      const url = `${server.base}/ex2data2.txt`;
      assertEquals(await readBytes(url, quick(cache)), EX2DATA2);
      const text = await readText(url, quick(cache));
      assert(text.startsWith("0.051267,0.69956,1 \n"), "the first line, its trailing space kept");
      assertEquals(server.hits.get("/ex2data2.txt"), 1);
    })
  );
});

Deno.test("download: a URL's password never shows in a message", async () => {
  await withTempDir(async (cache) => {
    await withServer({}, async (server) => {
      const url = server.base.replace("http://", "http://ada:s3cret@") + "/nothing.txt";
      const error = await download(url, { cacheDir: cache, dataDir: null, retries: 0 }).catch((e) =>
        e
      );
      assert(error instanceof DownloadError, String(error));
      assert(!error.message.includes("s3cret"), error.message);
      assert(error.message.includes("http://ada:***@127.0.0.1"), error.message);
    });
  });
});
