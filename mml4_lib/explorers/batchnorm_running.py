"""Batch norm's running statistics: how alpha and the batch size decide what evaluation uses.

Three layers: ``mml4_lib.lab.batchnorm`` computes (``running_statistics``, ``ema_noise_std``),
``setup_running``/``update_running`` draw, ``make_batchnorm_running_explorer`` offers alpha (the
BatchNorm momentum) and the batch size. Introduced in chapter 9 (Batch normalization).
"""

import numpy as np

from mml4_lib.lab.batchnorm import N_STEPS, POP_MEAN, POP_VAR, ema_noise_std, running_statistics
from mml4_lib.plotting import PLAYGROUND_BLUE
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, slider

__all__ = ["MOMENTUM_VALUES", "BATCH_VALUES", "MEAN_LIM", "VAR_LIM", "setup_running",
           "update_running", "make_batchnorm_running_explorer"]


MOMENTUM_VALUES = (0.01, 0.03, 0.1, 0.3, 0.9)
BATCH_VALUES = (2, 8, 32, 128)


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
        band = ax.fill_between([0, N_STEPS], pop, pop, color=PLAYGROUND_BLUE, alpha=0.15,
                               linewidth=0, label="+-2 std once settled")
        (line,) = ax.plot([], [], color=PLAYGROUND_BLUE, linewidth=2, label=f"running {label}")
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
    state["description"] = (
        f"Batch norm's running averages with alpha = {momentum:g} and batches of {batch_size}, "
        f"over {N_STEPS} steps: running mean {r['running_mean'][-1]:.2f} (population "
        f"{POP_MEAN:g}, settled spread +-{2 * ema_noise_std(momentum, batch_size):.2f}), "
        f"running variance {r['running_var'][-1]:.2f} (population {POP_VAR:g}); the batch "
        f"means scatter from {r['batch_mean'].min():.2f} to {r['batch_mean'].max():.2f}.")


def make_batchnorm_running_explorer(*, mode=None):
    """Sliders for alpha (BatchNorm momentum) and the batch size: 5 x 4 = 20 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    controls = [slider("momentum", MOMENTUM_VALUES, value=0.1, description="alpha"),
                slider("batch_size", BATCH_VALUES, value=8, description="batch size")]
    return Explorer(controls, setup_running, update_running, mode=mode)


