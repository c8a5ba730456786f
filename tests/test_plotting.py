"""Tests for mml4_lib.plotting: the artists carry the right data and updates reuse them."""

import matplotlib

matplotlib.use("Agg")  # headless; the library itself never chooses a backend

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mml4_lib import plotting  # noqa: E402
from mml4_lib.data import make_grid  # noqa: E402
from mml4_lib.train import History  # noqa: E402

ORANGE, BLUE = to_rgba("#f59322"), to_rgba("#0877bd")


@pytest.fixture
def ax():
    return Figure().add_subplot()


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ----------------------------------------------------------------------------- colour map
def test_playground_cmap_goes_orange_white_blue_and_nan_is_grey():
    cmap = plotting.PLAYGROUND_CMAP
    np.testing.assert_allclose(cmap(0.0), ORANGE, atol=1e-2)
    np.testing.assert_allclose(cmap(0.5), (1, 1, 1, 1), atol=1e-2)
    np.testing.assert_allclose(cmap(1.0), BLUE, atol=1e-2)
    bad = cmap.get_bad()
    assert bad[0] == bad[1] == bad[2] and 0.3 < bad[0] < 0.8  # a neutral grey


# ----------------------------------------------------------------------------- heat maps
def test_plot_heatmap_renders_values_and_nan_as_grey():
    fig = Figure(figsize=(1, 1), dpi=40)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    # origin="lower": row 0 is the bottom of the picture
    image = plotting.plot_heatmap(ax, [[np.nan, -1.0], [1.0, 0.0]], lim=6)
    assert image.get_extent() == [-6, 6, -6, 6]
    FigureCanvasAgg(fig).draw()
    pixels = np.asarray(fig.canvas.buffer_rgba(), dtype=float) / 255
    grey = plotting.PLAYGROUND_CMAP.get_bad()
    np.testing.assert_allclose(pixels[30, 10], grey, atol=0.02)  # bottom left: NaN
    np.testing.assert_allclose(pixels[30, 30], ORANGE, atol=0.02)  # bottom right: -1
    np.testing.assert_allclose(pixels[10, 10], BLUE, atol=0.02)  # top left: +1
    np.testing.assert_allclose(pixels[10, 30], (1, 1, 1, 1), atol=0.02)  # top right: 0


def test_plot_heatmap_set_data_updates_the_same_image(ax):
    image = plotting.plot_heatmap(ax, np.zeros((3, 3)))
    image.set_data(np.full((3, 3), 0.5))
    assert list(ax.images) == [image]
    np.testing.assert_allclose(image.get_array(), 0.5)


def test_plot_heatmap_rejects_bad_input(ax):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes, got Figure"):
        plotting.plot_heatmap(Figure(), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"values_2d must be a 2-D array .* got shape \(4,\)"):
        plotting.plot_heatmap(ax, np.zeros(4))
    with pytest.raises(ValueError, match="vmin must be smaller than vmax"):
        plotting.plot_heatmap(ax, np.zeros((2, 2)), vmin=1, vmax=0)
    with pytest.raises(ValueError, match="lim must be a positive number"):
        plotting.plot_heatmap(ax, np.zeros((2, 2)), lim=-1)


# ----------------------------------------------------------------------------- decision boundary
W_TRUE, B_TRUE = np.array([1.5, -2.0]), 0.5


def _predict(P):
    return _sigmoid(P @ W_TRUE + B_TRUE)


def _data(rng):
    X = rng.uniform(-3, 3, size=(40, 2))
    return X, (_predict(X) > 0.5).astype(int)


def test_decision_boundary_image_is_predict_fn_on_cell_centres(ax):
    X, y = _data(np.random.default_rng(0))
    art = plotting.plot_decision_boundary(ax, _predict, X, y, lim=4, n=50)
    values = art["image"].get_array()
    assert values.shape == (50, 50)
    # cell (row i, column j) has its centre at x1 = -4 + (j + 0.5) * 8 / 50, x2 likewise
    i, j = 7, 31
    centre = np.array([-4 + (j + 0.5) * 8 / 50, -4 + (i + 0.5) * 8 / 50])
    assert values[i, j] == pytest.approx(_predict(centre[None])[0])
    assert art["image"].get_extent() == [-4, 4, -4, 4]


def test_decision_boundary_line_lies_on_the_true_boundary(ax):
    X, y = _data(np.random.default_rng(1))
    art = plotting.plot_decision_boundary(ax, _predict, X, y, lim=4, n=80)
    assert list(art["boundary"].levels) == [0.5]
    vertices = np.concatenate([p.vertices for p in art["boundary"].get_paths()])
    # p = 0.5 exactly where w.x + b = 0
    np.testing.assert_allclose(vertices @ W_TRUE + B_TRUE, 0, atol=1e-2)


def test_decision_boundary_points_and_test_points(ax):
    rng = np.random.default_rng(2)
    X, y = _data(rng)
    X_test, y_test = _data(rng)
    art = plotting.plot_decision_boundary(ax, lambda P: _predict(P)[:, None], X, y[:, None],
                                          X_test=X_test, y_test=y_test)
    train, test = art["points"]
    np.testing.assert_allclose(train.get_offsets(), X)
    np.testing.assert_allclose(train.get_array(), y)
    np.testing.assert_allclose(test.get_offsets(), X_test)
    np.testing.assert_allclose(train.get_edgecolor()[0], to_rgba("white"))
    np.testing.assert_allclose(test.get_edgecolor()[0], to_rgba("black"))
    lo, hi = art["image"].get_extent()[:2]  # lim=None covers the data
    assert lo < X.min() and hi > X.max()


def test_decision_boundary_levels_and_tanh_range(ax):
    X, y = _data(np.random.default_rng(3))
    art = plotting.plot_decision_boundary(ax, lambda P: np.tanh(P @ W_TRUE), X, 2 * y - 1,
                                          vmin=-1, vmax=1, levels=())
    assert art["boundary"] is None
    assert art["image"].norm.vmin == -1 and art["image"].norm.vmax == 1


def test_update_decision_boundary_reuses_the_image(ax):
    X, y = _data(np.random.default_rng(4))
    art = plotting.plot_decision_boundary(ax, _predict, X, y, lim=4, n=30)
    image, old_boundary = art["image"], art["boundary"]
    same = plotting.update_decision_boundary(art, lambda P: _sigmoid(-P @ W_TRUE))
    assert same is art and art["image"] is image and list(ax.images) == [image]
    grid, _, _ = make_grid(4, 30)
    np.testing.assert_allclose(image.get_array(), _sigmoid(-grid @ W_TRUE).reshape(30, 30))
    assert old_boundary not in ax.get_children() and art["boundary"] in ax.get_children()
    plotting.update_decision_boundary(art, lambda P: np.full(len(P), np.nan))  # diverged
    assert art["boundary"] is None and np.ma.getmaskarray(image.get_array()).all()


def test_decision_boundary_rejects_bad_input(ax):
    X, y = _data(np.random.default_rng(5))
    with pytest.raises(TypeError, match="predict_fn must be callable, got int"):
        plotting.plot_decision_boundary(ax, 3, X, y)
    with pytest.raises(ValueError, match=r"predict_fn must return one value per grid point: "
                                         r"expected shape \(100,\) or \(100, 1\), got \(100, 2\)"):
        plotting.plot_decision_boundary(ax, lambda P: P, X, y, n=10)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\), got \(40, 3\)"):
        plotting.plot_decision_boundary(ax, _predict, np.zeros((40, 3)), y)
    with pytest.raises(ValueError, match=r"y must have shape \(40,\) or \(40, 1\), got \(39,\)"):
        plotting.plot_decision_boundary(ax, _predict, X, y[:-1])
    with pytest.raises(ValueError, match="y_test must have shape"):
        plotting.plot_decision_boundary(ax, _predict, X, y, X_test=X, y_test=y[:3])
    with pytest.raises(ValueError, match="lim must be .* got \\(3, 1\\)"):
        plotting.plot_decision_boundary(ax, _predict, X, y, lim=(3, 1))


# ----------------------------------------------------------------------------- loss curves
def test_loss_curves_from_a_dict(ax):
    art = plotting.plot_loss_curves(ax, {"train": [3.0, 2.0, 1.0], "val": [3.5, 2.5, 2.0],
                                         "train_acc": [0.5, 0.6, 0.7]})
    train, val = art["lines"]  # accuracies are not losses: skipped by default
    np.testing.assert_allclose(train.get_xdata(), [0, 1, 2])
    np.testing.assert_allclose(train.get_ydata(), [3, 2, 1])
    np.testing.assert_allclose(val.get_ydata(), [3.5, 2.5, 2])
    assert art["note"].get_text() == ""
    assert ax.get_ylim()[0] <= 1 and ax.get_ylim()[1] >= 3.5  # autoscaled


def test_loss_curves_from_a_history_skip_empty_series(ax):
    history = History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.9])
    art = plotting.plot_loss_curves(ax, history)
    assert [line.get_gid() for line in art["lines"]] == ["train_loss"]
    art = plotting.plot_loss_curves(ax, history, keys=["train_acc"])
    np.testing.assert_allclose(art["lines"][0].get_ydata(), [0.5, 0.9])


def test_loss_curves_mark_a_diverged_history(ax):
    history = History(train_loss=[1.0, 4.0, 30.0], diverged_at=3)
    art = plotting.plot_loss_curves(ax, history, logy=True)
    assert art["note"].get_text() == "diverged at epoch 3"
    assert ax.get_yscale() == "log"


def test_loss_curves_mark_nan_and_inf_values(ax):
    art = plotting.plot_loss_curves(ax, {"train": [1.0, 0.5, np.inf, np.nan]})
    assert art["note"].get_text() == "diverged at epoch 2"
    np.testing.assert_allclose(art["lines"][0].get_ydata(), [1.0, 0.5, np.nan, np.nan])
    assert np.isfinite(ax.get_ylim()).all()


def test_update_loss_curves_reuses_the_lines(ax):
    art = plotting.plot_loss_curves(ax, {"train": [1.0], "val": [2.0]})
    lines = list(art["lines"])
    plotting.update_loss_curves(art, {"train": [1.0, 0.1, np.nan], "val": [2.0, 9.0, 8.0]})
    assert art["lines"] == lines and list(ax.get_lines()) == lines
    np.testing.assert_allclose(lines[1].get_ydata(), [2.0, 9.0, 8.0])
    assert art["note"].get_text() == "diverged at epoch 2"
    assert ax.get_ylim()[1] >= 9.0
    plotting.update_loss_curves(art, {"train": [1.0], "val": [2.0]})
    assert art["note"].get_text() == ""


def test_loss_curves_reject_bad_input(ax):
    with pytest.raises(TypeError, match="history must be a History or a dict of lists, got list"):
        plotting.plot_loss_curves(ax, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"keys \['test'\] not found in history; available"):
        plotting.plot_loss_curves(ax, {"train": [1.0]}, keys=["test"])


# ----------------------------------------------------------------------------- histograms
def _layers(rng):
    return [np.tanh(rng.normal(scale=s, size=(64, 10))) for s in (0.3, 1.0, 3.0)]


def test_histograms_equal_numpy_counts_and_notes_show_the_stats(ax):
    layers = _layers(np.random.default_rng(0))
    art = plotting.plot_activation_histograms(ax, layers, bins=20, range=(-1, 1),
                                              saturation=[0.0, 0.1, 0.5])
    assert len(art["stairs"]) == 3 and all(s.axes is ax for s in art["stairs"])
    for stairs, note, a in zip(art["stairs"], art["notes"], layers, strict=True):
        counts, edges = np.histogram(a, bins=20, range=(-1, 1))
        np.testing.assert_array_equal(stairs.get_data().values, counts)
        np.testing.assert_allclose(stairs.get_data().edges, edges)
        assert f"mean {a.mean():+.2f}" in note.get_text()
        assert f"std {a.std():.2f}" in note.get_text()
    assert art["notes"][2].get_text().startswith("layer 3:")
    assert art["notes"][2].get_text().endswith("sat 50%")
    colors = {to_rgba(s.get_edgecolor()) for s in art["stairs"]}
    assert len(colors) == 3  # overlaid layers can be told apart
    assert ax.get_ylim()[1] >= max(s.get_data().values.max() for s in art["stairs"])


def test_histograms_one_axes_per_layer_with_default_range():
    axes = Figure().subplots(1, 3)
    layers = {"h1": [0.0, 1.0], "h2": [2.0, np.nan], "h3": [-3.0, np.inf]}
    art = plotting.plot_activation_histograms(axes, layers, bins=6)
    assert [s.axes for s in art["stairs"]] == list(axes)
    edges = art["stairs"][0].get_data().edges
    np.testing.assert_allclose(edges, np.linspace(-3, 2, 7))  # finite min to max, shared
    # NaN and inf are not counted: every layer keeps only its finite values
    assert [s.get_data().values.sum() for s in art["stairs"]] == [2, 1, 1]
    assert art["notes"][0].get_text().startswith("h1:")


def test_update_histograms_reuses_the_artists_and_bins(ax):
    rng = np.random.default_rng(1)
    art = plotting.plot_activation_histograms(ax, _layers(rng), bins=10, range=(-1, 1))
    stairs, notes = list(art["stairs"]), list(art["notes"])
    new = [np.full((64, 10), 0.95), np.zeros((64, 10)), rng.uniform(-1, 1, (64, 10))]
    plotting.update_activation_histograms(art, new, saturation=[1.0, 0.0, 0.0])
    assert art["stairs"] == stairs and art["notes"] == notes and list(ax.patches) == stairs
    for s, a in zip(stairs, new, strict=True):
        np.testing.assert_array_equal(s.get_data().values, np.histogram(a, 10, (-1, 1))[0])
    assert notes[0].get_text() == "layer 1: mean +0.95  std 0.00  sat 100%"
    assert ax.get_ylim()[1] >= 640


def test_histograms_reject_bad_input(ax):
    layers = _layers(np.random.default_rng(2))
    with pytest.raises(ValueError, match=r"axes must be one Axes or one per layer \(3\), got 2"):
        plotting.plot_activation_histograms(Figure().subplots(1, 2), layers)
    with pytest.raises(TypeError, match="axes must be a matplotlib Axes, got str"):
        plotting.plot_activation_histograms(["a", "b", "c"], layers)
    with pytest.raises(TypeError, match="activations must be a list of arrays .* got ndarray"):
        plotting.plot_activation_histograms(ax, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="activations must contain at least one layer"):
        plotting.plot_activation_histograms(ax, [])
    with pytest.raises(ValueError, match=r"saturation must have one share per layer \(3\), got 2"):
        plotting.plot_activation_histograms(ax, layers, saturation=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"range must be a pair \(low, high\) with low < high"):
        plotting.plot_activation_histograms(ax, layers, range=(1, -1))
    art = plotting.plot_activation_histograms(ax, layers)
    with pytest.raises(ValueError, match="activations must have 3 layers like the drawn "
                                         "histograms, got 2"):
        plotting.update_activation_histograms(art, layers[:2])


# ----------------------------------------------------------------------------- activations
@pytest.mark.parametrize("name, f, df", [
    ("sigmoid", _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    ("tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    ("relu", lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
])
def test_activation_function_lines_are_h_and_its_derivative(ax, name, f, df):
    h, dh = plotting.plot_activation_function(ax, name, zlim=(-3, 4), n=50)
    z = np.linspace(-3, 4, 50)  # 50 points: 0 is not among them, where ReLU has a kink
    np.testing.assert_allclose(h.get_xdata(), z)
    np.testing.assert_allclose(h.get_ydata(), f(z), atol=1e-12)
    np.testing.assert_allclose(dh.get_ydata(), df(z), atol=1e-12)
    assert dh.get_linestyle() == "--"


def test_activation_function_takes_a_module_and_can_skip_the_derivative(ax):
    from mml4_lib.activations import LeakyReLU

    lines = plotting.plot_activation_function(ax, LeakyReLU(0.1), zlim=(-2, 2), n=5,
                                              derivative=False)
    assert len(lines) == 1
    np.testing.assert_allclose(lines[0].get_ydata(), [-0.2, -0.1, 0.0, 1.0, 2.0])


def test_activation_function_rejects_bad_input(ax):
    with pytest.raises(ValueError, match="relu"):  # the valid names are listed
        plotting.plot_activation_function(ax, "swish")
    with pytest.raises(TypeError, match="activation must be a name or a module .* got int"):
        plotting.plot_activation_function(ax, 3)
    with pytest.raises(ValueError, match=r"zlim must be a pair \(low, high\) with low < high"):
        plotting.plot_activation_function(ax, "tanh", zlim=(5, -5))


# ----------------------------------------------------------------------------- network
def _weights(rng, sizes=(3, 4, 2)):
    return [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


def test_draw_network_one_edge_per_weight_width_by_abs_colour_by_sign(ax):
    weights = _weights(np.random.default_rng(0))
    weights[1][2, 1] = 0.0
    art = plotting.draw_network(ax, weights)
    w = np.concatenate([W.ravel() for W in weights])
    widths = np.asarray(art["edges"].get_linewidths())
    assert len(art["edges"].get_segments()) == 3 * 4 + 4 * 2 == len(widths)
    order = np.argsort(np.abs(w))
    assert np.all(np.diff(widths[order]) > 0)  # strictly wider for larger |w|
    assert widths[order[-1]] == pytest.approx(4.0)
    colors = art["edges"].get_colors()
    np.testing.assert_allclose(colors[w > 0], np.tile(BLUE, ((w > 0).sum(), 1)))
    np.testing.assert_allclose(colors[w < 0], np.tile(ORANGE, ((w < 0).sum(), 1)))
    np.testing.assert_allclose(colors[w == 0], [to_rgba(plotting.ZERO_GREY)])
    assert len(art["nodes"].get_offsets()) == 3 + 4 + 2 and art["biases"] is None


def test_draw_network_edge_geometry_follows_w_ravel(ax):
    art = plotting.draw_network(ax, [3, 4, 2], weights=_weights(np.random.default_rng(1)))
    nodes = art["nodes"].get_offsets()
    segments = art["edges"].get_segments()
    # W0[i, j] joins input unit i to hidden unit j: segment i * 4 + j
    np.testing.assert_allclose(segments[1 * 4 + 2], [nodes[1], nodes[3 + 2]])
    # W1[i, j]: hidden unit i to output unit j, after the 12 edges of W0
    np.testing.assert_allclose(segments[12 + 3 * 2 + 1], [nodes[3 + 3], nodes[7 + 1]])
    assert nodes[0][1] > nodes[1][1]  # unit 0 on top


def test_draw_network_biases_as_squares_coloured_by_sign(ax):
    biases = [np.array([0.5, -0.2, 0.0, 1.0]), np.array([-1.0, 2.0])]
    art = plotting.draw_network(ax, _weights(np.random.default_rng(2)), biases=biases)
    squares = art["biases"]
    assert len(squares.get_offsets()) == 6
    expected = [BLUE, ORANGE, to_rgba(plotting.ZERO_GREY), BLUE, ORANGE, BLUE]
    np.testing.assert_allclose(squares.get_facecolors(), expected)


def test_draw_network_from_sizes_only(ax):
    art = plotting.draw_network(ax, [2, 8, 8, 1])
    assert len(art["edges"].get_segments()) == 2 * 8 + 8 * 8 + 8
    assert len(set(np.ravel(art["edges"].get_linewidths()))) == 1  # no weights: all alike
    assert not ax.axison


def test_draw_network_from_a_sequential_model(ax):
    from mml4_lib.layers import make_mlp

    model = make_mlp([2, 3, 1], activation="tanh", rng=np.random.default_rng(3))
    art = plotting.draw_network(ax, model)
    assert len(art["edges"].get_segments()) == 2 * 3 + 3 * 1
    assert len(art["biases"].get_offsets()) == 3 + 1
    w = np.concatenate([model.params["0.W"].ravel(), model.params["2.W"].ravel()])
    widths = np.asarray(art["edges"].get_linewidths())
    assert np.argmax(widths) == np.argmax(np.abs(w))


def test_update_network_reuses_the_edges_and_clips_at_max_abs(ax):
    rng = np.random.default_rng(4)
    art = plotting.draw_network(ax, _weights(rng), biases=[np.ones(4), np.ones(2)])
    edges, squares = art["edges"], art["biases"]
    new = [np.full((3, 4), -10.0), np.full((4, 2), 0.5)]
    plotting.update_network(art, new, biases=[-np.ones(4), np.ones(2)], max_abs=5.0)
    assert art["edges"] is edges and art["biases"] is squares
    widths = np.asarray(edges.get_linewidths())
    np.testing.assert_allclose(widths[:12], 4.0)  # |w| = 10 > max_abs: full width
    np.testing.assert_allclose(widths[12:], 0.3 + 3.7 * 0.5 / 5.0)
    np.testing.assert_allclose(edges.get_colors()[:12], np.tile(ORANGE, (12, 1)))
    np.testing.assert_allclose(squares.get_facecolors()[0], ORANGE)
    plotting.update_network(art, [np.full((3, 4), np.nan), np.ones((4, 2))])  # diverged
    assert np.isfinite(edges.get_linewidths()).all()


def test_draw_network_rejects_bad_input(ax):
    weights = _weights(np.random.default_rng(5))
    with pytest.raises(ValueError, match=r"sizes must list at least 2 positive layer widths, "
                                         r"got \[3\]"):
        plotting.draw_network(ax, [3])
    with pytest.raises(TypeError, match="net must be a list of layer sizes, .* got str"):
        plotting.draw_network(ax, "2-4-1")
    with pytest.raises(ValueError, match=r"weights must chain .* got shapes \[\(3, 4\), \(3, 2"):
        plotting.draw_network(ax, [np.ones((3, 4)), np.ones((3, 2))])
    with pytest.raises(ValueError, match=r"weights must chain .* sizes \[3, 5, 2\]"):
        plotting.draw_network(ax, [3, 5, 2], weights=weights)
    with pytest.raises(ValueError, match=r"biases must have lengths \[4, 2\] .* got \[4, 3\]"):
        plotting.draw_network(ax, weights, biases=[np.ones(4), np.ones(3)])
    art = plotting.draw_network(ax, weights)
    with pytest.raises(ValueError, match=r"as many weights as drawn edges \(20\), got 6"):
        plotting.update_network(art, [np.ones((2, 3))])
    with pytest.raises(TypeError, match="got layer sizes"):
        plotting.update_network(art, [3, 4, 2])


def test_chance_line_marks_ln2_with_its_label(ax):
    line, text = plotting.chance_line(ax)
    assert line.get_ydata()[0] == pytest.approx(np.log(2))
    assert text.get_text() == "chance: ln 2" and text.get_position()[1] == pytest.approx(np.log(2))
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plotting.chance_line(None)
