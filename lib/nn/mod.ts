/**
 * Networks the PyTorch way: `Module`, `Parameter`, `Linear`, activations,
 * `Sequential`, losses and the book's L2 penalty.
 *
 * @module
 */

export {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type StateDict,
} from "./module.ts";
export { Parameter } from "./parameter.ts";
export { Linear, type LinearOptions } from "./linear.ts";
export { ELU, GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softmax, Tanh } from "./activations.ts";
export { Sequential } from "./sequential.ts";
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  type CrossEntropyLossOptions,
  HuberLoss,
  type HuberLossOptions,
  L1Loss,
  Loss,
  type LossOptions,
  MSELoss,
  NLLLoss,
  type NLLLossOptions,
  type Reduction,
  SmoothL1Loss,
  type SmoothL1LossOptions,
} from "./losses.ts";
export { l2Penalty } from "./regularization.ts";
export { Dropout } from "./dropout.ts";
