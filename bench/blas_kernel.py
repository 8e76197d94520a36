"""Which BLAS kernel this Python process runs, for the benchmarks' NumPy and PyTorch halves.

Our machines set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which force OpenBLAS onto its
AVX2 "Haswell" kernels; the benchmarks run NumPy and PyTorch with both unset (as a user's
machine runs them) and print what this returns beside each figure.
"""

import ctypes


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
