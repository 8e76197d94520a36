/**
 * The products of the book's sigmoid network's fused pass (`NeuralNetwork`,
 * Part4-2), part of the module `kernels.ts` builds: each layer's `x·w + b`
 * and the backpropagated gradients' sums, a row of the batch at a time, in
 * float64. `lib/models/fused_sigmoid_wasm.ts` runs them, with the sigmoids,
 * the loss and the output error in JavaScript between them; together they
 * give the bits of the TypeScript loop in `lib/models/fused_sigmoid_step.ts`
 * (every operation a plain IEEE double operation, in the same order, with no
 * fused multiply-add).
 *
 * Why the exponentials stay in JavaScript: a call from WebAssembly to the
 * host's `Math.exp`, or even to a JavaScript function that returns its
 * argument, cost about what `Math.exp` itself costs in a JavaScript loop, and
 * the pass makes 1,416 of them for Part4-2's 118 rows. A single kernel that
 * called them took 24–25 µs a pass; the split pass takes 22. Why a kernel at
 * all: the TypeScript loop's first calls run in V8's interpreter (about 5 ms
 * each) until the optimising compilers take it (see `fused_sigmoid_step.ts`).
 *
 * @module
 */

import { type Code, f64, forLoop, get, i32, type Local, set } from "./assembler.ts";
import type { ModuleBuilder } from "./assembler.ts";

/**
 * Adds the two kernels of the pass; the sigmoids, the loss and the output
 * error between them are the caller's, in JavaScript (see
 * `lib/models/fused_sigmoid_wasm.ts`). Every argument after the sizes is a
 * byte address of float64 elements, laid out as the TypeScript loop's
 * arrays are.
 *
 * - `sigmoid_layer_f64(m, inputs, outputs, x, w, b, z)`: `z = x·w + b` for
 *   `m` rows, each sum over the inputs in order, then the bias added (the
 *   hidden layer's and the output layer's pre-activations).
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
