/** Helpers for the data tests: the shared data folder, temporary folders, a local HTTP server. */

/** The small data sets shipped with the tests, laid out as a mirror folder (`NN_DATA_DIR`). */
export { EX2DATA2, FIXTURES } from "../datasets.ts";

/** The names of everything in `dir` (hidden temporary files included), sorted. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

/** Runs `fn` with a fresh temporary folder, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "nn_data_test_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A local HTTP server on 127.0.0.1 and the number of requests each path got. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** Requests by path. */
  hits: Map<string, number>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Serves `routes` (path → handler) on 127.0.0.1 on a free port; other paths are 404. */
export function serve(
  routes: Record<string, (request: Request, hit: number) => Response | Promise<Response>>,
): TestServer {
  const hits = new Map<string, number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const route = routes[path];
    return route ? route(request, hit) : new Response("not here", { status: 404 });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    hits,
    close: () => server.shutdown(),
  };
}

/** Runs `fn` with a server for `routes`, closed afterwards. */
export async function withServer<T>(
  routes: Parameters<typeof serve>[0],
  fn: (server: TestServer) => Promise<T>,
): Promise<T> {
  const server = serve(routes);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Runs `fn` with environment variable `name` set to `value` (or unset), restored afterwards. */
export async function withEnv<T>(
  name: string,
  value: string | undefined,
  fn: () => Promise<T> | T,
): Promise<T> {
  const saved = Deno.env.get(name);
  if (value === undefined) Deno.env.delete(name);
  else Deno.env.set(name, value);
  try {
    return await fn();
  } finally {
    if (saved === undefined) Deno.env.delete(name);
    else Deno.env.set(name, saved);
  }
}

/** Awaits `promise`, expects it to reject with `ErrorClass` whose message includes each of `parts`. */
export async function assertRejects(
  promise: Promise<unknown>,
  ErrorClass: new (...args: never[]) => Error,
  ...parts: string[]
): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof ErrorClass)) {
      throw new Error(`expected ${ErrorClass.name}, got ${(e as Error)?.name}: ${e}`);
    }
    for (const part of parts) {
      if (!e.message.includes(part)) throw new Error(`message "${e.message}" lacks "${part}"`);
    }
    return e;
  }
  throw new Error(`expected ${ErrorClass.name}, nothing was thrown`);
}

/**
 * A bare TCP server on 127.0.0.1 that answers every connection with `reply`
 * (raw bytes: status line, headers, body) and then closes it: for responses
 * an HTTP server would not send, such as a body shorter than its Content-Length.
 */
export async function withRawServer<T>(
  reply: Uint8Array,
  fn: (base: string, connections: () => number) => Promise<T>,
): Promise<T> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let count = 0;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        count++;
        try {
          await conn.read(new Uint8Array(4096)); // the request; its contents do not matter
          let done = 0;
          while (done < reply.length) done += await conn.write(reply.subarray(done));
        } finally {
          conn.close();
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e; // the listener was closed
    }
  })();
  try {
    return await fn(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, () => count);
  } finally {
    listener.close();
    await loop;
  }
}
