/**
 * The data set manifest: ex2data2 from the mirror folder, from a local HTTP
 * server, from a file, and its shape checks; the synthetic rings.
 */

import { join } from "node:path";
import { DataFormatError, datasetManifest, datasets, DownloadError } from "../../mod.ts";
import { sha256Hex } from "../../lib/data/checksum.ts";
import { assert, assertClose, assertEquals } from "../assert.ts";
import { assertRejects, EX2DATA2, FIXTURES, listDir, withServer, withTempDir } from "./helpers.ts";

Deno.test("manifest: ex2data2's checksum is the shared copy's", async () => {
  const entry = datasetManifest.ex2data2;
  assertEquals(entry.sha256, await sha256Hex(EX2DATA2));
  assertEquals(entry.file, "ex2data2.txt");
  assert(entry.urls.length >= 1 && entry.urls.every((u) => u.endsWith("/ex2data2.txt")));
});

Deno.test("ex2data2: from the mirror folder, as X [118, 2] and y [118, 1]", async () => {
  await withTempDir(async (cache) => {
    const { X, y } = await datasets.ex2data2({
      dataDir: FIXTURES,
      cacheDir: cache,
      dtype: "float64",
    });
    assertEquals([X.shape, X.dtype, y.shape, y.dtype], [[118, 2], "float64", [118, 1], "float64"]);
    assertEquals(X.at(0).toArray(), [0.051267, 0.69956]);
    assertEquals(X.at(117).toArray(), [0.63265, -0.030612]);
    assertEquals(y.sum().item(), 58);
    assertEquals(
      (await datasets.ex2data2({ dataDir: FIXTURES, cacheDir: cache })).X.dtype,
      "float32",
    );
    assertEquals(await listDir(cache), []);
  });
});

Deno.test("ex2data2: from a URL of the user's (a local HTTP server), cached", async () => {
  await withTempDir((cache) =>
    withServer({ "/chips/ex2data2.txt": () => new Response(EX2DATA2.slice()) }, async (server) => {
      const options = { url: `${server.base}/chips/ex2data2.txt`, dataDir: null, cacheDir: cache };
      const { X, y } = await datasets.ex2data2(options);
      assertEquals([X.shape, y.shape], [[118, 2], [118, 1]]);
      await datasets.ex2data2(options);
      assertEquals(server.hits.get("/chips/ex2data2.txt"), 1);
      // Without a checksum the cache keys the file by its URL (CACHE/by-url/HASH/NAME).
      const [key] = await listDir(join(cache, "by-url"));
      assertEquals(await listDir(join(cache, "by-url", key)), ["ex2data2.txt"]);
    })
  );
});

Deno.test("ex2data2: from a path, any number of rows, three columns", async () => {
  await withTempDir(async (dir) => {
    const text = new TextDecoder().decode(EX2DATA2);
    const lines = text.trimEnd().split("\n");
    const short = join(dir, "short.txt");
    await Deno.writeTextFile(short, lines.slice(1).join("\n"));
    const part = await datasets.ex2data2({ url: short, dtype: "float64" });
    assertEquals(
      [part.X.shape, part.y.shape, part.source],
      [[117, 2], [117, 1], `${short} (the path given)`],
    );
    assertEquals(
      await part.X.data(),
      new Float64Array(lines.slice(1).flatMap((l) => l.split(",").slice(0, 2).map(Number))),
    );
    const empty = join(dir, "empty.txt");
    await Deno.writeTextFile(empty, "\n");
    await assertRejects(
      datasets.ex2data2({ url: empty }),
      DataFormatError,
      `${empty}: expected at least one row of data, found none`,
    );
    const wide = join(dir, "wide.txt");
    await Deno.writeTextFile(wide, lines.map((l) => `${l.trim()},0`).join("\n"));
    await assertRejects(
      datasets.ex2data2({ url: wide }),
      DataFormatError,
      `${wide}, line 1: expected 3 columns (one per name), found 4`,
    );
    const text3 = join(dir, "text.txt");
    await Deno.writeTextFile(text3, text.replace("-0.21371", "n/a"));
    await assertRejects(
      datasets.ex2data2({ url: text3 }),
      DataFormatError,
      `${text3}, line 3, column 1 ("x1"): expected a number, found "n/a"`,
    );
    const { X } = await datasets.ex2data2({ url: join(FIXTURES, "ex2data2.txt") });
    assertEquals(X.shape, [118, 2]);
  });
});

Deno.test("ex2data2: unreachable and not cached is a DownloadError naming the URL", async () => {
  const base = await withServer({}, (server) => Promise.resolve(server.base));
  await withTempDir(async (cache) => {
    await assertRejects(
      datasets.ex2data2({
        url: `${base}/ex2data2.txt`,
        dataDir: null,
        cacheDir: cache,
        retries: 0,
      }),
      DownloadError,
      `${base}/ex2data2.txt: network error`,
    );
  });
});

Deno.test("rings: two noisy rings of the same shape as ex2data2, seeded", () => {
  const { X, y } = datasets.rings({ dtype: "float64" });
  assertEquals([X.shape, y.shape, X.dtype], [[118, 2], [118, 1], "float64"]);
  assertEquals(y.sum().item(), 59);
  assertEquals(datasets.rings({ seed: 0, dtype: "float64" }).X.toArray(), X.toArray());
  assert(
    JSON.stringify(datasets.rings({ seed: 1 }).X.toArray()) !== JSON.stringify(X.toArray()),
    "another seed, other points",
  );
  // Mean distance from the origin, per ring.
  const radius = X.mul(X).sum(1).sqrt();
  const means = [radius.slice(0, 59).mean().item(), radius.slice(59).mean().item()];
  assertClose(means, [0.45, 0.95], 0, 0.05);
  assertEquals(datasets.rings({ n: 7, noise: 0 }).y.toArray(), [[1], [1], [1], [0], [0], [0], [0]]);
  const exact = datasets.rings({ n: 4, noise: 0, dtype: "float64" }).X;
  assertClose(exact.mul(exact).sum(1).sqrt().dataSync(), [0.45, 0.45, 0.95, 0.95], 1e-12);
});

Deno.test("rings: bad options", () => {
  for (
    const [options, part] of [[{ n: 1 }, "found 1"], [{ n: 2.5 }, "found 2.5"], [
      { noise: -1 },
      "noise",
    ]] as const
  ) {
    let message = "";
    try {
      datasets.rings(options);
    } catch (e) {
      message = (e as Error).message;
    }
    assert(message.includes(part), `rings(${JSON.stringify(options)}): "${message}"`);
  }
});
