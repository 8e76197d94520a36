/**
 * remainder and floorDivide (lib/tensor/binary_ops.ts) against PyTorch 1.13
 * (tests/fixtures/tensor/make_torch_binary.py): float64 values and gradients
 * with special values (signs of 0, ±∞, NaN, division by 0), broadcasting and
 * number operands; outputs exactly, bit for bit (the CPU computes PyTorch's
 * formulas in float64), gradients to 1e-15 relative; int32 results exactly, and a divisor of 0 a RangeError naming
 * the op where PyTorch raises ZeroDivisionError.
 */

import * as nn from "../../mod.ts";
import { decode, type Encoded, same } from "./torch_fixture.ts";
import { assert, assertThrows } from "../assert.ts";

interface Case {
  name: string;
  op: "remainder" | "floorDivide";
  dtype: "float64" | "int32";
  a_shape: number[];
  a: Encoded[];
  /** null: b is a number, the one value of `b`. */
  b_shape: number[] | null;
  b: Encoded[];
  out_shape?: number[];
  out?: Encoded[];
  g?: Encoded[];
  grad_a?: Encoded[];
  grad_b?: Encoded[] | null;
  /** What PyTorch raised instead of a result. */
  error?: string;
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tensor/torch_binary.json", import.meta.url)),
) as { cases: Case[] };

const decodeAll = (values: Encoded[]): number[] => values.map(decode);

/**
 * The first element where `got` and `want` differ, or -1: NaN, ±∞ and the
 * sign of 0 exactly, other values to `rtol` relative.
 */
function firstDifference(got: ArrayLike<number>, want: number[], rtol: number): number {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) if (!same(got[i], want[i], rtol)) return i;
  return -1;
}

/** Outputs exactly; gradients to 1e-15 relative (unbroadcast sums in another order). */
function assertSame(got: ArrayLike<number>, want: number[], what: string, c: Case): void {
  const i = firstDifference(got, want, what === "the output" ? 0 : 1e-15);
  if (i === -1) return;
  const a = decodeAll(c.a), b = decodeAll(c.b);
  throw new Error(
    `${c.name}: ${what} differs from PyTorch's at element ${i} (of ${want.length}): ` +
      `expected ${want[i]}, found ${got[i]}` +
      (got.length === a.length && a.length === b.length ? ` (a ${a[i]}, b ${b[i]})` : ""),
  );
}

for (const c of fixture.cases) {
  Deno.test(`${c.name}: as PyTorch 1.13`, () => {
    const a = nn.tensor(decodeAll(c.a), {
      shape: c.a_shape,
      dtype: c.dtype,
      requiresGrad: c.dtype === "float64",
    });
    const b = c.b_shape === null ? decodeAll(c.b)[0] : nn.tensor(decodeAll(c.b), {
      shape: c.b_shape,
      dtype: c.dtype,
      requiresGrad: c.dtype === "float64",
    });
    if (c.error !== undefined) {
      assert(c.error === "ZeroDivisionError", `PyTorch raised ${c.error}`);
      assertThrows(() => a[c.op](b), RangeError, `${c.op}: division by zero`);
      return;
    }
    const out = a[c.op](b);
    assert(out.dtype === c.dtype, `${c.name}: dtype ${out.dtype}, expected ${c.dtype}`);
    assert(
      out.shape.join() === c.out_shape!.join(),
      `${c.name}: shape [${out.shape}], expected [${c.out_shape}]`,
    );
    assertSame(out.dataSync(), decodeAll(c.out!), "the output", c);
    if (c.dtype !== "float64") return;
    const g = nn.tensor(decodeAll(c.g!), { shape: c.out_shape!, dtype: "float64" });
    out.mul(g).sum().backward();
    assertSame(a.grad!.dataSync(), decodeAll(c.grad_a!), "the gradient of a", c);
    if (b instanceof nn.Tensor) {
      assertSame(b.grad!.dataSync(), decodeAll(c.grad_b!), "the gradient of b", c);
    }
  });
}

Deno.test("remainder and floorDivide: a number divisor keeps int32, a fraction gives float32", () => {
  const x = nn.tensor([7, -7], { dtype: "int32" });
  assert(x.remainder(3).dtype === "int32" && x.floorDivide(-2).dtype === "int32", "int32");
  const r = x.remainder(2.5);
  assert(r.dtype === "float32", `dtype ${r.dtype}`);
  assert(r.dataSync().join() === "2,0.5", `${r.dataSync()}`);
  assertThrows(() => x.floorDivide(0), RangeError, "floorDivide: division by zero");
  assertThrows(
    () => x.remainder(nn.tensor([1, 0], { dtype: "int32" })),
    RangeError,
    "ZeroDivisionError",
  );
});
