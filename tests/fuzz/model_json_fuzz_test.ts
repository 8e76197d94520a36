/**
 * Fuzzing the model.json reader: the book's 2-10-1 model (data/model.json),
 * damaged as text, and with one of its values swapped for a hostile one
 * (deep nesting, NaN as Python writes it, strings, objects, `__proto__`
 * keys). Each case ends in a network whose weights write back to the same
 * model.json, or in a DataFormatError.
 */

import { DataFormatError, parseModelJson, toModelJson } from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";
import { fuzz, mutate, type Rng, tokens } from "./mutate.ts";

const TEXT = await Deno.readTextFile(new URL("../../data/model.json", import.meta.url));
const MODEL = JSON.parse(TEXT);
const BASES = [TEXT, JSON.stringify(MODEL, null, 2)].map((t) => new TextEncoder().encode(t));
const TOKENS = tokens(
  "NaN",
  "-Infinity",
  "1e999",
  "null",
  '"0.5"',
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  '"__proto__"',
  "[[",
  "]]",
  "-",
  "\uFEFF",
);
const HOSTILE = [
  "NaN",
  "1e999",
  "null",
  '"1"',
  "[]",
  "[[]]",
  "{}",
  '{"__proto__": [[1]]}',
  "[".repeat(5000) + "]".repeat(5000),
  "[[" + "1,".repeat(5000) + "1]]",
  "true",
  "-0",
  "5e-324",
  // Finite in float64, not in float32 (3.4028234663852886e38 is float32's largest).
  "1e308",
  "3.5e38",
  "-3.5e38",
];

/** The model's text with one value (a key's array, a row or a number) replaced. */
function damageValue(rng: Rng): Uint8Array {
  const model = structuredClone(MODEL);
  const key = rng.pick(["weights1", "bias1", "weights2", "bias2"]);
  const marker = "\u0000HOSTILE\u0000";
  const depth = rng.int(3);
  if (depth === 0) model[key] = marker;
  else if (depth === 1) model[key][rng.int(model[key].length)] = marker;
  else {
    const row = model[key][rng.int(model[key].length)];
    row[rng.int(row.length)] = marker;
  }
  if (rng.next() < 0.1) delete model[rng.pick(["weights1", "bias1", "weights2", "bias2"])];
  const text = JSON.stringify(model).replace(JSON.stringify(marker), rng.pick(HOSTILE));
  return new TextEncoder().encode(text);
}

Deno.test("fuzz model.json: damaged models load whole or give a DataFormatError", async () => {
  const decoder = new TextDecoder();
  const report = await fuzz({
    name: "parseModelJson",
    seed: 4321,
    cases: 3000,
    input: (rng) => rng.next() < 0.5 ? mutate(rng.pick(BASES), rng, TOKENS) : damageValue(rng),
    parse: (input) => parseModelJson(decoder.decode(input), "fuzz.json"),
    check: (net, input) => {
      const [inputs, hidden, outputs] = net.sizes;
      assertEquals(net.weights1.shape, [inputs, hidden]);
      assertEquals(net.weights2.shape, [hidden, outputs]);
      // What was read writes back to the same numbers. (Compared as JSON text: JSON.stringify
      // writes -0 as 0, as JSON.parse reads it, and a model that loads holds finite values only.)
      const back = JSON.parse(toModelJson(net));
      const read = JSON.parse(decoder.decode(input));
      for (const key of ["weights1", "bias1", "weights2", "bias2"]) {
        assertEquals(JSON.stringify(back[key]), JSON.stringify(read[key]), key);
      }
    },
    allowed: [DataFormatError],
  });
  assert(report.valid > 0 && report.refused > report.cases / 4, JSON.stringify(report));
});

Deno.test("fuzz model.json: read as float32, values past float32's range are refused, never Infinity", async () => {
  const decoder = new TextDecoder();
  const report = await fuzz({
    name: "parseModelJson float32",
    seed: 4322,
    cases: 1500,
    input: (rng) => damageValue(rng),
    parse: (input) => parseModelJson(decoder.decode(input), "fuzz.json", "float32"),
    check: (net) => {
      for (const w of Object.values(net.weights())) {
        assert(w.dtype === "float32" && w.dataSync().every(Number.isFinite), "finite float32");
      }
    },
    allowed: [DataFormatError],
  });
  assert(report.valid > 0 && report.refused > report.cases / 4, JSON.stringify(report));
});
