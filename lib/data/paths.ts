/**
 * File paths, as `node:path` and `node:url` make them (`join`, `dirname`,
 * `basename`, `isAbsolute`, `fileURLToPath`), for POSIX systems and for
 * Windows, written out here.
 *
 * Why not `node:path`: loading Deno's `node:path` and `node:url` took 15 ms of
 * every script's start (a script of one line that imports them: 17 ms to its
 * first line, against 3 without), more than reading the Part4-2 data. The
 * loaders need five small functions; `tests/data/paths_test.ts` checks them
 * against `node:path` and `node:url` on some thousands of paths of each kind.
 *
 * @module
 */

import { hostOs } from "../host.ts";

/** One system's way with paths. */
export interface PathFlavour {
  /** The separator `join` writes: `/`, or `\` on Windows. */
  readonly sep: string;
  /** The parts joined with the separator, then normalised (`.`/`..` resolved). */
  join(...parts: string[]): string;
  /** The path without its last part (`.` when there is none). */
  dirname(path: string): string;
  /** The last part of the path (trailing separators ignored). */
  basename(path: string): string;
  /** Whether the path starts at a root. */
  isAbsolute(path: string): boolean;
}

const SLASH = 47, BACKSLASH = 92, COLON = 58;

const isSlash = (code: number) => code === SLASH;
const isEitherSlash = (code: number) => code === SLASH || code === BACKSLASH;
/** A drive letter, A to Z in either case. */
const isDriveLetter = (code: number) => (code | 0x20) >= 97 && (code | 0x20) <= 122;

/**
 * The parts of `path` with `.` and empty parts dropped and each `..` taking
 * away the part before it (or kept, at the start of a relative path), joined
 * with `sep`.
 */
function resolveDots(
  path: string,
  aboveRoot: boolean,
  sep: string,
  isSep: (code: number) => boolean,
): string {
  const kept: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && !isSep(path.charCodeAt(i))) continue;
    const part = path.slice(start, i);
    start = i + 1;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (kept.length > 0 && kept[kept.length - 1] !== "..") kept.pop();
      else if (aboveRoot) kept.push("..");
    } else kept.push(part);
  }
  return kept.join(sep);
}

/**
 * The index of the separator that ends a path's folder part, searching back to
 * `from`: the last separator before the last part (trailing separators are
 * not it); -1 when there is none.
 */
function lastSeparator(path: string, from: number, isSep: (code: number) => boolean): number {
  let partSeen = false;
  for (let i = path.length - 1; i >= from; i--) {
    if (isSep(path.charCodeAt(i))) {
      if (partSeen) return i;
    } else partSeen = true;
  }
  return -1;
}

/** The index where a path's last part starts and the one after it ends (trailing separators skipped). */
function lastPart(path: string, from: number, isSep: (code: number) => boolean): [number, number] {
  let end = path.length;
  while (end > from && isSep(path.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > from && !isSep(path.charCodeAt(start - 1))) start--;
  return [start, end];
}

/**
 * POSIX paths (Linux, macOS).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { posix } from "./paths.ts";
 * assert.equal(posix.join("/data", "mnist/", "../ex2data2.txt"), "/data/ex2data2.txt");
 * assert.equal(posix.dirname("/data/ex2data2.txt"), "/data");
 * assert.equal(posix.basename("/data/mnist/"), "mnist");
 * ```
 */
export const posix: PathFlavour = {
  sep: "/",
  join(...parts) {
    const joined = parts.filter((p) => p.length > 0).join("/");
    if (joined.length === 0) return ".";
    const absolute = isSlash(joined.charCodeAt(0));
    const trailing = isSlash(joined.charCodeAt(joined.length - 1));
    const body = resolveDots(joined, !absolute, "/", isSlash);
    if (body.length === 0) return absolute ? "/" : trailing ? "./" : ".";
    return (absolute ? "/" : "") + body + (trailing ? "/" : "");
  },
  dirname(path) {
    if (path.length === 0) return ".";
    const rooted = isSlash(path.charCodeAt(0));
    const cut = lastSeparator(path, 1, isSlash);
    if (cut === -1) return rooted ? "/" : ".";
    if (rooted && cut === 1) return "//";
    return path.slice(0, cut);
  },
  basename(path) {
    const [start, end] = lastPart(path, 0, isSlash);
    return path.slice(start, end);
  },
  isAbsolute(path) {
    return isSlash(path.charCodeAt(0));
  },
};

/**
 * Where a Windows path's root ends, and the root as `join` writes it:
 * `C:` (drive), `C:\` (drive and separator), `\` (separator), or
 * `\\server\share` (UNC, whose separators may be either slash).
 */
function windowsRoot(
  path: string,
  devices = false,
): { end: number; root: string; absolute: boolean } {
  const len = path.length;
  const code = path.charCodeAt(0);
  if (isEitherSlash(code)) {
    if (len > 1 && isEitherSlash(path.charCodeAt(1))) {
      // \\server\share: a server name, separators, then a share name.
      let j = 2;
      while (j < len && !isEitherSlash(path.charCodeAt(j))) j++;
      if (j < len && j > 2) {
        const server = path.slice(2, j);
        while (j < len && isEitherSlash(path.charCodeAt(j))) j++;
        const shareStart = j;
        // `\\.\x` and `\\?\x` are device paths: the root is their first four characters.
        if (devices && shareStart < len && (server === "." || server === "?")) {
          return { end: 4, root: `\\\\${server}`, absolute: true };
        }
        while (j < len && !isEitherSlash(path.charCodeAt(j))) j++;
        if (shareStart < len && j > shareStart) {
          return { end: j, root: `\\\\${server}\\${path.slice(shareStart, j)}`, absolute: true };
        }
      }
      return { end: 0, root: "", absolute: true };
    }
    return { end: 1, root: "", absolute: true };
  }
  if (len > 1 && isDriveLetter(code) && path.charCodeAt(1) === COLON) {
    const absolute = len > 2 && isEitherSlash(path.charCodeAt(2));
    return { end: absolute ? 3 : 2, root: path.slice(0, 2), absolute };
  }
  return { end: 0, root: "", absolute: false };
}

/**
 * Whether a relative Windows path's normalised `tail` could be read as one on
 * a drive: it starts with a drive letter and colon, or the path has a colon
 * that ends a part (`a\C:\x`).
 */
function mightLookRooted(path: string, tail: string): boolean {
  if (tail.length >= 2 && isDriveLetter(tail.charCodeAt(0)) && tail.charCodeAt(1) === COLON) {
    return true;
  }
  for (let i = path.indexOf(":"); i !== -1; i = path.indexOf(":", i + 1)) {
    if (i === path.length - 1 || isEitherSlash(path.charCodeAt(i + 1))) return true;
  }
  return false;
}

/** A Windows path normalised: one backslash between parts, `.` and `..` resolved. */
function normalizeWindows(path: string): string {
  if (path.length === 0) return ".";
  if (path.length === 1) return isSlash(path.charCodeAt(0)) ? "\\" : path;
  const { end, root, absolute } = windowsRoot(path, true);
  const unc = root.startsWith("\\\\") && end > 4;
  if (unc && end === path.length) return `${root}\\`;
  let tail = end < path.length ? resolveDots(path.slice(end), !absolute, "\\", isEitherSlash) : "";
  if (tail.length === 0 && !absolute) tail = ".";
  if (tail.length > 0 && isEitherSlash(path.charCodeAt(path.length - 1))) tail += "\\";
  if (root === "" && !absolute && path.includes(":") && mightLookRooted(path, tail)) {
    // `..\C:\x` must not come out as `C:\x`, which Windows reads as a drive (as Node, CVE-2024-36139).
    return `.\\${tail}`;
  }
  if (root === "") return absolute ? `\\${tail}` : tail;
  return absolute ? `${root}\\${tail}` : `${root}${tail}`;
}

/**
 * Windows paths: either slash separates, `\` is written; roots `C:`, `C:\`,
 * `\` and `\\server\share`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { win32 } from "./paths.ts";
 * assert.equal(win32.join("C:\\Users\\ada", "AppData/Local"), "C:\\Users\\ada\\AppData\\Local");
 * assert.equal(win32.dirname("\\\\server\\share\\x.txt"), "\\\\server\\share\\");
 * assert.equal(win32.isAbsolute("C:data"), false); // relative to drive C's current folder
 * ```
 */
export const win32: PathFlavour = {
  sep: "\\",
  join(...parts) {
    const given = parts.filter((p) => p.length > 0);
    if (given.length === 0) return ".";
    let joined = given.join("\\");
    // Two leading separators mean a UNC root only if the first part says so
    // (`\\server…`); otherwise they are squeezed to one, not taken for one.
    const first = given[0];
    const uncFirst = first.length > 2 && isEitherSlash(first.charCodeAt(0)) &&
      isEitherSlash(first.charCodeAt(1)) && !isEitherSlash(first.charCodeAt(2));
    if (!uncFirst) {
      let slashes = 0;
      while (slashes < joined.length && isEitherSlash(joined.charCodeAt(slashes))) slashes++;
      if (slashes >= 2) joined = `\\${joined.slice(slashes)}`;
    }
    return normalizeWindows(joined);
  },
  dirname(path) {
    const len = path.length;
    if (len === 0) return ".";
    if (len === 1) return isEitherSlash(path.charCodeAt(0)) ? path : ".";
    const { end, root } = windowsRoot(path);
    const unc = root.startsWith("\\\\");
    if (unc && end === len) return path; // a UNC root alone
    // The root (with the separator after a UNC share, or a leading separator) always stays.
    const rootEnd = unc ? end + 1 : root === "" && isEitherSlash(path.charCodeAt(0)) ? 1 : end;
    const cut = lastSeparator(path, rootEnd, isEitherSlash);
    if (cut !== -1) return path.slice(0, cut);
    return rootEnd === 0 ? "." : path.slice(0, rootEnd);
  },
  basename(path) {
    const from = path.length >= 2 && isDriveLetter(path.charCodeAt(0)) &&
        path.charCodeAt(1) === COLON
      ? 2
      : 0;
    const [start, end] = lastPart(path, from, isEitherSlash);
    return path.slice(start, end);
  },
  isAbsolute(path) {
    const code = path.charCodeAt(0);
    return isEitherSlash(code) ||
      (path.length > 2 && isDriveLetter(code) && path.charCodeAt(1) === COLON &&
        isEitherSlash(path.charCodeAt(2)));
  },
};

/** This system's paths: Windows' on Windows, POSIX elsewhere. */
const host: PathFlavour = hostOs() === "windows" ? win32 : posix;

/**
 * The parts joined into one path, this system's way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "./paths.ts";
 * if (Deno.build.os !== "windows") assert.equal(join("data", "./ex2data2.txt"), "data/ex2data2.txt");
 * ```
 */
export function join(...parts: string[]): string {
  return host.join(...parts);
}

/**
 * The folder part of `path`, this system's way (see {@linkcode PathFlavour.dirname}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirname } from "./paths.ts";
 * if (Deno.build.os !== "windows") assert.equal(dirname("/data/ex2data2.txt"), "/data");
 * ```
 */
export function dirname(path: string): string {
  return host.dirname(path);
}

/**
 * The last part of `path`, this system's way (see {@linkcode PathFlavour.basename}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { basename } from "./paths.ts";
 * if (Deno.build.os !== "windows") assert.equal(basename("/data/mnist/"), "mnist");
 * ```
 */
export function basename(path: string): string {
  return host.basename(path);
}

/**
 * The file path a `file:` URL names, this system's way: percent-escapes
 * decoded, and on Windows a drive letter or a UNC server. A TypeError names
 * the URL when it is not a file URL, has a host (outside Windows), encodes a
 * separator, or (on Windows) is not absolute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileURLToPath } from "./paths.ts";
 * if (Deno.build.os !== "windows") {
 *   assert.equal(fileURLToPath("file:///data/my%20data.txt"), "/data/my data.txt");
 * }
 * ```
 */
export function fileURLToPath(url: string | URL, windows = hostOs() === "windows"): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  if (parsed.protocol !== "file:") {
    throw new TypeError(`expected a file: URL, found "${parsed.href}"`);
  }
  const pathname = parsed.pathname;
  const encodedSeparator = windows ? /%2f|%5c/i : /%2f/i;
  if (encodedSeparator.test(pathname)) {
    throw new TypeError(
      `expected a file URL without encoded path separators, found "${parsed.href}"`,
    );
  }
  if (!windows) {
    if (parsed.hostname !== "") {
      throw new TypeError(`expected a file URL without a host, found "${parsed.href}"`);
    }
    return decodeURIComponent(pathname);
  }
  const path = decodeURIComponent(pathname.replaceAll("/", "\\"));
  if (parsed.hostname !== "") return `\\\\${parsed.hostname}${path}`;
  if (!(isDriveLetter(path.charCodeAt(1)) && path.charCodeAt(2) === COLON)) {
    throw new TypeError(`expected a file URL with a drive letter, found "${parsed.href}"`);
  }
  return path.slice(1);
}
