"""Gradient descent on one sigmoid neuron: the path over the loss surface and the loss curve.

Three layers: ``mml4_lib.lab.gd_neuron`` computes (``loss_and_grad``, ``loss_surface``,
``gd_path``), ``setup_gd``/``update_gd`` draw, ``make_gd_neuron_explorer`` wires the controls.
Introduced in chapter 4 (Training: gradients and the chain rule).
"""

import numpy as np

from mml4_lib.lab.gd_neuron import (
    B_LIM,
    START,
    W_LIM,
    check_xy,
    dataset,
    gd_path,
    loss_surface,
    on_plateau,
)
from mml4_lib.plotting import ERROR_RED, PLAYGROUND_BLUE, PLAYGROUND_ORANGE
from mml4_lib.plotting.render import new_figure
from mml4_lib.widgets import Explorer, play, slider

__all__ = ["LR_VALUES", "STEP_VALUES", "setup_gd", "update_gd", "make_gd_neuron_explorer"]


LR_VALUES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
STEP_VALUES = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200)


def setup_gd(x=None, y=None):
    """Build the figure once: loss contours with the path (left), the loss curve (right)."""
    if x is None or y is None:
        x, y = dataset()
    x, y = check_xy(x, y)
    fig = new_figure(7.6, 3.4)
    ax = fig.add_axes((0.1, 0.14, 0.4, 0.74))
    ax_loss = fig.add_axes((0.61, 0.14, 0.36, 0.74))
    ws = np.linspace(*W_LIM, 121)
    bs = np.linspace(*B_LIM, 101)
    Q = loss_surface(x, y, ws, bs)
    ax.contourf(ws, bs, Q, levels=np.linspace(0, 1, 21), cmap="viridis")  # Q <= 1 always
    ax.contour(ws, bs, Q, levels=[0.12, 0.2, 0.3, 0.45], colors="white", linewidths=0.5)
    (path,) = ax.plot([], [], color="white", marker="o", markersize=3, linewidth=1.2)
    (now,) = ax.plot([], [], color=PLAYGROUND_ORANGE, marker="o", markersize=7, linestyle="none")
    ax.plot(*START, marker="s", color="white", markersize=5)
    best = np.unravel_index(np.argmin(Q), Q.shape)  # the grid's lowest point, for orientation
    ax.plot(ws[best[1]], bs[best[0]], marker="*", color=PLAYGROUND_ORANGE, markersize=11,
            markeredgecolor="white", linestyle="none")
    ax.set_xlim(*W_LIM)
    ax.set_ylim(*B_LIM)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom",
                    fontsize=9)
    (curve,) = ax_loss.plot([], [], color=PLAYGROUND_BLUE, linewidth=1.5)
    (dot,) = ax_loss.plot([], [], color=PLAYGROUND_ORANGE, marker="o", linestyle="none")
    ax_loss.set_xlim(-5, STEP_VALUES[-1] + 5)
    ax_loss.set_ylim(0, 0.8)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss Q (mean squared error)")
    note = ax_loss.text(0.97, 0.95, "", transform=ax_loss.transAxes, ha="right", va="top",
                        fontsize=9, color=ERROR_RED, wrap=True)
    # Axes, contours and labels never change: the explorer redraws only these.
    for artist in (path, now, curve, dot, title, note):
        artist.set_animated(True)
    return {"fig": fig, "ax": ax, "ax_loss": ax_loss, "path": path, "now": now,
            "curve": curve, "dot": dot, "title": title, "note": note, "x": x, "y": y,
            "runs": {}}


def update_gd(state, lr, step):
    """Show the first `step` steps of the run with learning rate lr (runs are cached per lr)."""
    if lr not in state["runs"]:  # one 200-step run per lr; the step control only slices it
        state["runs"][lr] = gd_path(state["x"], state["y"], lr, STEP_VALUES[-1])
    run = state["runs"][lr]
    shown = min(step, len(run["path"]) - 1)
    path = run["path"][: shown + 1]
    loss = run["loss"][: shown + 1]
    state["path"].set_data(path[:, 0], path[:, 1])
    state["now"].set_data(path[-1:, 0], path[-1:, 1])
    state["curve"].set_data(np.arange(len(loss)), loss)
    state["dot"].set_data([shown], loss[-1:])
    w, b = path[-1]
    state["title"].set_text(f"lr = {lr:g}, step {shown}: w = {w:.2f}, b = {b:.2f}, "
                            f"Q = {loss[-1]:.3f}")
    notes = []
    if run["rose"] is not None and run["rose"] <= shown:
        notes.append(f"loss went UP at step {run['rose']}:\nthe step overshoots")
    if run["left"] is not None and run["left"] <= shown:
        notes.append(f"left the plotted region at step {run['left']}")
    if on_plateau(run, shown):
        notes.append(f"on a plateau: |grad Q| = {run['grad_norm'][shown]:.1e},\n"
                     f"the neuron is saturated (sigma' ~ 0)")
    state["note"].set_text("\n".join(notes))
    state["description"] = (f"Gradient descent on one sigmoid neuron, lr = {lr:g}: after "
                            f"{shown} steps from (w, b) = {START} it is at ({w:.2f}, {b:.2f}), "
                            f"loss {loss[0]:.3f} -> {loss[-1]:.3f}"
                            + "".join(f"; {n}" for n in notes).replace("\n", " ") + ".")
    if run["diverged"] is not None and run["diverged"] <= step:
        return f"diverged at step {run['diverged']}: the parameters became inf or NaN"
    return None


def make_gd_neuron_explorer(*, mode=None, x=None, y=None):
    """Learning-rate slider and a step Play over gradient descent: 7 x 10 = 70 static frames.

    mode: "live", "static" or None (read MML4_WIDGETS); x, y: (N,) data (default
    ``mml4_lib.lab.gd_neuron.dataset()``). Returns an Explorer.
    """
    controls = [slider("lr", LR_VALUES, value=10.0, description="lr"),
                play("step", STEP_VALUES, value=0, description="step", interval=600)]
    return Explorer(controls, lambda: setup_gd(x, y), update_gd, mode=mode)
