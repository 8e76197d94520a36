/**
 * A script's outputs as one set, end to end (lib/train/outputs.ts): a run that
 * cannot save its whole set leaves the last run's files as they were, and a
 * second run on the same --out while one trains is told who holds it.
 */

import assert from "node:assert/strict";
import { FIXTURES } from "../datasets.ts";
import { runScript } from "./run.ts";

const chips = `${FIXTURES}ex2data2.txt`;

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("outputs: a set that cannot be saved whole leaves the last run's files as they were", async () => {
  await inTempDir(async (dir) => {
    const env = { NN_CACHE_DIR: `${dir}/cache` };
    const args = (
      epochs: number,
    ) => ["--data", chips, "--epochs", `${epochs}`, "--out", `${dir}/out`];
    const first = await runScript("scripts/part4_2.ts", args(100), env);
    assert.equal(first.code, 0, first.stderr);
    const before = await Deno.readTextFile(`${dir}/out/model.json`);
    await Deno.remove(`${dir}/out/metrics.json`);
    await Deno.mkdir(`${dir}/out/metrics.json`);
    const second = await runScript("scripts/part4_2.ts", args(200), env);
    assert.equal(second.code, 1, second.stderr);
    assert.equal(
      second.stderr.trim(),
      `error: --out ${dir}/out: expected metrics.json to be a file or absent, found a folder there`,
    );
    assert.equal(await Deno.readTextFile(`${dir}/out/model.json`), before, "model.json kept");
    const names = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["decision_boundary.svg", "loss.svg", "metrics.json", "model.json"]);
  });
});

Deno.test("outputs: a second run on the same --out is told which process holds it", async () => {
  await inTempDir(async (dir) => {
    const out = `${dir}/out`;
    const first = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/part4_2.ts",
        "--data",
        chips,
        "--epochs",
        "100000",
        "--out",
        out,
      ],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { NO_COLOR: "1", NN_CACHE_DIR: `${dir}/cache` },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = first.stdout.getReader();
    let text = "";
    while (!text.includes("Data:")) text += new TextDecoder().decode((await reader.read()).value);
    try {
      const second = await runScript("scripts/part4_2.ts", ["--data", chips, "--out", out], {
        NN_CACHE_DIR: `${dir}/cache`,
      });
      assert.equal(second.code, 1, second.stderr);
      assert.equal(
        second.stderr.trim(),
        `error: --out ${out} is in use by process ${first.pid}, which is writing its outputs ` +
          "there; wait for it to finish, or choose another folder",
      );
    } finally {
      first.kill("SIGKILL");
      await first.status;
      reader.releaseLock();
      await first.stdout.cancel();
    }
  });
});
