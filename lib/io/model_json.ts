/**
 * The book's `model.json`: the weights of its network as nested arrays under
 * the keys `weights1` ([input][hidden]), `bias1` ([1][hidden]), `weights2`
 * ([hidden][output]) and `bias2` ([1][output]). A file written by the book's
 * `save_model_to_json` loads here, and ours loads there (`np.array(d["weights1"])`).
 *
 * @module
 */

import { DataFormatError, DownloadError } from "../errors.ts";
import { NeuralNetwork } from "../models/neural_network.ts";
import type { NeuralNetworkWeights } from "../models/two_layer.ts";
import { tensor } from "../tensor/mod.ts";
import { writeFileAtomic } from "../host.ts";
import { repeatedKey, whereJsonFails } from "./json_error.ts";

const KEYS = ["weights1", "bias1", "weights2", "bias2"] as const;

/** How long loading a model.json from a URL may take. */
const LOAD_TIMEOUT_MS = 30_000;

/**
 * A network with the book's four weight tensors (either of the book's networks).
 *
 * Chapter: Part4-1, Part4-2 (model.json).
 */
export interface BookWeights {
  /** The weights under the book's names. */
  weights(): NeuralNetworkWeights;
}

/**
 * The network's weights as the text of a `model.json`. A weight that is NaN
 * or infinite is a RangeError naming it: JSON has no such numbers
 * (`JSON.stringify` would write `null`, a file that loads nowhere).
 *
 * Chapter: Part4-1, Part4-2 (model.json).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manualSeed, NeuralNetwork, toModelJson } from "@handson/nn";
 * manualSeed(0);
 * const json = JSON.parse(toModelJson(new NeuralNetwork(2, 3, 1)));
 * assert.deepEqual(Object.keys(json), ["weights1", "bias1", "weights2", "bias2"]);
 * assert.equal(json.weights1[0][0], 0.017640523459676642); // np.random.randn * 0.01 after seed 0
 * assert.deepEqual(json.bias2, [[0]]);
 * ```
 */
export function toModelJson(net: BookWeights): string {
  const weights = net.weights();
  const arrays = KEYS.map((k) => [k, weights[k].toArray() as number[][]] as const);
  for (const [key, rows] of arrays) {
    rows.forEach((row, i) =>
      row.forEach((v, j) => {
        if (!Number.isFinite(v)) {
          throw new RangeError(
            `toModelJson: expected finite weights, found ${v} in "${key}"[${i}][${j}] ` +
              "(did the training diverge?); a model.json can hold only finite numbers",
          );
        }
      })
    );
  }
  return JSON.stringify(Object.fromEntries(arrays)) + "\n";
}

/** A value for a message, cut short: a file may hold a 10 MB string or arrays nested 10⁵ deep. */
function preview(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object" && value !== null) return "an object";
  const text = typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Reads one key as a 2-D array of numbers that stay finite in `dtype`, or says
 * what is wrong with it. (1e308 is finite in float64 but Infinity in float32:
 * checked after the conversion the run will make, not before.)
 */
function matrix(
  value: unknown,
  key: string,
  source: string,
  dtype: "float32" | "float64",
): number[][] {
  const where = `${source}: "${key}"`;
  if (value === undefined) {
    throw new DataFormatError(`${where} is missing (expected keys ${KEYS.join(", ")})`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    const rows: unknown[] = Array.isArray(value) ? value : [];
    const bad = rows.findIndex((row) => !Array.isArray(row));
    throw new DataFormatError(
      `${where}: expected a non-empty array of rows (nested arrays), found ` +
        (bad >= 0 ? `${preview(rows[bad])} as row ${bad}` : preview(value)),
    );
  }
  const width = value[0].length;
  value.forEach((row: unknown[], i) => {
    if (row.length !== width) {
      throw new DataFormatError(`${where}: row ${i} has ${row.length} numbers, expected ${width}`);
    }
    row.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new DataFormatError(
          `${where}[${i}][${j}]: expected a finite number, found ${preview(v)}`,
        );
      }
      if (dtype === "float32" && !Number.isFinite(Math.fround(v))) {
        throw new DataFormatError(
          `${where}[${i}][${j}]: expected a number that float32 can hold (|x| < 3.4028235e38), ` +
            `found ${preview(v)}, which becomes ${Math.fround(v)}; load it as float64`,
        );
      }
    });
  });
  return value as number[][];
}

/**
 * The network described by the text of a `model.json`. `source` names the file
 * in error messages.
 *
 * Chapter: Part4-1, Part4-2 (model.json).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataFormatError, parseModelJson, tensor } from "@handson/nn";
 * const text = '{"weights1": [[1], [2]], "bias1": [[0]], "weights2": [[3]], "bias2": [[-1]]}';
 * const net = parseModelJson(text, "model.json");
 * assert.deepEqual(net.sizes, [2, 1, 1]);
 * assert.equal(net.predict(tensor([[5, 5]])).item(), 1);
 * assert.throws(() => parseModelJson("{}", "model.json"), DataFormatError);
 * ```
 */
export function parseModelJson(
  text: string,
  source = "model.json",
  dtype: "float32" | "float64" = "float64",
): NeuralNetwork {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark, as Notepad writes
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // UTF-16 (as some Windows editors save) read as UTF-8: a NUL between every two characters.
    if (looksLikeUtf16(text)) {
      throw new DataFormatError(
        `${source}: expected JSON in UTF-8, found text that looks like UTF-16 read as UTF-8 (a ` +
          "zero character beside each one): save the file as UTF-8, or decode it as UTF-16",
      );
    }
    throw new DataFormatError(`${source}, ${whereJsonFails(text)}`);
  }
  // JSON.parse keeps the last of two equal keys without a word; a model must not.
  const twice = repeatedKey(text);
  if (twice) {
    throw new DataFormatError(
      `${source}: "${twice.key}" is given ${twice.lines.length} times (lines ` +
        `${twice.lines.join(", ")}), expected it once`,
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new DataFormatError(
      `${source}: expected a JSON object with keys ${KEYS.join(", ")}, found ${preview(data)}`,
    );
  }
  const record = data as Record<string, unknown>;
  const arrays = Object.fromEntries(
    KEYS.map((
      k,
    ) => [k, matrix(Object.hasOwn(record, k) ? record[k] : undefined, k, source, dtype)]),
  ) as Record<(typeof KEYS)[number], number[][]>;
  const [inputs, hidden] = [arrays.weights1.length, arrays.weights1[0].length];
  const outputs = arrays.weights2[0].length;
  const expected: Record<(typeof KEYS)[number], [number, number]> = {
    weights1: [inputs, hidden],
    bias1: [1, hidden],
    weights2: [hidden, outputs],
    bias2: [1, outputs],
  };
  for (const key of KEYS) {
    const shape = [arrays[key].length, arrays[key][0].length];
    if (shape[0] !== expected[key][0] || shape[1] !== expected[key][1]) {
      throw new DataFormatError(
        `${source}: "${key}" has shape [${shape}], expected [${expected[key]}] to fit weights1 ` +
          `[${inputs},${hidden}]`,
      );
    }
  }
  const weights = Object.fromEntries(
    KEYS.map((k) => [k, tensor(arrays[k], { dtype })]),
  ) as unknown as NeuralNetworkWeights;
  return NeuralNetwork.fromWeights(weights);
}

/**
 * Saves the network to `path` as a `model.json`, atomically.
 *
 * Chapter: Part4-1, Part4-2 (model.json).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelJson, manualSeed, NeuralNetwork, saveModelJson } from "@handson/nn";
 * manualSeed(1);
 * const net = new NeuralNetwork(2, 4, 1);
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await saveModelJson(net, path);
 * const back = await loadModelJson(path);
 * assert.deepEqual(back.weights2.toArray(), net.weights2.toArray());
 * ```
 */
export async function saveModelJson(net: BookWeights, path: string): Promise<void> {
  await writeFileAtomic(path, toModelJson(net));
}

/**
 * Loads a network from a `model.json`: a path, a `file:` URL or an `http(s):`
 * URL. Errors name the file (and the key that is wrong).
 *
 * Chapter: Part4-1, Part4-2 (model.json).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModelJson, tensor } from "@handson/nn";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, '{"weights1": [[1], [2]], "bias1": [[0]], "weights2": [[3]], "bias2": [[-1]]}');
 * const net = await loadModelJson(path);
 * assert.deepEqual(net.sizes, [2, 1, 1]);
 * assert.deepEqual(net.predict(tensor([[5, 5], [-5, -5]])).toArray(), [[1], [0]]);
 * ```
 */
export async function loadModelJson(
  pathOrUrl: string | URL,
  dtype: "float32" | "float64" = "float64",
): Promise<NeuralNetwork> {
  // A scheme is case-insensitive (RFC 3986): HTTP://host/model.json is a URL, not a path.
  const url = pathOrUrl instanceof URL
    ? pathOrUrl
    : /^(https?|file):\/\//i.test(pathOrUrl)
    ? new URL(pathOrUrl)
    : null;
  const name = String(pathOrUrl);
  let text: string;
  if (url !== null && url.protocol !== "file:") {
    // A server that stalls must not hang the script: 30 s without the whole answer.
    const signal = AbortSignal.timeout(LOAD_TIMEOUT_MS);
    const failed = (error: unknown): never => {
      const why = signal.aborted
        ? `no complete answer within ${LOAD_TIMEOUT_MS / 1000} s, timed out`
        : (error as Error).message;
      throw new DownloadError(`${name}: ${why}`, { cause: error });
    };
    const response = await fetch(url, { signal }).catch(failed);
    if (!response.ok) {
      await response.body?.cancel();
      throw new DownloadError(`${name}: HTTP ${response.status} ${response.statusText}`);
    }
    const bytes = await readAtMost(response, name).catch((error) => {
      if (error instanceof DataFormatError) throw error;
      return failed(error);
    });
    text = decodeUtf8(bytes, name);
  } else {
    try {
      const size = (await Deno.stat(url ?? name)).size;
      if (size > MAX_MODEL_BYTES) throw new DataFormatError(tooBig(name, `${size} bytes`));
      text = decodeUtf8(await Deno.readFile(url ?? name), name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new Deno.errors.NotFound(`${name}: no such model file`);
      }
      throw error;
    }
  }
  return parseModelJson(text, name, dtype);
}

/**
 * Whether `text` is UTF-16 that was decoded as UTF-8: after the byte order
 * mark's two replacement characters, if any, one of the first two characters
 * is NUL and the other is not (ASCII in UTF-16 is a zero byte beside each).
 */
function looksLikeUtf16(text: string): boolean {
  const start = text.startsWith("\uFFFD\uFFFD") ? 2 : 0;
  if (text.length < start + 2) return false;
  return (text.charCodeAt(start) === 0) !== (text.charCodeAt(start + 1) === 0);
}

/** The text of a model file: UTF-8, or an error naming the encoding it is in instead. */
function decodeUtf8(bytes: Uint8Array, name: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    (bytes.length >= 4 && (bytes[1] === 0 && bytes[3] === 0 || bytes[0] === 0 && bytes[2] === 0));
  if (utf16) {
    throw new DataFormatError(
      `${name}: expected JSON in UTF-8, found UTF-16 (every other byte is 0, as Windows' ` +
        "PowerShell writes with > or Out-File); save it as UTF-8",
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new DataFormatError(
      `${name}: expected JSON in UTF-8, found an invalid byte at byte ${at}`,
    );
  }
}

/** The offset of the first byte that makes `bytes` invalid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let low = 0, high = bytes.length; // invalid within [0, high), valid within [0, low)
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid;
    }
  }
  return low;
}

/**
 * The most bytes a model.json may have: the book's 2-10-1 model is 1 kB and a
 * 784-128-10 one 2.5 MB, so 64 MiB leaves room for far wider nets while a file
 * (or a server) of gigabytes is refused before it is read.
 */
const MAX_MODEL_BYTES = 64 * 2 ** 20;

function tooBig(name: string, found: string): string {
  return `${name}: expected a model.json of at most ${MAX_MODEL_BYTES} bytes, found ${found}`;
}

/** A response's body, refused as soon as it passes MAX_MODEL_BYTES (a 1 GiB stream is not buffered). */
async function readAtMost(response: Response, name: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_MODEL_BYTES) {
      await response.body?.cancel().catch(() => {});
      throw new DataFormatError(tooBig(name, `more than that`));
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
