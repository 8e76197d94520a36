/**
 * The book's network of Part4-3: 784 inputs, a hidden layer of 128 ReLU
 * neurons and 10 softmax outputs, trained on one-hot labels by backpropagation
 * written out by hand (no autograd).
 *
 * The book draws its weights from an unscaled `randn`. With 784 inputs that
 * makes the hidden activations about √784 ≈ 28 times larger than they should
 * be, the output logits reach the hundreds, and the softmax saturates: nearly
 * every image gets one class with probability 1, so gradients vanish and 10
 * full-batch epochs at lr 0.01 leave the network near chance (the book's NumPy
 * code ends at 14–25%). `init: "he"` (randn·√(2/fan-in)) fixes that.
 *
 * The book's softmax is `exp(z) / Σ exp(z)`: in float32, `exp` overflows to
 * infinity above z ≈ 88.7 and infinity / infinity is NaN, which is what the
 * book's recipe hits in float32. This softmax subtracts each row's maximum
 * first (the same value, mathematically), so no `exp` sees a positive number.
 *
 * @module
 */

import { type DType, type Generator, type Tensor, zeros } from "../tensor/mod.ts";
import { descend, normalWeights } from "./weights.ts";
import { defaultGenerator } from "../tensor/random.ts";
import { ShapeError } from "../errors.ts";
import type { NeuralNetworkWeights } from "./neural_network.ts";

/**
 * Options of a new softmax network.
 *
 * Chapter: softmax regression (softmax 回归); Part4-3.
 */
export interface SoftmaxNetworkOptions {
  /** float64 (the default, as the book's NumPy) or float32. */
  dtype?: "float32" | "float64";
  /** `"book"`: unscaled randn, as the book; `"he"`: randn·√(2/fan-in), for ReLU. */
  init?: "book" | "he";
  /** The generator for the initial weights (default: the global one, `manualSeed`). */
  generator?: Generator;
}

/**
 * Options of `SoftmaxNetwork.train`.
 *
 * Chapter: softmax regression (softmax 回归); Part4-3.
 */
export interface SoftmaxTrainOptions {
  /** Full-batch epochs (the book: 10). */
  epochs: number;
  /** The gradient descent step (the book: 0.01). */
  learningRate: number;
  /**
   * Called after each epoch; by default prints `Epoch 0, Loss: …` as the book does.
   * Pass `() => {}` to stay quiet.
   */
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * The book's 784-128-10 network: ReLU hidden layer, softmax output,
 * cross-entropy loss on one-hot labels.
 *
 * Chapter: softmax regression (softmax 回归); Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manualSeed, oneHot, rand, SoftmaxNetwork } from "@handson/nn";
 * manualSeed(0);
 * const net = new SoftmaxNetwork(4, 8, 3, { init: "he" });
 * const X = rand([6, 4], { dtype: "float64" });
 * const y = oneHot([0, 1, 2, 0, 1, 2], 3, { dtype: "float64" });
 * const losses = net.train(X, y, { epochs: 50, learningRate: 0.5, onEpoch: () => {} });
 * assert.ok(losses[49] < losses[0]);
 * assert.deepEqual(net.predict(X).shape, [6]);
 * assert.ok(Math.abs(net.forward(X).sum(1).at(0).item() - 1) < 1e-12); // rows of probabilities
 * ```
 */
export class SoftmaxNetwork {
  /** Input-to-hidden weights, [input, hidden]. */
  weights1: Tensor;
  /** Hidden biases, [1, hidden]. */
  bias1: Tensor;
  /** Hidden-to-output weights, [hidden, output]. */
  weights2: Tensor;
  /** Output biases, [1, output]. */
  bias2: Tensor;
  /** The hidden activation of the last `forward` (the book's `a1`). */
  a1: Tensor | null = null;
  /** The output probabilities of the last `forward` (the book's `a2`). */
  a2: Tensor | null = null;

  /** A new network: weights drawn (weights1 first) as `init` says, biases zero. */
  constructor(
    inputSize = 784,
    hiddenSize = 128,
    outputSize = 10,
    options: SoftmaxNetworkOptions = {},
  ) {
    for (const [name, size] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(size) || size < 1) {
        throw new RangeError(`SoftmaxNetwork: expected a positive integer ${name}, found ${size}`);
      }
    }
    const dtype = options.dtype ?? "float64";
    const generator = options.generator ?? defaultGenerator();
    const he = options.init === "he";
    if (options.init !== undefined && options.init !== "book" && !he) {
      throw new TypeError(`SoftmaxNetwork: expected init "book" or "he", found "${options.init}"`);
    }
    const draw = (rows: number, cols: number) =>
      normalWeights(rows, cols, he ? Math.sqrt(2 / rows) : 1, dtype, generator);
    this.weights1 = draw(inputSize, hiddenSize);
    this.bias1 = zeros([1, hiddenSize], { dtype });
    this.weights2 = draw(hiddenSize, outputSize);
    this.bias2 = zeros([1, outputSize], { dtype });
  }

  /** A network with the given weights (weights1 [in, hidden], bias1 [1, hidden], …). */
  static fromWeights(weights: NeuralNetworkWeights): SoftmaxNetwork {
    const net = Object.create(SoftmaxNetwork.prototype) as SoftmaxNetwork;
    Object.assign(net, { ...weights, a1: null, a2: null });
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

  /** Forward propagation: a1 = ReLU(X·W1 + b1), a2 = softmax(a1·W2 + b2). */
  forward(X: Tensor): Tensor {
    if (X.ndim !== 2 || X.shape[1] !== this.sizes[0]) {
      throw new ShapeError(
        `SoftmaxNetwork.forward: expected inputs of shape [n, ${
          this.sizes[0]
        }], found [${X.shape}]`,
      );
    }
    this.a1 = X.matmul(this.weights1).add(this.bias1).relu();
    this.a2 = this.a1.matmul(this.weights2).add(this.bias2).softmax(1);
    return this.a2;
  }

  /**
   * The cross-entropy of probabilities `yHat` against one-hot labels `y`:
   * `-(1/m) Σ y·ln(ŷ + 1e-8)` (the small constant keeps a saturated 0 finite).
   */
  calculateLoss(y: Tensor, yHat: Tensor): number {
    return y.mul(yHat.add(1e-8).log()).sum().item() * (-1 / y.shape[0]);
  }

  /**
   * The gradients by backpropagation from the last `forward(X)`: with softmax
   * and cross-entropy the output error is `a2 - y`; the hidden error is that
   * error sent back through W2, where the ReLU was open (a1 > 0).
   */
  gradients(X: Tensor, y: Tensor): NeuralNetworkWeights {
    const { a1, a2 } = this;
    if (a1 === null || a2 === null || a2.shape[0] !== X.shape[0]) {
      throw new TypeError("SoftmaxNetwork: call forward(X) with the same X before backward");
    }
    if (y.ndim !== 2 || y.shape[1] !== this.sizes[2] || y.shape[0] !== X.shape[0]) {
      throw new ShapeError(
        `SoftmaxNetwork: expected one-hot labels of shape [${X.shape[0]}, ${this.sizes[2]}], ` +
          `found [${y.shape}]`,
      );
    }
    const m = X.shape[0];
    const dz2 = a2.sub(y);
    const dw2 = a1.T.matmul(dz2).mul(1 / m);
    const db2 = dz2.sum(0, true).mul(1 / m);
    const dz1 = dz2.matmul(this.weights2.T).mul(a1.gt(0));
    const dw1 = X.T.matmul(dz1).mul(1 / m);
    const db1 = dz1.sum(0, true).mul(1 / m);
    return { weights1: dw1, bias1: db1, weights2: dw2, bias2: db2 };
  }

  /** One step of gradient descent with the gradients of the last `forward(X)`. */
  backward(X: Tensor, y: Tensor, learningRate: number): void {
    Object.assign(this, descend(this.weights(), this.gradients(X, y), learningRate));
  }

  /**
   * Full-batch training as the book's loop: forward, loss, backward; prints
   * `Epoch N, Loss: …` unless `onEpoch` says otherwise. A loss that is not
   * finite stops training with an error naming the epoch.
   */
  train(X: Tensor, y: Tensor, options: SoftmaxTrainOptions): number[] {
    const { epochs, learningRate } = options;
    const onEpoch = options.onEpoch ?? ((e, loss) => console.log(`Epoch ${e}, Loss: ${loss}`));
    const losses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const loss = this.calculateLoss(y, this.forward(X));
      if (!Number.isFinite(loss)) {
        throw new RangeError(
          `SoftmaxNetwork.train: the loss became ${loss} at epoch ${epoch}; try a smaller ` +
            'learning rate or init: "he"',
        );
      }
      this.backward(X, y, learningRate);
      losses.push(loss);
      onEpoch(epoch, loss);
    }
    return losses;
  }

  /** The class of each row: the index of its largest output (int32 [n]). */
  predict(X: Tensor): Tensor {
    const a1 = X.matmul(this.weights1).add(this.bias1).relu();
    return a1.matmul(this.weights2).add(this.bias2).argmax(1);
  }

  /** The weights, for saving in the book's model.json format. */
  weights(): NeuralNetworkWeights {
    const { weights1, bias1, weights2, bias2 } = this;
    return { weights1, bias1, weights2, bias2 };
  }
}
