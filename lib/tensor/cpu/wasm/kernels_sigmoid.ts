/**
 * The book's sigmoid network's fused pass (`NeuralNetwork`, Part4-2), part
 * of the module `kernels.ts` builds, in float64: each layer's `x·w + b`, the
 * sigmoid of a layer's sums, and the backpropagated gradients' sums, a row of
 * the batch at a time. `lib/models/fused_sigmoid_wasm.ts` runs them, with the
 * loss and the output error in JavaScript between them.
 *
 * The sums add their terms in the TypeScript loop's order (`lib/models/
 * fused_sigmoid_step.ts`), each a plain IEEE double operation with no fused
 * multiply-add. The sigmoid is `1 / (1 + e^-z)` with an exponential of its
 * own, two lanes at a time: V8's `Math.exp`, which the loop calls, is a C
 * function that WebAssembly can reach only through a call into JavaScript,
 * which costs about what the exponential does. So the two paths agree to a
 * few units in the last place, not to the bit: on the 2,070 values of
 * `tests/models/sigmoid_kernel_test.ts`, both are within 2 ulp of σ correctly
 * rounded, and correctly rounded for 64 % (here) and 65 % (V8). They agree
 * exactly where σ saturates to 0 or 1, and both keep NaN. Part4-2's 1,298
 * sigmoids an epoch take 4.7 µs here and 10.7 with `Math.exp` in a JavaScript
 * loop (`deno run -A bench/fused_sigmoid_step.ts 3`).
 *
 * @module
 */

import {
  type Code,
  f64,
  f64x2,
  forLoop,
  get,
  i32,
  i32x4,
  i64x2,
  ifThen,
  type Local,
  set,
  v128,
} from "./assembler.ts";
import type { ModuleBuilder } from "./assembler.ts";

/**
 * Adds the three kernels of the pass; the loss and the output error between
 * them are the caller's, in JavaScript (see `lib/models/fused_sigmoid_wasm.ts`).
 * Every argument after the sizes is a byte address of float64 elements, laid
 * out as the TypeScript loop's arrays are.
 *
 * - `sigmoid_layer_f64(m, inputs, outputs, x, w, b, z)`: `z = x·w + b` for
 *   `m` rows, each sum over the inputs in order, then the bias added (the
 *   hidden layer's and the output layer's pre-activations).
 * - `sigmoid_f64(n, z)`: `z ← 1 / (1 + e^-z)` for `n` elements (the address
 *   a multiple of 8).
 * - `sigmoid_backward_f64(m, inputs, hidden, outputs, x, a1, w2, dz2, gw1,
 *   gb1, gw2, gb2, row, dz1)`: adds each row's gradient into the sums (which
 *   must start at zero), from the output error `dz2 = a2 - y`.
 */
export function sigmoidKernels(m: ModuleBuilder): void {
  /** The byte address of element `index` of the float64 array at byte `base`. */
  const at = (base: Local, index: Code): Code => i32.add(get(base), i32.shl(index, i32.const(3)));
  const load = (base: Local, index: Code): Code => f64.load(at(base, index));
  const store = (base: Local, index: Code, value: Code): Code => f64.store(at(base, index), value);
  const addTo = (base: Local, index: Code, value: Code): Code =>
    store(base, index, f64.add(load(base, index), value));
  const upTo = (i: Local, n: Local, body: Code) =>
    forLoop(i, i32.const(0), get(n), i32.const(1), body);
  /** Byte offset of row `i` of an array `size` wide. */
  const rowBytes = (i: Local, size: Local): Code =>
    i32.shl(i32.mul(get(i), get(size)), i32.const(3));

  const layer = {
    m: "i32",
    inputs: "i32",
    outputs: "i32",
    x: "i32",
    w: "i32",
    b: "i32",
    z: "i32",
  } as const;
  m.func("sigmoid_layer_f64", layer, [], ({ params: p, local }) => {
    const [i, j, k, xi, zi, wk] = [0, 1, 2, 3, 4, 5].map(() => local("i32"));
    const xk = local("f64");
    return upTo(i, p.m, [
      set(xi, i32.add(get(p.x), rowBytes(i, p.inputs))),
      set(zi, i32.add(get(p.z), rowBytes(i, p.outputs))),
      // Each output's sum from zero, input by input, as the loop's `row`; then the bias.
      upTo(j, p.outputs, store(zi, get(j), f64.const(0))),
      upTo(k, p.inputs, [
        set(xk, load(xi, get(k))),
        set(wk, i32.add(get(p.w), i32.shl(i32.mul(get(k), get(p.outputs)), i32.const(3)))),
        upTo(j, p.outputs, addTo(zi, get(j), f64.mul(get(xk), load(wk, get(j))))),
      ]),
      upTo(j, p.outputs, addTo(zi, get(j), load(p.b, get(j)))),
    ]);
  });

  m.func("sigmoid_f64", { n: "i32", z: "i32" }, [], ({ params: p, local }) => {
    const consts: Code[] = [];
    const constant = constants(local, consts);
    const [first, second] = [sigmoidLanes(local, constant), sigmoidLanes(local, constant)];
    const [i, fours] = [local("i32"), local("i32")];
    const addr = (offset: number) =>
      i32.add(get(p.z), i32.add(i32.shl(get(i), i32.const(3)), i32.const(offset)));
    return [
      consts,
      // Four elements a turn (while i + 4 ≤ n), as two independent pairs: each pair's
      // exponential is a chain of dependent operations, and two keep the processor busier.
      set(fours, i32.sub(get(p.n), i32.const(3))),
      forLoop(i, i32.const(0), get(fours), i32.const(4), [
        v128.store(addr(0), first(v128.load(addr(0)))),
        v128.store(addr(16), second(v128.load(addr(16)))),
      ]),
      // Then a pair, and a last one alone.
      ifThen(i32.le_s(i32.add(get(i), i32.const(2)), get(p.n)), [
        v128.store(addr(0), first(v128.load(addr(0)))),
        set(i, i32.add(get(i), i32.const(2))),
      ]),
      ifThen(
        i32.lt_s(get(i), get(p.n)),
        f64.store(addr(0), f64x2.extract_lane(first(v128.load64_splat(addr(0))), 0)),
      ),
    ];
  });

  const backward = {
    m: "i32",
    inputs: "i32",
    hidden: "i32",
    outputs: "i32",
    x: "i32",
    a1: "i32",
    w2: "i32",
    dz2: "i32",
    gw1: "i32",
    gb1: "i32",
    gw2: "i32",
    gb2: "i32",
    row: "i32",
    dz1: "i32",
  } as const;
  m.func("sigmoid_backward_f64", backward, [], ({ params: p, local }) => {
    const [i, j, k, o, xi, hi, oi, wk] = [0, 1, 2, 3, 4, 5, 6, 7].map(() => local("i32"));
    const [xk, d, a] = [local("f64"), local("f64"), local("f64")];
    const jw2o = i32.add(i32.mul(get(j), get(p.outputs)), get(o)); // W2's [j, o]
    return upTo(i, p.m, [
      set(xi, i32.add(get(p.x), rowBytes(i, p.inputs))),
      set(hi, i32.add(get(p.a1), rowBytes(i, p.hidden))),
      set(oi, i32.add(get(p.dz2), rowBytes(i, p.outputs))),
      // dz2 into db2 and dW2, and sent back through W2 into the row's hidden sums.
      upTo(j, p.hidden, store(p.row, get(j), f64.const(0))),
      upTo(o, p.outputs, [
        set(d, load(oi, get(o))),
        addTo(p.gb2, get(o), get(d)),
        upTo(j, p.hidden, [
          addTo(p.gw2, jw2o, f64.mul(load(hi, get(j)), get(d))),
          addTo(p.row, get(j), f64.mul(get(d), load(p.w2, jw2o))),
        ]),
      ]),
      // dz1 = (dz2·W2ᵀ)·a1(1 - a1), into db1 and dW1.
      upTo(j, p.hidden, [
        set(a, load(hi, get(j))),
        set(
          d,
          f64.mul(load(p.row, get(j)), f64.mul(get(a), f64.add(f64.neg(get(a)), f64.const(1)))),
        ),
        store(p.dz1, get(j), get(d)),
        addTo(p.gb1, get(j), get(d)),
      ]),
      upTo(k, p.inputs, [
        set(xk, load(xi, get(k))),
        set(wk, i32.add(get(p.gw1), i32.shl(i32.mul(get(k), get(p.hidden)), i32.const(3)))),
        upTo(j, p.hidden, addTo(wk, get(j), f64.mul(get(xk), load(p.dz1, get(j))))),
      ]),
    ]);
  });
}

/**
 * A constant's two-lane splat, made once in a local before the loops (`code`
 * collects the making), and read from it after.
 */
function constants(local: (type: "v128") => Local, code: Code[]): (value: number) => Code {
  const made = new Map<number, Local>();
  return (value) => {
    let l = made.get(value);
    if (l === undefined) {
      l = local("v128");
      made.set(value, l);
      code.push(set(l, f64x2.splat(f64.const(value))));
    }
    return get(l);
  };
}

/** 1/n! for n = 0 to 13: e^r's Taylor coefficients, enough for |r| ≤ ln 2 / 2. */
const TAYLOR = Array.from({ length: 14 }, (_, n) => {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return 1 / f;
});

/**
 * Code that takes a pair of z (a v128) and leaves σ(z) = 1 / (1 + e^-z) for
 * both lanes, with its own locals. The exponential:
 *
 * - x = -z, held to [-1000, 1000] (NaN kept): past ±745 e^x is 0 or ∞ anyway.
 * - k = x/ln 2 rounded, r = x - k·ln 2 with ln 2 in two parts (Cody and
 *   Waite, as fdlibm: k·LN2_HI is exact), so |r| ≤ ln 2 / 2.
 * - e^r = 1 + (r + r²·Q(r)), Q the Taylor series from r²'s coefficient to
 *   r¹³'s (the first term left out is below 2^-57 of the sum; the r¹³ term
 *   itself is at most 0.75 ulp), by Estrin's scheme: a tree of products, not
 *   one long chain.
 * - e^x = e^r · 2^k1 · 2^k2 with k1 + k2 = k, each power built in the
 *   exponent's bits: two factors, so that e^x overflows to ∞ and underflows
 *   to 0 (through the subnormals) as it should.
 */
function sigmoidLanes(
  local: (type: "v128") => Local,
  constant: (value: number) => Code,
): (z: Code) => Code {
  const [x, k, r, r2, r4, r8, q, e, n, n1] = Array.from({ length: 10 }, () => local("v128"));
  const c = (power: number) => constant(TAYLOR[power]);
  // c_a + c_(a+1)·r
  const pair = (a: number) => f64x2.add(c(a), f64x2.mul(c(a + 1), get(r)));
  const power2 = (exponent: Local) =>
    i64x2.shl(
      i64x2.add(i64x2.extend_low_i32x4_s(get(exponent)), i64x2.splat_const(1023)),
      i32.const(52),
    );
  return (z) => [
    set(x, f64x2.pmax(f64x2.pmin(f64x2.neg(z), constant(1000)), constant(-1000))),
    set(k, f64x2.nearest(f64x2.mul(get(x), constant(Math.LOG2E)))),
    set(
      r,
      f64x2.sub(
        f64x2.sub(get(x), f64x2.mul(get(k), constant(LN2_HI))),
        f64x2.mul(get(k), constant(LN2_LO)),
      ),
    ),
    set(r2, f64x2.mul(get(r), get(r))),
    set(r4, f64x2.mul(get(r2), get(r2))),
    set(r8, f64x2.mul(get(r4), get(r4))),
    set(
      q,
      f64x2.add(
        f64x2.add(pair(2), f64x2.mul(get(r2), pair(4))),
        f64x2.add(
          f64x2.mul(get(r4), f64x2.add(pair(6), f64x2.mul(get(r2), pair(8)))),
          f64x2.mul(get(r8), f64x2.add(pair(10), f64x2.mul(get(r2), pair(12)))),
        ),
      ),
    ),
    set(e, f64x2.add(constant(1), f64x2.add(get(r), f64x2.mul(get(r2), get(q))))),
    // k as integers (lanes 0 and 1), split in halves: k1 = k >> 1, k2 = k - k1.
    set(n, i32x4.trunc_sat_f64x2_s_zero(get(k))),
    set(n1, i32x4.shr_s(get(n), i32.const(1))),
    set(n, i32x4.sub(get(n), get(n1))),
    set(e, f64x2.mul(f64x2.mul(get(e), power2(n1)), power2(n))),
    f64x2.div(constant(1), f64x2.add(constant(1), get(e))),
  ];
}

/** ln 2's high part, its significand's low 21 bits zero, so k·LN2_HI is exact (fdlibm's ln2HI). */
const LN2_HI = 6.93147180369123816490e-01;
/** ln 2 - LN2_HI. */
const LN2_LO = 1.90821492927058770002e-10;
