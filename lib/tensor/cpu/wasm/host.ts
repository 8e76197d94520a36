/**
 * What the kernels ask of the host beyond web-standard APIs and the shared
 * `envVar` (`NN_WASM`, `NN_THREADS`, in `lib/host.ts`): whether a Worker may be
 * started from a file. It asks Deno's permissions first, so that a script run
 * without `--allow-read` is never prompted: it simply runs on one thread.
 *
 * @module
 */

/** As much of Deno's namespace as this file uses. */
interface DenoHost {
  permissions?: {
    querySync?(descriptor: { name: string; variable?: string; path?: string | URL }): {
      state: string;
    };
  };
}

function deno(): DenoHost | undefined {
  return (globalThis as { Deno?: DenoHost }).Deno;
}

/**
 * Whether a module Worker can be started from `url`: Workers exist, and Deno
 * may read the file (a Worker from `https:` needs no permission).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canStartWorker } from "./host.ts";
 * assert.equal(canStartWorker(new URL("https://example.com/worker.ts")), true);
 * ```
 */
export function canStartWorker(url: URL): boolean {
  if (typeof Worker !== "function") return false;
  const host = deno();
  if (host === undefined || url.protocol !== "file:") return true;
  try {
    return host.permissions?.querySync?.({ name: "read", path: url }).state === "granted";
  } catch {
    return false;
  }
}
