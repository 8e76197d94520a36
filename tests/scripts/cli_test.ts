/**
 * The scripts' command line as a reader meets it (each script a separate
 * process): --help lists exactly the flags a script takes, a flag error is at
 * most three lines with exit code 2, an unknown flag names the nearest one,
 * Deno's own flags written after the script say where they go, and a
 * diverging run ends the same way in every script: exit code 1 and one line
 * naming the epoch and the loss.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES } from "../datasets.ts";
import { gzip, idx } from "../hostile/helpers.ts";
import { runScript } from "./run.ts";

/** The flags each script's --help lists, in its order. */
const FLAGS: Record<string, string[]> = {
  "part4_1.ts": ["data", "dtype", "backend", "model", "help"],
  "part4_2.ts": ["data", "out", "seed", "dtype", "backend", "epochs", "lr", "hidden", "help"],
  "part4_2_torch.ts": [
    "data",
    "out",
    "seed",
    "dtype",
    "backend",
    "epochs",
    "lr",
    "hidden",
    "lambda",
    "help",
  ],
  "part4_3.ts": [
    "data",
    "out",
    "seed",
    "dtype",
    "backend",
    "dataset",
    "recipe",
    "model",
    "epochs",
    "lr",
    "batch-size",
    "train-size",
    "help",
  ],
  "part4_3_show.ts": ["dataset", "split", "count", "out", "data", "help"],
  "tour.ts": ["help"],
};

Deno.test("cli: --help lists exactly the flags each script takes", async () => {
  for (const [script, flags] of Object.entries(FLAGS)) {
    const result = await runScript(`scripts/${script}`, ["--help"], {});
    assert.equal(result.code, 0, `${script}: ${result.stderr}`);
    assert.ok(result.stdout.includes(`\nUsage: deno run `), `${script}: ${result.stdout}`);
    const listed = [...result.stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed, flags, script);
  }
});

Deno.test("cli: a flag a script does not take is refused, naming it", async () => {
  for (
    const [script, args, message] of [
      ["part4_3_show.ts", ["--seed", "3"], "unknown flag --seed"],
      ["part4_1.ts", ["--out", "x"], "unknown flag --out"],
      ["part4_1.ts", ["--epochs", "3"], "unknown flag --epochs"],
      ["tour.ts", ["--seed", "1"], "unknown flag --seed"],
    ] as const
  ) {
    const result = await runScript(`scripts/${script}`, [...args], {});
    assert.equal(result.code, 2, `${script}: ${result.stderr}`);
    assert.equal(result.stderr.split("\n")[0], `error: ${message}`, script);
  }
});

Deno.test("cli: a flag error is three lines: the error, the usage line, the pointer to --help", async () => {
  const cases: [string, string[], string][] = [
    ["part4_2.ts", ["--epoch", "3"], "error: unknown flag --epoch; did you mean --epochs?"],
    [
      "part4_3.ts",
      ["--batch_size", "3"],
      "error: unknown flag --batch_size; did you mean --batch-size?",
    ],
    [
      "part4_2.ts",
      ["-A"],
      "error: -A is a flag of deno, not of this script: write it before the script " +
      "(deno run -A scripts/part4_2.ts …)",
    ],
    [
      "part4_3_show.ts",
      ["--allow-net"],
      "error: --allow-net is a flag of deno, not of this script: write it before the script " +
      "(deno run --allow-net scripts/part4_3_show.ts …)",
    ],
    [
      "part4_2_torch.ts",
      ["--lambda", "-1"],
      "error: --lambda: expected a number at least 0, found -1",
    ],
  ];
  for (const [script, args, first] of cases) {
    const result = await runScript(`scripts/${script}`, args, {});
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      `${first}\nUsage: deno run -A scripts/${script} [flags]\nRun with --help for all flags.\n`,
    );
    assert.equal(result.stdout, "");
  }
});

Deno.test("cli: part4_3's help states the defaults its recipes run", async () => {
  const help = await runScript("scripts/part4_3.ts", ["--help"], {});
  const line = (flag: string) => help.stdout.split("\n").find((l) => l.startsWith(`  --${flag} `));
  assert.match(line("lr")!, /\(default: book 0\.01, fast 0\.002\)$/);
  assert.match(line("epochs")!, /\(default: book 10, fast 5\)$/);
  assert.match(line("dtype")!, /\(default: book float64, fast float32\)$/);
  assert.match(line("batch-size")!, /\(default 128\)$/);
  // What the fast recipe runs is checked against this in provenance_test.ts (", lr 0.002, batches of 128").
});

/** A folder of MNIST-named IDX files: 40 training and 10 test images of 28 × 28. */
async function idxFolder(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [prefix, count] of [["train", 40], ["t10k", 10]] as const) {
    const pixels = Uint8Array.from({ length: count * 784 }, (_, i) => (i * 91) % 256);
    await Deno.writeFile(
      join(dir, `${prefix}-images-idx3-ubyte.gz`),
      await gzip(idx([count, 28, 28], pixels)),
    );
    await Deno.writeFile(
      join(dir, `${prefix}-labels-idx1-ubyte.gz`),
      await gzip(idx([count], Array.from({ length: count }, (_, i) => i % 10))),
    );
  }
}

Deno.test("cli: a diverging run ends the same way in every script: exit 1, one line naming epoch and loss", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nn_cli_" });
  try {
    await idxFolder(join(dir, "idx"));
    const env = { NN_DATA_DIR: FIXTURES, NN_CACHE_DIR: join(dir, "cache") };
    const out = ["--out", join(dir, "out")];
    const runs: [string, string[]][] = [
      ["part4_2.ts", ["--lr", "1e6", ...out]],
      ["part4_2_torch.ts", ["--lr", "1e6", ...out]],
      [
        "part4_3.ts",
        [
          "--data",
          join(dir, "idx"),
          "--model",
          "torch",
          "--dtype",
          "float32",
          "--lr",
          "1e30",
          ...out,
        ],
      ],
    ];
    for (const [script, args] of runs) {
      const result = await runScript(`scripts/${script}`, args, env);
      assert.equal(result.code, 1, `${script}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /^error: the run diverged: the loss became (NaN|-?Infinity) at epoch \d+(, batch \d+)?; try a smaller --lr\n$/,
        script,
      );
      assert.ok(!result.stdout.includes("Final loss"), `${script}: ${result.stdout}`);
      // Nothing was saved from the diverged run.
      assert.ok(
        !(await exists(join(dir, "out"))) || [...Deno.readDirSync(join(dir, "out"))].length === 0,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
