/**
 * Least privilege: run without permissions, each exercise script stops at
 * once with Deno's own permission error naming what it needs (and exits with
 * code 1, in one line), before reading data or training; run with only the
 * narrow permissions proposed for the README, it does its work. Needs
 * --allow-run.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../assert.ts";
import { FIXTURES, snapshot } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `script` with exactly `flags` (and --no-prompt: nothing may ask), env `env` only. */
async function run(flags: string[], script: string, args: string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--quiet", ...flags, `scripts/${script}`, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("permissions: without any, each script names the permission it needs, in one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nn_permissions_" });
  try {
    const env = { NN_DATA_DIR: FIXTURES, NN_CACHE_DIR: `${dir}/cache` };
    const out = `${dir}/out`;
    const cases: [string, string[], RegExp][] = [
      // Part4-1 writes nothing: it first needs to find its data (in the download cache).
      [
        "part4_1.ts",
        [],
        /^error: Requires env access to "HOME" \(to find the download cache, or set NN_CACHE_DIR\), run again with the --allow-env flag$/,
      ],
      // The others check their output folder before anything else.
      [
        "part4_2.ts",
        ["--out", out],
        /^error: Requires write access to ".*\/out" \(the --out folder\), run again with the --allow-write flag$/,
      ],
      [
        "part4_2_torch.ts",
        ["--out", out],
        /^error: Requires write access to ".*\/out" .*--allow-write flag$/,
      ],
      [
        "part4_3_show.ts",
        ["--out", out],
        /^error: Requires write access to ".*\/out" .*--allow-write flag$/,
      ],
      [
        "part4_3.ts",
        ["--out", out],
        /^error: Requires write access to ".*\/out" .*--allow-write flag$/,
      ],
    ];
    const results = await Promise.all(cases.map(([script, args]) => run([], script, args, env)));
    results.forEach((result, i) => {
      const [script, , expected] = cases[i];
      assertEquals(result.code, 1, `${script}: ${result.stderr}`);
      assert(expected.test(result.stderr.trim()), `${script}: ${result.stderr}`);
      assertEquals(result.stdout, "", `${script} did nothing before failing`);
    });
    assertEquals(await snapshot(dir), {}, "nothing was written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("permissions: with read and write but no network, the download names the host it needs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nn_permissions_" });
  try {
    const flags = [`--allow-read=${dir}`, `--allow-write=${dir}`, "--allow-env"];
    const env = { NN_CACHE_DIR: `${dir}/cache` }; // no mirror folder: it must download
    const [chips, mnist] = await Promise.all([
      run(flags, "part4_2.ts", ["--epochs", "10", "--out", `${dir}/out`], env),
      run(flags, "part4_3_show.ts", ["--out", `${dir}/out3`], env),
    ]);
    // Part4-2 falls back to the synthetic rings, as offline, and says which flag would download.
    assertEquals(chips.code, 0, chips.stderr);
    assert(
      chips.stderr.includes(
        'Requires net access to "raw.githubusercontent.com:443", run again with the --allow-net flag',
      ) && chips.stderr.includes("synthetic two-ring data set"),
      chips.stderr,
    );
    // Part4-3 has no stand-in for MNIST: it stops, naming the host.
    assertEquals(mnist.code, 1, mnist.stderr);
    assert(
      /^error: Requires net access to "ossci-datasets\.s3\.amazonaws\.com:443"/.test(mnist.stderr),
      mnist.stderr,
    );
    assertEquals(Object.keys(await snapshot(`${dir}/out3`).catch(() => ({}))), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("permissions: the narrow flags proposed for the README are enough", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nn_permissions_" });
  try {
    const cache = `${dir}/cache`, out = `${dir}/out`;
    const env = { NN_DATA_DIR: FIXTURES, NN_CACHE_DIR: cache };
    const vars = "--allow-env=NN_DATA_DIR,NN_CACHE_DIR,XDG_CACHE_HOME,HOME,NN_DEBUG";
    const chips = "--allow-net=raw.githubusercontent.com";
    const images = "--allow-net=ossci-datasets.s3.amazonaws.com,storage.googleapis.com";
    // A save renames a temporary file into place: Deno wants read and write for that.
    const read = `--allow-read=${FIXTURES},${cache},${out},${out}3`;
    const write = `--allow-write=${out},${out}2,${out}3,${cache}`;
    // The image sets from the shipped slices, named as a user names a folder of theirs.
    const part43Args = [
      ...["--dataset", "fashion-mnist", "--data", `${FIXTURES}fashion-mnist`],
      ...["--recipe", "fast", "--epochs", "1"],
    ];
    const [part41, part42, show, part43] = await Promise.all([
      run(
        [`--allow-read=${ROOT}data,${FIXTURES},${cache}`, `--allow-write=${cache}`, chips, vars],
        "part4_1.ts",
        [],
        env,
      ),
      run([read, write, chips, vars], "part4_2.ts", ["--epochs", "20", "--out", out], env),
      run([read, write, images, vars], "part4_3_show.ts", [
        ...["--split", "test", "--data", `${FIXTURES}mnist`],
        ...["--out", out],
      ], env),
      run([read, write, images, vars], "part4_3.ts", [
        ...part43Args,
        "--train-size",
        "500",
        "--out",
        `${out}3`,
      ], env),
    ]);
    for (const result of [part41, part42, show, part43]) {
      assertEquals(result.code, 0, result.stderr);
    }
    assert(part43.stdout.includes("Test Accuracy: "), part43.stdout);
    assert(part41.stdout.includes("Final Accuracy: 83.90%"), part41.stdout);
    assert(part42.stdout.includes("Final Accuracy: "), part42.stdout);
    assert(show.stdout.includes("Magic number: 2051"), show.stdout);
    // Write access alone is not enough to save: the script says so before it trains.
    const writeOnly = await run(
      [`--allow-read=${FIXTURES},${cache}`, write, chips, vars],
      "part4_2.ts",
      ["--out", `${out}2`],
      env,
    );
    assertEquals(writeOnly.code, 1, writeOnly.stderr);
    assert(
      writeOnly.stderr.startsWith(`error: Requires read access to "${out}2" (the --out folder)`),
      writeOnly.stderr,
    );
    assertEquals(writeOnly.stdout, "", "it stopped before the data and the training");
    assertEquals(
      Object.keys(await snapshot(out)),
      ["decision_boundary.svg", "loss.svg", "metrics.json", "mnist_test_first5.svg", "model.json"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
