/**
 * Finding a GPU: the adapter (which GPU, and whether it is real hardware) and
 * the device (the connection this process computes through), with the limits
 * the backend relies on raised to what the adapter allows.
 *
 * @module
 */

/** Why no WebGPU device could be had, or which adapter was found. */
export interface AdapterProbe {
  /** The adapter, or null when there is none. */
  adapter: GPUAdapter | null;
  /** A one-sentence reason when `adapter` is null. */
  reason: string;
}

/**
 * Asks the platform for a GPU adapter. Never throws: no `navigator.gpu` (an
 * environment without WebGPU) or no adapter (no driver) comes back as null with
 * the reason.
 */
export async function probeAdapter(): Promise<AdapterProbe> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (gpu === undefined) {
    return { adapter: null, reason: "this runtime has no WebGPU (navigator.gpu is undefined)" };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (adapter === null) {
      return { adapter: null, reason: "navigator.gpu.requestAdapter() found no GPU adapter" };
    }
    return { adapter, reason: "" };
  } catch (e) {
    return { adapter: null, reason: `navigator.gpu.requestAdapter() failed: ${e}` };
  }
}

/** The adapter's name, as its driver reports it. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  return info.description ||
    [info.vendor, info.architecture, info.device].filter(Boolean).join(" ") ||
    "an unnamed adapter";
}

/**
 * Whether the adapter is a software rasteriser (llvmpipe, SwiftShader, WARP)
 * rather than a GPU. Deno reports it as `adapter.info.isFallbackAdapter`
 * (`adapter.isFallbackAdapter` is undefined there); the name is checked too, for
 * drivers that do not set the flag.
 */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return info.isFallbackAdapter === true || legacy === true ||
    /llvmpipe|lavapipe|swiftshader|software|microsoft basic render/i.test(describeAdapter(adapter));
}

/**
 * Opens a device on `adapter` with the limits that bound tensor sizes raised to
 * the adapter's own: the largest buffer, the largest storage binding, and the
 * number of storage bindings a shader may have (big tensors are bound in pieces).
 */
export async function openDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const l = adapter.limits;
  return await adapter.requestDevice({
    label: "@handson/nn",
    requiredLimits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
}
