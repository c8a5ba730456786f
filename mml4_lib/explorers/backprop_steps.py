"""Backpropagation one step at a time: which node is computed now, and from what.

Three layers, as every explorer in the book: ``backprop_steps`` computes the list of steps
(numbers in, numbers out), ``setup_steps``/``update_steps`` draw, ``make_backprop_explorer``
wires a play control to them. The forward steps compute the nodes' values in topological order;
the backward steps compute the gradients E_alpha = dQ/d(alpha) in the reverse order, each as the
lecture's sum over the node's children. Introduced in chapter 5 (Backpropagation).
"""

from dataclasses import dataclass
from functools import partial

from mml4_lib.graph import (
    BACKWARD_COLOR,
    ROW_GAP,
    ROW_HEIGHT_IN,
    Value,
    children_of,
    draw_graph,
    layout,
    neuron,
    node_text,
    set_highlight,
    squared_error,
    topological_order,
)
from mml4_lib.widgets import Explorer, new_figure, play

MID = "\u00b7"  # the multiplication dot in the step descriptions
PENDING_COLOR = "#d9d9d9"  # a backward arrow whose gradient is not known yet


# ----------------------------------------------------------------------------- example graphs
def one_neuron_graph():
    """The lecture's one-neuron loss L = (y - sigma(w1 x1 + w2 x2 + b))^2, every node named.

    Returns the root L (a Value); its leaves are x1, w1, x2, w2, b, y.
    """
    x1, w1 = Value(1.0, "x1"), Value(0.5, "w1")
    x2, w2 = Value(-2.0, "x2"), Value(0.25, "w2")
    b, y = Value(0.1, "b"), Value(1.0, "y")
    u1 = w1 * x1
    u2 = w2 * x2
    s = u1 + u2
    z = s + b
    p = z.sigmoid()
    d = y - p
    L = d**2
    for node, name in ((u1, "u1"), (u2, "u2"), (s, "s"), (z, "z"), (p, "p"), (d, "d"), (L, "L")):
        node.label = name
    return L


def lecture_graph():
    """The lecture's graph: inputs x, y; units z, s, t (tanh); output q (sigmoid); loss Q.

    x feeds z, s and t, so E_x = E_z dz/dx + E_s ds/dx + E_t dt/dx has three terms.
    Returns the root Q = (q - 1)^2 / 2.
    """
    x, y = Value(0.5, "x"), Value(-0.4, "y")
    z = neuron([x, y], [0.7, -0.3], 0.1, label="z")
    s = neuron([x, y], [-0.5, 0.9], 0.0, label="s")
    t = neuron([x], [1.2], -0.2, label="t")
    q = neuron([z, s, t], [0.6, -0.8, 0.5], 0.05, activation="sigmoid", label="q")
    return squared_error(q, 1.0, label="Q")


GRAPHS = {"one_neuron": one_neuron_graph, "lecture": lecture_graph}


# ----------------------------------------------------------------------------- compute
@dataclass(frozen=True)
class Step:
    """One step of the walk: the node computed now and what is known after it.

    phase: "start", "forward" or "backward"; node: the Value computed (None at the start);
    values / grads: the nodes whose value / gradient is known after this step; text: the
    computation, with its numbers.
    """

    phase: str
    node: object
    values: frozenset
    grads: frozenset
    text: str


def _name(node):
    return node.label or node.op


def _forward_text(node, k, n):
    names = [_name(i) for i in node.inputs]
    nums = [f"{i.data:.4g}" for i in node.inputs]
    if node.op in ("+", "-", "*", "/"):
        formula = f"{names[0]} {node.op} {names[1]} = {nums[0]} {node.op} {nums[1]}"
    elif node.op.startswith("**"):
        formula = f"{names[0]}{node.op} = ({nums[0]}){node.op}"
    elif node.op.endswith("(\u03a3)"):  # a whole neuron: h(weighted sum of its inputs)
        formula = f"{node.op[:-3]}(weighted sum of {', '.join(names)} + bias)"
    else:
        formula = f"{node.op}({', '.join(names)}) = {node.op}({', '.join(nums)})"
    return f"forward {k}/{n}:  {_name(node)} = {formula} = {node.data:.4g}"


def _backward_text(node, kids, k, n, root):
    head = f"backward {k}/{n}:  E_{_name(node)}"
    if node is root:
        return f"{head} = d{_name(root)}/d{_name(root)} = 1  (the backward pass starts here)"
    symbols = " + ".join(f"E_{_name(c)}{MID}d{_name(c)}/d{_name(node)}" for c, _ in kids)
    numbers = " + ".join(f"({c.grad:.4g}){MID}({d:.4g})" for c, d in kids)
    return f"{head} = {symbols}\n= {numbers} = {node.grad:.4g}"


def backprop_steps(root):
    """The forward and backward steps for the graph of ``root`` (runs ``root.backward()``).

    Step 0 shows the leaves' values; then one forward step per computed node in topological
    order; then one backward step per node in reverse topological order, each with the sum
    over the node's children that gives its gradient.

    Returns:
        list of Step, of length 1 + (number of non-leaf nodes) + (number of nodes).
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    root.backward()
    order = topological_order(root)
    kids = children_of(root)
    ops = [node for node in order if node.inputs]
    leaves = frozenset(node for node in order if not node.inputs)
    pos = layout(root)
    # the leaves as they appear in the picture: column by column, top to bottom
    names = ", ".join(_name(v) for v in sorted(leaves, key=lambda v: (pos[v][0], -pos[v][1])))
    steps = [Step("start", None, leaves, frozenset(),
                  f"start: the leaves {names} are given; the forward pass begins")]
    values = set(leaves)
    for k, node in enumerate(ops, start=1):
        values.add(node)
        steps.append(Step("forward", node, frozenset(values), frozenset(),
                          _forward_text(node, k, len(ops))))
    grads = set()
    for k, node in enumerate(reversed(order), start=1):
        grads.add(node)
        steps.append(Step("backward", node, frozenset(values), frozenset(grads),
                          _backward_text(node, kids[node], k, len(order), root)))
    return steps


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
    forward = draw_graph(root, ax, mode="forward", fontsize=fontsize)
    backward = draw_graph(root, ax, mode="backward", fontsize=fontsize)
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
    if not 0 <= step < len(steps):
        raise ValueError(f"step must be in [0, {len(steps) - 1}], got {step!r}")
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


def make_backprop_explorer(graph="one_neuron", *, mode=None):
    """A play control stepping through the forward and then the backward pass of a small graph.

    graph: "one_neuron" (the lecture's one-neuron loss, every operation a node; 21 frames) or
    "lecture" (the lecture's x, y -> z, s, t graph, one node per neuron; 13 frames).
    mode: "live", "static" or None (read MML4_WIDGETS). Returns an Explorer.
    """
    if graph not in GRAPHS:
        raise ValueError(f"graph must be one of {sorted(GRAPHS)}, got {graph!r}")
    n_steps = len(backprop_steps(GRAPHS[graph]()))
    controls = [play("step", list(range(n_steps)), value=0, description="step", interval=1200)]
    return Explorer(controls, partial(setup_steps, graph), update_steps, mode=mode)


__all__ = [
    "GRAPHS",
    "Step",
    "backprop_steps",
    "lecture_graph",
    "make_backprop_explorer",
    "one_neuron_graph",
    "setup_steps",
    "update_steps",
]
