/**
 * The matrix core: tensors, their ops, autograd, random numbers and backends.
 *
 * @module
 */

export {
  type BackwardOptions,
  keep,
  type NestedArray,
  type ReduceOptions,
  Tensor,
  tidy,
  type VarOptions,
} from "./tensor.ts";
export {
  arange,
  eye,
  type FromDataOptions,
  full,
  linspace,
  type NestedInput,
  oneHot,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  type RandomOptions,
  tensor,
  type TensorOptions,
  type TypedArrayInput,
  zeros,
  zerosLike,
} from "./create.ts";
export { type GradNode, isGradEnabled, noGrad } from "./autograd.ts";
export { where } from "./ops/binary.ts";
export { matmul } from "./ops/matmul.ts";
export { concat, stack } from "./ops/movement.ts";
export { defaultGenerator, Generator, manualSeed } from "./random.ts";
export {
  type BackendName,
  describeBackend,
  getBackend,
  setBackend,
  toCpu,
} from "./select_backend.ts";

export type { DType, TypedArray } from "./dtype.ts";
export type { Shape } from "./shape.ts";
