/**
 * What the book's two networks share: two layers of weights stored as the book
 * stores them (`weights1` [input, hidden], `bias1` [1, hidden], `weights2`
 * [hidden, output], `bias2` [1, output]), the activations of the last forward
 * pass (`a1`, `a2`), a checked `fromWeights`, a step of gradient descent, and
 * full-batch training through the one training loop (`fit`). What differs, the
 * forward pass, the loss and the gradients, each network writes out as the book
 * does.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { type DType, type Tensor, tidy } from "../tensor/mod.ts";
import { tidyReusing } from "../tensor/tensor.ts";
import { fit } from "../train/fit.ts";
import { descend } from "./weights.ts";
import type { FusedEpochs, FusedStep } from "./fused_sigmoid_step.ts";

/**
 * The weights of a two-layer network, as in the book's `model.json`.
 *
 * Chapter: 4.4 forward propagation, 4.5 backpropagation; Part4-1, Part4-2, Part4-3.
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
 * Options of `train`: the book's full-batch gradient descent.
 *
 * Chapter: 4.5 backpropagation; Part4-2, Part4-3.
 */
export interface TrainOptions {
  /** How many full-batch epochs (the book: 5000 for Part4-2, 10 for Part4-3). */
  epochs: number;
  /** The gradient descent step, as `optim` names it (the book: 0.5, and 0.01 for Part4-3). */
  lr: number;
  /**
   * Called after each epoch with its number (from 0) and loss. The
   * `SoftmaxNetwork` prints `Epoch N, Loss: …` by default, as the book does;
   * pass `() => {}` for quiet.
   */
  onEpoch?: (epoch: number, loss: number) => void;
  /** Read the loss every this many epochs (default 1; more saves GPU round trips). */
  readEvery?: number;
  /** A progress bar's label, drawn on a terminal (default: none). */
  progress?: string;
}

/** The names of the four weights, in the order the book draws them. */
const KEYS = ["weights1", "bias1", "weights2", "bias2"] as const;

/**
 * The activations (`a1`, `a2`) that each network's last `step` made, which
 * its next step disposes. (One entry a network: a set of every step's
 * activations grew by two entries an epoch, for the collector to sweep.)
 */
const stepActivations = new WeakMap<TwoLayerNetwork, readonly Tensor[]>();

/**
 * The shell of the book's two networks (`NeuralNetwork`, `SoftmaxNetwork`).
 *
 * Chapter: 4.4 forward propagation, 4.5 backpropagation; Part4-1, Part4-2, Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NeuralNetwork, SoftmaxNetwork, TwoLayerNetwork } from "@handson/nn";
 * assert.ok(new NeuralNetwork(2, 3, 1) instanceof TwoLayerNetwork);
 * assert.deepEqual(new SoftmaxNetwork(4, 3, 2).sizes, [4, 3, 2]);
 * ```
 */
export abstract class TwoLayerNetwork implements NeuralNetworkWeights {
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

  /** Takes the weights, checked to fit together. */
  protected constructor(weights: NeuralNetworkWeights) {
    checkWeights(new.target.name, weights);
    this.weights1 = weights.weights1;
    this.bias1 = weights.bias1;
    this.weights2 = weights.weights2;
    this.bias2 = weights.bias2;
  }

  /**
   * A network of this kind with the given weights (from a `model.json`, say).
   * Their shapes must fit together: weights1 [in, hidden], bias1 [1, hidden],
   * weights2 [hidden, out], bias2 [1, out]; a `ShapeError` names the one that
   * does not.
   */
  static fromWeights<T extends TwoLayerNetwork>(
    this: abstract new (...args: never[]) => T,
    weights: NeuralNetworkWeights,
  ): T {
    checkWeights(`${this.name}.fromWeights`, weights);
    const net = Object.create(this.prototype) as T;
    Object.assign(net, { ...pick(weights), a1: null, a2: null });
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

  /** Forward propagation: sets and returns `a2` (and `a1`), as the book writes it. */
  abstract forward(X: Tensor): Tensor;

  /** The book's loss of outputs `yHat` against targets `y`, as a scalar tensor (not read). */
  abstract loss(y: Tensor, yHat: Tensor): Tensor;

  /** The gradients of the loss by the book's backpropagation, from the last `forward(X)`. */
  abstract gradients(X: Tensor, y: Tensor): NeuralNetworkWeights;

  /** One step of gradient descent: each weight moves by `-lr` times its gradient. */
  backward(X: Tensor, y: Tensor, lr: number): void {
    Object.assign(this, descend(this.weights(), this.gradients(X, y), lr));
  }

  /** What `train` reports after each epoch when the caller says nothing. */
  protected onEpoch(_epoch: number, _loss: number): void {}

  /**
   * Full-batch training as the book's loop (forward, loss recorded before the
   * update, backward), run by the one training loop: on any backend, reading
   * the loss once per epoch (or per `readEvery`). Resolves to each epoch's
   * loss; a loss that becomes NaN or infinite rejects with a
   * `NonFiniteLossError` naming the epoch. Afterwards `a1` and `a2` hold the
   * last step's activations; those of earlier steps are disposed (a step's
   * memory is reused by the next: no fresh arrays in the loop). Without an
   * `onEpoch` (given, or a subclass's), a network with a fused kernel for
   * many epochs (`fusedEpochs`) runs them in runs, with the same numbers.
   */
  async train(X: Tensor, y: Tensor, options: TrainOptions): Promise<number[]> {
    const name = `${this.constructor.name}.train`;
    const { epochs, lr } = options;
    if (!Number.isInteger(epochs) || epochs < 0) {
      throw new RangeError(`${name}: expected a whole number of epochs, found ${epochs}`);
    }
    if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) {
      throw new RangeError(`${name}: expected a positive learning rate lr, found ${lr}`);
    }
    // Epochs that nothing watches one by one may run many at once (`fusedEpochs`).
    const watched = options.onEpoch !== undefined ||
      this.onEpoch !== TwoLayerNetwork.prototype.onEpoch;
    const onEpoch = options.onEpoch ?? ((epoch: number, loss: number) => this.onEpoch(epoch, loss));
    const { losses } = await fit({
      epochs,
      batches: () => [null],
      batchesPerEpoch: 1,
      readEvery: options.readEvery,
      progress: options.progress ?? false,
      interruptible: false,
      step: () => ({ loss: this.step(X, y, lr) }),
      onEpochEnd: watched ? (log) => onEpoch(log.epoch, log.loss) : undefined,
      epochsAtOnce: (_epoch, count) => this.steps(X, y, lr, count),
    });
    return losses;
  }

  /**
   * `count` steps at once where the network has a fused kernel for them
   * (`fusedEpochs`), leaving the network as that many calls of `step` would;
   * returns each step's loss, read, or undefined (nothing done) where it has
   * none.
   */
  private steps(X: Tensor, y: Tensor, lr: number, count: number): number[] | undefined {
    const fused = this.fusedEpochs(X, y, lr, count);
    if (fused === undefined) return undefined;
    disposeStepActivations(this);
    adoptFused(this, fused);
    return fused.losses;
  }

  /**
   * One step of the book's loop: forward, the loss (of the weights before the
   * update), backward with rate `lr`; returns the loss, not read. It runs in
   * `tidy`, so its temporaries (several as large as the hidden layer's
   * activations) go back to the backend for the next step's ops; `a1` and `a2`
   * stay until the next step starts, which disposes them. With it a
   * full-batch loop makes no fresh arrays once the first step has run. Where
   * the network has a fused step for the case (`fusedStep`: the book's sigmoid
   * network on the CPU), that runs instead, with the same numbers to float
   * rounding.
   */
  step(X: Tensor, y: Tensor, lr: number): Tensor {
    // The last step's activations are not needed (forward makes new ones): their
    // memory goes back before this step's forward asks for as much.
    disposeStepActivations(this);
    this.a1 = this.a2 = null;
    const fused = this.fusedStep(X, y, lr);
    if (fused !== undefined) {
      adoptFused(this, fused);
      return fused.loss;
    }
    const { loss } = tidy(() => {
      const loss = this.loss(y, this.forward(X));
      this.backward(X, y, lr);
      // What outlives the step: the loss, the activations and the new weights.
      return { loss, kept: [this.a1!, this.a2!, this.weights()] };
    });
    stepActivations.set(this, [this.a1!, this.a2!]);
    return loss;
  }

  /**
   * The whole of `step` in one pass where a network has such a kernel for the
   * case at hand (see `fused_sigmoid_step.ts`); undefined (the default) runs
   * the book's methods op by op.
   */
  protected fusedStep(_X: Tensor, _y: Tensor, _lr: number): FusedStep | undefined {
    return undefined;
  }

  /**
   * `epochs` of `step` in one call where a network has such a kernel (see
   * `fusedSigmoidEpochs`), with the same bits as that many fused steps;
   * undefined (the default) runs `step` epoch by epoch. `train` asks for it
   * when nothing watches the epochs one by one (no `onEpoch`).
   */
  protected fusedEpochs(
    _X: Tensor,
    _y: Tensor,
    _lr: number,
    _epochs: number,
  ): FusedEpochs | undefined {
    return undefined;
  }

  /**
   * `f()`, in `tidy` when no weight records gradients: the temporaries of one
   * line of the forward or backward pass go back to the backend as soon as the
   * line is done (a 60000×128 float64 intermediate is 61 MB), not at the end of
   * the step; and each op of the line may write over the one before's result,
   * as NumPy does (`tidyReusing`), so that `X @ W1 + b1`'s relu is one array, not
   * three. With autograd on the weights, the graph needs them: plain `f()`.
   */
  protected freeingTemporaries(f: () => Tensor): Tensor {
    const graph = [this.weights1, this.bias1, this.weights2, this.bias2].some((w) =>
      w.requiresGrad
    );
    return graph ? f() : tidyReusing(f);
  }

  /** The weights, for saving (see `saveModelJson`). */
  weights(): NeuralNetworkWeights {
    return pick(this);
  }

  /**
   * Checks that the targets `y` have the shape of the predictions `yHat`, so
   * that a wrong label tensor is named here, not inside the loss's arithmetic.
   */
  protected checkLabels(y: Tensor, yHat: Tensor, what: string): void {
    if (y.shape.length !== yHat.shape.length || y.shape.some((d, i) => d !== yHat.shape[i])) {
      throw new ShapeError(
        `${this.constructor.name}.loss: expected ${what} of shape [${
          yHat.shape.join(", ")
        }] (one row per prediction), found [${y.shape.join(", ")}]`,
      );
    }
  }

  /** Checks that the targets `y` have one row per row of `X` and one column per output. */
  protected checkTargets(X: Tensor, y: Tensor, what: string): void {
    const [m, outputs] = [X.shape[0], this.sizes[2]];
    if (y.ndim !== 2 || y.shape[0] !== m || y.shape[1] !== outputs) {
      throw new ShapeError(
        `${this.constructor.name}: expected ${what} of shape [${m}, ${outputs}], found [${y.shape}]`,
      );
    }
  }
}

/** Disposes the activations of `net`'s last step (not ones set by hand, by a forward pass). */
function disposeStepActivations(net: TwoLayerNetwork): void {
  const made = stepActivations.get(net);
  for (const t of [net.a1, net.a2]) if (t !== null && made?.includes(t)) t.dispose();
}

/** Takes a fused step's or epochs' new weights and last activations into `net`. */
function adoptFused(net: TwoLayerNetwork, fused: FusedStep | FusedEpochs): void {
  Object.assign(net, fused.weights);
  [net.a1, net.a2] = [fused.a1, fused.a2];
  stepActivations.set(net, [fused.a1, fused.a2]);
}

function pick(weights: NeuralNetworkWeights): NeuralNetworkWeights {
  const { weights1, bias1, weights2, bias2 } = weights;
  return { weights1, bias1, weights2, bias2 };
}

/** Throws a `ShapeError` naming the first weight whose shape does not fit weights1 and weights2. */
function checkWeights(where: string, weights: NeuralNetworkWeights): void {
  for (const key of KEYS) {
    if (weights[key]?.ndim !== 2) {
      throw new ShapeError(
        `${where}: expected ${key} to be a 2-D tensor, found ${
          weights[key] === undefined ? "none" : `shape [${weights[key].shape}]`
        }`,
      );
    }
  }
  const [inputs, hidden] = weights.weights1.shape, outputs = weights.weights2.shape[1];
  const expected: Record<(typeof KEYS)[number], number[]> = {
    weights1: [inputs, hidden],
    bias1: [1, hidden],
    weights2: [hidden, outputs],
    bias2: [1, outputs],
  };
  for (const key of KEYS) {
    const got = weights[key].shape;
    if (got.some((d, i) => d !== expected[key][i])) {
      throw new ShapeError(`${where}: expected ${key} of shape [${expected[key]}], found [${got}]`);
    }
  }
  const dtype = weights.weights1.dtype;
  for (const key of KEYS) {
    if (weights[key].dtype !== dtype) {
      throw new TypeError(
        `${where}: expected every weight in ${dtype} as weights1 is, found ${key} in ` +
          weights[key].dtype,
      );
    }
  }
}
