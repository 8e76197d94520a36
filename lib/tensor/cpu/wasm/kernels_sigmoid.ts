/**
 * The fused pass of the book's sigmoid network (`NeuralNetwork`, Part4-2),
 * part of the module `kernels.ts` builds: forward propagation, the binary
 * cross-entropy's terms and the backpropagated gradients' sums, one row of the
 * batch at a time, in float64. `lib/models/fused_sigmoid_step.ts` owns it and
 * has the same loop in TypeScript, which this one matches bit for bit.
 *
 * Why here as well as there: the TypeScript loop's first calls run in V8's
 * interpreter (about 5 ms each for Part4-2's 118 rows) until the optimising
 * compilers take it, and the Part4-2 script ran 20–30 ms faster with this
 * kernel (see `fused_sigmoid_step.ts`). Once both are optimised they run at
 * about the same speed (24 µs for Part4-2's 118 rows), most of it the 1,416
 * exponentials and logarithms (a call from here to an imported function,
 * even one that returns its argument, costs about as much as `Math.exp`
 * itself), which are the host's `Math.exp` and
 * `Math.log`, imported (`math.exp`, `math.log`), so that
 * each value is the one JavaScript computes; every other operation is a plain
 * IEEE double operation, as in JavaScript, in the same order, with no fused
 * multiply-add.
 *
 * @module
 */

import { call, type Code, f64, forLoop, get, i32, ifThen, type Local, set } from "./assembler.ts";
import type { ModuleBuilder } from "./assembler.ts";

/** The host functions the kernel calls: their indices in the module. */
export interface MathImports {
  /** `Math.exp`. */
  exp: number;
  /** `Math.log`. */
  log: number;
}

/**
 * Adds `sigmoid_pass_f64(m, inputs, hidden, outputs, x, labels, w1, b1, w2,
 * b2, a1, a2, gw1, gb1, gw2, gb2, row, dz1) -> lossSum`: every argument after
 * the sizes is a byte address of float64 elements, laid out as the
 * TypeScript loop's arrays are. With `labels` = 0 it stops at a2 (the forward
 * pass alone) and returns 0. The gradients' sums must start at zero.
 */
export function sigmoidKernels(m: ModuleBuilder, math: MathImports): void {
  const params = {
    m: "i32",
    inputs: "i32",
    hidden: "i32",
    outputs: "i32",
    x: "i32",
    labels: "i32",
    w1: "i32",
    b1: "i32",
    w2: "i32",
    b2: "i32",
    a1: "i32",
    a2: "i32",
    gw1: "i32",
    gb1: "i32",
    gw2: "i32",
    gb2: "i32",
    row: "i32",
    dz1: "i32",
  } as const;
  m.func("sigmoid_pass_f64", params, ["f64"], ({ params: p, local }) => {
    const [i, j, k, o] = [local("i32"), local("i32"), local("i32"), local("i32")];
    // Byte addresses of row i's x, a1, a2 and labels, and of W1's row k.
    const [xi, hi, oi, li, wk] = [
      local("i32"),
      local("i32"),
      local("i32"),
      local("i32"),
      local("i32"),
    ];
    const [xk, z, prob, t, d, a, lossSum, term] = [
      local("f64"),
      local("f64"),
      local("f64"),
      local("f64"),
      local("f64"),
      local("f64"),
      local("f64"),
      local("f64"),
    ];
    /** The byte address of element `index` of the float64 array at byte `base`. */
    const at = (base: Local, index: Code): Code => i32.add(get(base), i32.shl(index, i32.const(3)));
    const load = (base: Local, index: Code): Code => f64.load(at(base, index));
    const store = (base: Local, index: Code, value: Code): Code =>
      f64.store(at(base, index), value);
    const addTo = (base: Local, index: Code, value: Code): Code =>
      store(base, index, f64.add(load(base, index), value));
    const rowTimes = (size: Local): Code => i32.shl(i32.mul(get(i), get(size)), i32.const(3));
    // 1 / (1 + exp(-v)), as the TypeScript loop writes it.
    const sigmoid = (v: Code): Code =>
      f64.div(f64.const(1), f64.add(f64.const(1), call(math.exp, f64.neg(v))));
    const jw2o = i32.add(i32.mul(get(j), get(p.outputs)), get(o)); // W2's [j, o]
    const eachHidden = (body: Code) => forLoop(j, i32.const(0), get(p.hidden), i32.const(1), body);
    const eachInput = (body: Code) => forLoop(k, i32.const(0), get(p.inputs), i32.const(1), body);
    const hasLabels = i32.ne(get(p.labels), i32.const(0));
    return [
      set(lossSum, f64.const(0)),
      forLoop(i, i32.const(0), get(p.m), i32.const(1), [
        set(xi, i32.add(get(p.x), rowTimes(p.inputs))),
        set(hi, i32.add(get(p.a1), rowTimes(p.hidden))),
        set(oi, i32.add(get(p.a2), rowTimes(p.outputs))),
        set(li, i32.add(get(p.labels), rowTimes(p.outputs))),
        // a1 = σ(X·W1 + b1)
        eachHidden(store(p.row, get(j), f64.const(0))),
        eachInput([
          set(xk, load(xi, get(k))),
          set(wk, i32.add(get(p.w1), i32.shl(i32.mul(get(k), get(p.hidden)), i32.const(3)))),
          eachHidden(addTo(p.row, get(j), f64.mul(get(xk), load(wk, get(j))))),
        ]),
        eachHidden(
          store(hi, get(j), sigmoid(f64.add(load(p.row, get(j)), load(p.b1, get(j))))),
        ),
        // a2 = σ(a1·W2 + b2) and the loss's terms; dz2 = a2 - y into db2, dW2 and the row.
        eachHidden(store(p.row, get(j), f64.const(0))),
        forLoop(o, i32.const(0), get(p.outputs), i32.const(1), [
          set(z, f64.const(0)),
          eachHidden(set(z, f64.add(get(z), f64.mul(load(hi, get(j)), load(p.w2, jw2o))))),
          set(prob, sigmoid(f64.add(get(z), load(p.b2, get(o))))),
          store(oi, get(o), get(prob)),
          ifThen(hasLabels, [
            set(t, load(li, get(o))),
            // The term as `crossEntropyTerm` in fused_sigmoid_step.ts: one logarithm for a
            // label of exactly 1 or 0 (the other term adds ±0, or NaN where it is infinite).
            ifThen(
              f64.eq(get(t), f64.const(1)),
              ifThen(
                f64.eq(get(prob), f64.const(1)),
                set(term, f64.const(NaN)),
                set(term, call(math.log, get(prob))),
              ),
              ifThen(
                f64.eq(get(t), f64.const(0)),
                ifThen(
                  f64.eq(get(prob), f64.const(0)),
                  set(term, f64.const(NaN)),
                  set(term, call(math.log, f64.add(f64.neg(get(prob)), f64.const(1)))),
                ),
                set(
                  term,
                  f64.add(
                    f64.mul(get(t), call(math.log, get(prob))),
                    f64.mul(
                      f64.add(f64.neg(get(t)), f64.const(1)),
                      call(math.log, f64.add(f64.neg(get(prob)), f64.const(1))),
                    ),
                  ),
                ),
              ),
            ),
            set(lossSum, f64.add(get(lossSum), get(term))),
            set(d, f64.sub(get(prob), get(t))),
            addTo(p.gb2, get(o), get(d)),
            eachHidden([
              addTo(p.gw2, jw2o, f64.mul(load(hi, get(j)), get(d))),
              addTo(p.row, get(j), f64.mul(get(d), load(p.w2, jw2o))),
            ]),
          ]),
        ]),
        // dz1 = (dz2·W2ᵀ)·a1(1 - a1), into db1 and dW1.
        ifThen(hasLabels, [
          eachHidden([
            set(a, load(hi, get(j))),
            set(
              d,
              f64.mul(
                load(p.row, get(j)),
                f64.mul(get(a), f64.add(f64.neg(get(a)), f64.const(1))),
              ),
            ),
            store(p.dz1, get(j), get(d)),
            addTo(p.gb1, get(j), get(d)),
          ]),
          eachInput([
            set(xk, load(xi, get(k))),
            set(wk, i32.add(get(p.gw1), i32.shl(i32.mul(get(k), get(p.hidden)), i32.const(3)))),
            eachHidden(addTo(wk, get(j), f64.mul(get(xk), load(p.dz1, get(j))))),
          ]),
        ]),
      ]),
      get(lossSum),
    ];
  });
}
