/**
 * The command line of the exercise scripts: flags with types and defaults,
 * `--help`, and the exit codes every script shares (0 done, 1 bad data or a
 * failed step with a one-line error, 2 a bad flag or value, with the usage).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { setBackend } from "../tensor/select_backend.ts";

/** One flag: its type, default and help line. */
export interface FlagSpec {
  /** `string`, or a number that must be an integer / positive. */
  type: "string" | "integer" | "number" | "boolean";
  /** The value when the flag is not given (undefined: optional, no default). */
  default?: string | number | boolean;
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
  flags: Record<string, FlagSpec>;
}

/** The flags every exercise script takes. */
export const commonFlags: Record<string, FlagSpec> = {
  data: { type: "string", help: "a path or URL of the data set instead of its own URL" },
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
};

/** The flags of the training scripts, on top of the common ones. */
export const trainingFlags: Record<string, FlagSpec> = {
  epochs: { type: "integer", default: 5000, min: 0, help: "full-batch training epochs" },
  lr: { type: "number", default: 0.5, min: 0, exclusiveMin: true, help: "the learning rate" },
  hidden: { type: "integer", default: 10, min: 1, help: "neurons in the hidden layer" },
};

/**
 * Puts the scripts' tensors on the backend `--backend` names. The exercise
 * scripts read losses and predictions synchronously (as the book's loops do),
 * which a GPU cannot answer, so for now they run on the CPU: `auto` means the
 * CPU here, and `webgpu` is refused with a sentence that says so. The library
 * itself (tensors, autograd, `nn`, `optim`) does run on WebGPU.
 */
export async function useScriptBackend(name: unknown): Promise<void> {
  if (name === "webgpu") {
    throw new UsageError(
      "--backend: the exercise scripts read values synchronously and run on the CPU for now; " +
        "use --backend cpu or auto (the library's tensors, nn and optim do run on WebGPU)",
    );
  }
  await setBackend("cpu");
}

/** The parsed flags: strings, numbers and booleans by name. */
export type Flags = Record<string, string | number | boolean | undefined>;

/** A bad flag or value: the script prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  /** Creates a UsageError with a one-sentence message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * The usage text of a script.
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
    const def = f.default === undefined ? "" : ` (default ${f.default})`;
    return [`  --${name}${arg}`, `${f.help}${def}`];
  });
  rows.push(["  --help", "show this help"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `${spec.summary}\n\nUsage: ${spec.usage}\n\nFlags:\n` +
    rows.map(([left, right]) => left.padEnd(width) + right).join("\n") + "\n";
}

/** A decimal number as a person types it: no hex, no binary, no `Infinity`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function convert(name: string, f: FlagSpec, raw: string | boolean): string | number | boolean {
  if (f.type === "boolean" || typeof raw === "boolean") return raw;
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
 * Parses `args` by `spec`. Throws a `UsageError` for an unknown flag, a missing
 * value, or a value of the wrong type. Returns null for `--help`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags, UsageError } from "./cli.ts";
 * const spec = {
 *   usage: "x",
 *   summary: "x",
 *   flags: { lr: { type: "number" as const, default: 0.5, help: "step", min: 0, exclusiveMin: true } },
 * };
 * assert.deepEqual(parseFlags(spec, ["--lr", "0.1"]), { lr: 0.1 });
 * assert.deepEqual(parseFlags(spec, []), { lr: 0.5 });
 * assert.throws(() => parseFlags(spec, ["--lr", "abc"]), UsageError);
 * ```
 */
export function parseFlags(spec: ScriptSpec, args: readonly string[]): Flags | null {
  const options = Object.fromEntries(
    [...Object.entries(spec.flags), ["help", { type: "boolean" }] as const].map((
      [name, f],
    ) => [name, { type: f.type === "boolean" ? "boolean" as const : "string" as const }]),
  );
  // `--epochs -1` is a value, not a flag: join it as `--epochs=-1` so that the range
  // check below can say what is wrong with it.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : "";
    const f = spec.flags[name];
    if (f && f.type !== "boolean" && /^-\d|^-\./.test(args[i + 1] ?? "")) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else joined.push(args[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, allowPositionals: false });
  } catch (error) {
    // node:util words its errors for Node; say the same thing in one line.
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, "");
    throw new UsageError(message);
  }
  if (parsed.values.help) return null;
  const flags: Flags = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    const raw = parsed.values[name] as string | boolean | undefined;
    flags[name] = raw === undefined ? f.default : convert(name, f, raw);
  }
  return flags;
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
 * Runs a script's body with the shared flag handling and exit codes: `--help`
 * prints the usage (exit 0); a bad flag prints the error and the usage (exit 2);
 * any other error prints one line `error: …` (exit 1; the stack too when
 * `NN_DEBUG` is set).
 */
export async function runScript(
  spec: ScriptSpec,
  body: (flags: Flags) => Promise<void>,
  args: readonly string[] = Deno.args,
): Promise<void> {
  let flags: Flags | null;
  try {
    flags = parseFlags(spec, args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${usageText(spec)}`);
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
      console.error(`error: ${error.message}\n\n${usageText(spec)}`);
      Deno.exit(2);
    }
    console.error(debug ? error : `error: ${(error as Error).message ?? error}`);
    Deno.exit(1);
  }
}
