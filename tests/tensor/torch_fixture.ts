/**
 * Reading the PyTorch fixtures of tests/fixtures/tensor/make_torch_*.py:
 * their numbers, with NaN and the infinities written as strings (JSON has
 * none), and the comparison every such test makes.
 */

/** A number as the fixture scripts write it (their `encode`, in torch_json.py). */
export type Encoded = number | "NaN" | "Infinity" | "-Infinity";

/** The number a fixture wrote. */
export const decode = (v: Encoded): number => Number(v);

/** Same as PyTorch: NaN as NaN, infinities and zeros with their signs, the rest to `rtol`. */
export function same(got: number, want: number, rtol: number): boolean {
  if (Number.isNaN(want) || !Number.isFinite(want) || want === 0) {
    return Object.is(got, want);
  }
  return Math.abs(got - want) <= rtol * Math.abs(want);
}
