/** standardize against NumPy (tests/fixtures/data/make_standardize.py). */

import { join } from "node:path";
import { readCsv, ShapeError, standardize, tensor } from "../../mod.ts";
import { assertClose, assertEquals, assertThrows } from "../assert.ts";
import { FIXTURES } from "./helpers.ts";

interface ZScores {
  mean: number[];
  std: number[];
  Z: number[][];
  applied: number[][];
}
const fixture: {
  X: number[][];
  new: number[][];
  ddof1: ZScores;
  ddof0: ZScores;
  ex2data2: ZScores & { rows: number; y_sum: number };
} = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/data/standardize.json", import.meta.url)),
);

const f64 = (rows: number[][]) => tensor(rows, { dtype: "float64" });

function check(
  z: ReturnType<typeof standardize>,
  expected: ZScores,
  newX: number[][],
  rtol: number,
) {
  assertClose(z.mean.dataSync(), expected.mean.flat(), rtol, 1e-12, "mean");
  assertClose(z.std.dataSync(), expected.std.flat(), rtol, 0, "std");
  assertClose(z.X.dataSync(), expected.Z.flat(), rtol, 1e-12, "Z");
  assertClose(z.apply(f64(newX)).dataSync(), expected.applied.flat(), rtol, 1e-12, "apply");
}

Deno.test("standardize: ddof 1 (pandas' .std(), the default) matches NumPy", () => {
  const z = standardize(f64(fixture.X));
  assertEquals(z.mean.shape, [3]);
  check(z, fixture.ddof1, fixture.new, 1e-13);
});

Deno.test("standardize: ddof 0 (np.std's default) matches NumPy", () => {
  check(standardize(f64(fixture.X), { ddof: 0 }), fixture.ddof0, fixture.new, 1e-13);
});

Deno.test("standardize: the book's z-score of ex2data2", async () => {
  const table = await readCsv(join(FIXTURES, "ex2data2.txt"), { names: ["x1", "x2", "y"] });
  const ex2 = fixture.ex2data2;
  assertEquals(table.length, ex2.rows);
  const z = standardize(table.toTensor(["x1", "x2"], { dtype: "float64" }));
  check(z, ex2, table.rows.slice(0, 3).map((row) => row.slice(0, 2)), 1e-12);
  // float32, the default dtype, agrees to float32 precision.
  const z32 = standardize(table.toTensor(["x1", "x2"]));
  assertEquals(z32.X.dtype, "float32");
  assertClose(z32.X.dataSync(), ex2.Z.flat(), 1e-5, 1e-6, "float32");
});

Deno.test("standardize: the result has mean 0 and the chosen std 1", () => {
  const z = standardize(f64(fixture.X), { ddof: 1 });
  assertClose(z.X.mean(0).dataSync(), [0, 0, 0], 0, 1e-15);
  assertClose(z.X.std(0, { ddof: 1 }).dataSync(), [1, 1, 1], 1e-14);
});

Deno.test("standardize: bad ddof and mismatched new data are errors", () => {
  const X = f64([[1, 2], [3, 4]]);
  assertThrows(
    () => standardize(X, { ddof: 2 }),
    RangeError,
    "integer in [0, 1] for 2 rows, found 2",
  );
  assertThrows(() => standardize(X, { ddof: -1 }), RangeError, "found -1");
  assertThrows(() => standardize(X, { ddof: 0.5 }), RangeError, "found 0.5");
  assertThrows(() => standardize(tensor(3)), ShapeError, "found a scalar");
  assertThrows(
    () => standardize(X).apply(f64([[1, 2, 3]])),
    ShapeError,
    "expected rows of shape [2] as in the data it was fitted on, found [3]",
  );
});

Deno.test("standardize: gradients flow through it", () => {
  const X = tensor([[1, 2], [3, 5], [4, 9]], { dtype: "float64", requiresGrad: true });
  const z = standardize(X);
  z.X.mul(z.X).sum().backward();
  // Σ z² over a column is n - ddof whatever X is, so its gradient is 0.
  assertClose(X.grad!.dataSync(), [0, 0, 0, 0, 0, 0], 0, 1e-12);
});
