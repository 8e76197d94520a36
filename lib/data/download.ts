/**
 * `download`: a file from a URL, kept in a cache folder. The local mirror
 * folder `NN_DATA_DIR` is looked at first, then the cache, then each URL in
 * turn; a download streams into a temporary file, is checked against its
 * checksum, and only then is renamed into the cache, so a failed or
 * interrupted download never leaves a file there.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { DownloadError } from "../errors.ts";
import { cacheDir } from "./cache_dir.ts";
import { checkChecksum, type Checksum, checksumMismatch } from "./checksum.ts";
import { isFile, removeIfExists, tempPathFor, writeAll } from "./files.ts";
import { envVar, stderrIsTerminal, writeStderr } from "./host.ts";
import { progressBar } from "./progress.ts";
import { checkFileName, checkSubdir, parseSource, type Source } from "./source.ts";

/** Options for {@linkcode download}. */
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
  /** Give up on an attempt when no data has arrived for this many ms (default 30 000). */
  timeoutMs?: number;
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
 * Downloads `url` (or the first of several mirror URLs that works) into the
 * cache and returns the local path of the file.
 *
 * In order, the first that has the file wins:
 * 1. for an `http(s)` URL, the mirror folder `NN_DATA_DIR` (in its `subdir`,
 *    then at its top), by the URL's last path part;
 * 2. the cache folder (`NN_CACHE_DIR`, or the user's cache directory plus
 *    `/handson-nn`);
 * 3. each URL in turn, with `retries` retries and a doubling back-off on
 *    network errors, time-outs and HTTP 5xx. A `file://` URL or a plain path
 *    is returned as it is, if the file exists.
 *
 * A checksum (`sha256`, or `md5` where only that is published) is checked
 * before a downloaded file enters the cache, and for copies found in the
 * mirror folder or the cache. When every source fails, a `DownloadError` names
 * each URL with its HTTP status or cause.
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
  const sources = (Array.isArray(url) ? url : [url]).map(parseSource);
  if (sources.length === 0) throw new TypeError("download: expected at least one URL, found none");
  checkChecksum(options, "download");
  const name = checkFileName(
    options.fileName ?? sources[0].name,
    JSON.stringify(sourceText(sources[0])),
  );
  const subdir = options.subdir === undefined ? undefined : checkSubdir(options.subdir);
  const dest = join(options.cacheDir ?? cacheDir(), ...(subdir ? [subdir] : []), name);

  const failures: string[] = [];
  let lastError: Error | undefined;
  let lookedLocally = false;
  for (const source of sources) {
    if (source.kind === "file") {
      const failure = await checkLocal(source.path, options);
      if (failure === undefined) return source.path;
      failures.push(`${source.path}: ${failure}`);
      continue;
    }
    if (!lookedLocally) {
      lookedLocally = true;
      const found = await findLocal(name, subdir, dest, options);
      if (found !== undefined) return found;
    }
    try {
      await fetchWithRetries(source.url, dest, name, options);
      return dest;
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      failures.push(`${source.url}: ${e.message}`);
      lastError = e;
    }
  }
  throw new DownloadError(
    failures.length === 1
      ? `download of ${name} failed: ${failures[0]}`
      : `download of ${name} failed from all ${failures.length} sources: ${failures.join("; ")}`,
    { cause: lastError?.cause ?? lastError },
  );
}

function sourceText(source: Source): string {
  return source.kind === "http" ? source.url : source.path;
}

/** Why the local file at `path` cannot be used, or `undefined` when it can. */
async function checkLocal(path: string, checksum: Checksum): Promise<string | undefined> {
  if (!(await isFile(path))) return "no such file";
  if (checksum.sha256 === undefined && checksum.md5 === undefined) return undefined;
  return await checksumMismatch(await Deno.readFile(path), checksum);
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
): Promise<string | undefined> {
  const dataDir = options.dataDir === undefined ? envVar("NN_DATA_DIR") : options.dataDir;
  if (dataDir) {
    const candidates = subdir ? [join(dataDir, subdir, name), join(dataDir, name)] : [
      join(dataDir, name),
    ];
    for (const path of candidates) {
      if (!(await isFile(path))) continue;
      const failure = await checkLocal(path, options);
      if (failure !== undefined) {
        throw new DownloadError(`${path} (in the mirror folder NN_DATA_DIR): ${failure}`);
      }
      return path;
    }
  }
  if (await isFile(dest)) {
    if ((await checkLocal(dest, options)) === undefined) return dest;
    await removeIfExists(dest);
  }
  return undefined;
}

/** Fetches `url` into `dest`, retrying with a doubling back-off when that may help. */
async function fetchWithRetries(
  url: string,
  dest: string,
  name: string,
  options: DownloadOptions,
): Promise<void> {
  const retries = nonNegative(options.retries ?? 3, "retries");
  const backoffMs = nonNegative(options.backoffMs ?? 500, "backoffMs");
  for (let attempt = 0;; attempt++) {
    try {
      await fetchOnce(url, dest, name, options);
      return;
    } catch (e) {
      if (!(e instanceof Failure) || !e.retryable) throw e;
      if (attempt === retries) {
        throw attempt === 0
          ? e
          : new Failure(`${e.message} (after ${attempt + 1} attempts)`, false);
      }
      await sleep(backoffMs * 2 ** attempt, options.signal);
    }
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
 * One attempt: streams the response body into a temporary file beside `dest`,
 * checks its length and checksum, and renames it to `dest`. On any failure the
 * temporary file is removed. The time-out counts from the last byte received,
 * so a slow but steady download of a large file is not cut short.
 */
async function fetchOnce(
  url: string,
  dest: string,
  name: string,
  options: DownloadOptions,
): Promise<void> {
  const timeoutMs = nonNegative(options.timeoutMs ?? 30_000, "timeoutMs");
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

  let temp: string | undefined;
  let file: Deno.FsFile | undefined;
  let bar: ReturnType<typeof progressBar> | undefined;
  try {
    armTimer();
    const response = await fetch(url, { signal: controller.signal });
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
    const total = !encoded && Number.isFinite(length) ? length : undefined;

    await Deno.mkdir(dirname(dest), { recursive: true });
    temp = tempPathFor(dest);
    file = await Deno.open(temp, { write: true, createNew: true });
    if (options.progress ?? stderrIsTerminal()) bar = progressBar(name, total, writeStderr);
    let received = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        armTimer();
        await writeAll(file, chunk);
        received += chunk.length;
        bar?.update(received);
      }
    }
    file.close();
    file = undefined;
    if (total !== undefined && received !== total) {
      throw new Failure(`connection closed after ${received} of ${total} bytes`, true);
    }
    clearTimeout(timer);
    const mismatch = await checksumMismatch(await Deno.readFile(temp), options);
    if (mismatch !== undefined) throw new Failure(mismatch, false);
    await Deno.rename(temp, dest);
    temp = undefined;
  } catch (e) {
    if (userSignal?.aborted) throw userSignal.reason;
    if (e instanceof Failure) throw e;
    if (timedOut) throw new Failure(`no data for ${timeoutMs} ms, timed out`, true, { cause: e });
    if (e instanceof TypeError || e instanceof Deno.errors.Http || isStreamError(e)) {
      throw new Failure(`network error (${(e as Error).message})`, true, { cause: e });
    }
    throw e;
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener("abort", onUserAbort);
    bar?.done();
    file?.close();
    if (temp !== undefined) await removeIfExists(temp);
  }
}

/** Errors a response body stream raises when the connection breaks mid-way. */
function isStreamError(e: unknown): boolean {
  return e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.UnexpectedEof ||
    e instanceof Deno.errors.Interrupted || e instanceof Deno.errors.BrokenPipe;
}
