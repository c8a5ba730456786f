"""Time GELU's normal CDF: Cody's vectorised erf/erfc (mml4_lib) against the standard library.

NumPy has no erf, and activations.py must stay NumPy-only, so GELU(z) = z Phi(z) needs one of
  cody        mml4_lib.activations.gelu: W. J. Cody's rational approximations, vectorised;
  math.erfc   z * 0.5 * erfc(-z / sqrt 2) with the standard library's math.erfc applied
              elementwise by np.frompyfunc (one Python call per value);
  vectorize   the same with np.vectorize (a convenience wrapper around the same loop).
Both are exact to double precision (tests/test_activations.py checks gelu against mpmath).
The script also times one training step of the 10-layer, 100-wide network of
bench_train_step.py case (b) with each hidden activation, which is what the chapter 7
explorer and the chapter's measurement run.

    python benchmarks/bench_erf.py           # about 30 s on 2 cores
    python benchmarks/bench_erf.py --quick   # fewer repeats
"""

import argparse
import math
import os
import platform
import statistics
import time

import numpy as np

from mml4_lib.activations import gelu, gelu_grad, relu, silu, tanh
from mml4_lib.layers import make_mlp
from mml4_lib.losses import SoftmaxCrossEntropyLoss
from mml4_lib.optim import SGD

SQRT_HALF = math.sqrt(0.5)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_ERFC_VECTORIZED = np.vectorize(math.erfc, otypes=[np.float64])


def gelu_math_erfc(z):
    return z * 0.5 * _ERFC(-z * SQRT_HALF).astype(np.float64)


def gelu_vectorize(z):
    return z * 0.5 * _ERFC_VECTORIZED(-z * SQRT_HALF)


def gelu_float32(z):
    return gelu(z.astype(np.float32))  # the conversion is timed too (the networks are float32)


FUNCTIONS = {"cody (mml4_lib.gelu)": gelu, "cody gelu_grad": gelu_grad,
             "cody, float32 input": gelu_float32,
             "math.erfc via np.frompyfunc": gelu_math_erfc,
             "math.erfc via np.vectorize": gelu_vectorize,
             "for scale: tanh": tanh, "for scale: silu": silu, "for scale: relu": relu}


def time_functions(sizes, repeats):
    """Median seconds per call of every function on N(0, 1) input, interleaved."""
    rows = {}
    for n in sizes:
        z = np.random.default_rng(0).standard_normal(n)
        times = {name: [] for name in FUNCTIONS}
        for _ in range(repeats):
            for name, f in FUNCTIONS.items():
                start = time.perf_counter()
                f(z)
                times[name].append(time.perf_counter() - start)
        rows[n] = {name: statistics.median(t) for name, t in times.items()}
    z = np.random.default_rng(1).normal(0, 3, 100_000)
    difference = np.max(np.abs(gelu(z) - gelu_math_erfc(z)) / np.maximum(np.abs(gelu(z)), 1e-300))
    return rows, float(difference)


def time_training_step(activation, repeats, steps=5):
    """Median seconds of one SGD step of a 100-10x100-10 MLP on a batch of 256."""
    rng = np.random.default_rng(0)
    model = make_mlp([100] + [100] * 10 + [10], activation=activation, init="he", rng=rng)
    X, y = rng.standard_normal((256, 100)), rng.integers(0, 10, 256)
    loss, opt = SoftmaxCrossEntropyLoss(), SGD(lr=1e-3)
    blocks = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            loss.forward(model.forward(X), y)
            model.backward(loss.backward())
            opt.step(model.params, model.grads)
        blocks.append((time.perf_counter() - start) / steps)
    return statistics.median(blocks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    print(f"CPython {platform.python_version()}, NumPy {np.__version__}, "
          f"{os.cpu_count()} cores, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    rows, difference = time_functions([25_600, 100_000, 1_000_000], repeats)
    sizes = " | ".join(f"N = {n:,} (ms)" for n in rows)
    print(f"\n| function | {sizes} | ns per value (1e6) |")
    print("|---|" + "---:|" * (len(rows) + 1))
    for name in FUNCTIONS:
        cells = " | ".join(f"{1e3 * rows[n][name]:.2f}" for n in rows)
        print(f"| {name} | {cells} | {1e9 * rows[1_000_000][name] / 1e6:.0f} |")
    print(f"\nmax relative difference cody vs math.erfc on 1e5 N(0, 9) values: {difference:.1e}")
    print("\n| hidden activation | one training step, 10 x 100 MLP, batch 256 (ms) |")
    print("|---|---:|")
    for activation in ("relu", "tanh", "elu", "silu", "gelu"):
        print(f"| {activation} | {1e3 * time_training_step(activation, repeats):.1f} |")


if __name__ == "__main__":
    main()
