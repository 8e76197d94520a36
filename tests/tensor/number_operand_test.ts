/**
 * A number operand (`x.mul(0.5)`) is kept as a 0-d tensor by dtype and value
 * and reused (lib/tensor/ops/binary.ts): results are as if each were new, for
 * every dtype, for -0 and 0, NaN, past the cache's size, and in and out of tidy.
 */

import * as nn from "../../mod.ts";
import { assertEquals } from "../assert.ts";

Deno.test("number operands: the same number in another dtype, and -0 apart from 0", () => {
  const f = nn.tensor([1, 2], { dtype: "float64" }), i = nn.tensor([1, 2], { dtype: "int32" });
  assertEquals([f.mul(3).dtype, i.mul(3).dtype, i.mul(0.5).dtype], ["float64", "int32", "float32"]);
  assertEquals(i.mul(0.5).toArray(), [0.5, 1]);
  assertEquals(nn.tensor([1]).mul(0).div(nn.tensor([0])).toArray(), [NaN]);
  // 1 / (1·-0) is -Infinity and 1 / (1·0) is Infinity, in either order.
  const one = nn.tensor([1], { dtype: "float64" });
  for (const order of [[-0, 0], [0, -0]]) {
    assertEquals(
      order.map((z) => nn.tensor([1], { dtype: "float64" }).div(one.mul(z)).item()),
      order.map((z) => 1 / z),
    );
  }
  assertEquals(f.add(NaN).toArray(), [NaN, NaN]);
});

Deno.test("number operands: reused across tidy scopes and past the cache's size", () => {
  const x = nn.tensor([1, 2, 3], { dtype: "float64" });
  for (let round = 0; round < 3; round++) {
    // 100 distinct numbers: more than are kept, so the oldest are made again.
    for (let k = 0; k < 100; k++) {
      const y = nn.tidy(() => x.mul(k).add(k / 2));
      assertEquals(y.toArray(), [1.5 * k, 2.5 * k, 3.5 * k]);
    }
  }
});

Deno.test("number operands: a gradient never reaches the kept number", () => {
  const w = nn.tensor([2, 3], { dtype: "float64", requiresGrad: true });
  for (let k = 0; k < 2; k++) {
    w.grad = null;
    w.mul(5).sum().backward();
    assertEquals(w.grad!.toArray(), [5, 5]); // the same each time: nothing accumulates
  }
});
