"""The playground's figure: the Playground's views, built once and updated in place.

    view = PlaygroundView(pg)        # a Figure for this network's shape
    pg.step(); view.update(pg)       # set_data on every artist; no new artists
    png = view.render()              # PNG bytes (no tight bounding box)

Panels: the network (a heat map tile per unit, inputs included; weights as lines whose
width grows with |w|, blue positive, orange negative; biases as small squares) with a
legend saying what a tile shows; the output heat map over [-6, 6]^2 (orange - white - blue,
grey where NaN) with training points (white edge) and test points (black edge); the train
and test loss as numbers and curves; the epoch counter and a message line ("diverged at
epoch k"); with config.diagnostics, per-layer activation histograms with their saturation
share, gradient norms per weight layer and the accuracy.

Only the artists that change between epochs are `animated`: they are drawn over a cached
picture of everything else, which is what makes a frame cheap. Chapter 6.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgb

from mml4_lib.activations import activation_class
from mml4_lib.plotting import (
    ERROR_RED,
    NAN_GREY,
    PLAYGROUND_BLUE,
    PLAYGROUND_CMAP,
    PLAYGROUND_ORANGE,
    plot_heatmap,
    update_network,
)
from mml4_lib.plotting.render import Renderer, new_figure

from .model import GRID_N, LIM, Playground

__all__ = ["PlaygroundView", "LEGEND", "tile_rgba"]

# The Playground paints the background lighter than the points: the same scale, paler ends.
_PALE = [tuple(0.35 + 0.65 * np.array(to_rgb(c))) for c in (PLAYGROUND_ORANGE, PLAYGROUND_BLUE)]
PALE_CMAP = LinearSegmentedColormap.from_list(
    "playground_pale", [_PALE[0], "#ffffff", _PALE[1]], N=257).with_extremes(bad=NAN_GREY)
_LUT = (PALE_CMAP(np.linspace(0, 1, 257)) * 255).astype(np.uint8)  # entry 128: white, 0
_GREY = (np.array([*to_rgb(NAN_GREY), 1.0]) * 255).astype(np.uint8)

TILE = 20  # pixels per unit tile: every 5th cell of the 100 x 100 grid
LEGEND = ("Each square is one unit: its output over the input plane [-6, 6]$^2$\n"
          "($x_1$ to the right, $x_2$ up): blue > 0, orange < 0, white 0.\n"
          "Lines are weights (blue > 0, orange < 0, thicker = larger |w|);\n"
          "the small square at a unit is its bias.")
_FEATURE_LABELS = {"x1": "$x_1$", "x2": "$x_2$", "x1^2": "$x_1^2$", "x2^2": "$x_2^2$",
                   "x1*x2": "$x_1 x_2$", "sin(x1)": "sin $x_1$", "sin(x2)": "sin $x_2$"}
WIDTH, HEIGHT, DIAG_HEIGHT = 9.6, 4.8, 1.9  # inches


def tile_rgba(values, lo=-1.0, hi=1.0):
    """Colour a (n, n) map (rows along x2) as an RGBA tile for an image with origin "upper".

    Values lo ... hi go orange ... white ... blue (clipped), NaN grey. Returns (n, n, 4) uint8.
    """
    v = np.asarray(values, dtype=float)[::-1]
    with np.errstate(invalid="ignore"):
        idx = np.clip(np.rint((v - lo) * (256 / (hi - lo))), 0, 256)
    rgba = _LUT[np.nan_to_num(idx).astype(np.intp)]
    rgba[np.isnan(v)] = _GREY
    return rgba


class PlaygroundView:
    """One matplotlib Figure for a Playground's network shape; `update(pg)` redraws it in place.

    pg: a Playground (its config fixes the layout: features, hidden widths, diagnostics).
    dpi: pixels per inch of `render`. Attributes: fig, artists (dict of the changing artists),
    shape (the layout key, see `matches`). Chapter 6.
    """

    def __init__(self, pg, *, dpi=80):
        if not isinstance(pg, Playground):
            raise TypeError(f"pg must be a Playground, got {type(pg).__name__}")
        c = pg.config
        self.shape = self.layout_key(c)
        self.sizes = [len(c.features), *c.hidden, 1]
        self.diag = c.diagnostics
        height = HEIGHT + (DIAG_HEIGHT if self.diag else 0.0)
        self.fig = new_figure(WIDTH, height, dpi)
        self.artists = {}
        base = DIAG_HEIGHT if self.diag else 0.0

        def rect(x, y, w, h):  # inches from the lower left -> figure fraction
            return (x / WIDTH, y / height, w / WIDTH, h / height)

        self._rect = rect
        self._network(rect(0.1, base + 0.95, 5.8, 3.35), c.features)
        self._output(rect(6.45, base + 1.45, 2.95, 2.95), pg)
        self._loss(rect(6.45, base + 0.25, 2.95, 0.75))
        t = self.fig.text
        self.artists["epoch"] = t(0.1 / WIDTH, (height - 0.3) / height, "", fontsize=13,
                                  weight="bold")
        self.artists["message"] = t(3.0 / WIDTH, (height - 0.3) / height, "", fontsize=11,
                                    color=ERROR_RED)
        t(0.1 / WIDTH, (base + 0.08) / height, LEGEND, fontsize=8.5, color="0.25",
          va="bottom", linespacing=1.3)
        if self.diag:
            self._diagnostics(c)
        animated = self._animated()
        for artist in animated:
            artist.set_animated(True)
        self.renderer = Renderer(self.fig, animated=animated)
        self.update(pg)

    @staticmethod
    def layout_key(config):
        """What fixes the figure's layout: features, hidden, diagnostics (and the activation,
        whose word for an inactive unit the diagnostics panel shows)."""
        return (config.features, config.hidden, config.diagnostics,
                config.activation if config.diagnostics else None)

    def matches(self, pg):
        """True if this view can draw pg (same features, hidden widths and diagnostics flag)."""
        return self.layout_key(pg.config) == self.shape

    # ------------------------------------------------------------------ building
    def _network(self, rect, features):
        ax = self.fig.add_axes(rect)
        ax.set_axis_off()
        sizes, T = self.sizes, TILE
        pitch_x, pitch_y = 2.2 * T, 1.3 * T  # room between tiles for the weights
        # At least 6 rows and 5 columns of room, so small networks do not get huge tiles.
        rows, cols = max(*sizes, 6), max(len(sizes), 5)
        margin = 1.4 * T  # room left of the input tiles for the feature names ("sin x1")
        W, H = margin + cols * pitch_x, rows * pitch_y
        # Tile (layer l, unit i): upper-left pixel in a mosaic of W x H pixels, columns centred.
        self.tiles = [[(int(margin + l * pitch_x + (pitch_x - T) / 2),
                        int((rows - n) * pitch_y / 2 + i * pitch_y + (pitch_y - T) / 2))
                       for i in range(n)] for l, n in enumerate(sizes)]
        self.mosaic = np.zeros((int(H), int(W), 4), dtype=np.uint8)  # transparent background
        image = ax.imshow(self.mosaic, extent=(0, W, H, 0), interpolation="nearest", zorder=2)
        ax.set_xlim(0, W)
        ax.set_ylim(H, -0.12 * T)
        ax.set_aspect("equal", anchor="NW")
        segments = [((x0 + T, y0 + T / 2), (x1, y1 + T / 2))
                    for l in range(len(sizes) - 1) for (x0, y0) in self.tiles[l]
                    for (x1, y1) in self.tiles[l + 1]]  # in the order of W.ravel()
        edges = ax.add_collection(LineCollection(segments, linewidths=1, zorder=1))
        corners = np.array([(x - 0.1 * T, y + 1.1 * T) for col in self.tiles[1:] for x, y in col])
        biases = ax.scatter(*corners.T, marker="s", s=14, edgecolors="0.3", linewidths=0.5,
                            zorder=3)
        names = ["features", *[f"layer {l}: {n}" for l, n in enumerate(sizes[1:-1], 1)],
                 "output"]
        for l, name in enumerate(names):
            ax.text(margin + (l + 0.5) * pitch_x, self.tiles[l][0][1] - 0.2 * T, name,
                    ha="center", va="bottom", fontsize=7.5, color="0.3")
        for name, (x, y) in zip(features, self.tiles[0], strict=True):
            ax.text(x - 0.15 * T, y + T / 2, _FEATURE_LABELS[name], ha="right", va="center",
                    fontsize=7.5)
        self.artists.update(mosaic=image, network={"edges": edges, "biases": biases})

    def _output(self, rect, pg):
        ax = self.fig.add_axes(rect)
        n = GRID_N
        image = plot_heatmap(ax, np.zeros((n, n)), lim=LIM, cmap=PALE_CMAP)
        image.set_zorder(0)
        common = dict(cmap=PLAYGROUND_CMAP, vmin=-1, vmax=1, s=14, linewidths=0.8, zorder=2)
        train = ax.scatter(*pg.X_train.T, c=pg.y_train, edgecolors="white", **common)
        test = ax.scatter(*pg.X_test.T, c=pg.y_test, edgecolors="black", **common)
        ax.set_xlim(-LIM, LIM)
        ax.set_ylim(-LIM, LIM)
        ax.set_xticks([-6, -3, 0, 3, 6])
        ax.set_yticks([-6, -3, 0, 3, 6])
        ax.tick_params(labelsize=8, length=2, pad=1)
        ax.set_title("output", fontsize=9, pad=3)
        self.artists.update(output=image, train_points=train, test_points=test)

    def _loss(self, rect):
        ax = self.fig.add_axes(rect)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        (train,) = ax.plot([], [], color="0.55", linewidth=1.2)
        (test,) = ax.plot([], [], color="black", linewidth=1.2)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        text = ax.text(0, 1.08, "", transform=ax.transAxes, fontsize=9, va="bottom")
        self.artists.update(loss_train=train, loss_test=test, loss_text=text)

    def _diagnostics(self, c):
        k = len(c.hidden)
        width = 5.8 / max(k, 1)
        hists, notes = [], []
        for l in range(k):
            ax = self.fig.add_axes(self._rect(0.1 + l * width + 0.05, 0.3, width - 0.2, 1.05))
            # Counts against the bin number: the axes never change, whatever the value range
            # (relu and linear layers have none fixed); the range is printed instead.
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1.3)
            hists.append(ax.stairs(np.zeros(1), [0, 1], color=PLAYGROUND_BLUE, linewidth=1.2))
            notes.append(ax.text(0.03, 0.96, "", transform=ax.transAxes, fontsize=6.5,
                                 va="top"))
        unit = activation_class(c.activation)
        self._inactive = unit.inactive_short
        if k:
            self.fig.text(0.1 / WIDTH, 1.5 / (HEIGHT + DIAG_HEIGHT),
                          "activations of each hidden layer on the training set "
                          f"({unit.inactive_short} = share of {unit.inactive_word} outputs)",
                          fontsize=8)
        ax = self.fig.add_axes(self._rect(6.75, 0.3, 2.65, 0.95))
        ax.set_yscale("log")
        ax.set_ylim(1e-7, 10)
        ax.set_xlim(-0.5, len(c.hidden) + 0.5)
        ax.set_xticks(range(len(c.hidden) + 1))
        ax.set_xticklabels([f"W{l + 1}" for l in range(len(c.hidden) + 1)])
        ax.tick_params(labelsize=6.5, length=2, pad=1)
        ax.set_title("gradient norm $\\|\\partial L/\\partial W\\|$ per layer", fontsize=8, pad=3)
        (grads,) = ax.plot(range(len(c.hidden) + 1), np.ones(len(c.hidden) + 1), "o-",
                           color=PLAYGROUND_ORANGE, markersize=4)
        acc = self.fig.text(6.45 / WIDTH, 1.62 / (HEIGHT + DIAG_HEIGHT), "", fontsize=8)
        self.artists.update(hists=hists, hist_notes=notes, grads=grads, accuracy=acc)

    def _animated(self):
        a = self.artists
        out = [a["mosaic"], a["network"]["edges"], a["network"]["biases"], a["output"],
               a["train_points"], a["test_points"], a["loss_train"], a["loss_test"],
               a["loss_text"], a["epoch"], a["message"]]
        if self.diag:
            out += [*a["hists"], *a["hist_notes"], a["grads"], a["accuracy"]]
        return out

    # ------------------------------------------------------------------ updating
    def update(self, pg):
        """Show pg's current epoch: every artist gets its new data in place."""
        if not self.matches(pg):
            raise ValueError(f"pg has layout {self.layout_key(pg.config)}, this view was built for "
                             f"{self.shape}; build a new PlaygroundView")
        c, snap, a = pg.config, pg.snapshot(), self.artists
        self._update_network(snap)
        values = np.sign(snap["output"]) if c.discretize else snap["output"]
        a["output"].set_data(values)
        a["train_points"].set_offsets(pg.X_train)
        a["train_points"].set_array(pg.y_train)
        a["test_points"].set_offsets(pg.X_test)
        a["test_points"].set_array(pg.y_test)
        a["test_points"].set_visible(c.show_test)
        self._update_loss(snap["history"])
        a["epoch"].set_text(f"Epoch {snap['epoch']:,}")
        message = snap["stop_reason"] if snap["stopped"] else ""
        a["message"].set_text(message)
        self.description = describe_playground(c, snap, values)
        if self.diag:
            self._update_diagnostics(snap["diagnostics"])

    def _update_network(self, snap):
        T, step = TILE, GRID_N // TILE
        start = step // 2  # the cell centre nearest to the tile pixel's centre
        for l, (layer, col) in enumerate(zip(snap["units"], self.tiles, strict=True)):
            for unit, (x, y) in zip(layer, col, strict=True):
                values = unit[start::step, start::step]
                if l == 0:  # an input feature: scaled to its own range so its shape shows
                    top = np.max(np.abs(unit)) or 1.0
                    values = values / top
                self.mosaic[y:y + T, x:x + T] = tile_rgba(values)
        self.artists["mosaic"].set_data(self.mosaic)
        with np.errstate(invalid="ignore"):
            update_network(self.artists["network"], snap["weights"], biases=snap["biases"],
                           max_abs=5.0)

    def _update_loss(self, history):
        a = self.artists
        train, test = np.asarray(history["train_loss"]), np.asarray(history["test_loss"])
        finite = np.concatenate([train[np.isfinite(train)], test[np.isfinite(test)], [1e-12]])
        top = 1.1 * finite.max()
        x = np.linspace(0, 1, len(train)) if len(train) > 1 else np.zeros(1)
        # The axes keep their limits (0 ... 1), so the curves are scaled here instead.
        a["loss_train"].set_data(x, train / top)
        a["loss_test"].set_data(x, test / top)
        a["loss_text"].set_text(f"Test loss {_num(test[-1])}    Training loss {_num(train[-1])}")

    def _update_diagnostics(self, d):
        a = self.artists
        for l, (stairs, note, (counts, edges), sat) in enumerate(zip(
                a["hists"], a["hist_notes"], d["hist"], d["saturation"], strict=True), 1):
            top = counts.max() or 1
            stairs.set_data(counts / top, np.linspace(0, 1, len(edges)))
            note.set_text(f"layer {l}: {edges[0]:.3g} ... {edges[-1]:.3g}\n"
                          f"{self._inactive} {100 * sat:.0f}%")
        norms = np.clip(np.nan_to_num(d["grad_norm"], nan=1e-7), 1e-7, 10)
        a["grads"].set_ydata(norms)
        a["accuracy"].set_text("" if np.isnan(d["train_acc"]) else
                               f"accuracy: train {100 * d['train_acc']:.1f}%, "
                               f"test {100 * d['test_acc']:.1f}%")

    # ------------------------------------------------------------------ rendering
    def draw(self):
        """Draw the figure into its canvas (the static part once, see ``Renderer``).

        Returns the canvas pixels (H, W, 3) uint8.
        """
        return self.renderer.pixels()

    def render(self, *, colors=None):
        """PNG bytes of the current frame; colors=k gives a k-colour palette PNG (smaller)."""
        return self.renderer.png(colors=colors)


def describe_playground(config, snap, shown):
    """The playground's frame in words: the run, the epoch, the losses, the output map."""
    hidden = ", ".join(map(str, config.hidden)) or "no"
    train, test = snap["history"]["train_loss"][-1], snap["history"]["test_loss"][-1]
    with np.errstate(invalid="ignore"):
        positive = float(np.mean(shown > 0))
    text = (f"Playground, {config.dataset} data, features {', '.join(config.features)}, "
            f"{hidden} hidden units ({config.activation}), epoch {snap['epoch']:,}: test loss "
            f"{_num(test)}, training loss {_num(train)}; the output map is blue (positive) on "
            f"{100 * positive:.0f}% of the plane and orange on the rest")
    if snap["stopped"]:
        text += f"; {snap['stop_reason']}"
    return text + "."


def _num(value):
    return "NaN" if not np.isfinite(value) else f"{value:.3f}"
