/** Making, reading, printing tensors; dtypes; errors; autograd's bookkeeping. */

import * as nn from "../../mod.ts";
import { ShapeError } from "../../mod.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

Deno.test("tensor() infers shapes and dtypes, and copies its input", () => {
  const x = nn.tensor([[1, 2, 3], [4, 5, 6]]);
  assertEquals([x.shape, x.dtype, x.size, x.ndim], [[2, 3], "float32", 6, 2]);
  assertEquals(nn.tensor(5).shape, []);
  assertEquals(nn.tensor(5).item(), 5);
  assertEquals(nn.tensor([true, false], { dtype: "int32" }).toArray(), [1, 0]);
  const source = new Int32Array([1, 2, 3, 4]);
  const y = nn.tensor(source, { shape: [2, 2] });
  source[0] = 99;
  assertEquals([y.dtype, y.toArray()], ["int32", [[1, 2], [3, 4]]]);
  assertEquals(nn.tensor(new Uint8Array([255, 1])).toArray(), [255, 1]);
  assertEquals(nn.tensor([[]]).shape, [1, 0]);
  assertEquals(nn.tensor([1.7, -1.7], { dtype: "int32" }).toArray(), [1, -1]);
});

Deno.test("bad input to tensor() says what was expected and found", () => {
  assertThrows(
    () => nn.tensor([[1, 2], [3]]),
    TypeError,
    "ragged nested array: expected 2 entries at index [1], found 1",
  );
  assertThrows(() => nn.tensor([[1, 2], 3]), TypeError, "ragged");
  assertThrows(
    () => nn.tensor([1, "a" as unknown as number]),
    TypeError,
    'expected a number at index [1], found "a"',
  );
  assertThrows(
    () => nn.tensor([1], { dtype: "float16" as "float32" }),
    TypeError,
    'found "float16"',
  );
  assertThrows(
    () => nn.tensor(new Float32Array(6), { shape: [4, 2] }),
    RangeError,
    "shape [4,2] needs 8 elements, found 6",
  );
  assertThrows(
    () => nn.zeros([2, -1]),
    RangeError,
    "non-negative sizes in shape, found -1 in [2,-1]",
  );
  assertThrows(() => nn.zeros([2.5]), TypeError, "integer sizes");
  assertThrows(() => nn.manualSeed(NaN), TypeError, "found NaN");
  assertThrows(() => nn.manualSeed(2 ** 32), RangeError, "4294967296");
});

Deno.test("creation functions", () => {
  assertEquals(nn.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assertEquals(nn.ones([3], { dtype: "int32" }).toArray(), [1, 1, 1]);
  assertEquals(nn.full([2], 0.5, { dtype: "float64" }).toArray(), [0.5, 0.5]);
  assertEquals(nn.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assertEquals([nn.arange(3).dtype, nn.arange(3).toArray()], ["int32", [0, 1, 2]]);
  assertEquals(nn.arange(5, 1, -2).toArray(), [5, 3]);
  assertEquals(nn.arange(0, 1, 0.5).dtype, "float32");
  assertEquals(nn.linspace(0, 1, 3).toArray(), [0, 0.5, 1]);
  assertEquals(nn.linspace(2, 3, 1).toArray(), [2]);
  assertEquals(nn.oneHot(nn.tensor([1, 0], { dtype: "int32" }), 2).toArray(), [[0, 1], [1, 0]]);
  assertThrows(
    () => nn.oneHot([0, 3], 3),
    RangeError,
    "label 3 at index 1 is out of range for 3 classes",
  );
  assertThrows(() => nn.arange(0, 1, 0), RangeError, "step must not be 0");
});

Deno.test("random tensors reproduce NumPy's legacy stream (tests/fixtures/random)", async () => {
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("../fixtures/random/random.json", import.meta.url)),
  );
  const cases: { seed: number; randn: number[]; rand: number[]; randint_0_10: number[] }[] =
    fixture.cases;
  assertEquals(cases.map((c) => c.seed), [0, 1, 42, 2 ** 32 - 1]);
  for (const { seed, randn, rand, randint_0_10 } of cases) {
    nn.manualSeed(seed);
    const got = nn.randn([2, 10], { dtype: "float64" }).dataSync();
    assertEquals(Array.from(got), randn, `randn seed ${seed}`);
    nn.manualSeed(seed);
    assertEquals(
      Array.from(nn.rand([2, 10], { dtype: "float64" }).dataSync()),
      rand,
      `rand seed ${seed}`,
    );
    nn.manualSeed(seed);
    assertEquals(nn.randint(0, 10, [20]).toArray(), randint_0_10, `randint seed ${seed}`);
  }
  nn.manualSeed(0);
  const f32 = nn.randn([3]).dataSync();
  nn.manualSeed(0);
  assertEquals(
    Array.from(f32),
    Array.from(new Float32Array(nn.randn([3], { dtype: "float64" }).dataSync())),
  );
});

Deno.test("a generator object leaves the global stream alone", () => {
  nn.manualSeed(3);
  const first = nn.rand([2]).toArray();
  nn.manualSeed(3);
  nn.rand([5], { generator: new nn.Generator(1) });
  assertEquals(nn.rand([2]).toArray(), first);
});

Deno.test("dtype rules: promotion, scalars, int division", () => {
  const i = nn.tensor([1, 2], { dtype: "int32" });
  assertEquals(i.add(1).dtype, "int32");
  assertEquals(i.add(0.5).dtype, "float32");
  assertEquals(i.div(i).dtype, "float32");
  assertEquals(i.add(nn.tensor([1, 1], { dtype: "float64" })).dtype, "float64");
  assertEquals(i.eq(nn.tensor([1, 3], { dtype: "int32" })).toArray(), [1, 0]);
  assertEquals(i.mean().dtype, "float32");
  assertEquals(i.exp().dtype, "float32");
  assertEquals(i.relu().dtype, "int32");
  assertEquals(
    nn.tensor([[1, 2]], { dtype: "int32" }).matmul(nn.tensor([[3], [4]], { dtype: "int32" }))
      .toArray(),
    [[11]],
  );
});

Deno.test("shape errors name the op and both shapes", () => {
  assertThrows(
    () => nn.zeros([3, 2]).matmul(nn.zeros([3, 2])),
    ShapeError,
    "matmul: cannot multiply [3,2] by [3,2]: inner sizes 2 and 3 differ",
  );
  assertThrows(
    () => nn.zeros([2, 3]).add(nn.zeros([4])),
    ShapeError,
    "add: cannot broadcast [2,3] with [4]",
  );
  assertThrows(
    () => nn.zeros([2, 3]).reshape([4, 2]),
    ShapeError,
    "cannot reshape [2,3] (6 elements) into [4,2]",
  );
  assertThrows(
    () => nn.zeros([2, 3]).sum(2),
    RangeError,
    "axis 2 is out of range for a tensor of 2 dimensions",
  );
  assertThrows(
    () => nn.zeros([4]).take([4]),
    RangeError,
    "index 4 is out of range for axis 0 of size 4",
  );
  assertThrows(
    () => nn.concat([nn.zeros([2, 3]), nn.zeros([2, 4])]),
    ShapeError,
    "tensor 1 has shape [2,4]",
  );
  assertThrows(() => nn.zeros([2, 2]).item(), RangeError, "found shape [2,2] with 4 elements");
  assertThrows(() => nn.zeros([0]).max(), RangeError, "cannot reduce axis 0 of size 0");
  assertThrows(() => nn.zeros([3]).at(3), RangeError, "index 3 is out of range for shape [3]");
});

Deno.test("shape ops", () => {
  const x = nn.arange(6).reshape([2, 3]);
  assertEquals(x.T.toArray(), [[0, 3], [1, 4], [2, 5]]);
  assertEquals(x.reshape([-1]).shape, [6]);
  assertEquals(x.slice(-1).toArray(), [[3, 4, 5]]);
  assertEquals(x.slice(1, 3, 1).toArray(), [[1, 2], [4, 5]]);
  assertEquals(x.slice(5, 9).shape, [0, 3]);
  assertEquals(x.at(1).toArray(), [3, 4, 5]);
  assertEquals(x.take([2, 0], 1).toArray(), [[2, 0], [5, 3]]);
  assertEquals(x.take([5, 0]).toArray(), [5, 0]);
  assertEquals(nn.zeros([2, 3, 4]).flatten(1).shape, [2, 12]);
  assertEquals(nn.stack([x, x]).shape, [2, 2, 3]);
  assertEquals(x.broadcastTo([2, 2, 3]).sum().item(), 30);
  assertEquals(nn.where(x.gt(2), x, -1).toArray(), [[-1, -1, -1], [3, 4, 5]]);
  assertEquals(x.sum(1, true).shape, [2, 1]);
  assertEquals(x.argmax().item(), 5);
  assertEquals(x.argmax(0, true).shape, [1, 3]);
});

Deno.test("printing looks like NumPy, with shape, dtype and backend", () => {
  assertEquals(
    String(nn.tensor([[1, 2], [3, 4]])),
    "Tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2], dtype=float32, backend=cpu)",
  );
  assertEquals(
    Deno.inspect(nn.tensor([0.5, -1.25], { dtype: "float64", requiresGrad: true })),
    "Tensor([ 0.5 , -1.25], shape=[2], dtype=float64, backend=cpu, requiresGrad=true)",
  );
  const big = String(nn.arange(2000));
  assert(
    big.startsWith("Tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=int32"),
    big,
  );
});

Deno.test("gradients accumulate until zeroGrad; noGrad and detach stop them", () => {
  const w = nn.tensor([1, 2, 3], { requiresGrad: true });
  w.mul(w).sum().backward();
  w.mul(w).sum().backward();
  assertEquals(w.grad!.toArray(), [4, 8, 12]);
  w.zeroGrad();
  assertEquals(w.grad, null);
  const y = nn.noGrad(() => w.mul(2));
  assertEquals([y.requiresGrad, w.detach().requiresGrad], [false, false]);
  // A tensor used twice gets both contributions: d(x·x + x)/dx = 2x + 1.
  const x = nn.tensor([3], { dtype: "float64", requiresGrad: true });
  x.mul(x).add(x).sum().backward();
  assertEquals(x.grad!.toArray(), [7]);
  // Only leaves keep .grad, as in PyTorch.
  const h = x.mul(2);
  h.sum().backward();
  assertEquals(h.grad, null);
  // A long chain does not overflow the stack.
  let chain = nn.tensor([1], { requiresGrad: true });
  const start = chain;
  for (let i = 0; i < 20000; i++) chain = chain.mul(1);
  chain.sum().backward();
  assertEquals(start.grad!.toArray(), [1]);
});

Deno.test("backward errors", () => {
  assertThrows(() => nn.tensor([1, 2]).sum().backward(), TypeError, "does not require a gradient");
  const w = nn.tensor([1, 2], { requiresGrad: true });
  assertThrows(() => w.mul(2).backward(), RangeError, "found shape [2]; pass backward(grad)");
  w.mul(2).backward(nn.tensor([1, 10]));
  assertEquals(w.grad!.toArray(), [2, 20]);
  assertThrows(
    () => nn.tensor([1], { dtype: "int32", requiresGrad: true }),
    TypeError,
    "only float32 and float64",
  );
});

Deno.test("backends: auto is cpu without a hardware GPU (llvmpipe does not count); an unknown name is refused", async () => {
  await nn.setBackend("auto");
  assertEquals(nn.getBackend(), "cpu");
  let rejected = "";
  await nn.setBackend("tpu" as "cpu").catch((e) => (rejected = e.message));
  assert(rejected.includes('found "tpu"'), rejected);
  assertEquals(await nn.tensor([1, 2]).data(), new Float32Array([1, 2]));
});
