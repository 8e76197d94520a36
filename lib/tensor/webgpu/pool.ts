/**
 * A pool of GPU buffers by size class. Training makes and drops the same few
 * sizes over and over; taking a buffer from the pool is far cheaper than
 * asking the driver for one.
 *
 * A buffer given back is "dirty" until the commands recorded so far have been
 * submitted: a kernel recorded later may reuse it at once (commands run in
 * order), but an upload may not, because `queue.writeBuffer` runs before the
 * commands still waiting in the encoder, which may yet read the old values.
 *
 * @module
 */

/** Buffers the backend computes on: kernels read and write them, uploads and reads copy. */
export const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */

/**
 * The capacity a request of `bytes` is rounded up to: a power of two up to
 * 64 KiB, above that a multiple of an eighth of the next power of two (at most
 * 12.5% wasted), and never less than 16 bytes (one vec4).
 */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, bytes);
  const pow = 2 ** Math.ceil(Math.log2(b));
  if (pow <= 65536) return pow;
  const step = pow / 8;
  return Math.ceil(b / step) * step;
}

/** Free buffers by capacity. */
export class BufferPool {
  readonly #device: GPUDevice;
  readonly #maxPooledBytes: number;
  #clean = new Map<number, GPUBuffer[]>();
  #dirty = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;

  /** A pool on `device` that keeps at most `maxPooledBytes` of free buffers. */
  constructor(device: GPUDevice, maxPooledBytes: number) {
    this.#device = device;
    this.#maxPooledBytes = maxPooledBytes;
  }

  /** Bytes held in free buffers. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  /**
   * A buffer of at least `bytes` (its capacity is `sizeClass(bytes)`). For an
   * upload (`forUpload`) only a buffer no waiting command uses will do.
   */
  acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const capacity = sizeClass(bytes);
    const found = (forUpload ? undefined : this.#dirty.get(capacity)?.pop()) ??
      this.#clean.get(capacity)?.pop();
    if (found !== undefined) {
      this.#pooledBytes -= capacity;
      return found;
    }
    return this.#device.createBuffer({ size: capacity, usage: STORAGE_USAGE });
  }

  /** Takes a buffer back; it stays dirty until `submitted()`. */
  release(buffer: GPUBuffer): void {
    const list = this.#dirty.get(buffer.size);
    if (list === undefined) this.#dirty.set(buffer.size, [buffer]);
    else list.push(buffer);
    this.#pooledBytes += buffer.size;
  }

  /**
   * Called after each submit: dirty buffers become clean, and free buffers over
   * the pool's budget are destroyed (only now, when no unsubmitted command can
   * still name them).
   */
  submitted(): void {
    for (const [capacity, list] of this.#dirty) {
      const clean = this.#clean.get(capacity);
      if (clean === undefined) this.#clean.set(capacity, list);
      else clean.push(...list);
    }
    this.#dirty = new Map();
    if (this.#pooledBytes <= this.#maxPooledBytes) return;
    // Largest first: they free the most memory for the fewest driver calls.
    const capacities = [...this.#clean.keys()].sort((a, b) => b - a);
    for (const capacity of capacities) {
      const list = this.#clean.get(capacity)!;
      while (list.length > 0 && this.#pooledBytes > this.#maxPooledBytes) {
        list.pop()!.destroy();
        this.#pooledBytes -= capacity;
      }
    }
  }

  /** Destroys every free buffer (after the device is gone, or to give memory back). */
  clear(): void {
    for (const map of [this.#clean, this.#dirty]) {
      for (const list of map.values()) for (const b of list) b.destroy();
      map.clear();
    }
    this.#pooledBytes = 0;
  }
}
