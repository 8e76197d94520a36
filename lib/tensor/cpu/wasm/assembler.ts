/**
 * A small WebAssembly assembler: just enough of the binary format to write
 * the CPU backend's kernels (`kernels.ts`) in TypeScript and get the bytes of
 * a module, with no tool to install.
 *
 * Code is written as nested calls that read like WebAssembly's folded text
 * format: `f32x4.add(v128.load(p), v128.load(q))` is `(f32x4.add (v128.load
 * …) (v128.load …))`. Each call returns the instruction's bytes after its
 * operands' bytes, so an expression flattens into the stack machine's order.
 * Loops and conditions come as small helpers that keep branch depths out of
 * the kernels.
 *
 * Opcodes follow the WebAssembly 2.0 specification, its fixed-width SIMD
 * proposal and the relaxed-SIMD proposal.
 *
 * @module
 */

/** The value types a local, a parameter or a result can have. */
export type ValType = "i32" | "f32" | "f64" | "v128";

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Code: bytes, or pieces of code, in the order the machine runs them. */
export type Code = number | readonly Code[];

/** A local variable or parameter of a function under construction. */
export interface Local {
  /** Its index among the function's parameters and locals. */
  readonly index: number;
  /** Its type. */
  readonly type: ValType;
}

/**
 * The bytes of `code`, flattened.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten } from "./assembler.ts";
 * assert.deepEqual(flatten([1, [2, [3]], 4]), [1, 2, 3, 4]);
 * ```
 */
export function flatten(code: Code, out: number[] = []): number[] {
  if (typeof code === "number") out.push(code);
  else for (const piece of code) flatten(piece, out);
  return out;
}

/**
 * `n` as an unsigned LEB128 number: 7 bits a byte, low bits first.
 *
 * @example The WebAssembly specification's example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uleb } from "./assembler.ts";
 * assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
 * ```
 */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/**
 * `n` (a 32-bit integer) as a signed LEB128 number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleb } from "./assembler.ts";
 * assert.deepEqual(sleb(-1), [0x7f]);
 * assert.deepEqual(sleb(64), [0xc0, 0x00]); // bit 6 set would read as negative
 * ```
 */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A string as the binary format writes names: its UTF-8 length, then its bytes. */
function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** A vector of entries: their count, then each. */
function vec(entries: readonly number[][]): number[] {
  return [...uleb(entries.length), ...entries.flat()];
}

/** A memory access immediate: log2 of the alignment hint and a constant byte offset. */
function memarg(align: number, offset: number): number[] {
  return [...uleb(align), ...uleb(offset)];
}

// ---- Instructions ---------------------------------------------------------

/**
 * Reads a local (`local.get`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten, get } from "./assembler.ts";
 * assert.deepEqual(flatten(get({ index: 2, type: "i32" })), [0x20, 2]);
 * ```
 */
export const get = (l: Local): Code => [0x20, uleb(l.index)];

/**
 * Writes a local (`local.set`): the value's code, then the instruction.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten, i32, set } from "./assembler.ts";
 * assert.deepEqual(flatten(set({ index: 0, type: "i32" }, i32.const(5))), [0x41, 5, 0x21, 0]);
 * ```
 */
export const set = (l: Local, value: Code): Code => [value, 0x21, uleb(l.index)];

/**
 * Calls function `index` with `args`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { call, flatten, i32 } from "./assembler.ts";
 * assert.deepEqual(flatten(call(3, i32.const(1))), [0x41, 1, 0x10, 3]);
 * ```
 */
export const call = (index: number, ...args: Code[]): Code => [args, 0x10, uleb(index)];

/**
 * `cond ? a : b` (`select`); both are evaluated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten, i32, select } from "./assembler.ts";
 * const code = select(i32.const(1), i32.const(7), i32.const(8));
 * assert.deepEqual(flatten(code), [0x41, 7, 0x41, 8, 0x41, 1, 0x1b]);
 * ```
 */
export const select = (cond: Code, a: Code, b: Code): Code => [a, b, cond, 0x1b];

const op = (code: number) => (...args: Code[]): Code => [args, code];
const load = (code: number, align: number) => (addr: Code, offset = 0): Code => [
  addr,
  code,
  memarg(align, offset),
];
const store = (code: number, align: number) => (addr: Code, value: Code, offset = 0): Code => [
  addr,
  value,
  code,
  memarg(align, offset),
];

/** 32-bit integer instructions. */
export const i32 = {
  const: (v: number): Code => [0x41, sleb(v)],
  load: load(0x28, 2),
  store: store(0x36, 2),
  eqz: op(0x45),
  eq: op(0x46),
  ne: op(0x47),
  lt_s: op(0x48),
  lt_u: op(0x49),
  gt_s: op(0x4a),
  le_s: op(0x4c),
  ge_s: op(0x4e),
  add: op(0x6a),
  sub: op(0x6b),
  mul: op(0x6c),
  div_s: op(0x6d),
  and: op(0x71),
  or: op(0x72),
  shl: op(0x74),
  shr_s: op(0x75),
};

/** Single-precision float instructions. */
export const f32 = {
  const: (v: number): Code => [0x43, [...new Uint8Array(new Float32Array([v]).buffer)]],
  load: load(0x2a, 2),
  store: store(0x38, 2),
  eq: op(0x5b),
  lt: op(0x5d),
  gt: op(0x5e),
  le: op(0x5f),
  ge: op(0x60),
  abs: op(0x8b),
  neg: op(0x8c),
  sqrt: op(0x91),
  add: op(0x92),
  sub: op(0x93),
  mul: op(0x94),
  div: op(0x95),
  demote_f64: op(0xb6),
};

/** Double-precision float instructions. */
export const f64 = {
  const: (v: number): Code => [0x44, [...new Uint8Array(new Float64Array([v]).buffer)]],
  load: load(0x2b, 3),
  store: store(0x39, 3),
  eq: op(0x61),
  lt: op(0x63),
  gt: op(0x64),
  le: op(0x65),
  ge: op(0x66),
  abs: op(0x99),
  neg: op(0x9a),
  sqrt: op(0x9f),
  add: op(0xa0),
  sub: op(0xa1),
  mul: op(0xa2),
  div: op(0xa3),
  promote_f32: op(0xbb),
};

/** A SIMD instruction: the 0xfd prefix and its number. */
const simd = (code: number) => (...args: Code[]): Code => [args, 0xfd, uleb(code)];
const simdLoad = (code: number, align: number) => (addr: Code, offset = 0): Code => [
  addr,
  0xfd,
  uleb(code),
  memarg(align, offset),
];

/** 128-bit vector instructions that do not care about lanes. */
export const v128 = {
  load: simdLoad(0x00, 4),
  load32_splat: simdLoad(0x09, 2),
  load64_splat: simdLoad(0x0a, 3),
  store: (addr: Code, value: Code, offset = 0): Code => [
    addr,
    value,
    0xfd,
    uleb(0x0b),
    memarg(4, offset),
  ],
  and: simd(0x4e),
  /** Each bit from `a` where `mask` has a 1, else from `b`. */
  bitselect: simd(0x52),
};

/** Four single-precision lanes. */
export const f32x4 = {
  splat: simd(0x13),
  extract_lane: (v: Code, lane: number): Code => [v, 0xfd, uleb(0x1f), lane],
  /** Comparisons give all-ones lanes where they hold, zeros elsewhere. */
  eq: simd(0x41),
  lt: simd(0x43),
  gt: simd(0x44),
  le: simd(0x45),
  ge: simd(0x46),
  abs: simd(0xe0),
  neg: simd(0xe1),
  sqrt: simd(0xe3),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  /** `b < a ? b : a`, NaN from `a` kept (JavaScript's `a < b ? …` order). */
  pmin: simd(0xea),
  /** `a < b ? b : a`. */
  pmax: simd(0xeb),
  /** `a·b + c`, fused where the hardware has it (relaxed SIMD). */
  relaxed_madd: simd(0x105),
};

/** Four 32-bit integer lanes. */
export const i32x4 = {
  /** Shifts each lane right by `bits` (an i32), copying the sign bit. */
  shr_s: simd(0xac),
  sub: simd(0xb1),
  /** Two f64 lanes truncated towards zero into lanes 0 and 1 (saturating; NaN gives 0), 2 and 3 zero. */
  trunc_sat_f64x2_s_zero: simd(0xfc),
};

/** Two 64-bit integer lanes. */
export const i64x2 = {
  /** Both lanes `n` (a constant). */
  splat_const: (n: number): Code => [0x42, sleb(n), 0xfd, uleb(0x12)],
  /** Lanes 0 and 1 of an i32x4, sign-extended. */
  extend_low_i32x4_s: simd(0xc7),
  /** Shifts each lane left by `bits` (an i32). */
  shl: simd(0xcb),
  add: simd(0xce),
};

/** Two double-precision lanes. */
export const f64x2 = {
  splat: simd(0x14),
  extract_lane: (v: Code, lane: number): Code => [v, 0xfd, uleb(0x21), lane],
  eq: simd(0x47),
  lt: simd(0x49),
  gt: simd(0x4a),
  le: simd(0x4b),
  ge: simd(0x4c),
  abs: simd(0xec),
  neg: simd(0xed),
  sqrt: simd(0xef),
  add: simd(0xf0),
  sub: simd(0xf1),
  mul: simd(0xf2),
  div: simd(0xf3),
  pmin: simd(0xf6),
  pmax: simd(0xf7),
  /** Each lane rounded to the nearest integer, ties to even. */
  nearest: simd(0x94),
  relaxed_madd: simd(0x107),
};

// ---- Control ----------------------------------------------------------------

const BLOCK_EMPTY = 0x40;

/**
 * Runs `then` when `cond` is non-zero, else `otherwise` (`if … else … end`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten, i32, ifThen } from "./assembler.ts";
 * const code = ifThen(i32.const(1), i32.const(2), i32.const(3));
 * assert.deepEqual(flatten(code), [0x41, 1, 0x04, 0x40, 0x41, 2, 0x05, 0x41, 3, 0x0b]);
 * ```
 */
export function ifThen(cond: Code, then: Code, otherwise?: Code): Code {
  return otherwise === undefined
    ? [cond, 0x04, BLOCK_EMPTY, then, 0x0b]
    : [cond, 0x04, BLOCK_EMPTY, then, 0x05, otherwise, 0x0b];
}

/**
 * `for (i = from; i < to; i += step) body`, with `to` evaluated before each
 * pass (keep it a local or a constant). `body` must not branch out of itself.
 * The example of {@linkcode ModuleBuilder} runs one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten, forLoop, i32 } from "./assembler.ts";
 * const i = { index: 0, type: "i32" } as const;
 * const bytes = flatten(forLoop(i, i32.const(0), i32.const(3), i32.const(1), []));
 * const more = [0x20, 0, 0x41, 3, 0x48]; // i < 3
 * assert.deepEqual(bytes, [
 *   [0x41, 0, 0x21, 0], // i = 0
 *   [more, 0x04, 0x40], // if (i < 3)
 *   [0x03, 0x40, 0x20, 0, 0x41, 1, 0x6a, 0x21, 0], //   loop: (body) i += 1
 *   [more, 0x0d, 0, 0x0b, 0x0b], //   while (i < 3)
 * ].flat(2));
 * ```
 */
export function forLoop(i: Local, from: Code, to: Code, step: Code, body: Code): Code {
  const more = i32.lt_s(get(i), to);
  return [
    set(i, from),
    ifThen(more, [0x03, BLOCK_EMPTY, body, set(i, i32.add(get(i), step)), more, 0x0d, 0, 0x0b]),
  ];
}

// ---- Functions and the module ---------------------------------------------------

/** What a function's body is written with: its parameters and a way to add locals. */
export interface FunctionScope<Name extends string = string> {
  /** The parameters, by name. */
  readonly params: Record<Name, Local>;
  /** A new local of `type`. */
  local(type: ValType): Local;
}

interface FunctionDef {
  name: string;
  exported: boolean;
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: number[];
}

/**
 * Builds a module that imports one shared memory (`env.memory`) and defines
 * functions; `bytes()` gives the binary.
 *
 * @example sum(n) = 0 + 1 + … + (n - 1)
 * ```ts
 * import assert from "node:assert/strict";
 * import { forLoop, get, i32, ModuleBuilder, set } from "./assembler.ts";
 * const m = new ModuleBuilder({ initial: 1, maximum: 1 });
 * m.func("sum", { n: "i32" }, ["i32"], ({ params: { n }, local }) => {
 *   const i = local("i32"), total = local("i32");
 *   return [
 *     forLoop(i, i32.const(0), get(n), i32.const(1), set(total, i32.add(get(total), get(i)))),
 *     get(total),
 *   ];
 * });
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * const { exports } = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), {
 *   env: { memory },
 * });
 * assert.equal((exports.sum as (n: number) => number)(10), 45);
 * ```
 */
export class ModuleBuilder {
  #functions: FunctionDef[] = [];
  #memory: { initial: number; maximum: number };

  /** A module importing a shared memory of `initial` to `maximum` 64 KiB pages. */
  constructor(memory: { initial: number; maximum: number }) {
    this.#memory = memory;
  }

  /**
   * Adds a function and returns its index (for `call`). `params` names the
   * parameters in order; `body` receives them and makes the code.
   */
  func<Name extends string>(
    name: string,
    params: Record<Name, ValType>,
    results: ValType[],
    body: (scope: FunctionScope<Name>) => Code,
    exported = true,
  ): number {
    const types: ValType[] = Object.values(params);
    const locals: ValType[] = [];
    const named = {} as Record<Name, Local>;
    (Object.keys(params) as Name[]).forEach((key, index) => {
      named[key] = { index, type: params[key] };
    });
    const scope: FunctionScope<Name> = {
      params: named,
      local(type) {
        locals.push(type);
        return { index: types.length + locals.length - 1, type };
      },
    };
    const code = flatten(body(scope));
    this.#functions.push({ name, exported, params: types, results, locals, body: code });
    return this.#functions.length - 1;
  }

  /** The module's binary. */
  bytes(): Uint8Array<ArrayBuffer> {
    const fns = this.#functions;
    // One type per function: simple, and the engine deduplicates them anyway.
    const types = fns.map((f) => [
      0x60,
      ...vec(f.params.map((t) => [VALTYPE[t]])),
      ...vec(f.results.map((t) => [VALTYPE[t]])),
    ]);
    const { initial, maximum } = this.#memory;
    // Limits flag 0x03: a maximum is given and the memory is shared.
    const memoryImport = [...name("env"), ...name("memory"), 0x02, 0x03, ...uleb(initial)];
    memoryImport.push(...uleb(maximum));
    const exports = fns.flatMap((f, i) => f.exported ? [[...name(f.name), 0x00, ...uleb(i)]] : []);
    const bodies = fns.map((f) => {
      // Locals as runs of one type: [count, type] pairs.
      const runs: number[][] = [];
      for (const t of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === VALTYPE[t]) last[0]++;
        else runs.push([1, VALTYPE[t]]);
      }
      const content = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
      return [...uleb(content.length), ...content];
    });
    const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
    return new Uint8Array([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
      ...section(1, vec(types)),
      ...section(2, vec([memoryImport])),
      ...section(3, vec(fns.map((_, i) => uleb(i)))),
      ...section(7, vec(exports)),
      ...section(10, vec(bodies)),
    ]);
  }
}
