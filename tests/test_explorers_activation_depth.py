"""The chapter 7 explorer: gradient norms per layer and the loss curve for every control value."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mml4_lib.activations import activation_class  # noqa: E402
from mml4_lib.explorers import activation_depth as ad  # noqa: E402
from mml4_lib.lab import propagation as pr  # noqa: E402
from mml4_lib.losses import BCEWithLogitsLoss  # noqa: E402


def _direct_norms(activation, depth):
    """Independent: build the net, one forward and backward pass, norms of every hidden W."""
    X, y = pr.dataset()
    model = pr.make_deep_mlp(ad.INIT, activation, depth, rng=np.random.default_rng(0))
    loss = BCEWithLogitsLoss()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    return np.array([np.linalg.norm(model.grads[f"{2 * l}.W"]) for l in range(depth)])


@pytest.fixture(scope="module")
def state():
    return ad.setup_activation_depth()


@pytest.mark.parametrize("activation", pr.HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("depth", ad.DEPTHS)
def test_every_control_value_draws_the_direct_norms(state, activation, depth):
    assert ad.update_activation_depth(state, activation, depth) is None
    norms = _direct_norms(activation, depth)
    x, y = state["main"].get_data()
    np.testing.assert_array_equal(x, np.arange(1, depth + 1))
    np.testing.assert_allclose(y, np.maximum(norms, ad.NORM_LIM[0]), rtol=1e-4)
    # every other activation in grey, labelled
    labels = {t.get_text() for t in state["other_labels"]}
    assert len(labels) == len(pr.HIDDEN_ACTIVATIONS) - 1
    assert activation_class(activation).label not in labels
    for line in state["others"]:
        assert len(line.get_xdata()) == depth
    run = pr.training_curve(ad.INIT, activation, depth)
    np.testing.assert_allclose(state["loss"].get_ydata(), run["loss"])
    assert f"{depth} layers" in state["title"].get_text()


def test_labels_of_the_grey_lines_do_not_overlap(state):
    ad.update_activation_depth(state, "sigmoid", 10)
    ys = sorted(np.log10(t.get_position()[1]) for t in state["other_labels"])
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(ys, ys[1:], strict=False))


def test_sigmoid_gradients_vanish_and_relu_gradients_do_not():
    sig = pr.gradient_norms("sigmoid", 10)
    relu = pr.gradient_norms("relu", 10)
    assert sig[0] / sig[-1] < 1e-4
    assert relu[0] / relu[-1] > 0.1


def test_live_explorer_redraws_on_each_control():
    ex = ad.make_activation_depth_explorer(mode="live")
    before = ex.image.value
    ex.set(activation="relu")
    middle = ex.image.value
    ex.set(depth=4)
    assert before != middle != ex.image.value and ex.errors == []


def test_static_mode_has_every_frame_linked():
    ex = ad.make_activation_depth_explorer(mode="static")
    assert len(ex.frames) == len(pr.HIDDEN_ACTIVATIONS) * len(ad.DEPTHS) and ex.errors == []
    assert len(ex.links) == 1 + len(pr.HIDDEN_ACTIVATIONS)
    assert ex.frame(activation="sigmoid", depth=10) != ex.frame(activation="tanh", depth=10)
    assert ex.frame(activation="sigmoid", depth=10) != ex.frame(activation="sigmoid", depth=8)
