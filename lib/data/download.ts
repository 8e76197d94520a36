/**
 * `download`: a file from a URL, kept in a cache folder. The local mirror
 * folder `NN_DATA_DIR` is looked at first, then the cache, then each URL in
 * turn; a download streams into a temporary file, is checked against its
 * checksum, and only then is renamed into the cache, so a failed or
 * interrupted download never leaves a file there. A connection that breaks
 * mid-way is resumed where it stopped (an HTTP `Range` request) when the
 * server allows it.
 *
 * @module
 */

import { dirname, join } from "./paths.ts";
import { DownloadError } from "../errors.ts";
import { cacheDir } from "./cache_dir.ts";
import { checkChecksum, type Checksum, fileChecksumMismatch, sha256Hex } from "./checksum.ts";
import {
  isFile,
  isFolder,
  removeEmptyFolders,
  removeIfExists,
  tempPathFor,
  writeAll,
} from "./files.ts";
import { envVar, stderrIsTerminal, writeStderr } from "../host.ts";
import { progressBar } from "./progress.ts";
import { checkFileName, checkSubdir, parseSource, type Source } from "./source.ts";

/**
 * Options for {@linkcode download}.
 *
 * Chapter: the exercises' data.
 */
export interface DownloadOptions extends Checksum {
  /**
   * The file's name in the cache and in the mirror folder (default: the first
   * URL's last path part).
   */
  fileName?: string;
  /**
   * A subfolder for the file, such as `"mnist"`: the cache keeps it in
   * `CACHE/mnist/`, and the mirror folder is searched in `NN_DATA_DIR/mnist/`
   * before `NN_DATA_DIR/` itself. Keeps apart files with the same name from
   * different data sets (MNIST and Fashion-MNIST).
   */
  subdir?: string;
  /** The cache folder (default: {@linkcode cacheDir}, that is `NN_CACHE_DIR` or the user's). */
  cacheDir?: string;
  /** The local mirror folder tried first (default: `NN_DATA_DIR`; `null`: none). */
  dataDir?: string | null;
  /** How many times to retry a URL after a network error, a time-out or HTTP 5xx (default 3). */
  retries?: number;
  /** The wait before the first retry in ms, doubled for each further one (default 500). */
  backoffMs?: number;
  /**
   * Give up on an attempt when no data has arrived for this many ms (default
   * 30 000); the attempt is then retried like a network error.
   */
  timeoutMs?: number;
  /**
   * The most bytes to take (default 512 MiB, past the largest data set here):
   * a file announced or found larger is refused at once, without retrying,
   * instead of filling the disk or memory.
   */
  maxBytes?: number;
  /**
   * The slowest average rate, in bytes per second, that an attempt may keep up
   * once it has run for `timeoutMs` (default 1024): a server that drips one
   * byte every few seconds never trips the time-out between bytes, but trips this.
   */
  minBytesPerSecond?: number;
  /** Draw a progress bar on stderr (default: only when stderr is a terminal). */
  progress?: boolean;
  /** Cancels the download; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A failed attempt: its one-phrase reason, and whether trying the same URL again may help. */
class Failure extends Error {
  constructor(message: string, readonly retryable: boolean, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The part of a file that an attempt left behind, for the next attempt to
 * continue with a `Range` request: the temporary file, how many bytes it
 * holds, the full size, and the validator (`ETag` or `Last-Modified`) that
 * tells the server which version of the file the bytes belong to.
 */
interface PartialFile {
  temp: string;
  received: number;
  total: number;
  validator: string | undefined;
}

/**
 * Downloads `url` (or the first of several mirror URLs that works) into the
 * cache and returns the local path of the file.
 *
 * In order, the first that has the file wins:
 * 1. for an `http(s)` URL, the mirror folder `NN_DATA_DIR` (in its `subdir`,
 *    then at its top), by the URL's last path part;
 * 2. the cache folder (`NN_CACHE_DIR`, or the user's cache directory plus
 *    `/handson-nn`): a file with a checksum under its name, one without
 *    under its URL (`by-url/HASH/name`), so that another URL ending in the
 *    same name never gets this file;
 * 3. each URL in turn, with `retries` retries and a doubling back-off on
 *    network errors, time-outs and HTTP 5xx, a broken transfer resumed with
 *    a `Range` request where the server allows it. A `file://` URL or a plain path
 *    is returned as it is, if the file exists.
 *
 * A checksum (`sha256`, or `md5` where only that is published) is checked
 * before a downloaded file enters the cache, and for copies found in the
 * mirror folder or the cache. When every source fails, a `DownloadError` names
 * each URL with its HTTP status or cause.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { download } from "@handson/nn";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "1,2\n");
 * // A local path (or file:// URL) is checked and returned as it is.
 * assert.equal(
 *   await download(path, { sha256: "52186c933993da4082b3cdc7c40bb4bf735b391ff54a2ef78c037dda6c38a680" }),
 *   path,
 * );
 * await Deno.remove(path);
 * ```
 */
export async function download(
  url: string | URL | readonly (string | URL)[],
  options: DownloadOptions = {},
): Promise<string> {
  return (await locate(url, options)).path;
}

/**
 * Where a file was found: the path to read, and where it came from.
 *
 * Chapter: the exercises' data.
 */
export interface Located {
  /** The local path of the file. */
  path: string;
  /**
   * `"path"`: the plain path or `file://` URL given; `"NN_DATA_DIR"`: the
   * mirror folder; `"cache"`: the cache folder; `"url"`: downloaded just now.
   */
  from: "path" | "NN_DATA_DIR" | "cache" | "url";
  /** For `"url"`, the URL it was downloaded from; for `"cache"`, the URL it was kept for, if one. */
  url?: string;
}

/**
 * {@linkcode download}, telling where the file came from: the path given, the
 * mirror folder `NN_DATA_DIR`, the cache, or which URL (for a script to print
 * where its data really came from; {@linkcode describeLocated} words it).
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locate } from "./download.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * assert.deepEqual(await locate(path), { path, from: "path" });
 * await Deno.remove(path);
 * ```
 */
export async function locate(
  url: string | URL | readonly (string | URL)[],
  options: DownloadOptions = {},
): Promise<Located> {
  const sources = (Array.isArray(url) ? url : [url]).map(parseSource);
  if (sources.length === 0) throw new TypeError("download: expected at least one URL, found none");
  checkChecksum(options, "download");
  const name = checkFileName(
    options.fileName ?? sources[0].name,
    JSON.stringify(sourceText(sources[0])),
  );
  const subdir = options.subdir === undefined ? undefined : checkSubdir(options.subdir);
  const root = options.cacheDir ?? cacheDir();
  if (sources.some((s) => s.kind === "http")) await checkCacheRoot(root, options);
  const dest = await cachePath(root, subdir, name, sources, options);
  const checked = options.sha256 !== undefined || options.md5 !== undefined;

  const failures: string[] = [];
  let lastError: Error | undefined;
  let lookedLocally = false;
  for (const source of sources) {
    if (source.kind === "file") {
      const failure = await checkLocal(source.path, options);
      if (failure === undefined) return { path: source.path, from: "path" };
      failures.push(`${source.path}: ${failure}`);
      continue;
    }
    if (!lookedLocally) {
      lookedLocally = true;
      const found = await findLocal(name, subdir, dest, options);
      if (found !== undefined) {
        // A file without a checksum is cached under its first URL (see cachePath).
        if (found.from === "cache" && !checked) {
          found.url = sourceText(sources.find((s) => s.kind === "http")!);
        }
        return found;
      }
    }
    try {
      await fetchWithRetries(source.url, dest, name, options);
      return { path: dest, from: "url", url: source.url };
    } catch (e) {
      if (!(e instanceof Failure)) {
        await removeEmptyFolders(dest, root);
        throw e;
      }
      failures.push(`${withoutPassword(source.url)}: ${e.message}`);
      lastError = e;
    }
  }
  await removeEmptyFolders(dest, root);
  // A local file that is not there was never a download: say only what is wrong with it.
  const message = failures.length === 1
    ? sources[0].kind === "file" ? failures[0] : `download of ${name} failed: ${failures[0]}`
    : `download of ${name} failed from all ${failures.length} sources: ${failures.join("; ")}`;
  throw new DownloadError(message, { cause: lastError?.cause ?? lastError });
}

/**
 * Where a located file came from, in words, after its path: `PATH (from
 * NN_DATA_DIR)`, `PATH (from the cache)`, `PATH (downloaded from URL)`.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeLocated } from "./download.ts";
 * assert.equal(
 *   describeLocated({ path: "/c/a.txt", from: "url", url: "https://x.org/a.txt" }),
 *   "/c/a.txt (downloaded from https://x.org/a.txt)",
 * );
 * assert.equal(describeLocated({ path: "/d/a.txt", from: "NN_DATA_DIR" }), "/d/a.txt (from NN_DATA_DIR)");
 * ```
 */
export function describeLocated(located: Located): string {
  const { path, from, url } = located;
  switch (from) {
    case "path":
      return `${path} (the path given)`;
    case "NN_DATA_DIR":
      return `${path} (from NN_DATA_DIR)`;
    case "cache":
      return url === undefined
        ? `${path} (from the cache)`
        : `${path} (from the cache, downloaded earlier from ${withoutPassword(url)})`;
    case "url":
      return `${path} (downloaded from ${withoutPassword(url)})`;
  }
}

/**
 * The mirror folder to look in: `options.dataDir`, else `NN_DATA_DIR`, else
 * none. A folder named there that does not exist (or is a file) is a
 * `RangeError` naming the variable: a mistyped `NN_DATA_DIR` must not quietly
 * mean "no mirror folder".
 */
export async function mirrorFolder(options: DownloadOptions): Promise<string | undefined> {
  const [dir, what] = options.dataDir === undefined
    ? [envVar("NN_DATA_DIR"), "NN_DATA_DIR"]
    : [options.dataDir ?? undefined, "options.dataDir"];
  if (!dir) return undefined;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new RangeError(
      `${what}: expected the folder of the data sets, found no such folder "${dir}" ` +
        `(fix or unset ${what})`,
    );
  }
  if (!info.isDirectory) {
    throw new RangeError(
      `${what}: expected the folder of the data sets, found a file at "${dir}" ` +
        `(fix or unset ${what})`,
    );
  }
  return dir;
}

function sourceText(source: Source): string {
  return source.kind === "http" ? source.url : source.path;
}

/**
 * Where the file is kept in the cache. A file with a checksum is kept under
 * its name (`CACHE/[subdir/]name`): its checksum is checked on every use, so
 * mirrors of the same file share one entry. A file without one is kept under
 * its first URL (`CACHE/[subdir/]by-url/HASH/name`, HASH the first 12 hex
 * digits of the URL's SHA-256): two different URLs that end in the same name
 * (the book's `ex2data2.txt` and a reader's own) must not stand in for each other.
 */
async function cachePath(
  root: string,
  subdir: string | undefined,
  name: string,
  sources: readonly Source[],
  checksum: Checksum,
): Promise<string> {
  const folder = subdir ? join(root, subdir) : root;
  if (checksum.sha256 !== undefined || checksum.md5 !== undefined) return join(folder, name);
  const first = sources.find((s) => s.kind === "http");
  const key = await sha256Hex(new TextEncoder().encode(first ? sourceText(first) : name));
  return join(folder, "by-url", key.slice(0, 12), name);
}

/** Why the local file at `path` cannot be used, or `undefined` when it can. */
async function checkLocal(path: string, checksum: Checksum): Promise<string | undefined> {
  if (!(await isFile(path))) {
    if (await isFolder(path)) return "expected a file, found a folder";
    // A pipe (`--data <(gunzip -c file.gz)`, `/dev/stdin`) is read as a file is.
    if (!(await isPipe(path))) return "no such file";
  }
  if (checksum.sha256 === undefined && checksum.md5 === undefined) return undefined;
  return await fileChecksumMismatch(path, checksum);
}

/**
 * Throws a DownloadError naming the setting (`options.cacheDir`,
 * `NN_CACHE_DIR` or the default) when the cache folder is a file, or is under
 * one: found before any download, not as an OS error from `mkdir` after it.
 */
async function checkCacheRoot(root: string, options: DownloadOptions): Promise<void> {
  const setting = options.cacheDir !== undefined
    ? "options.cacheDir"
    : envVar("NN_CACHE_DIR")
    ? "NN_CACHE_DIR"
    : "the default cache folder";
  // The nearest part of the path that exists must be a folder (mkdir makes the rest).
  for (let path = root;; path = dirname(path)) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      const missing = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
      if (missing && dirname(path) !== path) continue;
      // Nothing found, or a folder this process may not look at (--allow-read names the cache,
      // not its parents): mkdir decides, and names what it cannot do.
      return;
    }
    if (info.isDirectory) return;
    throw new DownloadError(
      `${setting}: expected a folder for downloaded files, found a file at "${path}"` +
        (setting === "NN_CACHE_DIR" ? " (fix or unset NN_CACHE_DIR)" : ""),
    );
  }
}

/** Whether `path` is a pipe or a terminal's device: something to read once, not a file. */
async function isPipe(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFifo === true || info.isCharDevice === true;
  } catch {
    return false;
  }
}

/**
 * The mirror folder's copy or the cached copy of `name`, if there is a good
 * one. A mirror copy with a wrong checksum is an error (someone put the wrong
 * file there and should hear of it); a cached copy with a wrong checksum is
 * removed and downloaded again.
 */
async function findLocal(
  name: string,
  subdir: string | undefined,
  dest: string,
  options: DownloadOptions,
): Promise<Located | undefined> {
  const dataDir = await mirrorFolder(options);
  if (dataDir) {
    const candidates = subdir ? [join(dataDir, subdir, name), join(dataDir, name)] : [
      join(dataDir, name),
    ];
    for (const path of candidates) {
      if (!(await isFile(path))) continue;
      const failure = await checkLocal(path, options);
      if (failure !== undefined) {
        throw new DownloadError(`${path} (in the mirror folder NN_DATA_DIR): ${failure}`, {
          file: path,
        });
      }
      return { path, from: "NN_DATA_DIR" };
    }
  }
  if (await isFile(dest)) {
    if ((await checkLocal(dest, options)) === undefined) return { path: dest, from: "cache" };
    await removeIfExists(dest);
  }
  return undefined;
}

/**
 * Fetches `url` into `dest`, retrying with a doubling back-off when that may
 * help, and continuing a broken transfer where it stopped when it can.
 */
async function fetchWithRetries(
  url: string,
  dest: string,
  name: string,
  options: DownloadOptions,
): Promise<void> {
  const retries = nonNegative(options.retries ?? 3, "retries");
  const backoffMs = nonNegative(options.backoffMs ?? 500, "backoffMs");
  let partial: PartialFile | undefined;
  try {
    for (let attempt = 0;; attempt++) {
      try {
        await fetchOnce(url, dest, name, options, partial);
        partial = undefined; // renamed into place
        return;
      } catch (e) {
        // fetchOnce removed its temporary file unless it handed it over to continue from.
        partial = e instanceof Interrupted ? e.partial : undefined;
        const failure = e instanceof Interrupted ? e.failure : e;
        if (!(failure instanceof Failure) || !failure.retryable) throw failure;
        if (attempt === retries) {
          throw attempt === 0
            ? failure
            : new Failure(`${failure.message} (after ${attempt + 1} attempts)`, false);
        }
        await sleep(backoffMs * 2 ** attempt, options.signal);
      }
    }
  } finally {
    if (partial !== undefined) await removeIfExists(partial.temp);
  }
}

/** A retryable failure that left bytes worth continuing from. */
class Interrupted extends Error {
  constructor(readonly failure: Failure, readonly partial: PartialFile) {
    super(failure.message);
  }
}

function nonNegative(value: number, key: string): number {
  if (!(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`download: expected options.${key} >= 0, found ${value}`);
  }
  return value;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** HTTP statuses worth asking again for: time-out, too many requests, server errors. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Whether a 206 answer continues `partial`: its `Content-Range` must start
 * exactly where the bytes on disk end and give the same full size.
 */
function continues(response: Response, partial: PartialFile): boolean {
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  return range !== null && Number(range[1]) === partial.received &&
    Number(range[3]) === partial.total;
}

/**
 * One attempt: streams the response body into a temporary file beside `dest`
 * (or, continuing `partial` with a `Range` request, onto the end of its
 * temporary file), checks its length and checksum, and renames it to `dest`.
 * On a failure that may pass, the bytes received so far are kept for the next
 * attempt when the server can send the rest (`Accept-Ranges: bytes`, a known
 * size, no content encoding, and a validator or a checksum to make sure the
 * two parts belong to one file); otherwise the temporary file is removed. The
 * time-out counts from the last byte received, so a slow but steady download
 * of a large file is not cut short.
 */
async function fetchOnce(
  url: string,
  dest: string,
  name: string,
  options: DownloadOptions,
  partial: PartialFile | undefined,
): Promise<void> {
  const timeoutMs = nonNegative(options.timeoutMs ?? 30_000, "timeoutMs");
  const maxBytes = nonNegative(options.maxBytes ?? 512 * 2 ** 20, "maxBytes");
  const minRate = nonNegative(options.minBytesPerSecond ?? 1024, "minBytesPerSecond");
  const started = performance.now();
  const controller = new AbortController();
  const userSignal = options.signal;
  userSignal?.throwIfAborted();
  const onUserAbort = () => controller.abort(userSignal!.reason);
  userSignal?.addEventListener("abort", onUserAbort, { once: true });
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };

  let temp: string | undefined = partial?.temp;
  let file: Deno.FsFile | undefined;
  let bar: ReturnType<typeof progressBar> | undefined;
  // What the next attempt may continue from: the bytes already on disk, until
  // an answer starts the file afresh.
  let resumable: Omit<PartialFile, "received"> | undefined = partial;
  let received = partial?.received ?? 0;
  try {
    armTimer();
    const headers: Record<string, string> = {};
    if (partial !== undefined) {
      headers["range"] = `bytes=${partial.received}-`;
      if (partial.validator !== undefined) headers["if-range"] = partial.validator;
    }
    const response = await fetch(url, { signal: controller.signal, headers });
    if (!response.ok) {
      await response.body?.cancel();
      const status = `HTTP ${response.status}${
        response.statusText ? ` ${response.statusText}` : ""
      }`;
      throw new Failure(status, retryableStatus(response.status));
    }
    // With a Content-Encoding, fetch inflates the body and Content-Length counts
    // the compressed bytes, so the length is only known without one.
    const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
    const length = Number(response.headers.get("content-length") ?? NaN);
    let total = !encoded && Number.isFinite(length) ? length : undefined;
    if (total !== undefined && total > maxBytes) {
      await response.body?.cancel();
      throw new Failure(tooLarge(`announced as ${total} bytes`, maxBytes), false);
    }

    await Deno.mkdir(dirname(dest), { recursive: true });
    if (partial !== undefined && response.status === 206 && continues(response, partial)) {
      file = await Deno.open(partial.temp, { write: true, append: true });
      total = partial.total;
    } else {
      // A fresh start: the first attempt, or the server sent the whole file
      // (it ignored the Range, or the file changed since).
      resumable = undefined;
      received = 0;
      if (partial !== undefined) await removeIfExists(partial.temp);
      temp = undefined;
      if (response.status === 206) {
        await response.body?.cancel();
        throw new Failure(
          `HTTP 206 with Content-Range ${
            JSON.stringify(response.headers.get("content-range"))
          }, which does not continue the ${partial?.received ?? 0} bytes received`,
          true,
        );
      }
      temp = tempPathFor(dest);
      file = await Deno.open(temp, { write: true, createNew: true });
    }
    const validator = response.headers.get("etag") ?? response.headers.get("last-modified") ??
      partial?.validator ?? undefined;
    const ranges = response.status === 206 ||
      (response.headers.get("accept-ranges") ?? "").toLowerCase() === "bytes";
    const checked = options.sha256 !== undefined || options.md5 !== undefined;
    // A weak ETag cannot vouch for bytes; then only a checksum can.
    const strong = validator?.startsWith("W/") ? undefined : validator;
    resumable = ranges && total !== undefined && (strong !== undefined || checked)
      ? { temp: temp!, total, validator: strong }
      : undefined;
    if (options.progress ?? stderrIsTerminal()) bar = progressBar(name, total, writeStderr);
    if (response.body) {
      for await (const chunk of response.body) {
        armTimer();
        received += chunk.length;
        if (received > maxBytes) {
          throw new Failure(tooLarge(`past ${maxBytes} bytes`, maxBytes), false);
        }
        await writeAll(file, chunk);
        bar?.update(received);
        const seconds = (performance.now() - started) / 1000;
        if (seconds * 1000 > timeoutMs && received / seconds < minRate) {
          throw new Failure(
            `${received} bytes in ${seconds.toFixed(1)} s, slower than ${minRate} bytes/s ` +
              "(options.minBytesPerSecond sets the least rate)",
            true,
          );
        }
      }
    }
    file.close();
    file = undefined;
    if (total !== undefined && received !== total) {
      throw new Failure(`connection closed after ${received} of ${total} bytes`, true);
    }
    clearTimeout(timer);
    const mismatch = await fileChecksumMismatch(temp!, options);
    if (mismatch !== undefined) throw new Failure(mismatch, false);
    await Deno.rename(temp!, dest);
    temp = undefined;
  } catch (e) {
    if (userSignal?.aborted) throw userSignal.reason;
    const failure = asFailure(e, timedOut ? timeoutMs : undefined);
    if (
      failure instanceof Failure && failure.retryable && resumable !== undefined &&
      received > 0 && received < resumable.total
    ) {
      file?.close();
      file = undefined;
      const kept = { ...resumable, received };
      temp = undefined; // kept for the next attempt
      throw new Interrupted(failure, kept);
    }
    throw failure;
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener("abort", onUserAbort);
    bar?.done();
    file?.close();
    if (temp !== undefined) await removeIfExists(temp);
  }
}

/**
 * What an attempt's error says about the download: a time-out (after
 * `timeoutMs`, when it was the timer that aborted) or a network error is a
 * `Failure` worth retrying; anything else (a missing permission, a full disk)
 * stays as it is and ends the download.
 */
function asFailure(e: unknown, timeoutMs: number | undefined): unknown {
  if (e instanceof Failure) return e;
  if (timeoutMs !== undefined) {
    return new Failure(
      `no data for ${timeoutMs} ms, timed out (options.timeoutMs sets the wait)`,
      true,
      { cause: e },
    );
  }
  if (e instanceof TypeError || e instanceof Deno.errors.Http || isStreamError(e)) {
    return new Failure(`network error (${(e as Error).message})`, true, { cause: e });
  }
  return e;
}

/** Errors a response body stream raises when the connection breaks mid-way. */
function isStreamError(e: unknown): boolean {
  return e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.UnexpectedEof ||
    e instanceof Deno.errors.Interrupted || e instanceof Deno.errors.BrokenPipe;
}

/**
 * `url` as it may be shown: a password in it (`https://user:secret@host/…`)
 * becomes `***`, so that messages and logs do not carry it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutPassword } from "./download.ts";
 * assert.equal(withoutPassword("https://ada:s3cret@example.com/x.csv"), "https://ada:***@example.com/x.csv");
 * assert.equal(withoutPassword("https://example.com/x.csv"), "https://example.com/x.csv");
 * ```
 */
export function withoutPassword(url: string | URL | undefined): string {
  if (url === undefined) return "";
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return String(url);
    parsed.password = "***";
    return parsed.href;
  } catch {
    return String(url);
  }
}

/** The reason a file too large for `maxBytes` is refused. */
function tooLarge(what: string, maxBytes: number): string {
  return `the file is ${what}, more than options.maxBytes (${maxBytes}) allows`;
}
