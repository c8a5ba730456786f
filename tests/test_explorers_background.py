"""freeze_static: the frozen figure looks the same as the live one, and later draws stay right."""

import numpy as np
import pytest

from mml4_lib.explorers._background import freeze_static
from mml4_lib.widgets import new_figure


def _figure():
    fig = new_figure(4, 3, dpi=60)
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2, color="black")          # static
    (line,) = ax.plot(x, np.sin(3 * x))      # dynamic
    label = ax.text(0.5, 0.9, "a", transform=ax.transAxes)
    ax.set_xlim(0, 1)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("x")
    return fig, ax, line, label


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


def test_frozen_figure_renders_like_the_live_one():
    fig, ax, line, label = _figure()
    x = np.linspace(0, 1, 50)
    freeze_static(fig, [line, label])
    line.set_ydata(np.cos(3 * x))
    label.set_text("b")
    frozen = _pixels(fig)

    ref, _, ref_line, ref_label = _figure()
    ref_line.set_ydata(np.cos(3 * x))
    ref_label.set_text("b")
    expected = _pixels(ref)
    assert frozen.shape == expected.shape
    assert np.abs(frozen - expected).mean() < 1.0  # antialiasing may differ by a few levels
    # the static parts are hidden behind one image, the dynamic ones still live
    assert not ax.xaxis.get_visible() or not ax.axison
    assert line.get_visible() and label.get_visible()


def test_freezing_twice_returns_the_same_background():
    fig, ax, line, label = _figure()
    first = freeze_static(fig, [line])
    assert freeze_static(fig, [line]) is first
    assert len(fig.images) == 1


def test_hidden_dynamic_artist_stays_hidden():
    fig, ax, line, label = _figure()
    label.set_visible(False)
    freeze_static(fig, [line, label])
    assert not label.get_visible() and line.get_visible()


def test_bad_input():
    fig, ax, line, label = _figure()
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        freeze_static(ax, [line])
    other, _, other_line, _ = _figure()
    with pytest.raises(ValueError, match="dynamic artists must belong"):
        freeze_static(fig, [other_line])
