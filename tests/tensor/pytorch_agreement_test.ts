/**
 * The disagreements with PyTorch that issue 14 (items 1-10) found, each against
 * PyTorch's (or NumPy's) own value from tests/fixtures/tensor/make_pytorch_agreement.py,
 * in float64 unless a case says otherwise. Run it on both CPU kernel paths:
 * `deno test -A tests/tensor/pytorch_agreement_test.ts` and again with NN_WASM=0.
 */

import assert from "node:assert/strict";
import * as nn from "../../mod.ts";
import type { Tensor } from "../../mod.ts";

type Value = number | "NaN" | "Infinity" | "-Infinity";
// deno-lint-ignore no-explicit-any
type Case = Record<string, any>;
const fixture: { cases: Record<string, Case> } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tensor/pytorch_agreement.json", import.meta.url)),
);
const cases = fixture.cases;

/** The fixture's numbers, with "NaN" and the infinities decoded. */
function dec(values: readonly Value[]): number[] {
  return values.map((v) => (typeof v === "number" ? v : Number(v)));
}

const f64 = (values: readonly Value[], requiresGrad = false, shape?: number[]) =>
  nn.tensor(new Float64Array(dec(values)), { requiresGrad, shape });

/**
 * Equal where the reference is not finite (NaN to NaN, ∞ to ∞, same sign), and
 * within `rtol` relative (or 1e-15 absolute) elsewhere.
 */
function assertAgrees(
  actual: Tensor | null,
  expected: readonly Value[],
  what: string,
  rtol = 1e-12,
) {
  assert(actual !== null, `${what}: no gradient`);
  const got = [...actual.dataSync()];
  const want = dec(expected);
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  want.forEach((w, i) => {
    const g = got[i];
    const ok = Number.isFinite(w) ? Math.abs(g - w) <= 1e-15 + rtol * Math.abs(w) : Object.is(g, w);
    assert(ok, `${what}[${i}]: found ${g}, PyTorch ${w} (all: [${got}] vs [${want}])`);
  });
}

// ---- 1. pow's special values --------------------------------------------------------------

for (const dtype of ["float64", "float32"] as const) {
  Deno.test(`pow: 1 ** NaN, 1 ** ±inf and (-1) ** ±inf are 1, as in PyTorch (${dtype})`, () => {
    const c = cases[`pow_special_${dtype}`];
    const a = nn.tensor(dec(c.a), { dtype }), b = nn.tensor(dec(c.b), { dtype });
    assertAgrees(a.pow(b), c.out, `pow ${dtype}`, 0);
    // The issue's one-liner.
    const issue = nn.tensor([1, 1, -1], { dtype }).pow(
      nn.tensor([NaN, Infinity, Infinity], { dtype }),
    );
    assert.deepEqual(issue.toArray(), [1, 1, 1]);
  });
}

// ---- 2. pow's gradients at a zero base and a zero exponent -----------------------------------

Deno.test("pow: gradients where the base or the exponent is 0 are PyTorch's", () => {
  const c = cases.pow_grad;
  const a = f64(c.a, true), b = f64(c.b, true);
  a.pow(b).sum().backward();
  assertAgrees(a.grad, c.a_grad, "a.grad");
  assertAgrees(b.grad, c.b_grad, "b.grad");
  // The issue's one-liner: [0, 0, 2] ** [0, 1, 0].
  const a2 = f64([0, 0, 2], true), b2 = f64([0, 1, 0], true);
  a2.pow(b2).sum().backward();
  assert.deepEqual(a2.grad!.toArray(), [0, 1, 0]);
  assert.deepEqual(b2.grad!.toArray(), [0, 0, Math.LN2]);
});

for (const exponent of [0, 1, 2, 0.5, 3]) {
  Deno.test(`pow: the gradient of x ** ${exponent} at 0, ±1 and 2 is PyTorch's`, () => {
    const c = cases[`pow_scalar_grad_${exponent}`];
    const x = f64(c.x, true);
    x.pow(exponent).sum().backward();
    assertAgrees(x.grad, c.grad, `d/dx x ** ${exponent}`);
  });
}

Deno.test("pow: gradients at 0 on 2,048 elements (where the WebAssembly kernels run)", () => {
  const n = 2048;
  const base = new Float64Array(n).map((_, i) => i % 4 === 0 ? 0 : (i % 7) - 3);
  const expo = new Float64Array(n).map((_, i) => i % 3 === 0 ? 0 : (i % 5) / 2);
  for (const dtype of ["float64", "float32"] as const) {
    const a = nn.tensor(base, { dtype, requiresGrad: true });
    const b = nn.tensor(expo, { dtype, requiresGrad: true });
    a.pow(b).sum().backward();
    const ga = a.grad!.dataSync(), gb = b.grad!.dataSync();
    for (let i = 0; i < n; i++) {
      const [x, y] = [base[i], expo[i]];
      // PyTorch's rules: 0 where the exponent is 0; 0 where the base is 0 and the exponent >= 0.
      const wantA = y === 0 ? 0 : y * Math.pow(x, y - 1);
      const wantB = x === 0 && y >= 0 ? 0 : Math.pow(x, y) * Math.log(x);
      for (const [got, want, name] of [[ga[i], wantA, "a"], [gb[i], wantB, "b"]] as const) {
        const ok = Number.isFinite(want)
          ? Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want))
          : Object.is(got, want);
        assert(ok, `${dtype} ${name}.grad[${i}] at ${x} ** ${y}: found ${got}, expected ${want}`);
      }
    }
  }
});

// ---- 3. leakyRelu's gradient at 0 -------------------------------------------------------------

Deno.test("leakyRelu: the gradient at exactly 0 (and -0) is the slope, as in PyTorch", () => {
  const c = cases.leaky_relu_grad;
  const x = f64(c.x, true);
  x.leakyRelu(c.slope).sum().backward();
  assertAgrees(x.grad, c.grad, "leakyRelu grad");
  // The same through the module, on 2,048 elements with zeros (WebAssembly-sized).
  const n = 2048;
  const values = new Float32Array(n).map((_, i) => (i % 3) - 1); // -1, 0, 1, ...
  const big = nn.tensor(values, { requiresGrad: true });
  new nn.LeakyReLU(0.1).forward(big).sum().backward();
  const g = big.grad!.dataSync();
  for (let i = 0; i < n; i++) {
    assert.equal(g[i], values[i] > 0 ? 1 : Math.fround(0.1), `grad[${i}] at ${values[i]}`);
  }
});

// ---- 4. var and std with ddof past n ----------------------------------------------------------

Deno.test("var/std: n - ddof is clamped at 0, as NumPy and PyTorch (ddof past n gives inf)", () => {
  const c = cases.var_ddof;
  const x = f64(c.x);
  for (let ddof = 0; ddof < 4; ddof++) {
    assertAgrees(x.var(0, { ddof }), [c.var[ddof]], `var ddof ${ddof}`);
    assertAgrees(x.std(0, { ddof }), [c.std[ddof]], `std ddof ${ddof}`);
  }
  const m = cases.var_ddof_axis;
  const xm = f64(m.x, false, m.shape);
  for (let ddof = 0; ddof < 5; ddof++) {
    assertAgrees(xm.var(1, { ddof }), m.var[String(ddof)], `var axis 1 ddof ${ddof}`);
  }
});

// ---- 5. the binary cross-entropies give the target its gradient ------------------------------

for (const reduction of ["mean", "sum", "none"] as const) {
  Deno.test(`BCELoss and BCEWithLogitsLoss (${reduction}): input and target gradients are PyTorch's`, () => {
    const c = cases[`bce_${reduction}`];
    const p = f64(c.p, true), y = f64(c.y, true);
    const loss = new nn.BCELoss({ reduction }).forward(p, y);
    assertAgrees(loss, c.loss, "BCELoss");
    (reduction === "none" ? loss.sum() : loss).backward();
    assertAgrees(p.grad, c.p_grad, "BCELoss input grad");
    assertAgrees(y.grad, c.y_grad, "BCELoss target grad");

    const d = cases[`bce_logits_${reduction}`];
    const x = f64(d.x, true), t = f64(d.y, true);
    const logits = new nn.BCEWithLogitsLoss({ reduction }).forward(x, t);
    assertAgrees(logits, d.loss, "BCEWithLogitsLoss");
    (reduction === "none" ? logits.sum() : logits).backward();
    assertAgrees(x.grad, d.x_grad, "BCEWithLogitsLoss input grad");
    assertAgrees(t.grad, d.y_grad, "BCEWithLogitsLoss target grad");
  });
}

Deno.test("BCELoss: only the target requires a gradient (the issue's one-liner)", () => {
  const c = cases.bce_target_only;
  const y = f64(c.y, true);
  new nn.BCELoss().forward(f64(c.p), y).backward();
  assertAgrees(y.grad, c.y_grad, "target grad");
  const t = f64([0.3, 0.9], true);
  new nn.BCEWithLogitsLoss().forward(f64([0.5, -1.2]), t).backward();
  assertAgrees(t.grad, [-0.25, 0.6], "logits target grad"); // -x / 2
});

// ---- 6. BCELoss refuses inputs outside [0, 1] --------------------------------------------------

Deno.test("BCELoss: an input outside [0, 1] or NaN is a RangeError, as PyTorch's error", () => {
  assert.match(cases.bce_range_error.message, /between 0 and 1/);
  for (const bad of [1.5, -0.25, NaN]) {
    assert.throws(
      () => new nn.BCELoss().forward(f64([0.5, bad]), f64([0, 1])),
      (e: Error) =>
        e instanceof RangeError && /between 0 and 1/.test(e.message) &&
        e.message.includes(Number.isNaN(bad) ? "NaN" : String(bad)) && /index 1/.test(e.message),
    );
  }
  // The ends are allowed (their logs are clamped at -100).
  assert.equal(new nn.BCELoss().forward(f64([0, 1]), f64([0, 1])).item(), 0);
});

// ---- 7. int32 arithmetic is exact -------------------------------------------------------------

const i32 = (v: number[] | number[][]) => nn.tensor(v, { dtype: "int32" });

Deno.test("int32 mul, pow and matmul wrap exactly as PyTorch's (Math.imul, never float64)", () => {
  for (const op of ["mul", "pow"] as const) {
    const c = cases[`int32_${op}`];
    const out = i32(c.a)[op](i32(c.b));
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.toArray(), c.out, op);
  }
  const m = cases.int32_matmul;
  const product = i32(m.a).matmul(i32(m.b));
  assert.equal(product.dtype, "int32");
  assert.deepEqual(product.toArray(), m.out);
  // Transposed operands (read through the transpose flags) and a batch.
  assert.deepEqual(i32(m.b).T.matmul(i32(m.a).T).toArray(), i32(m.out).T.toArray());
  const batched = nn.stack([i32(m.a), i32(m.a)]).matmul(i32(m.b));
  assert.deepEqual(batched.toArray(), [m.out, m.out]);
  // The issue's one-liners, and a number operand.
  assert.deepEqual(i32([2147483647]).mul(2147483647).toArray(), [1]);
  assert.deepEqual(i32([3]).pow(40).toArray(), [689956897]);
  // Broadcast (a row, a column) goes through the same exact kernel.
  assert.deepEqual(i32([[123456789], [3]]).mul(i32([987654321, 40])).toArray(), [
    [-67153019, 643304264], // NumPy int32
    [-1332004333, 120],
  ]);
});

Deno.test("int32 pow to a negative exponent is a RangeError, as PyTorch refuses it", () => {
  assert.throws(
    () => i32([2]).pow(-1),
    (e: Error) => e instanceof RangeError && /2 \*\* -1/.test(e.message),
  );
});

Deno.test("int32 sum never wraps: outside the int32 range it is a RangeError naming the sum", () => {
  const c = cases.int32_sum; // PyTorch: 2147483648 in int64
  assert.throws(
    () => i32(c.x).sum(),
    (e: Error) => e instanceof RangeError && e.message.includes(String(c.out)),
  );
  assert.throws(() => i32([[2147483647, 1], [0, 0]]).sum(1), RangeError);
  // In range it stays int32, and a total over every axis is checked once (a partial may overflow).
  const ok = i32([[2147483647, -2147483647], [5, 6]]).sum();
  assert.equal(ok.dtype, "int32");
  assert.equal(ok.item(), 11);
  assert.deepEqual(i32([[2147483647, -2147483647], [5, 6]]).sum(undefined, true).toArray(), [[11]]);
  // The way to a wider sum: cast first.
  assert.equal(i32(c.x).astype("float64").sum().item(), c.out);
});

// ---- 8. a lazy transpose lives past its source ------------------------------------------------

Deno.test("a lazy transpose returned from tidy, or read after its source's dispose(), lives", () => {
  const t = nn.tidy(() => nn.tensor([[1, 2, 3], [4, 5, 6]]).mul(1).T);
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(t.toArray(), [[1, 4], [2, 5], [3, 6]]);

  const x = nn.tensor([[1, 2, 3], [4, 5, 6]]);
  const xT = x.T;
  x.dispose();
  assert.deepEqual(xT.toArray(), [[1, 4], [2, 5], [3, 6]]);

  // Read by a matmul without a copy (the transpose flag), after tidy freed the source.
  const y = nn.tidy(() => nn.tensor([[1, 2], [3, 4]]).mul(1).T);
  assert.deepEqual(y.matmul(nn.tensor([[1], [1]])).toArray(), [[4], [6]]);
  // Disposing the transpose itself is still an error to use, naming its own shape.
  y.dispose();
  assert.throws(() => y.toArray(), /shape \[2,2\] was disposed/);
});

// ---- 9. a second backward ---------------------------------------------------------------------

Deno.test("backward twice through one graph throws unless the first had retainGraph", () => {
  const c = cases.backward_twice;
  const x = f64(c.x, true);
  const y = x.mul(x).sum();
  y.backward({ retainGraph: true });
  y.backward();
  assertAgrees(x.grad, c.grad, "grad after two backwards");
  assert.match(cases.backward_error.message, /backward through the graph a second time/);
  assert.throws(
    () => y.backward(),
    (e: Error) =>
      /backward through the graph a second time/.test(e.message) && /retainGraph/.test(e.message),
  );
  assertAgrees(x.grad, c.grad, "the refused backward changed nothing");

  // A graph shared by two losses: the second backward through the shared part is refused too.
  const w = f64([1, 2], true);
  const h = w.mul(2);
  h.sum().backward();
  assert.throws(() => h.mul(3).sum().backward(), /second time/);
  // ...unless the first kept it; a gradient argument comes before the options.
  const v = f64([1, 2], true);
  const k = v.mul(2);
  k.backward(f64([1, 1]), { retainGraph: true });
  k.mul(3).sum().backward();
  assert.deepEqual(v.grad!.toArray(), [8, 8]);
  // A fresh forward pass is a fresh graph.
  w.mul(2).sum().backward();
  assert.deepEqual(w.grad!.toArray(), [4, 4]);
});

Deno.test("backward's options: a wrong option is a TypeError naming it", () => {
  const x = f64([1], true);
  assert.throws(
    () => x.mul(2).sum().backward({ retain: true } as never),
    /unknown option "retain"/,
  );
  assert.throws(() => x.mul(2).sum().backward({ retainGraph: 1 } as never), TypeError);
  assert.throws(() => x.mul(2).sum().backward(3 as never), TypeError);
});

// ---- 10. one aliasing rule: a view keeps the values it was taken with ----------------------------

Deno.test("reshape, detach, T and stateDict taken before an update all keep the old values", () => {
  const w = nn.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const [r, d, t] = [w.reshape([4]), w.detach(), w.T];
  const linear = new nn.Linear(2, 1);
  const state = linear.stateDict();
  const before = (state.weight as Tensor).toArray();
  w.mul(w).sum().backward();
  new nn.optim.SGD([w], { lr: 0.5 }).step(); // w - 0.5·2w = 0
  linear.weight.assign(linear.weight.add(1));
  assert.deepEqual(w.toArray(), [[0, 0], [0, 0]]);
  assert.deepEqual(r.toArray(), [1, 2, 3, 4]);
  assert.deepEqual(d.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(t.toArray(), [[1, 3], [2, 4]]); // it showed the new values before
  assert.deepEqual((state.weight as Tensor).toArray(), before);
  // Taken after the update, each shows the new values.
  assert.deepEqual(w.T.toArray(), [[0, 0], [0, 0]]);
});

// ---- issue 13 item 5: reductions take their options one way -----------------------------------

Deno.test("sum, mean, max, min, argmax, argmin take (axis, { keepdims }) and a boolean keepdims", () => {
  const x = nn.tensor([[1, 5, 2], [4, 0, 6]], { dtype: "float64" });
  const expected: Record<string, [number[], number[][]]> = {
    sum: [[8, 10], [[8], [10]]],
    mean: [[8 / 3, 10 / 3], [[8 / 3], [10 / 3]]],
    max: [[5, 6], [[5], [6]]],
    min: [[1, 0], [[1], [0]]],
    argmax: [[1, 2], [[1], [2]]],
    argmin: [[0, 1], [[0], [1]]],
  };
  for (const [op, [flat, kept]] of Object.entries(expected)) {
    const f = (x[op as keyof Tensor] as (...args: unknown[]) => Tensor).bind(x);
    assert.deepEqual(f(1).toArray(), flat, `${op}(1)`);
    assert.deepEqual(f(1, { keepdims: true }).toArray(), kept, `${op}(1, { keepdims: true })`);
    assert.deepEqual(f(1, true).toArray(), kept, `${op}(1, true)`);
    assert.deepEqual(f(1, { keepdims: false }).toArray(), flat, `${op}(1, { keepdims: false })`);
    assert.deepEqual(f(-1, {}).toArray(), flat, `${op}(-1, {})`);
    assert.deepEqual(f(null, { keepdims: true }).shape, [1, 1], `${op}(null, { keepdims: true })`);
    // Wrong types, each a TypeError naming the argument and what was found.
    assert.throws(
      () => f({ axis: 1 }),
      /: expected an (integer )?axis.*found an object \{ axis \}/,
      `${op}({ axis: 1 })`,
    );
    assert.throws(
      () => f(1, "yes"),
      /expected keepdims \(a boolean\) or options \{ keepdims \}.*found "yes"/,
      op,
    );
    assert.throws(() => f(1, { keepDims: true }), /unknown option "keepDims"/, op);
    assert.throws(() => f(1, { keepdims: 1 }), /expected a boolean keepdims, found 1/, op);
    assert.throws(() => f("1"), TypeError, `${op}("1")`);
  }
  // sum and friends take several axes.
  assert.deepEqual(x.sum([0, 1], { keepdims: true }).toArray(), [[18]]);
});

Deno.test("var/std: a boolean second argument is a TypeError (PyTorch reads it as unbiased)", () => {
  const x = nn.tensor([[1, 2], [3, 5]], { dtype: "float64" });
  assert.throws(
    () => x.std(0, true as never),
    (e: Error) =>
      e instanceof TypeError && /std: .*found true/.test(e.message) && /ddof: 1/.test(e.message),
  );
  assert.throws(() => x.var(0, { ddof: "1" } as never), /var: expected a number ddof, found "1"/);
  assert.throws(() => x.var(0, { axis: 0 } as never), /unknown option "axis"/);
  assert.throws(() => x.var({ axis: 0 } as never), TypeError);
  assert.deepEqual(x.var(0, { ddof: 1, keepdims: true }).toArray(), [[2, 4.5]]);
});

Deno.test("at takes one index: x.at(0, 1) is a TypeError, not row 0", () => {
  const x = nn.tensor([[1, 2], [3, 4]]);
  assert.throws(
    () => (x.at as (...i: number[]) => Tensor)(0, 1),
    (e: Error) =>
      e instanceof TypeError && /at: expected one index, found 2 \(0, 1\)/.test(e.message),
  );
  assert.throws(
    () => x.at("1" as never),
    (e: Error) => e instanceof TypeError && /found "1"/.test(e.message),
  );
  assert.throws(() => x.at(2), RangeError);
  assert.equal(x.at(0).at(1).item(), 2);
});
