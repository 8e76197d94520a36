"""NumPy's half of bench/blas_matmul.ts: times `a @ b` and says which BLAS kernel ran.

    python3 bench/blas_matmul_numpy.py DTYPE M K N RUNS

Prints one line of JSON: NumPy's version, the BLAS as threadpoolctl names it (or, without
threadpoolctl, as the loaded OpenBLAS's openblas_get_config/openblas_get_corename say), and
the seconds of each of RUNS products after a warm-up.
"""
import ctypes
import json
import sys
import time

import numpy as np


def kernel():
    try:
        from threadpoolctl import threadpool_info

        return "; ".join(
            f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}, "
            f"{i.get('num_threads')} threads ({i.get('filepath')})"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        )
    except ImportError:
        pass
    # No threadpoolctl: ask the OpenBLAS this process loaded (found in its memory map).
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        # pip's NumPy ships scipy-openblas, whose symbols are scipy_openblas_…64_.
        for prefix, suffix in (("", ""), ("scipy_", "64_"), ("scipy_", "")):
            config = getattr(lib, f"{prefix}openblas_get_config{suffix}", None)
            if config is None:
                continue
            config.restype = ctypes.c_char_p
            core = getattr(lib, f"{prefix}openblas_get_corename{suffix}")
            core.restype = ctypes.c_char_p
            threads = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}")()
            return f"{config().decode()} core {core().decode()}, {threads} threads ({path})"
    return "unknown (" + ", ".join(sorted(paths)) + ")"


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
