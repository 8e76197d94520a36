/**
 * The slab allocator behind small tensors: every array is zero, none shares
 * memory with another, float64 views are aligned, large arrays stand alone, and
 * the values survive the slab filling up (arrays of every size interleaved).
 */

import { SLAB_MAX_BYTES, slabArray } from "../../lib/tensor/slab.ts";
import * as nn from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";

Deno.test("slab arrays are zeroed, aligned and never overlap", () => {
  const made: { array: Float32Array | Float64Array | Int32Array; value: number }[] = [];
  const types = [Float32Array, Float64Array, Int32Array] as const;
  for (let i = 0; i < 3000; i++) {
    const size = 1 + (i * 7919) % 900; // 1 to 900 elements, every size class up to 8 KiB
    const array = slabArray<Float32Array | Float64Array | Int32Array>(types[i % 3], size);
    assertEquals(array.length, size);
    assert(array.every((x) => x === 0), `array ${i} of ${size} is not zero`);
    assertEquals(array.byteOffset % 16, 0, `array ${i} is not aligned`);
    array.fill(i + 1);
    made.push({ array, value: i + 1 });
  }
  // Had two arrays shared bytes, the later fill would show in the earlier one.
  for (const { array, value } of made) assert(array.every((x) => x === value));
});

Deno.test("arrays past SLAB_MAX_BYTES, and empty ones, have buffers of their own", () => {
  const big = slabArray(Float64Array, SLAB_MAX_BYTES / 8 + 1);
  assertEquals(big.byteOffset, 0);
  assertEquals(big.buffer.byteLength, SLAB_MAX_BYTES + 8);
  assertEquals(slabArray(Float32Array, 0).length, 0);
  const small = slabArray(Float32Array, 10);
  assert(small.buffer.byteLength > small.byteLength, "a small array is a view on a slab");
});

Deno.test("tensors on slabs read back, copy and save only their own elements", async () => {
  const a = nn.tensor([1, 2, 3], { dtype: "float64" });
  const b = nn.tensor([4, 5, 6], { dtype: "float64" });
  assertEquals([...a.dataSync()], [1, 2, 3]);
  assertEquals(a.add(b).toArray(), [5, 7, 9]);
  const bytes = await nn.encodeSafetensors({ a, b });
  const back = nn.decodeSafetensors(bytes).tensors;
  assertEquals(back.a.toArray(), [1, 2, 3]);
  assertEquals(back.b.toArray(), [4, 5, 6]);
});
