/**
 * int32 sums, products and running sums on the GPU never wrap silently: the
 * kernel raises the backend's error flag and the next read rejects with a
 * RangeError naming the op (the CPU throws at once, naming the value). Results
 * that stay in range read as the CPU's, whatever happened on the way (the
 * exact result is checked, not each partial), and after the error the flag is
 * clear again. Long axes take two passes; both are covered.
 */

import * as nn from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";
import { cpu, gpuTest, on } from "./helpers.ts";
import type { Backend } from "../../lib/tensor/backend.ts";
import type { Tensor } from "../../mod.ts";

const int32 = (values: number[], shape = [values.length]) =>
  [new Int32Array(values), shape] as const;

/** The message the GPU's RangeError starts with for `op` and the result it names. */
function overflow(op: string, what: string): RegExp {
  return new RegExp(
    `^${op}: an int32 ${what} left the int32 range \\[-2147483648, 2147483647\\] on the GPU .*` +
      `${op} x\\.astype\\("float32"\\)`,
  );
}

/** `f` of int32 `values` on the GPU rejects at the next read with the GPU's RangeError. */
async function rejects(
  g: Backend,
  values: readonly [Int32Array, readonly number[]],
  f: (x: Tensor) => Tensor,
  message: RegExp,
): Promise<void> {
  const out = f(on(g, ...values));
  await assertRejectsRange(() => out.data(), message);
  // The CPU refuses it too (at once).
  let threw = false;
  try {
    f(on(cpu, ...values));
  } catch (e) {
    threw = e instanceof RangeError;
  }
  assert(threw, "the CPU throws a RangeError too");
}

async function assertRejectsRange(f: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert(e instanceof RangeError, `expected a RangeError, found ${e}`);
    assert(message.test(e.message), `unexpected message: ${e.message}`);
    return;
  }
  throw new Error("expected a RangeError, the read resolved");
}

/** `f` of int32 `values` reads the CPU's result on the GPU. */
async function agrees(
  g: Backend,
  values: readonly [Int32Array, readonly number[]],
  f: (x: Tensor) => Tensor,
  what: string,
): Promise<void> {
  const want = f(on(cpu, ...values));
  const got = f(on(g, ...values));
  assertEquals(got.dtype, "int32", what);
  assertEquals(Array.from(await got.data()), Array.from(want.dataSync()), what);
}

gpuTest("an int32 sum out of range rejects at the next read; in range reads fine", async (g) => {
  await rejects(g, int32([2147483647, 1]), (x) => x.sum(), overflow("sum", "sum"));
  // The flag is clear again: the next op reads fine, and reports nothing old.
  await agrees(g, int32([1, 2, 3]), (x) => x.sum(), "sum after the error");
  await agrees(g, int32([2147483647, -1, 1]), (x) => x.sum(), "in range");
  // Past the range on the way, back in it at the end: the exact sum is checked.
  await agrees(g, int32([2147483647, 1, -1]), (x) => x.sum(), "in range at the end");
  await agrees(g, int32([-2147483648, -1, 1]), (x) => x.sum(), "down and back");
  await rejects(g, int32([-2147483648, -1]), (x) => x.sum(), overflow("sum", "sum"));
  // Over all axes (one pass over the flattened tensor), and along one.
  const m = int32([2147483647, -1, 1, 2], [2, 2]);
  await rejects(g, m, (x) => x.sum(), overflow("sum", "sum"));
  await rejects(g, m, (x) => x.sum([0, 1]), overflow("sum", "sum"));
  await rejects(g, m, (x) => x.sum(0), overflow("sum", "sum"));
  await agrees(g, m, (x) => x.sum(1), "rows in range");
  await agrees(g, int32([2147483647, -5, 1, 2], [2, 2]), (x) => x.sum(), "all axes in range");
});

gpuTest("an int32 sum over a long axis (two passes) is checked on its total", async (g) => {
  const n = 5000;
  // Chunks whose own sums leave the range, and a total that is back at 0.
  const upDown = int32(Array.from({ length: n }, (_, i) => (i < n / 2 ? 1e8 : -1e8)));
  await agrees(g, upDown, (x) => x.sum(), "partials out of range, total 0");
  await rejects(g, int32(new Array(n).fill(1e6)), (x) => x.sum(), overflow("sum", "sum"));
  await rejects(g, int32(new Array(n).fill(-1e6)), (x) => x.sum(), overflow("sum", "sum"));
  await agrees(g, int32(new Array(n).fill(400000)), (x) => x.sum(), "2e9 in range");
  // Columns of a matrix: one overflows, so the read rejects.
  const cols = int32(Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 1e6 : 1)), [n, 2]);
  await rejects(g, cols, (x) => x.sum(0), overflow("sum", "sum"));
  const fine = int32(Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 4e5 : -4e5)), [n, 2]);
  await agrees(g, fine, (x) => x.sum(0), "columns in range");
});

gpuTest(
  "an int32 product out of range rejects at the next read; zeros and -2^31 read fine",
  async (g) => {
    await rejects(g, int32([65536, 65536]), (x) => x.prod(), overflow("prod", "product"));
    await agrees(g, int32([2, 3, 4]), (x) => x.prod(), "product after the error");
    await agrees(g, int32([-65536, 32768]), (x) => x.prod(), "-2^31");
    await rejects(g, int32([-65536, -32768]), (x) => x.prod(), overflow("prod", "product"));
    await agrees(
      g,
      int32([-2147483648, -1, -1]),
      (x) => x.prod(),
      "2^31 on the way, -2^31 at the end",
    );
    await agrees(g, int32([65536, 65536, 0]), (x) => x.prod(), "past int32 on the way to a zero");
    await rejects(g, int32([46341, 46341]), (x) => x.prod(), overflow("prod", "product"));
    await agrees(g, int32([46340, -46340]), (x) => x.prod(), "46340²");
    await rejects(g, int32([3, 1431655765]), (x) => x.prod(), overflow("prod", "product"));
    const m = int32([65536, 1, 65536, 2], [2, 2]);
    await rejects(g, m, (x) => x.prod(0), overflow("prod", "product"));
    await agrees(g, m, (x) => x.prod(1), "rows in range");
    // Two passes: big partials, a zero in a later chunk, and -2^31 put together across chunks.
    const n = 5000;
    const ones = () => new Array(n).fill(1);
    const big = ones();
    big[0] = 65536;
    big[1] = 65536;
    await rejects(g, int32(big), (x) => x.prod(), overflow("prod", "product"));
    const zeroLater = [...big];
    zeroLater[n - 1] = 0;
    await agrees(g, int32(zeroLater), (x) => x.prod(), "a big chunk times a zero chunk");
    const spread = ones();
    spread[0] = -2147483648;
    spread[3000] = -1;
    spread[4000] = -1;
    await agrees(g, int32(spread), (x) => x.prod(), "-2^31 · -1 · -1 across chunks");
    spread[4000] = 1;
    await rejects(g, int32(spread), (x) => x.prod(), overflow("prod", "product"));
    const mid = ones();
    mid[10] = 3;
    mid[4000] = 1431655765;
    await rejects(g, int32(mid), (x) => x.prod(), overflow("prod", "product"));
    mid[4000] = 715827882; // 3 · 715827882 = 2147483646
    await agrees(g, int32(mid), (x) => x.prod(), "just in range across chunks");
  },
);

gpuTest("an int32 running sum out of range rejects at the next read", async (g) => {
  await rejects(g, int32([2147483647, 1]), (x) => x.cumsum(0), overflow("cumsum", "running sum"));
  await agrees(g, int32([2147483647, -1, 1]), (x) => x.cumsum(0), "cumsum after the error");
  await rejects(g, int32([-2147483648, -1]), (x) => x.cumsum(0), overflow("cumsum", "running sum"));
  // A step out of range in the middle is one, even if the end is back in range.
  await rejects(
    g,
    int32([2147483647, 1, -1]),
    (x) => x.cumsum(0),
    overflow("cumsum", "running sum"),
  );
  const m = int32([1, 2147483647, 2, -3], [2, 2]);
  await rejects(g, m, (x) => x.cumsum(1), overflow("cumsum", "running sum"));
  await agrees(g, m, (x) => x.cumsum(0), "columns in range");
});

gpuTest("int32 running products (the backend's scan) are checked too", async (g) => {
  const scan = (x: Tensor, reverse: boolean) =>
    new nn.Tensor(
      x.backend.scan("prod", x.storage, x.shape, 0, reverse, "int32"),
      x.shape,
      "int32",
      x.backend,
    );
  await rejects(
    g,
    int32([65536, 65536]),
    (x) => scan(x, false),
    overflow("cumprod", "running product"),
  );
  await rejects(
    g,
    int32([46341, 1, 46341]),
    (x) => scan(x, true),
    overflow("cumprod", "running product"),
  );
  await agrees(g, int32([-65536, 32768, 1]), (x) => scan(x, false), "-2^31");
  await agrees(g, int32([46340, 46340, 0]), (x) => scan(x, true), "a zero first from the end");
});

gpuTest("float32 sums and int32 matmul are not checked: float overflows to ∞", async (g) => {
  const x = on(g, new Float32Array([3e38, 3e38]), [2]);
  assertEquals(Array.from(await x.sum().data()), [Infinity]);
  assertEquals(Array.from(await x.cumsum(0).data()), [Math.fround(3e38), Infinity]);
  // int32 matmul wraps modulo 2^32 as the CPU's does, also over a split k.
  const k = 4096;
  const a = on(g, new Int32Array(k).fill(65536), [1, k]);
  const b = on(g, new Int32Array(k).fill(65536), [k, 1]);
  assertEquals(Array.from(await a.matmul(b).data()), [0]);
});
