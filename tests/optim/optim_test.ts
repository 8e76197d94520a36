/**
 * SGD and Adam against torch.optim 1.13: the Part4-2 network trained for 3
 * steps by each optimiser (plain, momentum with dampening, Nesterov with
 * weight decay, Adam with and without weight decay), the loss before each step
 * and every parameter after it, in float64 and float32. Then what the
 * fixtures cannot show: parameters without a gradient, the update in place,
 * option errors. Fixture: tests/fixtures/optim/make_torch_optim.py.
 */

import * as nn from "../../mod.ts";
import { part4_2Model } from "../nn/part4_2_model.ts";
import { assert, assertClose, assertEquals, assertThrows } from "../assert.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/optim/torch_optim.json", import.meta.url)),
);

const model = (dtype: nn.DType) => part4_2Model(fixture.weights, dtype);

interface Trajectory {
  losses: number[];
  params: Record<string, nn.NestedArray>[];
}
interface Case {
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad";
  options: Record<string, unknown>;
  float64: Trajectory;
  float32: Trajectory;
}

/** PyTorch's option names (snake_case) as ours (camelCase): weight_decay → weightDecay. */
function camelCase(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [k.replace(/_(\w)/g, (_, c) => c.toUpperCase()), v]),
  );
}

/** The optimiser of a case, with PyTorch's options turned into ours. */
function optimizer(c: Case, params: nn.Tensor[]): nn.optim.Optimizer {
  const Class = nn.optim[c.optimizer] as unknown as new (
    params: nn.Tensor[],
    options: Record<string, unknown>,
  ) => nn.optim.Optimizer;
  return new Class(params, camelCase(c.options));
}

for (const [name, c] of Object.entries<Case>(fixture.cases)) {
  for (const [dtype, rtol, atol] of [["float64", 1e-11, 1e-14], ["float32", 1e-4, 1e-6]] as const) {
    Deno.test(`${name} (${dtype}): 3 steps equal torch.optim.${c.optimizer}'s`, () => {
      const expected = c[dtype];
      const m = model(dtype);
      const opt = optimizer(c, m.parameters());
      const x = nn.tensor(fixture.X, { dtype });
      const y = nn.tensor(fixture.y, { dtype });
      const first = m.parameters()[0];
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        const loss = new nn.BCELoss().forward(m.forward(x), y);
        loss.backward();
        opt.step();
        assertClose([loss.item()], [expected.losses[step]], rtol, atol, `loss ${step}`);
        const state = m.stateDict();
        for (const [key, values] of Object.entries(expected.params[step])) {
          assertClose(
            state[key].dataSync(),
            (values as number[]).flat(Infinity) as number[],
            rtol,
            atol,
            `step ${step} ${key}`,
          );
          assertEquals(state[key].dtype, dtype);
        }
      }
      assert(m.parameters()[0] === first, "the model keeps its parameter objects");
    });
  }
}

interface ScheduleCase {
  optimizer: "SGD" | "Adam";
  options: Record<string, unknown>;
  scheduler: "StepLR" | "ExponentialLR" | "CosineAnnealingLR" | "LinearLR" | "OneCycleLR";
  schedulerOptions: Record<string, unknown>;
  rates: number[];
  momenta: number[];
}

for (const [name, c] of Object.entries<ScheduleCase>(fixture.schedulers)) {
  Deno.test(`${name}: ${c.scheduler} sets torch.optim.lr_scheduler's rates, step by step`, () => {
    const p = nn.tensor([0], { dtype: "float64", requiresGrad: true });
    const opt = optimizer({ ...c, float32: null!, float64: null! } as Case, [p]) as
      & nn.optim.Optimizer
      & { momentum?: number; betas?: readonly number[] };
    const Scheduler = nn.optim[c.scheduler] as unknown as new (
      o: nn.optim.Optimizer,
      options: Record<string, unknown>,
    ) => nn.optim.LRScheduler;
    const options = camelCase(c.schedulerOptions);
    // PyTorch's T_max is tMax here.
    if ("TMax" in options) [options.tMax, options.TMax] = [options.TMax, undefined];
    delete options.TMax;
    const scheduler = new Scheduler(opt, options);
    for (let step = 0; step < c.rates.length; step++) {
      if (step > 0) {
        p.grad = nn.tensor([0], { dtype: "float64" });
        opt.step();
        scheduler.step();
      }
      assertClose([opt.lr], [c.rates[step]], 1e-12, 1e-16, `step ${step} rate`);
      assertClose([scheduler.getLastLr()], [c.rates[step]], 1e-12, 1e-16);
      const momentum = opt.betas?.[0] ?? opt.momentum ?? 0;
      assertClose([momentum], [c.momenta[step]], 1e-12, 1e-16, `step ${step} momentum`);
    }
  });
}

Deno.test("an unknown or PyTorch-spelt option is an error naming it, also without types", () => {
  const w = nn.tensor([1], { requiresGrad: true });
  const untyped = (options: Record<string, unknown>) => options as never;
  assertThrows(
    () => new nn.optim.SGD([w], untyped({ lr: 0.1, weight_decay: 0.01 })),
    TypeError,
    'SGD: unknown option "weight_decay" (did you mean "weightDecay"?); the options are lr, ' +
      "momentum, dampening, nesterov, weightDecay",
  );
  assertThrows(
    () => new nn.optim.Adam([w], untyped({ learningRate: 0.1 })),
    TypeError,
    'Adam: unknown option "learningRate"',
  );
  assertThrows(() => new nn.optim.AdamW([w], untyped({ amsGrad: true })), TypeError, '"amsgrad"');
  assertThrows(() => new nn.optim.RMSprop([w], untyped({ beta: 0.9 })), TypeError, "RMSprop");
  assertThrows(() => new nn.optim.Adagrad([w], untyped({ lr_decay: 0.1 })), TypeError, '"lrDecay"');
  assertThrows(
    () => new nn.optim.OneCycleLR(new nn.optim.Adagrad([w]), { maxLr: 1, totalSteps: 5 }),
    TypeError,
    "cycleMomentum needs an optimiser with momentum or betas, found Adagrad",
  );
  const sgd = new nn.optim.SGD([w], { lr: 1 });
  const cycle = new nn.optim.OneCycleLR(sgd, { maxLr: 1, totalSteps: 2 });
  cycle.step();
  cycle.step();
  assertThrows(() => cycle.step(), RangeError, "stepped 3 times, past totalSteps 2");
});

Deno.test("step() skips parameters without a gradient (or frozen) and updates in place", () => {
  const a = nn.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const b = nn.tensor([3], { dtype: "float64", requiresGrad: true });
  const frozen = new nn.Parameter(nn.tensor([5], { dtype: "float64" }), false);
  const snapshot = a.detach();
  for (
    const opt of [
      new nn.optim.SGD([a, b, frozen], { lr: 0.5, momentum: 0.9 }),
      new nn.optim.Adam([a, b, frozen]),
    ]
  ) {
    const bBefore = b.toArray();
    a.sum().backward(); // b gets no gradient
    opt.step();
    assertEquals(b.toArray(), bBefore);
    assertEquals(b.grad, null);
    opt.zeroGrad();
    assertEquals(a.grad, null);
  }
  // SGD moved a by lr·1, then Adam by about lr = 0.001; a detached copy kept the old values.
  assertClose(a.dataSync(), [0.499, 1.499], 1e-6);
  assertEquals(snapshot.toArray(), [1, 2]);
  assertEquals(frozen.toArray(), [5]);
});

Deno.test("SGD without momentum is the book's W -= lr·dW", () => {
  const w = nn.tensor([[0.5, -1]], { dtype: "float64", requiresGrad: true });
  const opt = new nn.optim.SGD([w], { lr: 0.25 });
  w.pow(2).sum().backward(); // dW = 2W
  opt.step();
  assertEquals(w.toArray(), [[0.25, -0.5]]);
  opt.lr = 0.5; // a schedule may change it
  opt.zeroGrad();
  w.pow(2).sum().backward();
  opt.step();
  assertEquals(w.toArray(), [[0, 0]]);
});

Deno.test("optimisers refuse bad options and bad parameter lists", () => {
  const w = nn.tensor([1], { requiresGrad: true });
  assertThrows(
    () => new nn.optim.SGD([w], {} as nn.optim.SGDOptions),
    TypeError,
    "learning rate lr",
  );
  assertThrows(
    () => new nn.optim.SGD([w], { lr: -1 }),
    RangeError,
    "SGD: expected lr >= 0, found -1",
  );
  assertThrows(
    () => new nn.optim.SGD([w], { lr: 0.1, nesterov: true }),
    RangeError,
    "Nesterov momentum needs momentum > 0 and dampening 0",
  );
  assertThrows(
    () => new nn.optim.SGD([w], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
    RangeError,
    "found momentum 0.9 and dampening 0.1",
  );
  assertThrows(() => new nn.optim.Adam([w], { betas: [0.9, 1] }), RangeError, "betas[1] in [0, 1)");
  assertThrows(() => new nn.optim.Adam([w], { eps: -1 }), RangeError, "eps >= 0");
  assertThrows(() => new nn.optim.Adam([w], { lr: "0.1" as unknown as number }), TypeError, "lr");
  assertThrows(() => new nn.optim.Adam([]), RangeError, "Adam: got an empty parameter list");
  assertThrows(() => new nn.optim.SGD([w, w], { lr: 1 }), RangeError, "more than once");
  assertThrows(
    () => new nn.optim.SGD([w.mul(2)], { lr: 1 }),
    TypeError,
    'parameter 0 must be a leaf tensor, found a tensor made by the op "mul"',
  );
});

Deno.test("Adam's one-pass step on the CPU gives the bits of the element-wise ops", () => {
  // 70,001 elements: more than one block of the WebAssembly kernel, and a tail
  // shorter than a vector. The reference is the textbook formula as tensor ops.
  for (const dtype of ["float32", "float64"] as const) {
    for (const weightDecay of [0, 0.01]) {
      const n = 70001;
      nn.manualSeed(3);
      const p = nn.randn([n], { dtype, requiresGrad: true });
      const opt = new nn.optim.Adam([p], { lr: 0.01, weightDecay });
      let [ref, m, v] = [p.detach(), nn.zeros([n], { dtype }), nn.zeros([n], { dtype })];
      for (let t = 1; t <= 3; t++) {
        const grad = nn.randn([n], { dtype }).mul(t);
        p.grad = grad;
        opt.step();
        const g = weightDecay === 0 ? grad : grad.add(ref.mul(weightDecay));
        m = m.mul(0.9).add(g.mul(1 - 0.9));
        v = v.mul(0.999).add(g.mul(1 - 0.999).mul(g));
        const denom = v.sqrt().div(Math.sqrt(1 - 0.999 ** t)).add(1e-8);
        ref = ref.add(m.mul(-0.01 / (1 - 0.9 ** t)).div(denom));
        const [got, want] = [p.dataSync(), ref.dataSync()];
        const differ = got.findIndex((x, i) => !Object.is(x, want[i]));
        assertEquals(differ, -1, `${dtype}, weight decay ${weightDecay}, step ${t}`);
      }
    }
  }
});
