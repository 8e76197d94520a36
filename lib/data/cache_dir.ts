/**
 * Where downloaded files are kept: `NN_CACHE_DIR` when set, otherwise a
 * `handson-nn` folder in the user's cache directory, as each system names it.
 *
 * @module
 */

import { posix, win32 } from "node:path";
import { envVar, hostOs } from "../host.ts";

/** The folder name under the user's cache directory. */
const APP = "handson-nn";

/**
 * The default cache folder for operating system `os`, reading environment
 * variables through `env`: `$XDG_CACHE_HOME` or `~/.cache` on Linux and other
 * Unix systems, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, each
 * with `/handson-nn` added. With no home folder either, a folder under the
 * system's temporary directory.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCacheDir } from "./cache_dir.ts";
 * const env = (name: string) => ({ HOME: "/home/ada" } as Record<string, string>)[name];
 * assert.equal(defaultCacheDir("linux", env), "/home/ada/.cache/handson-nn");
 * assert.equal(defaultCacheDir("darwin", env), "/home/ada/Library/Caches/handson-nn");
 * ```
 */
export function defaultCacheDir(os: string, env: (name: string) => string | undefined): string {
  if (os === "windows") {
    const base = env("LOCALAPPDATA") ??
      (env("USERPROFILE") ? win32.join(env("USERPROFILE")!, "AppData", "Local") : undefined);
    return win32.join(base ?? env("TEMP") ?? env("TMP") ?? "C:\\Windows\\Temp", APP);
  }
  const home = env("HOME");
  if (os === "darwin" && home) return posix.join(home, "Library", "Caches", APP);
  const xdg = env("XDG_CACHE_HOME");
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (xdg && posix.isAbsolute(xdg)) return posix.join(xdg, APP);
  if (home) return posix.join(home, ".cache", APP);
  return posix.join(env("TMPDIR") ?? "/tmp", APP);
}

/**
 * The folder where `download` keeps its files: `NN_CACHE_DIR` when it is set,
 * otherwise the user's cache directory plus `/handson-nn` (see
 * {@linkcode defaultCacheDir}). The folder is not created here.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheDir } from "@handson/nn";
 * const saved = Deno.env.get("NN_CACHE_DIR");
 * Deno.env.set("NN_CACHE_DIR", "/tmp/my-cache");
 * assert.equal(cacheDir(), "/tmp/my-cache");
 * if (saved === undefined) Deno.env.delete("NN_CACHE_DIR");
 * else Deno.env.set("NN_CACHE_DIR", saved);
 * ```
 */
export function cacheDir(): string {
  return envVar("NN_CACHE_DIR") ?? defaultCacheDir(hostOs(), envVar);
}
