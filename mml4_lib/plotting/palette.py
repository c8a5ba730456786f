"""The course's colours, in one place, and the Axes check every drawing function uses.

Colours follow TensorFlow Playground: orange for negative values (class 0), blue for positive
ones (class 1), white in between, grey for NaN (a diverged network).
"""

from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap

__all__ = ["PLAYGROUND_ORANGE", "PLAYGROUND_BLUE", "NAN_GREY", "ZERO_GREY", "ERROR_RED",
           "PLAYGROUND_CMAP", "check_ax"]

PLAYGROUND_ORANGE = "#f59322"
PLAYGROUND_BLUE = "#0877bd"
NAN_GREY = "#9e9e9e"
ZERO_GREY = "#cccccc"
ERROR_RED = "#b00020"  # messages such as "diverged at step 12"

# NaN pixels (a diverged network) show grey
PLAYGROUND_CMAP = LinearSegmentedColormap.from_list(
    "playground", [PLAYGROUND_ORANGE, "#ffffff", PLAYGROUND_BLUE]
).with_extremes(bad=NAN_GREY)


def check_ax(ax, name="ax"):
    """Raise TypeError unless ax is a matplotlib Axes (name: the argument, for the message)."""
    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes, got {type(ax).__name__}")
