"""Figures to PNG, fast: one renderer for the explorers and the playground.

A figure is drawn once; afterwards only its *animated* artists (``artist.set_animated(True)``)
are drawn again over a cached picture of the rest (blitting), several times faster than drawing
the axes, ticks and legends every time. Figures live outside pyplot (``new_figure``), so the
notebook's inline backend never shows them: the explorers show the PNGs. matplotlib and Pillow
only, no ipywidgets. Introduced on the page "How the interactive figures work".
"""

import io
import weakref

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from mml4_lib.plotting.palette import ERROR_RED

__all__ = ["new_figure", "encode_png", "render_png", "message_png", "Renderer"]


def new_figure(width=6.4, height=3.2, dpi=80):
    """A matplotlib Figure with its own Agg canvas, outside pyplot.

    width, height: inches; dpi: dots per inch (an explorer renders at its own dpi).
    """
    for arg, v in (("width", width), ("height", height), ("dpi", dpi)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < np.inf:
            raise ValueError(f"{arg} must be a positive number, got {v!r}")
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def encode_png(rgb, *, colors=None):
    """PNG bytes of an (H, W, 3) uint8 image; colors=k stores a k-colour palette PNG (smaller).

    Figures are mostly flat colours, so a small palette without dithering looks the same.
    """
    image = PILImage.fromarray(np.ascontiguousarray(rgb))
    if colors is not None:
        image = image.quantize(colors=colors, method=PILImage.Quantize.FASTOCTREE,
                               dither=PILImage.Dither.NONE)
    out = io.BytesIO()
    # zlib level 1 for live PNGs (speed), 6 for stored frames (size); 9 costs 30x for ~8 %.
    image.save(out, format="PNG", compress_level=1 if colors is None else 6)
    return out.getvalue()


def render_png(fig, *, colors=None):
    """Draw a whole figure and return PNG bytes, without a tight bounding box (fast, fixed size)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return encode_png(np.asarray(canvas.buffer_rgba())[..., :3], colors=colors)


def message_png(text, dpi=80):
    """A small figure holding only a message: shown when a figure itself cannot render."""
    fig = new_figure(5, 1, dpi)
    fig.text(0.5, 0.5, text, ha="center", va="center", color=ERROR_RED, wrap=True)
    return render_png(fig)


class Renderer:
    """Renders one figure again and again, redrawing only its animated artists.

    fig: a Figure (given an Agg canvas if it has none); animated: the artists to redraw, in
    drawing order (default: every artist marked animated, by zorder). With none, every
    render draws the whole figure. Change only animated artists between renders: the rest is
    drawn once, into the cached background. ``Renderer.of(fig)`` returns the figure's
    renderer, so the explorers and the playground share one per figure.
    """

    _by_figure = weakref.WeakKeyDictionary()

    def __init__(self, fig, animated=None):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        if animated is None:
            animated = sorted(fig.findobj(lambda a: a.get_animated()), key=lambda a: a.zorder)
        self.fig, self.animated = fig, list(animated)
        self._background = None
        self._message = None
        Renderer._by_figure[fig] = self

    @classmethod
    def of(cls, fig):
        """The renderer of fig: the one made for it before, else a new default one."""
        renderer = cls._by_figure.get(fig)
        return renderer if renderer is not None else cls(fig)

    def set_message(self, text):
        """Show text in a box over the middle of the figure ("" or None hides it)."""
        if not text and self._message is None:
            return
        if self._message is None:
            # One message box per figure, made the first time one is shown.
            self._message = self.fig.text(
                0.5, 0.5, "", ha="center", va="center", fontsize=12, color=ERROR_RED,
                visible=False, zorder=100, wrap=True, animated=bool(self.animated),
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9})
            if self.animated:
                self.animated.append(self._message)
        self._message.set_text(text or "")
        self._message.set_visible(bool(text))

    def pixels(self):
        """Draw the figure (or only its animated artists) and return its (H, W, 3) pixels."""
        canvas = self.fig.canvas
        if not self.animated:
            canvas.draw()
        else:
            if self._background is None:
                canvas.draw()  # everything but the animated artists
                self._background = canvas.copy_from_bbox(self.fig.bbox)
            canvas.restore_region(self._background)
            for artist in self.animated:
                if artist.get_visible():
                    self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())[..., :3]

    def png(self, *, colors=None):
        """PNG bytes of the figure as it is now (see ``encode_png`` for colors)."""
        return encode_png(self.pixels(), colors=colors)
