/**
 * Optimisers as PyTorch's `torch.optim`: `SGD` and `Adam`. The root module
 * exports them as the namespace `optim`, so a user writes `nn.optim.SGD`.
 *
 * @module
 */

export { Optimizer } from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, type AdamOptions } from "./adam.ts";
