/**
 * Optimisers as PyTorch's `torch.optim`: `SGD` and `Adam`. The root module
 * exports them as the namespace `optim`, so a user writes `nn.optim.SGD`.
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD), Part4-3 (Adam, the recipe that works).
 *
 * @module
 */

export { Optimizer } from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, type AdamOptions } from "./adam.ts";
