/**
 * The safetensors format (https://huggingface.co/docs/safetensors), so a
 * model trained here loads in PyTorch (`safetensors.torch.load_file` and
 * `model.load_state_dict`) and the other way round.
 *
 * A file is: an 8-byte little-endian unsigned header length N; N bytes of
 * JSON, padded with spaces to a multiple of 8, mapping each tensor's name to
 * its `dtype`, `shape` and `data_offsets` [begin, end) into the byte buffer
 * that follows, plus an optional `__metadata__` of string to string; then the
 * tensors' bytes, little-endian, row-major, covering the buffer exactly.
 *
 * The writer lays tensors out as the reference implementation does (widest
 * dtype first, then by name, compact JSON), so for the same tensors it
 * writes the same bytes as `safetensors.torch.save_file`.
 *
 * @module
 */

import { fileURLToPath } from "../data/paths.ts";
import { DataFormatError } from "../errors.ts";
import { writeFileAtomic } from "../host.ts";
import { repeatedKey, whereJsonFails } from "./json_error.ts";
import { tensor } from "../tensor/create.ts";
import type { DType } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { StateDict } from "../nn/module.ts";

/**
 * What a safetensors file holds: the tensors by name and the text metadata.
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 */
export interface SafetensorsContents {
  /** The tensors by name, in the order of their bytes in the file. */
  tensors: StateDict;
  /** The `__metadata__` entries (empty when the file has none). */
  metadata: Record<string, string>;
}

/**
 * Options for writing a safetensors file.
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 */
export interface SafetensorsOptions {
  /** Text to store in the header's `__metadata__` (PyTorch writes `{ format: "pt" }`). */
  metadata?: Record<string, string>;
}

/**
 * Options for {@linkcode loadSafetensors}.
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 */
export interface LoadSafetensorsOptions {
  /**
   * Load tensors that hold NaN or infinities (default `false`: such a file is
   * refused, naming the tensor and the element, since weights like that come
   * from a diverged run and would only make NaN predictions).
   */
  allowNonFinite?: boolean;
}

/** The format's names for our dtypes, its element sizes, and its order (widest first). */
const FORMAT: Record<DType, { name: string; bytes: number; rank: number }> = {
  float64: { name: "F64", bytes: 8, rank: 0 },
  float32: { name: "F32", bytes: 4, rank: 1 },
  int32: { name: "I32", bytes: 4, rank: 2 },
};
const DTYPE_OF: Record<string, DType> = { F64: "float64", F32: "float32", I32: "int32" };

/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER = 100_000_000;

const utf8 = new TextEncoder();

/**
 * Encodes tensors as the bytes of a safetensors file.
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors, tensor } from "@handson/nn";
 * const bytes = await encodeSafetensors({ w: tensor([[1, 2]]) }, { metadata: { format: "pt" } });
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * assert.deepEqual(tensors.w.toArray(), [[1, 2]]);
 * assert.deepEqual(metadata, { format: "pt" });
 * ```
 */
export async function encodeSafetensors(
  tensors: StateDict,
  options: SafetensorsOptions = {},
): Promise<Uint8Array> {
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`encodeSafetensors: expected a Tensor for "${name}", found ${typeof t}`);
    }
    if (name === "__metadata__") {
      throw new TypeError('encodeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    }
  }
  const metadata = options.metadata;
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== "string") {
      throw new TypeError(
        `encodeSafetensors: metadata "${key}" must be a string, found ${typeof value}`,
      );
    }
  }
  entries.sort(([a, x], [b, y]) => FORMAT[x.dtype].rank - FORMAT[y.dtype].rank || byBytes(a, b));

  // The header is written by hand: a JS object would put integer-like names first.
  const fields: string[] = [];
  if (metadata !== undefined) fields.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.size * FORMAT[t.dtype].bytes;
    const info = { dtype: FORMAT[t.dtype].name, shape: t.shape, data_offsets: [offset, end] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = utf8.encode(`{${fields.join(",")}}`);
  const n = Math.ceil(json.length / 8) * 8; // spaces to a multiple of 8 keep the data aligned

  const bytes = new Uint8Array(8 + n + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(n), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const [, t] of entries) {
    const values = await t.data();
    const write = writer(view, t.dtype);
    for (let i = 0; i < values.length; i++, at += FORMAT[t.dtype].bytes) write(at, values[i]);
  }
  return bytes;
}

/**
 * Reads the bytes of a safetensors file, checking everything the format
 * promises: a DataFormatError names `source`, the tensor and what is wrong
 * (a header length past the end, a header that is not JSON, an unsupported
 * dtype, offsets that overlap, leave gaps or do not match dtype × shape).
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 *
 * @param bytes The whole file.
 * @param source The file's name, for error messages.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataFormatError, decodeSafetensors } from "@handson/nn";
 * assert.throws(() => decodeSafetensors(new Uint8Array(4), "a.safetensors"), DataFormatError);
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = "safetensors data",
): SafetensorsContents {
  const fail: (what: string) => never = (what) => {
    throw new DataFormatError(`${source}: ${what}`);
  };
  if (bytes.length < 8) {
    fail(`expected at least the 8-byte header length, found ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    fail(`the header length ${n} is larger than the ${bytes.length - 8} bytes after it`);
  }
  if (n > BigInt(MAX_HEADER)) fail(`the header length ${n} is over the limit of ${MAX_HEADER}`);
  const headerEnd = 8 + Number(n);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd));
  } catch {
    fail("the header is not valid UTF-8");
  }
  // The spec wants the header to start with "{"; JSON.parse alone would take "[1]" or "null".
  if (!text.startsWith("{")) {
    fail(`the header is not a JSON object: it starts with ${JSON.stringify(text.slice(0, 12))}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    fail(`the header is not a JSON object: ${whereJsonFails(text)}`);
  }
  const twice = repeatedKey(text);
  if (twice) {
    fail(
      `tensor ${
        preview(twice.key)
      } is named ${twice.lines.length} times in the header, expected once`,
    );
  }

  const metadata: Record<string, string> = {};
  const infos: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof info !== "object" || info === null || Array.isArray(info)) {
        fail("__metadata__ must be an object of strings");
      }
      for (const [key, value] of Object.entries(info as Record<string, unknown>)) {
        if (typeof value !== "string") {
          fail(`__metadata__ ${preview(key)} must be a string, found ${preview(value)}`);
        }
        put(metadata, key, value as string);
      }
      continue;
    }
    infos.push(checkInfo(name, info, (what) => fail(`tensor ${preview(name)}: ${what}`)));
  }

  // The byte buffer must be covered exactly: in offset order, each tensor starts where the last ended.
  const buffer = bytes.length - headerEnd;
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous = "";
  for (const info of infos) {
    if (info.end > buffer) {
      fail(
        `tensor ${preview(info.name)}: data_offsets [${info.begin}, ${info.end}] run past the ` +
          `${buffer}-byte data buffer`,
      );
    }
    if (info.begin !== expected) {
      fail(
        `tensor ${preview(info.name)}: data_offsets [${info.begin}, ${info.end}] ` +
          (info.begin < expected
            ? `overlap tensor ${preview(previous)}, which ends at ${expected}`
            : `leave a gap after byte ${expected}`),
      );
    }
    expected = info.end;
    previous = info.name;
  }
  if (expected !== buffer) {
    fail(`the tensors cover ${expected} of the ${buffer} bytes of the data buffer`);
  }

  const tensors: StateDict = {};
  for (const { name, dtype, shape, begin } of infos) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = dtype === "float64"
      ? new Float64Array(size)
      : dtype === "float32"
      ? new Float32Array(size)
      : new Int32Array(size);
    const read = reader(view, dtype);
    for (let i = 0, at = headerEnd + begin; i < size; i++, at += FORMAT[dtype].bytes) {
      values[i] = read(at);
    }
    put(tensors, name, tensor(values, { shape }));
  }
  return { tensors, metadata };
}

/** Checks one tensor's header entry and returns it. */
function checkInfo(name: string, info: unknown, fail: (what: string) => never) {
  if (typeof info !== "object" || info === null || Array.isArray(info)) {
    fail("expected an object with dtype, shape and data_offsets");
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_OF, dtype)) {
    fail(`dtype ${preview(dtype)} is not supported (expected F32, F64 or I32)`);
  }
  const count = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(shape) || !shape.every(count)) {
    fail(`expected shape to be a list of sizes, found ${preview(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(count)) {
    fail(`expected data_offsets to be [begin, end], found ${preview(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  const t = DTYPE_OF[dtype as string];
  const bytes = (shape as number[]).reduce((a, b) => a * b, 1) * FORMAT[t].bytes;
  if (end < begin || end - begin !== bytes) {
    fail(
      `data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} of shape ` +
        `[${(shape as number[]).join(", ")}] needs ${bytes}`,
    );
  }
  return { name, dtype: t, shape: shape as number[], begin, end };
}

/**
 * Saves tensors (a `stateDict()`) as a safetensors file, atomically: a failed
 * write leaves any existing file as it was. PyTorch loads it with
 * `model.load_state_dict(safetensors.torch.load_file(path))`.
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, loadSafetensors, saveSafetensors } from "@handson/nn";
 * const layer = new Linear(2, 3);
 * const path = `${await Deno.makeTempDir()}/model.safetensors`;
 * await saveSafetensors(layer.stateDict(), path, { metadata: { format: "pt" } });
 * const copy = new Linear(2, 3);
 * copy.loadStateDict(await loadSafetensors(path));
 * assert.deepEqual(copy.weight.toArray(), layer.weight.toArray());
 * ```
 */
export async function saveSafetensors(
  tensors: StateDict,
  path: string | URL,
  options: SafetensorsOptions = {},
): Promise<void> {
  const target = path instanceof URL ? fileURLToPath(path) : path;
  await writeFileAtomic(target, await encodeSafetensors(tensors, options));
}

/**
 * Loads the tensors of a safetensors file by name, ready for
 * `model.loadStateDict`. A damaged file gives a DataFormatError naming the
 * file and the tensor; `decodeSafetensors` also gives the metadata.
 *
 * Chapter: Part4-2, the PyTorch way (saving and loading the model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSafetensors, saveSafetensors, tensor } from "@handson/nn";
 * const path = `${await Deno.makeTempDir()}/t.safetensors`;
 * await saveSafetensors({ labels: tensor([3, 1], { dtype: "int32" }) }, path);
 * const { labels } = await loadSafetensors(path);
 * assert.deepEqual([labels.dtype, labels.toArray()], ["int32", [3, 1]]);
 * ```
 */
export async function loadSafetensors(
  path: string | URL,
  options: LoadSafetensorsOptions = {},
): Promise<StateDict> {
  const source = path instanceof URL ? fileURLToPath(path) : path;
  const { tensors } = decodeSafetensors(await Deno.readFile(path), source);
  if (!options.allowNonFinite) {
    for (const [name, t] of Object.entries(tensors)) {
      if (t.dtype === "int32") continue;
      const values = await t.data();
      const i = values.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) {
        throw new DataFormatError(
          `${source}: tensor ${preview(name)}: expected finite weights, found ${values[i]} at ` +
            `element ${i} of shape [${t.shape.join(", ")}] (a diverged run? ` +
            "{ allowNonFinite: true } loads it anyway)",
        );
      }
    }
  }
  return tensors;
}

/** A name or value for a message, cut short: a header may hold megabytes in one string. */
function preview(value: unknown): string {
  // 1e999 in a header parses to Infinity, which JSON.stringify would write as null.
  const finite = (_: string, v: unknown) =>
    typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  const text = JSON.stringify(value, finite) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** Sets an own property, even one named `__proto__` (a file may name a tensor anything). */
function put<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Compares strings by their UTF-8 bytes, as the reference implementation orders names. */
function byBytes(a: string, b: string): number {
  const x = utf8.encode(a), y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/** Writes one little-endian element of `dtype` at a byte offset. */
function writer(view: DataView, dtype: DType): (at: number, value: number) => void {
  if (dtype === "float64") return (at, v) => view.setFloat64(at, v, true);
  if (dtype === "float32") return (at, v) => view.setFloat32(at, v, true);
  return (at, v) => view.setInt32(at, v, true);
}

/** Reads one little-endian element of `dtype` at a byte offset. */
function reader(view: DataView, dtype: DType): (at: number) => number {
  if (dtype === "float64") return (at) => view.getFloat64(at, true);
  if (dtype === "float32") return (at) => view.getFloat32(at, true);
  return (at) => view.getInt32(at, true);
}
