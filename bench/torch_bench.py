#!/usr/bin/env python3
"""The workloads of optiscope-bench in PyTorch, printed as "NAME VALUE" lines.

What a user would otherwise write: a torch.optim.Adam loop (zero_grad, forward, loss, backward,
step) on one thread, with random inputs of the same shapes as optiscope-bench (float32 for the
networks, float64 for the 2-D function). Each workload is warmed up, then timed in
--repetitions runs of at least --min-time seconds; the median is printed.

    python3 bench/torch_bench.py [--repetitions N] [--min-time S] [--filter SUBSTRING] [--config]
"""

import argparse
import os
import statistics
import sys
import time

# One thread everywhere: torch's intra-op pool (set_num_threads below), OpenMP and OpenBLAS's own
# pthreads pool (which torch.set_num_threads does not control). Must be set before the import.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # pragma: no cover - reported to the caller
    sys.stderr.write("torch_bench.py: PyTorch is not installed (Debian: python3-torch)\n")
    sys.exit(3)


def measure(run, items_per_iteration, repetitions, min_time, verbose, name):
    """Items per second: calibrate to about min_time, warm up, median of the repetitions."""
    iterations = 1
    while True:
        t0 = time.perf_counter()
        run(iterations)
        dt = time.perf_counter() - t0
        if dt >= 0.5 * min_time:
            break
        grow = min(10.0, min_time / dt) if dt > 0 else 10.0
        iterations = max(iterations + 1, int(iterations * grow))
    rates = []
    for r in range(repetitions):
        t0 = time.perf_counter()
        run(iterations)
        dt = time.perf_counter() - t0
        rates.append(iterations * items_per_iteration / dt)
        if verbose:
            sys.stderr.write(f"  {name} rep {r}: {rates[-1]:.6g}/s ({iterations} iterations)\n")
    return statistics.median(rates)


def adam_2d():
    """Adam on Rosenbrock (a=1, b=100) from (-1.5, 2), float64, autograd gradient."""

    def run(iterations):
        x = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([x], lr=0.001)
        for _ in range(iterations):
            opt.zero_grad()
            loss = (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] ** 2) ** 2
            loss.backward()
            opt.step()

    return run, 1


def network(model, input_shape, batch, classes):
    torch.manual_seed(1)
    x = torch.randn((batch,) + input_shape, dtype=torch.float32)
    y = torch.randint(0, classes, (batch,))
    opt = torch.optim.Adam(model.parameters(), lr=0.001)

    def run(iterations):
        for _ in range(iterations):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

    return run, batch


def mlp(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(activation())
    return nn.Sequential(*layers)


def lenet5():
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


WORKLOADS = [
    ("adam_2d_rosenbrock_steps_per_s", adam_2d),
    ("mlp_playground_2-8-8-2_tanh_b10_samples_per_s",
     lambda: network(mlp([2, 8, 8, 2], nn.Tanh), (2,), 10, 2)),
    ("mlp_digits_64-64-10_relu_b32_samples_per_s",
     lambda: network(mlp([64, 64, 10], nn.ReLU), (64,), 32, 10)),
    ("mlp_mnist_784-128-10_relu_b64_samples_per_s",
     lambda: network(mlp([784, 128, 10], nn.ReLU), (784,), 64, 10)),
    ("lenet5_cifar_b64_samples_per_s", lambda: network(lenet5(), (3, 32, 32), 64, 10)),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--filter", default="")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--config", action="store_true",
                        help="print torch's version and build configuration (BLAS) and exit")
    args = parser.parse_args()
    if args.config:
        print(f"torch {torch.__version__}")
        print(torch.__config__.show())
        return
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    for name, make in WORKLOADS:
        if args.filter and args.filter not in name:
            continue
        run, items = make()
        rate = measure(run, items, max(1, args.repetitions), args.min_time, args.verbose, name)
        print(f"{name} {rate:.6g}", flush=True)


if __name__ == "__main__":
    main()
