"""Time one full-batch training step of mml4_lib, and of PyTorch eager if it is installed.

A step is forward -> loss -> backward -> SGD update on one fixed batch. Each model is timed
in blocks of steps; blocks of mml4_lib and PyTorch alternate (interleaved, same process, same
threads), and the table reports the median time per step over all blocks.

    python benchmarks/bench_train_step.py            # about a minute on 2 cores
    python benchmarks/bench_train_step.py --quick    # fewer repeats, a rough look
    python benchmarks/bench_train_step.py --profile  # where mml4_lib's time goes in (a)

Models (hidden activations after every Linear except the last):
  (a) 2-8-8-1 tanh, batch 500, BCE-with-logits
  (b) 100 inputs, 10 tanh layers of width 100, 10 classes, batch 256, softmax cross-entropy
  (c) 784-256-128-10 ReLU, batch 128, softmax cross-entropy
"""

import argparse
import os
import platform
import statistics
import time

import numpy as np

from mml4_lib.layers import make_mlp
from mml4_lib.losses import BCEWithLogitsLoss, SoftmaxCrossEntropyLoss
from mml4_lib.optim import SGD

try:
    import torch
except ImportError:  # the benchmark still times mml4_lib alone
    torch = None

CASES = [
    # name, layer sizes, activation, batch, loss, target ratio to PyTorch
    ("(a) 2-8-8-1 tanh, BCE-logits, N=500", [2, 8, 8, 1], "tanh", 500, "bce_logits", 0.35),
    ("(b) 10x tanh(100), softmax, N=256", [100] + [100] * 10 + [10], "tanh", 256, "softmax", 0.9),
    ("(c) 784-256-128-10 ReLU, softmax, N=128", [784, 256, 128, 10], "relu", 128, "softmax", 0.9),
]
LR = 1e-3  # small, so thousands of steps on one batch stay finite


def make_batch(sizes, batch, loss, dtype, rng):
    """Random inputs (N, D) and labels: 0/1 as a (N, 1) float column, or class indices (N,)."""
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    if loss == "bce_logits":
        y = rng.integers(0, 2, size=(batch, 1)).astype(dtype)
    else:
        y = rng.integers(0, sizes[-1], size=batch)
    return X, y


def mml_stepper(sizes, activation, loss, dtype, X, y):
    """Return a function doing one mml4_lib training step on (X, y)."""
    init = "he" if activation == "relu" else "xavier"
    model = make_mlp(sizes, activation=activation, init=init, rng=np.random.default_rng(0),
                     dtype=dtype)
    loss_fn = BCEWithLogitsLoss() if loss == "bce_logits" else SoftmaxCrossEntropyLoss()
    optimizer = SGD(lr=LR)

    def step():
        out = model.forward(X)
        loss_fn.forward(out, y)
        # As in fit and in PyTorch (the data needs no gradient): the first layer skips dX.
        model.backward_params(loss_fn.backward())
        optimizer.step(model.params, model.grads)

    return step


def torch_stepper(sizes, activation, loss, dtype, X, y):
    """Return a function doing the same training step in PyTorch eager."""
    torch.manual_seed(0)  # PyTorch keeps its generator global; this script owns the process
    act = torch.nn.Tanh if activation == "tanh" else torch.nn.ReLU
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(d_in, d_out))
        if i < len(sizes) - 2:
            layers.append(act())
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    model = torch.nn.Sequential(*layers).to(tdtype)
    loss_fn = torch.nn.BCEWithLogitsLoss() if loss == "bce_logits" else torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    tX, ty = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss_fn(model(tX), ty).backward()
        optimizer.step()

    return step


def seconds_per_step(step, n):
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def steps_per_block(step, target):
    """How many steps make a block of about `target` seconds (at least 1)."""
    for _ in range(3):  # warm-up: caches, allocator, BLAS threads
        step()
    return max(1, round(target / seconds_per_step(step, 5)))


def time_interleaved(steps, rounds, block):
    """Median seconds per step of each function, timed in alternating blocks of `block` s."""
    sizes = [steps_per_block(s, block) for s in steps]
    samples = [[] for _ in steps]
    for _ in range(rounds):
        for step, n, sample in zip(steps, sizes, samples, strict=True):
            sample.append(seconds_per_step(step, n))
    return [statistics.median(s) for s in samples]


class _Counted(np.ndarray):
    """An array that counts the NumPy calls made on it (ufuncs, reductions, np functions).

    Indexing, reshape, astype and views are not counted. Only the outermost call counts, so
    np.mean is one call even though it calls np.add.reduce inside.
    """

    calls = 0
    depth = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        def plain(a):
            return a.view(np.ndarray) if isinstance(a, _Counted) else a

        _Counted.calls += _Counted.depth == 0
        _Counted.depth += 1
        try:
            out = kwargs.get("out")
            if out is not None:
                kwargs["out"] = tuple(plain(o) for o in out)
            result = getattr(ufunc, method)(*(plain(a) for a in inputs), **kwargs)
        finally:
            _Counted.depth -= 1
        if out is not None:
            return out[0] if len(out) == 1 else out
        if isinstance(result, np.ndarray):
            return result.view(_Counted)
        return result

    def __array_function__(self, func, types, args, kwargs):
        _Counted.calls += _Counted.depth == 0
        _Counted.depth += 1
        try:
            return super().__array_function__(func, types, args, kwargs)
        finally:
            _Counted.depth -= 1


def count_numpy_calls(sizes, activation, loss, dtype, X, y):
    """NumPy calls in one mml4_lib step: every array flowing through it counts its calls."""
    step = mml_stepper(sizes, activation, loss, dtype, X.view(_Counted), y.view(_Counted))
    step()  # the first step allocates optimizer state
    _Counted.calls = 0
    step()
    return _Counted.calls


def machine_info():
    lines = [
        f"- CPU cores (nproc): {os.cpu_count()}; {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        f"- NumPy {np.__version__}",
    ]
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                lines.append(
                    f"- BLAS: {pool.get('internal_api')} {pool.get('version')}, "
                    f"{pool.get('num_threads')} threads, kernel {pool.get('architecture')}"
                )
    except ImportError:
        lines.append("- BLAS: unknown (threadpoolctl not installed)")
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        lines.append(f"- load average before the run (1, 5, 15 min): {load}")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        lines.append(f"- {var}={os.environ.get(var, '(unset)')}")
    if torch is not None:
        lines.append(f"- PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    else:
        lines.append("- PyTorch: not installed (mml4_lib timed alone)")
    return "\n".join(lines)


def profile_case_a():
    """Print the functions where one mml4_lib step of case (a) spends its time."""
    import cProfile
    import pstats

    _, sizes, activation, batch, loss, _ = CASES[0]
    X, y = make_batch(sizes, batch, loss, np.float64, np.random.default_rng(0))
    step = mml_stepper(sizes, activation, loss, np.float64, X, y)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [step() for _ in range(2000)])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--profile", action="store_true", help="profile case (a) and exit")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit BLAS and PyTorch to this many threads (default: theirs)")
    args = parser.parse_args()
    if args.profile:
        profile_case_a()
        return
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)  # for the rest of the process
        if torch is not None:
            torch.set_num_threads(args.threads)
    rounds, block = (15, 0.01) if args.quick else (40, 0.04)

    print(machine_info())
    print()
    print("| model | dtype | mml4_lib (ms/step) | PyTorch (ms/step) | ratio | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for title, sizes, activation, batch, loss, target in CASES:
        for dtype in (np.float32, np.float64):
            X, y = make_batch(sizes, batch, loss, dtype, np.random.default_rng(1))
            steps = [mml_stepper(sizes, activation, loss, dtype, X, y)]
            if torch is not None:
                steps.append(torch_stepper(sizes, activation, loss, dtype, X, y))
            times = time_interleaved(steps, rounds, block)
            mml_ms = f"{times[0] * 1e3:.3f}"
            if torch is None:
                torch_ms, ratio = "-", "-"
            else:
                r = times[0] / times[1]
                torch_ms = f"{times[1] * 1e3:.3f}"
                ratio = f"{r:.2f}x {'ok' if r <= target else 'MISSED'}"
            name = np.dtype(dtype).name
            print(f"| {title} | {name} | {mml_ms} | {torch_ms} | {ratio} | <= {target}x |")

    _, sizes, activation, batch, loss, _ = CASES[0]
    X, y = make_batch(sizes, batch, loss, np.float64, np.random.default_rng(1))
    calls = count_numpy_calls(sizes, activation, loss, np.float64, X, y)
    print()
    print(f"NumPy calls per step for (a): {calls} (ufuncs, reductions and np functions; "
          "indexing, reshape and astype not counted)")


if __name__ == "__main__":
    main()
