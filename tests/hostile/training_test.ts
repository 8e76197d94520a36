/**
 * Training faults, as a reader meets them in the scripts: NaN or infinities
 * in the inputs are reported before training starts, with the line and
 * column; Ctrl-C during Part4-3's training stops after the current batch,
 * says where, and leaves the outputs as they were. Needs --allow-run.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../assert.ts";
import { FIXTURES, snapshot } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LINES = (await Deno.readTextFile(`${FIXTURES}/ex2data2.txt`)).trimEnd().split("\n");

/** A command that runs `script` from the repository as a reader would, with a private cache. */
function command(script: string, args: string[], dir: string, stdout: "piped" | "null" = "piped") {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `scripts/${script}`, ...args],
    env: { NO_COLOR: "1", NN_DATA_DIR: FIXTURES, NN_CACHE_DIR: `${dir}/cache` },
    clearEnv: true,
    cwd: ROOT,
    stdout,
    stderr: "piped",
  });
}

/** A folder with an output folder that already holds a previous run's files. */
async function withOutputs(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nn_training_" });
  try {
    await Deno.mkdir(`${dir}/out`);
    for (const name of ["model.json", "metrics.json", "loss.svg", "confusion.svg"]) {
      await Deno.writeTextFile(`${dir}/out/${name}`, `the previous run's ${name}\n`);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("training faults: NaN and inf in the inputs stop part4_2 before training, by line and column", async () => {
  await withOutputs(async (dir) => {
    const cases = [
      { script: "part4_2.ts", line: 7, text: "0.1,nan,1", where: 'line 7, column 2 ("x2")' },
      {
        script: "part4_2_torch.ts",
        line: 50,
        text: "-inf,0.2,0",
        where: 'line 50, column 1 ("x1")',
      },
    ];
    for (const { script, line, text, where } of cases) {
      const data = `${dir}/bad.csv`;
      await Deno.writeTextFile(data, LINES.map((l, i) => (i === line - 1 ? text : l)).join("\n"));
      const before = await snapshot(`${dir}/out`);
      const result = await command(script, ["--data", data, "--out", `${dir}/out`], dir).output();
      const stderr = new TextDecoder().decode(result.stderr);
      assertEquals(result.code, 1, stderr);
      assertEquals(stderr.trim().split("\n").length, 1, stderr);
      assert(stderr.startsWith(`error: ${data}, ${where}: expected a finite number`), stderr);
      assertEquals(
        new TextDecoder().decode(result.stdout),
        "",
        "nothing ran: no data line, no loss",
      );
      assertEquals(await snapshot(`${dir}/out`), before, "the outputs are as they were");
    }
  });
});

Deno.test("training faults: a column with one value stops part4_2 before training", async () => {
  await withOutputs(async (dir) => {
    const data = `${dir}/flat.csv`;
    await Deno.writeTextFile(data, LINES.map((l) => `1,${l.split(",").slice(1)}`).join("\n"));
    const result = await command("part4_2.ts", ["--data", data, "--out", `${dir}/out`], dir)
      .output();
    const stderr = new TextDecoder().decode(result.stderr);
    assertEquals(result.code, 1, stderr);
    assert(stderr.includes(`${data}: column 1 ("x1") has the same value in every row`), stderr);
  });
});

Deno.test("training faults: Ctrl-C in part4_3 stops after the batch, says where, saves nothing", async () => {
  await withOutputs(async (dir) => {
    const before = await snapshot(`${dir}/out`);
    const args = [
      "--dataset",
      "fashion-mnist",
      "--data",
      `${FIXTURES}fashion-mnist`,
      "--recipe",
      "fast",
      "--train-size",
      "1000",
      "--batch-size",
      "50",
      "--epochs",
      "100",
      "--out",
      `${dir}/out`,
    ];
    const child = command("part4_3.ts", args, dir).spawn();
    const stderr = new Response(child.stderr).text();
    // Once the first epoch is done, press Ctrl-C.
    let stdout = "";
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    while (!stdout.includes("Epoch 0,")) {
      const { done, value } = await reader.read();
      if (done) break;
      stdout += decoder.decode(value, { stream: true });
    }
    child.kill("SIGINT");
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      stdout += decoder.decode(r.value, { stream: true });
    }
    const status = await child.status;
    const text = await stderr;
    assertEquals(status.code, 130, `${stdout}\n${text}`);
    const stop = /Stopped by Ctrl-C in epoch (\d+) after batch (\d+) of 20; nothing was saved/
      .exec(text);
    assert(stop !== null, text);
    assert(Number(stop[1]) >= 1 && Number(stop[1]) < 100, `stopped in epoch ${stop[1]}`);
    assert(!stdout.includes("Test Accuracy"), "the run did not go on to the end");
    assertEquals(await snapshot(`${dir}/out`), before, "the outputs are as they were");
  });
});
