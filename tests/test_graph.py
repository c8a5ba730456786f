"""mml4_lib.graph: the scalar autograd against centered differences, its order, its drawing."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mml4_lib.gradcheck import numerical_gradient, rel_error  # noqa: E402
from mml4_lib.graph import (  # noqa: E402
    Value,
    children_of,
    neuron,
    squared_error,
    topological_order,
)
from mml4_lib.lab.backprop import layout  # noqa: E402
from mml4_lib.plotting.value_graph import (  # noqa: E402
    draw_value_graph,
    figure_size,
    graph_figure,
    node_text,
    set_highlight,
)


# ----------------------------------------------------------------------------- gradients
def one_neuron(x1, x2, w1, w2, b, y):
    """The lecture's one-neuron loss (y - sigma(w1 x1 + w2 x2 + b))^2."""
    return (y - (w1 * x1 + w2 * x2 + b).sigmoid()) ** 2


def mixed(a, b, c):
    return (a * b).exp() / (1 + c.tanh()) - c / a + 2 - b * 3


def reversed_ops(a, b):
    return 2 - a + 3 / b + (-a) * 0.5 + a**1.5 + 2 * b - b**2 / a


def reused(x, y):
    # x is used by three different nodes and twice by one
    return x * y + x + x * x + (x * y).tanh()


def lecture_graph(x, y):
    z = neuron([x, y], [0.7, -0.3], 0.1, label="z")
    s = neuron([x, y], [-0.5, 0.9], 0.0, label="s")
    t = neuron([x], [1.2], -0.2, label="t")
    q = neuron([z, s, t], [0.6, -0.8, 0.5], 0.05, activation="sigmoid", label="q")
    return squared_error(q, 1.0)


def named_leaves():
    values = [0.5, -1.0, 0.3, 0.8, 0.1, 1.0]
    return [Value(v, name) for v, name in zip(values, ["x1", "x2", "w1", "w2", "b", "y"],
                                              strict=True)]


EXPRESSIONS = [
    (one_neuron, [0.5, -1.0, 0.3, 0.8, 0.1, 1.0]),
    (mixed, [0.7, -0.4, 1.3]),
    (reversed_ops, [1.6, 0.9]),
    (reused, [0.8, -1.1]),
    (lecture_graph, [0.5, -0.4]),
]


@pytest.mark.parametrize("fn, point", EXPRESSIONS, ids=[f.__name__ for f, _ in EXPRESSIONS])
def test_gradients_match_centered_differences(fn, point):
    leaves = [Value(v) for v in point]
    out = fn(*leaves)
    out.backward()
    analytic = np.array([leaf.grad for leaf in leaves])

    x = np.array(point, dtype=float)
    numeric = numerical_gradient(lambda: fn(*[Value(v) for v in x]).data, x)
    assert rel_error(analytic, numeric) < 1e-7
    assert np.any(analytic != 0)  # a test that would pass with all-zero grads proves nothing


def test_known_values_of_the_operations():
    a = Value(2.0)
    assert (a**3).local_grads == (12.0,)
    assert a.exp().data == pytest.approx(math.exp(2.0))
    assert a.tanh().local_grads[0] == pytest.approx(1 - math.tanh(2.0) ** 2)
    s = Value(0.0).sigmoid()
    assert (s.data, s.local_grads) == (0.5, (0.25,))
    assert (Value(3.0) / Value(4.0)).local_grads == (0.25, -3.0 / 16.0)


def test_relu_routes_the_gradient_to_positive_inputs_only():
    for x, local in [(1.5, 1.0), (-0.5, 0.0), (0.0, 0.0)]:  # 0 at the kink, as in PyTorch
        r = Value(x).relu()
        assert (r.data, r.local_grads, r.op) == (max(x, 0.0), (local,), "ReLU")
    x = Value(0.7)
    out = (x * x).relu() + (x * -2.0).relu()  # only the positive branch passes a gradient
    out.backward()
    assert x.grad == pytest.approx(2 * 0.7)


def test_sigmoid_is_stable_far_from_zero():
    hi, lo = Value(1000.0).sigmoid(), Value(-1000.0).sigmoid()
    assert (hi.data, hi.local_grads) == (1.0, (0.0,))
    assert (lo.data, lo.local_grads) == (0.0, (0.0,))


def test_neuron_weight_gradient_follows_the_lecture_formula():
    # dQ/dw = E_alpha * h'(s) * input: perturb the weight numerically and compare
    x, y = Value(0.5, "x"), Value(-0.4, "y")

    def loss(w):
        return squared_error(neuron([x, y], [w, -0.3], 0.1, label="z"), 0.2)

    Q = loss(0.7)
    Q.backward()
    z = Q.inputs[0]
    analytic = z.grad * (1 - z.data**2) * x.data
    w = np.array([0.7])
    numeric = numerical_gradient(lambda: loss(w[0]).data, w)[0]
    assert analytic == pytest.approx(numeric, rel=1e-7)


# ----------------------------------------------------------------------------- order
def test_topological_order_of_a_small_expression():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    ab = a * b
    out = ab + c
    assert topological_order(out) == [a, b, ab, c, out]


@pytest.mark.parametrize("fn, point", EXPRESSIONS, ids=[f.__name__ for f, _ in EXPRESSIONS])
def test_topological_order_puts_inputs_first(fn, point):
    out = fn(*[Value(v) for v in point])
    order = topological_order(out)
    where = {id(node): k for k, node in enumerate(order)}
    assert len(where) == len(order)  # every node once
    assert order[-1] is out
    for node in order:
        for inp in node.inputs:
            assert where[id(inp)] < where[id(node)]


def test_long_chain_does_not_hit_the_recursion_limit():
    x = Value(0.3, "x")
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert len(topological_order(y)) == 1 + 2 * 5000
    assert x.grad == pytest.approx(1.0001**5000, rel=1e-9)


# ----------------------------------------------------------------------------- accumulation
def test_reused_node_accumulates_gradients():
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    (x * y + x).backward()
    assert x.grad == y.data + 1  # two paths: through x * y and directly
    a = Value(1.5)
    (a + a).backward()
    assert a.grad == 2.0
    (a * a).backward()
    assert a.grad == 3.0  # 2a, and the reset in backward() dropped the earlier 2.0


def test_backward_twice_gives_the_same_gradients():
    leaves = [Value(v) for v in [0.5, -1.0, 0.3, 0.8, 0.1, 1.0]]
    out = one_neuron(*leaves)
    out.backward()
    first = [leaf.grad for leaf in leaves]
    out.backward()
    assert [leaf.grad for leaf in leaves] == first


def test_children_of_lists_every_use_with_its_local_derivative():
    x = Value(2.0, "x")
    sq = x * x
    out = sq + x
    kids = children_of(out)
    assert [(c, d) for c, d in kids[x]] == [(sq, 2.0), (sq, 2.0), (out, 1.0)]
    assert kids[out] == []


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Value("a"), TypeError, "Value: data must be a number, got 'a'"),
        (lambda: Value(True), TypeError, "Value: data must be a number, got True"),
        (lambda: Value(float("nan")), ValueError, "Value: data must be a finite number, got nan"),
        (lambda: Value(1000.0).exp(), OverflowError,
         r"Value.exp: e\^x is too large for a float for x = 1000; expected x <= 709.78"),
        (lambda: Value(1.0, label=3), TypeError, "label must be a str, got int"),
        (lambda: Value(1.0) + "a", TypeError, "other must be a Value or a real number, got str"),
        (lambda: "a" * Value(1.0), TypeError, "other must be a Value or a real number, got str"),
        (lambda: Value(2.0) ** Value(2.0), TypeError, "exponent must be a real number"),
        (lambda: Value(-2.0) ** 0.5, ValueError, "needs a non-negative base, got -2"),
        (lambda: Value(0.0) ** 0.5, ValueError, "no finite derivative at base 0"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, "division by a Value equal to 0"),
        (lambda: topological_order(3.0), TypeError, "root must be a Value, got float"),
        (lambda: neuron([1.0], [1.0], 0.0), TypeError, "inputs must be a non-empty sequence"),
        (lambda: neuron([Value(1.0)], [1.0, 2.0], 0.0), ValueError,
         r"weights must have one number per input \(1\), got 2"),
        (lambda: neuron([Value(1.0)], [1.0], 0.0, activation="relu"), ValueError,
         "activation must be 'sigmoid' or 'tanh', got 'relu'"),
        (lambda: neuron([Value(1.0)], [1.0], "b"), TypeError, "neuron: bias must be a number"),
        (lambda: squared_error(0.5, 1.0), TypeError, "pred must be a Value, got float"),
        (lambda: squared_error(Value(0.5), None), TypeError,
         "squared_error: target must be a number, got None"),
    ],
)
def test_bad_input_is_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_drawing_rejects_bad_arguments():
    out = Value(1.0, "a") * 2
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes, got NoneType"):
        draw_value_graph(None, out)
    with pytest.raises(ValueError, match="mode must be 'forward', 'backward' or 'both', got 'up'"):
        draw_value_graph(ax, out, mode="up")
    with pytest.raises(ValueError, match="highlight must be a node of the graph"):
        draw_value_graph(ax, out, highlight=Value(0.0))
    art = draw_value_graph(ax, out)
    with pytest.raises(ValueError, match="node must be a node of the drawn graph"):
        set_highlight(art, Value(0.0))
    plt.close(fig)


# ----------------------------------------------------------------------------- layout, drawing
def test_layout_runs_left_to_right_without_overlaps():
    Q = lecture_graph(Value(0.5, "x"), Value(-0.4, "y"))
    pos = layout(Q)
    assert pos[Q][0] == max(p[0] for p in pos.values())
    assert len(set(pos.values())) == len(pos)
    for node, kids in children_of(Q).items():
        for child, _ in kids:
            assert pos[node][0] < pos[child][0]
    # x feeds z, s and t (column 2), so it sits in column 1, right before them
    x = next(n for n in pos if n.label == "x")
    assert pos[x][0] == pos[Q.inputs[0]][0] - 2


def test_layout_puts_a_leaf_next_to_its_use():
    leaves = named_leaves()
    L = one_neuron(*leaves)
    pos = layout(L)
    kids = children_of(L)
    for leaf in leaves:
        assert pos[leaf][0] == min(pos[c][0] for c, _ in kids[leaf]) - 1
    w, h = figure_size(L)
    assert w > h > 0


@pytest.mark.parametrize("mode", ["forward", "backward", "both"])
def test_drawing_matches_the_graph(mode):
    leaves = named_leaves()
    L = one_neuron(*leaves)
    L.backward()
    fig, ax = graph_figure(L)
    art = draw_value_graph(ax, L, mode=mode, highlight=leaves[2])
    pos = layout(L)
    order = topological_order(L)
    assert list(art.boxes) == order
    for node in order:
        box = art.boxes[node]
        centre = (box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2)
        assert centre == pytest.approx(pos[node])
        text = art.texts[node].get_text()
        assert text.splitlines()[0] == (node.label or node.op) or text.startswith(node.label)
        if mode != "backward":
            assert f"v = {node.data:.4g}" in text
        else:
            assert "v = ?" in text
        if mode != "forward":
            assert f"g = {node.grad:.4g}" in text
    n_edges = sum(len(node.inputs) for node in order)
    assert len(art.edges) == n_edges
    if mode == "backward":
        labels = {(id(i), id(n)): t.get_text() for i, n, t in art.edge_labels}
        for node in order:
            for inp, local in zip(node.inputs, node.local_grads, strict=True):
                assert labels[(id(inp), id(node))] == f"\u00d7{local:.3g}"
        # arrows point from the output back to the input
        inp, node, arrow = art.edges[0]
        xs = arrow.get_path().vertices[:, 0]  # the path starts at its tail
        assert xs[0] == xs.max() > xs.min()
    else:
        assert art.edge_labels == []
    assert art.boxes[leaves[2]].get_linewidth() > art.boxes[leaves[0]].get_linewidth()
    set_highlight(art, None)
    assert len({box.get_linewidth() for box in art.boxes.values()}) == 1
    plt.close(fig)


def test_node_text_marks_unknown_numbers():
    v = Value(0.25, "p")
    assert node_text(v) == "p\nv = 0.25\ng = 0"
    assert node_text(v, value=False, grad=False) == "p\nv = ?\ng = ?"
    assert node_text(v, grad=None) == "p\nv = 0.25"
    assert node_text(Value(1.0, "x") * 2).splitlines()[0] == "*"


def test_exp_overflow_is_named_and_the_edge_still_works():
    # Issue 14 item 10: Value(1000).exp() said only "math range error".
    with pytest.raises(OverflowError, match=r"Value.exp: e\^x is too large .* x = 1000"):
        Value(1000).exp()
    assert math.isfinite(Value(709.0).exp().data)


# ----------------------------------------------------------------------------- create_graph
SECOND = [  # f(w), f''(w) in closed form
    (lambda w: (w * -1.5).sigmoid(),
     lambda w: 2.25 * (s := 1 / (1 + math.exp(1.5 * w))) * (1 - s) * (1 - 2 * s)),
    (lambda w: w.tanh(), lambda w: -2 * math.tanh(w) * (1 - math.tanh(w) ** 2)),
    (lambda w: (w * w).exp(), lambda w: (2 + 4 * w * w) * math.exp(w * w)),
    (lambda w: w**3 - w / (w + 2.0), lambda w: 6 * w + 4 / (w + 2) ** 3),
    (lambda w: (w * 3.0 - 1.0).relu() * w, lambda w: 6.0),
]


@pytest.mark.parametrize("k", range(len(SECOND)))
def test_create_graph_gives_second_derivatives(k):
    f, second = SECOND[k]
    w = Value(0.8)
    f(w).backward(create_graph=True)
    first = w.grad_value
    assert isinstance(first, Value) and first.data == pytest.approx(w.grad, rel=1e-14)
    first.backward()
    assert w.grad == pytest.approx(second(0.8), rel=1e-10)


def test_create_graph_keeps_the_first_derivatives_of_the_default_path():
    for fn, point in EXPRESSIONS[:4]:
        plain = [Value(v) for v in point]
        fn(*plain).backward()
        recorded = [Value(v) for v in point]
        fn(*recorded).backward(create_graph=True)
        for a, b in zip(plain, recorded, strict=True):
            assert b.grad == pytest.approx(a.grad, rel=1e-12, abs=1e-15)
            assert b.grad_value.data == b.grad
            assert a.grad_value is None  # the default path records nothing


def test_create_graph_names_the_nodes_it_cannot_differentiate():
    q = squared_error(neuron([Value(0.5)], [0.3], 0.1, label="a1"), 1.0)
    with pytest.raises(ValueError, match="'a1'.*neuron"):
        q.backward(create_graph=True)
    with pytest.raises(TypeError, match="create_graph must be True or False"):
        q.backward(create_graph="yes")
