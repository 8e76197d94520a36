/**
 * The WebGPU backend: the primitives of `backend.ts` as WGSL compute shaders.
 *
 * Every primitive records a kernel and returns at once; nothing waits for the
 * GPU until a value is read (`read`, behind `await t.data()`), which submits
 * the queue and maps a staging buffer. Buffers come from a pool by size class
 * and go back when the last tensor using them is disposed. Tensors larger
 * than one storage binding are held in several buffers and every kernel reads
 * them through segment-aware accessors, so nothing is silently cut off at
 * `maxStorageBufferBindingSize`.
 *
 * float64 is not available in WGSL: such tensors are a TypeError here.
 * Random numbers are drawn on the CPU and uploaded (`create.ts`), so a seed
 * gives the same tensors on both backends.
 *
 * @module
 */

import type {
  Backend,
  BinaryOp,
  MatmulSpec,
  ReduceOp,
  ScanOp,
  Storage,
  UnaryOp,
  View,
} from "../backend.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { broadcastStrides, type Shape, sizeOf } from "../shape.ts";
import { describeAdapter, isSoftwareAdapter, openDevice } from "./device.ts";
import { BufferPool, STORAGE_USAGE } from "./pool.ts";
import { type Kernel, kernelSource, paramBytes, PipelineCache } from "./program.ts";
import { Recorder } from "./recorder.ts";
import { type GpuDType, GpuStorage, segmentCount } from "./storage.ts";
import {
  binaryKernel,
  castKernel,
  copyKernel,
  fillZeroKernel,
  unaryKernel,
  whereKernel,
} from "./kernels/elementwise.ts";
import {
  argCombineKernel,
  OVERFLOW_CODES,
  OVERFLOW_WORD,
  reduceChunks,
  reduceKernel,
} from "./kernels/reduce.ts";
import { matmulKernel, splitK } from "./kernels/matmul.ts";
import { scanKernel } from "./kernels/scan.ts";
import { gatherKernel, labelCheckKernel, scatterAddKernel } from "./kernels/gather.ts";

/** Options of the WebGPU backend. */
export interface WebGpuOptions {
  /** Print each shader's WGSL the first time it is compiled (`NN_DEBUG=wgsl`). */
  printShaders?: boolean;
  /**
   * The largest buffer one tensor piece may take, in bytes (default: the
   * device's `maxStorageBufferBindingSize`). Tests lower it to run the
   * segmented paths on small tensors.
   */
  maxSegmentBytes?: number;
  /** Bytes of free buffers the pool may keep for reuse (default 256 MiB). */
  maxPooledBytes?: number;
}

const FLOAT64 = "webgpu: float64 tensors are not supported (WGSL has no 64-bit floats); " +
  'use dtype "float32" on this backend, or setBackend("cpu") for float64';

/** What an int32 overflow's code (see `kernels/reduce.ts`) names: the op and its result. */
const OVERFLOWED: Record<number, [string, string]> = {
  [OVERFLOW_CODES.sum]: ["sum", "sum"],
  [OVERFLOW_CODES.prod]: ["prod", "product"],
  [OVERFLOW_CODES.cumsum]: ["cumsum", "running sum"],
  [OVERFLOW_CODES.cumprod]: ["cumprod", "running product"],
};

/** The RangeError of an int32 result that left the int32 range on the GPU. */
function overflowError(code: number): RangeError {
  const [op, what] = OVERFLOWED[code] ?? ["an int32 op", "result"];
  return new RangeError(
    `${op}: an int32 ${what} left the int32 range [-2147483648, 2147483647] on the GPU ` +
      `(never wrapped silently; it was computed there without waiting, so this read reports ` +
      `it); ${op} x.astype("float32") (or "float64" on the CPU) for a wider result`,
  );
}

/** Splits `shape` around `axis` into [outer, size, inner]. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** The GPU backend. Make one with `WebGpuBackend.create` (or `setBackend("webgpu")`). */
export class WebGpuBackend implements Backend {
  /** Always `"webgpu"`. */
  readonly name = "webgpu" as const;
  /** The adapter's name (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"). */
  readonly adapterName: string;
  /** Whether the adapter is a software rasteriser rather than a GPU. */
  readonly software: boolean;
  /** The device the kernels run on. */
  readonly device: GPUDevice;
  /** Elements per buffer of a tensor held in pieces. */
  readonly segment: number;
  readonly #pool: BufferPool;
  readonly #recorder: Recorder;
  readonly #pipelines: PipelineCache;
  readonly #staging: GPUBuffer[] = [];
  #held = 0;
  #lost: GPUDeviceLostInfo | null = null;
  /**
   * Where kernels flag an error the GPU cannot throw (made on first use), 8
   * int32: words 0-2 a label out of range (`checkLabels`: 1, classes, label),
   * word 4 an int32 sum, product or running one out of range (its code, see
   * `kernels/reduce.ts`). The next read copies it back and throws.
   */
  #errorFlag: GpuStorage | null = null;
  /** Whether a kernel that may raise the flag was recorded since the last read copied it back. */
  #flagArmed = false;

  private constructor(adapter: GPUAdapter, device: GPUDevice, options: WebGpuOptions) {
    this.adapterName = describeAdapter(adapter);
    this.software = isSoftwareAdapter(adapter);
    this.device = device;
    const limits = device.limits;
    const bytes = Math.min(
      limits.maxStorageBufferBindingSize,
      limits.maxBufferSize,
      options.maxSegmentBytes ?? Infinity,
    );
    this.segment = Math.max(4, Math.floor(bytes / 16) * 4);
    this.#pool = new BufferPool(device, options.maxPooledBytes ?? 256 * 2 ** 20);
    this.#recorder = new Recorder(device, () => this.#pool.submitted());
    this.#pipelines = new PipelineCache(
      device,
      options.printShaders ?? false,
      (e) => this.#recorder.watch(e),
    );
    device.addEventListener("uncapturederror", (event) => {
      this.#recorder.fail((event as GPUUncapturedErrorEvent).error);
    });
    device.lost.then((info) => {
      this.#lost = info;
      this.#pool.clear();
      // Destroyed on purpose is no news; lost to the driver is, even before the next op says so.
      if (info.reason !== "destroyed") {
        console.error(`nn: the WebGPU device was lost (${info.reason}): ${info.message}`);
      }
    });
  }

  /** A backend on a new device of `adapter`. */
  static async create(adapter: GPUAdapter, options: WebGpuOptions = {}): Promise<WebGpuBackend> {
    return new WebGpuBackend(adapter, await openDevice(adapter), options);
  }

  /** Whether the device is gone (lost or destroyed); every call then throws. */
  get lost(): boolean {
    return this.#lost !== null;
  }

  /** The number of distinct shaders compiled so far. */
  get shaderCount(): number {
    return this.#pipelines.size;
  }

  // ---- Memory ---------------------------------------------------------------

  #alive(): void {
    if (this.#lost !== null) {
      const { reason, message } = this.#lost;
      throw new Error(
        `webgpu: the GPU device was lost (${reason}${message ? `: ${message.trim()}` : ""}); ` +
          'call setBackend("webgpu") again for a new device, and make the tensors again',
      );
    }
  }

  #storage(s: Storage): GpuStorage {
    if (!(s instanceof GpuStorage) || s.owner !== this) {
      throw new TypeError(
        "webgpu: expected a tensor made on this WebGPU device, found storage of another " +
          "backend or device (make the tensors after setBackend)",
      );
    }
    if (s.released) {
      throw new Error("webgpu: the tensor's GPU memory was freed (by dispose() or tidy())");
    }
    return s;
  }

  #dtype(dtype: DType): GpuDType {
    if (dtype === "float64") throw new TypeError(FLOAT64);
    return dtype;
  }

  /** New storage; an upload needs buffers no waiting command uses (see pool.ts). */
  #alloc(dtype: DType, size: number, forUpload = false, host: Int32Array | null = null) {
    this.#alive();
    const d = this.#dtype(dtype);
    const count = segmentCount(size, this.segment);
    const buffers: GPUBuffer[] = [];
    for (let i = 0; i < count; i++) {
      const elements = Math.min(this.segment, size - i * this.segment);
      const buffer = this.#pool.acquire(Math.max(elements, 0) * 4, forUpload);
      this.#held += buffer.size;
      buffers.push(buffer);
    }
    return new GpuStorage(d, size, this.segment, buffers, this, host);
  }

  /** Gives storage that no tensor uses any more back to the pool. */
  dispose(storage: Storage): void {
    if (!(storage instanceof GpuStorage) || storage.owner !== this || storage.released) return;
    storage.released = true;
    for (const b of storage.buffers) {
      this.#held -= b.size;
      if (this.#lost === null) this.#pool.release(b);
    }
  }

  /** Bytes of GPU memory held by live tensors. */
  bytesHeld(): number {
    return this.#held;
  }

  /** Bytes of free buffers kept for reuse. */
  bytesPooled(): number {
    return this.#pool.pooledBytes;
  }

  // ---- Running kernels --------------------------------------------------------

  /**
   * Records one kernel (see `program.ts`): the primitives below are all made of
   * these, and a kernel of your own runs the same way. Its errors (a shader
   * that does not compile) come out of the next read or `sync()`.
   */
  run(kernel: Kernel): void {
    this.#alive();
    if (kernel.workgroups === 0) return;
    const limits = this.device.limits;
    const bindings = kernel.operands.reduce((n, o) => n + o.storage.buffers.length, 0);
    if (bindings > limits.maxStorageBuffersPerShaderStage) {
      const bytes = kernel.operands.map((o) => o.storage.size * 4);
      throw new RangeError(
        `webgpu: the kernel "${kernel.label}" needs ${bindings} storage bindings, more than ` +
          `this device's maxStorageBuffersPerShaderStage (${limits.maxStorageBuffersPerShaderStage}): ` +
          `its tensors of ${bytes.join(", ")} bytes are bound in pieces of at most ` +
          `${this.segment * 4} bytes (maxStorageBufferBindingSize)`,
      );
    }
    const perDim = limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(kernel.workgroups, perDim), y = Math.ceil(kernel.workgroups / x);
    if (y > perDim) {
      throw new RangeError(
        `webgpu: the kernel "${kernel.label}" needs ${kernel.workgroups} workgroups, more than ` +
          `${perDim}² (maxComputeWorkgroupsPerDimension squared)`,
      );
    }
    const params = paramBytes(kernel.params, kernel.workgroups);
    if (params.byteLength > this.#recorder.maxParamBytes) {
      throw new RangeError(
        `webgpu: the kernel "${kernel.label}" has ${params.byteLength} bytes of parameters, ` +
          `more than the ${this.#recorder.maxParamBytes} a dispatch may have (too many axes)`,
      );
    }
    this.#recorder.open();
    const { pipeline, layout } = this.#pipelines.get(kernel.label, kernelSource(kernel));
    const ranges = kernel.operands.flatMap((o) =>
      o.storage.buffers.map((buffer, i) => ({
        buffer,
        size: Math.max(16, Math.ceil((o.storage.segmentSize(i) * 4) / 16) * 16),
      }))
    );
    this.#recorder.dispatch(pipeline, layout, params, ranges, [x, y]);
  }

  /** Submits everything recorded so far, without waiting. */
  flush(): void {
    this.#recorder.flush();
  }

  /** Waits for all recorded work; rejects with the first error the device reported. */
  async sync(): Promise<void> {
    this.#alive();
    this.#recorder.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.#alive();
    await this.#recorder.check();
  }

  // ---- The primitives -----------------------------------------------------------

  /** Uploads `data` (float32 or int32; float64 is a TypeError). */
  fromArray(data: TypedArray): Storage {
    if (data instanceof Float64Array) throw new TypeError(FLOAT64);
    const dtype = data instanceof Float32Array ? "float32" : "int32";
    const host = data instanceof Int32Array ? data : null;
    const s = this.#alloc(dtype, data.length, true, host);
    s.buffers.forEach((buffer, i) => {
      const elements = s.segmentSize(i);
      if (elements > 0) {
        // Typed arrays over a SharedArrayBuffer are fine too; the types just cannot say so.
        const view = data as Float32Array<ArrayBuffer>;
        this.device.queue.writeBuffer(buffer, 0, view, i * this.segment, elements);
      }
    });
    return s;
  }

  /** New zero-filled storage. */
  zeros(dtype: DType, size: number): Storage {
    const s = this.#alloc(dtype, size);
    this.run(fillZeroKernel(s, size));
    return s;
  }

  /** Copies the elements back from the GPU: submits the queue and waits for it. */
  async read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    this.#alive();
    const s = this.#storage(storage);
    const out = dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
    if (size === 0) return out;
    const bytes = size * 4;
    // The error flag, when a check ran since the last read, comes back after the data.
    const flag = this.#flagArmed ? this.#errorFlag : null;
    this.#flagArmed = false;
    const flagAt = Math.ceil(bytes / 16) * 16, total = flag === null ? bytes : flagAt + 32;
    const staging = this.#takeStaging(total);
    const encoder = this.#recorder.encoder();
    s.buffers.forEach((buffer, i) => {
      const n = s.segmentSize(i) * 4;
      if (n > 0) encoder.copyBufferToBuffer(buffer, 0, staging, i * this.segment * 4, n);
    });
    if (flag !== null) encoder.copyBufferToBuffer(flag.buffers[0], 0, staging, flagAt, 32);
    this.#recorder.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, total);
    } catch (e) {
      this.#alive();
      await this.#recorder.check();
      throw new Error(`webgpu: reading a tensor back failed: ${e}`);
    }
    new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(0, bytes)));
    const flagged = flag === null
      ? null
      : new Int32Array(staging.getMappedRange(flagAt, 32).slice(0));
    staging.unmap();
    this.#giveStaging(staging);
    await this.#recorder.check();
    if (flag !== null && flagged !== null && flagged.some((w) => w !== 0)) {
      this.device.queue.writeBuffer(flag.buffers[0], 0, new Int32Array(8));
      if (flagged[0] !== 0) {
        const [, classes, label] = flagged;
        throw new RangeError(
          `oneHot: label ${label} is out of range for ${classes} classes (expected an integer ` +
            `from 0 to ${
              classes - 1
            }); the labels were computed on the GPU, so this read reports it`,
        );
      }
      throw overflowError(flagged[OVERFLOW_WORD]);
    }
    return out;
  }

  /**
   * The error flag, for a kernel about to be recorded that may raise it: the
   * next read copies it back. Not from the pool, and not counted in
   * bytesHeld: it lives as long as the backend.
   */
  #flag(): GpuStorage {
    this.#errorFlag ??= new GpuStorage("int32", 8, this.segment, [
      this.device.createBuffer({ label: "nn.error_flag", size: 32, usage: STORAGE_USAGE }),
    ], this);
    this.#flagArmed = true;
    return this.#errorFlag;
  }

  /**
   * Checks int32 class labels (`Backend.checkLabels`, for `oneHot` and so
   * `CrossEntropyLoss`): against the values uploaded where it has them, with
   * the CPU's RangeError; labels computed on the GPU by a kernel that raises a
   * flag, which the next read copies back with its data and turns into a
   * RangeError (waiting for them here would stall every training step).
   */
  checkLabels(labels: Storage, count: number, classes: number, ignore?: number): void {
    const s = this.#storage(labels);
    if (count === 0) return;
    if (s.host !== null) {
      for (let i = 0; i < count; i++) {
        const c = s.host[i];
        if ((c < 0 || c >= classes) && c !== ignore) {
          throw new RangeError(
            `oneHot: label ${c} at index ${i} is out of range for ${classes} classes ` +
              `(expected an integer from 0 to ${classes - 1})`,
          );
        }
      }
      return;
    }
    this.run(labelCheckKernel(s, count, classes, this.#flag(), ignore));
  }

  #takeStaging(bytes: number): GPUBuffer {
    const i = this.#staging.findIndex((b) => b.size >= bytes && b.size <= 4 * bytes);
    if (i >= 0) return this.#staging.splice(i, 1)[0];
    return this.device.createBuffer({
      label: "nn.staging",
      size: Math.ceil(bytes / 16) * 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  #giveStaging(buffer: GPUBuffer): void {
    // A few small staging buffers are worth keeping (a loss read every step); large ones are not.
    if (buffer.size <= 2 ** 20 && this.#staging.length < 8) this.#staging.push(buffer);
    else buffer.destroy();
  }

  /** Applies a unary op element-wise. */
  unary(
    op: UnaryOp,
    x: Storage,
    size: number,
    outDtype: DType,
    params: readonly number[],
  ): Storage {
    const src = this.#storage(x);
    const out = this.#alloc(outDtype, size);
    this.run(unaryKernel(op, src, out, size, params));
    return out;
  }

  /** Applies a binary op element-wise with broadcasting. */
  binary(
    op: BinaryOp,
    a: Storage,
    aShape: Shape,
    b: Storage,
    bShape: Shape,
    outShape: Shape,
    outDtype: DType,
  ): Storage {
    const sa = this.#storage(a), sb = this.#storage(b);
    const size = sizeOf(outShape);
    const out = this.#alloc(outDtype, size);
    this.run(
      binaryKernel(
        op,
        sa,
        broadcastStrides(aShape, outShape),
        sb,
        broadcastStrides(bShape, outShape),
        outShape,
        out,
        size,
      ),
    );
    return out;
  }

  /** Picks from `a` where `cond` is non-zero, else from `b`, with broadcasting. */
  where(
    cond: Storage,
    condShape: Shape,
    a: Storage,
    aShape: Shape,
    b: Storage,
    bShape: Shape,
    outShape: Shape,
    outDtype: DType,
  ): Storage {
    const sc = this.#storage(cond), sa = this.#storage(a), sb = this.#storage(b);
    const size = sizeOf(outShape);
    const out = this.#alloc(outDtype, size);
    this.run(
      whereKernel(
        sc,
        broadcastStrides(condShape, outShape),
        sa,
        broadcastStrides(aShape, outShape),
        sb,
        broadcastStrides(bShape, outShape),
        outShape,
        out,
        size,
      ),
    );
    return out;
  }

  /**
   * Reduces one axis. An int32 sum or product that leaves the int32 range is
   * never wrapped silently: its kernel raises the error flag and the next read
   * throws a RangeError naming the op (the GPU cannot throw without waiting).
   */
  reduce(op: ReduceOp, x: Storage, shape: Shape, axis: number, outDtype: DType): Storage {
    return this.#reduce(op, x, shape, axis, outDtype, true);
  }

  /** `reduce`; `checked` false lets an int32 sum wrap (for int32 matmul, which wraps). */
  #reduce(
    op: ReduceOp,
    x: Storage,
    shape: Shape,
    axis: number,
    outDtype: DType,
    checked: boolean,
  ): Storage {
    const src = this.#storage(x);
    const [outer, n, inner] = around(shape, axis);
    if (n === 0 && op === "prod") {
      // The empty product is 1: uploaded, as there is no fill-with-a-value kernel.
      const ones = outDtype === "int32"
        ? new Int32Array(outer * inner)
        : new Float32Array(outer * inner);
      return this.fromArray(ones.fill(1));
    }
    const out = this.#alloc(outDtype, outer * inner);
    if (n === 0) {
      this.run(fillZeroKernel(out, outer * inner));
      return out;
    }
    const chunks = reduceChunks(outer * inner, n);
    const isArg = op === "argmax" || op === "argmin";
    const check = checked && src.dtype === "int32" && (op === "sum" || op === "prod");
    if (chunks === 1) {
      this.run(
        reduceKernel(
          op,
          src,
          outer,
          n,
          inner,
          1,
          isArg ? null : out,
          isArg ? out : null,
          check ? { flag: this.#flag() } : undefined,
        ),
      );
      return out;
    }
    // Two passes: each chunk of the axis, then the chunks (see kernels/reduce.ts).
    const partial = outer * chunks * inner;
    const values = this.#alloc(src.dtype, partial);
    const indices = isArg ? this.#alloc("int32", partial) : null;
    // A checked int32 sum or product passes each chunk's carries (or sign and size) on.
    const aux = check ? this.#alloc("int32", partial) : null;
    this.run(
      reduceKernel(
        op,
        src,
        outer,
        n,
        inner,
        chunks,
        values,
        indices,
        aux === null ? undefined : { auxOut: aux },
      ),
    );
    if (indices !== null) {
      this.run(argCombineKernel(op as "argmax", values, indices, outer, chunks, inner, out));
      this.dispose(indices);
    } else {
      const last = aux === null ? undefined : { auxIn: aux, flag: this.#flag() };
      this.run(reduceKernel(op, values, outer, chunks, inner, 1, out, null, last));
    }
    if (aux !== null) this.dispose(aux);
    this.dispose(values);
    return out;
  }

  /**
   * Running sums or products along one axis (`kernels/scan.ts`). An int32
   * running value that leaves the int32 range is never wrapped silently: the
   * kernel raises the error flag and the next read throws a RangeError
   * naming the op (the GPU cannot throw the CPU's at once without waiting).
   */
  scan(
    op: ScanOp,
    x: Storage,
    shape: Shape,
    axis: number,
    reverse: boolean,
    dtype: DType,
  ): Storage {
    const src = this.#storage(x);
    const [outer, n, inner] = around(shape, axis);
    const out = this.#alloc(dtype, outer * n * inner);
    if (outer * n * inner === 0) return out;
    const flag = src.dtype === "int32" ? this.#flag() : undefined;
    this.run(scanKernel(op, src, outer, n, inner, reverse, out, flag));
    return out;
  }

  /** Batched matrix product (float32, or int32 wrapping modulo 2³² as on the CPU). */
  matmul(a: Storage, b: Storage, spec: MatmulSpec, dtype: DType): Storage {
    const sa = this.#storage(a), sb = this.#storage(b);
    this.#dtype(dtype);
    const size = spec.batch * spec.m * spec.n;
    const pieces = splitK(spec);
    if (pieces > 1) {
      // Partial products over pieces of k, then their sum (see kernels/matmul.ts).
      const partial = this.#alloc(dtype, pieces * size);
      this.run(matmulKernel(sa, sb, partial, spec, pieces));
      const out = this.#reduce("sum", partial, [pieces, size], 0, dtype, false);
      this.dispose(partial);
      return out;
    }
    const out = this.#alloc(dtype, size);
    if (spec.k === 0) this.run(fillZeroKernel(out, size));
    else this.run(matmulKernel(sa, sb, out, spec));
    return out;
  }

  /** Gathers along an axis; indices uploaded from an array are checked here (RangeError). */
  gather(x: Storage, shape: Shape, axis: number, indices: Storage, count: number): Storage {
    const src = this.#storage(x), idx = this.#storage(indices);
    const [outer, size, inner] = around(shape, axis);
    checkIndices(idx, count, size, axis);
    const out = this.#alloc(src.dtype, outer * count * inner);
    this.run(gatherKernel(src, outer, size, inner, idx, count, out));
    return out;
  }

  /** Adds each gathered row of `g` back to where it came from. */
  scatterAdd(g: Storage, gShape: Shape, axis: number, indices: Storage, size: number): Storage {
    const src = this.#storage(g), idx = this.#storage(indices);
    const [outer, count, inner] = around(gShape, axis);
    checkIndices(idx, count, size, axis);
    const total = outer * size * inner;
    const out = this.#alloc(src.dtype, total);
    this.run(fillZeroKernel(out, total));
    this.run(scatterAddKernel(src, outer, count, inner, idx, size, out));
    return out;
  }

  /** Strided copy: the one primitive behind transpose, slicing, concat and broadcastTo. */
  copy(src: Storage, srcView: View, dst: Storage, dstView: View, shape: Shape): void {
    const s = this.#storage(src), d = this.#storage(dst);
    const size = sizeOf(shape);
    if (size === 0) return;
    this.run(copyKernel(s, srcView, d, dstView, shape, size));
  }

  /** Converts to another dtype; float to int32 truncates toward zero. */
  cast(x: Storage, size: number, _from: DType, to: DType): Storage {
    const src = this.#storage(x);
    const out = this.#alloc(to, size);
    this.run(castKernel(src, out, size));
    return out;
  }
}

/** Checks indices the CPU still has (uploaded from an array), as the CPU backend does. */
function checkIndices(indices: GpuStorage, count: number, size: number, axis: number): void {
  const host = indices.host;
  if (host === null) return;
  for (let j = 0; j < count; j++) {
    const i = host[j];
    if (i < -size || i >= size) {
      throw new RangeError(
        `take: index ${i} is out of range for axis ${axis} of size ${size} ` +
          `(expected ${-size} to ${size - 1})`,
      );
    }
  }
}
