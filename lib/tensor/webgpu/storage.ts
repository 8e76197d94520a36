/**
 * How a tensor's elements live on the GPU: one buffer, or, for a tensor larger
 * than one storage binding may be (`maxStorageBufferBindingSize`, 128 MiB on
 * many devices), several buffers ("segments") of a fixed number of elements
 * each. Shaders see a segmented tensor as one array through generated
 * accessor functions (see `program.ts`), so every kernel handles big tensors.
 *
 * @module
 */

/** The element types WGSL computes on: 32-bit floats and integers. */
export type GpuDType = "float32" | "int32";

/** A tensor's elements on the GPU. */
export class GpuStorage {
  /** The element type. */
  readonly dtype: GpuDType;
  /** The number of elements. */
  readonly size: number;
  /** Elements per segment: every buffer but the last holds exactly this many. */
  readonly segment: number;
  /** The buffers, in order. */
  readonly buffers: readonly GPUBuffer[];
  /**
   * The values as uploaded, kept for int32 storage made from an array (labels,
   * indices): `take` checks indices against it on the CPU, as the GPU cannot
   * throw. Null for results computed on the GPU.
   */
  readonly host: Int32Array | null;
  /** The backend (and so the device) the buffers belong to. */
  readonly owner: object;
  /** Set once the buffers went back to the pool; any later use is a bug. */
  released = false;

  /** Wraps buffers of `owner` holding `size` elements of `dtype`, `segment` per buffer. */
  constructor(
    dtype: GpuDType,
    size: number,
    segment: number,
    buffers: readonly GPUBuffer[],
    owner: object,
    host: Int32Array | null = null,
  ) {
    this.dtype = dtype;
    this.size = size;
    this.segment = segment;
    this.buffers = buffers;
    this.owner = owner;
    this.host = host;
  }

  /** The number of elements in segment `i`. */
  segmentSize(i: number): number {
    return Math.min(this.segment, this.size - i * this.segment);
  }

  /** The bytes the buffers hold (their capacities). */
  get capacity(): number {
    return this.buffers.reduce((n, b) => n + b.size, 0);
  }
}

/** The number of buffers a tensor of `size` elements needs with `segment` elements per buffer. */
export function segmentCount(size: number, segment: number): number {
  return Math.max(1, Math.ceil(size / segment));
}
