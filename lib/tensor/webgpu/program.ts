/**
 * A kernel as the backend runs it: its operands (tensors' storage), its
 * parameters (a uniform block), and its WGSL body. This file writes the parts
 * every shader shares: the parameter struct, the bindings, and the accessor
 * functions `x_ld(i)`, `out_st(i, v)`, `out_add(i, v)` through which a body reads
 * and writes elements. An operand held in several buffers (segments, see
 * `storage.ts`) is bound once per segment and its accessors pick the segment,
 * so a body never knows how big its tensors are.
 *
 * Pipelines are cached by their source: a shape only changes parameters, so
 * each kernel compiles once per dtype, op and rank.
 *
 * @module
 */

import type { GpuStorage } from "./storage.ts";

/** WGSL scalar types of elements and parameters. */
export type WgslScalar = "f32" | "i32" | "u32";

/** A tensor a kernel reads or writes. */
export interface Operand {
  /** The WGSL name stem: accessors are `<name>_ld`, `<name>_st`, `<name>_add`. */
  name: string;
  /** The storage bound. */
  storage: GpuStorage;
  /** How the shader sees an element (u32 moves bits without caring what they mean). */
  type: WgslScalar;
  /** `read`: `_ld`; `write`: `_ld` and `_st`; `atomic`: `_add` (a float add by compare-exchange). */
  access: "read" | "write" | "atomic";
  /** Bind as `array<vec4<T>>`, adding `_ld4(q)` / `_st4(q, v)` on groups of four elements. */
  vec4?: boolean;
}

/** A named value in the kernel's uniform block, read as `p.<name>`. */
export interface Param {
  /** The field name. */
  name: string;
  /** Its WGSL type. */
  type: WgslScalar;
  /** Its value. */
  value: number;
}

/** Everything needed to run one kernel once. */
export interface Kernel {
  /** The shader's label, in error messages and `NN_DEBUG=wgsl` output. */
  label: string;
  /** The tensors bound, in binding order. */
  operands: readonly Operand[];
  /** The uniform parameters. */
  params: readonly Param[];
  /** Invocations per workgroup (one dimension). */
  workgroupSize: number;
  /** How many workgroups to run (the backend spreads them over x and y). */
  workgroups: number;
  /**
   * WGSL defining `fn run(wg: u32, li: u32)`, called once per invocation with
   * the workgroup's linear index and the invocation's index inside it.
   */
  code: string;
}

/** A compiled kernel and what binding it needs. */
export interface CompiledKernel {
  /** The pipeline. */
  pipeline: GPUComputePipeline;
  /** Its bind group layout: binding 0 the parameters, then the operands' segments. */
  layout: GPUBindGroupLayout;
}

/** The generated source and how each storage binding is used (true: written). */
export interface KernelSource {
  /** The complete WGSL. */
  source: string;
  /** Per storage binding (after the uniform), whether it is writable. */
  writable: boolean[];
}

/** The bytes of the uniform block of `params` (with the leading workgroup count). */
export function paramBytes(params: readonly Param[], workgroups: number): Uint8Array {
  const words = 1 + params.length;
  const bytes = new Uint8Array(Math.ceil(words / 4) * 16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, workgroups, true);
  params.forEach((p, i) => {
    const at = 4 * (i + 1);
    if (p.type === "f32") view.setFloat32(at, p.value, true);
    else if (p.type === "i32") view.setInt32(at, p.value, true);
    else view.setUint32(at, p.value, true);
  });
  return bytes;
}

/**
 * Functions every kernel may use: precise log1p/expm1/tanh where the built-ins
 * lose digits, and tests on a float's bits. WGSL lets a compiler assume that no
 * NaN or infinity occurs (llvmpipe does: `select(v, 0.0, v < 0.0)` became
 * max(v, 0), turning NaN and -0 into 0), and it may flush denormals to zero, so
 * what must hold for those values is decided on the bits, which no compiler
 * may assume anything about.
 */
const PRELUDE = `
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// x < 0 without NaN (a NaN's sign bit may be set) and without -0.
fn below0_(x: f32) -> bool { let u = bitcast<u32>(x); return u > 0x80000000u && u <= 0xff800000u; }
// A NaN, and an infinity of the given sign, made at run time (a constant NaN or
// infinity is a shader-creation error in WGSL).
fn nan_(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) | 0x7fc00000u); }
fn inf_(negative: bool) -> f32 { return bitcast<f32>(select(0x7f800000u, 0xff800000u, negative)); }
fn neg_(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ 0x80000000u); }
// log(1 + x) and e^x - 1 for small x by their series (Horner's form keeps -0):
// Kahan's tricks, log(u)·x/(u - 1), fall to fast math, which folds (1 + x) - 1 to
// x (llvmpipe gave log1p(1e-7) = 1.19e-7). Past |x| = 0.05 the plain formulas
// lose at most 1.2e-6 of the result.
fn log1p_(x: f32) -> f32 {
  if (abs(x) < 0.05) {
    return x * (1.0 + x * (-0.5 + x * (0.33333333 + x * (-0.25 + x * (0.2 + x * (-0.16666667 +
      x * (0.14285714 - x * 0.125)))))));
  }
  return log(1.0 + x);
}
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 0.05) {
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666668 + x * (0.008333334 +
      x * 0.0013888889)))));
  }
  return exp(x) - 1.0;
}
fn tanh_(x: f32) -> f32 {
  if (x == 0.0) { return x; } // keeps -0 (sign(-0) is +0)
  let e = expm1_(-2.0 * abs(x));
  return -sign(x) * e / (e + 2.0);
}
`;

/**
 * The complete WGSL of `kernel`: its parameters, one binding per buffer of each
 * operand (a tensor held in segments has several), the accessors, its body.
 */
export function kernelSource(kernel: Kernel): KernelSource {
  const lines: string[] = [`// ${kernel.label}`];
  const fields = ["_wgs: u32", ...kernel.params.map((p) => `${p.name}: ${p.type}`)];
  lines.push(`struct Params { ${fields.join(", ")} }`);
  lines.push("@group(0) @binding(0) var<uniform> p: Params;");
  const writable: boolean[] = [];
  let binding = 1;
  for (const op of kernel.operands) {
    const count = op.storage.buffers.length;
    const element = op.access === "atomic"
      ? `atomic<${op.type === "i32" ? "i32" : "u32"}>`
      : op.vec4
      ? `vec4<${op.type}>`
      : op.type;
    const mode = op.access === "read" ? "read" : "read_write";
    for (let s = 0; s < count; s++) {
      lines.push(
        `@group(0) @binding(${binding++}) var<storage, ${mode}> ${op.name}_${s}: array<${element}>;`,
      );
      writable.push(op.access !== "read");
    }
    lines.push(...accessors(op, count, op.storage.segment));
  }
  lines.push(PRELUDE, kernel.code);
  lines.push(`@compute @workgroup_size(${kernel.workgroupSize})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let wg = wid.y * nwg.x + wid.x;
  if (wg >= p._wgs) { return; }
  run(wg, li);
}`);
  return { source: lines.join("\n"), writable };
}

/**
 * A function body that sends index `index` (in units of `window` per segment)
 * to segment k as `pick(k, j)` with j the index inside it.
 */
function bySegment(
  count: number,
  window: number,
  index: string,
  pick: (k: number, j: string) => string,
): string {
  if (count === 1) return pick(0, index);
  const lines = [`let s = ${index} / ${window}u; let j = ${index} - s * ${window}u;`];
  for (let k = 0; k < count - 1; k++) lines.push(`if (s == ${k}u) { ${pick(k, "j")} }`);
  lines.push(pick(count - 1, "j"));
  return lines.join("\n  ");
}

function accessors(op: Operand, count: number, segment: number): string[] {
  const { name, type } = op;
  const out: string[] = [];
  if (op.access === "atomic") {
    for (let k = 0; k < count; k++) {
      const ref = `&${name}_${k}[j]`;
      out.push(
        type === "i32"
          ? `fn ${name}_add${k}(j: u32, v: i32) { atomicAdd(${ref}, v); }`
          : `fn ${name}_add${k}(j: u32, v: f32) {
  var old = atomicLoad(${ref});
  loop {
    let r = atomicCompareExchangeWeak(${ref}, old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`,
      );
    }
    out.push(
      `fn ${name}_add(i: u32, v: ${type}) {\n  ${
        bySegment(count, segment, "i", (k, j) => `${name}_add${k}(${j}, v); return;`)
      }\n}`,
    );
    return out;
  }
  if (op.vec4) {
    const w4 = segment / 4;
    out.push(
      `fn ${name}_ld4(q: u32) -> vec4<${type}> {\n  ${
        bySegment(count, w4, "q", (k, j) => `return ${name}_${k}[${j}];`)
      }\n}`,
      `fn ${name}_ld(i: u32) -> ${type} { return ${name}_ld4(i >> 2u)[i & 3u]; }`,
    );
    if (op.access === "write") {
      out.push(
        `fn ${name}_st4(q: u32, v: vec4<${type}>) {\n  ${
          bySegment(count, w4, "q", (k, j) => `${name}_${k}[${j}] = v; return;`)
        }\n}`,
        `fn ${name}_st(i: u32, v: ${type}) {\n  ${
          bySegment(
            count,
            segment,
            "i",
            (k, j) => `${name}_${k}[${j} >> 2u][${j} & 3u] = v; return;`,
          )
        }\n}`,
      );
    }
    return out;
  }
  out.push(
    `fn ${name}_ld(i: u32) -> ${type} {\n  ${
      bySegment(count, segment, "i", (k, j) => `return ${name}_${k}[${j}];`)
    }\n}`,
  );
  if (op.access === "write") {
    out.push(
      `fn ${name}_st(i: u32, v: ${type}) {\n  ${
        bySegment(count, segment, "i", (k, j) => `${name}_${k}[${j}] = v; return;`)
      }\n}`,
    );
  }
  return out;
}

/** Compiled pipelines by source, compiled inside an error scope so a bad shader names itself. */
export class PipelineCache {
  readonly #device: GPUDevice;
  readonly #printSource: boolean;
  readonly #onError: (error: Promise<Error | null>) => void;
  #cache = new Map<string, CompiledKernel>();

  /**
   * A cache on `device`; `printSource` prints each new shader (NN_DEBUG=wgsl);
   * `onError` receives the promise of each compilation's error.
   */
  constructor(
    device: GPUDevice,
    printSource: boolean,
    onError: (error: Promise<Error | null>) => void,
  ) {
    this.#device = device;
    this.#printSource = printSource;
    this.#onError = onError;
  }

  /** The number of distinct shaders compiled so far. */
  get size(): number {
    return this.#cache.size;
  }

  /** The pipeline for `source` (compiled the first time it is asked for). */
  get(label: string, { source, writable }: KernelSource): CompiledKernel {
    const hit = this.#cache.get(source);
    if (hit !== undefined) return hit;
    if (this.#printSource) console.error(`// ---- NN_DEBUG=wgsl: shader "${label}"\n${source}`);
    const device = this.#device;
    device.pushErrorScope("validation");
    const layout = device.createBindGroupLayout({
      label,
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform" } },
        ...writable.map((w, i) => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: (w ? "storage" : "read-only-storage") as GPUBufferBindingType },
        })),
      ],
    });
    const module = device.createShaderModule({ label, code: source });
    const pipeline = device.createComputePipeline({
      label,
      layout: device.createPipelineLayout({ label, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: "main" },
    });
    this.#onError(
      device.popErrorScope().then((e) =>
        e === null ? null : new Error(
          `webgpu: the shader "${label}" did not compile or validate: ${e.message.trim()}`,
        )
      ),
    );
    const compiled = { pipeline, layout };
    this.#cache.set(source, compiled);
    return compiled;
  }
}
