/**
 * Stepped slicing against NumPy's `x[start:end:step]` (worked out by hand
 * here, as Python's slice rules give them), its errors, and its gradient
 * landing on the entries taken.
 */

import * as nn from "../../mod.ts";
import { assertEquals, assertThrows } from "../assert.ts";

/** Python's `range(*slice(start, end, step).indices(n))`, the entries x[start:end:step] takes. */
function pythonSlice(n: number, start: number, end: number | undefined, step: number): number[] {
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const out: number[] = [];
  for (let i = clamp(start); i < clamp(end ?? n); i += step) out.push(i);
  return out;
}

Deno.test("slice with a step takes what Python's x[start:end:step] takes", () => {
  const x = nn.arange(11);
  for (const start of [0, 1, -4, 10, 20, -20]) {
    for (const end of [undefined, 11, 7, -2, 0, 30]) {
      for (const step of [1, 2, 3, 5, 12]) {
        assertEquals(
          x.slice(start, end, 0, step).toArray(),
          pythonSlice(11, start, end, step),
          `x[${start}:${end ?? ""}:${step}]`,
        );
      }
    }
  }
  // Along an inner axis of a 3-d tensor.
  const y = nn.arange(24).reshape([2, 3, 4]);
  assertEquals(y.slice(1, undefined, 2, 2).toArray(), [[[1, 3], [5, 7], [9, 11]], [
    [13, 15],
    [17, 19],
    [21, 23],
  ]]);
});

Deno.test("slice: a step that is not a positive integer is an error naming it", () => {
  const x = nn.arange(5);
  assertThrows(() => x.slice(0, 5, 0, 0), RangeError, "slice: expected a positive step, found 0");
  assertThrows(() => x.slice(0, 5, 0, -1), RangeError, "expected a positive step, found -1");
  assertThrows(() => x.slice(0, 5, 0, 1.5), TypeError, "slice: expected an integer step");
});

Deno.test("slice with a step: the gradient lands on the entries taken", () => {
  const x = nn.zeros([7], { dtype: "float64", requiresGrad: true });
  x.slice(1, 6, 0, 2).mul(nn.tensor([1, 2, 3], { dtype: "float64" })).sum().backward();
  assertEquals(x.grad!.toArray(), [0, 1, 0, 2, 0, 3, 0]);
});
