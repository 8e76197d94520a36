/**
 * The matrix product kernel, and the one place where its design is chosen.
 *
 * Register-blocked, without workgroup memory: each invocation computes a 4×4
 * block of the output in four vec4 accumulators, loading four elements of A and
 * four of B per step of k (as one vec4 each wherever the operand's contiguous
 * axis is a multiple of 4). Measured on llvmpipe, this kind of kernel compiles
 * in milliseconds and ran 5× faster than a 16×16 workgroup-memory tiled
 * kernel, which also took 8–35 s to compile on its first dispatch. A discrete
 * GPU may prefer the tiled kernel; it would go here, chosen by adapter.
 *
 * Transposed operands are read in place (the transpose flags of `MatmulSpec`),
 * so the book's `a1.T @ dz2` copies nothing.
 *
 * @module
 */

import type { MatmulSpec } from "../../backend.ts";
import type { Kernel } from "../program.ts";
import type { GpuStorage } from "../storage.ts";
import { wgslType } from "./elementwise.ts";

/** Rows and columns of the block one invocation computes (fixed at 4: one vec4 per row). */
const BLOCK = 4;
/** Invocations per workgroup along each side: a workgroup covers a 32×32 tile of the output. */
const SIDE = 8;

/**
 * How many pieces to cut the inner axis into ("split-K"): a product with few
 * outputs and a long k (the backward's Xᵀ·dz over 60000 rows) would otherwise
 * run on a few invocations, each walking all of k. Each piece writes its own
 * partial product, and the reduction kernel sums them.
 */
export function splitK(spec: MatmulSpec): number {
  const { batch, m, n, k } = spec;
  const invocations = Math.ceil(m / BLOCK) * Math.ceil(n / BLOCK) * batch;
  if (invocations >= 8192 || k < 1024) return 1;
  const pieces = Math.min(Math.ceil(8192 / invocations), Math.floor(k / 256));
  return Math.ceil(k / pieceLength(k, pieces));
}

/** The length of each piece of k (a multiple of 4, so vector loads stay aligned). */
function pieceLength(k: number, pieces: number): number {
  return pieces === 1 ? k : Math.ceil(k / pieces / 4) * 4;
}

/**
 * The batched product `out[b] = op(a[b]) · op(b[b])` in the operands' type:
 * float32, or int32 (WGSL's i32 products and sums wrap modulo 2³², as the
 * CPU's int32 matmul and PyTorch's do); with `pieces` > 1, piece c of k goes to out[c] (out then has shape [pieces, batch, m, n]).
 */
export function matmulKernel(
  a: GpuStorage,
  b: GpuStorage,
  out: GpuStorage,
  spec: MatmulSpec,
  pieces = 1,
): Kernel {
  const { batch, m, n, k, transA, transB } = spec;
  const t = wgslType(a.dtype), zero = t === "f32" ? "0.0" : "0";
  // Where four consecutive elements can be loaded as one vec4.
  const aAlongK = !transA && k % 4 === 0, aAlongM = transA && m % 4 === 0;
  const bAlongN = !transB && n % 4 === 0, bAlongK = transB && k % 4 === 0;
  const outVec = n % 4 === 0;
  const unrollK = k % 4 === 0;
  const aElem = (row: string, kk: string) =>
    transA ? `a_ld(ab + (${kk}) * p.m + ${row})` : `a_ld(ab + ${row} * p.k + ${kk})`;
  const bElem = (kk: string, col: string) =>
    transB ? `b_ld(bb + ${col} * p.k + ${kk})` : `b_ld(bb + (${kk}) * p.n + ${col})`;
  const rows = ["r0", "r1", "r2", "r3"], cols = ["c0", "c1", "c2", "c3"];

  // A(kk): a vec4 over the block's four rows; B(kk): a vec4 over its four columns.
  const aPre: string[] = [], bPre: string[] = [];
  const aAt = (kk: string, j: number): string => {
    if (unrollK && aAlongK) return `vec4<${t}>(${rows.map((_, r) => `ar${r}[${j}]`).join(", ")})`;
    if (aAlongM) return `a_ld4((ab + (${kk}) * p.m + row0) >> 2u)`;
    return `vec4<${t}>(${rows.map((r) => aElem(r, kk)).join(", ")})`;
  };
  const bAt = (kk: string, j: number): string => {
    if (unrollK && bAlongK) return `vec4<${t}>(${cols.map((_, c) => `bc${c}[${j}]`).join(", ")})`;
    if (bAlongN) return `b_ld4((bb + (${kk}) * p.n + col0) >> 2u)`;
    return `vec4<${t}>(${cols.map((c) => bElem(kk, c)).join(", ")})`;
  };
  if (unrollK && aAlongK) {
    rows.forEach((r, i) => aPre.push(`let ar${i} = a_ld4((ab + ${r} * p.k + kq) >> 2u);`));
  }
  if (unrollK && bAlongK) {
    cols.forEach((c, i) => bPre.push(`let bc${i} = b_ld4((bb + ${c} * p.k + kq) >> 2u);`));
  }
  const step = (kk: string, j: number) =>
    `{ let av = ${aAt(kk, j)}; let bv = ${bAt(kk, j)};
      acc0 += av.x * bv; acc1 += av.y * bv; acc2 += av.z * bv; acc3 += av.w * bv; }`;
  const loop = unrollK
    ? `for (var kq = k0; kq < k1; kq += 4u) {
    ${[...aPre, ...bPre].join("\n    ")}
    ${[0, 1, 2, 3].map((j) => step(j === 0 ? "kq" : `kq + ${j}u`, j)).join("\n    ")}
  }`
    : `for (var kk = k0; kk < k1; kk++) {
    ${step("kk", 0)}
  }`;
  const store = outVec
    ? `if (row < p.m) { out_st4((cb + row * p.n + col0) >> 2u, acc); }`
    : `if (row < p.m) {
      for (var c = 0u; c < 4u; c++) { if (col0 + c < p.n) { out_st(cb + row * p.n + col0 + c, acc[c]); } }
    }`;

  const tilesN = Math.ceil(n / (BLOCK * SIDE)), tilesM = Math.ceil(m / (BLOCK * SIDE));
  const flags = `${transA ? "T" : "N"}${
    transB ? "T" : "N"
  }_${+aAlongK}${+aAlongM}${+bAlongN}${+bAlongK}${+outVec}${+unrollK}`;
  return {
    label: `matmul_${t}_${flags}`,
    operands: [
      { name: "a", storage: a, type: t, access: "read", vec4: aAlongK || aAlongM },
      { name: "b", storage: b, type: t, access: "read", vec4: bAlongN || bAlongK },
      { name: "out", storage: out, type: t, access: "write", vec4: outVec },
    ],
    params: [
      { name: "m", type: "u32", value: m },
      { name: "n", type: "u32", value: n },
      { name: "k", type: "u32", value: k },
      { name: "tiles_n", type: "u32", value: tilesN },
      { name: "tiles_m", type: "u32", value: tilesM },
      { name: "batch", type: "u32", value: batch },
      { name: "kl", type: "u32", value: pieceLength(k, pieces) },
    ],
    workgroupSize: SIDE * SIDE,
    workgroups: tilesN * tilesM * batch * pieces,
    code: `fn run(wg: u32, li: u32) {
  let tn = wg % p.tiles_n; let t2 = wg / p.tiles_n;
  let tm = t2 % p.tiles_m; let t3 = t2 / p.tiles_m;
  let bt = t3 % p.batch; let piece = t3 / p.batch;
  let k0 = piece * p.kl; let k1 = min(p.k, k0 + p.kl);
  let row0 = (tm * ${SIDE}u + li / ${SIDE}u) * 4u;
  let col0 = (tn * ${SIDE}u + li % ${SIDE}u) * 4u;
  if (row0 >= p.m || col0 >= p.n) { return; }
  let ab = bt * p.m * p.k; let bb = bt * p.k * p.n;
  let cb = (piece * p.batch + bt) * p.m * p.n;
  // Rows and columns past the edge read the last one again; their results are not stored.
  let r0 = row0; let r1 = min(row0 + 1u, p.m - 1u);
  let r2 = min(row0 + 2u, p.m - 1u); let r3 = min(row0 + 3u, p.m - 1u);
  let c0 = col0; let c1 = min(col0 + 1u, p.n - 1u);
  let c2 = min(col0 + 2u, p.n - 1u); let c3 = min(col0 + 3u, p.n - 1u);
  var acc0 = vec4<${t}>(${zero}); var acc1 = vec4<${t}>(${zero});
  var acc2 = vec4<${t}>(${zero}); var acc3 = vec4<${t}>(${zero});
  ${loop}
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + r;
    var acc = acc0;
    if (r == 1u) { acc = acc1; } else if (r == 2u) { acc = acc2; } else if (r == 3u) { acc = acc3; }
    ${store}
  }
}`,
  };
}
