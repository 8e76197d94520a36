/**
 * A cached copy that does not parse (an HTML error page served with 200 OK
 * for a URL with no checksum) is removed, and the error names it, so that the
 * next run downloads the file again; a file the user named is never removed.
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { DataFormatError, datasetManifest, datasets, DownloadError } from "../../mod.ts";
import { loadMicrochips } from "../../lib/train/microchips.ts";
import { EX2DATA2_TEXT } from "../datasets.ts";
import { assert, assertEquals } from "../assert.ts";
import { assertRejects, withEnv, withServer, withTempDir } from "./helpers.ts";

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await filesUnder(path));
    else found.push(path);
  }
  return found;
}

const HTML = "<!doctype html>\n<html><body>Service unavailable</body></html>\n";

Deno.test("a downloaded file that does not parse is removed from the cache, and the next run fetches it again", async () => {
  await withTempDir((cacheDir) =>
    withServer({
      // The first answer is an error page with 200 OK; the second the real file.
      "/ex2data2.txt": (_, hit) => new Response(hit === 1 ? HTML : EX2DATA2_TEXT),
    }, async (server) => {
      const url = `${server.base}/ex2data2.txt`;
      const error = await assertRejects(datasets.ex2data2({ url, cacheDir }), DataFormatError);
      assert(error.message.includes("it has been removed"), error.message);
      const cached = error.message.match(/the cached copy (\S+);/)?.[1];
      assert(cached !== undefined && cached.startsWith(cacheDir), error.message);
      assertEquals(await filesUnder(cacheDir), []);
      const { X } = await datasets.ex2data2({ url, cacheDir });
      assertEquals(X.shape, [118, 2]);
      assertEquals(server.hits.get("/ex2data2.txt"), 2);
    })
  );
});

Deno.test("a file of the user's that does not parse is left where it is", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "mine.txt");
    await Deno.writeTextFile(path, HTML);
    const error = await assertRejects(
      datasets.ex2data2({ url: path, cacheDir: dir }),
      DataFormatError,
    );
    assert(!error.message.includes("removed"), error.message);
    assertEquals(await Deno.readTextFile(path), HTML);
  });
});

Deno.test("a wrong ex2data2.txt in NN_DATA_DIR stops the run naming it and both checksums, not the offline rings", async () => {
  await withTempDir(async (dir) => {
    const copy = join(dir, "ex2data2.txt");
    // The real file with one label flipped: the right shape, the wrong data.
    await Deno.writeTextFile(copy, EX2DATA2_TEXT.replace(/,1\n/, ",0\n"));
    const found = createHash("sha256").update(await Deno.readFile(copy)).digest("hex");
    const load = () => loadMicrochips({ dtype: "float64", offlineFallback: true });
    const e = await withEnv(
      "NN_DATA_DIR",
      dir,
      () =>
        withEnv("NN_CACHE_DIR", join(dir, "cache"), () =>
          assertRejects(
            load(),
            DownloadError,
            `${copy} (in the mirror folder NN_DATA_DIR): SHA-256 mismatch: ` +
              `expected ${datasetManifest.ex2data2.sha256}, found ${found}`,
          )),
    );
    assertEquals((e as DownloadError).file, copy);
    assertEquals(await filesUnder(dir), [copy], "nothing downloaded, nothing removed");
  });
});
