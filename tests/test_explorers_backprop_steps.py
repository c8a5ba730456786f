"""The backprop step explorer: the steps follow the recursion, the figure shows each step."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from mml4_lib.explorers.backprop_steps import (  # noqa: E402
    make_backprop_steps_explorer,
    setup_steps,
    update_steps,
)
from mml4_lib.graph import (  # noqa: E402
    Value,
    children_of,
    topological_order,
)
from mml4_lib.lab.backprop import GRAPHS, backprop_steps, lecture_graph, one_neuron_graph  # noqa: E402, E501
from mml4_lib.plotting.value_graph import BACKWARD_COLOR  # noqa: E402

GRAPH_NAMES = sorted(GRAPHS)


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_steps_follow_forward_then_reverse_topological_order(name):
    root = GRAPHS[name]()
    steps = backprop_steps(root)
    order = topological_order(root)
    ops = [v for v in order if v.inputs]
    assert len(steps) == 1 + len(ops) + len(order)
    assert steps[0].phase == "start" and steps[0].node is None
    assert steps[0].values == frozenset(v for v in order if not v.inputs)
    assert [s.node for s in steps[1:1 + len(ops)]] == ops
    assert [s.node for s in steps[1 + len(ops):]] == order[::-1]
    kids = children_of(root)
    for before, step in zip(steps, steps[1:], strict=False):
        if step.phase == "forward":
            # a value is computed only from known values
            assert all(inp in before.values for inp in step.node.inputs)
            assert step.values == before.values | {step.node} and not step.grads
        else:
            # a gradient is computed only when every child's gradient is final
            assert all(child in before.grads for child, _ in kids[step.node])
            assert step.grads == before.grads | {step.node}
            assert step.values == frozenset(order)


def test_backward_text_is_the_sum_over_children_with_its_numbers():
    root = lecture_graph()
    steps = backprop_steps(root)
    last = steps[-1]
    x = last.node
    assert x.label == "x1"
    kids = children_of(root)[x]
    assert [c.label for c, _ in kids] == ["a1", "a2", "a3"]
    total = sum(c.grad * d for c, d in kids)
    assert total == pytest.approx(x.grad, rel=1e-12)
    assert "E_x1 = E_a1\u00b7da1/dx1 + E_a2\u00b7da2/dx1 + E_a3\u00b7da3/dx1" in last.text
    assert last.text.endswith(f"= {x.grad:.4g}")
    for c, d in kids:
        assert f"({c.grad:.4g})\u00b7({d:.4g})" in last.text
    assert steps[1 + 5].text.endswith("dQ/dQ = 1  (the backward pass starts here)")


def test_forward_text_shows_the_operation_and_its_numbers():
    steps = backprop_steps(one_neuron_graph())
    texts = [s.text for s in steps if s.phase == "forward"]
    assert texts[0] == "forward 1/7:  u1 = w1 * x1 = 0.5 * 1 = 0.5"
    assert texts[4] == "forward 5/7:  p = \u03c3(z) = \u03c3(0.1) = 0.525"
    assert texts[6] == "forward 7/7:  L = d**2 = (0.475)**2 = 0.2256"


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_every_step_is_drawn(name):
    state = setup_steps(name)
    steps = state["steps"]
    for k, step in enumerate(steps):
        update_steps(state, k)
        backward = step.phase == "backward"
        shown, hidden = ((state["backward"], state["forward"]) if backward
                         else (state["forward"], state["backward"]))
        assert all(b.get_visible() for b in shown.boxes.values())
        assert not any(b.get_visible() for b in hidden.boxes.values())
        assert state["caption"].get_text() == step.text
        for node, text in shown.texts.items():
            lines = text.get_text().splitlines()
            assert (lines[1] == f"v = {node.data:.4g}") == (node in step.values)
            assert ("?" in lines[1]) != (node in step.values)
            if backward:
                assert (lines[2] == f"g = {node.grad:.4g}") == (node in step.grads)
            else:
                assert len(lines) == 2  # no gradients in the forward pass
        if backward:
            # an arrow carries E_child once it is known: red with its label, else pending grey
            for _, child, arrow in shown.edges:
                known = child in step.grads
                assert (arrow.get_edgecolor()[:3] == to_rgb(BACKWARD_COLOR)) == known
            for _, child, label in shown.edge_labels:
                assert label.get_visible() == (child in step.grads)
        widths = {node: box.get_linewidth() for node, box in shown.boxes.items()}
        if step.node is None:
            assert len(set(widths.values())) == 1
        else:
            assert widths[step.node] == max(widths.values())
            assert sorted(widths.values()).count(widths[step.node]) == 1
        thick = {(inp, out) for inp, out, a in shown.edges if a.get_linewidth() > 1.0}
        if step.phase == "forward":
            assert thick == {(inp, step.node) for inp in step.node.inputs}
        elif backward:
            assert thick == {(step.node, c) for c, _ in children_of(state["root"])[step.node]}
        else:
            assert thick == set()


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_explorer_live_and_static(name):
    n = len(backprop_steps(GRAPHS[name]()))
    live = make_backprop_steps_explorer(name, mode="live")
    for k in range(n):
        png = live.set(step=k)
        assert png[:4] == b"\x89PNG"
    assert live.errors == []
    static = make_backprop_steps_explorer(name, mode="static")
    assert len(static.frames) == n and static.errors == []


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"graph must be one of \['lecture', 'one_neuron'\]"):
        make_backprop_steps_explorer("mazur")
    with pytest.raises(ValueError, match="graph must be one of"):
        setup_steps("mazur")
    with pytest.raises(TypeError, match="root must be a Value, got float"):
        backprop_steps(1.0)
    state = setup_steps("lecture")
    with pytest.raises(ValueError, match=r"step must be an int in \[0, 12\], got 13"):
        update_steps(state, 13)
    assert isinstance(state["root"], Value)


def test_update_steps_rejects_a_fractional_step():
    # issue 14 item 10: failed before with "TypeError: list indices must be integers"
    state = setup_steps("lecture")
    with pytest.raises(ValueError, match=r"step must be an int in \[0, "):
        update_steps(state, 1.5)
