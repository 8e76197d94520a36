/**
 * The two things the kernels ask of the host beyond web-standard APIs: an
 * environment variable (`NN_WASM`, `NN_THREADS`) and whether a Worker may be
 * started from a file. Both ask Deno's permissions first, so that a script
 * run without `--allow-env` or `--allow-read` is never prompted: it simply
 * runs with the defaults, on one thread.
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
  env?: { get(name: string): string | undefined };
}

function deno(): DenoHost | undefined {
  return (globalThis as { Deno?: DenoHost }).Deno;
}

/**
 * The environment variable `name`, or undefined when unset or not readable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envVar } from "./host.ts";
 * assert.equal(envVar("NN_SURELY_UNSET_VARIABLE"), undefined);
 * ```
 */
export function envVar(name: string): string | undefined {
  const host = deno();
  try {
    if (host?.permissions?.querySync?.({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return host.env?.get(name);
  } catch {
    return undefined;
  }
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
