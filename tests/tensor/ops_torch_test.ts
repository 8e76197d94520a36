/**
 * The ops added for PyTorch users (the element-wise ops of
 * lib/tensor/unary_ops.ts and the composites of lib/tensor/ops/composite.ts)
 * against PyTorch 1.13 (tests/fixtures/tensor/make_torch_ops.py): values and gradients in
 * float64 with special values, to 1e-12 relative; NaN, ±∞ and the sign of 0
 * exactly. Then the shape ops by hand, and the WebGPU backend's agreement is
 * in tests/webgpu (the composites are the primitives' there too).
 */

import * as nn from "../../mod.ts";
import { decode, type Encoded, same } from "./torch_fixture.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

interface Case {
  name: string;
  /** A `Tensor` method (called with `args` where `run` says so). */
  op: string;
  args: { axis?: number; keepdims?: boolean; alpha?: number; approximate?: "none" | "tanh" };
  shape: number[];
  x: Encoded[];
  out_shape: number[];
  out: Encoded[];
  g: Encoded[];
  grad: Encoded[];
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tensor/torch_ops.json", import.meta.url)),
) as { cases: Case[]; ne: { a: Encoded[]; b: Encoded[]; out: Encoded[] } };

function run(c: Case, x: nn.Tensor): nn.Tensor {
  switch (c.op) {
    case "logsumexp":
      return x.logsumexp(c.args.axis, c.args.keepdims ?? false);
    case "norm":
      return x.norm(c.args.axis, c.args.keepdims ?? false);
    case "elu":
      return x.elu(c.args.alpha);
    case "gelu":
      return x.gelu(c.args.approximate);
    default: {
      // Every other case is a method without arguments.
      const method = (x as unknown as Record<string, unknown>)[c.op];
      assert(typeof method === "function", `Tensor has no method ${c.op}`);
      return (method as () => nn.Tensor).call(x);
    }
  }
}

for (const c of fixture.cases) {
  Deno.test(`${c.op}: ${c.name} equals PyTorch, gradient included`, () => {
    const x = nn.tensor(c.x.map(decode), { shape: c.shape, dtype: "float64", requiresGrad: true });
    const out = run(c, x);
    assertEquals(out.shape, c.out_shape, "shape");
    const g = nn.tensor(c.g.map(decode), { shape: c.out_shape, dtype: "float64" });
    out.mul(g).sum().backward();
    for (
      const [what, got, want] of [
        ["value", out.dataSync(), c.out],
        ["gradient", x.grad!.dataSync(), c.grad],
      ] as const
    ) {
      for (let i = 0; i < want.length; i++) {
        assert(
          same(got[i], decode(want[i]), 1e-12),
          `${c.name}: ${what} ${i} is ${got[i]}, PyTorch ${decode(want[i])} (x = ${
            decode(c.x[i])
          })`,
        );
      }
    }
  });
}

Deno.test("composite ne: NaN differs from itself, -0 equals 0, as PyTorch", () => {
  const a = nn.tensor(fixture.ne.a.map(decode), { dtype: "float64" });
  const b = nn.tensor(fixture.ne.b.map(decode), { dtype: "float64" });
  assertEquals(Array.from(a.ne(b).dataSync()), fixture.ne.out.map(decode));
  assertEquals(nn.tensor([1, 2, 3], { dtype: "int32" }).ne(2).toArray(), [1, 0, 1]);
});

Deno.test("composite squeeze/unsqueeze: PyTorch's shapes, axes checked, gradients through", () => {
  const x = nn.zeros([1, 3, 1, 2], { dtype: "float64", requiresGrad: true });
  assertEquals(x.squeeze().shape, [3, 2]);
  assertEquals(x.squeeze(0).shape, [3, 1, 2]);
  assertEquals(x.squeeze(-2).shape, [1, 3, 2]);
  assertEquals(x.squeeze(1).shape, [1, 3, 1, 2]); // not size 1: kept, as PyTorch
  assertEquals(x.unsqueeze(0).shape, [1, 1, 3, 1, 2]);
  assertEquals(x.unsqueeze(-1).shape, [1, 3, 1, 2, 1]);
  assertEquals(x.unsqueeze(4).shape, [1, 3, 1, 2, 1]);
  assertThrows(
    () => x.unsqueeze(6),
    RangeError,
    "unsqueeze: expected an axis from -5 to 4 for a tensor of 4 dimensions, found 6",
  );
  assertThrows(() => x.squeeze(4), RangeError, "squeeze: axis 4 is out of range");
  x.squeeze().unsqueeze(1).mul(nn.tensor([[[1, 2]], [[3, 4]], [[5, 6]]], { dtype: "float64" }))
    .sum().backward();
  assertEquals(x.grad!.toArray(), [[[[1, 2]], [[3, 4]], [[5, 6]]]]);
});
