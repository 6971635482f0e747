"""numpy peer: the E2 MLP (dense → ReLU → … → dense, softmax cross-entropy, SGD with momentum) written out
by hand in float32, trained on the bench's MNIST subset. Prints one JSON line (see common.measurement).

Momentum as the engine does it: v ← γv − αg; w ← w + v. The input layer's gradient with respect to the
input is not computed (nothing needs it), as autograd in tfjs and PyTorch also skips it.

With "evaluate" in the spec (split name → row file) it times whole epochs instead of steps: every batch,
then the loss and accuracy of each split, as the engine logs an epoch (see whole_epochs).
"""
import sys
import time

import numpy as np

from common import answer, blas_libraries, load_spec, load_subset, measurement, openblas_config, timed_steps


def xavier(rng, fan_in, fan_out):
    return (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))).astype(np.float32)


def main():
    spec = load_spec()
    model, training = spec["model"], spec["training"]
    if model["kind"] != "mlp" or model.get("activation", "relu") != "relu":
        raise SystemExit("numpy_mlp.py trains ReLU MLPs only")
    if training["optimizer"] != "momentum":
        raise SystemExit("numpy_mlp.py implements SGD with momentum only")
    x, y = load_subset(spec)
    batch_size = training["batchSize"]
    lr = np.float32(training["learningRate"])
    momentum = np.float32(training.get("momentum", 0.9))
    mean_loss = training.get("lossReduction", "mean") == "mean"

    sizes = [x.shape[1], *model["hiddenUnits"], 10]
    rng = np.random.default_rng(1)
    weights = [xavier(rng, a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(b, dtype=np.float32) for b in sizes[1:]]
    params = weights + biases
    velocity = [np.zeros_like(p) for p in params]

    def step(idx):
        xb, yb = x[idx], y[idx]
        rows = np.arange(len(idx))
        # Forward: keep each layer's input and pre-activation for the backward pass.
        inputs, pre = [], []
        a = xb
        for i, (w, b) in enumerate(zip(weights, biases)):
            inputs.append(a)
            z = a @ w
            z += b
            pre.append(z)
            a = np.maximum(z, 0) if i < len(weights) - 1 else z
        logits = a - a.max(axis=1, keepdims=True)
        e = np.exp(logits)
        p = e / e.sum(axis=1, keepdims=True)
        # Backward: d(CE)/d(logits) = softmax − onehot.
        dz = p
        dz[rows, yb] -= 1
        if mean_loss:
            dz /= np.float32(len(idx))
        grads_w = [None] * len(weights)
        grads_b = [None] * len(weights)
        for i in range(len(weights) - 1, -1, -1):
            grads_w[i] = inputs[i].T @ dz
            grads_b[i] = dz.sum(axis=0)
            if i > 0:
                dz = dz @ weights[i].T
                dz *= pre[i - 1] > 0
        for p_, v, g in zip(params, velocity, grads_w + grads_b):
            v *= momentum
            v -= lr * g
            p_ += v

    blas = openblas_config() or ", ".join(blas_libraries()) or "unknown"
    print(f"numpy {np.__version__}, BLAS: {blas}", file=sys.stderr, flush=True)
    if "evaluate" in spec:
        answer({**whole_epochs(spec, step, weights, biases, len(y), batch_size), "numpy": np.__version__, "blas": blas})
        return
    seconds, rows = timed_steps(step, spec, len(y), batch_size)
    answer({**measurement(seconds, rows, batch_size), "numpy": np.__version__, "blas": blas})


EVAL_CHUNK_ROWS = 2000


def whole_epochs(spec, step, weights, biases, count, batch_size):
    """An epoch as the engine logs it: every training batch (a fresh permutation), then loss and accuracy of
    the training, validation and test splits in eval mode, EVAL_CHUNK_ROWS rows at a time (the engine's
    chunk), cross-entropy summed in float64. Returns each epoch's seconds, and its training and evaluation
    parts."""
    splits = []
    for name, indices in spec["evaluate"].items():
        xs, ys = load_subset({**spec, "indices": indices})
        splits.append((name, xs, ys))

    def evaluate(xs, ys):
        loss, correct = 0.0, 0
        for start in range(0, len(ys), EVAL_CHUNK_ROWS):
            a = xs[start : start + EVAL_CHUNK_ROWS]
            for i, (w, b) in enumerate(zip(weights, biases)):
                z = a @ w
                z += b
                a = np.maximum(z, 0) if i < len(weights) - 1 else z
            labels = ys[start : start + EVAL_CHUNK_ROWS]
            top = a.max(axis=1, keepdims=True)
            lse = np.log(np.exp(a - top).sum(axis=1, dtype=np.float64)) + top[:, 0]
            loss += float((lse - a[np.arange(len(labels)), labels]).sum())
            correct += int((a.argmax(axis=1) == labels).sum())
        return loss / len(ys), correct / len(ys)

    rng = np.random.default_rng(spec.get("seed", 1))
    epochs, train_seconds, eval_seconds = [], [], []
    for _ in range(spec["epochs"]):
        started = time.perf_counter()
        order = rng.permutation(count)
        for start in range(0, count, batch_size):
            step(order[start : start + batch_size])
        trained = time.perf_counter()
        for _, xs, ys in splits:
            evaluate(xs, ys)
        done = time.perf_counter()
        epochs.append(done - started)
        train_seconds.append(trained - started)
        eval_seconds.append(done - trained)
    return {
        "epochSeconds": epochs,
        "trainSeconds": train_seconds,
        "evalSeconds": eval_seconds,
        "trainRows": count,
        "evalRows": {name: len(ys) for name, _, ys in splits},
    }


if __name__ == "__main__":
    main()
