/**
 * The Part4-2 network the PyTorch way, with a fixture's fixed weights: the
 * model the nn and optim tests both run against PyTorch 1.13.
 */

import * as nn from "../../mod.ts";

/**
 * Sequential(Linear(2, 10), Sigmoid, Linear(10, 1), Sigmoid) in `dtype`, its
 * state loaded from `weights` (the fixture's state dict: name → nested numbers).
 */
export function part4_2Model(weights: Record<string, unknown>, dtype: nn.DType): nn.Sequential {
  const m = new nn.Sequential(
    new nn.Linear(2, 10, { dtype }),
    new nn.Sigmoid(),
    new nn.Linear(10, 1, { dtype }),
    new nn.Sigmoid(),
  );
  const state: nn.StateDict = {};
  for (const [key, value] of Object.entries(weights)) {
    state[key] = nn.tensor(value as nn.NestedInput, { dtype: "float64" });
  }
  m.loadStateDict(state);
  return m;
}
