"""Ridge plots (mml4_lib.plotting.ridges): rows, histograms in their rows, the activation axis."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mml4_lib.plotting import ridges  # noqa: E402


@pytest.fixture
def ax():
    return Figure().add_subplot()


def test_ridge_rows_are_one_empty_histogram_per_row(ax):
    rows = ridges.ridge_rows(ax, 3, "C0")
    assert len(rows) == 3 and all(r.axes is ax for r in rows)
    assert all(np.all(r.get_data().values == 0) for r in rows)
    for bad in (0, 2.0, True, "3"):
        with pytest.raises(ValueError, match="rows must be an integer >= 1"):
            ridges.ridge_rows(ax, bad, "C0")


def test_set_ridge_puts_the_tallest_bin_at_fill_of_its_row(ax):
    (stairs,) = ridges.ridge_rows(ax, 1, "C0")
    ridges.set_ridge(stairs, [1, 4, 2], [0, 1, 2, 3], base=2.0, height=1.0, fill=0.5)
    data = stairs.get_data()
    np.testing.assert_allclose(data.values, [2.125, 2.5, 2.25])
    assert data.baseline == 2.0
    ridges.set_ridge(stairs, [0, 0], [0, 1, 2], base=1.0, height=1.0)  # empty: a flat row
    np.testing.assert_allclose(stairs.get_data().values, [1.0, 1.0])
    with pytest.raises(ValueError, match="one entry more than counts"):
        ridges.set_ridge(stairs, [1, 2], [0, 1], base=0, height=1)
    with pytest.raises(ValueError, match=r"fill must be in \(0, 1\]"):
        ridges.set_ridge(stairs, [1], [0, 1], base=0, height=1, fill=0)


def test_activation_ticks_map_values_onto_the_unit_axis(ax):
    labels, marks = ridges.activation_axis(ax, max_ticks=4, fontsize=7)
    assert ax.get_xlim() == (0, 1) and len(labels) == 4
    ridges.set_activation_ticks(labels, marks, (-1.0, 0.0, 1.0), (-1.0, 1.0))
    np.testing.assert_allclose(marks.get_xdata(), [0.0, 0.5, 1.0])
    shown = [(t.get_text(), t.get_position()[0]) for t in labels if t.get_visible()]
    assert shown == [("-1", 0.0), ("0", 0.5), ("1", 1.0)]
    assert not labels[3].get_visible()
    # Another activation: the same artists, other ticks (ReLU's range -0.5..3.5).
    ridges.set_activation_ticks(labels, marks, (0.0, 1.0, 2.0, 3.0), (-0.5, 3.5))
    assert [t.get_text() for t in labels if t.get_visible()] == ["0", "1", "2", "3"]
    np.testing.assert_allclose(marks.get_xdata(), [0.125, 0.375, 0.625, 0.875])
    with pytest.raises(ValueError, match="at most 4 values"):
        ridges.set_activation_ticks(labels, marks, (0, 1, 2, 3, 4), (0, 4))


def test_gradient_log_axis_says_that_its_first_bin_holds_everything_smaller(ax):
    ridges.gradient_log_axis(ax, (-12.0, 4.0))
    assert ax.get_xlim() == (-12.0, 4.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["<=-12", "-8", "-4", "0", "4"]


def test_style_ridge_axes(ax):
    ridges.style_ridge_axes([ax], 5, labelsize=7)
    assert ax.get_ylim() == (0, 5) and list(ax.get_yticks()) == []
    assert not ax.spines["top"].get_visible() and ax.spines["left"].get_visible()
    with pytest.raises(TypeError):
        ridges.style_ridge_axes(["not an Axes"], 5, labelsize=7)
