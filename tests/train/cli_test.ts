/**
 * lib/train/cli.ts on its own: the parsed flags' types come from the spec (a
 * wrong use does not type-check: the `@ts-expect-error` lines below fail
 * `deno check` if the types ever widen to `any` or `string`), the values are
 * converted and checked, and the help and error texts say what they must.
 */

import assert from "node:assert/strict";
import {
  divergedLine,
  nearestFlag,
  parseFlags,
  scriptSpec,
  sharedFlags,
  UsageError,
  usageError,
  usageText,
} from "../../lib/train/cli.ts";
import { NonFiniteLossError } from "../../lib/train/fit.ts";

const spec = scriptSpec({
  usage: "deno run -A scripts/example.ts [flags]",
  summary: "An example.",
  flags: {
    data: sharedFlags.data,
    dtype: sharedFlags.dtype,
    epochs: { ...sharedFlags.epochs, default: 7 },
    lr: { type: "number", min: 0, exclusiveMin: true, help: "rate", defaultText: "a 1, b 2" },
    recipe: { type: "string", default: "book", choices: ["book", "fast"], help: "recipe" },
    verbose: { type: "boolean", default: false, help: "say more" },
  },
});

Deno.test("cli: parsed flags are typed by the spec, with defaults", () => {
  const flags = parseFlags(spec, ["--recipe", "fast", "--lr=0.25", "--verbose"])!;
  // Each of these assignments type-checks only because the type came from the spec.
  const recipe: "book" | "fast" = flags.recipe;
  const dtype: "float32" | "float64" = flags.dtype;
  const epochs: number = flags.epochs;
  const lr: number | undefined = flags.lr;
  const data: string | undefined = flags.data;
  const verbose: boolean = flags.verbose;
  assert.deepEqual({ recipe, dtype, epochs, lr, data, verbose }, {
    recipe: "fast",
    dtype: "float64",
    epochs: 7,
    lr: 0.25,
    data: undefined,
    verbose: true,
  });
  if (false as boolean) {
    // @ts-expect-error: a flag without a default may be undefined
    const _lr: number = flags.lr;
    // @ts-expect-error: epochs is a number, not a string
    const _epochs: string = flags.epochs;
    // @ts-expect-error: recipe is one of its choices, not any string
    const _recipe: "slow" = flags.recipe;
    // @ts-expect-error: the spec has no such flag
    flags.seed;
  }
});

Deno.test("cli: values are converted and checked, negative numbers included", () => {
  // "-0" is read as the value of --epochs, not as a flag.
  assert.throws(
    () => parseFlags(spec, ["--epochs", "-0"]),
    new UsageError("--epochs: expected an integer at least 1, found -0"),
  );
  assert.throws(
    () => parseFlags(spec, ["--epochs", "-3"]),
    new UsageError("--epochs: expected an integer at least 1, found -3"),
  );
  // Zero epochs would train nothing and replace the outputs with empty ones: refused.
  assert.throws(
    () => parseFlags(spec, ["--epochs", "0"]),
    new UsageError("--epochs: expected an integer at least 1, found 0"),
  );
  assert.throws(
    () => parseFlags(spec, ["--recipe", "slow"]),
    new UsageError('--recipe: expected one of book, fast, found "slow"'),
  );
  assert.throws(
    () => parseFlags(spec, ["--verbose=yes"]),
    new UsageError('--verbose: takes no value, found "yes"'),
  );
  assert.throws(
    () => parseFlags(spec, ["--data", "--lr", "1"]),
    new UsageError("--data: expected a value after it, found none"),
  );
  assert.equal(parseFlags(spec, ["--lr", "1", "--help"]), null);
  assert.equal(parseFlags(spec, ["-h"]), null);
});

Deno.test("cli: unknown flags name the nearest one; deno's flags say where they go", () => {
  const message = (args: string[]) => {
    try {
      parseFlags(spec, args);
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  assert.equal(message(["--epoch", "3"]), "unknown flag --epoch; did you mean --epochs?");
  assert.equal(message(["--recipes=fast"]), "unknown flag --recipes; did you mean --recipe?");
  assert.equal(message(["--hepl"]), "unknown flag --hepl; did you mean --help?");
  assert.equal(message(["--frobnicate"]), "unknown flag --frobnicate");
  assert.equal(message(["--constructor"]), "unknown flag --constructor");
  assert.equal(
    message(["-A"]),
    "-A is a flag of deno, not of this script: write it before the script " +
      "(deno run -A scripts/example.ts …)",
  );
  assert.equal(
    message(["--allow-read=/data"]),
    "--allow-read=/data is a flag of deno, not of this script: write it before the script " +
      "(deno run --allow-read=/data scripts/example.ts …)",
  );
  assert.equal(
    message(["data.csv"]),
    'unexpected argument "data.csv": the script takes only --flags',
  );
  assert.equal(nearestFlag("lr", ["epochs", "seed"]), undefined);
  assert.equal(nearestFlag("x", ["lr"]), undefined);
});

Deno.test("cli: help lists each flag with its real default; an error is three lines", () => {
  const help = usageText(spec);
  const rows = help.split("\n").filter((l) => l.startsWith("  --"));
  assert.deepEqual(rows.map((r) => r.trim().split(/\s+/)[0]), [
    "--data",
    "--dtype",
    "--epochs",
    "--lr",
    "--recipe",
    "--verbose",
    "--help",
  ]);
  assert.match(rows[2], /full-batch training epochs \(default 7\)$/);
  assert.match(rows[3], /rate \(default: a 1, b 2\)$/);
  assert.match(rows[0], /read as given$/);
  assert.equal(
    usageError(spec, new UsageError('--lr: expected a number, found "x"')).split("\n").length,
    3,
  );
});

Deno.test("cli: the diverged line names the epoch and the loss, and no library option", () => {
  assert.equal(
    divergedLine(new NonFiniteLossError(Infinity, 79, 0, 1), true),
    "error: the run diverged: the loss became Infinity at epoch 79; try a smaller --lr",
  );
  assert.equal(
    divergedLine(new NonFiniteLossError(NaN, 2, 5, 20), false),
    "error: the run diverged: the loss became NaN at epoch 2, batch 5",
  );
});
