/**
 * The one training loop, for all its users at once: losses weighted by batch
 * size and read in batches of epochs, the non-finite stop naming the epoch and
 * batch, the schedule, early stopping, and Ctrl-C / SIGTERM stopping after the
 * current batch (in a real process, with a real signal).
 */

import assert from "node:assert/strict";
import { fit, NonFiniteLossError, optim, type StepResult, tensor } from "../../mod.ts";

/** A step whose losses are given: `losses[epoch][batch]`, each batch of `sizes[batch]`. */
function scripted(losses: number[][], sizes: number[], calls: string[] = []) {
  return (_: number, epoch: number, index: number): StepResult => {
    calls.push(`step ${epoch}.${index}`);
    return { loss: tensor(losses[epoch][index], { dtype: "float64" }), size: sizes[index] };
  };
}

Deno.test("fit: each epoch's loss is the size-weighted mean of its batches", async () => {
  const result = await fit({
    epochs: 2,
    batches: () => [0, 1, 2],
    step: scripted([[1, 2, 4], [0.5, 0.5, 8]], [2, 2, 1]),
    progress: false,
  });
  assert.deepEqual(result.losses, [(2 + 4 + 4) / 5, (1 + 1 + 8) / 5]);
  assert.deepEqual(result.logs.map((l) => l.epoch), [0, 1]);
  assert.equal(result.stopped, null);
});

Deno.test("fit: losses are read every readEvery epochs, the schedule runs before each epoch", async () => {
  const calls: string[] = [];
  const losses = Array.from({ length: 7 }, (_, e) => [e + 1]);
  const result = await fit({
    epochs: 7,
    batches: () => [0],
    batchesPerEpoch: 1,
    readEvery: 3,
    schedule: (epoch) => calls.push(`lr ${epoch}`),
    step: scripted(losses, [1], calls),
    onEpochEnd: (log) => void calls.push(`log ${log.epoch}`),
    progress: false,
  });
  assert.deepEqual(result.losses, [1, 2, 3, 4, 5, 6, 7]);
  // Epochs 0-2 are logged after epoch 2's step, 3-5 after epoch 5's, 6 at the end.
  assert.deepEqual(calls, [
    ...["lr 0", "step 0.0", "lr 1", "step 1.0", "lr 2", "step 2.0", "log 0", "log 1", "log 2"],
    ...["lr 3", "step 3.0", "lr 4", "step 4.0", "lr 5", "step 5.0", "log 3", "log 4", "log 5"],
    ...["lr 6", "step 6.0", "log 6"],
  ]);
});

Deno.test("fit: a step that throws after an unread loss went non-finite reports the loss, not the symptom", async () => {
  const symptom = new RangeError("BCELoss: expected every input between 0 and 1, found NaN");
  let calls = 0;
  await assert.rejects(
    fit({
      epochs: 10,
      batches: () => [0],
      batchesPerEpoch: 1,
      readEvery: 100, // no read before the step that throws
      progress: false,
      step: () => {
        calls++;
        if (calls === 5) throw symptom;
        return { loss: tensor(calls === 3 ? Infinity : 1) };
      },
    }),
    (e: unknown) => {
      assert.ok(e instanceof NonFiniteLossError, `${e}`);
      assert.equal(
        e.message,
        "the loss became Infinity at epoch 2: the run diverged (a smaller learning rate helps)",
      );
      return true;
    },
  );
  // With every loss finite, the step's own error comes out as it was.
  calls = 0;
  await assert.rejects(
    fit({
      epochs: 10,
      batches: () => [0],
      readEvery: 100,
      progress: false,
      step: () => {
        if (++calls === 2) throw symptom;
        return { loss: tensor(1) };
      },
    }),
    (e: unknown) => e === symptom,
  );
});

Deno.test("fit: a non-finite loss stops the run, naming the epoch and batch", async () => {
  for (
    const [bad, batches, where] of [[NaN, 3, "epoch 1, batch 2"], [
      Infinity,
      1,
      "epoch 1:",
    ]] as const
  ) {
    const losses = [[1, 1, 1], [1, 1, bad]].map((row) => row.slice(0, batches));
    if (batches === 1) losses[1][0] = bad;
    await assert.rejects(
      fit({
        epochs: 3,
        batches: () => Array.from({ length: batches }, (_, i) => i),
        step: scripted([...losses, [1, 1, 1]], [1, 1, 1]),
        progress: false,
      }),
      (e: unknown) => {
        assert.ok(e instanceof NonFiniteLossError && e instanceof RangeError);
        assert.equal(
          e.message,
          `the loss became ${bad} at ${
            where.replace(/:$/, "")
          }: the run diverged (a smaller learning rate helps)`,
        );
        assert.equal(e.epoch, 1);
        return true;
      },
    );
  }
});

Deno.test("fit: early stopping on a metric that onEpochEnd returns", async () => {
  const accuracies = [0.5, 0.7, 0.69, 0.7, 0.65, 0.9];
  const result = await fit({
    epochs: 6,
    batches: () => [0],
    step: () => ({ loss: tensor(1) }),
    onEpochEnd: (log) => ({ accuracy: accuracies[log.epoch] }),
    earlyStopping: { metric: "accuracy", mode: "max", patience: 2 },
    progress: false,
  });
  // Best 0.7 at epoch 1; epochs 2 and 3 do not beat it (patience 2); epoch 4 stops the run.
  assert.deepEqual(result.stopped, { reason: "early", epoch: 4, batch: 1 });
  assert.deepEqual(result.logs.map((l) => l.accuracy), [0.5, 0.7, 0.69, 0.7, 0.65]);
});

Deno.test("fit: an onEpochEnd that returns a promise is waited for, epoch by epoch, in order", async () => {
  const accuracies = [0.5, 0.7, 0.69, 0.7, 0.65, 0.9];
  const seen: string[] = [];
  const result = await fit({
    epochs: 6,
    batches: () => [0],
    step: (_, epoch) => ({ loss: tensor(epoch, { dtype: "float64" }) }),
    readEvery: 3, // three epochs a read: each epoch's promise settles before the next is logged
    onEpochEnd: async (log) => {
      seen.push(`start ${log.epoch}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(`end ${log.epoch}`);
      return { accuracy: accuracies[log.epoch] };
    },
    progress: false,
  });
  assert.equal(result.stopped, null);
  assert.deepEqual(result.losses, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(result.logs.map((l) => l.accuracy), accuracies);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5].flatMap((e) => [`start ${e}`, `end ${e}`]));
});

Deno.test("fit: bad options are errors naming them", async () => {
  const base = { batches: () => [0], step: () => ({ loss: tensor(1) }), progress: false as const };
  await assert.rejects(
    fit({ ...base, epochs: -1 }),
    /expected epochs to be a whole number ≥ 0, found -1/,
  );
  await assert.rejects(fit({ ...base, epochs: 1, readEvery: 0 }), /readEvery .* found 0/);
  await assert.rejects(
    fit({ ...base, epochs: 1, step: () => ({ loss: tensor([1, 2]) }) }),
    /expected step to return the batch's loss as one number, found shape \[2\]/,
  );
  await assert.rejects(
    fit({ ...base, epochs: 2, earlyStopping: { metric: "accuracy", patience: 1 } }),
    /early stopping watches "accuracy", which the epoch logs lack/,
  );
});

Deno.test("fit: Ctrl-C and SIGTERM stop after the current batch, and say where", async () => {
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/train.ts`;
    // Four batches an epoch, step by step; or one, with the epochs run many at once.
    await Deno.writeTextFile(
      script,
      `import { fit, tensor } from "${mod}";
const atOnce = Deno.args[0] === "at-once";
let n = 0;
const work = () => {
  if (n++ === 5) console.log("started");
  const until = performance.now() + 2; while (performance.now() < until); // 2 ms of "work"
};
const result = await fit({
  epochs: 1000,
  batches: () => atOnce ? [0] : [0, 1, 2, 3],
  batchesPerEpoch: atOnce ? 1 : 4,
  progress: false,
  step: () => {
    work();
    return { loss: tensor(1) };
  },
  epochsAtOnce: atOnce ? (_, count) => Array.from({ length: count }, () => (work(), 1)) : undefined,
});
console.log(JSON.stringify({ ...result.stopped, epochsDone: result.losses.length, steps: n }));
`,
    );
    for (const [signal, way] of [["SIGINT", ""], ["SIGTERM", ""], ["SIGINT", "at-once"]] as const) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--allow-read", script, way],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = child.stdout.getReader();
      let out = "";
      while (!out.includes("started")) {
        const { value, done } = await reader.read();
        if (done) break;
        out += new TextDecoder().decode(value);
      }
      child.kill(signal);
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        out += new TextDecoder().decode(r.value);
      }
      const status = await child.status;
      await child.stderr.cancel();
      assert.equal(status.code, 0, out);
      const stopped = JSON.parse(out.trim().split("\n").at(-1)!);
      assert.equal(stopped.reason, "signal");
      assert.equal(stopped.signal, signal);
      // Every finished epoch was read; the interrupted one stopped after a whole batch.
      if (way === "at-once") {
        // A run's epochs are all whole: it stops before the next epoch's first batch.
        assert.deepEqual([stopped.steps, stopped.epoch, stopped.batch], [
          stopped.epochsDone,
          stopped.epochsDone,
          0,
        ], out);
      } else {
        assert.equal(stopped.steps, stopped.epochsDone * 4 + stopped.batch, out);
        assert.ok(stopped.batch >= 1 && stopped.batch <= 4, out);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit: a scheduler steps after each epoch, as PyTorch's do", async () => {
  const w = tensor([0], { requiresGrad: true });
  const opt = new optim.SGD([w], { lr: 1 });
  const scheduler = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
  const rates: number[] = [];
  await fit({
    epochs: 3,
    batches: () => [0, 1],
    step: () => {
      rates.push(opt.lr);
      return { loss: tensor(1) };
    },
    scheduler,
    progress: false,
  });
  assert.deepEqual(rates, [1, 1, 0.5, 0.5, 0.25, 0.25]);
});

/** A loop of one batch an epoch whose steps return `loss`, with `epochsAtOnce` and more options. */
function fullBatch(
  epochs: number,
  epochsAtOnce: (epoch: number, count: number) => number[] | undefined,
  more: Partial<Parameters<typeof fit<number>>[0]> = {},
) {
  return fit({
    epochs,
    batches: () => [0],
    batchesPerEpoch: 1,
    progress: false,
    step: () => ({ loss: tensor(2) }),
    epochsAtOnce,
    ...more,
  });
}

Deno.test("fit: epochsAtOnce runs the epochs nothing watches, in runs; declining hands back to step", async () => {
  const runs: [number, number][] = [];
  let steps = 0;
  // Losses 0, 1, 2, … until epoch 60, then it declines.
  const result = await fullBatch(100, (epoch, count) => {
    if (epoch >= 60) return undefined;
    runs.push([epoch, count]);
    return Array.from({ length: Math.min(count, 60 - epoch) }, (_, k) => epoch + k);
  }, {
    step: (_, epoch) => {
      steps++;
      return { loss: tensor(1000 + epoch) };
    },
  });
  const expected = Array.from({ length: 100 }, (_, e) => e < 60 ? e : 1000 + e);
  assert.deepEqual(result.losses, expected);
  assert.deepEqual(result.logs.map((l) => l.epoch), expected.map((_, e) => e));
  assert.ok(result.logs.every((l) => l.samples === 1 && l.seconds >= 0));
  assert.equal(steps, 40);
  // Each run starts where the last one ended, the first 16 epochs long.
  assert.deepEqual(runs[0], [0, 16]);
  for (let r = 1; r < runs.length; r++) {
    assert.equal(runs[r][0], Math.min(runs[r - 1][0] + runs[r - 1][1], 60));
  }

  // Watched epochs (onEpochEnd) are stepped one by one; so are several batches an epoch.
  for (const watch of [{ onEpochEnd: () => {} }, { batchesPerEpoch: 2 }]) {
    let asked = 0;
    const watched = await fullBatch(5, () => (asked++, [1]), watch);
    assert.equal(asked, 0);
    assert.deepEqual(watched.losses, [2, 2, 2, 2, 2]);
  }

  // A run must return the losses of 1 to `count` epochs.
  for (const extra of [-16, 1]) {
    await assert.rejects(
      fullBatch(50, (_, count) => Array(count + extra).fill(0.5)),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message.includes(`1 to 16 epochs from epoch 0, found ${16 + extra}`),
    );
  }

  // A non-finite loss in a run is an error naming its epoch.
  await assert.rejects(
    fullBatch(
      50,
      (epoch, count) => Array.from({ length: count }, (_, k) => epoch + k === 21 ? NaN : 0.5),
    ),
    (error: unknown) => error instanceof NonFiniteLossError && error.epoch === 21,
  );
});
