/**
 * Every differentiable op against central finite differences in float64.
 *
 * The last test lists every method of Tensor and every function the matrix
 * core exports: an op added later must either get a case here or be declared not
 * differentiable, or this file fails.
 */

import * as nn from "../../mod.ts";
import * as core from "../../lib/tensor/mod.ts";
import { Tensor } from "../../mod.ts";
import { assert } from "../assert.ts";
import { UNARY_OPS, type UnaryDeclaration, type UnaryOp } from "../../lib/tensor/unary_ops.ts";
import { unaryOp } from "../../lib/tensor/ops/unary.ts";
import { BINARY_OPS, type BinaryOp } from "../../lib/tensor/binary_ops.ts";
import { binaryOp } from "../../lib/tensor/ops/binary.ts";

type Case = {
  /** The methods or functions this case exercises. */
  covers: string[];
  /** Shapes of the inputs. */
  shapes: number[][];
  /** Maps raw normal draws to valid inputs (e.g. positive for log). */
  domain?: (x: Tensor) => Tensor;
  f: (...xs: Tensor[]) => Tensor;
};

const positive = (x: Tensor) => x.abs().add(0.5);
const PATTERN = nn.tensor([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]]);
/** Zeros for prod: none in row 0, one in row 1, two in row 2 (and in column 1: one). */
const ZEROS = nn.tensor([[1, 1, 1, 1], [1, 0, 1, 1], [0, 1, 0, 1]], { dtype: "float64" });
const withZeros = (x: Tensor) => x.mul(ZEROS);

const CASES: Case[] = [
  { covers: ["add"], shapes: [[3, 4], [4]], f: (a, b) => a.add(b) },
  { covers: ["add"], shapes: [[2, 1, 3], [4, 1]], f: (a, b) => a.add(b) },
  { covers: ["sub"], shapes: [[3, 1], [1, 5]], f: (a, b) => a.sub(b) },
  { covers: ["sub"], shapes: [[3]], f: (a) => a.sub(2.5) },
  { covers: ["mul"], shapes: [[2, 3], [2, 3]], f: (a, b) => a.mul(b) },
  { covers: ["mul"], shapes: [[2, 3], []], f: (a, b) => a.mul(b) },
  { covers: ["div"], shapes: [[2, 3], [3]], domain: positive, f: (a, b) => a.div(b) },
  { covers: ["pow"], shapes: [[2, 3], [2, 3]], domain: positive, f: (a, b) => a.pow(b) },
  { covers: ["pow"], shapes: [[4]], f: (a) => a.pow(3) },
  { covers: ["maximum"], shapes: [[3, 4], [4]], f: (a, b) => a.maximum(b) },
  { covers: ["minimum"], shapes: [[3, 4], [3, 1]], f: (a, b) => a.minimum(b) },
  { covers: ["where"], shapes: [[3, 4], [4]], f: (a, b) => nn.where(PATTERN, a, b) },
  { covers: ["neg"], shapes: [[5]], f: (a) => a.neg() },
  { covers: ["exp"], shapes: [[2, 3]], f: (a) => a.exp() },
  { covers: ["log"], shapes: [[2, 3]], domain: positive, f: (a) => a.log() },
  { covers: ["sqrt"], shapes: [[2, 3]], domain: positive, f: (a) => a.sqrt() },
  { covers: ["abs"], shapes: [[2, 3]], f: (a) => a.abs() },
  { covers: ["sigmoid"], shapes: [[2, 3]], f: (a) => a.sigmoid() },
  { covers: ["tanh"], shapes: [[2, 3]], f: (a) => a.tanh() },
  { covers: ["relu"], shapes: [[3, 4]], f: (a) => a.relu() },
  { covers: ["leakyRelu"], shapes: [[3, 4]], f: (a) => a.leakyRelu(0.1) },
  { covers: ["softplus"], shapes: [[3, 4]], f: (a) => a.softplus() },
  { covers: ["clip"], shapes: [[3, 4]], f: (a) => a.clip(-0.5, 0.7) },
  { covers: ["square"], shapes: [[3, 4]], f: (a) => a.square() },
  { covers: ["reciprocal"], shapes: [[3, 4]], domain: positive, f: (a) => a.reciprocal() },
  { covers: ["rsqrt"], shapes: [[3, 4]], domain: positive, f: (a) => a.rsqrt() },
  { covers: ["silu"], shapes: [[3, 4]], f: (a) => a.mul(3).silu() },
  { covers: ["elu"], shapes: [[3, 4]], f: (a) => a.mul(3).elu(0.7) },
  { covers: ["logsumexp"], shapes: [[3, 4]], f: (a) => a.mul(5).logsumexp(1) },
  { covers: ["logsumexp"], shapes: [[3, 4]], f: (a) => a.logsumexp(undefined, true) },
  { covers: ["norm"], shapes: [[3, 4]], f: (a) => a.norm(0) },
  { covers: ["norm"], shapes: [[3, 4]], f: (a) => a.norm() },
  { covers: ["sum"], shapes: [[2, 3, 4]], f: (a) => a.sum() },
  { covers: ["sum"], shapes: [[2, 3, 4]], f: (a) => a.sum([0, 2], true) },
  { covers: ["prod"], shapes: [[3, 4]], f: (a) => a.prod(1) },
  { covers: ["prod"], shapes: [[3, 4]], domain: withZeros, f: (a) => a.prod(1) },
  { covers: ["prod"], shapes: [[3, 4]], domain: withZeros, f: (a) => a.prod(0, true) },
  { covers: ["prod"], shapes: [[2, 3, 4]], f: (a) => a.prod([0, 2], true) },
  { covers: ["prod"], shapes: [[2, 3]], f: (a) => a.prod() },
  { covers: ["cumsum"], shapes: [[3, 4]], f: (a) => a.cumsum(1) },
  { covers: ["cumsum"], shapes: [[2, 3, 4]], f: (a) => a.cumsum(-3).exp() },
  { covers: ["mean"], shapes: [[2, 3, 4]], f: (a) => a.mean(1) },
  { covers: ["max"], shapes: [[3, 4]], f: (a) => a.max(1) },
  { covers: ["max"], shapes: [[3, 4]], f: (a) => a.max() },
  { covers: ["min"], shapes: [[3, 4]], f: (a) => a.min(0, true) },
  { covers: ["var"], shapes: [[4, 5]], f: (a) => a.var(0, { ddof: 1 }) },
  { covers: ["std"], shapes: [[4, 5]], f: (a) => a.std(undefined, { ddof: 0 }) },
  { covers: ["matmul"], shapes: [[3, 4], [4, 2]], f: (a, b) => a.matmul(b) },
  { covers: ["matmul"], shapes: [[4], [4, 2]], f: (a, b) => nn.matmul(a, b) },
  { covers: ["matmul"], shapes: [[2, 3, 4], [4, 5]], f: (a, b) => a.matmul(b) },
  { covers: ["matmul"], shapes: [[2, 1, 3, 4], [3, 4, 2]], f: (a, b) => a.matmul(b) },
  { covers: ["softmax"], shapes: [[3, 5]], f: (a) => a.softmax() },
  { covers: ["softmax"], shapes: [[3, 5]], f: (a) => a.softmax(0) },
  { covers: ["logSoftmax"], shapes: [[3, 5]], f: (a) => a.logSoftmax(-1) },
  { covers: ["reshape"], shapes: [[2, 6]], f: (a) => a.reshape([3, -1]).mul(a.reshape([3, 4])) },
  { covers: ["flatten"], shapes: [[2, 3, 4]], f: (a) => a.flatten(1).exp() },
  { covers: ["squeeze"], shapes: [[1, 3, 1]], f: (a) => a.squeeze().exp() },
  { covers: ["unsqueeze"], shapes: [[3, 2]], f: (a) => a.unsqueeze(1).exp() },
  { covers: ["transpose"], shapes: [[2, 3, 4]], f: (a) => a.transpose(1, 2, 0).exp() },
  { covers: ["T"], shapes: [[2, 3]], f: (a) => a.T.exp() },
  // A lazy transpose read by matmul through a flag, on either side and in the backward.
  { covers: ["T", "matmul"], shapes: [[4, 3], [4, 2]], f: (a, b) => a.T.matmul(b) },
  { covers: ["T", "matmul"], shapes: [[3, 4], [2, 4]], f: (a, b) => a.matmul(b.T) },
  { covers: ["T", "matmul"], shapes: [[4, 3], [2, 4]], f: (a, b) => a.T.matmul(b.T).T },
  { covers: ["slice"], shapes: [[5, 3]], f: (a) => a.slice(1, -1).exp() },
  { covers: ["slice"], shapes: [[5, 3]], f: (a) => a.slice(1, 3, 1).exp() },
  { covers: ["slice"], shapes: [[7, 3]], f: (a) => a.slice(0, undefined, 0, 3).exp() },
  { covers: ["slice"], shapes: [[3, 8]], f: (a) => a.slice(-7, -1, 1, 2).exp() },
  { covers: ["at"], shapes: [[4, 3]], f: (a) => a.at(-2).exp() },
  { covers: ["take"], shapes: [[4, 3]], f: (a) => a.take([0, 2, 2, -1], 0).exp() },
  {
    covers: ["take"],
    shapes: [[4, 3]],
    f: (a) => a.take(nn.tensor([[1, 0], [2, 2]], { dtype: "int32" }), 1),
  },
  { covers: ["broadcastTo"], shapes: [[3, 1]], f: (a) => a.broadcastTo([2, 3, 4]).exp() },
  { covers: ["concat"], shapes: [[2, 3], [4, 3]], f: (a, b) => nn.concat([a, b]).exp() },
  { covers: ["stack"], shapes: [[2, 3], [2, 3]], f: (a, b) => nn.stack([a, b], 2).exp() },
];

// Every op declared in UNARY_OPS, derived from its declaration: a new op is checked here at once.
for (const [op, d] of Object.entries(UNARY_OPS) as [string, UnaryDeclaration][]) {
  CASES.push({
    covers: [op],
    shapes: [[3, 4]],
    domain: d.domain === "positive" ? positive : undefined,
    f: (a) => unaryOp(a, op as UnaryOp, d.testParams ?? []),
  });
}

// Every differentiable op declared in BINARY_OPS, broadcast, derived from its
// declaration. A divisor is moved 0.5 away from 0 (remainder jumps at each
// multiple of it; a small one puts the jumps within the finite difference's step).
const awayFromZero = (b: Tensor) => nn.where(b.lt(0), b.sub(0.5), b.add(0.5));
for (const [op, d] of Object.entries(BINARY_OPS) as [BinaryOp, (typeof BINARY_OPS)[BinaryOp]][]) {
  if (d.backward === undefined) continue;
  CASES.push({
    covers: [op],
    shapes: [[3, 4], [4]],
    domain: d.domain === "positive" ? positive : undefined,
    f: d.domain === "divisor"
      ? (a, b) => binaryOp(op, a.mul(3), awayFromZero(b))
      : (a, b) => binaryOp(op, a, b),
  });
}

/**
 * Differentiable, but not checkable by finite differences in float64: `astype`
 * to float32 rounds away the small step. Checked by hand in the test below.
 */
const CHECKED_BY_HAND = new Set(["astype"]);

Deno.test("astype sends the gradient back in the input's dtype", () => {
  const x = nn.tensor([1, 2, 3], { requiresGrad: true });
  x.astype("float64").mul(nn.tensor([0.1, 0.2, 0.3], { dtype: "float64" })).sum().backward();
  assert(x.grad!.dtype === "float32", `dtype ${x.grad!.dtype}`);
  const expected = new Float32Array([0.1, 0.2, 0.3]);
  assert(x.grad!.dataSync().every((v, i) => v === expected[i]), `${x.grad!.dataSync()}`);
});

/** Not differentiable by nature (reading, comparing, indexing), or not an op. */
const NOT_DIFFERENTIABLE = new Set([
  "constructor",
  "requiresGrad",
  "ndim",
  "size",
  "dataSync",
  "data",
  "toArray",
  "array",
  "item",
  "toString",
  "backward",
  "zeroGrad",
  "assign",
  "storage",
  "transposeSource",
  "detach",
  "dispose",
  "isDisposed",
  "itemAsync",
  "gt",
  "lt",
  "ge",
  "le",
  "eq",
  "ne",
  "argmax",
  "argmin",
  // exported functions that make tensors rather than transform them
  "tensor",
  "zeros",
  "ones",
  "full",
  "zerosLike",
  "onesLike",
  "eye",
  "arange",
  "linspace",
  "rand",
  "randn",
  "randint",
  "oneHot",
  "noGrad",
  "isGradEnabled",
  "tidy",
  "keep",
  "manualSeed",
  "defaultGenerator",
  "getBackend",
  "setBackend",
  "describeBackend",
  "toCpu",
  "Generator",
  "Tensor",
  "ShapeError",
  "DataFormatError",
]);

/** `sum(f(xs) * weights)`: a scalar whose gradient exercises every output element. */
function lossOf(c: Case, xs: Tensor[], weights: Tensor): Tensor {
  return c.f(...xs).mul(weights).sum();
}

function normOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

for (const [index, c] of CASES.entries()) {
  Deno.test(`gradient of ${c.covers.join("/")} (case ${index}) matches finite differences`, () => {
    const generator = new nn.Generator(index + 1);
    const opts = { dtype: "float64" as const, generator };
    const raw = c.shapes.map((s) => nn.randn(s, opts));
    const values = raw.map((x) => (c.domain ? c.domain(x) : x).dataSync() as Float64Array);
    const leaf = (v: Float64Array, i: number) =>
      nn.tensor(v, { shape: c.shapes[i], dtype: "float64", requiresGrad: true });
    const xs = values.map(leaf);
    const outShape = nn.noGrad(() => c.f(...xs).shape);
    const weights = nn.randn([...outShape], opts);
    lossOf(c, xs, weights).backward();

    const eps = 1e-6;
    values.forEach((v, i) => {
      const numeric = new Float64Array(v.length);
      for (let j = 0; j < v.length; j++) {
        const at = (delta: number) => {
          const moved = v.slice();
          moved[j] += delta;
          const inputs = values.map((u, k) =>
            nn.tensor(k === i ? moved : u, { shape: c.shapes[k] })
          );
          return nn.noGrad(() => lossOf(c, inputs.map((t) => t.astype("float64")), weights).item());
        };
        numeric[j] = (at(eps) - at(-eps)) / (2 * eps);
      }
      const analytic = xs[i].grad?.dataSync();
      assert(analytic !== undefined, `input ${i} got no gradient`);
      assert(xs[i].grad!.dtype === "float64", `input ${i}: gradient dtype ${xs[i].grad!.dtype}`);
      const diff = normOf(analytic.map((a, j) => a - numeric[j]));
      const relative = diff / Math.max(normOf(analytic) + normOf(numeric), 1e-12);
      assert(
        relative < 1e-6,
        `input ${i}: relative error ${
          relative.toExponential(2)
        }\n analytic ${analytic}\n numeric  ${numeric}`,
      );
    });
  });
}

Deno.test("every differentiable op has a gradient check", () => {
  const covered = new Set(CASES.flatMap((c) => c.covers));
  const names = [
    ...Object.getOwnPropertyNames(Tensor.prototype),
    ...Object.keys(core).filter((k) => typeof (core as Record<string, unknown>)[k] === "function"),
  ];
  const missing = names.filter((n) =>
    !covered.has(n) && !NOT_DIFFERENTIABLE.has(n) && !CHECKED_BY_HAND.has(n)
  );
  assert(
    missing.length === 0,
    `no gradient check for: ${missing.join(", ")} (add a case, or list it as not differentiable)`,
  );
});
