/**
 * Dropout: the same seed gives the same mask; the kept inputs are scaled by
 * 1/(1-p) and so is their gradient, the dropped ones get none; eval() passes
 * the input through, in a Sequential too; p outside [0, 1] is refused.
 */

import assert from "node:assert/strict";
import * as nn from "../../mod.ts";

Deno.test("Dropout: seeded masks, scaled inputs and gradients, and eval() passes through", () => {
  const x = nn.arange(1, 201, 1, { dtype: "float64", requiresGrad: true });
  const layer = new nn.Dropout(0.25, { generator: new nn.Generator(7) });
  const out = layer.forward(x);
  out.sum().backward();
  const values = out.dataSync(), grads = x.grad!.dataSync();
  let kept = 0;
  for (let i = 0; i < 200; i++) {
    if (values[i] === 0) assert.equal(grads[i], 0, `dropped input ${i} gets no gradient`);
    else {
      kept++;
      assert.equal(values[i], (i + 1) * (1 / 0.75)); // as PyTorch: times the scale 1/(1-p)
      assert.equal(grads[i], 1 / 0.75);
    }
  }
  assert.ok(kept > 130 && kept < 170, `${kept} of 200 kept at p = 0.25`);
  // The same seed, the same mask.
  const again = new nn.Dropout(0.25, { generator: new nn.Generator(7) }).forward(x.detach());
  assert.deepEqual(again.dataSync(), out.detach().dataSync());
  const model = new nn.Sequential(new nn.Linear(3, 3), new nn.Dropout(0.9));
  const input = nn.ones([2, 3]);
  model.eval();
  assert.deepEqual(model.forward(input).toArray(), model.forward(input).toArray());
  assert.throws(
    () => new nn.Dropout(1.5),
    /Dropout: expected a probability p in \[0, 1\], found 1.5/,
  );
  assert.throws(() => nn.functional.dropout(input, -0.1), /found -0.1/);
});
