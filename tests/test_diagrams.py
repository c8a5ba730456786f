"""Schematic drawings: the parts are there, labelled, in the role colours, inside the view."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from mml4_lib.plotting import diagrams  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _inside(ax, xy):
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    xy = np.atleast_2d(xy)
    return np.all((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))


def test_biological_neuron_parts_and_labels(ax):
    art = diagrams.draw_biological_neuron(ax)
    labels = {k: t.get_text() for k, t in art["labels"].items()}
    for part in ("synapse", "dendrite", "soma", "hillock", "axon", "terminals"):
        assert part in labels
    assert "w_i" in labels["synapse"] and "x_i" in labels["dendrite"]
    assert "sum" in labels["soma"] and "h(" in labels["hillock"] and "$y$" in labels["axon"]
    # 3 dendrite trees, 2 levels of binary branching -> 12 tips, a synapse on every other one
    assert art["dendrite_tips"].shape == (12, 2) and len(art["synapses"]) == 6
    assert _inside(ax, art["dendrite_tips"]) and _inside(ax, [t.center for t in art["terminals"]])
    # every label text and the point it names are inside the view
    for t in art["labels"].values():
        assert _inside(ax, t.xy) and _inside(ax, t.get_position())


def test_role_colours_match_between_the_two_pictures():
    fig, (a, b) = plt.subplots(2)
    bio = diagrams.draw_biological_neuron(a)
    art = diagrams.draw_artificial_neuron(b)
    c = diagrams.ROLE_COLOURS
    green = to_rgba(c["sum"])[:3]
    assert bio["soma"].get_facecolor()[:3] == art["sum"].get_facecolor()[:3] == green
    assert bio["hillock"].get_facecolor()[:3] == to_rgba(c["activation"])[:3]
    assert art["activation"].get_facecolor()[:3] == to_rgba(c["activation"])[:3]
    assert bio["synapses"][0].get_facecolor()[:3] == to_rgba(c["weight"])[:3]
    assert art["edges"][0].get_edgecolor()[:3] == to_rgba(c["weight"])[:3]
    plt.close(fig)


@pytest.mark.parametrize("k, names", [(1, ["$x_{1}$", "$1$"]),
                                      (2, ["$x_{1}$", "$x_{2}$", "$1$"]),
                                      (4, ["$x_{1}$", "$x_{2}$", "$x_{3}$", "$x_k$", "$1$"])])
def test_artificial_neuron_inputs(ax, k, names):
    art = diagrams.draw_artificial_neuron(ax, n_inputs=k)
    assert [t.get_text() for t in art["inputs"]] == names
    assert len(art["edges"]) == k + 1 and art["output"].get_text() == "$y$"


@pytest.mark.parametrize("k", [0, 7, 2.0, True])
def test_artificial_neuron_bad_count(ax, k):
    with pytest.raises(ValueError, match="n_inputs must be an integer from 1 to 6"):
        diagrams.draw_artificial_neuron(ax, n_inputs=k)


@pytest.mark.parametrize("fn", [diagrams.draw_biological_neuron, diagrams.draw_artificial_neuron])
def test_needs_an_axes(fn):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        fn(None)


def test_graph_nodes_edges_and_labels(ax):
    nodes = {"w": (0, 1, "$w$"), "x": (0, -1, "$x$"), "u": (2, 0, "$u$"), "L": (4, 0, "$L$")}
    edges = [("w", "u", "$x$"), ("x", "u"), ("u", "L", "$-2(y-p)$")]
    art = diagrams.draw_graph(ax, nodes, edges, highlight=["L"])
    assert {k: t.get_text() for k, t in art["nodes"].items()} == {"w": "$w$", "x": "$x$",
                                                                  "u": "$u$", "L": "$L$"}
    assert [t.get_text() for t in art["labels"]] == ["$x$", "$-2(y-p)$"]
    assert len(art["edges"]) == 3
    # the label sits at the middle of its edge; the highlighted box has the highlight colour
    assert art["labels"][1].get_position() == (3.0, 0.0)
    fill = art["nodes"]["L"].get_bbox_patch().get_facecolor()
    assert fill[:3] == to_rgba("#ffe9a8")[:3]
    assert art["nodes"]["u"].get_bbox_patch().get_facecolor()[:3] == to_rgba("#eef3fb")[:3]
    ax.figure.canvas.draw()  # arrows clip against the boxes at draw time; must not fail
    assert _inside(ax, [(0, 1), (4, 0)])


@pytest.mark.parametrize("nodes, edges, kw, match", [
    ({}, [], {}, "nodes must be a non-empty dict"),
    ({"a": (0, 0)}, [], {}, r"nodes\['a'\] must be \(x, y, text\)"),
    ({"a": (0, 0, "a")}, [("a", "b")], {}, "each edge must be"),
    ({"a": (0, 0, "a")}, [("a",)], {}, "each edge must be"),
    ({"a": (0, 0, "a")}, [], {"highlight": ["z"]}, "highlight names"),
])
def test_graph_bad_input(ax, nodes, edges, kw, match):
    with pytest.raises((TypeError, ValueError), match=match):
        diagrams.draw_graph(ax, nodes, edges, **kw)
