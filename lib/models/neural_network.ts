/**
 * The book's network of Part4-1 and Part4-2: one hidden layer of sigmoid
 * neurons and one sigmoid output, trained by the backpropagation written out by
 * hand (book 4.4 and 4.5), with no autograd. Its weights are stored as the book
 * stores them: `weights1` is [input, hidden], so a layer is `X · W + b`.
 *
 * @module
 */

import { type Generator, type Tensor, zeros } from "../tensor/mod.ts";
import { normalWeights } from "./weights.ts";
import { defaultGenerator } from "../tensor/random.ts";
import { ShapeError } from "../errors.ts";
import { type NeuralNetworkWeights, TwoLayerNetwork } from "./two_layer.ts";
import {
  type FusedEpochs,
  fusedSigmoidEpochs,
  fusedSigmoidForward,
  fusedSigmoidStep,
  type FusedStep,
} from "./fused_sigmoid_step.ts";

/**
 * Options of a new network.
 *
 * Chapter: 4.4 forward propagation, 4.5 backpropagation; Part4-1, Part4-2.
 */
export interface NeuralNetworkOptions {
  /** float64 (the default: NumPy's, so the book's numbers come out) or float32. */
  dtype?: "float32" | "float64";
  /** The generator to draw initial weights from (default: the global one, `manualSeed`). */
  generator?: Generator;
}

/**
 * A fully connected network with one sigmoid hidden layer and sigmoid outputs,
 * as the book writes it (2-10-1 for the microchip data).
 *
 * Chapter: 4.4 forward propagation, 4.5 backpropagation; Part4-1, Part4-2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manualSeed, NeuralNetwork, tensor } from "@handson/nn";
 * manualSeed(0);
 * const net = new NeuralNetwork(2, 10, 1);
 * const X = tensor([[0, 0], [1, 1], [0, 1], [1, 0]]);
 * const y = tensor([[0], [0], [1], [1]]);
 * const losses = await net.train(X, y, { epochs: 100, lr: 0.5 });
 * assert.equal(losses.length, 100);
 * assert.ok(losses[0] > 0.69 && losses[0] < 0.7); // tiny weights: the output is 0.5, loss ln 2
 * assert.deepEqual(net.predict(X).shape, [4, 1]);
 * ```
 */
export class NeuralNetwork extends TwoLayerNetwork {
  /**
   * A new network initialised as the book does: `randn · 0.01` for the weights
   * (weights1 drawn before weights2, so a seed gives NumPy's numbers), zero biases.
   */
  constructor(
    inputSize: number,
    hiddenSize: number,
    outputSize: number,
    options: NeuralNetworkOptions = {},
  ) {
    for (
      const [name, size] of Object.entries({ inputSize, hiddenSize, outputSize })
    ) {
      if (!Number.isInteger(size) || size < 1) {
        throw new RangeError(`NeuralNetwork: expected a positive integer ${name}, found ${size}`);
      }
    }
    const dtype = options.dtype ?? "float64";
    const generator = options.generator ?? defaultGenerator();
    const weights1 = normalWeights(inputSize, hiddenSize, 0.01, dtype, generator);
    const weights2 = normalWeights(hiddenSize, outputSize, 0.01, dtype, generator);
    super({
      weights1,
      bias1: zeros([1, hiddenSize], { dtype }),
      weights2,
      bias2: zeros([1, outputSize], { dtype }),
    });
  }

  /** Forward propagation (book 4.4): a1 = σ(X·W1 + b1), a2 = σ(a1·W2 + b2). */
  forward(X: Tensor): Tensor {
    if (X.ndim !== 2 || X.shape[1] !== this.sizes[0]) {
      throw new ShapeError(
        `NeuralNetwork.forward: expected inputs of shape [n, ${this.sizes[0]}], found ` +
          `[${X.shape}]`,
      );
    }
    this.a1 = X.matmul(this.weights1).add(this.bias1).sigmoid();
    this.a2 = this.a1.matmul(this.weights2).add(this.bias2).sigmoid();
    return this.a2;
  }

  /**
   * The binary cross-entropy of predictions `yHat` against labels `y`:
   * `-(1/m) Σ [y·ln ŷ + (1 - y)·ln(1 - ŷ)]`, as a scalar tensor.
   */
  loss(y: Tensor, yHat: Tensor): Tensor {
    this.checkLabels(y, yHat, "labels y");
    const m = y.shape[0];
    const terms = y.mul(yHat.log()).add(y.neg().add(1).mul(yHat.neg().add(1).log()));
    return terms.sum().mul(-1 / m);
  }

  /** The book's `compute_loss`: {@linkcode NeuralNetwork.loss} as a number (read at once). */
  computeLoss(y: Tensor, yHat: Tensor): number {
    return this.loss(y, yHat).item();
  }

  /**
   * The gradients of the loss with respect to each weight, by backpropagation
   * (book 4.5), from the activations of the last `forward(X)`. With σ and
   * cross-entropy the output error is simply `a2 - y`; the hidden error is that
   * error sent back through W2, times σ' = a1(1 - a1).
   */
  gradients(X: Tensor, y: Tensor): NeuralNetworkWeights {
    const { a1, a2 } = this;
    if (a1 === null || a2 === null || a2.shape[0] !== X.shape[0]) {
      throw new TypeError("NeuralNetwork: call forward(X) with the same X before backward");
    }
    this.checkTargets(X, y, "labels y");
    const m = X.shape[0];
    const dz2 = a2.sub(y);
    const dw2 = a1.T.matmul(dz2).mul(1 / m);
    const db2 = dz2.sum(0, true).mul(1 / m);
    const dz1 = dz2.matmul(this.weights2.T).mul(a1.mul(a1.neg().add(1)));
    const dw1 = X.T.matmul(dz1).mul(1 / m);
    const db1 = dz1.sum(0, true).mul(1 / m);
    return { weights1: dw1, bias1: db1, weights2: dw2, bias2: db2 };
  }

  /**
   * The book's step in one pass over the CPU's arrays (`fused_sigmoid_step.ts`),
   * for a network whose forward pass, loss and gradients are this class's own:
   * a subclass that rewrites any of them has its own code run, op by op.
   */
  protected override fusedStep(X: Tensor, y: Tensor, lr: number): FusedStep | undefined {
    return bookMethods(this) ? fusedSigmoidStep(this.weights(), X, y, lr) : undefined;
  }

  /** {@inheritDoc TwoLayerNetwork.fusedEpochs} */
  protected override fusedEpochs(
    X: Tensor,
    y: Tensor,
    lr: number,
    epochs: number,
  ): FusedEpochs | undefined {
    if (!bookMethods(this) || this.step !== TwoLayerNetwork.prototype.step) return undefined;
    return fusedSigmoidEpochs(this.weights(), X, y, lr, epochs);
  }

  /**
   * The output probabilities for `X`, without keeping them for `backward` (in
   * one pass over the CPU's arrays where the step would take one, as for a
   * decision boundary's grid).
   */
  predictProba(X: Tensor): Tensor {
    const fused = fusedSigmoidForward(this.weights(), X);
    if (fused !== undefined) return fused;
    const a1 = X.matmul(this.weights1).add(this.bias1).sigmoid();
    return a1.matmul(this.weights2).add(this.bias2).sigmoid();
  }

  /** Class predictions: 1 where the output exceeds `threshold`, else 0 (int32). */
  predict(X: Tensor, threshold = 0.5): Tensor {
    return this.predictProba(X).gt(threshold).astype("int32");
  }
}

/**
 * Whether `net`'s forward pass, loss, gradients and update are the book's (a
 * fused kernel computes exactly those); a subclass that rewrites one has its
 * own code run, op by op. (A function, not a private method: `fromWeights`
 * makes networks without the constructor.)
 */
function bookMethods(net: NeuralNetwork): boolean {
  const book = NeuralNetwork.prototype, shell = TwoLayerNetwork.prototype;
  return net.forward === book.forward && net.loss === book.loss &&
    net.gradients === book.gradients && net.backward === shell.backward;
}
