/**
 * Queue, don't wait: every kernel is recorded into one command encoder (in one
 * open compute pass), and the encoder is submitted only when a value is read,
 * when `FLUSH_EVERY` dispatches have piled up (so the GPU starts on long runs of
 * work), or when a copy needs the pass closed. A training step therefore costs
 * no round trip until the loss is read.
 *
 * Each dispatch's parameters (sizes, strides) go into one slot of a uniform
 * "arena" buffer, written once per submit. WebGPU reports errors
 * asynchronously, so each encoder runs inside an error scope; the errors are
 * collected and thrown by the next read (`check()`).
 *
 * @module
 */

/** Dispatches recorded before the encoder is submitted without being asked. */
export const FLUSH_EVERY = 128;

/** One bound buffer range. */
export interface BufferRange {
  /** The buffer. */
  buffer: GPUBuffer;
  /** Bytes from offset 0 to bind. */
  size: number;
}

/** Records kernels and copies, submits them, and collects the errors the device reports. */
export class Recorder {
  readonly #device: GPUDevice;
  readonly #slotSize: number;
  readonly #arena: GPUBuffer;
  readonly #arenaData: Uint8Array<ArrayBuffer>;
  readonly #onSubmit: () => void;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #slots = 0;
  #pending: Promise<Error | null>[] = [];
  #failure: Error | null = null;

  /** A recorder on `device`; `onSubmit` runs after every submit (the pool cleans its buffers). */
  constructor(device: GPUDevice, onSubmit: () => void) {
    this.#device = device;
    this.#onSubmit = onSubmit;
    this.#slotSize = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    this.#arena = device.createBuffer({
      label: "nn.uniforms",
      size: this.#slotSize * FLUSH_EVERY,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.#arenaData = new Uint8Array(this.#slotSize * FLUSH_EVERY);
  }

  /** The largest parameter block one dispatch may have, in bytes. */
  get maxParamBytes(): number {
    return this.#slotSize;
  }

  /** Opens an encoder (inside an error scope) if none is open. */
  open(): GPUCommandEncoder {
    if (this.#encoder === null) {
      this.#device.pushErrorScope("out-of-memory");
      this.#device.pushErrorScope("validation");
      this.#encoder = this.#device.createCommandEncoder({ label: "nn.ops" });
    }
    return this.#encoder;
  }

  /** The encoder with no pass open, for copies. */
  encoder(): GPUCommandEncoder {
    const encoder = this.open();
    this.#pass?.end();
    this.#pass = null;
    return encoder;
  }

  /**
   * Records one dispatch of `pipeline` with `params` (at most `maxParamBytes`)
   * bound at binding 0 and `ranges` at bindings 1, 2, …, over `workgroups`
   * (x, y) workgroups.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    layout: GPUBindGroupLayout,
    params: Uint8Array,
    ranges: readonly BufferRange[],
    workgroups: readonly [number, number],
  ): void {
    const encoder = this.open();
    const offset = this.#slots++ * this.#slotSize;
    this.#arenaData.set(params, offset);
    const entries: GPUBindGroupEntry[] = [{
      binding: 0,
      resource: { buffer: this.#arena, offset, size: params.byteLength },
    }];
    ranges.forEach((r, i) =>
      entries.push({ binding: i + 1, resource: { buffer: r.buffer, offset: 0, size: r.size } })
    );
    const group = this.#device.createBindGroup({ layout, entries });
    this.#pass ??= encoder.beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(workgroups[0], workgroups[1]);
    // The arena has one slot per dispatch: full, it must be written and submitted.
    if (this.#slots === FLUSH_EVERY) this.flush();
  }

  /** Submits what was recorded (if anything), writing the dispatches' parameters first. */
  flush(): void {
    if (this.#encoder === null) return;
    this.#pass?.end();
    this.#pass = null;
    if (this.#slots > 0) {
      this.#device.queue.writeBuffer(
        this.#arena,
        0,
        this.#arenaData,
        0,
        this.#slots * this.#slotSize,
      );
    }
    this.#device.queue.submit([this.#encoder.finish()]);
    this.#encoder = null;
    this.#slots = 0;
    const validation = this.#device.popErrorScope();
    const memory = this.#device.popErrorScope();
    this.watch(validation.then(async (e) => e ?? await memory));
    this.#onSubmit();
  }

  /** Adds a promise of a device error (null for none) to those `check()` reports. */
  watch(error: Promise<GPUError | Error | null>): void {
    this.#pending.push(error.then((e) => (e === null ? null : wrap(e)), (e) => wrap(e)));
  }

  /** Records an error found outside an error scope (the device's uncaptured errors). */
  fail(error: GPUError | Error): void {
    this.#failure ??= wrap(error);
  }

  /** Throws the first error the device reported for work submitted so far, if any. */
  async check(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    for (const e of await Promise.all(pending)) this.#failure ??= e;
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#failure = null;
      throw failure;
    }
  }
}

function wrap(e: GPUError | Error | unknown): Error {
  if (e instanceof Error) return e;
  const message = (e as GPUError)?.message ?? String(e);
  return new Error(`webgpu: the device reported an error: ${message.trim()}`);
}
