/**
 * `prod` and `cumsum` against PyTorch 1.13 (tests/fixtures/tensor/make_torch_scan.py):
 * values and gradients of sum(out · g) over several axes of 2-D and 3-D
 * inputs, with zeros (one and two in a slice), negatives and special values,
 * to 1e-12 relative; NaN, ±∞ and the sign of 0 exactly. Then the errors:
 * a missing or bad axis, and int32 results outside the int32 range, which
 * PyTorch's int64 holds and ours refuse rather than wrap. The WebGPU
 * backend's agreement is in tests/webgpu (cases.ts, and scan_test.ts on these fixtures).
 */

import * as nn from "../../mod.ts";
import { decode, type Encoded, same } from "./torch_fixture.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

interface Case {
  name: string;
  op: "prod" | "cumsum";
  dtype: "float64" | "float32" | "int32";
  args: { axis?: number | number[]; keepdims?: boolean };
  shape: number[];
  x: Encoded[];
  out_shape: number[];
  out: Encoded[];
  g?: Encoded[];
  grad?: Encoded[];
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tensor/torch_scan.json", import.meta.url)),
) as {
  cases: Case[];
  overflow: { prod: { x: number[]; int64: number }; cumsum: { x: number[]; int64: Encoded[] } };
};

function run(c: Case, x: nn.Tensor): nn.Tensor {
  if (c.op === "cumsum") return x.cumsum(c.args.axis as number);
  return x.prod(c.args.axis, c.args.keepdims ?? false);
}

for (const c of fixture.cases) {
  Deno.test(`${c.op}: ${c.name} equals PyTorch${c.grad ? ", gradient included" : ""}`, () => {
    const differentiable = c.grad !== undefined;
    const x = nn.tensor(c.x.map(decode), {
      shape: c.shape,
      dtype: c.dtype,
      requiresGrad: differentiable,
    });
    const out = run(c, x);
    assertEquals(out.shape, c.out_shape, "shape");
    assertEquals(out.dtype, c.dtype, "dtype");
    const checks: [string, ArrayLike<number>, Encoded[]][] = [["value", out.dataSync(), c.out]];
    if (differentiable) {
      const g = nn.tensor(c.g!.map(decode), { shape: c.out_shape, dtype: c.dtype });
      out.mul(g).sum().backward();
      checks.push(["gradient", x.grad!.dataSync(), c.grad!]);
    }
    for (const [what, got, want] of checks) {
      assertEquals(got.length, want.length, `${what} length`);
      for (let i = 0; i < want.length; i++) {
        assert(
          same(got[i], decode(want[i]), 1e-12),
          `${c.name}: ${what} ${i} is ${got[i]}, PyTorch ${decode(want[i])}`,
        );
      }
    }
  });
}

Deno.test("prod and cumsum of int32: a result outside int32 is a RangeError, never wrapped", () => {
  const { prod, cumsum } = fixture.overflow;
  assertThrows(
    () => nn.tensor(prod.x, { dtype: "int32" }).prod(),
    RangeError,
    `prod: the int32 product ${prod.int64} is outside the int32 range`,
  );
  assertThrows(
    () => nn.tensor([[1, 2], prod.x], { dtype: "int32" }).prod(1),
    RangeError,
    `prod: the int32 product ${prod.int64} is outside the int32 range`,
  );
  assertThrows(
    () => nn.tensor(cumsum.x, { dtype: "int32" }).cumsum(0),
    RangeError,
    `cumsum: the int32 running sum ${cumsum.int64[2]} at index 2 of axis 0 (shape [3]) is ` +
      "outside the int32 range",
  );
  // Past int32 on the way to a zero: the exact product is 0 (PyTorch's int64 gives 0 too).
  const big = Array.from({ length: 40 }, () => 65536);
  assertEquals(nn.tensor([...big, 0], { dtype: "int32" }).prod().item(), 0);
  assertEquals(nn.tensor([-65536, 32768], { dtype: "int32" }).prod().item(), -(2 ** 31));
});

Deno.test("cumsum: the axis is required and checked, naming the range", () => {
  const x = nn.zeros([2, 3]);
  assertThrows(
    () => (x.cumsum as (axis?: number) => nn.Tensor)(),
    TypeError,
    "cumsum: expected an integer axis to sum along (it is required, as PyTorch's dim), " +
      "found undefined",
  );
  assertThrows(
    () => x.cumsum(2),
    RangeError,
    "cumsum: axis 2 is out of range for a tensor of 2 dimensions (expected -2 to 1)",
  );
  assertThrows(() => x.cumsum(-3), RangeError, "(expected -2 to 1)");
  assertThrows(() => x.cumsum(0.5), TypeError, "cumsum: expected an integer axis, found 0.5");
  assertThrows(
    () => nn.tensor(1).cumsum(1),
    RangeError,
    "cumsum: axis 1 is out of range for a tensor of 1 dimension (expected -1 to 0)",
  );
});

Deno.test("prod: axes and options are checked as sum's are", () => {
  const x = nn.zeros([2, 3]);
  assertThrows(() => x.prod(2), RangeError, "prod: axis 2 is out of range");
  assertThrows(() => x.prod([0, 0]), RangeError, "prod: repeated axis in [0, 0]");
  assertThrows(() => x.prod({ axis: 1 } as never), TypeError, "prod: expected an axis");
  assertThrows(() => x.prod(0, { ddof: 1 } as never), TypeError, 'prod: unknown option "ddof"');
  // An empty product is 1 everywhere, its gradient empty; a 0-d tensor is its own product.
  assertEquals(nn.zeros([0, 3]).prod(0).toArray(), [1, 1, 1]);
  assertEquals(nn.zeros([0, 3]).prod().item(), 1);
  assertEquals(nn.tensor(2.5).prod().item(), 2.5);
  assertEquals(nn.ones([2, 3, 4]).prod([0, 2], true).shape, [1, 3, 1]);
});
