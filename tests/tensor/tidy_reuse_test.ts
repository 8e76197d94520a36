/**
 * `tidyReusing(fn)` (lib/tensor/tensor.ts, internal): an element-wise op
 * writes its result over its first operand, NumPy's temporary elision, only
 * where nothing can see it (made in this scope, not kept, not shared, not
 * needed by a gradient), and gives the values `tidy` gives, to the bit.
 */

import * as nn from "../../mod.ts";
import type { TypedArray } from "../../lib/tensor/dtype.ts";
import { tidyReusing } from "../../lib/tensor/tensor.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

/** The array behind a CPU tensor (internal: to see which memory it uses). */
const arrayOf = (t: nn.Tensor) => t.storage as TypedArray;

/** 200×64 float64 (100 kB): large enough for its memory to be reused. */
const X = nn.randn([200, 32], { dtype: "float64" });
const W = nn.randn([32, 64], { dtype: "float64" });
const b = nn.randn([1, 64], { dtype: "float64" });

/** The book's hidden layer, `relu(X·W + b)`, in a tidy with or without reuse. */
function hidden(reuse: boolean) {
  let z: nn.Tensor | undefined, zArray: TypedArray | undefined;
  const a = (reuse ? tidyReusing : nn.tidy)(() => {
    z = X.matmul(W);
    zArray = arrayOf(z);
    return z.add(b).relu().mul(0.5).sub(nn.tensor(0.25, { dtype: "float64" }));
  });
  return { a, z: z!, zArray: zArray! };
}

Deno.test("tidy reuse: relu(X·W + b) is one array, with the values of three", () => {
  const plain = hidden(false), reused = hidden(true);
  assertEquals(reused.a.dataSync(), plain.a.dataSync());
  assert(arrayOf(reused.a) === reused.zArray, "the result is written over X·W's memory");
  assert(arrayOf(plain.a) !== plain.zArray, "without reuse, a new array");
  assertThrows(() => reused.z.sum(), Error, "was reused for the result of an op");
  assertEquals(plain.z.isDisposed, true); // freed by the tidy, as ever
});

Deno.test("tidy reuse: tensors made outside, kept, shared, transposed or small are never overwritten", () => {
  const before = X.dataSync();
  tidyReusing(() => {
    X.add(1); // made outside this tidy
    const kept = nn.keep(X.mul(2));
    kept.add(1);
    assertEquals(kept.isDisposed, false);
    const z = X.mul(3), view = z.reshape([100, 64]);
    z.add(1); // its memory is shared with a view
    assertEquals(z.isDisposed, false);
    assertEquals(view.dataSync(), X.mul(3).reshape([100, 64]).dataSync());
    const t = X.mul(1).T; // a deferred transpose holds its source's memory
    t.add(1);
    assertEquals(t.isDisposed, false);
    const small = nn.tensor([1, 2, 3]);
    small.add(1); // a small array has no count of who holds it
    assertEquals(small.isDisposed, false);
    kept.dispose();
  });
  assertEquals(X.dataSync(), before);
});

Deno.test("tidy reuse: only the innermost tidy's own tensors, and only when it asks", () => {
  tidyReusing(() => {
    const outer = X.mul(2);
    tidyReusing(() => {
      outer.add(1); // made in the outer scope
    });
    assertEquals(outer.isDisposed, false);
    const inner = nn.tidy(() => {
      const z = outer.mul(1);
      z.add(1); // this inner tidy does not ask for reuse
      assertEquals(z.isDisposed, false);
      return z;
    });
    assertEquals(inner.isDisposed, false);
  });
});

Deno.test("tidy reuse: the first operand only, of the result's shape and dtype", () => {
  tidyReusing(() => {
    const z = X.matmul(W);
    const row = tidyReusing(() => b.mul(1));
    const sum = row.add(z); // row is broadcast: the result is z's shape, not row's
    assertEquals(row.isDisposed, false);
    assertEquals(sum.shape, [200, 64]);
    const mask = sum.gt(0).astype("int32");
    const scaled = mask.mul(0.5); // int32 · a fraction is float32: not mask's dtype
    assertEquals([mask.isDisposed, scaled.dtype], [false, "float32"]);
    const want = X.matmul(W).mul(2).dataSync();
    const same = z.add(z); // both operands are z: each element read before it is written
    assertEquals([z.isDisposed, same.dataSync()], [true, want]);
  });
});

Deno.test("tidy reuse: never where a gradient needs the operand's values", () => {
  const w = nn.randn([32, 64], { dtype: "float64" });
  w.requiresGrad = true;
  tidyReusing(() => {
    const z = X.matmul(w);
    const y = z.mul(z); // recorded: mul's backward reads z
    assertEquals([z.isDisposed, y.node?.op], [false, "mul"]);
    const r = y.relu(); // recorded too: relu's backward reads y
    assertEquals([y.isDisposed, r.node?.op], [false, "relu"]);
    // c is no part of a graph, but c·p records, and its backward reads c (p's gradient).
    const p = nn.randn([1, 64], { dtype: "float64" });
    p.requiresGrad = true;
    const c = X.matmul(W);
    c.mul(p);
    assertEquals(c.isDisposed, false);
    // z is in a graph: a later backward may read it, even with recording off now.
    nn.noGrad(() => z.mul(2));
    assertEquals(z.isDisposed, false);
    // Made and used with recording off, nothing needs it: reused.
    const free = nn.noGrad(() => X.matmul(w));
    const values = nn.noGrad(() => free.mul(2));
    assertEquals(free.isDisposed, true);
    assertEquals(values.dataSync(), nn.noGrad(() => X.matmul(w).mul(2)).dataSync());
  });
});
