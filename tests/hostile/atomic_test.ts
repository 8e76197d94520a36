/**
 * Saves are atomic: a child process saves a model (model.json and
 * model.safetensors), metrics, a plot and a binary file in a loop, and is killed (SIGKILL,
 * no chance to clean up) at a random moment, again and again. After every
 * kill each file is whole: the previous version or the new one, never a torn
 * mix, never missing. Needs --allow-run.
 */

import { loadModelJson, loadSafetensors } from "../../mod.ts";
import { Rng } from "../fuzz/mutate.ts";
import { assert, assertEquals } from "../assert.ts";
import { SIZES, value } from "./save_loop.ts";

const SCRIPT = new URL("./save_loop.ts", import.meta.url).pathname;
const VALUES = [value(0), value(1)];

/** Which version (0 or 1) a list of numbers is, if all of them are one version's value. */
function versionOf(values: ArrayLike<number>, what: string): number {
  const v = VALUES.indexOf(values[0]);
  assert(v >= 0, `${what}: ${values[0]} is neither version's value`);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[0]) throw new Error(`${what} is torn at element ${i}`);
  }
  return v;
}

/** Checks the five files in `dir`, each whole; returns how many were checked. */
async function checkWhole(dir: string): Promise<number> {
  const { w } = await loadSafetensors(`${dir}/model.safetensors`);
  assertEquals(w.size, SIZES.weights, "model.safetensors");
  versionOf(w.dataSync(), "model.safetensors");

  const net = await loadModelJson(`${dir}/model.json`);
  assertEquals(net.sizes, [784, SIZES.hidden, 10], "model.json");
  for (const key of ["weights1", "bias1", "weights2", "bias2"] as const) {
    versionOf(net[key].dataSync(), `model.json ${key}`);
  }

  const metrics = JSON.parse(await Deno.readTextFile(`${dir}/metrics.json`));
  assertEquals(metrics.loss.length, SIZES.losses, "metrics.json");
  versionOf(metrics.loss, "metrics.json");

  const svg = await Deno.readTextFile(`${dir}/loss.svg`);
  assertEquals(svg.length, SIZES.svg + "</svg>\n".length, "loss.svg");
  assert(svg.endsWith("</svg>\n"), "loss.svg ends where an SVG ends");
  assert(VALUES.some((x) => svg.includes(`<!--${x}-->`)), "loss.svg is one version");

  const binary = await Deno.readFile(`${dir}/weights.bin`);
  assertEquals(binary.length, SIZES.binary, "weights.bin");
  assert(binary[0] === 0x41 || binary[0] === 0x42, "weights.bin is one version");
  assert(binary.every((b) => b === binary[0]), "weights.bin is not torn");
  return 5;
}

/** The temporary files in `dir` (a save cut short leaves one; it is never the file itself). */
async function temporaries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".tmp")) names.push(entry.name);
  }
  return names.sort();
}

/** Reads `stream` until `text` has appeared, then lets go of it. */
async function waitFor(stream: ReadableStream<Uint8Array>, text: string): Promise<void> {
  let seen = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    seen += decoder.decode(chunk, { stream: true });
    if (seen.includes(text)) return;
  }
  throw new Error(`the child ended without saying "${text}": ${seen}`);
}

/**
 * Starts the saving child in `dir`, kills it `delay` ms after its first round
 * of saves, and says whether the kill left a temporary file behind (it landed
 * in the middle of a write) and how many files were then checked whole.
 */
async function killMidSave(
  dir: string,
  delay: number,
): Promise<{ midWrite: boolean; checked: number }> {
  const before = await temporaries(dir);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--quiet", SCRIPT, dir],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    await waitFor(child.stdout, "ready");
    await new Promise((resolve) => setTimeout(resolve, delay));
  } finally {
    child.kill("SIGKILL");
  }
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL", await stderr);
  const after = await temporaries(dir);
  return { midWrite: after.some((name) => !before.includes(name)), checked: await checkWhole(dir) };
}

Deno.test("atomic saves: a process killed mid-save leaves every file whole, old or new", async () => {
  const root = await Deno.makeTempDir({ prefix: "nn_atomic_" });
  const rng = new Rng(20240611);
  let kills = 0, midWrite = 0, checked = 0;
  try {
    const dirs = ["a", "b", "c"].map((name) => `${root}/${name}`);
    for (const dir of dirs) await Deno.mkdir(dir);
    // Three children at a time, each killed at its own moment, until two kills
    // have landed in the middle of a write (at most three rounds).
    for (let round = 0; round < 3 && midWrite < 2; round++) {
      // All settled before any failure is reported, so no child outlives the test.
      const results = await Promise.allSettled(
        dirs.map((dir) => killMidSave(dir, 20 + rng.int(300))),
      );
      for (const result of results) {
        if (result.status === "rejected") throw result.reason;
        kills++;
        if (result.value.midWrite) midWrite++;
        checked += result.value.checked;
      }
    }
    assert(midWrite >= 1, `none of ${kills} kills landed in a write`);
    assertEquals(checked, 5 * kills, "every file of every kill was whole");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
