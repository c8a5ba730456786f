"""Backpropagation one step at a time: the list of forward and backward steps of a small graph.

The forward steps compute the nodes' values in topological order; the backward steps compute
the gradients E_alpha = dQ/d(alpha) in the reverse order, each as the lecture's sum over the
node's children. ``layout`` places the nodes in columns (computation running left to right).
NumPy-free: the explorer ``mml4_lib.explorers.backprop_steps`` and
``mml4_lib.plotting.value_graph`` draw them. Introduced in chapter 5 (Backpropagation).
"""

from dataclasses import dataclass

from mml4_lib.graph import Value, children_of, neuron, squared_error, topological_order

__all__ = ["ROW_GAP", "GRAPHS", "Step", "backprop_steps", "layout", "lecture_graph",
           "one_neuron_graph"]

# Layout in data units: columns 1 apart, rows ROW_GAP apart.
ROW_GAP = 1.0


MID = "\u00b7"  # the multiplication dot in the step descriptions


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
    """The lecture's graph: inputs x1, x2; units a1, a2, a3 (tanh); output q (sigmoid); loss Q.

    The lecture names the units x, y, z, s, t; the book writes its inputs x1, x2 (y are the
    labels) and its hidden units a1, a2, a3 (a = h(z), with z the pre-activation).
    x1 feeds a1, a2 and a3, so E_x1 = E_a1 da1/dx1 + E_a2 da2/dx1 + E_a3 da3/dx1 has three
    terms. Returns the root Q = (q - 1)^2 / 2.
    """
    x1, x2 = Value(0.5, "x1"), Value(-0.4, "x2")
    a1 = neuron([x1, x2], [0.7, -0.3], 0.1, label="a1")
    a2 = neuron([x1, x2], [-0.5, 0.9], 0.0, label="a2")
    a3 = neuron([x1], [1.2], -0.2, label="a3")
    q = neuron([a1, a2, a3], [0.6, -0.8, 0.5], 0.05, activation="sigmoid", label="q")
    return squared_error(q, 1.0, label="Q")


GRAPHS = {"one_neuron": one_neuron_graph, "lecture": lecture_graph}


def _mean_child_row(node, children, pos):
    rows = [pos[child][1] for child, _ in children[node]]
    return sum(rows) / len(rows) if rows else 0.0


def layout(root):
    """Positions (column, row) of every node: a layered layout, computation running left to right.

    The root sits in the last column; every other node sits one column left of its leftmost
    child, so a leaf stands right next to where it is used. Within a column, nodes are ordered
    by the mean row of their children (fewer crossing edges), centred on row 0 and spread over
    the height of the tallest column.

    Returns:
        dict from Value to (x, y) in data units. Introduced in chapter 5.
    """
    order = topological_order(root)
    children = children_of(root)
    col = {root: 0}
    for node in reversed(order[:-1]):  # children are placed before their inputs
        col[node] = min(col[child] for child, _ in children[node]) - 1
    first = min(col.values())
    columns = {}
    for node in order:
        columns.setdefault(col[node] - first, []).append(node)
    tallest = max(len(nodes) for nodes in columns.values())
    pos = {}
    for c in sorted(columns, reverse=True):  # right to left: children already have rows
        # highest mean row of the children first; sorted() is stable, so ties keep the
        # topological order in which columns[c] was filled
        nodes = sorted(columns[c], key=lambda node: -_mean_child_row(node, children, pos))
        # short columns spread out (up to twice the gap) so that edges converging on one node
        # arrive at different angles and their labels do not collide
        n = len(nodes)
        gap = ROW_GAP * min(2.0, (tallest - 1) / (n - 1)) if n > 1 else 0.0
        for k, node in enumerate(nodes):
            # the first node of a column is drawn at the top (largest y)
            pos[node] = (float(c), gap * ((n - 1) / 2 - k))
    return pos


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


