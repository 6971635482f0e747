"""PyTorch peer: the preset's MLP or CNN with its optimizer and batch size, float32 on the CPU, trained on the
bench's MNIST subset with torch.set_num_threads(spec["threads"]). Prints one JSON line.

CNN as the engine builds it: conv k×k (same) with bias → ReLU → batch norm (ε 1e-3, momentum 0.99 in Keras
terms = 0.01 in PyTorch's) → k×k max pool → flatten → dense → ReLU → … → dense. PyTorch is NCHW, the
engine NHWC; the arithmetic is the same.
"""
import sys

import numpy as np
import torch
from torch import nn

from common import answer, blas_libraries, load_spec, load_subset, measurement, openblas_config, timed_steps


def xavier_(module):
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_normal_(module.weight)
        nn.init.zeros_(module.bias)


def build(model, features):
    if model.get("activation", "relu") != "relu":
        raise SystemExit("torch_bench.py builds ReLU models only")
    layers = []
    if model["kind"] == "mlp":
        units = features
        for hidden in model["hiddenUnits"]:
            layers += [nn.Linear(units, hidden), nn.ReLU()]
            units = hidden
        layers.append(nn.Linear(units, 10))
        return nn.Sequential(*layers), (-1, features)
    k, filters, pool = model["kernelSize"], model["filters"], model["poolSize"]
    if model["stride"] != 1 or model["padding"] != "same" or k % 2 != 1:
        raise SystemExit("torch_bench.py builds stride-1 'same' convolutions with odd kernels only")
    side = int(round(features**0.5))
    layers += [nn.Conv2d(1, filters, k, padding=k // 2), nn.ReLU()]
    if model["batchNorm"]:
        layers.append(nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01))
    if pool > 1:
        layers.append(nn.MaxPool2d(pool))
        side //= pool
    layers.append(nn.Flatten())
    units = side * side * filters
    for dense in model["denseUnits"]:
        layers += [nn.Linear(units, dense), nn.ReLU()]
        units = dense
    layers.append(nn.Linear(units, 10))
    return nn.Sequential(*layers), (-1, 1, int(round(features**0.5)), int(round(features**0.5)))


def optimizer_for(training, params):
    name, lr = training["optimizer"], training["learningRate"]
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=training.get("momentum", 0.9))
    if name == "adam":
        return torch.optim.Adam(
            params,
            lr=lr,
            betas=(training.get("beta1", 0.9), training.get("beta2", 0.999)),
            eps=training.get("epsilon", 1e-8),
        )
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    raise SystemExit(f"torch_bench.py: optimizer {name!r} is not implemented")


def main():
    spec = load_spec()
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(1)
    x_np, y_np = load_subset(spec)
    model, shape = build(spec["model"], x_np.shape[1])
    model.apply(xavier_)
    model.train()
    x = torch.from_numpy(x_np).reshape(shape)
    y = torch.from_numpy(y_np)
    training = spec["training"]
    reduction = training.get("lossReduction", "mean")
    opt = optimizer_for(training, model.parameters())
    loss_fn = nn.CrossEntropyLoss(reduction=reduction)

    def step(idx):
        index = torch.from_numpy(idx)
        xb, yb = x.index_select(0, index), y.index_select(0, index)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()

    blas = openblas_config() or ", ".join(blas_libraries()) or "unknown"
    print(
        f"torch {torch.__version__}: {torch.get_num_threads()} threads, BLAS in use: {blas}",
        file=sys.stderr,
        flush=True,
    )
    batch_size = training["batchSize"]
    seconds, rows = timed_steps(step, spec, len(y_np), batch_size)
    answer(
        {
            **measurement(seconds, rows, batch_size),
            "torch": torch.__version__,
            "numpy": np.__version__,
            "threads": torch.get_num_threads(),
            "mkldnn": torch.backends.mkldnn.is_available(),
            "blas": blas,
        }
    )


if __name__ == "__main__":
    main()
