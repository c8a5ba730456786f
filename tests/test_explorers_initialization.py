"""The chapter 8 explorer: every control value draws the right histograms, notes and curve."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from explorer_support import stand_in_figure
from matplotlib.figure import Figure  # noqa: E402

from mml4_lib.explorers import initialization as ie  # noqa: E402
from mml4_lib.lab import propagation as pr  # noqa: E402
from mml4_lib.layers import Linear  # noqa: E402
from mml4_lib.plotting import scale_label  # noqa: E402

# Each control value at least once, with the other two controls fixed (small depths: fast).
COMBOS = ([(s, "tanh", 2) for s in ie.SCALES]
          + [("xavier", a, 2) for a in ie.ACTIVATIONS]
          + [("he", "relu", d) for d in ie.DEPTHS])


def _direct_activations(scale, activation, depth):
    """Independent forward pass by hand through the same initial weights."""
    X, _ = pr.dataset()
    model = pr.make_deep_mlp(scale, activation, depth, rng=np.random.default_rng(0))
    h = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}[activation]
    acts, x = [], X
    for lin in [m for m in model.layers if isinstance(m, Linear)][:-1]:
        x = h(x @ lin.params["W"] + lin.params["b"])
        acts.append(x)
    return acts


@pytest.fixture(scope="module")
def state():
    return ie.setup_init()


@pytest.mark.parametrize("scale, activation, depth", COMBOS)
def test_update_draws_every_layer_from_a_direct_computation(state, scale, activation, depth):
    assert ie.update_init(state, scale, activation, depth) is None
    acts = _direct_activations(scale, activation, depth)
    lo, hi = pr.ACT_RANGES[activation]
    height = ie.MAX_DEPTH / depth
    for l in range(ie.MAX_DEPTH):
        stairs = state["act_stairs"][l]
        assert stairs.get_visible() == (l < depth)
        if l >= depth:
            continue
        counts, edges = np.histogram(np.clip(acts[l], lo, hi), bins=pr.BINS, range=(lo, hi))
        base = (depth - 1 - l) * height
        data = stairs.get_data()
        np.testing.assert_allclose(data.edges, (edges - lo) / (hi - lo), atol=1e-12)
        np.testing.assert_allclose(data.values, base + counts / counts.max() * 0.85 * height)
        assert data.baseline == pytest.approx(base)
        # the note prints this layer's statistics, which match the direct pass
        diag = pr.initial_diagnostics(scale, activation, depth)
        assert diag["std"][l] == pytest.approx(acts[l].std(), rel=1e-4, abs=1e-9)
        assert state["act_notes"][l].get_text() == ie.layer_note(diag, l)
        assert state["row_labels"][l].get_text() == str(l + 1)
    run = pr.training_curve(scale, activation, depth, lr=pr.INIT_LR)
    np.testing.assert_allclose(state["loss_line"].get_ydata(), np.minimum(run["loss"], 5.0))
    assert scale_label(scale) in state["title"].get_text()


def test_notes_print_the_diagnostics(state):
    ie.update_init(state, "he", "relu", 4)
    diag = pr.initial_diagnostics("he", "relu", 4)
    for l in range(4):
        text = state["act_notes"][l].get_text()
        assert text == ie.layer_note(diag, l)
        assert f"{100 * diag['saturation'][l]:3.0f}%" in text
        assert state["grad_notes"][l].get_text() == ie.short_number(diag["grad_norm"][l])
    assert "off" in state["header"].get_text()
    ie.update_init(state, "xavier", "tanh", 4)
    assert "sat" in state["header"].get_text()


def test_divergence_is_reported_in_the_loss_panel(state):
    ie.update_init(state, 3.0, "relu", 10)
    run = pr.training_curve(3.0, "relu", 10, lr=pr.INIT_LR)
    assert f"diverged at step {run['diverged_at']}" in state["loss_text"].get_text()


@pytest.mark.parametrize("v, sign, text", [
    (0.0, False, "0.00"), (0.1234, False, "0.12"), (-2.5, True, "-2.50"), (0.25, True, "+0.25"),
    (3e-7, False, "3e-07"), (1.6e12, True, "+2e+12"), (150.0, False, "2e+02"),
])
def test_short_number(v, sign, text):
    assert ie.short_number(v, sign=sign) == text
    assert len(ie.short_number(v, sign=sign)) <= 6


def test_live_explorer_redraws_on_each_control():
    ex = ie.make_initialization_explorer(mode="live")
    shown = [ex.image.value]
    for values in ({"scale": 0.03}, {"activation": "relu"}, {"depth": ie.DEPTHS[1]}):
        ex.set(**values)
        shown.append(ex.image.value)
    assert len(set(shown)) == 4 and ex.errors == []


def test_static_mode_renders_every_combination(monkeypatch):
    # This test is about frames and links: a trivial figure stands in for the real one,
    # whose drawing the tests above check value by value.
    stand_in_figure(monkeypatch, ie, "setup_init", "update_init")
    ex = ie.make_initialization_explorer(mode="static")
    n = len(ie.SCALES) * len(ie.ACTIVATIONS) * len(ie.DEPTHS)
    assert len(ex.frames) == n and ex.errors == []
    # one jslink per Stack: 1 for scale, len(SCALES) for activation, one per (scale,
    # activation) for depth
    assert len(ex.links) == 1 + len(ie.SCALES) + len(ie.SCALES) * len(ie.ACTIVATIONS)
    a = ex.frame(scale="he", activation="relu", depth=10)
    assert a == ex.frames[("he", "relu", 10)]
    assert a != ex.frame(scale="he", activation="relu", depth=ie.DEPTHS[-1])
    assert a != ex.frame(scale="xavier", activation="relu", depth=10)
    assert a != ex.frame(scale="he", activation="tanh", depth=10)


def test_static_frames_fit_the_page_budget():
    # Every frame in one page under 4 MB: a stored frame (8-colour PNG) stays under 12 kB.
    ex = ie.make_initialization_explorer(mode="live")
    assert len(ie.SCALES) * len(ie.ACTIVATIONS) * len(ie.DEPTHS) * 12_000 < 3_000_000
    for values in (dict(scale=1.0, activation="sigmoid", depth=ie.DEPTHS[-1]),
                   dict(scale="he", activation="leaky_relu", depth=ie.DEPTHS[-1]),
                   dict(scale=3.0, activation="relu", depth=10)):
        ex.set(**values)
        assert len(ex.render(colors=ex.colors)) < 12_000


def test_plot_std_by_layer_draws_the_diagnostics():
    fig = Figure()
    axes = fig.subplots(1, 4)
    lines = ie.plot_std_by_layer(axes, [0.03, "he"], depth=4)
    assert set(lines) == set(ie.ACTIVATIONS)
    np.testing.assert_allclose(lines["relu"][1].get_ydata(),
                               pr.initial_diagnostics("he", "relu", 4)["std"])
    assert lines["tanh"][0].get_label() == "0.03"
    with pytest.raises(ValueError, match="one Axes per activation"):
        ie.plot_std_by_layer(axes[:2], ["he"], depth=4)
