/**
 * The CPU's fused softmax and log-softmax (lib/tensor/cpu/softmax.ts) give
 * the composite ops' bits exactly, special values included, along every axis.
 */

import * as nn from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";

/** softmax / logSoftmax written out as the ops the fused pass replaces. */
function composite(x: nn.Tensor, axis: number, log: boolean): nn.Tensor {
  const z = x.sub(x.max(axis, true));
  return log ? z.sub(z.exp().sum(axis, true).log()) : z.exp().div(z.exp().sum(axis, true));
}

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e30, -1e30, 88.7, -745, 1e-310, 3, -2.5];

function cases(dtype: "float32" | "float64"): [string, nn.Tensor][] {
  const g = new nn.Generator(7);
  const special = nn.tensor(
    Array.from({ length: 6 * 12 }, (_, i) => SPECIAL[(i * 7) % SPECIAL.length]),
    { shape: [6, 12], dtype },
  );
  const allMinusInf = nn.full([2, 3], -Infinity, { dtype });
  return [
    ["random [60, 10]", nn.randn([60, 10], { dtype, generator: g }).mul(20)],
    ["random [4, 5, 3]", nn.randn([4, 5, 3], { dtype, generator: g }).mul(5)],
    ["special values [6, 12]", special],
    ["rows of -Infinity", allMinusInf],
  ];
}

for (const dtype of ["float32", "float64"] as const) {
  Deno.test(`fused softmax and logSoftmax (${dtype}) give the composite's bits on every axis`, () => {
    for (const [name, x] of cases(dtype)) {
      for (let axis = 0; axis < x.ndim; axis++) {
        for (const log of [false, true]) {
          const got = (log ? x.logSoftmax(axis) : x.softmax(axis)).dataSync();
          const want = composite(x, axis, log).dataSync();
          assertEquals(got.length, want.length);
          for (let i = 0; i < got.length; i++) {
            assert(
              Object.is(got[i], want[i]),
              `${name}, axis ${axis}, ${log ? "logSoftmax" : "softmax"}: element ${i} is ` +
                `${got[i]}, the composite gives ${want[i]}`,
            );
          }
        }
      }
    }
  });
}

Deno.test("fused softmax: hand values, and the gradient is the composite's", () => {
  const x = nn.tensor([[0, Math.log(3)], [1, 1]], { dtype: "float64", requiresGrad: true });
  const s = x.softmax(1);
  assertEquals(s.toArray(), [[0.25, 0.75], [0.5, 0.5]]);
  s.mul(nn.tensor([[1, 2], [3, 5]], { dtype: "float64" })).sum().backward();
  // ds_i/dx_j = s_i(δ_ij - s_j): row 1 gives 0.25·0.75·(1 - 2) and back; row 2 0.25·(3 - 5).
  assertEquals(x.grad!.toArray(), [[-0.1875, 0.1875], [-0.5, 0.5]]);
});
