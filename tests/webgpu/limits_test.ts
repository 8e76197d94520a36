/**
 * Device limits: a 60000×784 float32 tensor (188 MB, more than the 128 MiB a
 * storage binding may hold on most devices) multiplies, scales, sums and reads
 * back right; more than 65,535 workgroups are spread over two dimensions; and
 * what cannot be done says which limit it hit.
 */

import * as nn from "../../mod.ts";
import { WebGpuBackend } from "../../lib/tensor/webgpu/backend.ts";
import { probeAdapter } from "../../lib/tensor/webgpu/device.ts";
import { assert, assertClose, assertEquals, assertThrows } from "../assert.ts";
import { gpuTest, on, TestRandom } from "./helpers.ts";

gpuTest(
  "a 60000×784 float32 tensor (188 MB) multiplies, scales, sums and reads back",
  async (g) => {
    // 16 columns rather than the network's 128 keep the product quick on a software adapter.
    const [rows, cols, hidden] = [60000, 784, 16];
    const r = new TestRandom(11);
    // Pixel-like values, with a marker in the last row so a cut-off read would show.
    const x = new Float32Array(rows * cols);
    for (let i = 0; i < x.length; i++) x[i] = (i % 251) / 255;
    x[x.length - 1] = 7;
    const w = r.normal(cols * hidden, 0.05);
    const X = on(g, x, [rows, cols]), W = on(g, w, [cols, hidden]);
    const bytes = rows * cols * 4;
    assert(bytes > g.device.limits.maxStorageBufferBindingSize || g.segment * 4 < bytes);

    // The product, checked on rows at the start, across the boundary between the pieces, and at the end.
    const Y = await X.matmul(W).data();
    const boundaryRow = Math.floor(g.segment / cols);
    const check = [0, 1, boundaryRow - 1, boundaryRow, boundaryRow + 1, rows - 2, rows - 1];
    for (const row of check.filter((i) => i >= 0 && i < rows)) {
      const want = new Float32Array(hidden);
      for (let k = 0; k < cols; k++) {
        const a = x[row * cols + k];
        for (let j = 0; j < hidden; j++) want[j] += a * w[k * hidden + j];
      }
      assertClose(Y.subarray(row * hidden, (row + 1) * hidden), want, 1e-4, 1e-4, `row ${row}`);
    }

    // Element-wise on both pieces, a column sum across them, and the last element read back.
    const doubled = X.mul(2);
    const colSums = await doubled.sum(0).data();
    const want0 = x.reduce((s, v, i) => (i % cols === 0 ? s + 2 * v : s), 0);
    assertClose([colSums[0]], [want0], 1e-5, 0, "column 0 sum");
    const lastWant = x.reduce((s, v, i) => (i % cols === cols - 1 ? s + 2 * v : s), 0);
    assertClose([colSums[cols - 1]], [lastWant], 1e-5, 0, "last column sum");
    const back = await doubled.data();
    assertEquals(back.length, rows * cols);
    assertEquals([back[0], back[back.length - 1]], [2 * x[0], 14]);

    // The backward's Xᵀ·dz, which reads the big operand transposed.
    const dz = r.normal(rows * 3);
    const G = await X.T.matmul(on(g, dz, [rows, 3])).data();
    for (const k of [0, 500, cols - 1]) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += x[i * cols + k] * dz[i * 3 + 1];
      assertClose([G[k * 3 + 1]], [s], 1e-4, 1e-3, `Xᵀ·dz [${k}, 1]`);
    }
    for (const t of [X, W, doubled]) t.dispose();
  },
);

gpuTest("more than 65,535 workgroups are spread over two dimensions", async (g) => {
  // 70,000 products of 1×1 matrices: one workgroup each.
  const n = 70000;
  const r = new TestRandom(12);
  const a = r.normal(n), b = r.normal(n);
  const c = await on(g, a, [n, 1, 1]).matmul(on(g, b, [n, 1, 1])).data();
  assertClose(c, a.map((v, i) => v * b[i]), 1e-6, 0, "batched 1×1 products");
  // And an element-wise op over more than 65,535 × 256 elements.
  const big = 65536 * 256 + 3;
  const twos = nn.tidy(() => on(g, new Float32Array(big).fill(1), [big]).add(1).sum());
  assertClose(await twos.data(), [2 * big], 1e-7, 0, "sum of twos");
});

gpuTest("a kernel that would need more bindings than the device has names the limits", async () => {
  const { adapter } = await probeAdapter();
  const tiny = await WebGpuBackend.create(adapter!, { maxSegmentBytes: 64 });
  const x = on(tiny, new Float32Array(10000), [10000]);
  assertThrows(() => x.add(1), RangeError, "maxStorageBuffersPerShaderStage");
  assertThrows(() => x.add(1), RangeError, "maxStorageBufferBindingSize");
  x.dispose();
});
