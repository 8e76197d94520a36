/**
 * Mini-batches over tensors and over any batch source: sizes, the last
 * partial batch, dropLast, NumPy's permutation for a seed, every index once
 * per epoch, reproducible epochs from a generator, and gathering one batch at
 * a time. (Batches over the real Fashion-MNIST are in mnist_test.ts, which
 * loads it once.)
 */

import {
  type Batch,
  batchCount,
  batches,
  Generator,
  manualSeed,
  MnistData,
  ShapeError,
  tensor,
} from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/data/mnist.json", import.meta.url)),
);

/** 23 examples: X row i is [i, 100 + i], y[i] is i % 3. */
const X = tensor(Array.from({ length: 23 }, (_, i) => [i, 100 + i]), { dtype: "float64" });
const y = tensor(Array.from({ length: 23 }, (_, i) => i % 3), { dtype: "int32" });

const order = (epoch: Batch[]) => epoch.flatMap((b) => [...b.indices]);

Deno.test("batches: in order, with a last partial batch, or without it", () => {
  const epoch = [...batches(X, y, { batchSize: 5 })];
  assertEquals(epoch.map((b) => b.X.shape), [[5, 2], [5, 2], [5, 2], [5, 2], [3, 2]]);
  assertEquals(order(epoch), Array.from({ length: 23 }, (_, i) => i));
  assertEquals(epoch[4].X.toArray(), [[20, 120], [21, 121], [22, 122]]);
  assertEquals([epoch[4].y.toArray(), epoch[4].y.dtype], [[2, 0, 1], "int32"]);
  const dropped = [...batches(X, y, { batchSize: 5, dropLast: true })];
  assertEquals(dropped.map((b) => b.indices.length), [5, 5, 5, 5]);
  assertEquals([...batches(X, y, { batchSize: 23, dropLast: true })].length, 1);
  assertEquals([...batches(X, y, { batchSize: 24, dropLast: true })].length, 0);
  assertEquals([...batches(X, y, { batchSize: 24 })].map((b) => b.indices.length), [23]);
  assertEquals(
    [batchCount(23, { batchSize: 5 }), batchCount(23, { batchSize: 5, dropLast: true })],
    [5, 4],
  );
});

Deno.test("batches: shuffled with a seed in NumPy's order, every index once, rows gathered", () => {
  const epoch = [...batches(X, y, { batchSize: 5, shuffle: true, seed: 42 })];
  assertEquals(order(epoch), fixture.permutations.seed42n23); // np.random.seed(42); permutation(23)
  for (const batch of epoch) {
    assertEquals(batch.X.toArray(), [...batch.indices].map((i) => [i, 100 + i]));
    assertEquals(batch.y.toArray(), [...batch.indices].map((i) => i % 3));
  }
  const again = [...batches(X, y, { batchSize: 5, shuffle: true, seed: 42 })];
  assertEquals(order(again), order(epoch), "the same seed, the same order");
  const other = order([...batches(X, y, { batchSize: 5, shuffle: true, seed: 43 })]);
  assert(other.join() !== order(epoch).join(), "another seed, another order");
  assertEquals([...other].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
});

Deno.test("batches: a generator gives each epoch a new order, reproducibly; manualSeed governs the default", () => {
  const run = (seed: number) => {
    const generator = new Generator(seed);
    return [0, 1, 2].map(() =>
      order([...batches(X, y, { batchSize: 4, shuffle: true, generator })])
    );
  };
  const [a, b] = [run(0), run(0)];
  assertEquals(a, b);
  assert(a[0].join() !== a[1].join() && a[1].join() !== a[2].join(), "epochs differ");
  assertEquals(a[0], order([...batches(X, y, { batchSize: 4, shuffle: true, seed: 0 })]));
  manualSeed(0);
  const ten = tensor(Array.from({ length: 10 }, (_, i) => i));
  assertEquals(
    order([...batches(ten, ten, { batchSize: 3, shuffle: true })]),
    fixture.permutations.seed0n10,
  );
});

Deno.test("batches: one batch is gathered at a time, when the loop reaches it", () => {
  const gathered: number[][] = [];
  const source = {
    count: 10,
    batch(indices: Int32Array): Batch {
      gathered.push([...indices]);
      const t = tensor(indices, { dtype: "int32" });
      return { X: t, y: t, indices };
    },
  };
  const iterator = batches(source, { batchSize: 4 });
  assertEquals(gathered.length, 0);
  iterator.next();
  assertEquals(gathered, [[0, 1, 2, 3]]);
  for (const _ of iterator) { /* the rest */ }
  assertEquals(gathered, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
});

Deno.test("batches: over MnistData, uint8 rows become float32 [b, rows*cols] in [0, 1]", () => {
  const data = new MnistData({
    pixels: Uint8Array.from({ length: 5 * 4 }, (_, i) => i * 12),
    labels: new Int32Array([3, 1, 4, 1, 5]),
    rows: 2,
    cols: 2,
  });
  const [first, second] = [...batches(data, { batchSize: 3, shuffle: true, seed: 0 })];
  // np.random.seed(0); np.random.permutation(5) is [2, 0, 1, 3, 4].
  assertEquals([...first.indices, ...second.indices], [2, 0, 1, 3, 4]);
  assertEquals([first.X.shape, first.X.dtype, first.y.dtype], [[3, 4], "float32", "int32"]);
  assertEquals(first.y.toArray(), [4, 3, 1]);
  assertEquals(
    [...first.X.dataSync().subarray(0, 4)],
    [96, 108, 120, 132].map((p) => Math.fround(p / 255)),
  );
  const f64 = new MnistData({ ...data, dtype: "float64" });
  const [all] = [...batches(f64, { batchSize: 5 })];
  assertEquals(all.X.dtype, "float64");
  assertEquals((all.X.toArray() as number[][])[4], [192, 204, 216, 228].map((p) => p / 255));
});

Deno.test("batches: bad arguments", () => {
  assertThrows(
    () => batches(X, y, { batchSize: 0 }),
    RangeError,
    "batchSize to be a positive integer, found 0",
  );
  assertThrows(() => batches(X, y, { batchSize: 2.5 }), RangeError, "found 2.5");
  assertThrows(
    () => batches(X, y.slice(0, 22), { batchSize: 2 }),
    ShapeError,
    "found X of shape [23,2] and y of shape [22]",
  );
  assertThrows(
    () => batches(X, y, { batchSize: 2, seed: 1, generator: new Generator(1) }),
    TypeError,
    "expected a seed or a generator, found both",
  );
});
