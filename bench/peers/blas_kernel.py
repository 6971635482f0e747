"""Which BLAS kernels the peers run: numpy's (after a product, so that its BLAS is loaded) and, where torch
imports, PyTorch's, with the lines of torch.__config__.show() that name its BLAS and CPU capability. One JSON
line: {"numpy": {...} | null, "torch": {...} | null, "env": {OPENBLAS_*}}."""
import os
import sys

from common import answer, blas_libraries, openblas_config


def numpy_side():
    try:
        import numpy as np
    except ImportError as error:
        return {"error": f"cannot import numpy ({error})"}
    a = np.ones((64, 64), dtype=np.float32)
    a @ a  # loads the BLAS library, so that it shows in /proc/self/maps
    config = None
    try:
        from threadpoolctl import threadpool_info

        config = "; ".join(
            f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} ({i.get('num_threads')} threads)"
            for i in threadpool_info()
        )
    except ImportError:
        pass
    return {
        "version": np.__version__,
        "blas": openblas_config() or ", ".join(blas_libraries()) or "unknown",
        "threadpoolctl": config,
    }


def torch_side():
    try:
        import torch
    except ImportError as error:
        return {"error": f"cannot import torch ({error})"}
    a = torch.ones((64, 64))
    a @ a
    shown = torch.__config__.show()
    keep = ("BLAS_INFO", "CPU capability", "MKL-DNN", "oneDNN")
    lines = [line.strip().lstrip("- ").rstrip(",") for line in shown.replace(", ", "\n").splitlines()]
    return {
        "version": torch.__version__,
        "blas": openblas_config() or ", ".join(blas_libraries()) or "unknown",
        "config": [line for line in lines if line and any(k in line for k in keep)],
    }


def main():
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    sides = {"numpy": numpy_side(), "env": env}
    # torch loads its own copy of the BLAS mapping; ask it in the same process after numpy (as its peers do).
    if "--no-torch" not in sys.argv:
        sides["torch"] = torch_side()
    answer(sides)


if __name__ == "__main__":
    main()
