/**
 * Seeded random numbers that reproduce NumPy's legacy `np.random` stream
 * (`RandomState`, the MT19937 Mersenne Twister) to the last bit: the same seed
 * gives the same `rand`, `randn`, `randint`, `normal`, `uniform` and
 * `permutation` values as NumPy, so a script ported from NumPy starts from the
 * same weights and shuffles its data the same way.
 *
 * Raw words, `random`, `uniform`, `randint` and `permutation` are bit-exact.
 * Normals are too, except where `Math.log` (V8's fdlibm port) and the C
 * library's `log` that NumPy calls round differently: against glibc 2.36 that
 * is about 0.075% of `log` calls, so about 0.03% of normals differ by 1 to 3
 * ulp (none in the test fixtures).
 *
 * Only web-standard APIs are used (typed arrays, `crypto.getRandomValues`).
 *
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MAX_SEED = 0xffffffff;

/** Describes a value for an error message: `NaN`, `1.5`, `string "7"`. */
function describe(value: unknown): string {
  switch (typeof value) {
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return `string ${JSON.stringify(value)}`;
    case "bigint":
      return `bigint ${value}n`;
    case "undefined":
      return "undefined";
    case "object":
      return value === null ? "null" : Array.isArray(value) ? "an array" : "an object";
    default:
      return typeof value;
  }
}

/** Throws unless `seed` is an integer in [0, 2**32 - 1]. */
function checkSeed(where: string, seed: unknown): asserts seed is number {
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new TypeError(
      `${where}: expected an integer seed in [0, ${MAX_SEED}], found ${describe(seed)}`,
    );
  }
  if (seed < 0 || seed > MAX_SEED) {
    throw new RangeError(
      `${where}: expected an integer seed in [0, ${MAX_SEED}], found ${describe(seed)}`,
    );
  }
}

/** Throws unless `value` is a safe integer. */
function checkInteger(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new TypeError(
      `${where}: expected ${name} to be a safe integer, found ${describe(value)}`,
    );
  }
}

/**
 * Checks `low < high` with a range NumPy draws with 32-bit words, and returns
 * `rng = high - low - 1`.
 */
function checkRange(where: string, low: unknown, high: unknown): number {
  checkInteger(where, "low", low);
  checkInteger(where, "high", high);
  if (low >= high) {
    throw new RangeError(`${where}: expected low < high, found low ${low} and high ${high}`);
  }
  const rng = high - low - 1;
  if (rng > MAX_SEED) {
    throw new RangeError(
      `${where}: the range [${low}, ${high}) is too wide: expected at most 2**32 values, ` +
        `found ${high - low}`,
    );
  }
  return rng;
}

/** The smallest 2**k - 1 that is >= rng (rng in [0, 2**32 - 1]), as an int32 bit pattern. */
function maskFor(rng: number): number {
  let mask = rng | 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask;
}

/** Throws unless `value` is a finite number. */
function checkFinite(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `${where}: expected ${name} to be a finite number, found ${describe(value)}`,
    );
  }
}

/** Regenerates the 624 words of MT19937 state in place (the twist). */
function twist(mt: Int32Array): void {
  let i = 0;
  let y: number;
  for (; i < N - M; i++) {
    y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
    mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  for (; i < N - 1; i++) {
    y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
    mt[i] = mt[i + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
  mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
}

/** MT19937 tempering of one state word; returns the output as an int32 bit pattern. */
function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return y ^ (y >>> 18);
}

/**
 * A seeded random generator reproducing NumPy's legacy `RandomState`
 * (MT19937): `new Generator(s)` draws exactly what `np.random.RandomState(s)`
 * draws, and `g.seed(s)` is `np.random.seed(s)`.
 *
 * Chapter: 4.6 tensors; np.random.seed as in Part4-2 and Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultGenerator, Generator, manualSeed } from "./random.ts";
 *
 * const g = new Generator(0); // np.random.RandomState(0)
 * const u = g.random(); // np.random.rand()
 * if (u !== 0.5488135039273248) throw new Error(`rand: ${u}`);
 *
 * g.seed(0); // np.random.seed(0)
 * const z = g.standardNormal(); // np.random.randn()
 * if (z !== 1.764052345967664) throw new Error(`randn: ${z}`);
 *
 * g.seed(0);
 * const k = g.randint(0, 10); // np.random.randint(0, 10)
 * if (k !== 5) throw new Error(`randint: ${k}`);
 *
 * // The default generator after manualSeed(s) draws what new Generator(s) draws.
 * manualSeed(0);
 * assert(defaultGenerator().random() === 0.5488135039273248);
 * ```
 */
export class Generator {
  #mt: Int32Array = new Int32Array(N);
  #pos = N;
  #hasGauss = false;
  #gauss = 0;

  /**
   * Creates a generator seeded like `np.random.RandomState(seed)`. Without a
   * seed it starts from fresh entropy (`crypto.getRandomValues`), like
   * `np.random.RandomState()`.
   *
   * @param seed An integer in [0, 2**32 - 1]; a non-integer is a TypeError,
   *   an integer out of range a RangeError.
   */
  constructor(seed?: number) {
    if (seed === undefined) this.#seedFromEntropy();
    else this.seed(seed);
  }

  /**
   * Reseeds like `np.random.seed(seed)` (MT19937 `init_genrand`) and drops a
   * cached normal value. Without a seed (or with `undefined`, like
   * `np.random.seed(None)`) it reseeds from fresh entropy.
   *
   * @param seed An integer in [0, 2**32 - 1].
   */
  seed(seed?: number): void {
    if (seed === undefined) {
      this.#seedFromEntropy();
      return;
    }
    checkSeed("Generator.seed", seed);
    const mt = this.#mt;
    let s = seed >>> 0;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i) >>> 0;
      mt[i] = s;
    }
    this.#pos = N;
    this.#hasGauss = false;
    this.#gauss = 0;
  }

  /** Fills the state from `crypto.getRandomValues`, as NumPy does without a seed. */
  #seedFromEntropy(): void {
    const mt = this.#mt;
    crypto.getRandomValues(mt);
    mt[0] = UPPER_MASK | 0; // the top bit set: the state is never all zero
    this.#pos = N;
    this.#hasGauss = false;
    this.#gauss = 0;
  }

  /**
   * The next raw 32-bit output (`genrand_int32`), an integer in [0, 2**32).
   * Same as `np.random.randint(0, 2**32, dtype=np.uint64)`.
   */
  nextUint32(): number {
    if (this.#pos >= N) {
      twist(this.#mt);
      this.#pos = 0;
    }
    return temper(this.#mt[this.#pos++]) >>> 0;
  }

  /**
   * A double in [0, 1) with 53 random bits, like `np.random.rand()` /
   * `random_sample()`: two draws, `((a >>> 5) * 2**26 + (b >>> 6)) / 2**53`.
   */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A standard normal value, like `np.random.randn()`: NumPy's legacy polar
   * Box–Muller (`legacy_gauss`), which makes two values per round and keeps
   * the second for the next call. Bit-exact wherever `Math.log` rounds as the
   * C library's `log` does (see the module notes).
   */
  standardNormal(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      const g = this.#gauss;
      this.#gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /**
   * A normal value with the given mean and standard deviation, like
   * `np.random.normal(mean, std)`: `mean + std * standardNormal()`.
   */
  normal(mean = 0, std = 1): number {
    if (!(std >= 0)) {
      throw new RangeError(`Generator.normal: expected std >= 0, found ${describe(std)}`);
    }
    return mean + std * this.standardNormal();
  }

  /**
   * A double in [low, high), like `np.random.uniform(low, high)`:
   * `low + (high - low) * random()`.
   */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /**
   * An integer in [low, high), like `np.random.randint(low, high)`: masked
   * rejection sampling over `nextUint32`, so NumPy and this draw the same
   * words. A range of one value returns `low` without drawing.
   *
   * @param low The smallest value, a safe integer.
   * @param high One past the largest value; `high - low` at most 2**32, or a
   *   RangeError.
   */
  randint(low: number, high: number): number {
    const rng = checkRange("Generator.randint", low, high);
    if (rng === 0) return low;
    const mask = maskFor(rng);
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > rng);
    return low + v;
  }

  /** Fills `out` with `random()` values in order, like `np.random.rand(out.length)`. */
  fillRandom(out: Float64Array | Float32Array): void {
    this.#fillUniform(out, 0, 1);
  }

  /**
   * Fills `out` with `uniform(low, high)` values in order, like
   * `np.random.uniform(low, high, size)`.
   */
  fillUniform(out: Float64Array | Float32Array, low = 0, high = 1): void {
    checkFinite("Generator.fillUniform", "low", low);
    checkFinite("Generator.fillUniform", "high", high);
    this.#fillUniform(out, low, high - low);
  }

  /**
   * Fills `out` with `normal(mean, std)` values in order, like
   * `np.random.normal(mean, std, size)`; with the defaults, like
   * `np.random.randn(size)`. A Float32Array gets each double rounded to
   * float32, as `np.random.randn(size).astype(np.float32)`.
   */
  fillNormal(out: Float64Array | Float32Array, mean = 0, std = 1): void {
    checkFinite("Generator.fillNormal", "mean", mean);
    checkFinite("Generator.fillNormal", "std", std);
    if (std < 0) throw new RangeError(`Generator.fillNormal: expected std >= 0, found ${std}`);
    this.#fillNormal(out, mean, std);
  }

  /**
   * Fills `out` with `randint(low, high)` values in order, like
   * `np.random.randint(low, high, size)`. The values must fit the array:
   * for an Int32Array, low >= -2**31 and high <= 2**31.
   */
  fillRandint(out: Int32Array | Uint32Array | Float64Array, low: number, high: number): void {
    const rng = checkRange("Generator.fillRandint", low, high);
    if (out instanceof Int32Array && (low < -0x80000000 || high > 0x80000000)) {
      throw new RangeError(
        `Generator.fillRandint: expected [low, high) within int32 for an Int32Array, ` +
          `found [${low}, ${high})`,
      );
    }
    if (out instanceof Uint32Array && (low < 0 || high > 0x100000000)) {
      throw new RangeError(
        `Generator.fillRandint: expected [low, high) within uint32 for a Uint32Array, ` +
          `found [${low}, ${high})`,
      );
    }
    if (rng === 0) {
      out.fill(low);
      return;
    }
    const mask = maskFor(rng);
    for (let i = 0; i < out.length; i++) {
      let v: number;
      do {
        v = (this.nextUint32() & mask) >>> 0;
      } while (v > rng);
      out[i] = low + v;
    }
  }

  /**
   * Shuffles `x` in place like `np.random.shuffle(x)` on a 1-D array:
   * Fisher–Yates from the end, drawing `j` in [0, i] by masked rejection.
   */
  shuffle<T>(x: { length: number; [index: number]: T }): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.#interval(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /**
   * A random permutation of 0..n-1, like `np.random.permutation(n)`. To
   * shuffle the rows of a matrix as `np.random.shuffle(X)` does, gather the
   * rows in this order: `X[permutation(n)]`.
   */
  permutation(n: number): Int32Array {
    checkInteger("Generator.permutation", "n", n);
    if (n < 0 || n > 0x7fffffff) {
      throw new RangeError(`Generator.permutation: expected n in [0, 2**31 - 1], found ${n}`);
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** `out[i] = low + scale * random()`, with the state in locals. */
  #fillUniform(out: Float64Array | Float32Array, low: number, scale: number): void {
    const mt = this.#mt;
    let pos = this.#pos;
    const plain = low === 0 && scale === 1;
    for (let i = 0; i < out.length; i++) {
      if (pos >= N) {
        twist(mt);
        pos = 0;
      }
      const a = temper(mt[pos++]) >>> 5;
      if (pos >= N) {
        twist(mt);
        pos = 0;
      }
      const b = temper(mt[pos++]) >>> 6;
      const u = (a * 67108864 + b) / 9007199254740992;
      out[i] = plain ? u : low + scale * u;
    }
    this.#pos = pos;
  }

  /** `out[i] = mean + std * standardNormal()`, with the state in locals. */
  #fillNormal(out: Float64Array | Float32Array, mean: number, std: number): void {
    const n = out.length;
    const plain = mean === 0 && std === 1;
    let i = 0;
    if (n > 0 && this.#hasGauss) {
      out[i++] = plain ? this.#gauss : mean + std * this.#gauss;
      this.#hasGauss = false;
      this.#gauss = 0;
    }
    const mt = this.#mt;
    let pos = this.#pos;
    while (i < n) {
      let x1: number;
      let x2: number;
      let r2: number;
      do {
        // Four words: two doubles, as random() draws them.
        if (pos >= N) {
          twist(mt);
          pos = 0;
        }
        let a = temper(mt[pos++]) >>> 5;
        if (pos >= N) {
          twist(mt);
          pos = 0;
        }
        let b = temper(mt[pos++]) >>> 6;
        x1 = 2 * ((a * 67108864 + b) / 9007199254740992) - 1;
        if (pos >= N) {
          twist(mt);
          pos = 0;
        }
        a = temper(mt[pos++]) >>> 5;
        if (pos >= N) {
          twist(mt);
          pos = 0;
        }
        b = temper(mt[pos++]) >>> 6;
        x2 = 2 * ((a * 67108864 + b) / 9007199254740992) - 1;
        r2 = x1 * x1 + x2 * x2;
      } while (r2 >= 1 || r2 === 0);
      const f = Math.sqrt(-2 * Math.log(r2) / r2);
      out[i++] = plain ? f * x2 : mean + std * (f * x2);
      if (i < n) {
        out[i++] = plain ? f * x1 : mean + std * (f * x1);
      } else {
        this.#gauss = f * x1;
        this.#hasGauss = true;
      }
    }
    this.#pos = pos;
  }

  /** NumPy's `random_interval(max)`: an integer in [0, max], max < 2**32. */
  #interval(max: number): number {
    if (max === 0) return 0;
    const mask = maskFor(max);
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }
}

const defaultGen: Generator = new Generator();

/**
 * Seeds the module's default generator, like `np.random.seed(seed)` or
 * `torch.manual_seed(seed)`: afterwards the default generator draws what
 * NumPy draws after `np.random.seed(seed)`.
 *
 * Chapter: 4.6 tensors; np.random.seed as in Part4-2 and Part4-3.
 *
 * @param seed An integer in [0, 2**32 - 1]; a non-integer is a TypeError,
 *   an integer out of range a RangeError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultGenerator, Generator, manualSeed } from "./random.ts";
 *
 * manualSeed(42); // np.random.seed(42)
 * const x = defaultGenerator().random(); // np.random.rand()
 * if (x !== 0.3745401188473625) throw new Error(`rand after seed 42: ${x}`);
 * if (x !== new Generator(42).random()) throw new Error("default differs from Generator(42)");
 *
 * try {
 *   manualSeed(NaN);
 *   throw new Error("NaN was accepted");
 * } catch (e) {
 *   assert(e instanceof TypeError, String(e));
 * }
 * ```
 */
export function manualSeed(seed: number): void {
  checkSeed("manualSeed", seed);
  defaultGen.seed(seed);
}

/**
 * The module's default generator, used wherever no generator is passed. At
 * load it is seeded from `crypto.getRandomValues`, like NumPy's unseeded
 * state; `manualSeed` reseeds it.
 *
 * Chapter: 4.6 tensors; np.random.seed as in Part4-2 and Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultGenerator, Generator, manualSeed } from "./random.ts";
 *
 * assert(defaultGenerator() instanceof Generator);
 * manualSeed(1);
 * const a = defaultGenerator().standardNormal(); // np.random.seed(1); np.random.randn()
 * manualSeed(1);
 * const b = defaultGenerator().standardNormal();
 * if (a !== b || a !== 1.6243453636632417) throw new Error(`randn after seed 1: ${a}, ${b}`);
 * ```
 */
export function defaultGenerator(): Generator {
  return defaultGen;
}
