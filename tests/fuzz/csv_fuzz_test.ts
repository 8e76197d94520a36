/**
 * Fuzzing the CSV parser: lines of the real ex2data2, damaged, with and
 * without a header, with and without column names. Each case ends in a table
 * whose rows all have one number per column, or in a DataFormatError.
 */

import { DataFormatError, parseCsv, readCsv } from "../../mod.ts";
import { assert } from "../assert.ts";
import { fuzz, mutate, tokens } from "./mutate.ts";
import { EX2DATA2_TEXT } from "../datasets.ts";

const SEED_TEXT = EX2DATA2_TEXT.split("\n").slice(0, 12).join("\n");
const BASES = [
  new TextEncoder().encode(SEED_TEXT),
  new TextEncoder().encode(`x1,x2,accepted\r\n${SEED_TEXT.replaceAll("\n", "\r\n")}`),
  new TextEncoder().encode('"a","b ""quoted""","c"\n1,"2",3\n\n4, 5 ,6\r'),
];
const TOKENS = tokens(
  '"',
  '""',
  ",",
  "\r",
  "\n",
  "\r\n",
  "\0",
  "\uFEFF",
  " ",
  "nan",
  "-inf",
  "1e999",
  "1e",
  ".",
  "-",
  "0x1f",
  "\u00e9",
  "\t",
);

Deno.test("fuzz csv: damaged CSV text parses to a full table or a DataFormatError", async () => {
  const decoder = new TextDecoder();
  const dir = await Deno.makeTempDir({ prefix: "nn_fuzz_csv_" });
  try {
    const report = await fuzz({
      name: "parseCsv",
      seed: 42,
      cases: 4000,
      input: (rng) => mutate(rng.pick(BASES), rng, TOKENS),
      parse: async (input) => {
        const flags = input.length % 3; // the options vary with the input
        const options = {
          header: flags === 1,
          ...(flags === 2 ? { names: ["x1", "x2", "accepted"] } : {}),
        };
        // One case in four as a file, through readText's UTF-8 check.
        if (input.length % 4 !== 0) {
          return parseCsv(decoder.decode(input), { ...options, source: "fuzz.csv" });
        }
        await Deno.writeFile(`${dir}/fuzz.csv`, input);
        return await readCsv(`${dir}/fuzz.csv`, options);
      },
      check: (table) => {
        assert(table.rows.length > 0, "no rows");
        for (const row of table.rows) {
          assert(row.length === table.names.length, `${row.length} for ${table.names.length}`);
          assert(row.every((v) => typeof v === "number"), "a cell that is not a number");
        }
      },
      allowed: [DataFormatError],
    });
    assert(report.valid > 0 && report.refused > report.cases / 10, JSON.stringify(report));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
