/**
 * Where downloaded files are kept: `NN_CACHE_DIR` when set, otherwise a
 * `handson-nn` folder in the user's cache directory, as each system names it.
 *
 * @module
 */

import { posix, win32 } from "./paths.ts";
import { envVar, hostOs } from "../host.ts";

/** The folder name under the user's cache directory. */
const APP = "handson-nn";

/**
 * The default cache folder for operating system `os`, reading environment
 * variables through `env`: `$XDG_CACHE_HOME` or `~/.cache` on Linux and other
 * Unix systems, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, each
 * with `/handson-nn` added. With no home folder (and no `XDG_CACHE_HOME`) there is
 * no folder that belongs to this user alone (a shared temporary folder could
 * hold anyone's files), so it is a `RangeError` asking for `NN_CACHE_DIR`.
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
  throw new RangeError(
    "the download cache needs a folder of its own: HOME is not set; set NN_CACHE_DIR to an " +
      "absolute path (or HOME)",
  );
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
  const chosen = envVar("NN_CACHE_DIR");
  if (chosen === undefined) {
    const deno = (globalThis as { Deno?: typeof Deno }).Deno;
    const home = hostOs() === "windows" ? "LOCALAPPDATA" : "HOME";
    if (deno && deno.permissions.querySync({ name: "env", variable: home }).state !== "granted") {
      // Not that there is no home: that we may not look. Say so as Deno says it.
      throw new deno.errors.NotCapable(
        `Requires env access to "${home}" (to find the download cache, or set NN_CACHE_DIR), ` +
          "run again with the --allow-env flag",
      );
    }
    return defaultCacheDir(hostOs(), envVar);
  }
  const absolute = hostOs() === "windows" ? win32.isAbsolute(chosen) : posix.isAbsolute(chosen);
  if (!absolute) {
    const tilde = chosen.startsWith("~")
      ? " (a shell expands ~ only outside quotes: write $HOME instead)"
      : "";
    throw new RangeError(`NN_CACHE_DIR: expected an absolute path, found "${chosen}"${tilde}`);
  }
  return chosen;
}
