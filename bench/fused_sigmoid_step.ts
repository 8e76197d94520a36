/**
 * Where the fused passes of the book's sigmoid network (lib/models/fused_sigmoid_step.ts) stop
 * paying: a step each way (fused, and the network's methods op by op) and a forward pass each way
 * (fused, and `predictProba`'s ops) on growing batches, in one process, best of several rounds
 * after a warm-up. Prints µs per call and the ratio; the limits `FUSED_STEP_WORK` and
 * `FUSED_FORWARD_WORK` sit about where the ratios reach 1 for wide networks, and `FUSED_NARROW`
 * says which networks are narrow enough to take the fused passes past them. Then Part4-2's 5000 steps from a cold
 * start, each in a fresh process, with the WebAssembly kernel and with the TypeScript loop, and
 * Part4-2's sigmoids in the kernel and in a JavaScript loop, and 5000 epochs of `net.train` warm
 * and from a fresh process, run at once and epoch by epoch.
 *
 *   deno run -A bench/fused_sigmoid_step.ts [rounds]
 */

import * as nn from "../mod.ts";
import {
  FUSED_FORWARD_WORK,
  FUSED_NARROW,
  FUSED_STEP_WORK,
  fusedSigmoidForward,
  fusedSigmoidStep,
} from "../lib/models/fused_sigmoid_step.ts";
import type { NeuralNetworkWeights } from "../lib/models/two_layer.ts";
import { describeBackend } from "../lib/tensor/select_backend.ts";
import {
  freeStart,
  reserve,
  setWasmEnabled,
  view,
  wasmRuntime,
} from "../lib/tensor/cpu/wasm/runtime.ts";

const rounds = Number(Deno.args[0] ?? 5);

// `cold wasm|loop`: 5000 Part4-2 steps from a fresh process, printed as milliseconds in all;
// `cold train once|each`: 5000 epochs of `net.train`, run at once (nothing watches the epochs)
// or epoch by epoch (an `onEpoch` that does nothing).
if (Deno.args[0] === "cold") {
  setWasmEnabled(Deno.args[1] !== "loop");
  const X = nn.tensor(coldInputs(), { shape: [118, 2], dtype: "float64" });
  const y = nn.tensor(coldInputs().subarray(0, 118).map((v) => v > 0 ? 1 : 0), {
    shape: [118, 1],
    dtype: "float64",
  });
  nn.manualSeed(0);
  const net = new nn.NeuralNetwork(2, 10, 1);
  let w = net.weights();
  const start = performance.now();
  if (Deno.args[1] === "train") {
    const onEpoch = Deno.args[2] === "each" ? () => {} : undefined;
    await net.train(X, y, { epochs: 5000, lr: 0.5, onEpoch });
  } else {
    for (let e = 0; e < 5000; e++) w = fusedSigmoidStep(w, X, y, 0.5)!.weights;
  }
  console.log((performance.now() - start).toFixed(1));
  Deno.exit(0);
}

/** 236 inputs in (-2, 2), the same in every process. */
function coldInputs(): Float64Array {
  return Float64Array.from({ length: 236 }, (_, i) => 2 * Math.sin(i * 1.7));
}

/** The cold runs: `times` processes each way, alternating; milliseconds for 5000 steps or epochs. */
async function coldRuns(times: number): Promise<Record<string, number[]>> {
  const ways: Record<string, string[]> = {
    wasm: ["wasm"],
    loop: ["loop"],
    "train, at once": ["train", "once"],
    "train, epoch by epoch": ["train", "each"],
  };
  const runs: Record<string, number[]> = {};
  for (let r = 0; r < times; r++) {
    for (const [way, args] of Object.entries(ways)) {
      const { stdout } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL(import.meta.url).pathname, "cold", ...args],
        stdout: "piped",
      }).output();
      (runs[way] ??= []).push(Number(new TextDecoder().decode(stdout)));
    }
  }
  return runs;
}

/** The network's own methods, op by op: its forward is a subclass's, so no fused step. */
class OpByOp extends nn.NeuralNetwork {
  override forward(X: nn.Tensor): nn.Tensor {
    return super.forward(X);
  }
}

/** Microseconds per step, best of `rounds` runs (after one to warm up) of `steps` steps. */
function time(step: () => void, steps: number): number {
  let best = Infinity;
  for (let r = 0; r <= rounds; r++) {
    const start = performance.now();
    for (let s = 0; s < steps; s++) step();
    if (r > 0) best = Math.min(best, (performance.now() - start) / steps * 1000);
  }
  return best;
}

console.log(`Deno ${Deno.version.deno}, ${describeBackend()}`);
console.log(
  `limits: FUSED_STEP_WORK = ${FUSED_STEP_WORK}, FUSED_FORWARD_WORK = ${FUSED_FORWARD_WORK} ` +
    `multiply-adds a forward pass (m·(in·h + h·out)), but none for in + out ≤ ${FUSED_NARROW}; ` +
    "µs, best of the rounds",
);
console.log(
  "sizes        rows     work   step: fused      ops  ops/fused   forward: fused      ops  ops/fused",
);
// Past a limit, only networks no wider than FUSED_NARROW still run fused (float64, the kernels).
const mark = (work: number, limit: number, narrow: boolean) => work > limit && !narrow ? "*" : " ";
for (const [inputs, hidden] of [[2, 10], [2, 64], [4, 32], [8, 32], [16, 32]]) {
  for (const rows of [118, 512, 2048, 4096, 8192]) {
    const g = new nn.Generator(0);
    const X = nn.randn([rows, inputs], { generator: g, dtype: "float64" });
    const y = nn.rand([rows, 1], { generator: g, dtype: "float64" }).gt(0.5).astype("float64");
    nn.manualSeed(0);
    const start = new nn.NeuralNetwork(inputs, hidden, 1).weights();
    const work = rows * (inputs * hidden + hidden);
    const narrow = inputs + 1 <= FUSED_NARROW;
    const steps = Math.max(20, Math.round(4e6 / work));
    let fusedWeights: NeuralNetworkWeights = start;
    // Past the limits too (Infinity), to see where the ops overtake the fused passes.
    const fused = time(() => {
      fusedWeights = fusedSigmoidStep(fusedWeights, X, y, 0.5, Infinity)!.weights;
    }, steps);
    const net = OpByOp.fromWeights(start);
    const ops = time(() => net.step(X, y, 0.5), steps);
    const w = net.weights();
    const forward = time(() => fusedSigmoidForward(w, X, Infinity)!, steps);
    const forwardOps = time(
      () =>
        nn.tidy(() =>
          X.matmul(w.weights1).add(w.bias1).sigmoid().matmul(w.weights2).add(w.bias2).sigmoid()
        ),
      steps,
    );
    const cells = [fused, ops].map((v) => v.toFixed(1).padStart(9)).join("");
    const forwardCells = [forward, forwardOps].map((v) => v.toFixed(1).padStart(9)).join("");
    console.log(
      `${inputs}-${hidden}-1`.padEnd(10) + String(rows).padStart(6) + String(work).padStart(9) +
        "        " + cells + (ops / fused).toFixed(2).padStart(10) +
        mark(work, FUSED_STEP_WORK, narrow) + "           " + forwardCells +
        (forwardOps / forward).toFixed(2).padStart(10) + mark(work, FUSED_FORWARD_WORK, narrow),
    );
  }
}
console.log("(* past the limit: the ops run it)");

// Part4-2's 1,298 sigmoids an epoch (1,180 hidden, 118 out): the kernel's, and Math.exp's in a
// JavaScript loop, warm.
{
  const rt = wasmRuntime()!;
  const at = freeStart(rt);
  reserve(rt, at - rt.heap + 1298 * 8);
  const sigmoid = rt.functions.sigmoid_f64;
  const z = Float64Array.from({ length: 1298 }, (_, i) => 6 * Math.sin(i * 1.3));
  const inKernel = view(rt, "f64", at, z.length) as Float64Array, inLoop = new Float64Array(z);
  const kernel = time(() => {
    inKernel.set(z);
    sigmoid(z.length, at);
  }, 5000);
  const loop = time(() => {
    inLoop.set(z);
    for (let i = 0; i < inLoop.length; i++) inLoop[i] = 1 / (1 + Math.exp(-inLoop[i]));
  }, 5000);
  console.log(
    `Part4-2's 1,298 sigmoids, warm, µs (best of ${rounds}): the kernel ${kernel.toFixed(1)}, ` +
      `Math.exp in a loop ${loop.toFixed(1)}`,
  );
}

// Part4-2's training, warm: 5000 epochs of `net.train` run at once (nothing watches the epochs:
// `fusedSigmoidEpochs`) and epoch by epoch (an `onEpoch`: a fused step each).
{
  const X = nn.tensor(coldInputs(), { shape: [118, 2], dtype: "float64" });
  const y = nn.tensor(coldInputs().subarray(0, 118).map((v) => v > 0 ? 1 : 0), {
    shape: [118, 1],
    dtype: "float64",
  });
  const epochs = async (onEpoch?: () => void) => {
    let best = Infinity;
    for (let r = 0; r <= rounds; r++) {
      const net = new nn.NeuralNetwork(2, 10, 1);
      const start = performance.now();
      await net.train(X, y, { epochs: 5000, lr: 0.5, onEpoch });
      if (r > 0) best = Math.min(best, (performance.now() - start) / 5000 * 1000);
    }
    return best;
  };
  const [once, each] = [await epochs(), await epochs(() => {})];
  console.log(
    `Part4-2 epochs of net.train, warm, µs each (best of ${rounds} × 5000): at once ` +
      `${once.toFixed(1)}, epoch by epoch ${each.toFixed(1)}`,
  );
}

// From a cold start the loop's first calls are interpreted; the WebAssembly kernel's are not.
const cold = await coldRuns(rounds);
const range = (v: number[]) => `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}`;
console.log(
  `5000 Part4-2 steps from a fresh process, ms (${rounds} each, alternating): ` +
    `WebAssembly kernel ${range(cold.wasm)}, TypeScript loop ${range(cold.loop)}`,
);
console.log(
  `5000 epochs of net.train from a fresh process, ms: at once ` +
    `${range(cold["train, at once"])}, epoch by epoch ${range(cold["train, epoch by epoch"])}`,
);
