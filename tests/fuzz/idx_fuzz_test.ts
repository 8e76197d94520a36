/**
 * Fuzzing the IDX reader: small image and label files, damaged raw, gzipped
 * after damage (the header checks behind the inflater), and damaged after
 * gzip (the inflater itself). Each case ends in values that fill the
 * header's shape exactly, or in a DataFormatError; never a hang.
 */

import {
  DataFormatError,
  type IdxArray,
  type IdxHeader,
  readIdx,
  readIdxHeader,
} from "../../mod.ts";
import { assert } from "../assert.ts";
import { gzip, idx } from "../hostile/helpers.ts";
import { fuzz, mutate } from "./mutate.ts";

const RAW = [
  idx([5, 4, 4], Uint8Array.from({ length: 80 }, (_, i) => (i * 37) % 256)),
  idx([6], [7, 2, 1, 0, 4, 1]),
];
const GZIPPED = await Promise.all(RAW.map(gzip));
/** Header fields worth splicing in: big and small sizes, magic numbers. */
const TOKENS = [
  [0, 0, 8, 3],
  [0, 0, 8, 1],
  [0, 0, 8, 0xff],
  [0xff, 0xff, 0xff, 0xff],
  [0x7f, 0xff, 0xff, 0xff],
  [0, 0, 0, 0],
  [0x1f, 0x8b],
  // Sizes whose product passes 2^32 and 2^53 (or is 0 times a huge one): refused at once.
  [0x00, 0x01, 0x00, 0x00],
  [0x00, 0x00, 0x00, 0x21],
  [0x10, 0x00, 0x00, 0x01],
].map((t) => new Uint8Array(t));

Deno.test("fuzz idx: damaged IDX files, gzipped or not, read fully or give a DataFormatError", async () => {
  const report = await fuzz({
    name: "readIdx",
    seed: 2051,
    cases: 1500,
    input: async (rng) => {
      const which = rng.int(RAW.length);
      switch (rng.int(3)) {
        case 0:
          return mutate(RAW[which], rng, TOKENS);
        case 1:
          return await gzip(mutate(RAW[which], rng, TOKENS));
        default:
          return mutate(GZIPPED[which], rng, TOKENS);
      }
    },
    parse: (input): Promise<IdxHeader | IdxArray> =>
      input.length % 7 === 0 ? readIdxHeader(input) : readIdx(input),
    check: (result) => {
      assert(result.dims.length === (result.magic & 0xff), "as many sizes as the magic says");
      if ("data" in result) {
        const size = result.dims.reduce((a, b) => a * b, 1);
        assert(result.data.length === size, `${result.data.length} values for ${result.dims}`);
      }
    },
    allowed: [DataFormatError],
  });
  assert(report.valid > 0 && report.refused > report.cases / 4, JSON.stringify(report));
});
