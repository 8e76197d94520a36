/**
 * fileChecksumMismatch (lib/data/checksum.ts) on both of its paths: a small
 * file hashed whole by Web Crypto, and a file over 4 MiB (or any file with an
 * MD5) streamed through node:crypto a chunk at a time. Each digest is checked
 * against one computed over the whole bytes in memory, and a wrong one is named.
 */

import { fileChecksumMismatch, md5Hex, sha256Hex } from "../../lib/data/checksum.ts";
import { assertEquals } from "../assert.ts";
import { withTempDir } from "./helpers.ts";

for (const [what, size] of [["small (Web Crypto)", 1000], ["5 MiB (streamed)", 5 << 20]] as const) {
  Deno.test(`fileChecksumMismatch: ${what} file, SHA-256 and MD5 right and wrong`, async () => {
    await withTempDir(async (dir) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
      const path = `${dir}/data.bin`;
      await Deno.writeFile(path, bytes);
      const sha256 = await sha256Hex(bytes), md5 = await md5Hex(bytes);
      assertEquals(await fileChecksumMismatch(path, { sha256 }), undefined);
      assertEquals(await fileChecksumMismatch(path, { sha256, md5 }), undefined);
      assertEquals(await fileChecksumMismatch(path, {}), undefined);
      assertEquals(
        await fileChecksumMismatch(path, { sha256: "0".repeat(64) }),
        `SHA-256 mismatch: expected ${"0".repeat(64)}, found ${sha256}`,
      );
      assertEquals(
        await fileChecksumMismatch(path, { sha256, md5: "0".repeat(32) }),
        `MD5 mismatch: expected ${"0".repeat(32)}, found ${md5}`,
      );
    });
  });
}
