/**
 * Optimisers as PyTorch's `torch.optim`: `SGD`, `Adam` (and AMSGrad), `AdamW`,
 * `RMSprop`, `Adagrad`; and its learning-rate schedulers (`StepLR`,
 * `ExponentialLR`, `CosineAnnealingLR`, `LinearLR`, `OneCycleLR`). The root module
 * exports them as the namespace `optim`, so a user writes `nn.optim.SGD`.
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD), Part4-3 (Adam, the recipe that works).
 *
 * @module
 */

export { Optimizer } from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, type AdamOptions, AdamW } from "./adam.ts";
export { RMSprop, type RMSpropOptions } from "./rmsprop.ts";
export { Adagrad, type AdagradOptions } from "./adagrad.ts";
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  OneCycleLR,
  type OneCycleOptions,
  StepLR,
} from "./schedulers.ts";
