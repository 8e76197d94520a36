"""NumPy's half of bench/blas_matmul.ts: times `a @ b` and says which BLAS kernel ran.

    python3 bench/blas_matmul_numpy.py DTYPE M K N RUNS

Prints one line of JSON: NumPy's version, the BLAS as threadpoolctl names it (or, without
threadpoolctl, as the loaded OpenBLAS's openblas_get_config/openblas_get_corename say), and
the seconds of each of RUNS products after a warm-up.
"""
import json
import sys
import time

import numpy as np

from blas_kernel import kernel


dtype, m, k, n, runs = sys.argv[1], *map(int, sys.argv[2:6])
rng = np.random.default_rng(0)
a = rng.uniform(-1, 1, (m, k)).astype(dtype)
b = rng.uniform(-1, 1, (k, n)).astype(dtype)
a @ b  # warm-up: OpenBLAS's threads start
seconds = []
for _ in range(runs):
    t0 = time.perf_counter()
    a @ b
    seconds.append(time.perf_counter() - t0)
print(json.dumps({"numpy": np.__version__, "kernel": kernel(), "seconds": seconds}))
