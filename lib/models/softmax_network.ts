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

import { type Generator, type Tensor, zeros } from "../tensor/mod.ts";
import { normalWeights } from "./weights.ts";
import { defaultGenerator } from "../tensor/random.ts";
import { ShapeError } from "../errors.ts";
import { type NeuralNetworkWeights, TwoLayerNetwork } from "./two_layer.ts";

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
 * const losses = await net.train(X, y, { epochs: 50, lr: 0.5, onEpoch: () => {} });
 * assert.ok(losses[49] < losses[0]);
 * assert.deepEqual(net.predict(X).shape, [6]);
 * assert.ok(Math.abs(net.forward(X).sum(1).at(0).item() - 1) < 1e-12); // rows of probabilities
 * ```
 */
export class SoftmaxNetwork extends TwoLayerNetwork {
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
    const weights1 = draw(inputSize, hiddenSize);
    const weights2 = draw(hiddenSize, outputSize);
    super({
      weights1,
      bias1: zeros([1, hiddenSize], { dtype }),
      weights2,
      bias2: zeros([1, outputSize], { dtype }),
    });
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
    const a1 = this.freeingTemporaries(() => X.matmul(this.weights1).add(this.bias1).relu());
    this.a1 = a1;
    this.a2 = this.freeingTemporaries(() => a1.matmul(this.weights2).add(this.bias2).softmax(1));
    return this.a2;
  }

  /**
   * The cross-entropy of probabilities `yHat` against one-hot labels `y`:
   * `-(1/m) Σ y·ln(ŷ + 1e-8)` (the small constant keeps a saturated 0 finite),
   * as a scalar tensor.
   */
  loss(y: Tensor, yHat: Tensor): Tensor {
    this.checkLabels(y, yHat, "one-hot labels y");
    return y.mul(yHat.add(1e-8).log()).sum().mul(-1 / y.shape[0]);
  }

  /** The book's `calculate_loss`: {@linkcode SoftmaxNetwork.loss} as a number (read at once). */
  calculateLoss(y: Tensor, yHat: Tensor): number {
    return this.loss(y, yHat).item();
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
    this.checkTargets(X, y, "one-hot labels");
    const m = X.shape[0];
    const dz2 = a2.sub(y);
    const dw2 = a1.T.matmul(dz2).mul(1 / m);
    const db2 = dz2.sum(0, true).mul(1 / m);
    // dz2·W2ᵀ · (a1 > 0), the mask applied in the same pass (maskPositive): the
    // book's bits, one [m, 128] array fewer at the step's peak of memory.
    const dz1 = this.freeingTemporaries(() => dz2.matmul(this.weights2.T).maskPositive(a1));
    const dw1 = X.T.matmul(dz1).mul(1 / m);
    const db1 = dz1.sum(0, true).mul(1 / m);
    return { weights1: dw1, bias1: db1, weights2: dw2, bias2: db2 };
  }

  /** Prints `Epoch N, Loss: …` after each epoch, as the book's loop does. */
  protected override onEpoch(epoch: number, loss: number): void {
    console.log(`Epoch ${epoch}, Loss: ${loss}`);
  }

  /** The class of each row: the index of its largest output (int32 [n]). */
  predict(X: Tensor): Tensor {
    const a1 = X.matmul(this.weights1).add(this.bias1).relu();
    return a1.matmul(this.weights2).add(this.bias2).argmax(1);
  }
}
