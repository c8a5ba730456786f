"""Batch normalization explorers: the running statistics, and batch norm against a bad init.

Two explorers, each in three layers as every explorer in the book:

* ``running_statistics`` computes how a BatchNorm layer's running mean and variance (the
  exponential moving averages of the lecture's slide, alpha = ``momentum``) follow the batch
  statistics of a feature with known population mean and variance;
  ``setup_running``/``update_running`` draw them; ``make_running_explorer`` offers alpha and
  the batch size.
* ``init_scale_run`` trains a deep tanh network whose weights are drawn with a given scale,
  with or without batch norm; ``setup_init_scale``/``update_init_scale`` draw its activation
  histograms at initialization and its loss curve; ``make_init_scale_explorer`` offers the
  scale and batch norm on/off.

Introduced in chapter 9 (Batch normalization).
"""

from functools import lru_cache

import numpy as np

from mml4_lib.data import make_circle
from mml4_lib.layers import BatchNorm, make_mlp
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import SGD
from mml4_lib.plotting import (
    plot_activation_histograms,
    plot_loss_curves,
    update_activation_histograms,
    update_loss_curves,
)
from mml4_lib.stats import network_stats
from mml4_lib.train import accuracy, fit
from mml4_lib.widgets import Explorer, choice, new_figure, slider

__all__ = [
    "POP_MEAN", "POP_VAR", "POPULATION", "MOMENTUM_VALUES", "BATCH_VALUES", "N_STEPS",
    "running_statistics", "ema_noise_std", "setup_running", "update_running",
    "make_running_explorer",
    "SCALE_VALUES", "DEPTH", "WIDTH", "EPOCHS", "init_data", "init_scale_run",
    "setup_init_scale", "update_init_scale", "make_init_scale_explorer",
]

# ----------------------------------------------------------------------------- running stats
POP_MEAN, POP_VAR = 2.0, 9.0


def _population(n=5000):
    """n values of one pre-activation with mean exactly POP_MEAN and variance exactly POP_VAR."""
    z = np.random.default_rng(2024).standard_normal(n)
    z = (z - z.mean()) / z.std()  # standardized exactly, so the population values are known
    return POP_MEAN + np.sqrt(POP_VAR) * z


POPULATION = _population()
MOMENTUM_VALUES = (0.01, 0.03, 0.1, 0.3, 0.9)
BATCH_VALUES = (2, 8, 32, 128)
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


MEAN_LIM, VAR_LIM = (-3.0, 7.0), (0.0, 24.0)


def setup_running():
    """Build the figure once: batch statistics as dots, running averages as lines, two panels."""
    fig = new_figure(6.4, 4.0)
    ax_m = fig.add_axes((0.1, 0.56, 0.86, 0.34))
    ax_v = fig.add_axes((0.1, 0.11, 0.86, 0.34), sharex=ax_m)
    panels = {}
    for ax, key, pop, lim, label in ((ax_m, "mean", POP_MEAN, MEAN_LIM, "mean"),
                                     (ax_v, "var", POP_VAR, VAR_LIM, "variance")):
        dots = ax.scatter([], [], s=5, color="0.6", label=f"batch {label}")
        band = ax.fill_between([0, N_STEPS], pop, pop, color="#0877bd", alpha=0.15, linewidth=0,
                               label="+-2 std once settled")
        (line,) = ax.plot([], [], color="#0877bd", linewidth=2, label=f"running {label}")
        ax.axhline(pop, color="black", linestyle="--", linewidth=1,
                   label=f"population {label} {pop:g}")
        ax.set_ylim(*lim)
        ax.set_xlim(0, N_STEPS)
        ax.set_ylabel(label)
        ax.legend(loc="upper right", fontsize=7, ncol=4, columnspacing=1.0)
        panels[key] = {"dots": dots, "line": line, "band": band, "ax": ax}
    ax_m.tick_params(labelbottom=False)
    ax_v.set_xlabel("training step t")
    title = ax_m.set_title("", fontsize=9)
    # Only these change (the axes limits never do), so the explorer redraws just them.
    for p in panels.values():
        for artist in (p["dots"], p["band"], p["line"]):
            artist.set_animated(True)
    title.set_animated(True)
    return {"fig": fig, "panels": panels, "title": title}


def update_running(state, momentum, batch_size):
    """Simulate alpha = momentum and batch size, and redraw dots, lines, band and title."""
    r = running_statistics(momentum, batch_size)
    for key in ("mean", "var"):
        p = state["panels"][key]
        lo, hi = MEAN_LIM if key == "mean" else VAR_LIM
        p["dots"].set_offsets(np.column_stack([r["step"], np.clip(r[f"batch_{key}"], lo, hi)]))
        p["line"].set_data(r["step"], r[f"running_{key}"])
    # The bands: population value +- 2 standard deviations of the settled running average.
    for key, pop in (("mean", POP_MEAN), ("var", POP_VAR)):
        s = 2 * ema_noise_std(momentum, batch_size, stat=key)
        state["panels"][key]["band"].set_verts(
            [[(0, pop - s), (N_STEPS, pop - s), (N_STEPS, pop + s), (0, pop + s)]])
    state["title"].set_text(
        f"alpha = {momentum:g}, batch size {batch_size}: after {N_STEPS} steps running mean "
        f"{r['running_mean'][-1]:.2f}, running variance {r['running_var'][-1]:.2f}\n"
        f"the start values (0 and 1) still weigh (1 - alpha)^{N_STEPS} = "
        f"{(1 - momentum) ** N_STEPS:.2g}")
    state["last"] = r


def make_running_explorer(*, mode=None):
    """Sliders for alpha (BatchNorm momentum) and the batch size: 5 x 4 = 20 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    controls = [slider("momentum", MOMENTUM_VALUES, value=0.1, description="alpha"),
                slider("batch_size", BATCH_VALUES, value=8, description="batch size")]
    return Explorer(controls, setup_running, update_running, mode=mode)


# ----------------------------------------------------------------------------- init scale
SCALE_VALUES = (0.001, 0.01, 0.1, 0.3, 1.0, 3.0)
DEPTH, WIDTH, EPOCHS, BATCH, LR = 5, 32, 15, 50, 0.3


@lru_cache(maxsize=1)
def init_data():
    """The circle data of the init-scale experiment: 300 points, inputs standardized.

    Returns X (300, 2) float32 with mean 0 and std 1 per column, y (300,) in {0, 1}.
    """
    X, y = make_circle(300, 0.1, rng=np.random.default_rng(0))
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)
    X.setflags(write=False)  # shared by every run through the cache
    y.setflags(write=False)
    return X, y


def _model(scale, batch_norm, seed):
    return make_mlp([2] + [WIDTH] * DEPTH + [1], activation="tanh", init="normal",
                    init_scale=scale, batch_norm=batch_norm,
                    rng=np.random.default_rng(seed), dtype=np.float32)


@lru_cache(maxsize=128, typed=True)  # typed: True (a bad scale) is not 1.0
def init_scale_run(scale, batch_norm, *, seed=0):
    """Train a 2-32x5-1 tanh network with weights scale * N(0, 1), with or without batch norm.

    Every Linear gets W = scale * N(0, 1) ("normal" init); with batch_norm a BatchNorm follows
    every hidden Linear. Training: circle data (``init_data``), BCE with logits, SGD lr 0.3
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
    X, y = init_data()
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


def setup_init_scale():
    """Build the figure once: overlaid activation histograms, their notes, the loss curve."""
    fig = new_figure(7.6, 3.2)
    ax_h = fig.add_axes((0.02, 0.15, 0.33, 0.68))
    ax_l = fig.add_axes((0.71, 0.15, 0.24, 0.68))
    first = init_scale_run(SCALE_VALUES[0], False)
    labels = [f"layer {i + 1}" for i in range(DEPTH)]
    hist = plot_activation_histograms(ax_h, dict(zip(labels, first["acts"], strict=True)),
                                      bins=40, range=(-1.0, 1.0),
                                      saturation=first["saturation"])
    # The notes (legend entries) go to the right of the histograms, where they hide nothing.
    legend = ax_h.get_legend()
    legend.set_bbox_to_anchor((1.02, 1.0), transform=ax_h.transAxes)
    legend.set_loc("upper left")
    ax_h.set_xlabel("tanh output at initialization")
    ax_h.set_yticks([])
    loss = plot_loss_curves(ax_l, {"train_loss": first["history"].train_loss})
    ax_l.get_legend().remove()
    ax_l.yaxis.tick_right()  # leaves room for the histogram notes on the left
    ax_l.set_ylim(0, 1.5)
    ax_l.set_xlim(0, EPOCHS - 1)
    ax_l.set_title("training loss", fontsize=9)
    title = fig.suptitle("", fontsize=10)
    return {"fig": fig, "hist": hist, "loss": loss, "title": title}


def update_init_scale(state, scale, batch_norm):
    """Show the run for (scale, batch_norm): histograms at init, loss curve, accuracy."""
    bn = batch_norm == "on"
    run = init_scale_run(scale, bn)
    update_activation_histograms(state["hist"], run["acts"], saturation=run["saturation"])
    history = run["history"]
    update_loss_curves(state["loss"], {"train_loss": history.train_loss})
    state["loss"]["note"].set_text("" if history.diverged_at is None
                                   else f"diverged at epoch {history.diverged_at}")
    acc = "diverged" if np.isnan(run["accuracy"]) else f"{run['accuracy']:.0%}"
    state["title"].set_text(f"weights {scale:g} x N(0, 1), batch norm {batch_norm}: "
                            f"last-layer std {run['std'][-1]:.3f}, accuracy after "
                            f"{EPOCHS} epochs {acc}")
    state["last"] = run


def make_init_scale_explorer(*, mode=None):
    """A slider for the init scale and buttons for batch norm: 6 x 2 = 12 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer that trains.
    """
    controls = [slider("scale", SCALE_VALUES, value=0.01, description="init scale"),
                choice("batch_norm", ("off", "on"), value="off", buttons=True,
                       description="batch norm")]
    return Explorer(controls, setup_init_scale, update_init_scale, mode=mode, trains=True)
