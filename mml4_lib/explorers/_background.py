"""Faster explorer frames: render the parts of a figure that never change once, as an image.

An explorer redraws its whole figure for every control change, and most of that time goes to
the parts that never change: axes, ticks, tick labels, legends, contour fills. ``freeze_static``
renders those once into a background image placed behind everything (``figimage``) and hides
them, so that later draws only composite one image and the few artists that do change.

Use it in an explorer's update, on the first call (when the figure's dpi is final), with axes
whose limits are fixed. Introduced with the explorers of chapters 3 and 4.
"""

import numpy as np
from matplotlib.figure import Figure

__all__ = ["freeze_static"]


def freeze_static(fig, dynamic):
    """Turn every artist of fig's axes except `dynamic` into one background image.

    fig: a Figure with a canvas; dynamic: the artists that update changes (lines, collections,
    texts); they stay live. Titles that change must be ordinary texts (``ax.text``), not
    ``ax.set_title``: the axes are switched off, and matplotlib moves titles of axes without
    a visible axis. Returns the background AxesImage. Calling it twice does nothing new.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    dynamic = list(dynamic)
    children = {id(c) for ax in fig.axes for c in ax.get_children()}
    stray = [a for a in dynamic if id(a) not in children]
    if stray:
        raise ValueError(f"dynamic artists must belong to the figure's axes, got {stray}")
    if getattr(fig, "_mml4_background", None) is not None:
        return fig._mml4_background
    shown = [a.get_visible() for a in dynamic]
    for a in dynamic:
        a.set_visible(False)
    fig.canvas.draw()
    background = np.asarray(fig.canvas.buffer_rgba()).copy()
    keep = {id(a) for a in dynamic}
    for ax in fig.axes:
        for child in ax.get_children():
            if id(child) not in keep:
                child.set_visible(False)
        ax.set_axis_off()
    for a, visible in zip(dynamic, shown, strict=True):
        a.set_visible(visible)
    # the buffer's first row is the top of the figure: origin="upper"
    fig._mml4_background = fig.figimage(background, zorder=-10, origin="upper")
    return fig._mml4_background
