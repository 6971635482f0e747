"""Single-thread (or OPENBLAS_NUM_THREADS-thread) float32 matmul rate of numpy's BLAS: argv[1] = size,
argv[2] = repetitions. Prints which BLAS numpy uses, then one JSON line."""
import contextlib
import io
import sys
import time

import numpy as np

from common import answer, blas_libraries, openblas_config


def show_config():
    """numpy.show_config(), or threadpoolctl's view of the loaded BLAS when it is installed."""
    try:
        from threadpoolctl import threadpool_info

        return "threadpoolctl: " + "; ".join(
            f"{i.get('internal_api')} {i.get('version')} {i.get('filepath')} ({i.get('num_threads')} threads)"
            for i in threadpool_info()
        )
    except ImportError:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            np.show_config()
        return out.getvalue()


def main():
    size, reps = int(sys.argv[1]), int(sys.argv[2])
    config = show_config()
    rng = np.random.default_rng(1)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b  # loads the BLAS library, so that it shows in /proc/self/maps
    blas = openblas_config() or ", ".join(blas_libraries()) or "unknown"
    print(f"numpy {np.__version__}: BLAS in use: {blas}", file=sys.stderr, flush=True)
    for _ in range(2):
        a @ b
    rep_ms = []
    for _ in range(reps):
        started = time.perf_counter()
        a @ b
        rep_ms.append((time.perf_counter() - started) * 1000)
    flops = 2 * size**3
    answer(
        {
            "size": size,
            "repMs": rep_ms,
            "bestGflops": flops / (min(rep_ms) / 1000) / 1e9,
            "medianGflops": flops / (float(np.median(rep_ms)) / 1000) / 1e9,
            "numpy": np.__version__,
            "blas": blas,
            "blasLibraries": blas_libraries(),
            "showConfig": config,
        }
    )


if __name__ == "__main__":
    main()
