/**
 * The fused step of the book's sigmoid network (lib/models/fused_sigmoid_step.ts) against the
 * network's own methods run op by op (forward, loss, backward), and the cases it leaves to them.
 */

import assert from "node:assert/strict";
import * as nn from "../../mod.ts";
import {
  FUSED_FORWARD_WORK,
  FUSED_NARROW,
  FUSED_STEP_WORK,
  fusedSigmoidEpochs,
  fusedSigmoidForward,
  fusedSigmoidStep,
} from "../../lib/models/fused_sigmoid_step.ts";
import type { NeuralNetworkWeights } from "../../lib/models/two_layer.ts";
import { assertClose } from "../assert.ts";
import { setWasmEnabled, wasmRuntime } from "../../lib/tensor/cpu/wasm/runtime.ts";
import { EX2DATA2_TEXT } from "../datasets.ts";

const KEYS = ["weights1", "bias1", "weights2", "bias2"] as const;

/** The book's data: z-scored x1, x2 and the accepted labels. */
function microchips(dtype: "float32" | "float64") {
  const table = nn.parseCsv(EX2DATA2_TEXT, { names: ["x1", "x2", "accepted"] });
  const { X } = nn.standardize(table.toTensor(["x1", "x2"], { dtype }), { ddof: 1 });
  return { X, y: table.toTensor(["accepted"], { dtype }) };
}

/** Weights of unit scale (not the book's 0.01), so that every term of the gradient matters. */
function weights(sizes: [number, number, number], dtype: "float32" | "float64", seed: number) {
  const g = new nn.Generator(seed);
  const [i, h, o] = sizes;
  const draw = (shape: number[]) => nn.randn(shape, { generator: g, dtype });
  return {
    weights1: draw([i, h]),
    bias1: draw([1, h]),
    weights2: draw([h, o]),
    bias2: draw([1, o]),
  };
}

/** One step op by op, through the network's methods: the loss, activations and new weights. */
function opByOp(w: NeuralNetworkWeights, X: nn.Tensor, y: nn.Tensor, lr: number) {
  const net = nn.NeuralNetwork.fromWeights(w);
  const a2 = net.forward(X);
  const loss = net.loss(y, a2).item();
  const a1 = net.a1!;
  net.backward(X, y, lr);
  return { loss, a1, a2, weights: net.weights() };
}

/** Three steps each way from the same weights, compared at every step. */
function compareSteps(
  w: NeuralNetworkWeights,
  X: nn.Tensor,
  y: nn.Tensor,
  lr: number,
  rtol: number,
  atol: number,
) {
  let [fusedWeights, opWeights] = [w, w];
  for (let step = 0; step < 3; step++) {
    const fused = fusedSigmoidStep(fusedWeights, X, y, lr);
    assert.ok(fused !== undefined, "the fused step should take this case");
    const ops = opByOp(opWeights, X, y, lr);
    assertClose([fused.loss.item()], [ops.loss], rtol, atol, `step ${step} loss`);
    assertClose(fused.a1.dataSync(), ops.a1.dataSync(), rtol, atol, `step ${step} a1`);
    assertClose(fused.a2.dataSync(), ops.a2.dataSync(), rtol, atol, `step ${step} a2`);
    for (const key of KEYS) {
      assert.deepEqual(fused.weights[key].shape, ops.weights[key].shape, key);
      assert.equal(fused.weights[key].dtype, ops.weights[key].dtype, key);
      const [got, want] = [fused.weights[key].dataSync(), ops.weights[key].dataSync()];
      assertClose(got, want, rtol, atol, `step ${step} ${key}`);
      // The step moved the weight: a fused step that forgot an update would fail here.
      assert.ok(want.some((v, i) => v !== fusedWeights[key].dataSync()[i]), `${key} moved`);
    }
    [fusedWeights, opWeights] = [fused.weights, ops.weights];
  }
}

Deno.test("fused step, float64, the microchip data: the methods' numbers to float rounding", () => {
  const { X, y } = microchips("float64");
  compareSteps(weights([2, 10, 1], "float64", 1), X, y, 0.5, 1e-12, 1e-15);
});

Deno.test("fused step, float64, several outputs and soft labels: every index of W2 and y", () => {
  const g = new nn.Generator(7);
  const X = nn.randn([13, 3], { generator: g, dtype: "float64" });
  const y = nn.rand([13, 2], { generator: g, dtype: "float64" }); // labels in (0, 1)
  compareSteps(weights([3, 4, 2], "float64", 2), X, y, 0.3, 1e-12, 1e-15);
});

Deno.test("fused step, float32: the methods' numbers to float32 rounding", () => {
  const { X, y } = microchips("float32");
  compareSteps(weights([2, 10, 1], "float32", 3), X, y, 0.5, 1e-5, 1e-6);
});

Deno.test("fused step: the hand-computed 1-1-1 case", () => {
  const t = (v: number) => nn.tensor([[v]], { dtype: "float64" });
  // z1 = 2·1 + 0 → a1 = σ(2); z2 = a1·(-1) + 0.5 → a2; y = 0.
  const step = fusedSigmoidStep(
    { weights1: t(1), bias1: t(0), weights2: t(-1), bias2: t(0.5) },
    t(2),
    t(0),
    0.1,
  )!;
  const a1 = 1 / (1 + Math.exp(-2)), a2 = 1 / (1 + Math.exp(-(-a1 + 0.5)));
  const dz2 = a2, dz1 = dz2 * -1 * (a1 * (1 - a1));
  assertClose([step.loss.item()], [-Math.log(1 - a2)], 1e-15);
  assertClose([step.weights.bias2.item()], [0.5 - 0.1 * dz2], 1e-15);
  assertClose([step.weights.weights2.item()], [-1 - 0.1 * a1 * dz2], 1e-15);
  assertClose([step.weights.bias1.item()], [-0.1 * dz1], 1e-15);
  assertClose([step.weights.weights1.item()], [1 - 0.1 * 2 * dz1], 1e-15);
});

Deno.test("fused step: the cases it leaves to the ops", () => {
  const { X, y } = microchips("float64");
  const w = weights([2, 10, 1], "float64", 4);
  assert.ok(fusedSigmoidStep(w, X, y, 0.5) !== undefined);
  // Mixed dtypes (the ops promote), a weight that records gradients, shapes that do not fit.
  assert.equal(fusedSigmoidStep(w, X.astype("float32"), y, 0.5), undefined);
  assert.equal(fusedSigmoidStep({ ...w, bias2: w.bias2.astype("float32") }, X, y, 0.5), undefined);
  assert.equal(fusedSigmoidStep(w, X.astype("int32"), y.astype("int32"), 0.5), undefined);
  const tracked = w.weights1.detach();
  tracked.requiresGrad = true;
  assert.equal(fusedSigmoidStep({ ...w, weights1: tracked }, X, y, 0.5), undefined);
  assert.equal(fusedSigmoidStep(w, X.reshape([59, 4]), y, 0.5), undefined);
  assert.equal(fusedSigmoidStep(w, X, y.reshape([59, 2]), 0.5), undefined);
  // More work than FUSED_STEP_WORK in a wide network: the ops' products are faster there.
  const wide = weights([16, 4, 1], "float64", 4);
  const rows = Math.floor(FUSED_STEP_WORK / (16 * 4 + 4 * 1)) + 1;
  const big = nn.zeros([rows, 16], { dtype: "float64" }),
    labels = nn.zeros([rows, 1], { dtype: "float64" });
  assert.equal(fusedSigmoidStep(wide, big, labels, 0.5), undefined);
  assert.ok(fusedSigmoidStep(wide, big.slice(0, rows - 1), labels.slice(0, rows - 1), 0.5));
  // A narrow one (inputs + outputs ≤ FUSED_NARROW) stays fused past it where the kernels run,
  // and only there: not with them off, nor in float32 (the TypeScript loop).
  assert.ok(2 + 1 <= FUSED_NARROW);
  const many = Math.floor(FUSED_STEP_WORK / (2 * 10 + 10 * 1)) + 1;
  const [X2, y2] = [
    nn.zeros([many, 2], { dtype: "float64" }),
    nn.zeros([many, 1], { dtype: "float64" }),
  ];
  assert.ok(fusedSigmoidStep(w, X2, y2, 0.5) !== undefined);
  assert.equal(fusedSigmoidStep(w, X2, y2, 0.5, FUSED_STEP_WORK), undefined); // a limit given holds
  setWasmEnabled(false);
  try {
    assert.equal(fusedSigmoidStep(w, X2, y2, 0.5), undefined);
  } finally {
    setWasmEnabled(true);
  }
  const w32 = weights([2, 10, 1], "float32", 4);
  assert.equal(fusedSigmoidStep(w32, X2.astype("float32"), y2.astype("float32"), 0.5), undefined);
  assert.ok(fusedSigmoidStep(w32, X.astype("float32"), y.astype("float32"), 0.5) !== undefined);
});

Deno.test("NeuralNetwork.step: fused for the book's own methods, op by op for a subclass's", () => {
  const { X, y } = microchips("float64");
  let forwards = 0;
  class Counted extends nn.NeuralNetwork {
    override forward(X: nn.Tensor): nn.Tensor {
      forwards++;
      return super.forward(X);
    }
  }
  const w = weights([2, 10, 1], "float64", 5);
  const book = nn.NeuralNetwork.fromWeights(w), counted = Counted.fromWeights(w);
  const [bookLoss, countedLoss] = [book.step(X, y, 0.5).item(), counted.step(X, y, 0.5).item()];
  assert.equal(forwards, 1); // the subclass's forward ran: no fused step for it
  const fused = fusedSigmoidStep(w, X, y, 0.5)!;
  assert.equal(bookLoss, fused.loss.item()); // the book's class took the fused step, bit for bit
  assert.deepEqual(book.a1!.dataSync(), fused.a1.dataSync());
  for (const key of KEYS) assert.deepEqual(book[key].dataSync(), fused.weights[key].dataSync());
  assertClose([countedLoss], [bookLoss], 1e-12);
  // The weights before the step are left as they were (the old tensors stay usable).
  assert.deepEqual(w.weights1.dataSync(), weights([2, 10, 1], "float64", 5).weights1.dataSync());
});

Deno.test("fused forward: predictProba's numbers, and the ops past the limit", () => {
  const g = new nn.Generator(11);
  const w = weights([3, 5, 2], "float64", 6);
  const byOps = (X: nn.Tensor) =>
    X.matmul(w.weights1).add(w.bias1).sigmoid().matmul(w.weights2).add(w.bias2).sigmoid();
  const X = nn.randn([1000, 3], { generator: g, dtype: "float64" });
  const fused = fusedSigmoidForward(w, X);
  assert.ok(fused !== undefined && fused.dtype === "float64");
  assert.deepEqual(fused.shape, [1000, 2]);
  assertClose(fused.dataSync(), byOps(X).dataSync(), 1e-13, 1e-16, "a2");
  const net = nn.NeuralNetwork.fromWeights(w);
  assert.deepEqual(net.predictProba(X).dataSync(), fused.dataSync()); // predictProba takes it
  // Past FUSED_FORWARD_WORK a wide network's forward pass runs as the ops, with the same numbers.
  const wide = weights([8, 5, 2], "float64", 6);
  const wideNet = nn.NeuralNetwork.fromWeights(wide);
  const big = nn.randn([Math.ceil(FUSED_FORWARD_WORK / (8 * 5 + 5 * 2)) + 1, 8], {
    generator: g,
    dtype: "float64",
  });
  assert.ok(8 + 2 > FUSED_NARROW);
  assert.equal(fusedSigmoidForward(wide, big), undefined);
  assertClose(
    wideNet.predictProba(big).dataSync(),
    big.matmul(wide.weights1).add(wide.bias1).sigmoid().matmul(wide.weights2).add(wide.bias2)
      .sigmoid().dataSync(),
    1e-13,
    1e-16,
  );
  // A narrow one (3 + 2 ≤ FUSED_NARROW) stays fused past it, where the kernels run.
  assert.ok(3 + 2 <= FUSED_NARROW);
  const many = nn.randn([Math.ceil(FUSED_FORWARD_WORK / (3 * 5 + 5 * 2)) + 1, 3], {
    generator: g,
    dtype: "float64",
  });
  assertClose(fusedSigmoidForward(w, many)!.dataSync(), byOps(many).dataSync(), 1e-13, 1e-16);
  assert.equal(fusedSigmoidForward(w, X.astype("float32")), undefined); // mixed dtypes
  assert.equal(fusedSigmoidForward(w, X.reshape([1500, 2])), undefined); // wrong width
});

Deno.test("fused passes: the WebAssembly kernels and the TypeScript loop agree, exactly where σ saturates", () => {
  const g = new nn.Generator(12);
  const cases = [
    { ...microchips("float64"), w: weights([2, 10, 1], "float64", 8) },
    {
      X: nn.randn([13, 3], { generator: g, dtype: "float64" }),
      y: nn.rand([13, 2], { generator: g, dtype: "float64" }),
      w: weights([3, 4, 2], "float64", 9),
    },
  ];
  // Saturated: weights so large that σ gives exactly 0 and 1, where a 0/1 label's one-logarithm
  // term must still be NaN or infinite as the formula's two logarithms make it.
  const big = weights([2, 10, 1], "float64", 10);
  cases.push({
    ...microchips("float64"),
    w: {
      weights1: big.weights1.mul(1000),
      bias1: big.bias1,
      weights2: big.weights2.mul(1000),
      bias2: big.bias2,
    },
  });
  // One row each whose output saturates to exactly 0 (label 0) or 1 (label 1): 0·ln 0 is NaN.
  const one = (v: number) => nn.tensor([[v]], { dtype: "float64" });
  for (const [label, w2] of [[0, -1000], [1, 1000]]) {
    cases.push({
      X: one(50),
      y: one(label),
      w: { weights1: one(1), bias1: one(0), weights2: one(w2), bias2: one(0) },
    });
  }
  const run = (wasm: boolean) => {
    setWasmEnabled(wasm);
    try {
      return cases.map(({ X, y, w }) => {
        let [weights, losses] = [w, [] as number[]];
        for (let i = 0; i < 3; i++) {
          const step = fusedSigmoidStep(weights, X, y, 0.5)!;
          losses.push(step.loss.item(), ...step.a1.dataSync(), ...step.a2.dataSync());
          weights = step.weights;
        }
        const values = KEYS.flatMap((key) => [...weights[key].dataSync()]);
        return [...losses, ...values, ...fusedSigmoidForward(weights, X)!.dataSync()];
      });
    } finally {
      setWasmEnabled(true);
    }
  };
  const [kernel, loop] = [run(true), run(false)];
  assert.ok(!Number.isFinite(loop[2][0]), "the saturated case's first loss is not finite");
  assert.ok(Number.isNaN(loop[3][0]) && Number.isNaN(loop[4][0]), "0·ln 0 gives NaN");
  assert.ok(wasmRuntime() !== null, "the kernels run here");
  // The kernels' sigmoid has an exponential of its own (within 2 ulp, see
  // sigmoid_kernel_test.ts), the loop calls Math.exp: three steps on, they differ in the last
  // few bits. Non-finite values, zeros and ones (a saturated σ) are the same.
  for (let c = 0; c < cases.length; c++) {
    assert.equal(kernel[c].length, loop[c].length);
    let differ = 0;
    kernel[c].forEach((v, i) => {
      const w = loop[c][i];
      const where = `case ${c} value ${i}: ${v} against ${w}`;
      if (!Number.isFinite(w) || w === 0 || w === 1) assert.ok(Object.is(v, w), where);
      else assert.ok(Math.abs(v - w) <= 1e-13 * Math.abs(w), where);
      if (!Object.is(v, w)) differ++;
    });
    if (c === 0) assert.ok(differ > 0, "the kernels ran: their σ is not Math.exp's, bit for bit");
  }
});

Deno.test("step: each step disposes the activations its network's last step made, and no others", () => {
  const { X, y } = microchips("float64");
  for (const fused of [true, false]) {
    // A subclass with its own forward steps op by op.
    class OpByOp extends nn.NeuralNetwork {
      override forward(X: nn.Tensor): nn.Tensor {
        return super.forward(X);
      }
    }
    const w = weights([2, 10, 1], "float64", 13);
    const [net, other] = fused
      ? [nn.NeuralNetwork.fromWeights(w), nn.NeuralNetwork.fromWeights(w)]
      : [OpByOp.fromWeights(w), OpByOp.fromWeights(w)];
    net.step(X, y, 0.5);
    other.step(X, y, 0.5);
    const [first1, first2, others1] = [net.a1!, net.a2!, other.a1!];
    net.step(X, y, 0.5);
    assert.ok(first1.isDisposed && first2.isDisposed, `${fused}: the last step's are disposed`);
    assert.ok(!net.a1!.isDisposed && !net.a2!.isDisposed, `${fused}: this step's are kept`);
    assert.ok(!others1.isDisposed, `${fused}: another network's are its own`);
    // Activations set by hand (a forward pass) are not the step's to dispose.
    const mine = net.forward(X);
    net.step(X, y, 0.5);
    assert.ok(!mine.isDisposed, `${fused}: a forward pass's a2 is left alone`);
  }
});

Deno.test("fused epochs: the bits of as many fused steps one at a time, kernels or loop, float64 or float32", () => {
  const g = new nn.Generator(14);
  for (const dtype of ["float64", "float32"] as const) {
    const fresh = [() => weights([2, 10, 1], dtype, 15), () => weights([3, 4, 2], dtype, 16)];
    const cases = [
      { ...microchips(dtype), w: fresh[0]() },
      {
        X: nn.randn([9, 3], { generator: g, dtype }),
        y: nn.rand([9, 2], { generator: g, dtype }),
        w: fresh[1](),
      },
    ];
    for (const wasm of [true, false]) {
      setWasmEnabled(wasm);
      try {
        for (const [c, { X, y, w }] of cases.entries()) {
          const where = `${dtype}, kernels ${wasm}, case ${c}`;
          // lr 0.3, not a power of two: the update's rounding depends on its order.
          let stepped = w, last = fusedSigmoidStep(w, X, y, 0.3)!;
          const losses: number[] = [];
          for (let e = 0; e < 7; e++) {
            last = fusedSigmoidStep(stepped, X, y, 0.3)!;
            losses.push(last.loss.item());
            stepped = last.weights;
          }
          const seven = fusedSigmoidEpochs(w, X, y, 0.3, 7)!;
          assert.deepEqual(seven.losses, losses, where);
          for (const key of KEYS) {
            assert.deepEqual(seven.weights[key].dataSync(), stepped[key].dataSync(), where);
          }
          assert.deepEqual(seven.a1.dataSync(), last.a1.dataSync(), where);
          assert.deepEqual(seven.a2.dataSync(), last.a2.dataSync(), where);
          assert.deepEqual(seven.a2.shape, last.a2.shape, where);
          // The weights before the epochs are left as they were.
          for (const key of KEYS) assert.deepEqual(w[key].dataSync(), fresh[c]()[key].dataSync());
        }
      } finally {
        setWasmEnabled(true);
      }
    }
  }
});

Deno.test("fused epochs: stop after the first epoch whose loss is not finite", () => {
  // A 0/1 label on an output saturated to exactly that value: 0·ln 0 makes the loss NaN.
  const one = (v: number) => nn.tensor([[v]], { dtype: "float64" });
  const w = { weights1: one(1), bias1: one(0), weights2: one(1000), bias2: one(0) };
  for (const wasm of [true, false]) {
    setWasmEnabled(wasm);
    try {
      const run = fusedSigmoidEpochs(w, one(50), one(1), 0.5, 5)!;
      assert.equal(run.losses.length, 1, `kernels ${wasm}`);
      assert.ok(Number.isNaN(run.losses[0]));
      // That epoch's update is made, as a step makes it.
      const step = fusedSigmoidStep(w, one(50), one(1), 0.5)!;
      for (const key of KEYS) {
        assert.deepEqual(run.weights[key].dataSync(), step.weights[key].dataSync());
      }
    } finally {
      setWasmEnabled(true);
    }
  }
  // The cases a step leaves to the ops are left by the epochs too.
  const w32 = weights([2, 3, 1], "float32", 17);
  const X = nn.randn([4, 2], { dtype: "float64" }), y = nn.zeros([4, 1], { dtype: "float64" });
  assert.equal(fusedSigmoidEpochs(w32, X, y, 0.5, 3), undefined); // mixed dtypes
  assert.equal(fusedSigmoidEpochs(weights([2, 3, 1], "float64", 17), X, y, 0.5, 3, 10), undefined);
  // Fewer than one epoch would leave the activations unwritten: an error, not garbage.
  for (const epochs of [0, -1, 1.5, NaN]) {
    assert.throws(
      () => fusedSigmoidEpochs(weights([2, 3, 1], "float64", 17), X, y, 0.5, epochs),
      (e: unknown) => e instanceof RangeError && e.message.includes(`found ${epochs}`),
    );
  }
});

Deno.test("NeuralNetwork.train: unwatched epochs run at once, with the bits of epoch by epoch", async () => {
  const { X, y } = microchips("float64");
  const w = weights([2, 10, 1], "float64", 18);
  let runs = 0;
  class Runs extends nn.NeuralNetwork {
    protected override fusedEpochs(X: nn.Tensor, y: nn.Tensor, lr: number, epochs: number) {
      runs++;
      return super.fusedEpochs(X, y, lr, epochs);
    }
  }
  const atOnce = Runs.fromWeights(w);
  const watched = Runs.fromWeights(w);
  const seen: number[] = [];
  const fast = await atOnce.train(X, y, { epochs: 300, lr: 0.5 });
  assert.ok(runs >= 1 && runs < 300, `300 epochs in ${runs} runs`);
  runs = 0;
  const slow = await watched.train(X, y, { epochs: 300, lr: 0.5, onEpoch: (_, l) => seen.push(l) });
  assert.equal(runs, 0);
  assert.deepEqual(fast, slow);
  assert.deepEqual(seen, slow);
  assert.equal(fast.length, 300);
  for (const key of KEYS) assert.deepEqual(atOnce[key].dataSync(), watched[key].dataSync());
  assert.deepEqual(atOnce.a1!.dataSync(), watched.a1!.dataSync());
  assert.deepEqual(atOnce.a2!.dataSync(), watched.a2!.dataSync());
  // A subclass with its own step has it called each epoch.
  let steps = 0;
  class Counted extends nn.NeuralNetwork {
    override step(X: nn.Tensor, y: nn.Tensor, lr: number): nn.Tensor {
      steps++;
      return super.step(X, y, lr);
    }
  }
  const counted = await Counted.fromWeights(w).train(X, y, { epochs: 20, lr: 0.5 });
  assert.equal(steps, 20);
  assert.deepEqual(counted, slow.slice(0, 20));
});
