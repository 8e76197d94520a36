/**
 * Fuzzing the safetensors reader: a state dict's file damaged byte by byte,
 * and its header damaged field by field (a dtype, a size, an offset swapped
 * for a hostile value, then the file put back together with the right header
 * length, so the checks past the JSON are reached). Each case ends in tensors
 * that fill their shapes and survive a round trip, or in a DataFormatError.
 */

import { DataFormatError, decodeSafetensors, encodeSafetensors, tensor } from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";
import { fuzz, mutate, type Rng, tokens } from "./mutate.ts";

const GOOD = await encodeSafetensors({
  "0.weight": tensor([[0.5, -1], [2, 0.25], [1e-3, 3]]),
  "0.bias": tensor([0.1, 0.2, 0.3], { dtype: "float64" }),
  "steps": tensor([7], { dtype: "int32" }),
}, { metadata: { format: "pt" } });
const HEADER_LENGTH = Number(new DataView(GOOD.buffer).getBigUint64(0, true));
const HEADER = JSON.parse(new TextDecoder().decode(GOOD.subarray(8, 8 + HEADER_LENGTH)));
const DATA = GOOD.subarray(8 + HEADER_LENGTH);

const TOKENS = tokens(
  '"',
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "-1",
  "1e999",
  "NaN",
  '"F16"',
  '"__proto__"',
  '"__metadata__"',
  "null",
);
const VALUES = [
  -1,
  0,
  1,
  2,
  3,
  4,
  7,
  8,
  12,
  24,
  1.5,
  2 ** 31,
  2 ** 53,
  1e300,
  "F32",
  "F64",
  "I32",
  "BF16",
  "",
  null,
  [],
  {},
  [1, 2],
  [3, 2],
  [0],
];

/** The header with one field of one tensor (or of the metadata) changed. */
function damageHeader(rng: Rng): Uint8Array {
  const header = structuredClone(HEADER);
  const names = Object.keys(header);
  const name = rng.pick(names);
  const field = rng.pick(["dtype", "shape", "data_offsets", "entry", "rename"]);
  if (field === "entry") header[name] = rng.pick(VALUES);
  else if (field === "rename") {
    // defineProperty, not `=`: assigning "__proto__" trips Deno's disabled accessor, and Deno
    // then blames every later failure in the process on it.
    Object.defineProperty(header, rng.pick(["__proto__", "constructor", "x", names[0]]), {
      value: header[name],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    if (rng.next() < 0.5) delete header[name];
  } else if (Array.isArray(header[name]?.[field]) && rng.next() < 0.7) {
    const list = header[name][field];
    list[rng.int(list.length + 1)] = rng.pick(VALUES);
  } else if (header[name] !== null && typeof header[name] === "object") {
    header[name][field] = rng.pick(VALUES);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const data = rng.next() < 0.2 ? DATA.subarray(0, rng.int(DATA.length)) : DATA;
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

Deno.test("fuzz safetensors: damaged files decode to whole tensors or give a DataFormatError", async () => {
  const report = await fuzz({
    name: "decodeSafetensors",
    seed: 1313,
    cases: 4000,
    input: (rng) => rng.next() < 0.5 ? mutate(GOOD, rng, TOKENS) : damageHeader(rng),
    parse: (input) => decodeSafetensors(input, "fuzz.safetensors"),
    check: async ({ tensors, metadata }) => {
      for (const t of Object.values(tensors)) {
        assertEquals(t.size, t.shape.reduce((a, b) => a * b, 1), "values fill the shape");
      }
      // What was read writes and reads back the same.
      const again = decodeSafetensors(await encodeSafetensors(tensors, { metadata }));
      assertEquals(Object.keys(again.tensors).sort(), Object.keys(tensors).sort());
      for (const [name, t] of Object.entries(tensors)) {
        assertEquals(
          [...again.tensors[name].dataSync()].map(String),
          [...t.dataSync()].map(String),
        );
      }
    },
    allowed: [DataFormatError],
  });
  assert(report.valid > 0 && report.refused > report.cases / 4, JSON.stringify(report));
});
