/**
 * Checksums of downloaded files: SHA-256 through Web Crypto, and MD5 (which Web
 * Crypto lacks) through `node:crypto`, for data sets that publish only an MD5.
 *
 * @module
 */

import { createHash } from "node:crypto";

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
 * assert.equal(md5Hex(new TextEncoder().encode("abc")), "900150983cd24fb0d6963f7d28e17f72");
 * ```
 */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
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
 * Compares `bytes` with the expected checksums and says what differs:
 * `undefined` when all given checksums match (or none is given), otherwise a
 * phrase such as `SHA-256 mismatch: expected 39b9…, found e3b0…`.
 *
 * Chapter: the exercises' data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksumMismatch } from "./checksum.ts";
 * const abc = new TextEncoder().encode("abc");
 * assert.equal(await checksumMismatch(abc, { md5: "900150983cd24fb0d6963f7d28e17f72" }), undefined);
 * assert.match((await checksumMismatch(abc, { md5: "0".repeat(32) }))!, /^MD5 mismatch/);
 * ```
 */
export async function checksumMismatch(
  bytes: Uint8Array,
  expected: Checksum,
): Promise<string | undefined> {
  if (expected.sha256 !== undefined) {
    const found = await sha256Hex(bytes);
    if (found !== expected.sha256.toLowerCase()) {
      return `SHA-256 mismatch: expected ${expected.sha256.toLowerCase()}, found ${found}`;
    }
  }
  if (expected.md5 !== undefined) {
    const found = md5Hex(bytes);
    if (found !== expected.md5.toLowerCase()) {
      return `MD5 mismatch: expected ${expected.md5.toLowerCase()}, found ${found}`;
    }
  }
  return undefined;
}
