"""numpy peer: the E2 MLP (dense → ReLU → … → dense, softmax cross-entropy, SGD with momentum) written out
by hand in float32, trained on the bench's MNIST subset. Prints one JSON line (see common.measurement).

Momentum as the engine does it: v ← γv − αg; w ← w + v. The input layer's gradient with respect to the
input is not computed (nothing needs it), as autograd in tfjs and PyTorch also skips it.
"""
import sys

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
    seconds, rows = timed_steps(step, spec, len(y), batch_size)
    answer({**measurement(seconds, rows, batch_size), "numpy": np.__version__, "blas": blas})


if __name__ == "__main__":
    main()
