"""The training timeline: every layer's activations, gradients and update size during a run.

Initialization decides what the layers see at step 0; the lecture's claims (saturation,
vanishing gradients, dying units) are about what happens while the network trains. This
module trains one deep MLP of ``mml4_lib.lab.propagation`` (same data, same width) for
``RUN_STEPS`` full-batch SGD steps and keeps, at the steps of ``SNAPSHOTS``:

- per hidden layer, the histogram of its activations and their statistics
  (``stats.layer_stats``: mean, std, saturated share, dead share);
- per hidden layer, the histogram of log10 |dL/dW| and the norm ||dL/dW||;
- per hidden layer, log10 of the update-to-data ratio ||W_{t+1} - W_t|| / ||W_t|| of the
  update made at that step (``stats.update_to_data_ratio``; Karpathy's rule of thumb: about
  1e-3, i.e. -3, is healthy).

    run = timeline(0.01, "tanh")        # small noise: the ratios of the first layers near -8
    run["snapshots"][50]["log_ratio"]   # (DEPTH,) one number per hidden layer

Snapshot steps: 0 is initialization; 10 is after the first few momentum steps; 50 is where
the chapter's 50-step runs end; 200 is long enough for the slow starters to move (or not).
Results are cached by their arguments. NumPy only. Chapter 8 (Weight initialization).
"""

import functools

import numpy as np

from mml4_lib import stats
from mml4_lib.base import readonly
from mml4_lib.lab.propagation import (
    ACT_RANGES,
    BINS,
    GRAD_LOG_RANGE,
    LR,
    MOMENTUM,
    WIDTH,
    check_network,
    dataset,
    layer_snapshot,
    make_deep_mlp,
)
from mml4_lib.layers import Linear
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import SGD

__all__ = ["ACTIVATIONS", "SCALES", "SNAPSHOTS", "RUN_STEPS", "DEPTH", "RATIO_LOG_RANGE",
           "timeline"]

# The timeline's axes: three activations (vanishing slope, saturating, dying) and four
# initializations (small noise, the tanh scheme, the ReLU scheme, large noise).
ACTIVATIONS = ("sigmoid", "tanh", "relu")
SCALES = (0.01, "xavier", "he", 1.0)
SNAPSHOTS = (0, 10, 50, 200)
RUN_STEPS = SNAPSHOTS[-1]
DEPTH = 6
RATIO_LOG_RANGE = (-10.0, 1.0)  # log10 of the update-to-data ratio; -inf (no update) -> low end


def _check_steps(steps):
    if (not isinstance(steps, tuple) or not steps
            or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in steps)
            or list(steps) != sorted(set(steps))):
        raise ValueError(f"snapshots must be a non-empty increasing tuple of ints >= 0, "
                         f"got {steps!r}")


def timeline(scale, activation, *, depth=DEPTH, snapshots=SNAPSHOTS, lr=LR, momentum=MOMENTUM,
             width=WIDTH, seed=0):
    """Train a deep MLP on ``propagation.dataset()`` and keep every layer's state at some steps.

    The network is ``propagation.make_deep_mlp(scale, activation, depth, width=width)``
    built with np.random.default_rng(seed), float32; full-batch SGD with momentum on binary
    cross-entropy, steps 0 ... snapshots[-1]. Step t is the forward and backward pass on the
    weights W_t (after t updates) followed by the update to W_{t+1}.
    Args: scale, activation, depth, width, seed as in ``propagation.initial_diagnostics``;
        snapshots an increasing tuple of steps (ints >= 0); lr, momentum of the optimizer.
    Returns: dict with
        "loss", "acc" read-only arrays, the loss and accuracy at steps 0, 1, ... (one per
        step run, snapshots[-1] + 1 unless the run diverged);
        "diverged_at" the step at which the loss or a weight became inf/NaN, or None;
        "act_edges", "grad_edges" (BINS + 1,) the histogram bins (as in
        ``propagation.initial_diagnostics``);
        "snapshots": dict step -> dict of read-only arrays, one row per hidden layer,
        "mean", "std", "saturation", "dead" (depth,); "act_hist", "grad_hist"
        (depth, BINS); "grad_norm" (depth,); "log_ratio" (depth,) log10 of
        ||W_{t+1} - W_t|| / ||W_t|| of the weights feeding each hidden layer (-inf for an
        update of exactly 0, NaN for weights and update both 0). Steps the run
        did not reach (it diverged) are missing.
    Chapter 8.
    """
    scale, depth = check_network(scale, activation, depth)
    _check_steps(snapshots)
    for name, value in (("width", width), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (name == "width"):
            raise ValueError(f"{name} must be an int >= {int(name == 'width')}, got {value!r}")
    SGD(lr, momentum=momentum)  # checks lr and momentum, naming them
    return _timeline(scale, activation, depth, snapshots, lr, momentum, width, seed)


@functools.lru_cache(maxsize=64)
def _timeline(scale, activation, depth, snapshots, lr, momentum, width, seed):
    """``timeline`` after its arguments were checked (cached: explorer and notebook share runs)."""
    X, y = dataset()
    model = make_deep_mlp(scale, activation, depth, width=width,
                          rng=np.random.default_rng(seed))
    weights = [m.params["W"] for m in model.layers if isinstance(m, Linear)][:depth]
    loss_fn, optimizer = BCEWithLogitsLoss(), SGD(lr, momentum=momentum)
    lo, hi = ACT_RANGES[activation]
    losses, accs, shots, diverged_at = [], [], {}, None
    # Exploding networks overflow on purpose; the divergence is reported, not warned about.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(snapshots[-1] + 1):
            out, acts = stats.collect_activations(model, X)
            loss = float(loss_fn.forward(out, y))
            if not np.isfinite(loss) or not all(np.isfinite(W).all() for W in weights):
                diverged_at = step
                break
            losses.append(loss)
            accs.append(float(np.mean((out[:, 0] > 0) == (y == 1))))
            _, grad_W, _ = stats.collect_gradients(model, loss_fn.backward())
            grad_W = grad_W[:depth]
            before = [W.copy() for W in weights] if step in snapshots else None
            optimizer.step(model.params, model.grads)
            if before is None:
                continue
            shot = layer_snapshot(acts, grad_W, activation)
            ratio = [stats.update_to_data_ratio(b, W - b)
                     for b, W in zip(before, weights, strict=True)]
            shot["log_ratio"] = readonly(np.log10(np.array(ratio, dtype=np.float64)))
            shots[step] = shot
    return {"loss": readonly(np.array(losses)), "acc": readonly(np.array(accs)),
            "diverged_at": diverged_at,
            "act_edges": readonly(np.linspace(lo, hi, BINS + 1)),
            "grad_edges": readonly(np.linspace(*GRAD_LOG_RANGE, BINS + 1)),
            "snapshots": shots}
