"""Backpropagation one step at a time: which node is computed now, and from what.

Three layers, as every explorer in the book: ``mml4_lib.lab.backprop.backprop_steps`` computes
the list of steps (numbers in, numbers out), ``setup_steps``/``update_steps`` draw,
``make_backprop_steps_explorer`` wires a play control to them. Introduced in chapter 5
(Backpropagation).
"""

import numbers
from functools import partial

from mml4_lib.lab.backprop import GRAPHS, ROW_GAP, backprop_steps, layout
from mml4_lib.plotting.render import new_figure
from mml4_lib.plotting.value_graph import (
    BACKWARD_COLOR,
    ROW_HEIGHT_IN,
    draw_value_graph,
    node_text,
    set_highlight,
)
from mml4_lib.widgets import Explorer, play

__all__ = ["PENDING_COLOR", "setup_steps", "update_steps", "make_backprop_steps_explorer"]


PENDING_COLOR = "#d9d9d9"  # a backward arrow whose gradient is not known yet


# ----------------------------------------------------------------------------- drawing
def _size(pos):
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return max(xs) - min(xs) + 1, (max(ys) - min(ys)) / ROW_GAP + 1


def setup_steps(graph="one_neuron", *, fontsize=8):
    """Build the figure once: the graph drawn twice (forward arrows; backward arrows with local
    derivatives), one shown at a time, and a text line for the current step.

    graph: a key of GRAPHS. Returns the explorer state dict.
    """
    if graph not in GRAPHS:
        raise ValueError(f"graph must be one of {sorted(GRAPHS)}, got {graph!r}")
    root = GRAPHS[graph]()
    steps = backprop_steps(root)
    cols, rows = _size(layout(root))
    # 1.2 inches per column keep the one-neuron graph within a page (about 680 px at 80 dpi)
    # and leave room for the edge labels; 7.5 inches fit the longest caption
    width = max(1.2 * cols, 7.5)
    graph_height = ROW_HEIGHT_IN * rows
    text_height = 0.75
    fig = new_figure(width, graph_height + text_height)
    ax = fig.add_axes((0.0, text_height / (graph_height + text_height), 1.0,
                       graph_height / (graph_height + text_height)))
    forward = draw_value_graph(ax, root, mode="forward", fontsize=fontsize)
    backward = draw_value_graph(ax, root, mode="backward", fontsize=fontsize)
    caption = fig.text(0.01, 0.5 * text_height / (graph_height + text_height), "", ha="left",
                       va="center", fontsize=fontsize, family="monospace")
    return {"fig": fig, "ax": ax, "root": root, "steps": steps, "forward": forward,
            "backward": backward, "caption": caption}


def _show(art, visible):
    for patch in art.boxes.values():
        patch.set_visible(visible)
    for text in art.texts.values():
        text.set_visible(visible)
    for _, _, arrow in art.edges:
        arrow.set_visible(visible)
    for _, _, label in art.edge_labels:
        label.set_visible(visible)


def update_steps(state, step):
    """Show step ``step``: the known values (and, in the backward pass, gradients), the node
    highlighted, the arrows it uses drawn thick, and the computation written below the graph.

    In the backward pass an arrow turns red and shows its local derivative once the gradient
    it carries is known, so the backward graph grows step by step.
    """
    steps = state["steps"]
    if (isinstance(step, bool) or not isinstance(step, numbers.Integral)
            or not 0 <= step < len(steps)):
        raise ValueError(f"step must be an int in [0, {len(steps) - 1}], got {step!r}")
    s = steps[step]
    backward = s.phase == "backward"
    shown, hidden = (state["backward"], state["forward"]) if backward else (
        state["forward"], state["backward"])
    _show(hidden, False)
    _show(shown, True)
    for node, text in shown.texts.items():
        # the forward pass knows nothing about gradients: no gradient line at all
        grad = (node in s.grads) if backward else None
        text.set_text(node_text(node, value=node in s.values, grad=grad))
    set_highlight(shown, s.node)
    for inp, out, arrow in shown.edges:
        # forward: the arrows into the node being computed; backward: the arrows from its
        # children, whose gradients are summed into it
        used = (out is s.node) if not backward else (inp is s.node)
        arrow.set_linewidth(2.5 if used else 1.0)
        if backward:
            arrow.set_color(BACKWARD_COLOR if out in s.grads else PENDING_COLOR)
    for _, out, label in shown.edge_labels:
        label.set_visible(out in s.grads)  # E_out is known: this arrow has carried it
    state["caption"].set_text(s.text)
    state["description"] = (f"Step {step} of {len(steps) - 1} of backpropagation on the graph: "
                            f"{s.text}; {len(s.values)} node values and {len(s.grads)} "
                            f"gradients known.")


def make_backprop_steps_explorer(graph="one_neuron", *, mode=None):
    """A play control stepping through the forward and then the backward pass of a small graph.

    graph: "one_neuron" (the lecture's one-neuron loss, every operation a node; 21 frames) or
    "lecture" (the lecture's x, y -> z, s, t graph, drawn as x1, x2 -> a1, a2, a3, one node
    per neuron; 13 frames).
    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    if graph not in GRAPHS:
        raise ValueError(f"graph must be one of {sorted(GRAPHS)}, got {graph!r}")
    n_steps = len(backprop_steps(GRAPHS[graph]()))
    controls = [play("step", list(range(n_steps)), value=0, description="step", interval=1200)]
    return Explorer(controls, partial(setup_steps, graph), update_steps, mode=mode)


