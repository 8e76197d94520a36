/**
 * The element-wise WebAssembly kernels, part of the module `kernels.ts`
 * builds: the arithmetic and comparisons of two tensors (the same shape, a
 * scalar, a row repeated down a batch, a column repeated along rows) and a few
 * unary ops, four float32 or two float64 lanes at a time.
 *
 * Each computes exactly what the CPU backend's TypeScript loops compute:
 * float32 `+ - * /` and `sqrt` are correctly rounded both ways (JavaScript
 * computes in double and rounds once, which gives the same float), the
 * comparisons give 1 or 0 with NaN comparing false, and `relu` is
 * `x < 0 ? 0 : x` (`pmax`, which keeps NaN and -0 as that does).
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
  select,
  set,
  v128,
} from "./assembler.ts";
import {
  BINARY_KERNELS,
  type BinaryKernel,
  type KernelDType,
  UNARY_KERNELS,
  type UnaryKernel,
} from "./kernel_shapes.ts";

/** An op on vectors and the same op on single values. */
interface Lanes {
  vector: (...args: Code[]) => Code;
  scalar: (...args: Code[]) => Code;
}

/** Each op's vector and scalar form, for one float type. */
function ops(dtype: KernelDType) {
  const [V, S] = dtype === "f32" ? [f32x4, f32] : [f64x2, f64];
  const one = V.splat(S.const(1));
  const zero = V.splat(S.const(0));
  // A comparison's all-ones lanes masked down to the bits of 1.0.
  const compare = (vector: (a: Code, b: Code) => Code, scalar: (a: Code, b: Code) => Code) => ({
    vector: (a: Code, b: Code) => v128.and(vector(a, b), one),
    scalar: (a: Code, b: Code) => select(scalar(a, b), S.const(1), S.const(0)),
  });
  const binary: Record<BinaryKernel, Lanes> = {
    add: { vector: V.add, scalar: S.add },
    sub: { vector: V.sub, scalar: S.sub },
    mul: { vector: V.mul, scalar: S.mul },
    div: { vector: V.div, scalar: S.div },
    gt: compare(V.gt, S.gt),
    lt: compare(V.lt, S.lt),
    ge: compare(V.ge, S.ge),
    le: compare(V.le, S.le),
    eq: compare(V.eq, S.eq),
  };
  const unary: Record<UnaryKernel, Lanes> = {
    // pmax(x, 0) = x < 0 ? 0 : x; the scalar form reads x twice, so it is a local.
    relu: {
      vector: (x) => V.pmax(x, zero),
      scalar: (x) => select(S.lt(x, S.const(0)), S.const(0), x),
    },
    neg: { vector: V.neg, scalar: S.neg },
    sqrt: { vector: V.sqrt, scalar: S.sqrt },
    abs: { vector: V.abs, scalar: S.abs },
  };
  return { binary, unary, load: S.load, store: S.store, splat: V.splat };
}

/**
 * `binary_<op>_<dtype>(x, y, out, rows, cols, yStep, yVector)`: for each of
 * `rows` rows of `cols` elements, `out = x op y`, where y's row r starts at
 * `y + r·yStep` (bytes) and is a row of `cols` values when `yVector` is set,
 * else one value repeated. So the same shape is one row with yVector; a
 * scalar one row without; a bias added down a batch, rows with yStep 0; a
 * column of row maxima, rows with yStep one element and no yVector.
 */
function binaryKernel(m: ModuleBuilder, dtype: KernelDType, name: BinaryKernel): number {
  const bytes = dtype === "f32" ? 4 : 8;
  const { binary, load, store, splat } = ops(dtype);
  const { vector, scalar } = binary[name];
  const params = {
    x: "i32",
    y: "i32",
    out: "i32",
    rows: "i32",
    cols: "i32",
    yStep: "i32",
    yVector: "i32",
  } as const;
  return m.func(`binary_${name}_${dtype}`, params, [], ({ params: p, local }) => {
    const r = local("i32"), at = local("i32"), rowBytes = local("i32");
    const xRow = local("i32"), yRow = local("i32"), outRow = local("i32");
    const yv = local("v128"), ys = local(dtype);
    // Loops count byte offsets within the row (signed counts, unlike addresses,
    // which may pass 2 GiB), and add them to the row's addresses.
    const x = () => i32.add(get(xRow), get(at));
    const y = () => i32.add(get(yRow), get(at));
    const out = () => i32.add(get(outRow), get(at));
    // One row: whole vectors, then the elements left over, one by one.
    const row = (yVector: boolean): Code => [
      forLoop(at, i32.const(0), i32.sub(get(rowBytes), i32.const(15)), i32.const(16), [
        v128.store(out(), vector(v128.load(x()), yVector ? v128.load(y()) : get(yv))),
      ]),
      forLoop(at, get(at), get(rowBytes), i32.const(bytes), [
        store(out(), scalar(load(x()), yVector ? load(y()) : get(ys))),
      ]),
    ];
    return [
      set(rowBytes, i32.mul(get(p.cols), i32.const(bytes))),
      forLoop(r, i32.const(0), get(p.rows), i32.const(1), [
        set(xRow, i32.add(get(p.x), i32.mul(get(r), get(rowBytes)))),
        set(outRow, i32.add(get(p.out), i32.mul(get(r), get(rowBytes)))),
        set(yRow, i32.add(get(p.y), i32.mul(get(r), get(p.yStep)))),
        ifThen(
          get(p.yVector),
          row(true),
          [set(ys, load(get(yRow))), set(yv, splat(get(ys))), row(false)],
        ),
      ]),
    ];
  });
}

/** `unary_<op>_<dtype>(x, out, n)`: `out = op(x)` for n elements. */
function unaryKernel(m: ModuleBuilder, dtype: KernelDType, name: UnaryKernel): number {
  const bytes = dtype === "f32" ? 4 : 8;
  const { unary, load, store } = ops(dtype);
  const { vector, scalar } = unary[name];
  const params = { x: "i32", out: "i32", n: "i32" } as const;
  return m.func(`unary_${name}_${dtype}`, params, [], ({ params: p, local }) => {
    const at = local("i32"), size = local("i32"), v = local(dtype);
    const x = () => i32.add(get(p.x), get(at));
    const out = () => i32.add(get(p.out), get(at));
    return [
      set(size, i32.mul(get(p.n), i32.const(bytes))),
      forLoop(at, i32.const(0), i32.sub(get(size), i32.const(15)), i32.const(16), [
        v128.store(out(), vector(v128.load(x()))),
      ]),
      forLoop(at, get(at), get(size), i32.const(bytes), [
        set(v, load(x())),
        store(out(), scalar(get(v))),
      ]),
    ];
  });
}

/** Adds every element-wise kernel, for both float types, to `m`. */
export function elementwiseKernels(m: ModuleBuilder): void {
  for (const dtype of ["f32", "f64"] as const) {
    for (const name of BINARY_KERNELS) binaryKernel(m, dtype, name);
    for (const name of UNARY_KERNELS) unaryKernel(m, dtype, name);
  }
}
