"""Schematic drawings for the text: the biological neuron, the artificial one, computation graphs.

These are pictures, not plots of data: each function draws on a given matplotlib Axes (in data
coordinates, with the axis switched off) and returns its artists so that tests and explorers
can find them. Nothing here calls ``plt.show()``.

The neuron pictures share one colour per role, so that a reader can match the parts:
inputs/dendrites, weights/synapses, sum/soma, activation/axon hillock, output/axon.
"""

import numpy as np
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon

from mml4_lib.plotting.palette import check_ax

__all__ = ["ROLE_COLOURS", "draw_biological_neuron", "draw_artificial_neuron", "draw_graph"]

# One colour per role, used by both neuron pictures (chapter 3). Each is dark enough for text
# on white, and for white text on it (contrast >= 4.5:1, WCAG AA; tests/test_contrast.py).
ROLE_COLOURS = {
    "input": "#4c72b0",       # dendrites / inputs x_i
    "weight": "#a64d12",      # synapses / weights w_i
    "sum": "#2e7d32",         # soma / weighted sum
    "activation": "#b03a3e",  # axon hillock / activation h
    "output": "#6a5aa8",      # axon / output y
}


def _branch(ax, start, angle, length, width, depth, colour, tips):
    """Draw one dendrite segment and, recursively, its two children; collect the tips."""
    end = start + length * np.array([np.cos(angle), np.sin(angle)])
    ax.plot([start[0], end[0]], [start[1], end[1]], color=colour, linewidth=width,
            solid_capstyle="round", zorder=2)
    if depth == 0:
        tips.append(end)
        return
    for turn in (-0.45, 0.45):  # fixed angles: the picture is the same every time
        _branch(ax, end, angle + turn, 0.65 * length, 0.6 * width, depth - 1, colour, tips)


def draw_biological_neuron(ax):
    """Draw a simplified biological neuron and label its parts with their artificial roles.

    Incoming signals reach the dendrites through synapses, the soma (cell body) adds them up,
    the axon hillock "fires" when the sum exceeds a threshold, and the axon carries the spike
    to the axon terminals, which form synapses on the next neurons.

    Alt text: "A nerve cell: branching dendrites on the left, each touched by a synapse from
    another neuron; a round cell body with a nucleus; a cone-shaped axon hillock; a long axon
    wrapped in myelin segments; and axon terminals on the right. Each part is labelled with the
    piece of the artificial neuron it corresponds to."

    Args:
        ax: the Axes to draw on (its limits and aspect are set here; the axis is switched off).

    Returns:
        dict with "dendrite_tips" ((k, 2) array), "synapses" (list of Circle), "soma"
        (Ellipse), "hillock" (Polygon), "axon" (Line2D), "terminals" (list of Circle) and
        "labels" (dict part name -> Text).

    Introduced in chapter 3.
    """
    check_ax(ax)
    c = ROLE_COLOURS
    # Dendrites: three trees leaving the soma to the left, two levels of branching each.
    tips = []
    for angle in (np.pi * 0.72, np.pi, np.pi * 1.28):
        start = np.array([-1.0 * np.cos(np.pi - angle), 0.8 * np.sin(angle)]) * 0.9
        _branch(ax, start, angle, 1.3, 5.0, 2, c["input"], tips)
    tips = np.array(tips)
    # Synapses: an axon terminal of another neuron (grey) ends in a knob just off each tip.
    synapses = []
    for tip in tips[::2]:
        direction = tip / np.linalg.norm(tip)
        knob = tip + 0.22 * direction
        tail = knob + 0.7 * direction
        ax.plot([knob[0], tail[0]], [knob[1], tail[1]], color="0.6", linewidth=1.5, zorder=1)
        synapses.append(ax.add_patch(Circle(knob, 0.12, color=c["weight"], zorder=3)))
    soma = ax.add_patch(Ellipse((0, 0), 2.2, 1.8, facecolor=c["sum"], alpha=0.85, zorder=3))
    ax.add_patch(Circle((-0.15, 0.1), 0.32, facecolor="white", edgecolor="0.3", zorder=4))
    hillock = ax.add_patch(Polygon([[0.95, 0.45], [0.95, -0.45], [1.8, -0.08], [1.8, 0.08]],
                                   closed=True, color=c["activation"], zorder=3))
    (axon,) = ax.plot([1.8, 7.0], [0, 0], color=c["output"], linewidth=3, zorder=2)
    for x0 in np.arange(2.2, 6.4, 1.0):  # myelin sheath: insulating segments along the axon
        ax.add_patch(FancyBboxPatch((x0, -0.16), 0.75, 0.32,
                                    boxstyle="round,pad=0.02,rounding_size=0.15",
                                    facecolor="#e8e0f5", edgecolor=c["output"], zorder=3))
    terminals = []
    for dy in (-0.7, 0.0, 0.7):
        end = np.array([8.0, dy])
        ax.plot([7.0, end[0]], [0, dy], color=c["output"], linewidth=2, zorder=2)
        terminals.append(ax.add_patch(Circle(end, 0.14, color=c["weight"], zorder=3)))

    def label(text, xy, xytext, colour, ha="center"):
        return ax.annotate(text, xy=xy, xytext=xytext, fontsize=9, color=colour, ha=ha,
                           va="center", arrowprops=dict(arrowstyle="-", color=colour,
                                                        linewidth=0.8, shrinkA=2))

    low_tip = tips[np.argmin(tips[:, 1])]
    labels = {
        "synapse": label("synapses: strengths $w_i$", synapses[0].center, (-4.5, 4.1),
                         c["weight"], ha="left"),
        "dendrite": label("dendrites: inputs $x_i$", low_tip + [0.25, 0.35], (-4.5, -4.1),
                          c["input"], ha="left"),
        "soma": label("soma: adds up $\\sum_i w_i x_i + w_0$", (0.3, 0.7), (2.0, 2.6),
                      c["sum"]),
        "hillock": label("axon hillock: fires or not, $h(\\cdot)$", (1.4, -0.2), (2.6, -1.7),
                         c["activation"]),
        "axon": label("axon: carries the output $y$", (4.4, 0.16), (5.2, 1.2), c["output"]),
        "terminals": label("axon terminals: synapses on\nthe next neurons", (8.0, -0.7),
                           (7.2, -2.4), c["output"]),
    }
    ax.set_xlim(-4.6, 9.0)
    ax.set_ylim(-4.4, 4.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return {"dendrite_tips": tips, "synapses": synapses, "soma": soma, "hillock": hillock,
            "axon": axon, "terminals": terminals, "labels": labels}


def draw_artificial_neuron(ax, n_inputs=3):
    """Draw the artificial neuron y = h(sum_i w_i x_i + w_0) in the role colours.

    Inputs x_1 ... x_k on the left, one weighted edge each, a bias input 1 with weight w_0,
    a summation node, the activation h and the output y.

    Alt text: "The artificial neuron: inputs x_1 to x_k and a constant 1 enter along edges
    labelled with the weights w_1 to w_k and w_0, meet in a summation node, pass through the
    activation h and leave as the output y."

    Args:
        ax: the Axes to draw on (limits set here; the axis is switched off).
        n_inputs: k, the number of inputs drawn (1 to 6; the last one is labelled x_k).

    Returns:
        dict with "inputs" (list of Text, the bias input last), "edges" (list of
        FancyArrowPatch, one per input), "sum" (Circle), "activation" (FancyBboxPatch) and
        "output" (Text).

    Introduced in chapter 3.
    """
    check_ax(ax)
    if not isinstance(n_inputs, (int, np.integer)) or isinstance(n_inputs, bool) \
            or not 1 <= n_inputs <= 6:
        raise ValueError(f"n_inputs must be an integer from 1 to 6, got {n_inputs!r}")
    c = ROLE_COLOURS
    names = [f"$x_{{{i + 1}}}$" for i in range(n_inputs)]
    weights = [f"$w_{{{i + 1}}}$" for i in range(n_inputs)]
    if n_inputs > 2:  # show the general index on the last input
        names[-1], weights[-1] = "$x_k$", "$w_k$"
    names.append("$1$")
    weights.append("$w_0$")
    ys = np.linspace(1.6, -1.6, len(names))
    centre = np.array([3.0, 0.0])
    inputs, edges = [], []
    for name, weight, y in zip(names, weights, ys, strict=True):
        inputs.append(ax.text(0, y, name, ha="center", va="center", fontsize=12,
                              color=c["input"] if name != "$1$" else "0.3",
                              bbox=dict(boxstyle="circle", facecolor="white",
                                        edgecolor=c["input"])))
        edge = FancyArrowPatch((0.3, y), centre, shrinkA=2, shrinkB=16, arrowstyle="-|>",
                               mutation_scale=10, color=c["weight"], linewidth=1.5)
        edges.append(ax.add_patch(edge))
        ax.text(1.3, 0.62 * y + 0.12, weight, color=c["weight"], fontsize=11, ha="center")
    summ = ax.add_patch(Circle(centre, 0.42, facecolor=c["sum"], alpha=0.85))
    ax.text(*centre, "$\\Sigma$", ha="center", va="center", fontsize=14, color="white")
    ax.add_patch(FancyArrowPatch(centre + [0.42, 0], (4.45, 0), arrowstyle="-|>",
                                 mutation_scale=10, color="0.3"))
    act = ax.add_patch(FancyBboxPatch((4.5, -0.35), 0.8, 0.7, boxstyle="round,pad=0.05",
                                      facecolor=c["activation"]))
    ax.text(4.9, 0.0, "$h$", ha="center", va="center", fontsize=14, color="white")
    ax.add_patch(FancyArrowPatch((5.4, 0), (6.4, 0), arrowstyle="-|>", mutation_scale=12,
                                 color=c["output"], linewidth=2.5))
    output = ax.text(6.75, 0, "$y$", ha="center", va="center", fontsize=13, color=c["output"])
    ax.text(3.0, -2.3, "$y = h\\left(\\sum_{i=1}^{k} w_i x_i + w_0\\right)$", ha="center",
            fontsize=12)
    ax.set_xlim(-0.6, 7.2)
    ax.set_ylim(-2.6, 2.1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return {"inputs": inputs, "edges": edges, "sum": summ, "activation": act, "output": output}


def draw_graph(ax, nodes, edges, *, highlight=(), node_colour="#eef3fb",
               highlight_colour="#ffe9a8"):
    """Draw a computation graph: boxes for the nodes, arrows for the edges, labels on both.

    Alt text (describe the specific graph in the notebook): "A computation graph: each box is
    an intermediate quantity, each arrow shows which quantity is computed from which, and the
    label on an arrow is the local derivative along it."

    Args:
        nodes: dict name -> (x, y, text): where to put the node's box and what it says
            (matplotlib mathtext allowed, several lines allowed).
        edges: list of (source, target) or (source, target, label) with names from ``nodes``;
            the label is written at the middle of the arrow.
        highlight: names of nodes to fill with ``highlight_colour``.
        node_colour, highlight_colour: box fill colours.

    Returns:
        dict with "nodes" (dict name -> Text; its bbox patch is the box) and "edges" (list of
        FancyArrowPatch) and "labels" (list of Text, one per labelled edge).

    Introduced in chapter 4 (the one-neuron chain rule); chapter 5 draws larger graphs.
    """
    check_ax(ax)
    if not isinstance(nodes, dict) or not nodes:
        raise TypeError(f"nodes must be a non-empty dict name -> (x, y, text), "
                        f"got {type(nodes).__name__}")
    for name, spec in nodes.items():
        if not (isinstance(spec, tuple | list) and len(spec) == 3):
            raise ValueError(f"nodes[{name!r}] must be (x, y, text), got {spec!r}")
    unknown = [n for n in highlight if n not in nodes]
    if unknown:
        raise ValueError(f"highlight names {unknown} are not in nodes {list(nodes)}")
    texts = {}
    for name, (x, y, text) in nodes.items():
        colour = highlight_colour if name in highlight else node_colour
        texts[name] = ax.text(x, y, text, ha="center", va="center", fontsize=11, zorder=3,
                              bbox=dict(boxstyle="round,pad=0.4", facecolor=colour,
                                        edgecolor="0.35"))
    arrows, labels = [], []
    for edge in edges:
        if len(edge) not in (2, 3) or edge[0] not in nodes or edge[1] not in nodes:
            raise ValueError(f"each edge must be (source, target) or (source, target, label) "
                             f"with names from nodes {list(nodes)}, got {edge!r}")
        (x0, y0, _), (x1, y1, _) = nodes[edge[0]], nodes[edge[1]]
        # patchA/patchB clip the arrow at the boxes' edges; zorder above the boxes so that the
        # boxes are laid out (drawn) first and the clipping uses their final extents
        arrow = FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14,
                                color="0.3", linewidth=1.2, zorder=4,
                                patchA=texts[edge[0]].get_bbox_patch(),
                                patchB=texts[edge[1]].get_bbox_patch())
        arrows.append(ax.add_patch(arrow))
        if len(edge) == 3 and edge[2]:
            labels.append(ax.text((x0 + x1) / 2, (y0 + y1) / 2, edge[2], ha="center",
                                  va="bottom", fontsize=10, color="#8b1a1a", zorder=5,
                                  bbox=dict(boxstyle="round,pad=0.15", facecolor="white",
                                            edgecolor="none", alpha=0.85)))
    xs = [v[0] for v in nodes.values()]
    ys = [v[1] for v in nodes.values()]
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 1.0, max(ys) + 1.0)
    ax.set_axis_off()
    return {"nodes": texts, "edges": arrows, "labels": labels}
