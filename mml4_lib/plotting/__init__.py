"""Figures for the course: each function draws on a given matplotlib Axes and returns its artists.

The package: this module (heat maps, decision boundaries, loss curves, histograms, activation
functions, network drawings), ``palette`` (the colours and the Axes check), ``render`` (figures
to PNG: the one renderer of the explorers and the playground), ``ridges`` (a histogram per
layer, stacked: chapter 8's explorers), ``diagrams`` (schematic pictures), ``value_graph`` (a
scalar computational graph).

Explorers build a figure once and then change the returned artists in place (``set_data``,
``set_offsets``, ``set_linewidth``) through the ``update_*`` companions, which is much faster
than drawing again. Nothing here calls ``plt.show()`` or chooses a backend.

Colours follow TensorFlow Playground: orange for negative values, blue for positive ones,
white in between, grey for NaN (a diverged network).
"""

from collections.abc import Mapping

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.transforms import offset_copy

from mml4_lib.activations import get_activation
from mml4_lib.data import make_grid
from mml4_lib.plotting.palette import (
    ERROR_RED,
    NAN_GREY,
    PLAYGROUND_BLUE,
    PLAYGROUND_CMAP,
    PLAYGROUND_ORANGE,
    ZERO_GREY,
    check_ax,
)

__all__ = [
    "ERROR_RED",
    "NAN_GREY",
    "PLAYGROUND_BLUE",
    "PLAYGROUND_CMAP",
    "PLAYGROUND_ORANGE",
    "ZERO_GREY",
    "check_ax",
    "scale_label",
    "weights_label",
    "plot_heatmap",
    "plot_decision_boundary",
    "update_decision_boundary",
    "plot_loss_curves",
    "chance_line",
    "update_loss_curves",
    "plot_activation_histograms",
    "update_activation_histograms",
    "plot_activation_function",
    "draw_network",
    "update_network",
]


# ----------------------------------------------------------------------------- labels
_SCHEME_NAMES = {"lecun": "LeCun", "xavier": "Xavier", "he": "He"}


def scale_label(scale):
    """How the book names an init scale: "zeros", "0.03", "LeCun", "Xavier", "He".

    scale: 0, a number s > 0 (weights s * N(0, 1)) or a scheme of ``mml4_lib.init.SCHEMES``.
    Chapter 8.
    """
    if isinstance(scale, str):
        if scale not in _SCHEME_NAMES:
            raise ValueError(f"scale must be a number >= 0 or one of {tuple(_SCHEME_NAMES)}, "
                             f"got {scale!r}")
        return _SCHEME_NAMES[scale]
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.number)) or not (
            0 <= scale < np.inf):
        raise ValueError(f"scale must be a number >= 0 or one of {tuple(_SCHEME_NAMES)}, "
                         f"got {scale!r}")
    return "zeros" if scale == 0 else f"{scale:g}"


def weights_label(scale):
    """An init scale as a figure title says it: "weights 0.03 N(0,1)", "Xavier weights"."""
    label = scale_label(scale)
    return f"weights {label} N(0,1)" if label[0].isdigit() else f"{label} weights"


# ----------------------------------------------------------------------------- input checks

def _check_points(X, name="X"):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{name} must have shape (N, 2), got {X.shape}")
    return X


def _check_labels(y, n, name="y"):
    y = np.asarray(y, dtype=float)
    if y.ndim not in (1, 2) or y.size != n or (y.ndim == 2 and y.shape[1] != 1):
        raise ValueError(f"{name} must have shape ({n},) or ({n}, 1), got {y.shape}")
    return y.ravel()


def _limits(lim, X=None):
    """(low, high) of a square plot region: lim is a number L (-> (-L, L)), a pair, or None."""
    if lim is None and X is not None:
        # cover the data with a 10% margin
        lo, hi = X.min(), X.max()
        pad = 0.1 * (hi - lo) if hi > lo else 1.0
        return lo - pad, hi + pad
    if isinstance(lim, (int, float, np.number)) and lim > 0:
        return -float(lim), float(lim)
    if np.ndim(lim) == 1 and len(lim) == 2 and lim[0] < lim[1]:
        return float(lim[0]), float(lim[1])
    raise ValueError(f"lim must be a positive number or a pair (low, high) with low < high, "
                     f"got {lim!r}")


# ----------------------------------------------------------------------------- heat maps
def plot_heatmap(ax, values_2d, *, lim=6, vmin=-1.0, vmax=1.0, cmap=PLAYGROUND_CMAP):
    """Show a function of (x1, x2) as a colour image: orange negative, white 0, blue positive.

    Alt text: "Heat map over the square [-lim, lim]^2; orange where the value is negative,
    blue where it is positive, white near zero, grey where it is NaN."

    Args:
        ax: the Axes to draw on.
        values_2d: (n, n) values on ``mml4_lib.data.make_grid(lim, n)``; row i is x2,
            column j is x1.
        lim: number L for [-L, L]^2, or a pair (low, high).
        vmin, vmax: the values drawn fully orange and fully blue.

    Returns:
        the AxesImage; update it with ``image.set_data(new_values)``.

    Introduced in chapter 1 (probability surface) and chapter 6 (playground).
    """
    check_ax(ax)
    values = np.asarray(values_2d, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values_2d must be a 2-D array (n, n), got shape {values.shape}")
    if not vmin < vmax:
        raise ValueError(f"vmin must be smaller than vmax, got vmin={vmin}, vmax={vmax}")
    lo, hi = _limits(lim)
    return ax.imshow(values, origin="lower", extent=(lo, hi, lo, hi), cmap=cmap,
                     vmin=vmin, vmax=vmax, interpolation="nearest")


def _surface(predict_fn, points, n):
    if not callable(predict_fn):
        raise TypeError(f"predict_fn must be callable, got {type(predict_fn).__name__}")
    values = np.asarray(predict_fn(points), dtype=float)
    if values.size != n * n:
        raise ValueError(f"predict_fn must return one value per grid point: expected shape "
                         f"({n * n},) or ({n * n}, 1), got {values.shape}")
    return values.reshape(n, n)


def _boundary(ax, centres, values, levels):
    """Contour lines at `levels`, or None when no finite value lies around them."""
    finite = values[np.isfinite(values)]
    levels = [v for v in levels if finite.size and finite.min() <= v <= finite.max()]
    if not levels:
        return None
    return ax.contour(centres, centres, values, levels=levels, colors="k", linewidths=1.0)


def plot_decision_boundary(ax, predict_fn, X, y, *, lim=None, n=100, vmin=0.0, vmax=1.0,
                           levels=None, X_test=None, y_test=None, cmap=PLAYGROUND_CMAP):
    """Draw a model's output surface over the plane, its decision boundary and the data.

    The surface is predict_fn on an n x n grid; the boundary is the contour
    predict_fn(x) = (vmin + vmax) / 2, e.g. p = 0.5 for probabilities.

    Alt text: "The model's output over the plane, orange where it predicts class 0 and blue
    where it predicts class 1, a black line where the two meet, and the training points
    coloured by their true class."

    Args:
        ax: the Axes to draw on.
        predict_fn: callable mapping points (M, 2) to values (M,) or (M, 1), e.g. probabilities.
        X: (N, 2) training points; y: (N,) or (N, 1) labels or targets, coloured on
            vmin..vmax like the surface (so labels -1/+1 go with vmin=-1).
        lim: number L for [-L, L]^2, a pair (low, high), or None to cover X with a margin.
        n: grid cells per side.
        vmin, vmax: output values drawn fully orange / fully blue (0, 1 for probabilities;
            -1, 1 for a tanh output as in the Playground).
        levels: contour levels; None means [(vmin + vmax) / 2]; () draws no line.
        X_test, y_test: optional (M, 2) and (M,) test points, drawn with a black edge.

    Returns:
        dict with "image" (AxesImage), "boundary" (ContourSet or None) and "points"
        (list of PathCollection: training points, then test points if given).

    Introduced in chapter 1.
    """
    check_ax(ax)
    X = _check_points(X)
    y = _check_labels(y, len(X))
    square = _limits(lim, X)
    grid, centres, _ = make_grid(square, n)
    values = _surface(predict_fn, grid, n)
    image = plot_heatmap(ax, values, lim=square, vmin=vmin, vmax=vmax, cmap=cmap)
    image.set_alpha(0.7)  # a lighter surface, so points of the same colour stand out
    levels = [(vmin + vmax) / 2] if levels is None else list(levels)
    style = dict(cmap=cmap, vmin=vmin, vmax=vmax, s=18, linewidths=0.8, zorder=3)
    points = [ax.scatter(X[:, 0], X[:, 1], c=y, edgecolors="white", **style)]
    if X_test is not None:
        X_test = _check_points(X_test, "X_test")
        y_test = _check_labels(y_test, len(X_test), "y_test")
        points.append(ax.scatter(X_test[:, 0], X_test[:, 1], c=y_test, edgecolors="black",
                                 **style))
    return {"image": image, "boundary": _boundary(ax, centres, values, levels),
            "points": points}


def update_decision_boundary(artists, predict_fn, *, levels=None):
    """Re-evaluate predict_fn on the same grid and update the surface and boundary in place.

    Args:
        artists: the dict returned by ``plot_decision_boundary`` (its "boundary" is replaced,
            because matplotlib cannot move contour lines).
        predict_fn: callable mapping points (M, 2) to values (M,) or (M, 1).
        levels: as in ``plot_decision_boundary``.

    Returns:
        the same dict.
    """
    image = artists["image"]
    n = image.get_array().shape[0]
    grid, centres, _ = make_grid(tuple(image.get_extent()[:2]), n)
    values = _surface(predict_fn, grid, n)
    image.set_data(values)
    if artists["boundary"] is not None:
        artists["boundary"].remove()
    vmin, vmax = image.norm.vmin, image.norm.vmax
    levels = [(vmin + vmax) / 2] if levels is None else list(levels)
    artists["boundary"] = _boundary(image.axes, centres, values, levels)
    return artists


# ----------------------------------------------------------------------------- loss curves
def _series(history, keys):
    """{key: list of values} from a History (attributes) or a dict of lists."""
    if isinstance(history, Mapping):
        data = dict(history)
    elif hasattr(history, "train_loss"):
        data = {k: getattr(history, k) for k in ("train_loss", "val_loss", "train_acc",
                                                 "val_acc") if hasattr(history, k)}
    else:
        raise TypeError(f"history must be a History or a dict of lists, "
                        f"got {type(history).__name__}")
    if keys is None:  # every non-empty loss series
        keys = [k for k in data if not k.endswith("acc") and len(data[k]) > 0]
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"keys {missing} not found in history; available: {sorted(data)}")
    return {k: np.asarray(data[k], dtype=float).ravel() for k in keys}


def _diverged_at(history, series):
    """History.diverged_at, else the epoch of the first inf/NaN value, else None."""
    recorded = getattr(history, "diverged_at", None)
    if recorded is not None:
        return recorded
    bad = [np.flatnonzero(~np.isfinite(v))[0] for v in series.values()
           if not np.all(np.isfinite(v))]
    return min(bad) if bad else None


def plot_loss_curves(ax, history, *, keys=None, logy=False):
    """Plot loss (or accuracy) against epoch, one line per series, and flag divergence.

    Epochs count from 0 like ``History``: value e of a series is drawn at epoch e. Non-finite
    values are left as gaps and the figure says "diverged at epoch k", k being
    ``History.diverged_at`` or the first epoch with an inf/NaN value.

    Alt text: "Training and validation loss falling (or not) over the epochs; a note marks
    the epoch where training diverged."

    Args:
        ax: the Axes to draw on.
        history: a ``mml4_lib.train.History`` or a dict {name: list of E values}.
        keys: which series to draw; default all losses ("train_loss", "val_loss" of a
            History; every key not ending in "acc" of a dict), skipping empty ones.
        logy: logarithmic loss axis.

    Returns:
        dict with "lines" (list of Line2D, in the order of keys) and "note" (Text, empty
        unless training diverged).

    Introduced in chapter 1; used by every training explorer.
    """
    check_ax(ax)
    series = _series(history, keys)
    lines = []
    for key in series:
        (line,) = ax.plot([], [], label=key.replace("_", " "))
        line.set_gid(key)  # remembers which series the line shows, for update_loss_curves
        lines.append(line)
    note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                   color=ERROR_RED, fontsize="large",
                   bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    ax.set_xlabel("epoch")
    if logy:
        ax.set_yscale("log")
    if lines:
        ax.legend(loc="upper right")
    return update_loss_curves({"lines": lines, "note": note}, history)


def chance_line(ax, *, label="chance: ln 2"):
    """The loss of a coin flip: a dashed line at ln 2 (binary cross-entropy of p = 1/2), labelled.

    Every loss panel of the book marks chance the same way. The label sits just above the line
    at the left edge, inside the axes. Returns (Line2D, Text). Chapters 2, 7 and 8.
    """
    check_ax(ax)
    line = ax.axhline(np.log(2), color="0.6", linewidth=0.8, linestyle="--")
    # 3 points above the line, so that a loss curve stuck at chance does not hide it
    above = offset_copy(ax.get_yaxis_transform(), fig=ax.figure, y=3, units="points")
    text = ax.text(0.02, np.log(2), label, transform=above, ha="left", va="bottom",
                   fontsize=7, color="0.35")
    return line, text


def update_loss_curves(artists, history, *, first_epoch=0, rescale=True):
    """Set new data on the lines of ``plot_loss_curves`` and, unless told not to, rescale.

    Args:
        artists: the dict returned by ``plot_loss_curves``.
        history: a History (its ``diverged_at`` sets the note) or a dict with the same series
            as when the lines were drawn.
        first_epoch: the epoch number of each series' first value (0 as in History; 1 when
            a value is recorded after each epoch).
        rescale: fit the axes to the data; False keeps fixed limits (an explorer's axes).

    Returns:
        the same dict.
    """
    series = _series(history, [line.get_gid() for line in artists["lines"]])
    for line in artists["lines"]:
        values = series[line.get_gid()]
        values = np.where(np.isfinite(values), values, np.nan)  # inf would break autoscaling
        line.set_data(first_epoch + np.arange(len(values)), values)
    k = _diverged_at(history, series)
    artists["note"].set_text("" if k is None else f"diverged at epoch {k}")
    if rescale:
        ax = artists["note"].axes
        ax.relim()
        ax.autoscale_view()
    return artists


# ----------------------------------------------------------------------------- histograms
def _layer_arrays(activations):
    if isinstance(activations, Mapping):
        labels, arrays = list(activations), list(activations.values())
    elif isinstance(activations, (list, tuple)):
        labels, arrays = [f"layer {i + 1}" for i in range(len(activations))], activations
    else:
        raise TypeError(f"activations must be a list of arrays (one per layer) or a dict, "
                        f"got {type(activations).__name__}")
    if not arrays:
        raise ValueError("activations must contain at least one layer, got none")
    return labels, [np.asarray(a, dtype=float).ravel() for a in arrays]


def _note_text(label, a, share):
    with np.errstate(invalid="ignore"):  # inf values: the note says nan, no warning
        text = f"{label}: mean {np.mean(a):+.2f}  std {np.std(a):.2f}"
    return text if share is None else f"{text}  sat {100 * share:.0f}%"


def _check_saturation(saturation, n_layers):
    if saturation is None:
        return [None] * n_layers
    if len(saturation) != n_layers:
        raise ValueError(f"saturation must have one share per layer ({n_layers}), "
                         f"got {len(saturation)}")
    return list(saturation)


def _rescale_counts(stairs):
    for ax in {s.axes for s in stairs}:
        top = max(s.get_data().values.max() for s in stairs if s.axes is ax)
        ax.set_ylim(0, 1.15 * max(top, 1))  # headroom for the notes


def plot_activation_histograms(axes, activations, *, bins=50, range=None, saturation=None,
                               loc="best"):
    """Histogram each layer's values as a step outline, with its mean, std and saturation share.

    Alt text: "One histogram per layer of the values its units output on a batch, labelled
    with their mean, standard deviation and the share of saturated units."

    Args:
        axes: one Axes (all layers overlaid, darker = deeper) or a sequence of L Axes.
        activations: list of L arrays of any shape (e.g. (N, H)), or a dict {label: array}.
        bins: number of bins or a sequence of bin edges, shared by all layers.
        range: (low, high) of the bins; default the finite min and max over all layers.
            Values outside it, inf and NaN are not counted.
        saturation: optional L shares in [0, 1] to print, e.g.
            ``mml4_lib.stats.network_stats(model, X)["saturation"]``.
        loc: where the notes go (a legend location); explorers may fix it, e.g.
            "upper right", so that it does not move between frames.

    Returns:
        dict with "stairs" (list of L StepPatch) and "notes" (list of L Text: the legend
        entries "layer l: mean ...  std ...  sat ...%").

    Introduced in chapter 7; the centre of the chapter 8 explorer.
    """
    labels, arrays = _layer_arrays(activations)
    saturation = _check_saturation(saturation, len(arrays))
    axes_list = [axes] * len(arrays) if isinstance(axes, Axes) else list(np.ravel(axes))
    if len(axes_list) != len(arrays):
        raise ValueError(f"axes must be one Axes or one per layer ({len(arrays)}), "
                         f"got {len(axes_list)}")
    for ax in axes_list:
        check_ax(ax, "axes")
    if range is None:
        finite = np.concatenate(arrays)
        finite = finite[np.isfinite(finite)]
        range = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    elif np.shape(range) != (2,) or not range[0] < range[1]:
        raise ValueError(f"range must be a pair (low, high) with low < high, got {range!r}")
    edges = np.histogram_bin_edges([], bins=bins, range=range)
    n = len(arrays)
    colors = ["C0"] * n
    if isinstance(axes, Axes):  # overlaid layers share one colour ramp, darker = deeper
        colors = colormaps["viridis_r"](np.linspace(0.15, 1, n))
    stairs = []
    for i, ax in enumerate(axes_list):
        counts = np.histogram(arrays[i], bins=edges)[0]
        text = _note_text(labels[i], arrays[i], saturation[i])
        stairs.append(ax.stairs(counts, edges, label=text, color=colors[i], linewidth=1.5))
        stairs[-1].set_gid(labels[i])  # the layer's name, for update_activation_histograms
    # the notes are legend entries, which matplotlib places where they hide the least
    notes = []
    for ax in dict.fromkeys(axes_list):
        handles = [s for s in stairs if s.axes is ax]
        notes += ax.legend(handles=handles, loc=loc, fontsize="small").get_texts()
    _rescale_counts(stairs)
    return {"stairs": stairs, "notes": notes}


def update_activation_histograms(artists, activations, *, saturation=None):
    """Put new layer values into the histograms of ``plot_activation_histograms`` in place.

    The bin edges stay those of the first drawing, so frames are comparable.

    Args:
        artists: the dict returned by ``plot_activation_histograms``.
        activations: list of L arrays (or dict) as before, same number of layers.
        saturation: optional L shares in [0, 1].

    Returns:
        the same dict.
    """
    _, arrays = _layer_arrays(activations)
    stairs, notes = artists["stairs"], artists["notes"]
    if len(arrays) != len(stairs):
        raise ValueError(f"activations must have {len(stairs)} layers like the drawn "
                         f"histograms, got {len(arrays)}")
    saturation = _check_saturation(saturation, len(arrays))
    for s, note, a, share in zip(stairs, notes, arrays, saturation, strict=True):
        s.set_data(np.histogram(a, bins=s.get_data().edges)[0])
        note.set_text(_note_text(s.get_gid(), a, share))
        s.set_label(note.get_text())
    _rescale_counts(stairs)
    return artists


# ----------------------------------------------------------------------------- activations
def plot_activation_function(ax, activation, *, zlim=(-5.0, 5.0), derivative=True, n=401):
    """Plot an activation h(z) and, dashed, its derivative h'(z) over zlim.

    h'(z) is what the module's own backward pass returns for dout = 1, so the figure shows
    exactly the gradient the library uses.

    Alt text: "The activation function h(z) (solid) and its derivative h'(z) (dashed)
    for z from zlim[0] to zlim[1]."

    Args:
        ax: the Axes to draw on.
        activation: a name for ``mml4_lib.activations.get_activation`` ("sigmoid", "tanh",
            "relu", "leaky_relu", "linear") or an activation module such as LeakyReLU(0.1).
        zlim: (low, high) range of z.
        derivative: also draw h'(z).
        n: number of z values.

    Returns:
        list of Line2D: [h] or [h, h'].

    Introduced in chapter 1 (sigmoid) and chapter 7 (all activations).
    """
    check_ax(ax)
    if isinstance(activation, str):
        name, module = activation, get_activation(activation)
    elif callable(getattr(activation, "forward", None)):
        name, module = type(activation).__name__, activation
    else:
        raise TypeError(f"activation must be a name or a module with forward/backward, "
                        f"got {type(activation).__name__}")
    if np.ndim(zlim) != 1 or len(zlim) != 2 or not zlim[0] < zlim[1]:
        raise ValueError(f"zlim must be a pair (low, high) with low < high, got {zlim!r}")
    z = np.linspace(zlim[0], zlim[1], n).reshape(-1, 1)  # a batch of n examples, 1 unit
    lines = ax.plot(z, module.forward(z), label=f"{name}(z)")
    if derivative:
        dz = module.backward(np.ones_like(z))
        lines += ax.plot(z, dz, linestyle="--", label=f"{name}'(z)")
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlabel("z")
    ax.legend(loc="upper left")
    return lines


# ----------------------------------------------------------------------------- network diagram
def _is_sizes(net):
    return isinstance(net, (list, tuple)) and all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in net)


def _network_arrays(net, weights, biases):
    """(sizes, weights or None, biases or None) from layer sizes, a model or weight matrices."""
    if hasattr(net, "layers"):  # a Sequential: W and b of every layer that has them
        linear = [m for m in net.layers if "W" in getattr(m, "params", {})]
        net, biases = [m.params["W"] for m in linear], [m.params["b"] for m in linear]
    sizes = None
    if _is_sizes(net):
        sizes = list(net)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least 2 positive layer widths, got {sizes}")
    elif isinstance(net, (list, tuple)) and weights is None:
        weights = net
    else:
        raise TypeError(f"net must be a list of layer sizes, a model with .layers or a list of "
                        f"weight matrices (then without weights=), got {type(net).__name__}")
    if weights is not None:
        weights = [np.asarray(W, dtype=float) for W in weights]
        if not weights or any(W.ndim != 2 for W in weights):
            raise ValueError(f"weights must be a non-empty list of 2-D (D_in, D_out) arrays, "
                             f"got shapes {[W.shape for W in weights]}")
        w_sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
        chained = all(W.shape[0] == d for W, d in zip(weights, w_sizes[:-1], strict=True))
        if not chained or sizes not in (None, w_sizes):
            raise ValueError(f"weights must chain as (D_in, D_out) matrices matching the sizes "
                             f"{sizes}, got shapes {[W.shape for W in weights]}")
        sizes = w_sizes
    if biases is not None:
        biases = [np.asarray(b, dtype=float).ravel() for b in biases]
        if [len(b) for b in biases] != sizes[1:]:
            raise ValueError(f"biases must have lengths {sizes[1:]} (one per non-input unit), "
                             f"got {[len(b) for b in biases]}")
    return sizes, weights, biases


def _sign_colors(values):
    """Playground colours: blue for positive, orange for negative, grey for 0 and NaN."""
    return np.where(values > 0, PLAYGROUND_BLUE,
                    np.where(values < 0, PLAYGROUND_ORANGE, ZERO_GREY))


def _edge_widths(w, max_abs):
    """Line widths 0.3 ... 4 growing linearly with |w| up to max_abs (default: the largest)."""
    finite = np.abs(w[np.isfinite(w)])
    scale = max_abs or (finite.max() if finite.size else 0.0) or 1.0
    share = np.nan_to_num(np.minimum(np.abs(w) / scale, 1.0))  # NaN weights get the thinnest
    return 0.3 + 3.7 * share


def draw_network(ax, net, *, weights=None, biases=None, max_abs=None, node_size=300):
    """Draw a fully connected network: units as circles, weights as lines, biases as squares.

    Edge width grows with |w| and its colour gives the sign (blue positive, orange negative,
    grey zero), as in TensorFlow Playground.

    Alt text: "A layered diagram of the network: a column of circles per layer, every unit
    joined to every unit of the next layer; thick blue lines are large positive weights,
    thick orange lines large negative ones."

    Args:
        ax: the Axes to draw on.
        net: layer sizes such as [2, 4, 2, 1], a model with ``.layers`` (its Linear layers'
            params["W"] (D_in, D_out) and params["b"] (D_out,) are drawn), or a list of L
            weight matrices W_l (D_l, D_{l+1}).
        weights: with sizes only: the L weight matrices to draw.
        biases: optional L bias vectors (D_{l+1},); a model brings its own.
        max_abs: |w| drawn at full width (larger ones are clipped); default the largest |w|.
        node_size: circle area in points^2.

    Returns:
        dict with "nodes" (PathCollection, units top to bottom, layer by layer), "edges"
        (LineCollection, one segment per weight in the order of
        ``np.concatenate([W.ravel() for W in weights])``) and "biases" (PathCollection or None).

    Introduced in chapter 3; the playground (chapter 6) updates it while training.
    """
    check_ax(ax)
    sizes, weights, biases = _network_arrays(net, weights, biases)
    # layer l is the column x = l, its units spread downwards from the top
    xy = [np.column_stack([np.full(n, l), (n - 1) / 2 - np.arange(n)])
          for l, n in enumerate(sizes)]
    # one segment per weight W[i, j], in the order of W.ravel()
    segments = [(a, b) for l in range(len(sizes) - 1) for a in xy[l] for b in xy[l + 1]]
    edges = ax.add_collection(LineCollection(segments, colors="0.6", linewidths=1.0, zorder=1))
    nodes = ax.scatter(*np.concatenate(xy).T, s=node_size, facecolors="white",
                       edgecolors="0.3", zorder=3)
    bias_squares = None
    if biases is not None:
        # a small square at the lower left of every non-input unit
        bias_squares = ax.scatter(*(np.concatenate(xy[1:]) - (0.12, 0.3)).T, marker="s",
                                  s=node_size / 8, edgecolors="0.3", linewidths=0.5, zorder=4)
    artists = {"nodes": nodes, "edges": edges, "biases": bias_squares}
    if weights is not None:
        update_network(artists, weights, biases=biases, max_abs=max_abs)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(sizes) / 2, max(sizes) / 2)
    ax.set_axis_off()
    return artists


def update_network(artists, net, *, biases=None, max_abs=None):
    """Restyle the edges (and bias squares) of ``draw_network`` for new weights, in place.

    Args:
        artists: the dict returned by ``draw_network``.
        net: a model with ``.layers`` or a list of weight matrices, same shapes as drawn.
        biases: optional bias vectors (a model brings its own).
        max_abs: as in ``draw_network``.

    Returns:
        the same dict.
    """
    if _is_sizes(net):
        raise TypeError("net must be a model or a list of weight matrices, got layer sizes")
    _, weights, biases = _network_arrays(net, None, biases)
    w = np.concatenate([W.ravel() for W in weights])
    edges = artists["edges"]
    if len(w) != len(edges.get_segments()):
        raise ValueError(f"net must have as many weights as drawn edges "
                         f"({len(edges.get_segments())}), got {len(w)}")
    edges.set_linewidths(_edge_widths(w, max_abs))
    edges.set_colors(_sign_colors(w))
    if biases is not None and artists["biases"] is not None:
        artists["biases"].set_facecolors(_sign_colors(np.concatenate(biases)))
    return artists
