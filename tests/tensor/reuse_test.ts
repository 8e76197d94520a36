/**
 * Large CPU arrays given back by dispose() and tidy() and handed out again
 * (lib/tensor/cpu/reuse.ts): the memory is reused, and no tensor ever sees
 * another's values through it.
 */

import * as nn from "../../mod.ts";
import { giveBack, keptBytesNow, MAX_KEPT_BYTES, takeArray } from "../../lib/tensor/cpu/reuse.ts";
import type { TypedArray } from "../../lib/tensor/dtype.ts";
import { assert, assertEquals } from "../assert.ts";

/** The array behind a CPU tensor (internal: to see which memory it uses). */
const arrayOf = (t: nn.Tensor) => t.storage as TypedArray;

/** 2^16 float64 elements (512 KiB): well above a slab's arrays. */
const N = 1 << 16;

Deno.test("reuse: a disposed tensor's memory holds the next result of its size, with that result's values", () => {
  const x = nn.full([N], 1, { dtype: "float64" });
  const a = nn.rand([N], { dtype: "float64" });
  const buffer = arrayOf(a).buffer;
  a.dispose();
  const b = x.mul(3);
  assert(arrayOf(b).buffer === buffer, "the product took the disposed tensor's memory");
  assertEquals([b.min().item(), b.max().item()], [3, 3]);
  // Memory asked for zeroed (zeros(), and the ops that add into their result) is zero
  // everywhere, whatever it held; other ops write every element.
  const garbage = new Float64Array(N).fill(7);
  giveBack(garbage);
  const z = takeArray("float32", 2 * N, true);
  assertEquals([z.buffer === garbage.buffer, z.every((v) => v === 0)], [true, true]);
});

Deno.test("reuse: the memory of a tidy's temporaries goes to the next step's ops", () => {
  const x = nn.rand([256, 256], { dtype: "float64" });
  const step = () => nn.tidy(() => x.mul(2).add(1).relu().sum());
  const want = Array.from(x.dataSync()).reduce((s, v) => s + Math.max(2 * v + 1, 0), 0);
  const first = step().item();
  const seen = new Set<ArrayBufferLike>();
  const spy = nn.tidy(() => {
    const t = x.mul(2);
    seen.add(arrayOf(t).buffer);
    return t.sum();
  });
  spy.dispose();
  // The step's three [256, 256] temporaries came back; the next result of that size takes one.
  const next = nn.tidy(() => x.mul(1));
  assert(seen.has(arrayOf(next).buffer), "the next result reuses a temporary's memory");
  assertEquals(Math.abs(first - want) < 1e-9 * want, true);
  assertEquals(Math.abs(step().item() - want) < 1e-9 * want, true);
  assertEquals(next.dataSync()[5], x.dataSync()[5]);
});

Deno.test("reuse: memory shared by a reshape or detach goes back only when the last holder is disposed", () => {
  const ones = nn.full([N], 1, { dtype: "float64" });
  const a = ones.mul(4);
  const r = a.reshape([N / 2, 2]);
  const buffer = arrayOf(a).buffer;
  a.dispose();
  const other = ones.mul(9);
  assert(arrayOf(other).buffer !== buffer, "still held by the reshape: not handed out");
  assertEquals(r.dataSync()[0], 4);
  const d = r.detach();
  r.dispose();
  assertEquals(d.dataSync()[3], 4);
  d.dispose();
  const next = ones.mul(1);
  assert(arrayOf(next).buffer === buffer, "the last holder gave it back");
});

Deno.test("reuse: a tensor assigned a value keeps it when the value's tensor is disposed", () => {
  const p = nn.zeros([N], { dtype: "float64" });
  const ones = nn.full([N], 1, { dtype: "float64" });
  const v = ones.mul(5);
  p.assign(v);
  v.dispose();
  const other = ones.mul(6);
  assertEquals([p.at(0).item(), other.at(0).item()], [5, 6]);
});

Deno.test("reuse: small arrays and views are never taken; the oldest go past the cap", () => {
  const before = keptBytesNow();
  giveBack(new Float64Array(8)); // a slab's: the collector frees it
  giveBack(new Float64Array(N).subarray(1)); // part of a buffer
  giveBack(new Float64Array(new SharedArrayBuffer(8 * N)));
  assertEquals(keptBytesNow(), before);
  // Fill past the cap with arrays of a size nothing else uses: the first ones are dropped.
  const size = MAX_KEPT_BYTES / 4 / 8 + 3; // float64 elements: four fill the cap
  const arrays = Array.from({ length: 5 }, () => new Float64Array(size));
  for (const a of arrays) giveBack(a);
  assert(keptBytesNow() <= MAX_KEPT_BYTES, `${keptBytesNow()} bytes kept`);
  const taken = [takeArray("float64", size, false), takeArray("float64", size, false)];
  assert(!taken.some((t) => t.buffer === arrays[0].buffer), "the oldest was dropped");
  assert(taken.some((t) => t.buffer === arrays[4].buffer), "the newest is handed out first");
});

Deno.test("reuse: the WebAssembly matmul's kept copy of a data set is dropped when its memory is reused", async () => {
  // In a process of its own with the BLAS off, so that the WebAssembly kernels multiply
  // (they keep a copy of a large left operand between products, keyed by its memory).
  const root = new URL("../../", import.meta.url).href;
  const code = `
    import * as nn from "${root}mod.ts";
    const w = nn.eye(64, 64, { dtype: "float32" });
    const a = nn.full([20000, 64], 1, { dtype: "float32" }); // 5 MB: kept after the product
    nn.tidy(() => a.matmul(w).sum());
    a.dispose();
    const b = nn.full([20000, 64], 1, { dtype: "float32" }).mul(2); // a's memory, new values
    console.log(JSON.stringify(b.matmul(w).sum().item()));
  `;
  const { code: status, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    env: { NN_BLAS: "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(status, 0, new TextDecoder().decode(stderr));
  assertEquals(JSON.parse(new TextDecoder().decode(stdout)), 2 * 20000 * 64);
});
