/**
 * Hostile safetensors files, as a stranger might hand one over: headers that
 * claim gigabytes, offsets that overlap or point outside the file, dtypes we
 * do not read, NaN weights. Each is refused with a DataFormatError naming the
 * file, the tensor (or header byte) and what was expected, before anything
 * is allocated for it.
 */

import { DataFormatError, encodeSafetensors, loadSafetensors, tensor } from "../../mod.ts";
import { assertEquals } from "../assert.ts";
import { type HostileCase, hostileTests } from "./helpers.ts";

/** A safetensors file with the given header (as JSON text or a value) and data bytes. */
function file(header: unknown, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(
    typeof header === "string" ? header : JSON.stringify(header),
  );
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(Array.from(data), 8 + json.length);
  return bytes;
}

const f32 = (...shape: number[]) => ({ dtype: "F32", shape });
const at = (info: object, begin: number, end: number) => ({ ...info, data_offsets: [begin, end] });
const GOOD = await encodeSafetensors({ w: tensor([[1, 2], [3, 4]]), b: tensor([0.5]) });
const load = (dir: string) => loadSafetensors(`${dir}/m.safetensors`);

const cases: HostileCase[] = [
  {
    name: "a header length of 2^63",
    files: { "m.safetensors": file({}, [], 2n ** 63n) },
    run: load,
    error: DataFormatError,
    names: [
      "$DIR/m.safetensors",
      "the header length 9223372036854775808 is larger than the 2 bytes",
    ],
  },
  {
    name: "a header length of 4 GB in a 100-byte file",
    files: { "m.safetensors": file("{}".padEnd(92), [], 4n << 30n) },
    run: load,
    error: DataFormatError,
    names: [
      "$DIR/m.safetensors",
      "the header length 4294967296 is larger than the 92 bytes after it",
    ],
  },
  {
    name: "a shape that claims 1 TB for 16 bytes of data",
    files: { "m.safetensors": file({ w: at(f32(65536, 65536, 65536), 0, 16) }, new Array(16)) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "w"', "F32 of shape [65536, 65536, 65536] needs"],
  },
  {
    name: "offsets that claim gigabytes past the end",
    files: { "m.safetensors": file({ w: at(f32(2 ** 28), 0, 2 ** 30) }, new Array(8)) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "w"', "run past the 8-byte data buffer"],
  },
  {
    name: "overlapping tensors",
    files: {
      "m.safetensors": file({ a: at(f32(2), 0, 8), b: at(f32(2), 4, 12) }, new Array(12)),
    },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "b": data_offsets [4, 12]', 'overlap tensor "a"'],
  },
  {
    name: "two tensors on the same bytes",
    files: { "m.safetensors": file({ a: at(f32(1), 0, 4), b: at(f32(1), 0, 4) }, new Array(4)) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors: tensor", "data_offsets [0, 4] overlap tensor"],
  },
  {
    name: "a gap between tensors",
    files: { "m.safetensors": file({ a: at(f32(1), 0, 4), b: at(f32(1), 8, 12) }, new Array(12)) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "b"', "leave a gap after byte 4"],
  },
  {
    name: "a tensor name given twice (JSON.parse keeps the second)",
    files: {
      "m.safetensors": file(
        '{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},\n' +
          '"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}',
        new Array(8),
      ),
    },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "a" is named 2 times in the header', "expected once"],
  },
  {
    name: "bytes no tensor covers",
    files: { "m.safetensors": file({ a: at(f32(1), 0, 4) }, new Array(12)) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors", "the tensors cover 4 of the 12 bytes of the data buffer"],
  },
  {
    name: "offsets that do not match dtype × shape",
    files: { "m.safetensors": file({ a: at(f32(3), 0, 8) }, new Array(8)) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "a"', "hold 8 bytes, but F32 of shape [3] needs 12"],
  },
  {
    name: "offsets backwards",
    files: { "m.safetensors": file({ a: at(f32(0), 8, 4) }, new Array(8)) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "a": data_offsets [8, 4]', "needs 0"],
  },
  {
    name: "the dtype BF16, which we do not read",
    files: { "m.safetensors": file({ a: at({ dtype: "BF16", shape: [2] }, 0, 4) }, new Array(4)) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "a"', 'dtype "BF16" is not supported (expected F32, F64'],
  },
  {
    name: "a made-up dtype",
    files: { "m.safetensors": file({ a: at({ dtype: "Q4_K", shape: [2] }, 0, 1) }, [0]) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "a"', 'dtype "Q4_K" is not supported'],
  },
  {
    name: "a negative size",
    files: { "m.safetensors": file({ a: at(f32(-1), 0, 0) }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "a"', "expected shape to be a list of sizes, found [-1]"],
  },
  {
    name: "a size of 1e999",
    files: { "m.safetensors": file('{"a":{"dtype":"F32","shape":[1e999],"data_offsets":[0,0]}}') },
    run: load,
    error: DataFormatError,
    names: [
      '$DIR/m.safetensors: tensor "a"',
      'expected shape to be a list of sizes, found ["Infinity"]',
    ],
  },
  {
    name: "a header that is not JSON",
    files: { "m.safetensors": file('{"a": {"dtype": F32}}') },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors: the header is not a JSON object", "line 1, column 17", '"F32}}"'],
  },
  {
    name: "a header that is a JSON array",
    files: { "m.safetensors": file("[1, 2]") },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors: the header is not a JSON object", 'it starts with "[1, 2]"'],
  },
  {
    name: "a header that is not UTF-8",
    files: { "m.safetensors": new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0xfe, 0x7d]) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors", "the header is not valid UTF-8"],
  },
  {
    name: "metadata that is not text",
    files: { "m.safetensors": file({ __metadata__: { epochs: 5 } }) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors", '__metadata__ "epochs" must be a string, found 5'],
  },
  {
    name: "a 1 MB tensor name (the message stays short)",
    files: { "m.safetensors": file({ ["n".repeat(1 << 20)]: at({ dtype: "X" }, 0, 0) }) },
    run: async (dir) => {
      try {
        await load(dir);
      } catch (e) {
        throw (e as Error).message.length < 300 ? e : new Error("the message is too long");
      }
    },
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "nnnn', '…: dtype "X" is not supported'],
  },
  {
    name: "a tensor named __proto__ (no prototype is polluted)",
    files: {
      "m.safetensors": file('{"__proto__":{"dtype":"F16","shape":[],"data_offsets":[0,2]}}', [
        0,
        0,
      ]),
    },
    run: async (dir) => {
      try {
        await load(dir);
      } finally {
        assertEquals(({} as Record<string, unknown>).dtype, undefined, "Object.prototype");
      }
    },
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "__proto__"', 'dtype "F16" is not supported'],
  },
  {
    name: "NaN among the weights",
    files: {
      "m.safetensors": await encodeSafetensors({ "0.weight": tensor([[0.5, 1], [NaN, 2]]) }),
    },
    run: load,
    error: DataFormatError,
    names: [
      '$DIR/m.safetensors: tensor "0.weight": expected finite weights',
      "found NaN at element 2 of shape [2, 2]",
    ],
  },
  {
    name: "an infinite float64 bias",
    files: {
      "m.safetensors": await encodeSafetensors({
        "2.bias": tensor([-Infinity], { dtype: "float64" }),
      }),
    },
    run: load,
    error: DataFormatError,
    names: ['$DIR/m.safetensors: tensor "2.bias"', "found -Infinity at element 0"],
  },
  {
    name: "a file cut off in its data",
    files: { "m.safetensors": GOOD.subarray(0, GOOD.length - 3) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors: tensor", "run past the"],
  },
  {
    name: "a file of 5 bytes",
    files: { "m.safetensors": new Uint8Array(5) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/m.safetensors", "expected at least the 8-byte header length, found 5 bytes"],
  },
];

hostileTests("safetensors", cases);
