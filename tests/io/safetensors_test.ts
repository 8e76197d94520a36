/**
 * safetensors: a reference file written from the spec by Python
 * (tests/fixtures/io/make_safetensors.py) reads back exactly, and our writer
 * produces the same bytes for the same tensors; the layout of the format's
 * reference implementation (alignment padding, empty files, metadata); a tiny
 * reader written here from the spec reads our files; damaged files give a
 * DataFormatError naming the file and the tensor; writes are atomic.
 */

import * as nn from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const FIXTURES = new URL("../fixtures/io/", import.meta.url);
const reference = await Deno.readFile(new URL("reference.safetensors", FIXTURES));
const described = JSON.parse(await Deno.readTextFile(new URL("reference.json", FIXTURES)));

interface Described {
  dtype: nn.DType;
  shape: number[];
  values: number[];
}

/** The reference's tensors, built from the JSON description. */
function referenceTensors(): nn.StateDict {
  const out: nn.StateDict = {};
  for (const [name, t] of Object.entries<Described>(described.tensors)) {
    out[name] = nn.tensor(t.values, { dtype: t.dtype, shape: t.shape });
  }
  return out;
}

/** A reader written from the spec alone, to check our writer independently of our reader. */
function specRead(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const out: Record<string, { dtype: string; shape: number[]; values: number[] }> = {};
  for (const [name, info] of Object.entries<Record<string, never>>(header)) {
    if (name === "__metadata__") continue;
    const [begin, end] = info.data_offsets as [number, number];
    const size = { F64: 8, F32: 4, I32: 4 }[info.dtype as string]!;
    const values: number[] = [];
    for (let at = 8 + n + begin; at < 8 + n + end; at += size) {
      values.push(
        info.dtype === "F64"
          ? view.getFloat64(at, true)
          : info.dtype === "F32"
          ? view.getFloat32(at, true)
          : view.getInt32(at, true),
      );
    }
    out[name] = { dtype: info.dtype, shape: info.shape, values };
  }
  return { n, header, out };
}

Deno.test("the reference file (written from the spec by Python) decodes exactly", () => {
  const { tensors, metadata } = nn.decodeSafetensors(reference, "reference.safetensors");
  assertEquals(metadata, described.metadata);
  assertEquals(Object.keys(tensors).sort(), [...described.order].sort());
  for (const [name, t] of Object.entries<Described>(described.tensors)) {
    assertEquals(tensors[name].dtype, t.dtype, name);
    assertEquals(tensors[name].shape, t.shape, name);
    assertEquals([...tensors[name].dataSync()], t.values, name);
  }
});

Deno.test("our writer produces the reference file's bytes for the same tensors", async () => {
  const bytes = await nn.encodeSafetensors(referenceTensors(), { metadata: described.metadata });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assertEquals(new TextDecoder().decode(bytes.subarray(8, 8 + n)), described.header);
  assertEquals(bytes.length, reference.length);
  assert(bytes.every((b, i) => b === reference[i]), "the bytes differ from the reference file");
});

Deno.test("the layout of the reference implementation: compact JSON, spaces to 8, no padding when aligned", async () => {
  // {"attn.0":…} is 64 bytes of JSON: no padding. {"attn0":…,[1,1,2,3]…} is 65: 7 spaces.
  const values = nn.tensor([0, 1, 2, 3, 4, 5]);
  const a = await nn.encodeSafetensors({ "attn.0": values.reshape([1, 2, 3]) });
  const headerA = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assertEquals(headerA.length, 64);
  assertEquals([...a.subarray(0, 8)], [64, 0, 0, 0, 0, 0, 0, 0]);
  assertEquals(new TextDecoder().decode(a.subarray(8, 72)), headerA);
  assertEquals([...a.subarray(72, 80)], [0, 0, 0, 0, 0, 0, 128, 63]); // 0.0f, 1.0f little-endian
  assertEquals(a.length, 8 + 64 + 24);
  const b = await nn.encodeSafetensors({ attn0: values.reshape([1, 1, 2, 3]) });
  assertEquals(b[0], 72);
  assertEquals(
    new TextDecoder().decode(b.subarray(8, 80)),
    '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
  );
  const empty = await nn.encodeSafetensors({});
  assertEquals([...empty], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  const meta = await nn.encodeSafetensors({}, { metadata: { framework: "pt" } });
  assertEquals(meta[0], 40);
  assertEquals(
    new TextDecoder().decode(meta.subarray(8)),
    '{"__metadata__":{"framework":"pt"}}     ',
  );
  assertEquals(nn.decodeSafetensors(meta).metadata, { framework: "pt" });
  assertEquals(Object.keys(nn.decodeSafetensors(empty).tensors), []);
});

Deno.test("a reader written from the spec reads what we write, with PyTorch's key names", async () => {
  nn.manualSeed(3);
  const model = new nn.Sequential(
    new nn.Linear(2, 10),
    new nn.Sigmoid(),
    new nn.Linear(10, 1, { dtype: "float64" }),
    new nn.Sigmoid(),
  );
  const state = { ...model.stateDict(), labels: nn.tensor([7, -1], { dtype: "int32" }) };
  const { n, header, out } = specRead(await nn.encodeSafetensors(state));
  assertEquals(n % 8, 0);
  assertEquals(Object.keys(header), ["2.bias", "2.weight", "0.bias", "0.weight", "labels"]);
  assertEquals(out["0.weight"].dtype, "F32");
  assertEquals(out["2.weight"].dtype, "F64");
  for (const [name, t] of Object.entries(state)) {
    assertEquals(out[name].shape, t.shape, name);
    assertEquals(out[name].values, [...t.dataSync()], name);
  }
});

Deno.test("saveSafetensors and loadSafetensors round-trip a model's state dict", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.safetensors`;
    const a = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    await nn.saveSafetensors(a.stateDict(), path, { metadata: { format: "pt" } });
    const b = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    b.loadStateDict(await nn.loadSafetensors(path));
    const x = nn.tensor([[0.5, -2]]);
    assertEquals(b.forward(x).toArray(), a.forward(x).toArray());
    assertEquals(nn.decodeSafetensors(await Deno.readFile(path)).metadata, { format: "pt" });
    // A URL works as a path too.
    const url = new URL(`file://${dir}/url.safetensors`);
    await nn.saveSafetensors({ x }, url);
    assertEquals((await nn.loadSafetensors(url)).x.toArray(), [[0.5, -2]]);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "model.safetensors",
      "url.safetensors",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed save leaves an existing file as it was and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.safetensors`;
    await nn.saveSafetensors({ w: nn.tensor([1, 2]) }, path);
    const before = await Deno.readFile(path);
    const bad = { w: nn.tensor([3]), __metadata__: nn.tensor([0]) };
    await nn.saveSafetensors(bad, path).then(
      () => assert(false, "expected a TypeError"),
      (e) => assert(e instanceof TypeError && e.message.includes('"__metadata__" is reserved')),
    );
    const metadata = { n: 1 } as unknown as Record<string, string>;
    await nn.saveSafetensors({ w: nn.tensor([3]) }, path, { metadata }).then(
      () => assert(false, "expected a TypeError"),
      (e) => assert(e instanceof TypeError && e.message.includes('metadata "n" must be a string')),
    );
    assertEquals([...await Deno.readFile(path)], [...before]);
    await nn.saveSafetensors({ w: nn.tensor([3]) }, `${dir}/missing/m.safetensors`).then(
      () => assert(false, "expected NotFound"),
      (e) => assert(e instanceof Deno.errors.NotFound),
    );
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["model.safetensors"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A file with `header` (an object, or raw text) and `data` bytes after it, length set right. */
function file(header: unknown, data = new Uint8Array(0), length?: bigint): Uint8Array {
  const json = header instanceof Uint8Array
    ? header
    : new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

const f32 = (shape: number[], begin: number, end: number, dtype = "F32") => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

Deno.test("damaged files give a DataFormatError naming the file and the tensor", () => {
  const name = "bad.safetensors";
  const cases: [Uint8Array, string][] = [
    [
      new Uint8Array(5),
      "bad.safetensors: expected at least the 8-byte header length, found 5 bytes",
    ],
    [
      file({}, new Uint8Array(0), 1000n),
      "the header length 1000 is larger than the 2 bytes after it",
    ],
    [file("{not json"), "the header is not a JSON object"],
    [file("[1, 2]"), 'the header is not a JSON object: it starts with "[1, 2]"'],
    [file('"text"'), "the header is not a JSON object"],
    [file("null"), "the header is not a JSON object"],
    [file(new Uint8Array([123, 0xff, 125])), "the header is not valid UTF-8"],
    [
      file({ w: f32([2], 0, 8, "F16") }, new Uint8Array(8)),
      'tensor "w": dtype "F16" is not supported (expected F32, F64 or I32)',
    ],
    [
      file({ w: f32([2], 0, 8, "toString") }, new Uint8Array(8)),
      'tensor "w": dtype "toString" is not supported',
    ],
    [
      file({ w: f32([3], 0, 8) }, new Uint8Array(8)),
      'tensor "w": data_offsets [0, 8] hold 8 bytes, but F32 of shape [3] needs 12',
    ],
    [
      file({ w: f32([2], 8, 0) }, new Uint8Array(8)),
      'tensor "w": data_offsets [8, 0] hold -8 bytes',
    ],
    [
      file({ w: f32([-2], 0, 8) }, new Uint8Array(8)),
      'tensor "w": expected shape to be a list of sizes, found [-2]',
    ],
    [
      file({ w: { dtype: "F32", shape: [2] } }, new Uint8Array(8)),
      'tensor "w": expected data_offsets to be [begin, end], found undefined',
    ],
    [file({ w: [1] }), 'tensor "w": expected an object with dtype, shape and data_offsets'],
    [
      file({ w: f32([2], 0, 8) }, new Uint8Array(4)),
      'tensor "w": data_offsets [0, 8] run past the 4-byte data buffer',
    ],
    [
      file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, new Uint8Array(12)),
      'tensor "b": data_offsets [4, 12] overlap tensor "a", which ends at 8',
    ],
    [
      file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, new Uint8Array(12)),
      'tensor "b": data_offsets [8, 12] leave a gap after byte 4',
    ],
    [
      file({ w: f32([2], 0, 8) }, new Uint8Array(12)),
      "the tensors cover 8 of the 12 bytes of the data buffer",
    ],
    [file({ __metadata__: { n: 1 } }), '__metadata__ "n" must be a string, found 1'],
    [file({ __metadata__: "pt" }), "__metadata__ must be an object of strings"],
  ];
  for (const [bytes, message] of cases) {
    assertThrows(() => nn.decodeSafetensors(bytes, name), nn.DataFormatError, message);
    assertThrows(() => nn.decodeSafetensors(bytes, name), nn.DataFormatError, `${name}: `);
  }
});

Deno.test("loadSafetensors names the file in its errors; odd names stay plain keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/truncated.safetensors`;
    await Deno.writeFile(path, reference.subarray(0, 100));
    await nn.loadSafetensors(path).then(
      () => assert(false, "expected a DataFormatError"),
      (e) => {
        assert(e instanceof nn.DataFormatError, String(e));
        assert(e.message.startsWith(`${path}: the header length 616 is larger than`), e.message);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
  const odd = file(header, new Uint8Array([0, 0, 128, 63]));
  const { tensors } = nn.decodeSafetensors(odd);
  assertEquals(Object.keys(tensors), ["__proto__"]);
  assertEquals(tensors["__proto__"].toArray(), [1]);
  assertEquals(Object.getPrototypeOf(tensors), Object.prototype);
});
