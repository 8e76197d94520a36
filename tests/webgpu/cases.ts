/**
 * The Tensor API, op by op, as cases the WebGPU tests run on both backends:
 * `ops_test.ts` compares the values, `gradient_test.ts` the gradients. Shapes
 * are drawn at random from sizes that are not multiples of the kernels' tiles,
 * with 1×N and N×1 among them.
 */

import * as nn from "../../mod.ts";
import type { Tensor } from "../../mod.ts";
import type { TestRandom } from "./helpers.ts";
import { UNARY_OPS, type UnaryDeclaration, type UnaryOp } from "../../lib/tensor/unary_ops.ts";
import { unaryOp } from "../../lib/tensor/ops/unary.ts";
import { BINARY_OPS, type BinaryOp } from "../../lib/tensor/binary_ops.ts";
import { binaryOp } from "../../lib/tensor/ops/binary.ts";

/** One use of one or more ops. */
export interface Case {
  /** The methods or functions it exercises. */
  covers: string[];
  /** The input shapes, drawn with `r`. */
  shapes: (r: TestRandom) => number[][];
  /** How raw normal draws become valid inputs: "positive" for log, sqrt, pow. */
  domain?: "positive";
  /** Inputs that are int32 (values from -5 to 5), by position. */
  ints?: number[];
  /** Whether gradients can be compared (false for comparisons, indices, creation). */
  grad?: boolean;
  /** The computation, on whatever backend is current (constants made inside land there too). */
  f: (...xs: Tensor[]) => Tensor;
}

/** Axis sizes: around the 32×32 matmul tile and the 4-wide vectors, plus 1. */
const SIZES = [1, 2, 3, 5, 7, 31, 33, 65];
const dim = (r: TestRandom) => r.pick(SIZES);
const mat = (r: TestRandom) => [dim(r), dim(r)];
/** Two shapes that broadcast: some axes 1 on one side or the other, or missing. */
function broadcastPair(r: TestRandom): number[][] {
  const out = [dim(r), dim(r), r.pick([1, 3])];
  const a = out.map((d) => (r.pick([0, 1, 2]) === 0 ? 1 : d));
  const b = out.map((d) => (r.pick([0, 1, 2]) === 0 ? 1 : d)).slice(r.pick([0, 1]));
  return [a, b];
}
const fixed = (...shapes: number[][]) => () => shapes;

export const CASES: Case[] = [
  // Element-wise, with broadcasting and number operands.
  { covers: ["add"], shapes: broadcastPair, f: (a, b) => a.add(b) },
  { covers: ["add"], shapes: (r) => [mat(r)], f: (a) => a.add(2.5) },
  { covers: ["sub"], shapes: broadcastPair, f: (a, b) => a.sub(b) },
  { covers: ["mul"], shapes: broadcastPair, f: (a, b) => a.mul(b) },
  { covers: ["mul"], shapes: (r) => [mat(r), []], f: (a, b) => a.mul(b) },
  { covers: ["div"], shapes: broadcastPair, domain: "positive", f: (a, b) => a.div(b) },
  { covers: ["pow"], shapes: broadcastPair, domain: "positive", f: (a, b) => a.pow(b) },
  { covers: ["pow"], shapes: (r) => [mat(r)], f: (a) => a.pow(3) },
  { covers: ["maximum"], shapes: broadcastPair, f: (a, b) => a.maximum(b) },
  { covers: ["minimum"], shapes: broadcastPair, f: (a, b) => a.minimum(b) },
  { covers: ["gt"], shapes: broadcastPair, grad: false, f: (a, b) => a.gt(b) },
  { covers: ["lt"], shapes: broadcastPair, grad: false, f: (a, b) => a.lt(b) },
  { covers: ["ge"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.ge(a.at(0)) },
  { covers: ["le"], shapes: broadcastPair, grad: false, f: (a, b) => a.le(b) },
  { covers: ["eq"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.eq(a.slice(0, 1)) },
  { covers: ["where"], shapes: broadcastPair, f: (a, b) => nn.where(a.gt(0), a, b) },
  { covers: ["where"], shapes: (r) => [mat(r)], f: (a) => nn.where(a.lt(0), 0, a) },
  { covers: ["neg"], shapes: (r) => [mat(r)], f: (a) => a.neg() },
  { covers: ["exp"], shapes: (r) => [mat(r)], f: (a) => a.exp() },
  { covers: ["log"], shapes: (r) => [mat(r)], domain: "positive", f: (a) => a.log() },
  { covers: ["sqrt"], shapes: (r) => [mat(r)], domain: "positive", f: (a) => a.sqrt() },
  { covers: ["abs"], shapes: (r) => [mat(r)], f: (a) => a.abs() },
  { covers: ["sigmoid"], shapes: (r) => [mat(r)], f: (a) => a.mul(4).sigmoid() },
  { covers: ["tanh"], shapes: (r) => [mat(r)], f: (a) => a.mul(3).tanh() },
  { covers: ["relu"], shapes: (r) => [mat(r)], f: (a) => a.relu() },
  { covers: ["leakyRelu"], shapes: (r) => [mat(r)], f: (a) => a.leakyRelu(0.1) },
  { covers: ["softplus"], shapes: (r) => [mat(r)], f: (a) => a.mul(10).softplus() },
  { covers: ["clip"], shapes: (r) => [mat(r)], f: (a) => a.clip(-0.5, 0.7) },
  // The composites (ops/composite.ts): built from the primitives above, on both backends.
  { covers: ["ne"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.ne(a.slice(0, 1)) },
  { covers: ["square"], shapes: (r) => [mat(r)], f: (a) => a.square() },
  { covers: ["reciprocal"], shapes: (r) => [mat(r)], domain: "positive", f: (a) => a.reciprocal() },
  { covers: ["rsqrt"], shapes: (r) => [mat(r)], domain: "positive", f: (a) => a.rsqrt() },
  { covers: ["silu"], shapes: (r) => [mat(r)], f: (a) => a.mul(4).silu() },
  { covers: ["elu"], shapes: (r) => [mat(r)], f: (a) => a.mul(4).elu(0.7) },
  { covers: ["logsumexp"], shapes: (r) => [mat(r)], f: (a) => a.mul(30).logsumexp(1) },
  { covers: ["logsumexp"], shapes: (r) => [mat(r)], f: (a) => a.logsumexp(undefined, true) },
  { covers: ["norm"], shapes: (r) => [mat(r)], f: (a) => a.norm(0) },
  { covers: ["norm"], shapes: (r) => [mat(r)], f: (a) => a.norm() },
  // Reductions, over one axis, several, or all.
  { covers: ["sum"], shapes: (r) => [[dim(r), dim(r), 3]], f: (a) => a.sum() },
  { covers: ["sum"], shapes: (r) => [[dim(r), dim(r), 3]], f: (a) => a.sum([0, 2], true) },
  { covers: ["sum"], shapes: fixed([2000, 3]), f: (a) => a.sum(0) },
  // Products near 1 in size, so long ones neither overflow nor vanish; a zero in some slices.
  { covers: ["prod"], shapes: (r) => [mat(r)], f: (a) => a.mul(0.3).add(1).prod(1) },
  { covers: ["prod"], shapes: (r) => [mat(r)], f: (a) => a.mul(0.3).add(1).prod(0, true) },
  {
    covers: ["prod"],
    shapes: (r) => [[dim(r), dim(r), 3]],
    f: (a) => a.mul(0.2).add(1).prod([0, 2]),
  },
  { covers: ["prod"], shapes: fixed([4, 5]), f: (a) => a.mul(0.2).add(1).prod() },
  { covers: ["prod"], shapes: fixed([2000, 3]), f: (a) => a.mul(0.01).add(1).prod(0) },
  {
    covers: ["prod"],
    shapes: (r) => [[dim(r), 4]],
    // Entries rounded to thirds: some are exactly 0, so slices with zeros take the other path.
    f: (a) => a.mul(3).round().div(3).prod(1),
  },
  { covers: ["cumsum"], shapes: (r) => [mat(r)], f: (a) => a.cumsum(1) },
  { covers: ["cumsum"], shapes: (r) => [[dim(r), dim(r), 3]], f: (a) => a.cumsum(0) },
  { covers: ["cumsum"], shapes: (r) => [[2, dim(r), 3]], f: (a) => a.cumsum(-2).exp() },
  { covers: ["mean"], shapes: (r) => [[dim(r), dim(r), 3]], f: (a) => a.mean(1) },
  { covers: ["max"], shapes: (r) => [mat(r)], f: (a) => a.max(1) },
  { covers: ["max"], shapes: (r) => [mat(r)], f: (a) => a.max() },
  { covers: ["min"], shapes: (r) => [mat(r)], f: (a) => a.min(0, true) },
  { covers: ["argmax"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.argmax(1) },
  { covers: ["argmax"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.argmax() },
  { covers: ["argmin"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.argmin(0, true) },
  { covers: ["var"], shapes: (r) => [mat(r)], f: (a) => a.var(0, { ddof: 0 }) },
  { covers: ["std"], shapes: fixed([40, 6]), f: (a) => a.std(undefined, { ddof: 1 }) },
  // Products: 2-D, 1-D, batched, broadcast batches, and lazy transposes read through flags.
  {
    covers: ["matmul"],
    shapes: (r) => {
      const [m, k, n] = [dim(r), dim(r), dim(r)];
      return [[m, k], [k, n]];
    },
    f: (a, b) => a.matmul(b),
  },
  {
    covers: ["matmul"],
    shapes: (r) => ((k) => [[k], [k, 5]])(dim(r)),
    f: (a, b) => nn.matmul(a, b),
  },
  { covers: ["matmul"], shapes: fixed([2, 3, 33], [33, 5]), f: (a, b) => a.matmul(b) },
  { covers: ["matmul"], shapes: fixed([2, 1, 3, 4], [3, 4, 7]), f: (a, b) => a.matmul(b) },
  {
    covers: ["T", "matmul"],
    shapes: (r) => ((k, m, n) => [[k, m], [k, n]])(dim(r), dim(r), dim(r)),
    f: (a, b) => a.T.matmul(b),
  },
  {
    covers: ["T", "matmul"],
    shapes: (r) => ((k, m, n) => [[m, k], [n, k]])(dim(r), dim(r), dim(r)),
    f: (a, b) => a.matmul(b.T),
  },
  { covers: ["T", "matmul"], shapes: fixed([36, 12], [8, 36]), f: (a, b) => a.T.matmul(b.T).T },
  { covers: ["softmax"], shapes: (r) => [mat(r)], f: (a) => a.mul(3).softmax() },
  { covers: ["softmax"], shapes: (r) => [mat(r)], f: (a) => a.softmax(0) },
  { covers: ["logSoftmax"], shapes: (r) => [mat(r)], f: (a) => a.mul(3).logSoftmax(-1) },
  // Moving elements.
  { covers: ["reshape"], shapes: fixed([6, 10]), f: (a) => a.reshape([3, -1]).exp() },
  { covers: ["flatten"], shapes: (r) => [[2, dim(r), 3]], f: (a) => a.flatten(1).exp() },
  { covers: ["squeeze"], shapes: (r) => [[1, dim(r), 1]], f: (a) => a.squeeze().exp() },
  { covers: ["unsqueeze"], shapes: (r) => [mat(r)], f: (a) => a.unsqueeze(1).exp() },
  { covers: ["transpose"], shapes: (r) => [[2, dim(r), 3]], f: (a) => a.transpose(1, 2, 0).exp() },
  { covers: ["T"], shapes: (r) => [mat(r)], f: (a) => a.T.exp() },
  { covers: ["slice"], shapes: (r) => [[dim(r) + 2, 3]], f: (a) => a.slice(1, -1).exp() },
  { covers: ["slice"], shapes: (r) => [[3, dim(r) + 2]], f: (a) => a.slice(1, 3, 1).exp() },
  {
    covers: ["slice"],
    shapes: (r) => [[dim(r) + 4, 3]],
    f: (a) => a.slice(1, undefined, 0, 3).exp(),
  },
  { covers: ["at"], shapes: (r) => [[4, dim(r)]], f: (a) => a.at(-2).exp() },
  { covers: ["take"], shapes: (r) => [[4, dim(r)]], f: (a) => a.take([0, 2, 2, -1], 0).exp() },
  {
    covers: ["take"],
    shapes: fixed([4, 3]),
    f: (a) => a.take(nn.tensor([[1, 0], [2, 2]], { dtype: "int32" }), 1),
  },
  {
    covers: ["broadcastTo"],
    shapes: (r) => [[dim(r), 1]],
    f: (a) => a.broadcastTo([2, a.shape[0], 4]),
  },
  {
    covers: ["concat"],
    shapes: (r) => [[2, 3], [dim(r), 3]],
    f: (a, b) => nn.concat([a, b]).exp(),
  },
  { covers: ["stack"], shapes: (r) => ((s) => [s, s])(mat(r)), f: (a, b) => nn.stack([a, b], 2) },
  {
    covers: ["astype"],
    shapes: (r) => [mat(r)],
    grad: false, // through int32: no gradient
    f: (a) => a.mul(3).astype("int32").astype("float32"),
  },
  { covers: ["detach"], shapes: (r) => [mat(r)], grad: false, f: (a) => a.detach().exp() },
  {
    covers: ["assign"],
    shapes: (r) => [mat(r)],
    grad: false,
    f: (a) => nn.zeros([...a.shape]).assign(a.mul(2)),
  },
  // int32 tensors.
  {
    covers: ["add", "mul"],
    shapes: (r) => ((s) => [s, [s[1]]])(mat(r)),
    ints: [0, 1],
    f: (a, b) => a.add(b).mul(a),
  },
  {
    covers: ["sum", "abs", "neg"],
    shapes: (r) => [mat(r)],
    ints: [0],
    f: (a) => a.abs().neg().sum(0),
  },
  { covers: ["argmax", "eq"], shapes: (r) => [mat(r)], ints: [0], f: (a) => a.argmax(1).eq(2) },
  { covers: ["prod"], shapes: (r) => [[dim(r), 3]], ints: [0], f: (a) => a.prod(1) },
  { covers: ["cumsum"], shapes: (r) => [mat(r)], ints: [0], f: (a) => a.cumsum(1) },
  {
    covers: ["mean", "div"],
    shapes: (r) => [mat(r)],
    ints: [0],
    f: (a) => a.mean(0).add(a.div(3).sum(0)),
  },
  // Making tensors: the same values on both backends (random ones drawn on the CPU and uploaded).
  { covers: ["tensor"], shapes: fixed(), grad: false, f: () => nn.tensor([[1, 2], [3, 4]]) },
  {
    covers: ["zeros", "ones"],
    shapes: fixed(),
    grad: false,
    f: () => nn.zeros([3, 5]).add(nn.ones([5])),
  },
  {
    covers: ["full"],
    shapes: fixed(),
    grad: false,
    f: () => nn.full([2, 3], 7, { dtype: "int32" }),
  },
  {
    covers: ["zerosLike", "onesLike"],
    shapes: (r) => [mat(r)],
    grad: false,
    f: (a) => nn.zerosLike(a).add(nn.onesLike(a)),
  },
  { covers: ["eye"], shapes: fixed(), grad: false, f: () => nn.eye(4, 6) },
  { covers: ["arange"], shapes: fixed(), grad: false, f: () => nn.arange(2, 40, 3) },
  { covers: ["linspace"], shapes: fixed(), grad: false, f: () => nn.linspace(-1, 1, 9) },
  {
    covers: ["rand", "randn", "manualSeed"],
    shapes: fixed(),
    grad: false,
    f: () => {
      nn.manualSeed(3);
      return nn.rand([4, 5]).add(nn.randn([4, 5]));
    },
  },
  {
    covers: ["randint"],
    shapes: fixed(),
    grad: false,
    f: () => nn.randint(0, 10, [6], { generator: new nn.Generator(5) }),
  },
  {
    covers: ["oneHot"],
    shapes: fixed(),
    grad: false,
    f: () => nn.oneHot(nn.tensor([3, 0, 9, 3], { dtype: "int32" }), 10),
  },
  { covers: ["oneHot"], shapes: fixed(), grad: false, f: () => nn.oneHot([1, 2], 4) },
];

// Every op declared in UNARY_OPS, derived from its declaration: a new op is compared here at once.
for (const [op, d] of Object.entries(UNARY_OPS) as [string, UnaryDeclaration][]) {
  CASES.push({
    covers: [op],
    shapes: (r) => [mat(r)],
    domain: d.domain === "positive" ? "positive" : undefined,
    f: (a) => unaryOp(a, op as UnaryOp, d.testParams ?? []),
  });
}

// Every op declared in BINARY_OPS, broadcast, derived from its declaration. A
// divisor is moved away from 0 (by 0.5, or by 1 for int32: a divisor of 0 is a
// RangeError on the CPU); int32 operands too where the op keeps int32.
const awayFromZero = (b: Tensor, by: number) => nn.where(b.lt(0), b.sub(by), b.add(by));
for (const [op, d] of Object.entries(BINARY_OPS) as [BinaryOp, (typeof BINARY_OPS)[BinaryOp]][]) {
  const divisor = d.domain === "divisor";
  CASES.push({
    covers: [op],
    shapes: broadcastPair,
    domain: d.domain === "positive" ? "positive" : undefined,
    grad: d.backward !== undefined,
    f: divisor
      ? (a, b) => binaryOp(op, a.mul(3), awayFromZero(b, 0.5))
      : (a, b) => binaryOp(op, a, b),
  });
  if (!d.floatOnly && d.domain !== "positive") {
    CASES.push({
      covers: [op],
      shapes: broadcastPair,
      ints: [0, 1],
      grad: false,
      f: divisor ? (a, b) => binaryOp(op, a, awayFromZero(b, 1)) : (a, b) => binaryOp(op, a, b),
    });
  }
}

/** Names of the API that are not ops on values, each tested elsewhere. */
export const NOT_OPS = new Set([
  "constructor",
  "requiresGrad",
  "ndim",
  "size",
  "storage",
  "transposeSource",
  "dataSync", // CPU only: errors_test.ts checks the error on a GPU
  "toArray",
  "item",
  "data", // every test reads through data()
  "array",
  "itemAsync",
  "toString", // printing: errors_test.ts
  "backward", // gradient_test.ts
  "zeroGrad",
  "dispose", // memory_test.ts
  "isDisposed",
  "tidy",
  "keep",
  "noGrad",
  "isGradEnabled",
  "defaultGenerator",
  "Generator",
  "getBackend",
  "setBackend",
  "describeBackend", // says which backend runs; no values to compare
  "toCpu", // moves a tensor between backends (select_backend.ts's example)
  "Tensor",
]);
