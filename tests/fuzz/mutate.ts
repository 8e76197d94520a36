/**
 * A small seeded mutation fuzzer: valid files, damaged the way files get
 * damaged (bit flips, truncation, insertion, deletion, duplication, a token
 * from the format put where it does not belong), run through a parser. Every
 * case must end in a valid result or in one of the module's error classes:
 * never another exception, a hang or an unhandled rejection.
 *
 * The cases are the same on every run (a fixed seed); `NN_FUZZ_SEED` and
 * `NN_FUZZ_CASES` ask for others or for more, to fuzz longer by hand:
 *
 *   NN_FUZZ_CASES=100000 deno test -A tests/fuzz/
 */

/** Mulberry32: a tiny seeded generator, plenty for choosing mutations. */
export class Rng {
  #state: number;

  /** A generator whose numbers follow from `seed`. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Byte values that often sit on a parser's edges. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x2d, 0x30];

/**
 * `input` damaged by one to four mutations chosen by `rng`; `tokens` are
 * pieces of the format (`"`, `NaN`, `1e999`, a header field) to splice in.
 */
export function mutate(input: Uint8Array, rng: Rng, tokens: readonly Uint8Array[]): Uint8Array {
  let bytes = input.slice();
  const count = 1 + rng.int(4);
  for (let m = 0; m < count; m++) {
    const at = rng.int(bytes.length + 1);
    const splice = (count: number, insert: ArrayLike<number>) => {
      const remove = Math.min(count, bytes.length - at);
      const out = new Uint8Array(bytes.length - remove + insert.length);
      out.set(bytes.subarray(0, at));
      out.set(insert, at);
      out.set(bytes.subarray(at + remove), at + insert.length);
      bytes = out;
    };
    switch (rng.int(8)) {
      case 0: // flip one to eight bits
        for (let k = 1 + rng.int(8); k > 0 && bytes.length > 0; k--) {
          bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
        }
        break;
      case 1: // an interesting byte
        if (at < bytes.length) bytes[at] = rng.pick(INTERESTING);
        break;
      case 2: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 3: // insert random bytes
        splice(0, Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)));
        break;
      case 4: // delete a run
        splice(1 + rng.int(16), []);
        break;
      case 5: { // duplicate a run elsewhere
        const from = rng.int(bytes.length + 1);
        splice(0, bytes.slice(from, from + 1 + rng.int(64)));
        break;
      }
      case 6: // a token of the format, inserted
        if (tokens.length > 0) splice(0, rng.pick(tokens));
        break;
      default: // a token of the format, replacing what was there
        if (tokens.length > 0) splice(1 + rng.int(8), rng.pick(tokens));
    }
  }
  return bytes;
}

/** Text tokens as UTF-8 bytes. */
export function tokens(...texts: string[]): Uint8Array[] {
  return texts.map((t) => new TextEncoder().encode(t));
}

/** An error class the parser under test may throw. */
// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

/** How a fuzz run went. */
export interface FuzzReport {
  /** Cases run. */
  cases: number;
  /** Cases that ended in a valid result. */
  valid: number;
  /** Cases that ended in an allowed error. */
  refused: number;
}

/** The seed and number of cases: fixed, unless NN_FUZZ_SEED or NN_FUZZ_CASES say otherwise. */
export function fuzzSettings(seed: number, cases: number): { seed: number; cases: number } {
  const env = (name: string) => {
    const text = Deno.env.get(name);
    return text === undefined || text === "" ? undefined : Number(text);
  };
  return { seed: env("NN_FUZZ_SEED") ?? seed, cases: env("NN_FUZZ_CASES") ?? cases };
}

/** What a case that went wrong was, to run it again: its number and its bytes in base64. */
function describe(name: string, seed: number, index: number, input: Uint8Array): string {
  const b64 = btoa(Array.from(input.subarray(0, 3000), (b) => String.fromCharCode(b)).join(""));
  return `${name}, seed ${seed}, case ${index} (${input.length} bytes, base64 ${b64}` +
    `${input.length > 3000 ? "…" : ""})`;
}

/**
 * Runs `cases` fuzz cases: each makes an input from `rng`, hands it to
 * `parse`, and then checks a valid result with `check`. A case that throws
 * anything but `allowed`, or takes over `limitMs` (a hang, or close to one),
 * fails the run with the case's seed, number and bytes.
 */
export async function fuzz<T>(options: {
  name: string;
  seed: number;
  cases: number;
  input(rng: Rng): Uint8Array | Promise<Uint8Array>;
  parse(input: Uint8Array): T | Promise<T>;
  check(result: T, input: Uint8Array): void | Promise<void>;
  allowed: readonly ErrorClass[];
  limitMs?: number;
}): Promise<FuzzReport> {
  const { name, check, allowed } = options;
  const { seed, cases } = fuzzSettings(options.seed, options.cases);
  const limitMs = options.limitMs ?? 2000;
  const report: FuzzReport = { cases: 0, valid: 0, refused: 0 };
  for (let index = 0; index < cases; index++) {
    const rng = new Rng(seed * 1_000_003 + index);
    const input = await options.input(rng);
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
    });
    let result: { value: T } | undefined;
    try {
      result = {
        value: await Promise.race([Promise.resolve().then(() => options.parse(input)), hang]),
      };
    } catch (e) {
      if (!allowed.some((c) => e instanceof c)) {
        throw new Error(
          `${describe(name, seed, index, input)} ended in ${(e as Error)?.name}: ` +
            `${(e as Error)?.message}`,
          { cause: e },
        );
      }
      report.refused++;
    } finally {
      clearTimeout(timer);
    }
    if (result !== undefined) {
      try {
        await check(result.value, input);
      } catch (e) {
        throw new Error(`${describe(name, seed, index, input)} was read wrongly: ${e}`, {
          cause: e,
        });
      }
      report.valid++;
    }
    const ms = performance.now() - started;
    if (ms > limitMs) {
      throw new Error(`${describe(name, seed, index, input)} took ${ms.toFixed(0)} ms`);
    }
    report.cases++;
  }
  return report;
}
