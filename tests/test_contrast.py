"""Text in the figures meets WCAG 2.1 AA: contrast >= 4.5:1 against its background (issue 15).

Figures are images, which an accessibility checker in the browser cannot read: this test
reads the text artists of every explorer's figure, the playground's and the library's static
figures, and computes the WCAG contrast ratio of each text colour against what it is drawn on
(its box if it has one, else the axes or figure background).
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from mml4_lib.explorers import EXPLORERS  # noqa: E402
from mml4_lib.lab.backprop import lecture_graph  # noqa: E402
from mml4_lib.playground import Playground, PlaygroundView  # noqa: E402
from mml4_lib.plotting import diagrams, draw_network  # noqa: E402
from mml4_lib.plotting.render import new_figure  # noqa: E402
from mml4_lib.plotting.value_graph import draw_value_graph  # noqa: E402


def luminance(color):
    """WCAG relative luminance of a colour."""
    c = np.array(to_rgb(color))
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_known_values():
    assert contrast("black", "white") == pytest.approx(21.0)
    assert contrast("#767676", "white") == pytest.approx(4.54, abs=0.01)  # the AA limit grey


def background(text):
    """What the text is drawn on: its own box, else the topmost filled patch under its anchor
    (a node of a diagram), else the axes (or figure) background."""
    box = text.get_bbox_patch()
    if box is not None and box.get_alpha() != 0:
        return box.get_facecolor()
    ax = text.axes
    if ax is None:
        return text.figure.get_facecolor()
    anchor = text.get_transform().transform(text.get_position())
    under = [p for p in ax.patches if p.get_visible() and p.get_fill()
             and not isinstance(p, FancyArrowPatch)  # an arrow crosses a label, it is no ground
             and p.zorder <= text.zorder and p.contains_point(anchor)]
    if under:
        return max(under, key=lambda p: p.zorder).get_facecolor()
    return ax.get_facecolor()


def low_contrast(fig):
    return sorted({(t.get_text()[:30], round(contrast(t.get_color(), background(t)), 2))
                   for t in fig.findobj(Text)
                   if t.get_visible() and t.get_text().strip()
                   and contrast(t.get_color(), background(t)) < 4.5})


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_text_has_enough_contrast(name):
    ex = EXPLORERS[name](mode="live")
    assert low_contrast(ex.state["fig"]) == []


def test_playground_text_has_enough_contrast():
    view = PlaygroundView(Playground("hidden=3,2&diagnostics=true"), dpi=40)
    assert low_contrast(view.fig) == []


def test_static_figures_text_has_enough_contrast():
    fig = new_figure(8, 6)
    axes = fig.subplots(2, 2).ravel()
    diagrams.draw_biological_neuron(axes[0])
    diagrams.draw_artificial_neuron(axes[1])
    draw_network(axes[2], [2, 3, 1])
    draw_value_graph(axes[3], lecture_graph(), mode="backward")
    assert low_contrast(fig) == []
