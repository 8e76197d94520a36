/**
 * Our CPU path beside NumPy and PyTorch, in the same run, with ratios:
 *
 *     deno run -A bench/side_by_side.ts                 # everything (about 5 minutes)
 *     deno run -A bench/side_by_side.ts matmul          # or: epochs, part4_2
 *
 * - matmul: GFLOP/s (2·m·n·k per product) at 128×784·784×128, 1024³ and
 *   60000×784·784×128 in float32 and float64: ours on all threads and on one, NumPy's `@`
 *   (OpenBLAS) on all threads and on one. The four take turns, product after product, so
 *   that a burst of load from elsewhere hits them alike; each figure is the best turn.
 * - epochs: seconds per epoch of Part4-3's two recipes on Fashion-MNIST: the book's
 *   (float64, full batch, lr 0.01) through `SoftmaxNetwork.train`, and the fast one (float32,
 *   He init, batches of 128 shuffled, Adam lr 1e-3) through `SoftmaxNetwork.forward` /
 *   `gradients` and `optim.Adam`, as scripts/part4_3.ts runs them; beside the same recipes in
 *   NumPy (bench/side_by_side_numpy.py) and PyTorch (bench/side_by_side_torch.py, run by
 *   /usr/bin/python3, which has torch 1.13). Each recipe of each side runs in a process of
 *   its own.
 * - part4_2: the whole of `deno run -A scripts/part4_2.ts` against the book's NumPy code
 *   (bench/part4_2_book.py), start-up included.
 *
 * Our machines are shared and have 2 cores, so every figure is the best of several runs;
 * the load average is printed with them. Set NN_THREADS to change our thread count and
 * NN_WASM=0 to time the TypeScript kernels instead.
 */

import { matmul } from "../lib/tensor/cpu/matmul.ts";
import { wasmMatmul } from "../lib/tensor/cpu/wasm/matmul.ts";
import { blasMatmul, productKernel } from "../lib/tensor/cpu/blas.ts";
import { setThreadLimit } from "../lib/tensor/cpu/wasm/pool.ts";
import { threadCount, wasmRuntime } from "../lib/tensor/cpu/wasm/runtime.ts";
import { Generator, manualSeed } from "../lib/tensor/random.ts";
import { type Tensor, tidy } from "../lib/tensor/tensor.ts";
import type { FloatArray } from "../lib/tensor/dtype.ts";
import { datasets } from "../lib/data/datasets.ts";
import { batches } from "../lib/data/batches.ts";
import { SoftmaxNetwork } from "../lib/models/softmax_network.ts";
import { Adam } from "../lib/optim/adam.ts";
import { matmulOperands } from "./operands.ts";

const root = new URL("../", import.meta.url);
const dataDir: string = Deno.env.get("NN_DATA_DIR") || missingDataDir();

function missingDataDir(): never {
  console.error(
    "bench/side_by_side.ts times the exercises on the full data sets: set NN_DATA_DIR to the " +
      "folder that holds ex2data2.txt and fashion-mnist/",
  );
  Deno.exit(2);
}
const sections = Deno.args.length > 0 ? Deno.args : ["matmul", "epochs", "part4_2"];

/**
 * The environment of the NumPy and PyTorch processes: ours without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE, which our machines set to force OpenBLAS onto its AVX2 kernels. NumPy
 * and PyTorch run the kernels a user's machine picks, and each prints the one it ran.
 * (Our own BLAS reads this process's environment: run the whole bench under
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` for ours on the same kernels.)
 */
const PYTHON_ENV = Object.fromEntries(
  Object.entries(Deno.env.toObject()).filter(([name]) =>
    name !== "OPENBLAS_CORETYPE" && name !== "OPENBLAS_L2_SIZE"
  ),
);

/** Runs a command; returns its stdout's last line parsed as JSON, or the reason it failed. */
async function json(command: string, args: string[], env?: Record<string, string>) {
  try {
    const { code, stdout, stderr } = await new Deno.Command(command, {
      args,
      env: command === Deno.execPath() ? env : { ...PYTHON_ENV, ...env },
      clearEnv: command !== Deno.execPath(),
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    if (code !== 0) return `${command} failed: ${text.decode(stderr).trim().split("\n").pop()}`;
    return JSON.parse(text.decode(stdout).trim().split("\n").pop()!);
  } catch (e) {
    return `${command} could not run: ${(e as Error).message}`;
  }
}

const fmt = (x: number | undefined, digits = 1, width = 8) =>
  (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits)).padStart(width);
const load = () => Deno.loadavg().map((x) => x.toFixed(1)).join(" ");

console.log(
  `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${navigator.hardwareConcurrency} CPUs, ` +
    `our threads: ${threadCount()}, WebAssembly kernels: ${wasmRuntime() ? "on" : "off"}; ` +
    `our products: ${productKernel()}`,
);
// The bench unsets these for the Python processes only; ours reads them when it loads OpenBLAS.
const held = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"].filter((v) => Deno.env.get(v) !== undefined);
if (held.length > 0 && !Deno.args.includes("--ours")) {
  console.log(
    `note: ${held.join(" and ")} set here hold our OpenBLAS to the kernels they name (a user's ` +
      `machine has neither): run as env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE deno run …`,
  );
}

// ---- matmul ---------------------------------------------------------------------------

const SHAPES = [[128, 784, 128], [1024, 1024, 1024], [60000, 784, 128]];
const DTYPES = ["float32", "float64"] as const;
/** Turns each side takes per product; each turn is the best of `runsFor` products. */
const TURNS = 4;
/** Runs per turn: about 1 GFLOP, at least 2, at most 30. */
const runsFor = (m: number, k: number, n: number) =>
  Math.min(30, Math.max(2, Math.ceil(1e9 / (2 * m * n * k))));

/** A NumPy process that times products on request (bench/side_by_side_numpy.py serve). */
class NumPy {
  #child: Deno.ChildProcess;
  #lines: AsyncIterator<string>;
  version = "";
  kernel = "";

  constructor(env?: Record<string, string>) {
    this.#child = new Deno.Command("python3", {
      args: ["bench/side_by_side_numpy.py", "serve"],
      env: { ...PYTHON_ENV, ...env },
      clearEnv: true,
      cwd: root.pathname,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#lines = this.#child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lines())[
      Symbol.asyncIterator
    ]();
  }

  /** The best time of `runs` products, in seconds. */
  async time(dtype: string, m: number, k: number, n: number, runs: number): Promise<number> {
    const writer = this.#child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify([dtype, m, k, n, runs]) + "\n"));
    writer.releaseLock();
    const { value, done } = await this.#lines.next();
    if (done) throw new Error("python3 bench/side_by_side_numpy.py serve stopped");
    const answer = JSON.parse(value);
    this.version = answer.numpy;
    this.kernel = answer.kernel;
    return answer.seconds;
  }

  async close(): Promise<void> {
    await this.#child.stdin.close();
    await this.#child.status;
  }
}

/** Splits a text stream into lines. */
function lines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const line of parts) controller.enqueue(line);
    },
  });
}

/** Our best time of `runs` products through the platform's BLAS, in seconds (NaN without one). */
function timeBlas(a: FloatArray, b: FloatArray, out: FloatArray, shape: number[], runs: number) {
  const [m, k, n] = shape;
  if (!blasMatmul(a, b, out, m, n, k, false, false)) return NaN;
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    blasMatmul(a, b, out, m, n, k, false, false);
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

/** Our best time of `runs` products on the WebAssembly kernels on at most `threads` threads, in seconds. */
function timeOurs(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  shape: number[],
  runs: number,
  threads: number,
) {
  const [m, k, n] = shape;
  setThreadLimit(threads);
  // Idle Workers close after 250 ms (NumPy's turn may be longer): wake them first.
  const warm = performance.now() + 50;
  do wasmMatmul(a, b, out, m, n, k, false, false); while (performance.now() < warm);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    if (!wasmMatmul(a, b, out, m, n, k, false, false)) matmul(a, b, out, m, n, k, false, false);
    best = Math.min(best, performance.now() - t0);
  }
  setThreadLimit(Infinity);
  return best / 1000;
}

async function matmulSection() {
  const one = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  let numpy: NumPy, numpy1: NumPy;
  try {
    numpy = new NumPy();
    numpy1 = new NumPy(one);
  } catch (e) {
    console.log(`NumPy: python3 could not run (${(e as Error).message})`);
    return;
  }
  console.log(
    `\nmatmul GFLOP/s, best of ${TURNS} turns each (ours and NumPy alternate); ` +
      `1T: one thread each`,
  );
  console.log(
    "shape".padEnd(20) + "dtype".padEnd(9) + "BLAS".padStart(8) + "Wasm".padStart(8) +
      "NumPy".padStart(8) + "BLAS/NumPy".padStart(11) + "Wasm/NumPy".padStart(11) +
      "Wasm 1T".padStart(9) + "NumPy 1T".padStart(9) + "Wasm/NumPy 1T".padStart(14),
  );
  for (const dtype of DTYPES) {
    const Type = dtype === "float32" ? Float32Array : Float64Array;
    for (const shape of SHAPES) {
      const [m, k, n] = shape;
      const { a, b, out } = matmulOperands(Type, m, k, n);
      const runs = runsFor(m, k, n);
      const best = {
        blas: Infinity,
        ours: Infinity,
        ours1: Infinity,
        numpy: Infinity,
        numpy1: Infinity,
      };
      timeOurs(a, b, out, shape, 1, Infinity); // warm-up: compiles, grows the memory, starts Workers
      for (let turn = 0; turn < TURNS; turn++) {
        best.blas = Math.min(best.blas, timeBlas(a, b, out, shape, runs));
        best.ours = Math.min(best.ours, timeOurs(a, b, out, shape, runs, Infinity));
        best.numpy = Math.min(best.numpy, await numpy.time(dtype, m, k, n, runs));
        best.ours1 = Math.min(best.ours1, timeOurs(a, b, out, shape, runs, 1));
        best.numpy1 = Math.min(best.numpy1, await numpy1.time(dtype, m, k, n, runs));
      }
      const g = (t: number) => 2 * m * n * k / t / 1e9;
      console.log(
        `${m}×${k}·${k}×${n}`.padEnd(20) + dtype.padEnd(9) + fmt(g(best.blas)) +
          fmt(g(best.ours)) + fmt(g(best.numpy)) + fmt(best.numpy / best.blas, 2, 11) +
          fmt(best.numpy / best.ours, 2, 11) + fmt(g(best.ours1), 1, 9) +
          fmt(g(best.numpy1), 1, 9) +
          fmt(best.numpy1 / best.ours1, 2, 14),
      );
    }
  }
  console.log(`NumPy ${numpy.version}, ${numpy.kernel}; load average now ${load()}`);
  await numpy.close();
  await numpy1.close();
}

// ---- Part4-3 epochs ----------------------------------------------------------------------

function stats(seconds: number[]): { best: number; median: number } {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

/**
 * The book's X (pixels / 255, float64) and one-hot y of the 60,000 training
 * images. Like the book's code, which keeps X and y and lets the bytes go,
 * the data set (47 MB of pixels) is not kept past here.
 */
async function bookData(): Promise<{ X: Tensor; y: Tensor }> {
  const train = await datasets.fashionMnist({
    split: "train",
    dtype: "float64",
    url: `${dataDir}/fashion-mnist`,
  });
  return {
    X: train.images(undefined, { dtype: "float64" }),
    y: train.oneHot(undefined, { dtype: "float64" }),
  };
}

async function ourBook(epochs: number): Promise<number[]> {
  const { X, y } = await bookData();
  manualSeed(0);
  const net = new SoftmaxNetwork(784, 128, 10, { dtype: "float64" });
  const seconds: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    await net.train(X, y, { epochs: 1, lr: 0.01, onEpoch: () => {} });
    seconds.push((performance.now() - t0) / 1000);
  }
  return seconds;
}

async function ourFast(epochs: number): Promise<number[]> {
  const train = await datasets.fashionMnist({
    split: "train",
    dtype: "float32",
    url: `${dataDir}/fashion-mnist`,
  });
  manualSeed(0);
  const net = new SoftmaxNetwork(784, 128, 10, { dtype: "float32", init: "he" });
  const keys = ["weights1", "bias1", "weights2", "bias2"] as const;
  const optimizer = new Adam(keys.map((key) => net[key]), { lr: 1e-3 });
  const generator = new Generator(0);
  const seconds: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    for (const { X, indices } of batches(train, { batchSize: 128, shuffle: true, generator })) {
      const y: Tensor = train.oneHot(indices, { dtype: "float32" });
      // In tidy, as scripts/part4_3.ts runs a step: its temporaries are reused by the next.
      tidy(() => {
        net.calculateLoss(y, net.forward(X));
        const g = net.gradients(X, y);
        for (const key of keys) net[key].grad = g[key];
        optimizer.step();
      });
    }
    seconds.push((performance.now() - t0) / 1000);
  }
  return seconds;
}

async function epochsSection() {
  const rows: [string, string, number[] | string][] = [];
  const kernels = new Set<string>();
  for (const [recipe, epochs] of [["book", 5], ["fast", 3]] as const) {
    // Each recipe in a fresh process, as NumPy's and PyTorch's run: one process that
    // ran the float64 recipe first runs the float32 one slower (V8's loops have
    // seen both array types, and the kernels' memory holds the float64 images).
    const ours = await json(Deno.execPath(), [
      "run",
      "-A",
      "bench/side_by_side.ts",
      "--ours",
      recipe,
      `${epochs}`,
    ]);
    rows.push([recipe, "ours", typeof ours === "string" ? ours : ours.result]);
    const numpy = await json("python3", [
      "bench/side_by_side_numpy.py",
      recipe,
      dataDir,
      `${epochs}`,
    ]);
    if (typeof numpy !== "string") kernels.add(`NumPy ${numpy.numpy}: ${numpy.kernel}`);
    rows.push([
      recipe,
      `NumPy ${numpy?.numpy ?? ""}`,
      typeof numpy === "string" ? numpy : numpy.result,
    ]);
    const torch = await json("/usr/bin/python3", [
      "bench/side_by_side_torch.py",
      recipe,
      dataDir,
      `${epochs}`,
    ]);
    if (typeof torch !== "string") kernels.add(`PyTorch ${torch.torch}: ${torch.kernel}`);
    rows.push([
      recipe,
      `PyTorch ${torch?.torch ?? ""}, ${torch?.threads ?? "?"} thread(s)`,
      typeof torch === "string" ? torch : torch.result,
    ]);
  }
  console.log(`\nPart4-3 on Fashion-MNIST, seconds per epoch; load ${load()}`);
  console.log(
    "recipe".padEnd(8) + "who".padEnd(34) + "best".padStart(8) + "median".padStart(8) +
      "best/ours".padStart(11),
  );
  const oursBest: Record<string, number> = {};
  for (const [recipe, who, seconds] of rows) {
    if (typeof seconds === "string") {
      console.log(recipe.padEnd(8) + who.padEnd(34) + `  ${seconds}`);
      continue;
    }
    const { best, median } = stats(seconds);
    if (who === "ours") oursBest[recipe] = best;
    console.log(
      recipe.padEnd(8) + who.padEnd(34) + fmt(best, 3) + fmt(median, 3) +
        fmt(best / oursBest[recipe], 2, 11),
    );
  }
  console.log(`ours: ${productKernel()}`);
  for (const kernel of kernels) console.log(kernel);
}

// ---- Part4-2, whole scripts --------------------------------------------------------------

async function wallClock(command: string, args: string[]): Promise<number | string> {
  const t0 = performance.now();
  const { code, stderr } = await new Deno.Command(command, {
    args,
    cwd: root.pathname,
    env: command === Deno.execPath()
      ? { NN_DATA_DIR: dataDir }
      : { ...PYTHON_ENV, NN_DATA_DIR: dataDir },
    clearEnv: command !== Deno.execPath(),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    return `${command} failed: ${new TextDecoder().decode(stderr).trim().split("\n").pop()}`;
  }
  return (performance.now() - t0) / 1000;
}

/**
 * The interpreter `python3` runs, as a path: a launcher in front of it (pyenv's
 * shim is a bash script) took 0.22 s of each whole-script run here, which a
 * user's `python3` does not pay.
 */
async function pythonExecutable(): Promise<string> {
  const { stdout } = await new Deno.Command("python3", {
    args: ["-c", "import sys; print(sys.executable)"],
    env: PYTHON_ENV,
    clearEnv: true,
  }).output();
  return new TextDecoder().decode(stdout).trim() || "python3";
}

async function part4_2Section() {
  const python = await pythonExecutable();
  const out = await Deno.makeTempDir();
  const runs = { ours: [] as number[], numpy: [] as number[] };
  try {
    // Seven turns each: a whole run is under half a second, and this machine's noise is larger.
    for (let r = 0; r < 7; r++) {
      const us = await wallClock(Deno.execPath(), [
        "run",
        "-A",
        "scripts/part4_2.ts",
        "--out",
        out,
      ]);
      const np = await wallClock(python, ["bench/part4_2_book.py", out]);
      if (typeof us === "string" || typeof np === "string") {
        console.log(`\nPart4-2: ${typeof us === "string" ? us : np}`);
        return;
      }
      runs.ours.push(us);
      runs.numpy.push(np);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  const ours = stats(runs.ours), numpy = stats(runs.numpy);
  console.log(`\nPart4-2 (118 samples, 5000 epochs), whole script, seconds; load ${load()}`);
  console.log("who".padEnd(42) + "best".padStart(8) + "median".padStart(8));
  console.log(
    "deno run -A scripts/part4_2.ts".padEnd(42) + fmt(ours.best, 2) + fmt(ours.median, 2),
  );
  console.log(
    "python3 bench/part4_2_book.py".padEnd(42) + fmt(numpy.best, 2) + fmt(numpy.median, 2),
  );
  console.log(`(python3: ${python}, run directly)`);
  console.log(`NumPy / ours (best): ${(numpy.best / ours.best).toFixed(2)}`);
}

// The epochs section's child process: one recipe of ours, timed alone.
if (Deno.args[0] === "--ours") {
  const [recipe, epochs] = [Deno.args[1], Number(Deno.args[2])];
  const result = recipe === "book" ? await ourBook(epochs) : await ourFast(epochs);
  console.log(JSON.stringify({ result }));
  Deno.exit(0);
}
if (sections.includes("matmul")) await matmulSection();
if (sections.includes("epochs")) await epochsSection();
if (sections.includes("part4_2")) await part4_2Section();
