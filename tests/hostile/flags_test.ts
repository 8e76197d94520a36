/**
 * Hostile command lines: every bad flag or value is a UsageError naming the
 * flag and what it takes (the scripts print it with the usage and exit with
 * code 2), found before any data is read or any output written. The last
 * cases run the scripts themselves.
 */

import { parseFlags, scriptSpec, sharedFlags, UsageError } from "../../lib/train/cli.ts";
import { type HostileCase, hostileTests } from "./helpers.ts";

/** Part4-2's flags, as scripts/part4_2.ts declares them. */
const PART4_2 = scriptSpec({
  usage: "deno run -A scripts/part4_2.ts [flags]",
  summary: "Part4-2",
  flags: sharedFlags,
});

/** A case for `args` on Part4-2's flags, whose message must name `names`. */
function flags(args: string[], ...names: string[]): HostileCase {
  return {
    name: JSON.stringify(args.join(" ")),
    run: () => parseFlags(PART4_2, args),
    error: UsageError,
    names,
  };
}

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * A case that runs `script` with `args` (`$DIR` for the case's folder) as a
 * reader would; exit code 2 with three lines (the error, the usage line, the
 * pointer to --help) becomes a UsageError carrying the first, so the message
 * can be checked like the others.
 */
function script(name: string, file: string, args: string[], ...names: string[]): HostileCase {
  return {
    name,
    files: { "data.txt": "not used\n" },
    run: async (dir) => {
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          `scripts/${file}`,
          ...args.map((a) => a.replace("$DIR", dir)),
        ],
        env: { NO_COLOR: "1", NN_CACHE_DIR: `${dir}/cache`, NN_DATA_DIR: `${dir}/nothing` },
        clearEnv: true,
        cwd: ROOT,
        stdout: "null",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stderr);
      const lines = text.trimEnd().split("\n");
      if (
        code !== 2 || lines.length !== 3 ||
        !lines[1].startsWith(`Usage: deno run -A scripts/${file}`) ||
        lines[2] !== "Run with --help for all flags."
      ) {
        throw new Error(`expected exit code 2 and three lines, found ${code}: ${text}`);
      }
      throw new UsageError(text.split("\n")[0]);
    },
    error: UsageError,
    names,
  };
}

const cases: HostileCase[] = [
  flags(["--epochs", "-1"], "--epochs", "expected an integer at least 1, found -1"),
  flags(["--epochs", "1.5"], "--epochs", 'expected an integer, found "1.5"'),
  flags(["--epochs", "0x10"], "--epochs", 'expected an integer, found "0x10"'),
  flags(["--epochs", "1e20"], "--epochs", 'expected an integer, found "1e20"'),
  flags(["--epochs="], "--epochs", 'expected an integer, found ""'),
  flags(["--epochs"], "--epochs", "expected a value after it, found none"),
  flags(["--out", "--seed", "3"], "--out", "expected a value after it, found none"),
  flags(["--epochs", "3", "--epochs=4"], "--epochs", "given twice"),
  flags(["--lr", "0"], "--lr", "expected a number greater than 0, found 0"),
  flags(["--lr", "abc"], "--lr", 'expected a number, found "abc"'),
  flags(["--lr", "Infinity"], "--lr", 'expected a number, found "Infinity"'),
  flags(["--lr", "1e400"], "--lr", 'expected a number, found "1e400"'),
  flags(["--dtype", "float16"], "--dtype", 'expected one of float32, float64, found "float16"'),
  flags(["--backend", "tpu"], "--backend", 'expected one of cpu, webgpu, auto, found "tpu"'),
  flags(["--seed", "4294967296"], "--seed", "expected an integer at most 4294967295"),
  flags(["--seed", "-1"], "--seed", "expected an integer at least 0, found -1"),
  flags(["--hidden", "0"], "--hidden", "expected an integer at least 1, found 0"),
  flags(["--nope"], "unknown flag", "--nope"),
  flags(["--epoch", "3"], "unknown flag --epoch", "; did you mean --epochs?"),
  flags(["--sed=3"], "unknown flag --sed", "; did you mean --seed?"),
  flags(["--toString"], "unknown flag", "--toString"),
  flags(["-A"], "-A is a flag of deno", "write it before the script"),
  flags(["--allow-read=/tmp"], "--allow-read=/tmp is a flag of deno", "before the script"),
  flags(["extra"], "unexpected argument", '"extra"'),
  flags(["--out", ""], "--out", 'expected a value, found ""'),
  flags(["--data", "  "], "--data", 'expected a value, found "  "'),
  script(
    "part4_2 --out naming a file",
    "part4_2.ts",
    ["--out", "$DIR/data.txt"],
    "error: --out",
    "expected a folder, found a file at $DIR/data.txt",
  ),
  script(
    "part4_3 --batch-size 0",
    "part4_3.ts",
    ["--batch-size", "0", "--out", "$DIR/out"],
    "error: --batch-size",
    "expected an integer at least 1, found 0",
  ),
  script(
    "part4_3_show --count 1.5",
    "part4_3_show.ts",
    ["--count", "1.5", "--out", "$DIR/out"],
    "error: --count",
    'expected an integer, found "1.5"',
  ),
  script(
    "part4_2_torch --lambda -0.5",
    "part4_2_torch.ts",
    ["--lambda", "-0.5", "--out", "$DIR/out"],
    "error: --lambda",
    "expected a number at least 0, found -0.5",
  ),
];

hostileTests("flags", cases);
