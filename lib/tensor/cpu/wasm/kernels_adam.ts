/**
 * The Adam kernel, part of the module `kernels.ts` builds: one optimiser step
 * for one parameter, four float32 or two float64 lanes at a time.
 *
 * It does the operations of `../adam.ts`'s loop in the same order, each
 * rounded to the float type (SIMD `+ - * / sqrt` round as JavaScript's
 * `Math.fround` of the double result does), so both give the same bits.
 *
 * @module
 */

import {
  type Code,
  f32,
  f32x4,
  f64,
  f64x2,
  forLoop,
  get,
  i32,
  ifThen,
  type ModuleBuilder,
  set,
  v128,
} from "./assembler.ts";
import type { KernelDType } from "./kernel_shapes.ts";

/**
 * `adam_<dtype>(p, g, m, v, out, n, beta1, a1, beta2, a2, minusStep,
 * rootCorrection2, eps, weightDecay)`: for n elements, with a1 = 1 - β1 and
 * a2 = 1 - β2 given already rounded to the float type,
 * `g' = g + p·wd; m = m·β1 + g'·a1; v = v·β2 + (g'·a2)·g';
 * out = p + (m·(-step)) / (√v / rc + eps)`, m and v written back.
 */
function adamKernel(m: ModuleBuilder, dtype: KernelDType): number {
  const [V, S] = dtype === "f32" ? [f32x4, f32] : [f64x2, f64];
  const bytes = dtype === "f32" ? 4 : 8;
  const params = {
    p: "i32",
    g: "i32",
    m: "i32",
    v: "i32",
    out: "i32",
    n: "i32",
    beta1: dtype,
    a1: dtype,
    beta2: dtype,
    a2: dtype,
    minusStep: dtype,
    rootCorrection2: dtype,
    eps: dtype,
    weightDecay: dtype,
  } as const;
  return m.func(`adam_${dtype}`, params, [], ({ params: c, local }) => {
    const at = local("i32"), size = local("i32");
    const constants = [
      c.beta1,
      c.a1,
      c.beta2,
      c.a2,
      c.minusStep,
      c.rootCorrection2,
      c.eps,
      c.weightDecay,
    ];
    const splats = constants.map(() => local("v128"));
    const [B1, A1, B2, A2, STEP, RC, EPS, WD] = splats.map((l) => () => get(l));
    const gi = local("v128"), mi = local("v128"), vi = local("v128");
    const sg = local(dtype), sm = local(dtype), sv = local(dtype);
    const addr = (base: typeof c.p) => i32.add(get(base), get(at));
    // The vector step and the one-element step: the same operations. Without
    // weight decay g is taken as it is (as the ops do: g + p·0 would make an
    // infinite p's gradient NaN).
    const vector = (decay: boolean): Code => [
      set(
        gi,
        decay
          ? V.add(v128.load(addr(c.g)), V.mul(v128.load(addr(c.p)), WD()))
          : v128.load(addr(c.g)),
      ),
      set(mi, V.add(V.mul(v128.load(addr(c.m)), B1()), V.mul(get(gi), A1()))),
      set(vi, V.add(V.mul(v128.load(addr(c.v)), B2()), V.mul(V.mul(get(gi), A2()), get(gi)))),
      v128.store(addr(c.m), get(mi)),
      v128.store(addr(c.v), get(vi)),
      v128.store(
        addr(c.out),
        V.add(
          v128.load(addr(c.p)),
          V.div(V.mul(get(mi), STEP()), V.add(V.div(V.sqrt(get(vi)), RC()), EPS())),
        ),
      ),
    ];
    const scalar = (decay: boolean): Code => [
      set(
        sg,
        decay
          ? S.add(S.load(addr(c.g)), S.mul(S.load(addr(c.p)), get(c.weightDecay)))
          : S.load(addr(c.g)),
      ),
      set(sm, S.add(S.mul(S.load(addr(c.m)), get(c.beta1)), S.mul(get(sg), get(c.a1)))),
      set(
        sv,
        S.add(S.mul(S.load(addr(c.v)), get(c.beta2)), S.mul(S.mul(get(sg), get(c.a2)), get(sg))),
      ),
      S.store(addr(c.m), get(sm)),
      S.store(addr(c.v), get(sv)),
      S.store(
        addr(c.out),
        S.add(
          S.load(addr(c.p)),
          S.div(
            S.mul(get(sm), get(c.minusStep)),
            S.add(S.div(S.sqrt(get(sv)), get(c.rootCorrection2)), get(c.eps)),
          ),
        ),
      ),
    ];
    // Whole vectors, then the elements left over one by one.
    const loops = (decay: boolean): Code => [
      forLoop(at, i32.const(0), i32.sub(get(size), i32.const(15)), i32.const(16), vector(decay)),
      forLoop(at, get(at), get(size), i32.const(bytes), scalar(decay)),
    ];
    return [
      splats.map((l, i) => set(l, V.splat(get(constants[i])))),
      set(size, i32.mul(get(c.n), i32.const(bytes))),
      ifThen(S.eq(get(c.weightDecay), S.const(0)), loops(false), loops(true)),
    ];
  });
}

/**
 * Adds the Adam kernel, for both float types, to `m`.
 *
 * @example One float64 step by hand: g = 2, m = v = 0, β = (0.9, 0.999)
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModuleBuilder } from "./assembler.ts";
 * import { adamKernels } from "./kernels_adam.ts";
 * const m = new ModuleBuilder({ initial: 1, maximum: 1 });
 * adamKernels(m);
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * const { exports } = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), {
 *   env: { memory },
 * });
 * const f64 = new Float64Array(memory.buffer as unknown as ArrayBuffer, 0, 5);
 * f64.set([1, 2, 0, 0]); // p, g, m, v at bytes 0, 8, 16, 24; out at 32
 * const adam = exports.adam_f64 as (...args: number[]) => void;
 * // lr 0.1: stepSize = lr / (1 - β1) = 1, rootCorrection2 = √(1 - β2), no eps or decay
 * adam(0, 8, 16, 24, 32, 1, 0.9, 1 - 0.9, 0.999, 1 - 0.999, -1, Math.sqrt(1 - 0.999), 0, 0);
 * assert.ok(Math.abs(f64[2] - 0.2) < 1e-15 && Math.abs(f64[3] - 0.004) < 1e-15); // m, v
 * assert.ok(Math.abs(f64[4] - 0.9) < 1e-12); // the first step moves by lr: 1 - 0.1
 * ```
 */
export function adamKernels(m: ModuleBuilder): void {
  for (const dtype of ["f32", "f64"] as const) adamKernel(m, dtype);
}
