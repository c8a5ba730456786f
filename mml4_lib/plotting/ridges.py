"""Ridge plots: one histogram per hidden layer, stacked, layer 1 at the top (chapter 8).

The initialization and training-timeline explorers build their ridge panels once from these
pieces and change only the returned artists per frame:

- ``layer_ridges``: per hidden layer, an activation ridge and a log-gradient ridge, and the
  list of artists to redraw each frame that starts with them; ``note`` adds a text to it;
- ``ridge_rows``: one empty histogram (a ``StepPatch``) per row of an Axes;
- ``set_ridge``: moves a layer's histogram into its row;
- ``activation_axis`` and ``set_activation_ticks``: an activation axis that runs over [0, 1],
  each activation's plotting range mapped onto it, so one figure serves every activation and
  only the tick labels change;
- ``gradient_log_axis``: the log10 |dL/dW| axis, its first bin collecting everything smaller;
- ``style_ridge_axes``: fixed limits, no y ticks, no top and right frame.
"""

import numpy as np

from mml4_lib.plotting.palette import PLAYGROUND_BLUE, PLAYGROUND_ORANGE, check_ax

__all__ = ["NOTE_COLOR", "NOTE_SIZE", "layer_ridges", "note", "ridge_rows", "set_ridge", "to_unit",
           "activation_axis", "set_activation_ticks", "gradient_log_axis", "style_ridge_axes"]


NOTE_COLOR = "0.25"  # the notes beside the ridges: dark grey, 10:1 against white
NOTE_SIZE = 7.5


def layer_ridges(ax_act, ax_grad, rows):
    """Per hidden layer an activation ridge (blue) on ax_act and a log10 |dL/dW| ridge (orange)
    on ax_grad. Returns (act_stairs, grad_stairs, animated): animated is the list of artists
    an explorer redraws each frame, starting with the two ridges of layer 1, then layer 2's...
    """
    act_stairs = ridge_rows(ax_act, rows, PLAYGROUND_BLUE)
    grad_stairs = ridge_rows(ax_grad, rows, PLAYGROUND_ORANGE)
    animated = [s for pair in zip(act_stairs, grad_stairs, strict=True) for s in pair]
    return act_stairs, grad_stairs, animated


def note(animated, ax, x, y, s="", **kw):
    """A Text in the ridge figures' note style (NOTE_SIZE, NOTE_COLOR), appended to animated."""
    text = ax.text(x, y, s, fontsize=NOTE_SIZE, color=NOTE_COLOR, **kw)
    animated.append(text)
    return text


def ridge_rows(ax, rows, color):
    """`rows` empty histograms (StepPatch, unfilled) on ax, to be filled by ``set_ridge``."""
    check_ax(ax)
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 1:
        raise ValueError(f"rows must be an integer >= 1, got {rows!r}")
    return [ax.stairs(np.zeros(2), [0, 0.5, 1], color=color, linewidth=1.2, baseline=None)
            for _ in range(rows)]


def set_ridge(stairs, counts, edges, base, height, *, fill=0.85):
    """Put one histogram into a row of a ridge plot: the tallest bin is `fill` of the row.

    The explorers draw one row per layer (a ``StepPatch`` from ``ridge_rows``) and move the
    histogram of each layer into its row with this. Args: stairs a StepPatch; counts (B,);
    edges (B + 1,); base the row's bottom and height its height in data units; fill in (0, 1].
    Returns the StepPatch. Chapter 8.
    """
    counts = np.asarray(counts, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    if counts.ndim != 1 or edges.shape != (len(counts) + 1,):
        raise ValueError(f"edges must have one entry more than counts ({len(counts)} + 1), "
                         f"got counts {counts.shape} and edges {edges.shape}")
    if not 0 < fill <= 1:
        raise ValueError(f"fill must be in (0, 1], got {fill!r}")
    top = counts.max() if len(counts) else 0
    heights = counts / top * (fill * height) if top > 0 else np.zeros(len(counts))
    stairs.set_data(base + heights, edges, baseline=base)
    return stairs


def activation_axis(ax, *, max_ticks=4, fontsize=NOTE_SIZE, color=NOTE_COLOR):
    """Make ax's x axis the [0, 1] activation axis; return (tick labels, tick marks) to animate.

    The labels (``max_ticks`` empty Texts below the axis, in the notes' style) and the marks
    (one Line2D) are set per activation by ``set_activation_ticks``.
    """
    check_ax(ax)
    x_axis = ax.get_xaxis_transform()
    labels = [ax.text(0, -0.03, "", transform=x_axis, va="top", ha="center",
                      fontsize=fontsize, color=color)
              for _ in range(max_ticks)]
    (marks,) = ax.plot([], [], "|", color="k", markersize=4, transform=x_axis)
    ax.set_xlim(0, 1)
    ax.set_xticks([])
    return labels, marks


def to_unit(values, value_range):
    """Activation values on the [0, 1] activation axis: value_range (low, high) maps onto it."""
    lo, hi = value_range
    return (np.asarray(values, dtype=np.float64) - lo) / (hi - lo)


def set_activation_ticks(labels, marks, ticks, value_range):
    """Show `ticks` (activation values) on an ``activation_axis`` mapped from value_range."""
    if len(ticks) > len(labels):
        raise ValueError(f"ticks must be at most {len(labels)} values (the axis's labels), "
                         f"got {len(ticks)}")
    u = to_unit(ticks, value_range)
    marks.set_data(u, np.zeros(len(u)))
    for k, label in enumerate(labels):
        label.set_visible(k < len(u))
        if k < len(u):
            label.set_x(u[k])
            label.set_text(f"{ticks[k]:g}")


def gradient_log_axis(ax, log_range, *, step=4):
    """The log10 |dL/dW| axis over log_range: a tick every `step`, the first one "<=" (its bin
    also holds every smaller gradient, and exact zeros)."""
    check_ax(ax)
    glo, ghi = log_range
    ticks = np.arange(glo, ghi + 1, step)
    ax.set_xticks(ticks, [f"<={t:.0f}" if t == glo else f"{t:.0f}" for t in ticks])
    ax.set_xlim(glo, ghi)


def style_ridge_axes(axes, rows, *, labelsize):
    """Each Axes: rows 0..rows on y without ticks, no top and right frame, small tick labels."""
    for ax in axes:
        check_ax(ax)
        ax.tick_params(labelsize=labelsize, length=2)
        ax.set_ylim(0, rows)
        ax.set_yticks([])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
