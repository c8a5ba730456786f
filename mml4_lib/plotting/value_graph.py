"""Drawing a scalar computational graph (``mml4_lib.graph.Value``): boxes, arrows, gradients.

A layered layout (``mml4_lib.lab.backprop.layout``), one box per node with its value and
gradient, arrows for the edges and, in the backward view, the local derivative on every edge.
``draw_value_graph`` draws on a given Axes and returns the artists, so explorers can change
them in place. Introduced in chapter 5 (Backpropagation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from mml4_lib.graph import children_of, topological_order
from mml4_lib.lab.backprop import ROW_GAP, layout
from mml4_lib.plotting.palette import PLAYGROUND_BLUE, PLAYGROUND_ORANGE, check_ax

__all__ = ["BOX_H", "BOX_WIDTH_IN", "COL_WIDTH_IN", "ROW_HEIGHT_IN", "BACKWARD_COLOR",
           "figure_size", "graph_figure", "node_text", "GraphArtists", "draw_value_graph",
           "set_highlight"]

# Layout in data units: columns 1 apart, rows ROW_GAP apart; boxes BOX_H tall.
BOX_H = 0.66
# Physical sizes, in inches: a box fits three lines of 8 pt monospace text such as
# "g = -0.08827"; a column is wider when edge labels must fit between the boxes.
BOX_WIDTH_IN = 0.9
COL_WIDTH_IN = {"forward": 1.15, "both": 1.15, "backward": 1.8}
ROW_HEIGHT_IN = 0.8


def figure_size(root, mode="both"):
    """(width, height) in inches that fits ``layout(root)`` drawn in ``mode``."""
    _check_mode(mode)
    pos = layout(root)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ncols = max(xs) - min(xs) + 1
    nrows = (max(ys) - min(ys)) / ROW_GAP + 1
    return (COL_WIDTH_IN[mode] * ncols, ROW_HEIGHT_IN * nrows + 0.1)


def graph_figure(root, mode="both"):
    """A new figure of ``figure_size(root, mode)`` whose one Axes fills it.

    Returns:
        (Figure, Axes), ready for ``draw_value_graph(ax, root, mode=mode)``.
    """
    import matplotlib.pyplot as plt  # a notebook figure; the explorers never import pyplot

    fig = plt.figure(figsize=figure_size(root, mode))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    return fig, ax


def _check_mode(mode):
    if mode not in ("forward", "backward", "both"):
        raise ValueError(f"mode must be 'forward', 'backward' or 'both', got {mode!r}")


def _fmt(x):
    return f"{x:.4g}" if math.isfinite(x) else str(x)


def node_text(node, *, value=True, grad=True):
    """The text in a node's box: its name and operation, then ``value`` and ``grad`` if asked.

    A line whose number is not known yet (``value=False``) shows "?" so the box keeps its size.
    """
    if node.label and node.op:
        head = f"{node.label} = {node.op}"
    else:
        head = node.label or node.op
    lines = [head, f"v = {_fmt(node.data) if value else '?'}"]
    if grad is not None:
        lines.append(f"g = {_fmt(node.grad) if grad else '?'}")
    return "\n".join(lines)


FACE, FACE_LEAF, FACE_HIGHLIGHT = "#eef5fb", "#ffffff", "#ffe8c2"
EDGE, EDGE_HIGHLIGHT = PLAYGROUND_BLUE, PLAYGROUND_ORANGE
BACKWARD_COLOR = "#c0392b"


@dataclass
class GraphArtists:
    """What ``draw_value_graph`` drew, keyed by node, so explorers can change it in place."""

    ax: object
    order: list
    positions: dict
    box_width: float
    boxes: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)  # (input, node, FancyArrowPatch)
    edge_labels: list = field(default_factory=list)  # (input, node, Text)


def draw_value_graph(ax, root, *, mode="both", highlight=None, fontsize=8):
    """Draw the graph of ``root`` on ``ax``: boxes with value and gradient, arrows, op names.

    Args:
        root: the output Value (usually the loss Q).
        ax: a matplotlib Axes; its limits are set to fit the graph and its frame is hidden.
            Boxes are BOX_WIDTH_IN wide whatever the Axes' size (``graph_figure`` makes a
            figure of the right size).
        mode: "forward" (arrows input -> output, values only), "backward" (arrows output ->
            input in red, each labelled with the local derivative d(output)/d(input), gradients
            shown) or "both" (forward arrows, value and gradient in every box).
        highlight: a node of the graph to emphasize, or None.
        fontsize: text size in points.

    Returns:
        GraphArtists. Never calls ``plt.show()``. Introduced in chapter 5.
    """
    check_ax(ax)
    _check_mode(mode)
    pos = layout(root)
    order = topological_order(root)
    kids = children_of(root)
    if highlight is not None and highlight not in pos:
        raise ValueError("highlight must be a node of the graph of root (or None)")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ncols = max(xs) - min(xs) + 1
    # a box of BOX_WIDTH_IN inches in data units (at most 90% of a column)
    ax_width_in = ax.get_position().width * ax.figure.get_figwidth()
    box_w = min(0.9, BOX_WIDTH_IN * ncols / ax_width_in)

    art = GraphArtists(ax=ax, order=order, positions=pos, box_width=box_w)
    show_value = mode in ("forward", "both")
    show_grad = True if mode in ("backward", "both") else None
    for node in order:
        x, y = pos[node]
        box = FancyBboxPatch((x - box_w / 2, y - BOX_H / 2), box_w, BOX_H,
                             boxstyle="round,pad=0,rounding_size=0.08", linewidth=1.2,
                             facecolor=FACE if node.inputs else FACE_LEAF, edgecolor=EDGE,
                             zorder=2)
        ax.add_patch(box)
        text = ax.text(x, y, node_text(node, value=show_value, grad=show_grad),
                       ha="center", va="center", fontsize=fontsize, family="monospace",
                       zorder=3)
        art.boxes[node], art.texts[node] = box, text
    color = BACKWARD_COLOR if mode == "backward" else "#555555"
    for node in order:
        x1, y1 = pos[node]
        for inp, local in zip(node.inputs, node.local_grads, strict=True):
            x0, y0 = pos[inp]
            start, end = (x0 + box_w / 2, y0), (x1 - box_w / 2, y1)
            if mode == "backward":
                start, end = end, start
            arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10,
                                    color=color, linewidth=1.0, shrinkA=0, shrinkB=0, zorder=1)
            ax.add_patch(arrow)
            art.edges.append((inp, node, arrow))
            if mode == "backward":
                # the label slides away from the end where more arrows meet
                n_out, n_in = len(node.inputs), len(kids[inp])
                f = 0.5 + 0.35 * (n_out - n_in) / (n_out + n_in)
                mx, my = start[0] + f * (end[0] - start[0]), start[1] + f * (end[1] - start[1])
                label = ax.text(mx, my, f"\u00d7{local:.3g}", ha="center", va="center",
                                fontsize=fontsize - 1, color=BACKWARD_COLOR, zorder=4,
                                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"})
                art.edge_labels.append((inp, node, label))
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.55, max(ys) + 0.55)
    ax.set_axis_off()
    set_highlight(art, highlight)
    return art


def set_highlight(artists, node):
    """Emphasize one node's box (orange face and frame); ``None`` removes the emphasis."""
    if node is not None and node not in artists.boxes:
        raise ValueError("node must be a node of the drawn graph (or None)")
    for other, box in artists.boxes.items():
        on = other is node
        box.set_facecolor(FACE_HIGHLIGHT if on else FACE if other.inputs else FACE_LEAF)
        box.set_edgecolor(EDGE_HIGHLIGHT if on else EDGE)
        box.set_linewidth(2.5 if on else 1.2)
