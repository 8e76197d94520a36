/// <reference lib="dom" />
/**
 * The playground page's script: Part4-2 trained live, the activation chart
 * with leaky ReLU's slope on a slider, and Part4-3's digit model reading a
 * drawing. Everything numeric is the module's (`../mod.ts`, which the build
 * turns into `./nn.js`): the network and its training loop, the z-score, the
 * CSV parser, the data set manifest, the SVG plots and the safetensors reader.
 *
 * Opened as `?autostart=1&epochs=N&seed=S` (also `lr`, `hidden`, `data`) it
 * trains Part4-2 without a click and, when done, sets `data-state="done"`,
 * `data-accuracy` and `data-loss` on `#playground`; `?model=URL` loads another
 * digit model file (an error is shown on the panel if it does not load).
 *
 * @module
 */

import * as nn from "../mod.ts";

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`playground: no element #${id} in index.html`);
  return element as T;
};

const params = new URLSearchParams(location.search);
const root = $("playground");

// ---------------------------------------------------------------------------------------------
// Where the numbers are computed

/** Chooses the backend (WebGPU on a hardware adapter, else the CPU) and says what runs. */
async function describeRuntime(): Promise<void> {
  try {
    await nn.setBackend("auto");
  } catch {
    await nn.setBackend("cpu");
  }
  const isolated = globalThis.crossOriginIsolated === true;
  const hasGpu = "gpu" in navigator;
  const cpu = isolated
    ? `WebAssembly SIMD kernels, shared with up to ${navigator.hardwareConcurrency} threads ` +
      "(the page is cross-origin isolated)"
    : "TypeScript kernels on one thread (the page is not cross-origin isolated, so no " +
      "SharedArrayBuffer for the WebAssembly kernels)";
  const gpu = nn.getBackend() === "webgpu"
    ? "Backend: WebGPU (a hardware adapter)."
    : hasGpu
    ? "Backend: CPU (this browser's WebGPU adapter is missing or a software one, slower than the CPU)."
    : "Backend: CPU (no WebGPU in this browser).";
  $("runtime").textContent = `${gpu} CPU kernels: ${cpu}.`;
  root.dataset.backend = nn.getBackend();
  root.dataset.isolated = String(isolated);
}

// ---------------------------------------------------------------------------------------------
// Part4-2: data

type DataName = "ex2data2" | "rings" | "xor" | "moons";

interface Data {
  X: nn.Tensor;
  y: nn.Tensor;
  /** Axis labels and class names for the plot. */
  xLabel: string;
  yLabel: string;
  classNames: [string, string];
}

const DTYPE = "float32";

/** ex2data2 from the server, checked against the manifest's SHA-256, parsed and z-scored as the book does. */
async function microchips(): Promise<Data> {
  const entry = nn.datasetManifest.ex2data2;
  const response = await fetch("data/ex2data2.txt");
  if (!response.ok) throw new Error(`data/ex2data2.txt: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  if (sha !== entry.sha256) {
    throw new Error(`data/ex2data2.txt: expected SHA-256 ${entry.sha256}, found ${sha}`);
  }
  const names = entry.names!;
  const table = nn.parseCsv(new TextDecoder().decode(bytes), {
    names,
    finite: true,
    source: "data/ex2data2.txt",
  });
  return {
    X: nn.standardize(table.toTensor(names.slice(0, 2), { dtype: DTYPE }), { ddof: 1 }).X,
    y: table.toTensor(names.slice(2), { dtype: DTYPE }),
    xLabel: "Microchip Test 1 (z-score)",
    yLabel: "Microchip Test 2 (z-score)",
    classNames: ["Not accepted", "Accepted"],
  };
}

/** `n` points drawn by `point` from a seeded generator, z-scored like the microchips. */
function generated(
  n: number,
  point: (g: nn.Generator, i: number) => [number, number, number],
  classNames: [string, string],
): Data {
  const g = new nn.Generator(0);
  const X: number[][] = [], y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, label] = point(g, i);
    X.push([a, b]);
    y.push([label]);
  }
  return {
    X: nn.standardize(nn.tensor(X, { dtype: DTYPE }), { ddof: 1 }).X,
    y: nn.tensor(y, { dtype: DTYPE }),
    xLabel: "x1 (z-score)",
    yLabel: "x2 (z-score)",
    classNames,
  };
}

async function loadData(name: DataName): Promise<Data> {
  switch (name) {
    case "ex2data2":
      return await microchips();
    case "rings": {
      const { X, y } = nn.datasets.rings({ seed: 0, dtype: DTYPE });
      return {
        X: nn.standardize(X, { ddof: 1 }).X,
        y,
        xLabel: "x1 (z-score)",
        yLabel: "x2 (z-score)",
        classNames: ["Outer ring", "Inner ring"],
      };
    }
    case "xor":
      // Four blobs at (±1, ±1): class 1 where the signs agree. No line separates them.
      return generated(160, (g, i) => {
        const sx = i % 2 === 0 ? 1 : -1, sy = i % 4 < 2 ? 1 : -1;
        return [sx + 0.35 * g.standardNormal(), sy + 0.35 * g.standardNormal(), sx === sy ? 1 : 0];
      }, ["Signs differ", "Signs agree"]);
    case "moons":
      // Two interleaved half circles (scikit-learn's make_moons), noise 0.1.
      return generated(160, (g, i) => {
        const upper = i % 2 === 0, t = Math.PI * g.random();
        const [a, b] = upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
        return [a + 0.1 * g.standardNormal(), b + 0.1 * g.standardNormal(), upper ? 0 : 1];
      }, ["Upper moon", "Lower moon"]);
  }
}

// ---------------------------------------------------------------------------------------------
// Part4-2: training

const controls = {
  data: $<HTMLSelectElement>("data"),
  lr: $<HTMLInputElement>("lr"),
  hidden: $<HTMLInputElement>("hidden"),
  epochs: $<HTMLInputElement>("epochs"),
  seed: $<HTMLInputElement>("seed"),
};
const buttons = {
  start: $<HTMLButtonElement>("start"),
  pause: $<HTMLButtonElement>("pause"),
  step: $<HTMLButtonElement>("step"),
  reset: $<HTMLButtonElement>("reset"),
};
const progress = $("progress");

/** Epochs per call of the module's training loop; the page redraws between calls. */
const CHUNK = 25;
/** Epochs the Step button runs. */
const STEP = 50;
/** Redraw at most this often while training (the boundary is a 120×120 grid through the model). */
const REDRAW_MS = 250;

interface Run {
  net: nn.NeuralNetwork;
  data: Data;
  losses: number[];
  /** Bumped by Reset, so a loop from before a reset stops instead of training the new net. */
  generation: number;
}

let run: Run | null = null;
let generation = 0;
let running = false;
let busy = false;

function number(input: HTMLInputElement, what: string, integer: boolean): number {
  const value = Number(input.value);
  if (input.value === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `${what}: expected ${integer ? "a whole number" : "a number"}, found "${input.value}"`,
    );
  }
  return value;
}

function showError(element: HTMLElement, error: unknown): void {
  element.textContent = error instanceof Error ? error.message : String(error);
  element.classList.add("error");
}

/** A fresh network and data from the controls (the seed fixes the initial weights). */
async function reset(): Promise<void> {
  generation++;
  running = false;
  root.dataset.state = "loading";
  progress.classList.remove("error");
  try {
    const hidden = number(controls.hidden, "Hidden units", true);
    const seed = number(controls.seed, "Seed", true);
    const data = await loadData(controls.data.value as DataName);
    nn.manualSeed(seed);
    const net = new nn.NeuralNetwork(2, hidden, 1, { dtype: DTYPE });
    run = { net, data, losses: [], generation };
    root.dataset.state = "ready";
    await draw();
    report();
  } catch (error) {
    run = null;
    root.dataset.state = "error";
    showError(progress, error);
  }
  updateButtons();
}

/**
 * Trains `epochs` more epochs through the module's loop, `CHUNK` at a time,
 * redrawing now and then; `pausable` (Start, not Step): Pause stops it after a chunk.
 */
async function train(epochs: number, pausable: boolean): Promise<void> {
  if (run === null || busy) return;
  const mine = run, target = mine.losses.length + epochs;
  busy = true;
  root.dataset.state = "training";
  updateButtons();
  progress.classList.remove("error");
  let drawn = performance.now();
  try {
    while (mine.losses.length < target && mine.generation === generation) {
      const lr = number(controls.lr, "Learning rate", false);
      await mine.net.train(mine.data.X, mine.data.y, {
        epochs: Math.min(CHUNK, target - mine.losses.length),
        lr,
        onEpoch: (_epoch, loss) => mine.losses.push(loss),
      });
      if (performance.now() - drawn > REDRAW_MS) {
        await draw();
        report();
        drawn = performance.now();
      }
      // Let the page handle clicks and paint between chunks.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (pausable && !running) break;
    }
  } catch (error) {
    busy = false;
    running = false;
    root.dataset.state = "error";
    showError(progress, error);
    updateButtons();
    return;
  }
  busy = false;
  if (mine.generation !== generation) return;
  await draw();
  const accuracy = await report();
  const total = number(controls.epochs, "Epochs", true);
  if (mine.losses.length >= total) {
    running = false;
    root.dataset.accuracy = String(accuracy);
    root.dataset.loss = String(mine.losses[mine.losses.length - 1]);
    root.dataset.epochs = String(mine.losses.length);
    root.dataset.state = "done";
  } else {
    root.dataset.state = running ? "training" : "paused";
  }
  updateButtons();
}

/** The share of points the network classifies right (output ≥ 0.5 is class 1). */
async function accuracyOf(r: Run): Promise<number> {
  const predicted = await r.net.predict(r.data.X).data();
  const labels = await r.data.y.data();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

async function report(): Promise<number> {
  if (run === null) return NaN;
  const accuracy = await accuracyOf(run);
  const epochs = run.losses.length, loss = run.losses[epochs - 1];
  progress.textContent = epochs === 0
    ? `Epoch 0: accuracy ${(accuracy * 100).toFixed(2)}% before training.`
    : `Epoch ${epochs}: loss ${loss.toFixed(6)}, accuracy ${(accuracy * 100).toFixed(2)}%.`;
  return accuracy;
}

async function draw(): Promise<void> {
  if (run === null) return;
  const { net, data, losses } = run;
  const boundary = await nn.decisionBoundary((grid) => net.predictProba(grid), data.X, data.y, {
    title: "Decision boundary",
    xLabel: data.xLabel,
    yLabel: data.yLabel,
    classNames: data.classNames,
    resolution: 120,
    dtype: DTYPE,
    width: 560,
    height: 440,
  });
  $("boundary").innerHTML = boundary.svg;
  $("loss").innerHTML = losses.length === 0
    ? `<p class="note">The loss curve appears once training starts.</p>`
    : nn.linePlot({ y: losses, label: "training loss" }, {
      title: "Training loss",
      xLabel: "Epoch",
      yLabel: "Binary cross-entropy",
      width: 560,
      height: 440,
    }).svg;
}

function updateButtons(): void {
  const ready = run !== null;
  buttons.start.disabled = !ready || running;
  buttons.pause.disabled = !running;
  buttons.step.disabled = !ready || busy;
}

async function start(): Promise<void> {
  if (run === null || running) return;
  const total = number(controls.epochs, "Epochs", true);
  if (run.losses.length >= total) await reset();
  running = true;
  updateButtons();
  await train(total - run!.losses.length, true);
}

// ---------------------------------------------------------------------------------------------
// The activation chart

/** Wide screens get the derivatives beside the functions; a phone, the functions alone, readable. */
const wide = matchMedia("(min-width: 700px)");

function drawActivations(): void {
  const slope = Number($<HTMLInputElement>("slope").value);
  $("slope-value").textContent = slope.toFixed(2);
  $("activation-chart").innerHTML = nn.activationChart({
    derivatives: wide.matches,
    leakySlope: slope,
  }).svg;
}

// ---------------------------------------------------------------------------------------------
// Part4-3: the digit

const canvas = $<HTMLCanvasElement>("digit-canvas");
const pen = canvas.getContext("2d", { willReadFrequently: true })!;
const digitPanel = $("part4-3");
const prediction = $("prediction");
let digits: nn.SoftmaxNetwork | null = null;

function clearCanvas(): void {
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, 28, 28);
  digitPanel.dataset.prediction = "";
  for (const li of $("bars").children) {
    (li as HTMLElement).classList.remove("best");
    (li.querySelector(".fill") as HTMLElement).style.width = "0";
    (li.querySelector(".value") as HTMLElement).textContent = "";
  }
  if (digits !== null) prediction.textContent = "Draw a digit.";
}

function makeBars(): void {
  const bars = $("bars");
  for (let d = 0; d < 10; d++) {
    const li = document.createElement("li");
    li.dataset.digit = String(d);
    li.innerHTML = `<span>${d}</span><span class="track"><span class="fill"></span></span>` +
      `<span class="value"></span>`;
    bars.append(li);
  }
}

/** The drawing as MNIST writes a digit: scaled into 20×20, centred by its centre of mass in 28×28. */
function mnistPixels(): Float32Array | null {
  const src = pen.getImageData(0, 0, 28, 28).data;
  let [x0, y0, x1, y1] = [28, 28, -1, -1];
  for (let i = 0; i < 784; i++) {
    if (src[4 * i] > 10) {
      const x = i % 28, y = Math.floor(i / 28);
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return null;
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1], scale = 20 / Math.max(w, h);
  const box = new OffscreenCanvas(28, 28), boxPen = box.getContext("2d")!;
  boxPen.drawImage(
    canvas,
    x0,
    y0,
    w,
    h,
    (28 - w * scale) / 2,
    (28 - h * scale) / 2,
    w * scale,
    h * scale,
  );
  const boxed = boxPen.getImageData(0, 0, 28, 28).data;
  let [mass, mx, my] = [0, 0, 0];
  for (let i = 0; i < 784; i++) {
    const v = boxed[4 * i];
    mass += v;
    mx += v * (i % 28);
    my += v * Math.floor(i / 28);
  }
  const centred = new OffscreenCanvas(28, 28), centredPen = centred.getContext("2d")!;
  centredPen.drawImage(box, Math.round(13.5 - mx / mass), Math.round(13.5 - my / mass));
  const pixels = centredPen.getImageData(0, 0, 28, 28).data;
  return Float32Array.from({ length: 784 }, (_, i) => pixels[4 * i] / 255);
}

async function predictDigit(): Promise<void> {
  if (digits === null) return;
  const pixels = mnistPixels();
  if (pixels === null) return clearCanvas();
  const probabilities = await digits.forward(
    nn.tensor(pixels, { dtype: "float32" }).reshape([1, 784]),
  ).data();
  let best = 0;
  for (let d = 1; d < 10; d++) if (probabilities[d] > probabilities[best]) best = d;
  [...$("bars").children].forEach((li, d) => {
    const p = probabilities[d];
    (li as HTMLElement).classList.toggle("best", d === best);
    (li.querySelector(".fill") as HTMLElement).style.width = `${(p * 100).toFixed(1)}%`;
    (li.querySelector(".value") as HTMLElement).textContent = `${(p * 100).toFixed(1)}%`;
  });
  prediction.textContent = `The network reads a ${best} (${
    (probabilities[best] * 100).toFixed(1)
  }%).`;
  digitPanel.dataset.prediction = String(best);
}

async function loadDigitModel(): Promise<void> {
  const url = params.get("model") ?? "digits.safetensors";
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
    const { tensors } = nn.decodeSafetensors(new Uint8Array(await response.arrayBuffer()), url);
    const { weights1, bias1, weights2, bias2 } = tensors;
    digits = nn.SoftmaxNetwork.fromWeights({ weights1, bias1, weights2, bias2 });
    if (digits.sizes.join() !== "784,128,10") {
      throw new Error(`${url}: expected a 784-128-10 network, found ${digits.sizes.join("-")}`);
    }
    digitPanel.dataset.state = "ready";
    prediction.textContent = "Draw a digit.";
  } catch (error) {
    digits = null;
    digitPanel.dataset.state = "error";
    showError(
      prediction,
      new Error(`The digit model could not be loaded: ${(error as Error).message}`),
    );
  }
}

function drawing(): void {
  let last: [number, number] | null = null;
  const at = (event: PointerEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [
      (event.clientX - rect.left) * 28 / rect.width,
      (event.clientY - rect.top) * 28 / rect.height,
    ];
  };
  const line = (to: [number, number]) => {
    pen.strokeStyle = "#fff";
    pen.lineWidth = 2.4;
    pen.lineCap = "round";
    pen.lineJoin = "round";
    pen.beginPath();
    pen.moveTo(...(last ?? to));
    pen.lineTo(...to);
    pen.stroke();
    last = to;
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = null;
    line(at(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (last !== null) line(at(event));
  });
  const end = () => {
    if (last === null) return;
    last = null;
    predictDigit();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

// ---------------------------------------------------------------------------------------------
// Wiring

async function main(): Promise<void> {
  for (const [key, input] of Object.entries(controls)) {
    const value = params.get(key);
    if (value !== null) input.value = value;
  }
  await describeRuntime();
  makeBars();
  clearCanvas();
  drawing();
  drawActivations();
  $("slope").addEventListener("input", drawActivations);
  wide.addEventListener("change", drawActivations);
  $("clear").addEventListener("click", clearCanvas);
  buttons.start.addEventListener("click", start);
  buttons.pause.addEventListener("click", () => {
    running = false;
    updateButtons();
  });
  buttons.step.addEventListener("click", () => train(STEP, false));
  buttons.reset.addEventListener("click", reset);
  for (const input of [controls.data, controls.hidden, controls.seed]) {
    input.addEventListener("change", reset);
  }
  await Promise.all([reset(), loadDigitModel()]);
  if (params.get("autostart") === "1") await start();
}

main().catch((error) => {
  root.dataset.state = "error";
  showError($("runtime"), error);
});
