/**
 * What a "URL" handed to the downloader really is: an `http(s)://` address to
 * fetch, or a local file given as a `file://` URL or a plain path.
 *
 * @module
 */

import { basename, fileURLToPath } from "./paths.ts";

/** A place a file can come from. */
export type Source =
  | { kind: "http"; url: string; name: string }
  | { kind: "file"; path: string; name: string };

/** A scheme such as `https:`; one letter followed by `:` is a Windows drive, not a scheme. */
const SCHEME = /^([a-zA-Z][a-zA-Z\d+.-]+):/;

/**
 * Classifies `source`: `http:`/`https:` URLs are fetched; `file:` URLs and
 * plain paths are local files. `name` is the URL's last path part (decoded) or
 * the file's base name: the name the file gets in the cache and is looked up
 * under in the `NN_DATA_DIR` mirror folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSource } from "./source.ts";
 * assert.deepEqual(parseSource("https://example.org/data/ex2data2.txt?raw=1"), {
 *   kind: "http",
 *   url: "https://example.org/data/ex2data2.txt?raw=1",
 *   name: "ex2data2.txt",
 * });
 * assert.deepEqual(parseSource("file:///tmp/a%20b.csv"), {
 *   kind: "file",
 *   path: "/tmp/a b.csv",
 *   name: "a b.csv",
 * });
 * assert.equal(parseSource("data/model.json").kind, "file");
 * ```
 */
export function parseSource(source: string | URL): Source {
  const text = source instanceof URL ? source.href : source;
  if (typeof text !== "string" || text === "") {
    throw new TypeError(`download: expected a URL or a file path, found ${JSON.stringify(text)}`);
  }
  const scheme = SCHEME.exec(text)?.[1].toLowerCase();
  if (scheme === "http" || scheme === "https") {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new TypeError(`download: ${JSON.stringify(text)} is not a valid URL`);
    }
    const last = url.pathname.split("/").pop() ?? "";
    return { kind: "http", url: url.href, name: safeDecode(last) };
  }
  if (scheme === "file") {
    const path = fileURLToPath(text);
    return { kind: "file", path, name: basename(path) };
  }
  if (scheme !== undefined) {
    throw new TypeError(
      `download: ${JSON.stringify(text)} has the scheme "${scheme}:", expected http:, https:, ` +
        `file: or a plain path`,
    );
  }
  return { kind: "file", path: text, name: basename(text) };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Checks that `name` can be a file name inside the cache (one path part, not
 * `.` or `..`): a URL ending in `/` or in an encoded `..%2F` must not write
 * elsewhere. `what` says where the name came from, for the message.
 */
export function checkFileName(name: string, what: string): string {
  if (name === "" || name === "." || name === ".." || /[/\\]/.test(name)) {
    throw new RangeError(
      `download: ${what} gives no usable file name (found ${JSON.stringify(name)}); ` +
        `pass options.fileName`,
    );
  }
  return name;
}

/**
 * Checks a subfolder name (such as `mnist`): relative, one or more plain path
 * parts, none of them `.` or `..`.
 */
export function checkSubdir(subdir: string): string {
  const parts = subdir.split(/[/\\]/);
  if (subdir === "" || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new RangeError(
      `download: expected options.subdir to be a relative folder such as "mnist", ` +
        `found ${JSON.stringify(subdir)}`,
    );
  }
  return subdir;
}
