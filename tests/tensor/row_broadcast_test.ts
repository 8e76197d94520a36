/**
 * The CPU's written-out loop for a row repeated down every row (a bias,
 * `x [..., n] op y [n]`): every op and dtype gives what element-by-element
 * broadcasting gives, for a row of one value, 2-D and 3-D x, and y with
 * leading 1s.
 */

import * as nn from "../../mod.ts";
import { BINARY_OPS } from "../../lib/tensor/binary_ops.ts";
import { assertEquals } from "../assert.ts";

/** `x op y` computed here: x [rows·n], y a row of n, by the op's own scalar function. */
function expected(op: keyof typeof BINARY_OPS, x: number[], y: number[]): number[] {
  const f = BINARY_OPS[op].cpu;
  return x.map((v, i) => f(v, y[i % y.length]));
}

Deno.test("a row repeated down the rows: each op, each dtype, 2-D and 3-D, y with leading 1s", () => {
  const cases: [number[], number[]][] = [[[3, 4], [4]], [[2, 3, 4], [1, 1, 4]], [[5, 1], [1]], [[
    6,
    7,
  ], [1, 7]]];
  for (const op of ["add", "sub", "mul", "div", "maximum", "pow"] as const) {
    if (!(op in BINARY_OPS)) continue;
    for (const dtype of ["float64", "float32", "int32"] as const) {
      if (dtype === "int32" && (op === "div" || op === "pow")) continue;
      for (const [xShape, yShape] of cases) {
        const xs = Array.from({ length: xShape.reduce((a, b) => a * b) }, (_, i) => (i % 7) - 3);
        const ys = Array.from({ length: yShape.at(-1)! }, (_, i) => (i % 3) + 1);
        const x = nn.tensor(xs, { dtype }).reshape(xShape),
          y = nn.tensor(ys, { dtype }).reshape(yShape);
        const want = nn.tensor(expected(op, xs, ys), { dtype });
        const got = (x as unknown as Record<string, (o: nn.Tensor) => nn.Tensor>)[op](y);
        assertEquals(
          got.dataSync(),
          want.dataSync(),
          `${op} ${dtype} [${xShape}] with [${yShape}]`,
        );
      }
    }
  }
});
