/**
 * Checksums of downloaded files, SHA-256 and MD5 (for data sets that publish
 * only an MD5), through `node:crypto`, whose hashes take a file a chunk at a
 * time; `sha256Hex` of bytes in memory through Web Crypto.
 *
 * @module
 */

/**
 * `node:crypto`, loaded on first use: importing it costs a script about 40 ms
 * of start-up here (0.09 s against 0.05 for an empty script), and most runs
 * check only small files, which Web Crypto hashes (only MD5 and large files
 * need it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeCrypto } from "./checksum.ts";
 * const { createHash } = await nodeCrypto();
 * assert.equal(createHash("md5").update("abc").digest("hex"), "900150983cd24fb0d6963f7d28e17f72");
 * ```
 */
export async function nodeCrypto(): Promise<typeof import("node:crypto")> {
  return await import("node:crypto");
}

/** Files up to this size are read whole and hashed by Web Crypto; larger ones a chunk at a time. */
const WHOLE_FILE_BYTES = 4 << 20;

/**
 * The checksums a file is expected to have, as lowercase or uppercase hex.
 *
 * Chapter: the exercises' data.
 */
export interface Checksum {
  /** The SHA-256 digest, 64 hex digits. */
  sha256?: string;
  /** The MD5 digest, 32 hex digits (only where no SHA-256 is published). */
  md5?: string;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The SHA-256 digest of `bytes` as lowercase hex.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./checksum.ts";
 * assert.equal(
 *   await sha256Hex(new TextEncoder().encode("abc")),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)),
  );
}

/**
 * The MD5 digest of `bytes` as lowercase hex.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { md5Hex } from "./checksum.ts";
 * assert.equal(await md5Hex(new TextEncoder().encode("abc")), "900150983cd24fb0d6963f7d28e17f72");
 * ```
 */
export async function md5Hex(bytes: Uint8Array): Promise<string> {
  return (await nodeCrypto()).createHash("md5").update(bytes).digest("hex");
}

/**
 * Checks that `checksum` holds well-formed digests, so that a typo is caught
 * before anything is downloaded; `where` names the caller in the message.
 *
 * Chapter: the exercises' data.
 */
export function checkChecksum(checksum: Checksum, where: string): void {
  for (const [key, digits] of [["sha256", 64], ["md5", 32]] as const) {
    const value = checksum[key];
    if (value !== undefined && !new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(value)) {
      throw new TypeError(
        `${where}: expected ${key} to be ${digits} hex digits, found ${JSON.stringify(value)}`,
      );
    }
  }
}

/**
 * Compares the file at `path` with the expected checksums and says what
 * differs: `undefined` when all given checksums match (or none is given),
 * otherwise a phrase such as `SHA-256 mismatch: expected 39b9…, found e3b0…`.
 *
 * The file is read a chunk at a time:
 * a data set's 26 MB archive is never held whole (reading it whole and handing
 * it to Web Crypto, which copies it, left some 80 MB of the process's memory
 * with the allocator after it was freed).
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileChecksumMismatch } from "./checksum.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * const sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
 * assert.equal(await fileChecksumMismatch(path, { sha256 }), undefined);
 * assert.match((await fileChecksumMismatch(path, { sha256: "0".repeat(64) }))!, /^SHA-256 mismatch/);
 * await Deno.remove(path);
 * ```
 */
export async function fileChecksumMismatch(
  path: string,
  expected: Checksum,
): Promise<string | undefined> {
  if (expected.sha256 === undefined && expected.md5 === undefined) return undefined;
  if (expected.md5 === undefined && (await Deno.stat(path)).size <= WHOLE_FILE_BYTES) {
    return compare(expected, await sha256Hex(await Deno.readFile(path)), undefined);
  }
  const { createHash } = await nodeCrypto();
  const sha256 = expected.sha256 === undefined ? undefined : createHash("sha256");
  const md5 = expected.md5 === undefined ? undefined : createHash("md5");
  // The stream closes the file when it ends or fails.
  const file = await Deno.open(path);
  for await (const chunk of file.readable) {
    sha256?.update(chunk);
    md5?.update(chunk);
  }
  return compare(expected, sha256?.digest("hex"), md5?.digest("hex"));
}

/** What differs between the expected digests and those found (lowercase hex), if anything. */
function compare(
  expected: Checksum,
  sha256: string | undefined,
  md5: string | undefined,
): string | undefined {
  if (expected.sha256 !== undefined && sha256 !== expected.sha256.toLowerCase()) {
    return `SHA-256 mismatch: expected ${expected.sha256.toLowerCase()}, found ${sha256}`;
  }
  if (expected.md5 !== undefined && md5 !== expected.md5.toLowerCase()) {
    return `MD5 mismatch: expected ${expected.md5.toLowerCase()}, found ${md5}`;
  }
  return undefined;
}
