"""Universal approximation, built by hand: pairs of steep sigmoids make bumps that trace a curve.

More units -> narrower bins; steeper units -> sharper steps. Three layers:
``mml4_lib.lab.universal`` computes (``bump_network``, ``network_output``,
``approximation_error``), ``setup_universal``/``update_universal`` draw,
``make_universal_explorer`` wires the controls. Introduced in chapter 3 (Neurons and networks).
"""

import numpy as np
from matplotlib.collections import LineCollection

from mml4_lib.lab.universal import (
    X,
    approximation_error,
    bump_network,
    bump_outputs,
    network_output,
    nielsen_target,
    target_values,
)
from mml4_lib.plotting import PLAYGROUND_BLUE, PLAYGROUND_ORANGE
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, slider

__all__ = ["HIDDEN_VALUES", "STEEPNESS_VALUES", "ERROR_LIM", "setup_universal",
           "update_universal", "make_universal_explorer"]


HIDDEN_VALUES = (2, 4, 8, 16, 32, 64)
STEEPNESS_VALUES = (5, 20, 50, 200, 1000, 5000)
# The error panel shows F - f in full for every (units, steepness) on the sliders: the
# largest |F - f| among them is 0.617 (4 units, s = 5).
ERROR_LIM = 0.65


def setup_universal(target=nielsen_target):
    """Build the figure once: target, network output, bumps (top) and the error (bottom)."""
    fig = new_figure(6.4, 4.4)
    ax = fig.add_axes((0.12, 0.38, 0.85, 0.52))
    ax_err = fig.add_axes((0.12, 0.1, 0.85, 0.18), sharex=ax)
    f = target_values(target, X)
    bumps = LineCollection([], colors=PLAYGROUND_ORANGE, linewidths=0.8, alpha=0.7,
                           label="bumps (pairs of units)")
    ax.add_collection(bumps)
    ax.plot(X, f, color="black", linewidth=1.5, linestyle="--", label="target $f(x)$")
    (net,) = ax.plot([], [], color=PLAYGROUND_BLUE, linewidth=2, label="network $F(x)$")
    ax.set_xlim(0, 1)
    pad = 0.15 * (f.max() - f.min())
    ax.set_ylim(min(0.0, f.min()) - pad, f.max() + pad)
    ax.legend(loc="upper left", fontsize=8)
    ax.tick_params(labelbottom=False)
    title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom",
                    fontsize=10)
    ax_err.axhline(0, color="0.8", linewidth=0.8)
    (err,) = ax_err.plot([], [], color="crimson", linewidth=1)
    ax_err.set_ylim(-ERROR_LIM, ERROR_LIM)
    ax_err.set_ylabel("$F - f$")
    ax_err.set_xlabel("x")
    # Axes, target curve and legend never change: the explorer redraws only these.
    for artist in (bumps, net, err, title):
        artist.set_animated(True)
    return {"fig": fig, "ax": ax, "ax_err": ax_err, "bumps": bumps, "net": net, "err": err,
            "title": title, "target": target}


def update_universal(state, n_hidden, steepness):
    """Construct the network for (n_hidden, steepness) and redraw output, bumps and error."""
    target = state["target"]
    params = bump_network(target, n_hidden, steepness)
    out = network_output(params, X)
    state["net"].set_data(X, out)
    state["bumps"].set_segments([np.column_stack([X, b]) for b in bump_outputs(params, X)])
    e = approximation_error(target, params, X)
    state["err"].set_data(X, np.clip(e["error"], -ERROR_LIM, ERROR_LIM))  # (another target)
    state["title"].set_text(f"{n_hidden} hidden units ({n_hidden // 2} bumps), weight "
                            f"{steepness:g}: max |F - f| = {e['max']:.3f}, RMS = {e['rms']:.3f}")
    worst = float(X[np.argmax(np.abs(e["error"]))])
    state["description"] = (f"A network of {n_hidden} steep sigmoid units ({n_hidden // 2} "
                            f"bumps, input weight {steepness:g}) traces the wiggly target on "
                            f"[0, 1]: largest error {e['max']:.3f} (at x = {worst:.2f}), RMS "
                            f"error {e['rms']:.3f}.")


def make_universal_explorer(*, mode=None, target=nielsen_target):
    """Sliders for the number of hidden units and their steepness: 6 x 6 = 36 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS); target: the curve to approximate.
    Returns an Explorer.
    """
    target_values(target, X)  # a bad target fails here, with a clear message
    controls = [slider("n_hidden", HIDDEN_VALUES, value=8, description="units"),
                slider("steepness", STEEPNESS_VALUES, value=50, description="steepness s")]
    return Explorer(controls, lambda: setup_universal(target), update_universal, mode=mode)
