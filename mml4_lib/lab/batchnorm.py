"""Batch normalization experiments: the running statistics, and batch norm against a bad init.

* ``running_statistics`` computes how a BatchNorm layer's running mean and variance (the
  exponential moving averages of the lecture's slide, alpha = ``momentum``) follow the batch
  statistics of a feature with known population mean and variance; ``ema_noise_std`` gives
  how much they still fluctuate once settled.
* ``init_scale_run`` trains a deep tanh network whose weights are drawn with a given scale,
  with or without batch norm.

NumPy only: ``mml4_lib.explorers.batchnorm_running`` and ``batchnorm_scale`` draw them.
Introduced in chapter 9 (Batch normalization).
"""

from functools import lru_cache

import numpy as np

from mml4_lib.base import readonly
from mml4_lib.data import make_circle
from mml4_lib.layers import BatchNorm, make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import SGD
from mml4_lib.stats import network_stats
from mml4_lib.train import accuracy, fit

__all__ = ["POP_MEAN", "POP_VAR", "POPULATION", "N_STEPS", "running_statistics",
           "ema_noise_std", "DEPTH", "WIDTH", "EPOCHS", "BATCH", "LR", "dataset",
           "init_scale_run"]


# ----------------------------------------------------------------------------- running stats
POP_MEAN, POP_VAR = 2.0, 9.0


def _population(n=5000):
    """n values of one pre-activation with mean exactly POP_MEAN and variance exactly POP_VAR."""
    z = np.random.default_rng(2024).standard_normal(n)
    z = (z - z.mean()) / z.std()  # standardized exactly, so the population values are known
    return POP_MEAN + np.sqrt(POP_VAR) * z


POPULATION = _population()
N_STEPS = 200


def _check_momentum_and_batch(momentum, batch_size):
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.number)) or not (
        0 < momentum < 1
    ):
        raise ValueError(f"momentum (the lecture's alpha) must be a number in (0, 1), "
                         f"got {momentum!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or (
        batch_size < 2
    ):
        raise ValueError(f"batch_size must be an int >= 2 (training-mode batch norm needs two "
                         f"rows to estimate a variance), got {batch_size!r}")


def running_statistics(momentum, batch_size, *, n_steps=N_STEPS, seed=0):
    """Feed n_steps random batches of POPULATION through a BatchNorm(1) in training mode.

    Each step draws batch_size values with replacement, so the batch mean estimates POP_MEAN
    and the unbiased batch variance estimates POP_VAR without bias. After step t the layer
    holds running = alpha * batch_stat + (1 - alpha) * running (alpha = momentum), starting
    from running_mean = 0 and running_var = 1.

    Args: momentum in (0, 1); batch_size int >= 2; n_steps int >= 1; seed int.
    Returns: dict of (n_steps,) arrays "batch_mean", "batch_var" (unbiased),
        "running_mean", "running_var" (after each step), and "step" (1 ... n_steps).
    Introduced in chapter 9.
    """
    _check_momentum_and_batch(momentum, batch_size)
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be an int >= 1, got {n_steps!r}")
    rng = np.random.default_rng(seed)
    batches = rng.choice(POPULATION, size=(n_steps, batch_size))
    layer = BatchNorm(1, momentum=float(momentum))
    out = {k: np.empty(n_steps) for k in ("running_mean", "running_var")}
    for t, batch in enumerate(batches):
        layer.forward(batch[:, None])
        out["running_mean"][t] = layer.running_mean[0]
        out["running_var"][t] = layer.running_var[0]
    out["batch_mean"] = batches.mean(axis=1)
    out["batch_var"] = batches.var(axis=1, ddof=1)
    out["step"] = np.arange(1, n_steps + 1)
    return out


def ema_noise_std(momentum, batch_size, *, stat="mean", pop_var=POP_VAR):
    """Standard deviation of a running statistic once its start value is forgotten.

    The batch statistics b_t are independent with variance v: pop_var / B for the batch mean,
    2 pop_var^2 / (B - 1) for the unbiased batch variance of a Gaussian feature. The average
    m_t = alpha * b_t + (1 - alpha) m_{t-1} then settles at variance
    alpha^2 v (1 + (1 - alpha)^2 + (1 - alpha)^4 + ...) = alpha / (2 - alpha) * v.
    Args: momentum alpha in (0, 1); batch_size B >= 2; stat "mean" or "var".
    Returns a float. Chapter 9.
    """
    _check_momentum_and_batch(momentum, batch_size)
    if stat not in ("mean", "var"):
        raise ValueError(f"stat must be 'mean' or 'var', got {stat!r}")
    v = pop_var / batch_size if stat == "mean" else 2 * pop_var**2 / (batch_size - 1)
    return float(np.sqrt(momentum / (2 - momentum) * v))


DEPTH, WIDTH, EPOCHS, BATCH, LR = 5, 32, 15, 50, 0.3


@lru_cache(maxsize=1)
def dataset():
    """The circle data of the init-scale experiment: 300 points, inputs standardized.

    Returns X (300, 2) float32 with mean 0 and std 1 per column, y (300,) in {0, 1}.
    """
    X, y = make_circle(300, 0.1, rng=np.random.default_rng(0))
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)
    return readonly(X), readonly(y)  # shared by every run through the cache


def _model(scale, batch_norm, seed):
    return make_mlp([2] + [WIDTH] * DEPTH + [1], activation="tanh", init="normal",
                    init_scale=scale, batch_norm=batch_norm,
                    rng=np.random.default_rng(seed), dtype=np.float32)


@lru_cache(maxsize=128, typed=True)  # typed: True (a bad scale) is not 1.0
def init_scale_run(scale, batch_norm, *, seed=0):
    """Train a 2-32x5-1 tanh network with weights scale * N(0, 1), with or without batch norm.

    Every Linear gets W = scale * N(0, 1) ("normal" init); with batch_norm a BatchNorm follows
    every hidden Linear. Training: circle data (``dataset``), BCE with logits, SGD lr 0.3
    with momentum 0.9, batches of 50, 15 epochs. Results are cached: the same arguments
    return the same dict, which callers must not modify.

    Args: scale > 0; batch_norm bool; seed int (weights and batch order).
    Returns: dict with "acts" (list of DEPTH arrays (300, 32), the tanh outputs at
        initialization, training mode), "std" and "saturation" (per layer, at init),
        "history" (a History), "accuracy" (training accuracy in eval mode after training,
        NaN if training diverged).
    Introduced in chapter 9.
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.number)) or not (
        0 < scale < np.inf
    ):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be True or False, got {batch_norm!r}")
    X, y = dataset()
    model = _model(float(scale), batch_norm, seed)
    loss_fn = BCEWithLogitsLoss()
    with np.errstate(over="ignore", invalid="ignore"):  # huge scales overflow: reported, not warned
        stats = network_stats(model, X)
        history = fit(model, loss_fn, SGD(LR, momentum=0.9), X, y, epochs=EPOCHS,
                      batch_size=BATCH, rng=np.random.default_rng(seed + 1))
        acc = np.nan
        if history.diverged_at is None:
            acc = accuracy(model.eval().forward(X), y, loss_fn)
    return {"acts": stats["a"], "std": stats["std"], "saturation": stats["saturation"],
            "history": history, "accuracy": acc}


