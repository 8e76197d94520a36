/**
 * The command line of the exercise scripts: flags with types and defaults,
 * `--help`, and the exit codes every script shares (0 done; 1 bad data, a
 * failed step or a diverging run, with a one-line error; 2 a bad flag or
 * value, in at most three lines).
 *
 * A script declares its flags once, in a spec; the types of the parsed values
 * come from that spec (as `@std/cli`'s `parseArgs` derives them), so a script
 * reads `flags.epochs` as a `number` and `flags.dtype` as
 * `"float32" | "float64"` without a cast, and `--help` lists exactly the
 * flags it declared.
 *
 * @module
 */

import { backendOverride, describeBackend, setBackend } from "../tensor/select_backend.ts";
import { NonFiniteLossError } from "./fit.ts";

/** One flag: its type, default and help line. */
export interface FlagSpec {
  /** `string`, or a number that must be an integer / positive. */
  type: "string" | "integer" | "number" | "boolean";
  /** The value when the flag is not given (undefined: optional, no default). */
  default?: string | number | boolean;
  /**
   * For a flag whose default depends on others (Part4-3's recipes), what
   * `--help` says instead of a single default, such as `"book 0.01, fast 0.002"`.
   */
  defaultText?: string;
  /** One line for `--help`. */
  help: string;
  /** For a string: the values allowed. */
  choices?: readonly string[];
  /** For a number: the smallest allowed value. */
  min?: number;
  /** For a number: whether the value must be greater than `min`, not equal to it. */
  exclusiveMin?: boolean;
  /** For a number: the largest allowed value. */
  max?: number;
}

/** What a script is and which flags it takes. */
export interface ScriptSpec {
  /** The command, as the usage line shows it. */
  usage: string;
  /** A sentence or two on what the script does. */
  summary: string;
  /** The flags, by name (without the dashes). */
  flags: { readonly [name: string]: FlagSpec };
}

/** The type of a flag's value when given: a number, a boolean, one of its choices, or a string. */
type ValueOf<F extends FlagSpec> = F["type"] extends "boolean" ? boolean
  : F["type"] extends "integer" | "number" ? number
  : F extends { choices: readonly (infer C)[] } ? C
  : string;

/** The type of a parsed flag: its value's type, `| undefined` when it has no default. */
export type FlagValue<F extends FlagSpec> = F extends { default: string | number | boolean }
  ? ValueOf<F>
  : ValueOf<F> | undefined;

/**
 * The parsed flags of a script with spec `S`, typed from the spec.
 *
 * @example
 * ```ts
 * import type { FlagsOf } from "./cli.ts";
 * import { scriptSpec } from "./cli.ts";
 * const spec = scriptSpec({
 *   usage: "x",
 *   summary: "x",
 *   flags: {
 *     epochs: { type: "integer", default: 10, help: "epochs" },
 *     dtype: { type: "string", choices: ["float32", "float64"], help: "dtype" },
 *   },
 * });
 * const flags: FlagsOf<typeof spec> = { epochs: 3, dtype: "float32" };
 * const dtype: "float32" | "float64" | undefined = flags.dtype; // no cast
 * ```
 */
export type FlagsOf<S extends ScriptSpec> = {
  -readonly [K in keyof S["flags"]]: FlagValue<S["flags"][K]>;
};

/**
 * Declares a script's spec, keeping its literal types (flag types, choices,
 * defaults) so that {@linkcode FlagsOf} can derive the parsed flags' types.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags, scriptSpec } from "./cli.ts";
 * const spec = scriptSpec({
 *   usage: "deno run x.ts [flags]",
 *   summary: "x",
 *   flags: { recipe: { type: "string", default: "book", choices: ["book", "fast"], help: "recipe" } },
 * });
 * const flags = parseFlags(spec, ["--recipe", "fast"])!;
 * const recipe: "book" | "fast" = flags.recipe;
 * assert.equal(recipe, "fast");
 * ```
 */
export function scriptSpec<const S extends ScriptSpec>(spec: S): S {
  return spec;
}

/**
 * The flags the exercise scripts share, each declared once; a script takes the
 * ones it uses (`flags: { data: sharedFlags.data, … }`).
 */
export const sharedFlags = {
  data: { type: "string", help: "a path or URL of the data set, read as given" },
  out: { type: "string", default: "./out", help: "the folder for the outputs" },
  // np.random.seed takes 0 to 2^32 - 1, and so does manualSeed.
  seed: {
    type: "integer",
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
    help: "the random seed (np.random.seed)",
  },
  dtype: {
    type: "string",
    default: "float64",
    choices: ["float32", "float64"],
    help: "the element type",
  },
  backend: {
    type: "string",
    default: "auto",
    choices: ["cpu", "webgpu", "auto"],
    help: "where tensors live (the scripts run on the CPU for now)",
  },
  epochs: { type: "integer", default: 5000, min: 1, help: "full-batch training epochs" },
  lr: { type: "number", default: 0.5, min: 0, exclusiveMin: true, help: "the learning rate" },
  hidden: {
    type: "integer",
    default: 10,
    min: 1,
    max: 10_000,
    help:
      "neurons in the hidden layer (up to 10000: wider nets outgrow the decision boundary's memory)",
  },
} as const satisfies Record<string, FlagSpec>;

/**
 * Puts the scripts' tensors on the backend `--backend` names and returns the
 * line the script prints about it (`Backend: webgpu (<adapter>)` or
 * `Backend: cpu (WebAssembly SIMD, N threads)`). The scripts train through
 * `fit`, which reads values asynchronously, so they run on every backend;
 * `auto` takes a hardware GPU when there is one. float64 needs the CPU: with
 * `webgpu` it is a two-line error saying what to use instead, with `auto` the
 * CPU is chosen and the line says why. `webgpu` without an adapter is a
 * one-line error naming `--backend cpu` (exit 2).
 */
export async function useScriptBackend(
  name: "cpu" | "webgpu" | "auto",
  dtype: "float32" | "float64",
): Promise<string> {
  if (dtype === "float64" && name === "webgpu") {
    throw new UsageError(
      "--dtype float64 runs on the CPU only: WebGPU (WGSL) has no 64-bit floats\n" +
        "use --dtype float32 to run on the GPU, or --backend cpu to keep float64",
      { withUsage: false },
    );
  }
  if (dtype === "float64" && name === "auto") {
    backendOverride(); // a bad NN_BACKEND is an error here too, not silently ignored
    await setBackend("cpu");
    return `Backend: ${describeBackend()} (auto: float64 needs the CPU; --dtype float32 may ` +
      "use a GPU)";
  }
  try {
    await setBackend(name);
  } catch (error) {
    if (name !== "webgpu") throw error;
    throw new UsageError(
      `--backend webgpu: no WebGPU adapter was found (${(error as Error).message}); ` +
        "run on the CPU with --backend cpu",
      { withUsage: false },
    );
  }
  return `Backend: ${describeBackend()}`;
}

/**
 * A bad flag or value: the script prints it (with the usage line, unless the
 * message says all there is to say) and exits with code 2.
 */
export class UsageError extends Error {
  /** Whether the usage line and the --help hint follow the message. */
  readonly withUsage: boolean;

  /** Creates a UsageError with a one-sentence message. */
  constructor(message: string, options: { withUsage?: boolean } = {}) {
    super(message);
    this.name = "UsageError";
    this.withUsage = options.withUsage ?? true;
  }
}

/**
 * The help text of a script: its summary, usage line, and each flag it takes
 * with its default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageText } from "./cli.ts";
 * const text = usageText({
 *   usage: "deno run part4_2.ts [flags]",
 *   summary: "Trains the book's network.",
 *   flags: { epochs: { type: "integer", default: 5000, help: "training epochs" } },
 * });
 * assert.match(text, /--epochs N +training epochs \(default 5000\)/);
 * ```
 */
export function usageText(spec: ScriptSpec): string {
  const rows = Object.entries(spec.flags).map(([name, f]) => {
    const arg = f.type === "boolean" ? "" : f.choices ? ` ${f.choices.join("|")}` : " " +
      (f.type === "string" ? "VALUE" : "N");
    const def = f.defaultText !== undefined
      ? ` (default: ${f.defaultText})`
      : f.default === undefined
      ? ""
      : ` (default ${f.default})`;
    return [`  --${name}${arg}`, `${f.help}${def}`];
  });
  rows.push(["  --help", "show this help"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nFlags:\n` +
    rows.map(([left, right]) => left.padEnd(width) + right).join("\n") + "\n";
}

/** A decimal number as a person types it: no hex, no binary, no `Infinity`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function convert(name: string, f: FlagSpec, raw: string): string | number {
  if (f.type === "string") {
    if (f.choices && !f.choices.includes(raw)) {
      throw new UsageError(`--${name}: expected one of ${f.choices.join(", ")}, found "${raw}"`);
    }
    if (raw.trim() === "") {
      throw new UsageError(`--${name}: expected a value, found ${JSON.stringify(raw)}`);
    }
    return raw;
  }
  const value = DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
  const kind = f.type === "integer" ? "an integer" : "a number";
  if (!Number.isFinite(value) || (f.type === "integer" && !Number.isSafeInteger(value))) {
    throw new UsageError(`--${name}: expected ${kind}, found "${raw}"`);
  }
  if (f.min !== undefined && (value < f.min || (f.exclusiveMin && value === f.min))) {
    const bound = f.exclusiveMin ? `greater than ${f.min}` : `at least ${f.min}`;
    throw new UsageError(`--${name}: expected ${kind} ${bound}, found ${raw}`);
  }
  if (f.max !== undefined && value > f.max) {
    throw new UsageError(`--${name}: expected ${kind} at most ${f.max}, found ${raw}`);
  }
  return value;
}

/**
 * Flags of `deno run` itself: written after the script they reach the script,
 * which says where they go instead of calling them unknown.
 */
const DENO_FLAG =
  /^(-[ARWNESPIqrc]|--(allow|deny)-[a-z-]+|--(allow|deny)-[a-z-]+=.*|--no-prompt|--quiet|--reload(=.*)?|--unstable.*|--v8-flags=.*|--config(=.*)?|--import-map(=.*)?|--lock(=.*)?|--no-lock|--cached-only|--no-check|--check(=.*)?|--watch.*|--inspect.*|--env-file.*|--location(=.*)?|--cert(=.*)?|--no-remote|--no-npm|--no-config|--log-level(=.*)?|--frozen(=.*)?|--node-modules-dir(=.*)?)$/;

/**
 * The edit distance between `a` and `b`: insertions, deletions, substitutions
 * and swaps of two neighbours (`--hepl`), each one edit.
 */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The flag of `names` nearest to `name` (at most two edits away, or one that
 * starts with it), or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nearestFlag } from "./cli.ts";
 * assert.equal(nearestFlag("epoch", ["epochs", "lr", "seed"]), "epochs");
 * assert.equal(nearestFlag("batch_size", ["batch-size", "train-size"]), "batch-size");
 * assert.equal(nearestFlag("verbose", ["epochs", "lr"]), undefined);
 * ```
 */
export function nearestFlag(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined, bestDistance = Infinity;
  for (const candidate of names) {
    const distance = candidate.startsWith(name) && name.length >= 2
      ? 1
      : editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.min(2, Math.max(1, Math.floor(name.length / 3))) ? best : undefined;
}

/** The message for an argument that is not one of the script's flags. */
function unknown(arg: string, spec: ScriptSpec, script: string): UsageError {
  if (DENO_FLAG.test(arg)) {
    return new UsageError(
      `${arg} is a flag of deno, not of this script: write it before the script ` +
        `(deno run ${arg} ${script} …)`,
    );
  }
  if (!arg.startsWith("-")) {
    return new UsageError(`unexpected argument "${arg}": the script takes only --flags`);
  }
  const name = arg.replace(/^--?/, "").split("=")[0];
  const near = nearestFlag(name, [...Object.keys(spec.flags), "help"]);
  return new UsageError(
    `unknown flag ${arg.split("=")[0]}` + (near ? `; did you mean --${near}?` : ""),
  );
}

/** The script's path as the usage line writes it (`scripts/part4_2.ts`), for hints. */
function scriptOf(spec: ScriptSpec): string {
  return /\S+\.ts\b/.exec(spec.usage)?.[0] ?? "SCRIPT";
}

/**
 * Parses `args` by `spec`, with each value typed as the spec says. Throws a
 * `UsageError` for an unknown flag (naming the nearest one), a flag of Deno
 * written after the script, a flag given twice, a missing value, or a value of
 * the wrong type. Returns null for `--help`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags, scriptSpec, UsageError } from "./cli.ts";
 * const spec = scriptSpec({
 *   usage: "x",
 *   summary: "x",
 *   flags: { lr: { type: "number", default: 0.5, help: "step", min: 0, exclusiveMin: true } },
 * });
 * assert.deepEqual(parseFlags(spec, ["--lr", "0.1"]), { lr: 0.1 });
 * assert.deepEqual(parseFlags(spec, []), { lr: 0.5 });
 * assert.throws(() => parseFlags(spec, ["--lr", "abc"]), UsageError);
 * assert.throws(() => parseFlags(spec, ["--l", "1"]), /did you mean --lr\?/);
 * ```
 */
export function parseFlags<const S extends ScriptSpec>(
  spec: S,
  args: readonly string[],
): FlagsOf<S> | null {
  const raw = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return null;
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const f = match ? spec.flags[match[1]] : undefined;
    if (!match || f === undefined || Object.hasOwn(Object.prototype, match[1])) {
      throw unknown(arg, spec, scriptOf(spec));
    }
    const name = match[1];
    if (raw.has(name)) throw new UsageError(`--${name}: given twice, expected it once`);
    if (f.type === "boolean") {
      if (match[2] !== undefined) {
        throw new UsageError(`--${name}: takes no value, found "${match[2]}"`);
      }
      raw.set(name, true);
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      // `--epochs -1` is a value (the range check says what is wrong with it); `--out --seed` is not.
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("-") && !/^-\d|^-\./.test(next))) {
        throw new UsageError(`--${name}: expected a value after it, found none`);
      }
      value = next;
      i++;
    }
    raw.set(name, value);
  }
  const flags: Record<string, string | number | boolean | undefined> = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    const value = raw.get(name);
    flags[name] = value === undefined ? f.default : value === true ? true : convert(name, f, value);
  }
  // The one place the spec's types meet the values: convert() checked each against its spec.
  return flags as FlagsOf<S>;
}

/**
 * Checks, before any work, that the script will be able to write its outputs
 * to the folder `out` (the `--out` flag): that it is not a file, and that
 * Deno may write there and read there (a save is a temporary file renamed into
 * place, and Deno's rename needs both). Without a permission Deno asks for it,
 * as it would at the first save (on a terminal, without `--no-prompt`);
 * refused, the script stops now with Deno's error, not after minutes of
 * training.
 */
export function checkOutputFolder(out: string): void {
  for (const name of ["write", "read"] as const) {
    let state = Deno.permissions.querySync({ name, path: out }).state;
    if (state === "prompt") state = Deno.permissions.requestSync({ name, path: out }).state;
    if (state !== "granted") {
      throw new Deno.errors.NotCapable(
        `Requires ${name} access to "${out}" (the --out folder), run again with the ` +
          `--allow-${name} flag`,
      );
    }
  }
  try {
    if (!Deno.statSync(out).isDirectory) {
      throw new UsageError(`--out: expected a folder, found a file at ${out}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * What a flag error prints, in three lines at most: the error, the usage line,
 * and where to find the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageError, UsageError } from "./cli.ts";
 * const spec = { usage: "deno run -A scripts/x.ts [flags]", summary: "x", flags: {} };
 * assert.equal(
 *   usageError(spec, new UsageError("unknown flag --epoch; did you mean --epochs?")),
 *   "error: unknown flag --epoch; did you mean --epochs?\n" +
 *     "Usage: deno run -A scripts/x.ts [flags]\nRun with --help for all flags.",
 * );
 * ```
 */
export function usageError(spec: ScriptSpec, error: UsageError): string {
  return `error: ${error.message}\nUsage: ${spec.usage}\nRun with --help for all flags.`;
}

/**
 * The one line a diverging run ends with, the same in every script: the loss
 * and the epoch (and the batch, when an epoch has several), and the script's
 * own flag that helps (never a library option).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { divergedLine } from "./cli.ts";
 * import { NonFiniteLossError } from "./fit.ts";
 * assert.equal(
 *   divergedLine(new NonFiniteLossError(NaN, 3, 0, 1), true),
 *   "error: the run diverged: the loss became NaN at epoch 3; try a smaller --lr",
 * );
 * ```
 */
export function divergedLine(error: NonFiniteLossError, hasLr: boolean): string {
  // The error's own first clause: the loss, the epoch, and the batch when an epoch has several.
  const where = error.message.split(": the run diverged")[0];
  return `error: the run diverged: ${where}` + (hasLr ? "; try a smaller --lr" : "");
}

/**
 * Runs a script's body with the shared flag handling and exit codes: `--help`
 * prints the help (exit 0); a bad flag prints the error, the usage line and a
 * pointer to `--help` (exit 2); a diverging run (a `NonFiniteLossError`)
 * prints one line naming the epoch and the loss (exit 1); any other error
 * prints one line `error: …` (exit 1; the stack too when `NN_DEBUG` is set).
 */
export async function runScript<const S extends ScriptSpec>(
  spec: S,
  body: (flags: FlagsOf<S>) => Promise<void> | void,
  args: readonly string[] = Deno.args,
): Promise<void> {
  let flags: FlagsOf<S> | null;
  try {
    flags = parseFlags(spec, args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(usageError(spec, error));
    Deno.exit(2);
  }
  if (flags === null) {
    console.log(usageText(spec));
    return;
  }
  try {
    await body(flags);
  } catch (error) {
    const debug = Deno.permissions.querySync({ name: "env", variable: "NN_DEBUG" }).state ===
        "granted" && Deno.env.get("NN_DEBUG");
    if (error instanceof UsageError) {
      console.error(error.withUsage ? usageError(spec, error) : `error: ${error.message}`);
      Deno.exit(2);
    }
    if (error instanceof NonFiniteLossError) {
      console.error(debug ? error : divergedLine(error, "lr" in spec.flags));
      Deno.exit(1);
    }
    console.error(debug ? error : `error: ${(error as Error).message ?? error}`);
    Deno.exit(1);
  }
}
