/**
 * Learning-rate schedulers with PyTorch's semantics (`torch.optim.lr_scheduler`):
 * made on an optimiser, they set its rate for epoch 0 at once, and each
 * `step()` (once per epoch, after the optimiser's steps; per batch for
 * `OneCycleLR`) moves it on. The rates follow PyTorch's closed forms:
 *
 * - `StepLR`: `lr₀ · γ^⌊t / stepSize⌋`
 * - `ExponentialLR`: `lr₀ · γ^t`
 * - `CosineAnnealingLR`: `ηmin + (lr₀ - ηmin)(1 + cos(π t / tMax)) / 2`
 * - `LinearLR`: `lr₀ · (s + (e - s) · min(t, n) / n)`
 * - `OneCycleLR`: up from `maxLr / divFactor` to `maxLr` over `pctStart` of the
 *   steps, then down to `maxLr / divFactor / finalDivFactor` (cosine or
 *   linear), with the momentum (SGD's `momentum`, Adam's `betas[0]`) cycling
 *   the other way.
 *
 * @module
 */

import { numberOption, type Optimizer } from "./optimizer.ts";

/**
 * The shell of every scheduler: the optimiser, its initial rate, the epoch.
 *
 * Chapter: Part4-3, the recipe that works (a decaying learning rate).
 */
export abstract class LRScheduler {
  /** The optimiser whose `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The optimiser's rate when the scheduler was made. */
  readonly baseLr: number;
  /** How many times `step()` was called (0 right after construction, as PyTorch's `last_epoch`). */
  lastEpoch = 0;

  /** Takes the optimiser's current rate as the base and sets the rate of epoch 0. */
  constructor(optimizer: Optimizer) {
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
  }

  /** The rate for epoch (or step) `t`, from the base rate. */
  protected abstract rateAt(t: number): number;

  /** Sets the optimiser's rate for `lastEpoch`; subclasses call it once their fields are set. */
  protected apply(): void {
    this.optimizer.lr = this.rateAt(this.lastEpoch);
  }

  /** Moves to the next epoch (or step) and sets the optimiser's rate for it. */
  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  /** The rate last set, as PyTorch's `get_last_lr()` (one group: one number). */
  getLastLr(): number {
    return this.optimizer.lr;
  }
}

/**
 * Multiplies the rate by `gamma` every `stepSize` epochs.
 *
 * Chapter: Part4-3, the recipe that works (a decaying learning rate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * const rates = [opt.lr];
 * for (let epoch = 1; epoch < 5; epoch++) { scheduler.step(); rates.push(opt.lr); }
 * assert.deepEqual(rates, [1, 1, 0.5, 0.5, 0.25]);
 * ```
 */
export class StepLR extends LRScheduler {
  /** Epochs between two decays. */
  readonly stepSize: number;
  /** The factor of each decay. */
  readonly gamma: number;

  /** A step schedule: `gamma` (default 0.1) every `stepSize` epochs. */
  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.stepSize = numberOption("StepLR", "stepSize", options?.stepSize, NaN, whole, "≥ 1");
    this.gamma = numberOption("StepLR", "gamma", options.gamma, 0.1, nonNegative, "≥ 0");
    this.apply();
  }

  protected rateAt(t: number): number {
    return this.baseLr * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/**
 * Multiplies the rate by `gamma` every epoch.
 *
 * Chapter: Part4-3, the recipe that works (a decaying learning rate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const opt = new optim.Adam([tensor([0], { requiresGrad: true })], { lr: 0.002 });
 * const scheduler = new optim.ExponentialLR(opt, { gamma: 0.5 });
 * scheduler.step();
 * assert.equal(opt.lr, 0.001);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** The factor of each epoch's decay. */
  readonly gamma: number;

  /** An exponential schedule: the rate times `gamma` per epoch. */
  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer);
    this.gamma = numberOption("ExponentialLR", "gamma", options?.gamma, NaN, nonNegative, "≥ 0");
    this.apply();
  }

  protected rateAt(t: number): number {
    return this.baseLr * this.gamma ** t;
  }
}

/**
 * Anneals the rate along half a cosine from its base to `etaMin` over `tMax`
 * epochs (SGDR without restarts).
 *
 * Chapter: Part4-3, the recipe that works (a decaying learning rate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.CosineAnnealingLR(opt, { tMax: 2 });
 * scheduler.step();
 * assert.ok(Math.abs(opt.lr - 0.5) < 1e-15);
 * scheduler.step();
 * assert.equal(opt.lr, 0);
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs from the base rate down to `etaMin`. */
  readonly tMax: number;
  /** The lowest rate (default 0). */
  readonly etaMin: number;

  /** A cosine schedule over `tMax` epochs down to `etaMin`. */
  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.tMax = numberOption("CosineAnnealingLR", "tMax", options?.tMax, NaN, whole, "≥ 1");
    this.etaMin = numberOption(
      "CosineAnnealingLR",
      "etaMin",
      options.etaMin,
      0,
      nonNegative,
      "≥ 0",
    );
    this.apply();
  }

  protected rateAt(t: number): number {
    const { etaMin, baseLr, tMax } = this;
    return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
  }
}

/**
 * Scales the rate by a factor that moves in a straight line from
 * `startFactor` to `endFactor` over `totalIters` epochs (a warm-up).
 *
 * Chapter: Part4-3, the recipe that works (a decaying learning rate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
 * assert.equal(opt.lr, 0.5);
 * scheduler.step();
 * assert.equal(opt.lr, 0.75);
 * scheduler.step();
 * scheduler.step();
 * assert.equal(opt.lr, 1);
 * ```
 */
export class LinearLR extends LRScheduler {
  /** The factor at epoch 0 (default 1/3). */
  readonly startFactor: number;
  /** The factor from `totalIters` on (default 1). */
  readonly endFactor: number;
  /** Epochs from the start factor to the end one (default 5). */
  readonly totalIters: number;

  /** A linear schedule of the factor. */
  constructor(
    optimizer: Optimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer);
    const inUnit = (x: number) => x > 0 && x <= 1;
    this.startFactor = numberOption(
      "LinearLR",
      "startFactor",
      options.startFactor,
      1 / 3,
      inUnit,
      "in (0, 1]",
    );
    this.endFactor = numberOption(
      "LinearLR",
      "endFactor",
      options.endFactor,
      1,
      (x) => x >= 0 && x <= 1,
      "in [0, 1]",
    );
    this.totalIters = numberOption("LinearLR", "totalIters", options.totalIters, 5, whole, "≥ 1");
    this.apply();
  }

  protected rateAt(t: number): number {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLr * (s + (e - s) * Math.min(t, n) / n);
  }
}

/** Options of {@linkcode OneCycleLR}. */
export interface OneCycleOptions {
  /** The highest rate, reached after `pctStart` of the steps. */
  maxLr: number;
  /** How many times `step()` will be called (epochs × batches per epoch). */
  totalSteps: number;
  /** The share of the steps spent rising (default 0.3). */
  pctStart?: number;
  /** `"cos"` (default) or `"linear"`. */
  annealStrategy?: "cos" | "linear";
  /** The rate starts at `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The rate ends at `maxLr / divFactor / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Cycle the momentum (SGD's `momentum`, Adam's `betas[0]`) against the rate (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the rate's peak (default 0.85). */
  baseMomentum?: number;
  /** The momentum at the start and end (default 0.95). */
  maxMomentum?: number;
}

/**
 * The one-cycle policy (Smith and Topin, 2018), stepped once per batch: the
 * rate rises from `maxLr / divFactor` to `maxLr`, then falls far below where
 * it started, while the momentum does the opposite.
 *
 * Chapter: Part4-3, the recipe that works (a decaying learning rate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1, momentum: 0.9 });
 * const scheduler = new optim.OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
 * const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;
 * assert.ok(close(opt.lr, 1 / 25) && close(opt.momentum, 0.95));
 * for (let i = 0; i < 2; i++) scheduler.step();
 * assert.ok(close(opt.lr, 1) && close(opt.momentum, 0.85)); // the peak: step 2 = 0.3 · 10 - 1
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** The options, defaults filled in. */
  readonly options: Required<OneCycleOptions>;
  #phases: { end: number; lr: [number, number]; momentum: [number, number] }[];

  /** A one-cycle schedule of `totalSteps` steps. */
  constructor(optimizer: Optimizer, options: OneCycleOptions) {
    super(optimizer);
    const o = {
      maxLr: numberOption("OneCycleLR", "maxLr", options?.maxLr, NaN, positive, "> 0"),
      totalSteps: numberOption("OneCycleLR", "totalSteps", options.totalSteps, NaN, whole, "≥ 1"),
      pctStart: numberOption(
        "OneCycleLR",
        "pctStart",
        options.pctStart,
        0.3,
        (x) => x >= 0 && x <= 1,
        "in [0, 1]",
      ),
      annealStrategy: options.annealStrategy ?? "cos",
      divFactor: numberOption("OneCycleLR", "divFactor", options.divFactor, 25, positive, "> 0"),
      finalDivFactor: numberOption(
        "OneCycleLR",
        "finalDivFactor",
        options.finalDivFactor,
        1e4,
        positive,
        "> 0",
      ),
      cycleMomentum: options.cycleMomentum ?? true,
      baseMomentum: numberOption(
        "OneCycleLR",
        "baseMomentum",
        options.baseMomentum,
        0.85,
        nonNegative,
        "≥ 0",
      ),
      maxMomentum: numberOption(
        "OneCycleLR",
        "maxMomentum",
        options.maxMomentum,
        0.95,
        nonNegative,
        "≥ 0",
      ),
    };
    if (o.annealStrategy !== "cos" && o.annealStrategy !== "linear") {
      throw new TypeError(
        `OneCycleLR: expected annealStrategy "cos" or "linear", found ${o.annealStrategy}`,
      );
    }
    if (o.cycleMomentum && !("momentum" in optimizer) && !("betas" in optimizer)) {
      throw new TypeError(
        `OneCycleLR: cycleMomentum needs an optimiser with momentum or betas, found ` +
          `${optimizer.constructor.name} (pass cycleMomentum: false)`,
      );
    }
    this.options = o;
    const initial = o.maxLr / o.divFactor, min = initial / o.finalDivFactor;
    this.#phases = [
      {
        end: o.pctStart * o.totalSteps - 1,
        lr: [initial, o.maxLr],
        momentum: [o.maxMomentum, o.baseMomentum],
      },
      { end: o.totalSteps - 1, lr: [o.maxLr, min], momentum: [o.baseMomentum, o.maxMomentum] },
    ];
    this.apply();
  }

  protected rateAt(t: number): number {
    return this.#at(t).lr;
  }

  protected override apply(): void {
    const { lr, momentum } = this.#at(this.lastEpoch);
    this.optimizer.lr = lr;
    if (!this.options.cycleMomentum) return;
    const opt = this.optimizer as Optimizer & { momentum?: number; betas?: readonly number[] };
    if ("betas" in opt && opt.betas !== undefined) opt.betas = [momentum, opt.betas[1]];
    else opt.momentum = momentum;
  }

  /** The rate and momentum at step `t`, as PyTorch 1.13 computes them. */
  #at(t: number): { lr: number; momentum: number } {
    if (t > this.options.totalSteps) {
      throw new RangeError(
        `OneCycleLR: stepped ${t} times, past totalSteps ${this.options.totalSteps}`,
      );
    }
    const anneal = this.options.annealStrategy === "cos"
      ? (a: number, b: number, pct: number) => b + (a - b) / 2 * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;
    let start = 0;
    for (const [i, phase] of this.#phases.entries()) {
      if (t <= phase.end || i === this.#phases.length - 1) {
        const pct = (t - start) / (phase.end - start);
        return {
          lr: anneal(phase.lr[0], phase.lr[1], pct),
          momentum: anneal(phase.momentum[0], phase.momentum[1], pct),
        };
      }
      start = phase.end;
    }
    throw new Error("unreachable");
  }
}

const whole = (x: number) => Number.isInteger(x) && x >= 1;
const nonNegative = (x: number) => x >= 0;
const positive = (x: number) => x > 0;
