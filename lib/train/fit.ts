/**
 * The one training loop: epochs of batches, a step that trains on each, and
 * everything around it that every trainer needs (the book's two networks, `nn`
 * modules, every script) written once:
 *
 * - reading values rarely and asynchronously: each batch's loss stays a tensor
 *   on its device and the losses are read in one `await` per epoch (or per
 *   `readEvery` epochs), never once per batch, so the loop runs on WebGPU,
 *   which has no synchronous read;
 * - the stop on a loss that is NaN or infinite, naming the epoch and batch;
 * - Ctrl-C and SIGTERM: the loop finishes the current batch and returns,
 *   saying where it stopped, so that the caller saves (or not) and exits 130;
 * - a learning-rate schedule, a progress bar on a terminal, the per-epoch logs,
 *   a callback at the end of each epoch, and early stopping on a metric.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { stack, type Tensor } from "../tensor/mod.ts";
import { stderrIsTerminal, writeStderr } from "../host.ts";
import { epochProgress } from "./progress.ts";

/**
 * What one step reports about its batch: its mean loss, not read yet.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 */
export interface StepResult {
  /** The batch's mean loss, a scalar tensor (left on its device). */
  loss: Tensor;
  /** How many samples the batch held (weights the epoch's mean; default 1). */
  size?: number;
  /**
   * Counts to total over the epoch (scalar tensors, such as how many of the
   * batch were classified right), read with the losses; each total is in the
   * epoch's log under its name, beside `samples`.
   */
  counts?: Record<string, Tensor>;
}

/**
 * Where the loop stopped before its last epoch, and why.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 */
export interface FitStop {
  /** `"signal"`: Ctrl-C or SIGTERM; `"early"`: the metric stopped improving. */
  reason: "signal" | "early";
  /** The signal that stopped it (`"SIGINT"` for Ctrl-C), for `"signal"`. */
  signal?: "SIGINT" | "SIGTERM";
  /** The epoch it stopped in (from 0). */
  epoch: number;
  /** How many batches of that epoch were done. */
  batch: number;
}

/**
 * One epoch's record: its mean loss, and what `onEpochEnd` added.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 */
export interface EpochLog {
  /** The epoch (from 0, as the book prints it). */
  epoch: number;
  /** The mean loss over the epoch's samples. */
  loss: number;
  /** Wall-clock seconds the epoch's batches took. */
  seconds: number;
  /** How many samples the epoch's batches held in all. */
  samples: number;
  /** Metrics that `onEpochEnd` returned (a test accuracy, …). */
  [metric: string]: number;
}

/**
 * Early stopping: stop when `metric` has not improved for `patience` epochs.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 */
export interface EarlyStopping {
  /** A key of the epoch logs (`"loss"`, or one that `onEpochEnd` returns). */
  metric: string;
  /** How many epochs without improvement to allow. */
  patience: number;
  /** `"min"` (the default: a loss) or `"max"` (an accuracy). */
  mode?: "min" | "max";
}

/**
 * Options for {@linkcode fit}.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 */
export interface FitOptions<B> {
  /** How many epochs (a whole number ≥ 0). */
  epochs: number;
  /** The batches of one epoch, asked for once per epoch (shuffle here, seeded). */
  batches: (epoch: number) => Iterable<B>;
  /** How many batches an epoch holds, for the progress bar (default: unknown). */
  batchesPerEpoch?: number;
  /** Trains on one batch (forward, gradients, update) and returns its loss unread. */
  step: (batch: B, epoch: number, index: number) => StepResult;
  /** Called before each epoch: set the learning rate of the epoch here. */
  schedule?: (epoch: number) => void;
  /**
   * A learning-rate scheduler (`optim.StepLR`, `ExponentialLR`, …), stepped
   * after each epoch as PyTorch's are (made on the optimiser, it has already
   * set the rate of epoch 0).
   */
  scheduler?: { step(): void };
  /**
   * Read the losses every this many epochs. Each epoch's loss is still
   * recorded; only the reads are batched. By default an epoch is read once at
   * least 50 ms have passed since the last read (and at the end): long epochs
   * are read one by one, and a run of 5000 tiny ones (Part4-2) waits on a
   * GPU's round trip only every few hundred. Losses that read synchronously
   * (the CPU's) cost nothing to wait for: they are read each epoch, so that
   * the epochs' records die young instead of piling up for the collector
   * (which made a Part4-2 epoch's loop cost 3–13 µs, not 1–2).
   */
  readEvery?: number;
  /**
   * Called after each epoch whose loss has been read, with its log; what it
   * returns is added to the log (a test accuracy, for early stopping).
   */
  onEpochEnd?: (
    log: EpochLog,
  ) => void | Record<string, number> | Promise<void | Record<string, number>>;
  /** Stop when a metric of the logs stops improving. */
  earlyStopping?: EarlyStopping;
  /**
   * The progress bar's label (drawn on a terminal; elsewhere a line every 30 s
   * says how many epochs are done), or a function giving
   * each epoch's label when the epochs have bars of their own; `false` for none.
   */
  progress?: string | ((epoch: number) => string) | false;
  /** Stop after the current batch on Ctrl-C or SIGTERM (in Deno; default true). */
  interruptible?: boolean;
  /**
   * Runs `count` whole epochs at once and returns their losses, stopping
   * after a non-finite one; undefined to have `step` run them instead. For a
   * loop of one full batch an epoch, where the work around a step costs more
   * than the step (Part4-2: `NeuralNetwork.train`). `fit` asks for it only
   * with `batchesPerEpoch: 1` and no `onEpochEnd`, `earlyStopping`,
   * `schedule` or `scheduler`, which watch each epoch; between runs of about
   * 20 ms it still draws the progress bar, hears Ctrl-C and stops on a
   * non-finite loss. Each epoch is logged as one batch of one sample (a step
   * that returns no `size`), with an equal share of its run's seconds.
   */
  epochsAtOnce?: (epoch: number, count: number) => readonly number[] | undefined;
}

/**
 * What {@linkcode fit} did.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 */
export interface FitResult {
  /** Each finished epoch's mean loss. */
  losses: number[];
  /** Each finished epoch's log. */
  logs: EpochLog[];
  /** Why it stopped early, or `null` when it ran every epoch. */
  stopped: FitStop | null;
}

/**
 * A loss that became NaN or infinite: the run diverged. Names the epoch and
 * batch where it first did.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NonFiniteLossError } from "@handson/nn";
 * const error = new NonFiniteLossError(NaN, 3, 7, 20);
 * assert.equal(error.message, "the loss became NaN at epoch 3, batch 7: the run diverged (a smaller learning rate helps)");
 * assert.ok(error instanceof RangeError);
 * ```
 */
export class NonFiniteLossError extends RangeError {
  /** The epoch (from 0). */
  readonly epoch: number;
  /** The batch within the epoch (from 0). */
  readonly batch: number;
  /** The loss: NaN, Infinity or -Infinity. */
  readonly loss: number;

  /** The error for `loss` at `epoch`, `batch` (`batches` in all, when known). */
  constructor(loss: number, epoch: number, batch: number, batches?: number) {
    const where = batches === 1 ? `epoch ${epoch}` : `epoch ${epoch}, batch ${batch}`;
    super(`the loss became ${loss} at ${where}: the run diverged (a smaller learning rate helps)`);
    this.name = "NonFiniteLossError";
    this.epoch = epoch;
    this.batch = batch;
    this.loss = loss;
  }
}

/** A pending epoch: its batch losses and sizes, still on the device. */
interface Pending {
  epoch: number;
  losses: Tensor[];
  sizes: number[];
  /** Each count's per-batch tensors, by name (null while the steps return none). */
  counts: Map<string, Tensor[]> | null;
  seconds: number;
}

/**
 * Trains for `options.epochs` epochs: for each batch of `options.batches(epoch)`,
 * `options.step` trains and returns the batch's loss as a tensor; `fit` reads
 * the losses once per epoch (or per `readEvery` epochs), stops on a non-finite
 * loss ({@linkcode NonFiniteLossError}), on Ctrl-C or SIGTERM (after the
 * batch: `stopped.reason` is `"signal"`), or when early stopping says so.
 *
 * Chapter: 4.5 backpropagation (the training loop); Part4-2, Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, tensor } from "@handson/nn";
 * // Gradient descent on (w - 3)², by hand: two epochs of two batches.
 * let w = 0;
 * const result = await fit({
 *   epochs: 2,
 *   batches: () => [1, 2],
 *   step: () => {
 *     const loss = (w - 3) ** 2;
 *     w -= 0.25 * 2 * (w - 3);
 *     return { loss: tensor(loss) };
 *   },
 * });
 * assert.deepEqual(result.losses, [(9 + 2.25) / 2, (0.5625 + 0.140625) / 2]);
 * assert.equal(result.stopped, null);
 * ```
 */
export async function fit<B>(options: FitOptions<B>): Promise<FitResult> {
  const { epochs, step, schedule, onEpochEnd, earlyStopping } = options;
  const readEvery = options.readEvery;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`fit: expected epochs to be a whole number ≥ 0, found ${epochs}`);
  }
  if (readEvery !== undefined && !(Number.isInteger(readEvery) && readEvery >= 1)) {
    throw new RangeError(`fit: expected readEvery to be a whole number ≥ 1, found ${readEvery}`);
  }
  if (earlyStopping && !(Number.isInteger(earlyStopping.patience) && earlyStopping.patience >= 0)) {
    throw new RangeError(
      `fit: expected earlyStopping.patience to be a whole number ≥ 0, found ${earlyStopping.patience}`,
    );
  }
  const result: FitResult = { losses: [], logs: [], stopped: null };
  const signals = options.interruptible === false ? null : listenForSignals();
  const yielder = new Yielder();
  const perEpoch = options.batchesPerEpoch;
  const label = options.progress === undefined ? "Training" : options.progress;
  // Runs of many batches an epoch get a bar per epoch; others one bar over the epochs.
  const perEpochBar = label !== false && perEpoch !== undefined && perEpoch > 1;
  const overall = label !== false && !perEpochBar
    ? epochProgress(typeof label === "function" ? label(0) : label, epochs)
    : null;
  let pending: Pending[] = [];
  let lastRead = performance.now(), lastNote = performance.now();
  let best = Infinity, sinceBest = 0;
  const sign = earlyStopping?.mode === "max" ? -1 : 1;
  let atOnce = perEpoch === 1 && !onEpochEnd && !earlyStopping && !schedule && !options.scheduler
    ? options.epochsAtOnce
    : undefined;
  let runLength = 16; // epochs a run, doubled or halved towards RUN_MS

  /**
   * Runs epochs from `epoch` with `atOnce`, records them, and returns how
   * many it ran; 0 when `atOnce` declines (`step` runs the epochs from here).
   */
  const runAtOnce = async (epoch: number): Promise<number> => {
    const started = performance.now();
    const count = Math.min(runLength, epochs - epoch);
    const losses = atOnce!(epoch, count);
    if (losses === undefined) {
      atOnce = undefined;
      return 0;
    }
    if (losses.length < 1 || losses.length > count) {
      overall?.finish();
      throw new RangeError(
        `fit: expected epochsAtOnce to return the losses of 1 to ${count} epochs from epoch ` +
          `${epoch}, found ${losses.length}`,
      );
    }
    const ended = performance.now();
    const seconds = (ended - started) / 1000 / losses.length;
    for (let k = 0; k < losses.length; k++) {
      const loss = losses[k];
      if (!Number.isFinite(loss)) {
        overall?.finish();
        throw new NonFiniteLossError(loss, epoch + k, 0, 1);
      }
      result.losses.push(loss);
      result.logs.push({ epoch: epoch + k, loss, seconds, samples: 1 });
    }
    runLength = ended - started < RUN_MS ? runLength * 2 : Math.max(1, runLength >> 1);
    const last = epoch + losses.length - 1;
    overall?.update(last + 1);
    note(last, ended);
    if (yielder.due()) await yielder.yield();
    if (signals?.received) {
      overall?.finish();
      // Every epoch of the run is whole: the run stopped before the next one's first batch.
      result.stopped = { reason: "signal", signal: signals.received, epoch: last + 1, batch: 0 };
    }
    return losses.length;
  };

  /** Off a terminal there is no bar: a long run says how far it is, now and then. */
  const note = (epoch: number, now: number) => {
    // (The clock first: asking whether stderr is a terminal is a system call, ~14 µs.)
    if (label !== false && now - lastNote >= NOTE_EVERY_MS && !stderrIsTerminal()) {
      lastNote = now;
      const name = typeof label === "function" ? label(epoch) : label;
      writeStderr(`${name}: ${epoch + 1} of ${epochs} epochs done\n`);
    }
  };

  /**
   * Reads the pending epochs' losses in one go and records them; false when
   * early stopping says stop. Synchronous where it can be (losses on the CPU,
   * an `onEpochEnd` that returns no promise): a promise a read costs the
   * collector and, in a run's first uncompiled epochs, the interpreter.
   */
  const flush = (): boolean | Promise<boolean> => {
    if (pending.length === 0) return true;
    // One read for every loss and count of the pending epochs, in this order.
    const all: Tensor[] = [];
    for (const p of pending) {
      all.push(...p.losses);
      if (p.counts !== null) { for (const tensors of p.counts.values()) all.push(...tensors); }
    }
    const done = pending;
    pending = [];
    const values = readNow(all);
    if (values !== null) return recordFrom(done, values, 0, 0);
    return readLater(all).then((values) => {
      lastRead = performance.now(); // the GPU's reads wait READ_INTERVAL_MS from here
      return recordFrom(done, values, 0, 0);
    });
  };

  /** Records epochs `done[i…]`, whose values start at `values[k]`; false to stop early. */
  const recordFrom = (
    done: Pending[],
    values: ArrayLike<number>,
    i: number,
    k: number,
  ): boolean | Promise<boolean> => {
    for (; i < done.length; i++) {
      const p = done[i];
      let sum = 0, count = 0;
      for (let b = 0; b < p.losses.length; b++, k++) {
        const loss = values[k];
        if (!Number.isFinite(loss)) {
          overall?.finish();
          throw new NonFiniteLossError(loss, p.epoch, b, p.losses.length);
        }
        sum += loss * p.sizes[b];
        count += p.sizes[b];
      }
      const log: EpochLog = {
        epoch: p.epoch,
        loss: sum / count,
        seconds: p.seconds,
        samples: count,
      };
      if (p.counts !== null) {
        for (const [name, tensors] of p.counts) {
          let total = 0;
          for (let b = 0; b < tensors.length; b++, k++) total += values[k];
          log[name] = total;
        }
      }
      const extra = onEpochEnd?.(log);
      if (isThenable(extra)) {
        const [next, at] = [i + 1, k];
        return Promise.resolve(extra).then((resolved) =>
          keepLog(p, log, resolved) && recordFrom(done, values, next, at)
        );
      }
      if (!keepLog(p, log, extra)) return false;
    }
    return true;
  };

  /** Adds an epoch's log to the result; false when early stopping says stop. */
  const keepLog = (p: Pending, log: EpochLog, extra: Record<string, number> | void): boolean => {
    if (extra) Object.assign(log, extra);
    result.losses.push(log.loss);
    result.logs.push(log);
    if (earlyStopping) {
      const value = log[earlyStopping.metric];
      if (typeof value !== "number") {
        throw new TypeError(
          `fit: early stopping watches "${earlyStopping.metric}", which the epoch logs lack ` +
            `(they hold ${Object.keys(log).join(", ")}; return it from onEpochEnd)`,
        );
      }
      if (sign * value < best) [best, sinceBest] = [sign * value, 0];
      else if (++sinceBest > earlyStopping.patience) {
        result.stopped = { reason: "early", epoch: p.epoch, batch: p.losses.length };
        return false;
      }
    }
    return true;
  };

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const ran = atOnce === undefined ? 0 : await runAtOnce(epoch);
      if (result.stopped !== null) return result;
      if (ran > 0) {
        epoch += ran - 1; // and the loop's own increment
        continue;
      }
      schedule?.(epoch);
      const bar = perEpochBar
        ? epochProgress(
          typeof label === "function" ? label(epoch) : `${label}, epoch ${epoch}`,
          perEpoch!,
        )
        : null;
      const started = performance.now();
      const current: Pending = { epoch, losses: [], sizes: [], counts: null, seconds: 0 };
      let index = 0;
      for (const batch of options.batches(epoch)) {
        let stepped: StepResult;
        try {
          stepped = step(batch, epoch, index);
        } catch (error) {
          // A loss that became NaN or infinite in a step not read yet is the cause; an error
          // from a later step (a loss refusing NaN inputs, say) is only its symptom.
          bar?.finish();
          overall?.finish();
          throw (await divergence([...pending, current], perEpoch)) ?? error;
        }
        const { loss, size = 1, counts } = stepped;
        if (loss.size !== 1) {
          throw new ShapeError(
            `fit: expected step to return the batch's loss as one number, found shape [${loss.shape}]`,
          );
        }
        current.losses.push(loss);
        current.sizes.push(size);
        for (const name in counts) {
          const value = counts[name];
          current.counts ??= new Map();
          const list = current.counts.get(name) ?? [];
          current.counts.set(name, list);
          list.push(value.dtype === loss.dtype ? value : value.astype(loss.dtype));
        }
        index++;
        bar?.update(index);
        // Let a Ctrl-C reach its listener: a loop that never awaits never hears it.
        if (yielder.due()) await yielder.yield();
        if (signals?.received) {
          bar?.finish();
          overall?.finish();
          // The finished epochs are read; the interrupted one is not a whole epoch.
          await flush();
          result.stopped = { reason: "signal", signal: signals.received, epoch, batch: index };
          return result;
        }
      }
      bar?.finish();
      // One reading of the clock for the epoch's end: a reading costs 0.1–0.25 µs on our
      // machines, and the four an epoch took were 2 % of a Part4-2 epoch.
      const ended = performance.now();
      current.seconds = (ended - started) / 1000;
      pending.push(current);
      options.scheduler?.step();
      overall?.update(epoch + 1);
      note(epoch, ended);
      const due = readEvery === undefined
        ? readsSynchronously(current) || ended - lastRead >= READ_INTERVAL_MS
        : (epoch + 1) % readEvery === 0;
      if (due || epoch === epochs - 1 || earlyStopping) {
        const going = flush();
        if (!(typeof going === "boolean" ? going : await going)) break;
      }
    }
    overall?.finish();
    return result;
  } finally {
    signals?.stop();
  }
}

/**
 * The first loss of `epochs` (read in one go) that is NaN or infinite, as the
 * error `fit` gives for it; null when all are finite or they cannot be read.
 */
async function divergence(
  epochs: readonly Pending[],
  perEpoch: number | undefined,
): Promise<NonFiniteLossError | null> {
  const all = epochs.flatMap((p) => p.losses);
  if (all.length === 0) return null;
  let values: ArrayLike<number>;
  try {
    values = await (all.length === 1 ? all[0] : stack(all)).data();
  } catch {
    return null;
  }
  let k = 0;
  for (const p of epochs) {
    for (let b = 0; b < p.losses.length; b++, k++) {
      if (!Number.isFinite(values[k])) {
        return new NonFiniteLossError(values[k], p.epoch, b, perEpoch ?? p.losses.length);
      }
    }
  }
  return null;
}

/**
 * The values of scalar tensors, in order, where every one can be read
 * synchronously (the CPU), each where it lies (stacking 5,000 scalars first
 * cost 1.6–6.7 µs each, more than a Part4-2 epoch's own work); else null.
 */
function readNow(scalars: readonly Tensor[]): number[] | null {
  if (!scalars.every((t) => t.backend.readSync !== undefined)) return null;
  const values: number[] = [];
  for (let i = 0; i < scalars.length; i++) values.push(scalars[i].item());
  return values;
}

/** The same read on a GPU: one `stack`, so that it waits once, not once a loss. */
async function readLater(scalars: readonly Tensor[]): Promise<ArrayLike<number>> {
  return await (scalars.length === 1 ? scalars[0] : stack(scalars)).data();
}

/** Whether `value` is a promise (or another thenable) to wait for. */
function isThenable(value: unknown): value is PromiseLike<Record<string, number> | void> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** Off a terminal, how often a long run writes a line saying how far it is. */
const NOTE_EVERY_MS = 30_000;

/** Whether every loss of an epoch can be read without waiting (on the CPU). */
function readsSynchronously(epoch: Pending): boolean {
  return epoch.losses.every((t) => t.backend.readSync !== undefined);
}

/** Without `readEvery`, the least time between two reads of the GPU's losses. */
const READ_INTERVAL_MS = 50;

/** How long a run of `epochsAtOnce` may take before the bar, Ctrl-C and the rest are seen to. */
const RUN_MS = 20;

/** Gives the event loop a turn every 50 ms, so that signals and timers run. */
class Yielder {
  #last = performance.now();

  /** Whether 50 ms have passed since the last turn (checked without awaiting). */
  due(): boolean {
    return performance.now() - this.#last >= 50;
  }

  /**
   * Lets the event loop run once: a message to ourselves, a task as a timer
   * is, without a timer's wait (a `setTimeout(…, 0)` inside a timer's task is
   * held to at least 1–4 ms: 2.2 ms a turn here, against 0.05).
   */
  async yield(): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    await new Promise((resolve) => {
      port1.onmessage = resolve;
      port2.postMessage(null);
    });
    port1.close();
    port2.close();
    this.#last = performance.now();
  }
}

/** Listens for Ctrl-C and SIGTERM while the loop runs (in Deno; elsewhere, never). */
function listenForSignals(): { received: "SIGINT" | "SIGTERM" | null; stop(): void } {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  const state = { received: null as "SIGINT" | "SIGTERM" | null, stop: () => {} };
  if (deno?.addSignalListener === undefined) return state;
  // Windows has Ctrl-C but no SIGTERM to listen for.
  const names = deno.build.os === "windows" ? ["SIGINT"] as const : ["SIGINT", "SIGTERM"] as const;
  const listeners = names.map((name) => [name, () => (state.received ??= name)] as const);
  for (const [name, listener] of listeners) deno.addSignalListener(name, listener);
  state.stop = () => {
    for (const [name, listener] of listeners) deno.removeSignalListener(name, listener);
  };
  return state;
}
