"""Signal propagation through depth: how init scale, activation and depth size every layer.

A deep MLP at initialization multiplies its input by one random matrix per layer and
squashes it by the activation; the backward pass does the same with the transposed
matrices and the activation's derivative. Whether activations and gradients keep their
size, collapse towards 0 or explode is decided by three things: the init scale, the
activation and the depth. This module computes it, NumPy only:

    diag = initial_diagnostics("he", "relu", 10)      # per-layer stats at init (cached)
    run = training_curve("he", "relu", 10)            # a short training run (cached)
    predicted_variances(1.0, [2] + [100] * 9, 0.1)    # the variance formula, layer by layer

An init scale is 0 (all zeros), a number s > 0 (weights s * N(0, 1)) or a scheme name
("lecun", "xavier", "he"). Results are cached by their arguments, so an explorer, a
summary figure and a notebook cell that ask for the same network share one computation.
Introduced in chapter 7 (Activations) and chapter 8 (Weight initialization).
"""

import copy
import functools
import math
import numbers

import numpy as np

from mml4_lib import stats
from mml4_lib.activations import ACTIVATIONS, LeakyReLU, activation_class
from mml4_lib.base import readonly
from mml4_lib.init import SCHEMES
from mml4_lib.layers import make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import SGD
from mml4_lib.train import fit

__all__ = [
    "SCHEMES", "HIDDEN_ACTIVATIONS", "ACT_RANGES", "GRAD_LOG_RANGE", "BINS",
    "WIDTH", "STEPS", "LR", "MOMENTUM", "init_spec", "make_deep_mlp", "dataset",
    "predicted_variances", "initial_diagnostics", "layer_snapshot", "training_curve",
    "gradient_norms",
    "check_network", "log_histogram", "SWEEP_LRS", "SWEEP_SEEDS", "INIT_LR",
    "scheme_sweep",
]

# Every nonlinearity of the library can be a hidden activation here (linear collapses: ch. 2).
HIDDEN_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a != "linear")
# Histogram ranges per activation (each class's plot_range); values outside go to the edge bins.
ACT_RANGES = {a: activation_class(a).plot_range for a in HIDDEN_ACTIVATIONS}
GRAD_LOG_RANGE = (-12.0, 4.0)  # log10 |dL/dW|; 0 and anything below 1e-12 go to the first bin
BINS = 32
WIDTH = 100
# A short full-batch training run: enough to tell "learns" from "stuck" and "diverges".
STEPS, LR, MOMENTUM = 50, 0.05, 0.9
# Comparing init schemes fairly: each scheme gets its best learning rate of SWEEP_LRS, per
# seed. The chapter 8 explorer trains with the middle one (one lr for every frame).
SWEEP_LRS = (0.01, 0.03, 0.1)
SWEEP_SEEDS = (0, 1, 2, 3, 4)
INIT_LR = SWEEP_LRS[1]



# ----------------------------------------------------------------------------- init scales
def _check_scale(scale):
    if isinstance(scale, str):
        if scale not in SCHEMES:
            raise ValueError(f"scale must be a number >= 0 or one of {SCHEMES}, got {scale!r}")
        return scale
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not (
            0 <= scale < math.inf):
        raise ValueError(f"scale must be a number >= 0 or one of {SCHEMES}, got {scale!r}")
    return float(scale)


def init_spec(scale):
    """The (init, init_scale) pair that ``make_mlp`` takes for an init scale.

    0 -> ("zeros", None); s > 0 -> ("normal", s), weights s * N(0, 1); "lecun", "xavier",
    "he" -> (name, None), weights N(0, 1) times the scheme's standard deviation.
    Chapter 8.
    """
    scale = _check_scale(scale)
    if isinstance(scale, str):
        return scale, None
    return ("zeros", None) if scale == 0 else ("normal", scale)


def _check_activation(activation):
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"activation must be one of {HIDDEN_ACTIVATIONS}, got {activation!r}")


def _check_depth(depth):
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 1:
        raise ValueError(f"depth (the number of hidden layers) must be an int >= 1, "
                         f"got {depth!r}")
    return int(depth)


def make_deep_mlp(scale, activation, depth, *, width=WIDTH, n_in=2, rng, dtype=np.float32):
    """A deep MLP n_in -> width x depth -> 1 with every Linear initialized by `scale`.

    Args: scale as in ``init_spec``; activation one of HIDDEN_ACTIVATIONS; depth >= 1
        hidden layers; width units each; rng a np.random.Generator.
    Returns: a Sequential mapping (N, n_in) to (N, 1) logits. Chapter 8.
    """
    _check_activation(activation)
    depth = _check_depth(depth)
    init, init_scale = init_spec(scale)
    sizes = [n_in] + [width] * depth + [1]
    return make_mlp(sizes, activation=activation, init=init, init_scale=init_scale,
                    rng=rng, dtype=dtype)


@functools.lru_cache(maxsize=4)
def dataset(n_samples=200, noise=0.05, seed=1):
    """The explorers' data: Playground circle points scaled to unit variance, float32.

    Returns X (N, 2) float32 with E[x^2] = 1 over all entries, y (N,) labels in {0, 1}.
    Read-only arrays (they are shared by every cached run). Chapter 8.
    """
    from mml4_lib.data import make_circle

    X, y = make_circle(n_samples, noise, rng=np.random.default_rng(seed))
    X = (X / np.sqrt(np.mean(X**2))).astype(np.float32)
    return readonly(X), readonly(y)


# ----------------------------------------------------------------------------- variances
def predicted_variances(second_moment_x, fan_ins, weight_std, *, activation="linear",
                        alpha=0.01):
    """Var(z_l) of every layer's pre-activation, predicted by Var(z) = n Var(w) E[x^2].

    z_1 = x W_1: Var(z_1) = n_1 Var(w_1) E[x^2]. Every later layer takes a = h(z) of the
    previous one, and for z ~ N(0, v) and zero-mean weights
    Var(z_l) = n_l Var(w_l) E[h(z_{l-1})^2] = n_l Var(w_l) c Var(z_{l-1}),
    with c = the activation's moment_factor: 1 (linear), 1/2 (ReLU: half of z is zeroed),
    (1 + alpha^2) / 2 (Leaky ReLU); activations whose c depends on Var(z) have none.
    Args: second_moment_x E[x^2] of the inputs (= Var(x) when they have mean 0);
        fan_ins (L,) the number of inputs n_l of each layer; weight_std a number or (L,)
        standard deviations of the weights; activation a name of ACTIVATIONS whose class has
        a constant moment_factor ("linear", "relu", "leaky_relu"); alpha Leaky ReLU's slope.
    Returns: (L,) predicted variances. Chapter 8.
    """
    constant = tuple(a for a in ACTIVATIONS if activation_class(a).moment_factor is not None)
    if activation not in constant:
        raise ValueError(f"activation must be one of {constant} (a constant moment factor), "
                         f"got {activation!r}")
    fan_ins = np.asarray(fan_ins, dtype=np.float64)
    if fan_ins.ndim != 1 or fan_ins.size == 0 or np.any(fan_ins < 1):
        raise ValueError(f"fan_ins must be a non-empty 1-D sequence of layer input sizes >= 1, "
                         f"got {fan_ins.tolist()}")
    weight_std = np.broadcast_to(np.asarray(weight_std, dtype=np.float64), fan_ins.shape)
    if np.any(weight_std < 0):
        raise ValueError(f"weight_std must be >= 0, got {weight_std.tolist()}")
    if not second_moment_x >= 0:
        raise ValueError(f"second_moment_x must be >= 0, got {second_moment_x!r}")
    unit = LeakyReLU(alpha) if activation == "leaky_relu" else activation_class(activation)
    c = unit.moment_factor
    gains = fan_ins * weight_std**2  # n_l Var(w_l)
    moments = np.full(fan_ins.shape, c)
    moments[0] = 1.0  # the first layer sees the inputs themselves, E[x^2] as given
    return second_moment_x * np.cumprod(gains * moments)


# ----------------------------------------------------------------------------- experiments

def check_network(scale, activation, depth):
    """Validate a (scale, activation, depth) triple; return the scale and depth normalized."""
    scale = _check_scale(scale)
    _check_activation(activation)
    return scale, _check_depth(depth)


@functools.lru_cache(maxsize=512)
def _initial_network(scale, activation, depth, width, seed):
    """The network both experiments start from, built once per combination (do not train it)."""
    return make_deep_mlp(scale, activation, depth, width=width, rng=np.random.default_rng(seed))


def log_histogram(g, bins, log_range):
    """Counts of log10 |g| over log_range; |g| below 10^low (and g = 0) go to the first bin."""
    lo, hi = log_range
    return stats.histogram(np.clip(np.log10(np.maximum(np.abs(g), 10.0**lo)), lo, hi),
                           bins=bins, range=log_range)


@functools.lru_cache(maxsize=512)
def initial_diagnostics(scale, activation, depth, *, width=WIDTH, seed=0):
    """Per-hidden-layer statistics of a freshly initialized deep MLP on ``dataset()``.

    One forward and backward pass (binary cross-entropy on the logits) through
    ``make_deep_mlp(scale, activation, depth)`` built with np.random.default_rng(seed).
    Args: scale, activation, depth as in ``make_deep_mlp``; width; seed.
    Returns: dict of read-only arrays with one entry per hidden layer l = 1 ... L:
        "mean", "std", "saturation", "dead" (L,) of the activations a_l (as in
        ``stats.layer_stats``); "act_hist" (L, BINS) counts over ACT_RANGES[activation]
        with values outside counted in the edge bins, "act_edges" (BINS + 1,);
        "grad_norm" (L,) Frobenius norms of dL/dW_l; "grad_hist" (L, BINS) counts of
        log10 |dL/dW_l| over GRAD_LOG_RANGE (0 and tiny values in the first bin),
        "grad_edges" (BINS + 1,); "loss" the initial loss (float).
    Chapters 7 and 8.
    """
    scale, depth = check_network(scale, activation, depth)
    X, y = dataset()
    model = _initial_network(scale, activation, depth, width, seed)
    lo, hi = ACT_RANGES[activation]
    loss_fn = BCEWithLogitsLoss()
    # Exploding networks overflow on purpose; the numbers are reported, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        out, acts = stats.collect_activations(model, X)
        loss = float(loss_fn.forward(out, y))
        _, grad_W, _ = stats.collect_gradients(model, loss_fn.backward())
        # hidden layer l is fed by Linear l; the last feeds the logit
        out = layer_snapshot(acts, grad_W[:depth], activation)
    lo, hi = ACT_RANGES[activation]
    out["act_edges"] = readonly(np.linspace(lo, hi, BINS + 1))
    out["grad_edges"] = readonly(np.linspace(*GRAD_LOG_RANGE, BINS + 1))
    out["loss"] = loss
    return out


def layer_snapshot(acts, grad_W, activation):
    """What the chapter 8 figures show of every hidden layer at one moment, as read-only arrays.

    acts: the hidden layers' activations (``stats.collect_activations``); grad_W: dL/dW of the
    Linear layer feeding each; activation: its name. Returns "mean", "std", "saturation",
    "dead" (L,) (``stats.layer_stats``), "act_hist" (L, BINS) counts over
    ACT_RANGES[activation] with the values outside in the edge bins, "grad_hist" (L, BINS)
    counts of log10 |dL/dW| over GRAD_LOG_RANGE, "grad_norm" (L,) Frobenius norms.
    ``initial_diagnostics`` and the training timeline (``lab.timeline``) both use it.
    """
    lo, hi = ACT_RANGES[activation]
    layers = [stats.layer_stats(a, activation) for a in acts]
    shot = {key: readonly(np.array([s[key] for s in layers], dtype=np.float64))
            for key in ("mean", "std", "saturation", "dead")}
    shot["act_hist"] = readonly(np.array(
        [stats.histogram(np.clip(a, lo, hi), bins=BINS, range=(lo, hi))[0] for a in acts]))
    shot["grad_hist"] = readonly(np.array(
        [log_histogram(g, BINS, GRAD_LOG_RANGE)[0] for g in grad_W]))
    shot["grad_norm"] = readonly(np.array([np.linalg.norm(g) for g in grad_W],
                                          dtype=np.float64))
    return shot


@functools.lru_cache(maxsize=512)
def training_curve(scale, activation, depth, *, steps=STEPS, lr=LR, momentum=MOMENTUM,
                   width=WIDTH, seed=0):
    """Train the same network as ``initial_diagnostics`` for a few full-batch SGD steps.

    SGD with momentum on binary cross-entropy over ``dataset()``, float32.
    Args: scale, activation, depth, width, seed as in ``initial_diagnostics``; steps,
        lr, momentum of the optimizer.
    Returns: dict with "loss" and "acc" (E,) read-only arrays (loss and accuracy before
        each update, E <= steps) and "diverged_at" (step at which the loss or a weight
        became inf/NaN, or None). Chapter 8.
    """
    scale, depth = check_network(scale, activation, depth)
    X, y = dataset()
    model = copy.deepcopy(_initial_network(scale, activation, depth, width, seed))
    history = fit(model, BCEWithLogitsLoss(), SGD(lr, momentum=momentum), X, y,
                  epochs=steps, rng=np.random.default_rng(seed))
    return {"loss": readonly(np.array(history.train_loss)),
            "acc": readonly(np.array(history.train_acc)),
            "diverged_at": history.diverged_at}


def gradient_norms(activation, depth, *, scale="xavier"):
    """||dL/dW_l|| for the hidden layers l = 1 ... depth at initialization.

    Returns: (depth,) read-only array (from ``initial_diagnostics``). Chapter 7.
    """
    return initial_diagnostics(scale, activation, depth)["grad_norm"]


def scheme_sweep(activation, depth, *, schemes=SCHEMES, lrs=SWEEP_LRS, seeds=SWEEP_SEEDS,
                 steps=STEPS, momentum=MOMENTUM):
    """Final training loss of every (scheme, learning rate, seed), and each scheme's best lr.

    Every run is ``training_curve(scheme, activation, depth, steps=steps, lr=lr,
    momentum=momentum, seed=seed)``: the network of seed k starts from
    np.random.default_rng(k). Learning rate is a confounder between schemes (a scheme
    with smaller weights may just want a larger step), so a scheme is judged by its
    best-of-sweep loss: per seed, the lowest final loss over `lrs`.
    Args: activation, depth as in ``make_deep_mlp``; schemes a tuple of init scales;
        lrs a tuple of learning rates > 0; seeds a tuple of ints; steps, momentum.
    Returns: dict of read-only arrays, "final" (S, L, K) final losses (inf for a run that
        diverged), "best" (S, K) the best over the learning rates, "best_lr" (S, K) the
        learning rate that gave it; and the tuples "schemes", "lrs", "seeds".
    Chapter 8.
    """
    for name, values in (("schemes", schemes), ("lrs", lrs), ("seeds", seeds)):
        if not isinstance(values, tuple) or not values:
            raise ValueError(f"{name} must be a non-empty tuple, got {values!r}")
    for lr in lrs:
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < math.inf:
            raise ValueError(f"lrs must hold numbers > 0, got {lr!r}")
    for scheme in schemes:
        check_network(scheme, activation, depth)
    return _scheme_sweep(activation, depth, schemes, lrs, seeds, steps, momentum)


@functools.lru_cache(maxsize=32)
def _scheme_sweep(activation, depth, schemes, lrs, seeds, steps, momentum):
    """``scheme_sweep`` after its arguments were checked (cached)."""
    final = np.empty((len(schemes), len(lrs), len(seeds)))
    for i, scheme in enumerate(schemes):
        for j, lr in enumerate(lrs):
            for k, seed in enumerate(seeds):
                run = training_curve(scheme, activation, depth, steps=steps, lr=lr,
                                     momentum=momentum, seed=seed)
                final[i, j, k] = math.inf if run["diverged_at"] is not None else run["loss"][-1]
    best_at = np.argmin(final, axis=1)  # (S, K)
    return {"final": readonly(final), "best": readonly(final.min(axis=1)),
            "best_lr": readonly(np.asarray(lrs, dtype=np.float64)[best_at]),
            "schemes": schemes, "lrs": lrs, "seeds": seeds}
