/**
 * `prod` and `cumsum` on the GPU against the CPU on the PyTorch fixture's
 * inputs (tests/fixtures/tensor/torch_scan.json) in float32: zeros (one and
 * two in a slice), negatives, NaN and ±∞, values and gradients. Non-finite
 * results must match exactly, the rest within float32 rounding. The random
 * shapes are in cases.ts.
 */

import * as nn from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";
import { gpuTest } from "./helpers.ts";

type Encoded = number | "NaN" | "Infinity" | "-Infinity";
interface Case {
  name: string;
  op: "prod" | "cumsum";
  dtype: string;
  args: { axis?: number | number[]; keepdims?: boolean };
  shape: number[];
  x: Encoded[];
  g?: Encoded[];
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tensor/torch_scan.json", import.meta.url)),
) as { cases: Case[] };
const decode = (v: Encoded): number => typeof v === "number" ? v : Number(v);

/** The op's value and the gradient of sum(out · g), as float32 arrays, on the current backend. */
async function runCase(c: Case): Promise<ArrayLike<number>[]> {
  const int = c.dtype === "int32";
  const x = nn.tensor(c.x.map(decode), {
    shape: c.shape,
    dtype: int ? "int32" : "float32",
    requiresGrad: !int,
  });
  const out = c.op === "cumsum"
    ? x.cumsum(c.args.axis as number)
    : x.prod(c.args.axis, c.args.keepdims ?? false);
  if (int) return [await out.data()];
  const g = nn.tensor(c.g!.map(decode), { shape: out.shape });
  out.mul(g).sum().backward();
  return [await out.data(), await x.grad!.data()];
}

for (const c of fixture.cases) {
  gpuTest(`${c.op}: ${c.name} agrees with the CPU in float32`, async () => {
    await nn.setBackend("cpu");
    const want = await runCase(c);
    await nn.setBackend("webgpu");
    const got = await runCase(c);
    want.forEach((w, k) => {
      const what = k === 0 ? "value" : "gradient";
      assertEquals(got[k].length, w.length, `${what} length`);
      let scale = 0;
      for (let i = 0; i < w.length; i++) {
        if (Number.isFinite(w[i])) scale = Math.max(scale, Math.abs(w[i]));
      }
      for (let i = 0; i < w.length; i++) {
        const a = got[k][i], b = w[i];
        const ok = Number.isFinite(b)
          ? Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-5 * (1 + scale)
          : Object.is(a, b);
        assert(ok, `${c.name}: ${what} ${i} is ${a} on the GPU, ${b} on the CPU`);
      }
    });
  });
}
