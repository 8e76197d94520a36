/**
 * Every Tensor op on the GPU against the same op on the CPU backend, on the
 * same float32 inputs and random shapes: values within a relative 1e-4
 * (integers exactly). The last test fails when an op is added to the API
 * without a case in `cases.ts`.
 */

import * as nn from "../../mod.ts";
import * as core from "../../lib/tensor/mod.ts";
import { Tensor } from "../../mod.ts";
import { assert } from "../assert.ts";
import { CASES, NOT_OPS } from "./cases.ts";
import { assertAgree, gpuTest, inputsOf, runCase, TestRandom } from "./helpers.ts";

for (const [index, c] of CASES.entries()) {
  gpuTest(`${c.covers.join("/")} (case ${index}) agrees with the CPU`, async () => {
    const r = new TestRandom(100 + index);
    // Two draws of random shapes per case.
    for (let trial = 0; trial < 2; trial++) {
      const { shapes, data } = inputsOf(c, r);
      await nn.setBackend("cpu");
      const want = runCase(c, shapes, data);
      await nn.setBackend("webgpu");
      const got = runCase(c, shapes, data);
      await assertAgree(got, want, `case ${index} with shapes ${JSON.stringify(shapes)}`);
    }
  });
}

Deno.test("every op of the API has a WebGPU parity case", () => {
  const covered = new Set(CASES.flatMap((c) => c.covers));
  const names = [
    ...Object.getOwnPropertyNames(Tensor.prototype),
    ...Object.keys(core).filter((k) => typeof (core as Record<string, unknown>)[k] === "function"),
  ];
  const missing = names.filter((n) => !covered.has(n) && !NOT_OPS.has(n));
  assert(missing.length === 0, `no WebGPU parity case for: ${missing.join(", ")}`);
});
