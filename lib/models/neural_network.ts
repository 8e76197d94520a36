/**
 * The book's network of Part4-1 and Part4-2: one hidden layer of sigmoid
 * neurons and one sigmoid output, trained by the backpropagation written out by
 * hand (book 4.4 and 4.5), with no autograd. Its weights are stored as the book
 * stores them: `weights1` is [input, hidden], so a layer is `X · W + b`.
 *
 * @module
 */

import { type DType, type Generator, type Tensor, zeros } from "../tensor/mod.ts";
import { descend, normalWeights } from "./weights.ts";
import { defaultGenerator } from "../tensor/random.ts";
import { ShapeError } from "../errors.ts";

/**
 * The weights of the book's network, as in its `model.json`.
 *
 * Chapter: 4.4 forward propagation, 4.5 backpropagation; Part4-1, Part4-2.
 */
export interface NeuralNetworkWeights {
  /** [input, hidden]. */
  weights1: Tensor;
  /** [1, hidden]. */
  bias1: Tensor;
  /** [hidden, output]. */
  weights2: Tensor;
  /** [1, output]. */
  bias2: Tensor;
}

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
 * Options of `train`.
 *
 * Chapter: 4.4 forward propagation, 4.5 backpropagation; Part4-1, Part4-2.
 */
export interface TrainOptions {
  /** How many full-batch epochs (the book: 5000). */
  epochs: number;
  /** The gradient descent step (the book: 0.5). */
  learningRate: number;
  /** Called after each epoch with its number (from 0) and loss, e.g. for a progress bar. */
  onEpoch?: (epoch: number, loss: number) => void;
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
 * const losses = net.train(X, y, { epochs: 100, learningRate: 0.5 });
 * assert.equal(losses.length, 100);
 * assert.ok(losses[0] > 0.69 && losses[0] < 0.7); // tiny weights: the output is 0.5, loss ln 2
 * assert.deepEqual(net.predict(X).shape, [4, 1]);
 * ```
 */
export class NeuralNetwork {
  /** Input-to-hidden weights, [input, hidden]. */
  weights1: Tensor;
  /** Hidden biases, [1, hidden]. */
  bias1: Tensor;
  /** Hidden-to-output weights, [hidden, output]. */
  weights2: Tensor;
  /** Output biases, [1, output]. */
  bias2: Tensor;
  /** The hidden layer's activation from the last `forward` (the book's `a1`). */
  a1: Tensor | null = null;
  /** The output from the last `forward` (the book's `a2`). */
  a2: Tensor | null = null;

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
      const [name, size] of [["inputSize", inputSize], ["hiddenSize", hiddenSize], [
        "outputSize",
        outputSize,
      ]] as const
    ) {
      if (!Number.isInteger(size) || size < 1) {
        throw new RangeError(`NeuralNetwork: expected a positive integer ${name}, found ${size}`);
      }
    }
    const dtype = options.dtype ?? "float64";
    const generator = options.generator ?? defaultGenerator();
    this.weights1 = normalWeights(inputSize, hiddenSize, 0.01, dtype, generator);
    this.bias1 = zeros([1, hiddenSize], { dtype });
    this.weights2 = normalWeights(hiddenSize, outputSize, 0.01, dtype, generator);
    this.bias2 = zeros([1, outputSize], { dtype });
  }

  /**
   * A network with the given weights (from a `model.json`, say). Their shapes
   * must fit together: weights1 [in, hidden], bias1 [1, hidden], weights2
   * [hidden, out], bias2 [1, out].
   */
  static fromWeights(weights: NeuralNetworkWeights): NeuralNetwork {
    const { weights1, bias1, weights2, bias2 } = weights;
    const [inputs, hidden] = weights1.shape, outputs = weights2.shape[1];
    const expected: [keyof NeuralNetworkWeights, number[]][] = [
      ["weights1", [inputs, hidden]],
      ["bias1", [1, hidden]],
      ["weights2", [hidden, outputs]],
      ["bias2", [1, outputs]],
    ];
    for (const [name, shape] of expected) {
      const got = weights[name].shape;
      if (got.length !== 2 || got.some((d, i) => d !== shape[i])) {
        throw new ShapeError(
          `NeuralNetwork.fromWeights: expected ${name} of shape [${shape}], found [${got}]`,
        );
      }
    }
    const net = Object.create(NeuralNetwork.prototype) as NeuralNetwork;
    Object.assign(net, { weights1, bias1, weights2, bias2, a1: null, a2: null });
    return net;
  }

  /** The number of inputs, hidden neurons and outputs. */
  get sizes(): [number, number, number] {
    return [this.weights1.shape[0], this.weights1.shape[1], this.weights2.shape[1]];
  }

  /** The weights' dtype. */
  get dtype(): DType {
    return this.weights1.dtype;
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
   * `-(1/m) Σ [y·ln ŷ + (1 - y)·ln(1 - ŷ)]`.
   */
  computeLoss(y: Tensor, yHat: Tensor): number {
    const m = y.shape[0];
    const terms = y.mul(yHat.log()).add(y.neg().add(1).mul(yHat.neg().add(1).log()));
    return terms.sum().item() * (-1 / m);
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
    const m = X.shape[0];
    const dz2 = a2.sub(y);
    const dw2 = a1.T.matmul(dz2).mul(1 / m);
    const db2 = dz2.sum(0, true).mul(1 / m);
    const dz1 = dz2.matmul(this.weights2.T).mul(a1.mul(a1.neg().add(1)));
    const dw1 = X.T.matmul(dz1).mul(1 / m);
    const db1 = dz1.sum(0, true).mul(1 / m);
    return { weights1: dw1, bias1: db1, weights2: dw2, bias2: db2 };
  }

  /** One step of gradient descent: each weight moves by `-learningRate` times its gradient. */
  backward(X: Tensor, y: Tensor, learningRate: number): void {
    Object.assign(this, descend(this.weights(), this.gradients(X, y), learningRate));
  }

  /**
   * Full-batch training as the book's loop: forward, loss (recorded before the
   * update), backward. Returns the loss of each epoch.
   */
  train(X: Tensor, y: Tensor, options: TrainOptions): number[] {
    const { epochs, learningRate, onEpoch } = options;
    if (!Number.isInteger(epochs) || epochs < 0) {
      throw new RangeError(
        `NeuralNetwork.train: expected a whole number of epochs, found ${epochs}`,
      );
    }
    if (!Number.isFinite(learningRate) || learningRate <= 0) {
      throw new RangeError(
        `NeuralNetwork.train: expected a positive learning rate, found ${learningRate}`,
      );
    }
    const losses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const yHat = this.forward(X);
      const loss = this.computeLoss(y, yHat);
      this.backward(X, y, learningRate);
      losses.push(loss);
      onEpoch?.(epoch, loss);
    }
    return losses;
  }

  /** The output probabilities for `X`, without keeping them for `backward`. */
  predictProba(X: Tensor): Tensor {
    const a1 = X.matmul(this.weights1).add(this.bias1).sigmoid();
    return a1.matmul(this.weights2).add(this.bias2).sigmoid();
  }

  /** Class predictions: 1 where the output exceeds `threshold`, else 0 (int32). */
  predict(X: Tensor, threshold = 0.5): Tensor {
    return this.predictProba(X).gt(threshold).astype("int32");
  }

  /** The weights, for saving (see `saveModelJson`). */
  weights(): NeuralNetworkWeights {
    const { weights1, bias1, weights2, bias2 } = this;
    return { weights1, bias1, weights2, bias2 };
  }
}
