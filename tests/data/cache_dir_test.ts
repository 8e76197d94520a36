/** Where the cache lives on each system, and the progress bar's text. */

import { cacheDir } from "../../mod.ts";
import { defaultCacheDir } from "../../lib/data/cache_dir.ts";
import { formatBytes, formatProgress } from "../../lib/data/progress.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { withEnv } from "./helpers.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("defaultCacheDir: each system's user cache directory plus handson-nn", () => {
  const home = { HOME: "/home/ada" };
  assertEquals(defaultCacheDir("linux", env(home)), "/home/ada/.cache/handson-nn");
  assertEquals(
    defaultCacheDir("linux", env({ ...home, XDG_CACHE_HOME: "/var/cache/ada" })),
    "/var/cache/ada/handson-nn",
  );
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored.
  assertEquals(
    defaultCacheDir("linux", env({ ...home, XDG_CACHE_HOME: "cache" })),
    "/home/ada/.cache/handson-nn",
  );
  assertEquals(defaultCacheDir("freebsd", env(home)), "/home/ada/.cache/handson-nn");
  assertEquals(
    defaultCacheDir("darwin", env({ ...home, XDG_CACHE_HOME: "/x" })),
    "/home/ada/Library/Caches/handson-nn",
  );
  assertEquals(
    defaultCacheDir("windows", env({ LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" })),
    "C:\\Users\\ada\\AppData\\Local\\handson-nn",
  );
  assertEquals(
    defaultCacheDir("windows", env({ USERPROFILE: "C:\\Users\\ada" })),
    "C:\\Users\\ada\\AppData\\Local\\handson-nn",
  );
  // No home: no folder of this user's own (a shared /tmp/handson-nn could hold anyone's files).
  assertThrows(
    () => defaultCacheDir("linux", env({ TMPDIR: "/tmp" })),
    RangeError,
    "HOME is not set; set NN_CACHE_DIR to an absolute path",
  );
});

Deno.test("cacheDir: NN_CACHE_DIR wins; without it, the system default", async () => {
  await withEnv("NN_CACHE_DIR", "/srv/nn-cache", () => assertEquals(cacheDir(), "/srv/nn-cache"));
  await withEnv(
    "NN_CACHE_DIR",
    undefined,
    () =>
      assertEquals(cacheDir(), defaultCacheDir(Deno.build.os, (n) => Deno.env.get(n) || undefined)),
  );
});

Deno.test("progress bar text", () => {
  assertEquals(formatBytes(999), "999 B");
  assertEquals(formatBytes(9_912_422), "9.9 MB");
  assertEquals(
    formatProgress("train-images-idx3-ubyte.gz", 4_956_211, 9_912_422, 20),
    "train-images-idx3-ubyte.gz [##########----------]  50% 5.0/9.9 MB",
  );
  assertEquals(formatProgress("f", 3000, 0, 10), "f 3.0 kB");
});

Deno.test("cacheDir: NN_CACHE_DIR must be absolute; a quoted ~ is named", async () => {
  await withEnv("NN_CACHE_DIR", "~/cache", () =>
    assertThrows(
      () => cacheDir(),
      RangeError,
      'NN_CACHE_DIR: expected an absolute path, found "~/cache" (a shell expands ~ only outside ' +
        "quotes: write $HOME instead)",
    ));
  await withEnv(
    "NN_CACHE_DIR",
    "cache",
    () => assertThrows(() => cacheDir(), RangeError, 'expected an absolute path, found "cache"'),
  );
});
