/**
 * The Part4-3 data set's product, 60000×784·784×128, through the public API
 * (`a.matmul(b)`, operands already tensors) in float32 and float64: ours with
 * the platform's BLAS, ours on the WebAssembly kernels (NN_BLAS=0), and NumPy's
 * `a @ b` in Debian's python3-numpy (/usr/bin/python3, linked to Debian's
 * OpenBLAS, the library ours loads) and in pip's (`python3`, its own newer
 * OpenBLAS):
 *
 *     deno run -A bench/blas_matmul.ts [rounds]
 *
 * Each contender runs in a process of its own, `rounds` times (default 3) in
 * turn, so that load from elsewhere hits them alike; each process times
 * several products after a warm-up. Printed: GFLOP/s (2·m·n·k per product) of
 * the best product, and the range of the processes' bests. Our machines set
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE to hold OpenBLAS to its AVX2
 * (Haswell) kernels; a user's library picks its own (SkylakeX, Cooperlake), so
 * NumPy runs without them, and ours both ways (it loads the same library).
 * Each line names the kernel that ran. "BLAS kernel alone" times the library
 * on the tensors' arrays into an output made before the clock starts: the
 * difference from the public API's figure is the first touch of each fresh
 * 60000×128 result (page faults: 75 ms per 30 MB on our machines).
 */

import { platformBlas, productKernel } from "../lib/tensor/cpu/blas.ts";
import { tensor } from "../lib/tensor/create.ts";
import { fill } from "./operands.ts";

const [M, K, N] = [60000, 784, 128];
const FLOP = 2 * M * K * N;
const RUNS = { float32: 6, float64: 4 };

// The child: times RUNS products of one dtype, prints the kernel and the seconds.
if (Deno.args[0] === "--child") {
  const dtype = Deno.args[1] as "float32" | "float64";
  const Type = dtype === "float32" ? Float32Array : Float64Array;
  const a = tensor(fill(new Type(M * K)), { shape: [M, K] });
  const b = tensor(fill(new Type(K * N), 1), { shape: [K, N] });
  a.matmul(b).dispose(); // warm-up: the library's threads, the kernels' memory
  const seconds: number[] = [];
  // "kernel": the library alone, on the same arrays, into one output array made
  // (and first touched) before the clock starts.
  const blas = Deno.args[2] === "kernel" ? platformBlas() : null;
  const out = new Type(M * N).fill(0);
  const [x, y] = [a.dataSync() as typeof out, b.dataSync() as typeof out];
  for (let r = 0; r < RUNS[dtype]; r++) {
    const t0 = performance.now();
    if (blas === null) {
      const c = a.matmul(b);
      seconds.push((performance.now() - t0) / 1000);
      c.dispose();
    } else {
      blas.gemm(x, y, out, M, N, K, false, false);
      seconds.push((performance.now() - t0) / 1000);
    }
  }
  console.log(JSON.stringify({ kernel: productKernel(), seconds }));
  Deno.exit(0);
}

const rounds = Number(Deno.args[0] ?? 3);
const root = new URL("../", import.meta.url).pathname;
/** The environment with our machines' two OpenBLAS variables removed. */
const unset = ["-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE"];

interface Contender {
  who: string;
  command: string[];
}
const CONTENDERS: Contender[] = [
  {
    who: "ours, BLAS, default kernels",
    command: ["env", ...unset, Deno.execPath(), "run", "-A", "bench/blas_matmul.ts", "--child"],
  },
  {
    who: "ours, BLAS kernel alone, default",
    command: ["env", ...unset, Deno.execPath(), "run", "-A", "bench/blas_matmul.ts", "--child"],
  },
  {
    who: "ours, BLAS, OPENBLAS_CORETYPE as set",
    command: [Deno.execPath(), "run", "-A", "bench/blas_matmul.ts", "--child"],
  },
  {
    who: "ours, WebAssembly (NN_BLAS=0)",
    command: ["env", "NN_BLAS=0", Deno.execPath(), "run", "-A", "bench/blas_matmul.ts", "--child"],
  },
  {
    who: "Debian NumPy (/usr/bin/python3)",
    command: ["env", ...unset, "/usr/bin/python3", "bench/blas_matmul_numpy.py"],
  },
  {
    who: "pip NumPy (python3)",
    command: ["env", ...unset, "python3", "bench/blas_matmul_numpy.py"],
  },
];

/** One process's kernel and seconds, or why it failed. */
async function once(c: Contender, dtype: string): Promise<{ kernel: string; seconds: number[] }> {
  const extra = c.who.startsWith("ours")
    ? [dtype, c.who.includes("alone") ? "kernel" : "api"]
    : [dtype, `${M}`, `${K}`, `${N}`, `${RUNS[dtype as keyof typeof RUNS]}`];
  const [command, ...rest] = c.command;
  const { code, stdout, stderr } = await new Deno.Command(command, {
    args: [...rest, ...extra],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (code !== 0) throw new Error(`${c.who}: ${text.decode(stderr).trim().split("\n").pop()}`);
  return JSON.parse(text.decode(stdout).trim().split("\n").pop()!);
}

const load = () => Deno.loadavg().map((x) => x.toFixed(1)).join(" ");
console.log(`${M}×${K}·${K}×${N}, GFLOP/s; ${rounds} processes each, in turn; load ${load()}`);
for (const dtype of ["float32", "float64"]) {
  const bests = new Map<string, number[]>(), kernels = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (const c of CONTENDERS) {
      try {
        const { kernel, seconds } = await once(c, dtype);
        kernels.set(c.who, kernel);
        bests.set(c.who, [...(bests.get(c.who) ?? []), Math.min(...seconds)]);
      } catch (e) {
        kernels.set(c.who, (e as Error).message);
      }
    }
  }
  console.log(`\n${dtype}` + "best".padStart(37) + "range of bests".padStart(18) + "  kernel");
  for (const c of CONTENDERS) {
    const s = bests.get(c.who) ?? [];
    const g = s.map((t) => FLOP / t / 1e9);
    const range = s.length ? `${Math.min(...g).toFixed(0)}–${Math.max(...g).toFixed(0)}` : "–";
    console.log(
      c.who.padEnd(37) + (s.length ? Math.max(...g).toFixed(1) : "–").padStart(7) +
        range.padStart(18) + `  ${kernels.get(c.who)}`,
    );
  }
}
console.log(`\nload average now ${load()}`);
