"""Deep linear vs. tanh networks on XOR: collapse, affinity, training and every control."""

import numpy as np
import pytest

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_grid
from mml4_lib.explorers import linear_depth as ld
from mml4_lib.lab import linear_depth as ldc
from mml4_lib.layers import Linear, Sequential, make_mlp


@pytest.fixture(scope="module")
def data():
    return ldc.dataset()


def test_collapse_is_the_same_function():
    rng = np.random.default_rng(0)
    model = make_mlp([2, 5, 4, 3, 1], activation="linear", rng=rng)
    for layer in model.layers:
        if isinstance(layer, Linear):
            layer.params["b"][...] = rng.normal(size=layer.params["b"].shape)
    W, b = ldc.collapse(model)
    x = rng.normal(size=(10, 2))
    assert W.shape == (2, 1) and b.shape == (1,)
    np.testing.assert_allclose(model.forward(x), x @ W + b, rtol=1e-12, atol=1e-12)


def test_collapse_refuses_a_nonlinearity():
    model = make_mlp([2, 3, 1], activation="tanh", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="layer 1 is Tanh"):
        ldc.collapse(model)
    with pytest.raises(TypeError, match="model must be a Sequential, got Linear"):
        ldc.collapse(Linear(2, 1, rng=np.random.default_rng(0)))


def test_affine_residual_tells_linear_from_tanh():
    rng = np.random.default_rng(1)
    grid, _, _ = make_grid(6, 30)
    linear = Sequential(Linear(2, 4, rng=rng), Linear(4, 1, rng=rng))
    tanh = make_mlp([2, 4, 1], activation="tanh", rng=rng)
    assert ldc.affine_residual(linear, grid) < 1e-12
    assert ldc.affine_residual(tanh, grid) > 0.05


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_trained_linear_network_stays_affine_and_fails_xor(data, depth):
    X, y = data
    model, history = ldc.train_depth(X, y, depth, "linear", dtype=np.float64)
    grid, _, _ = make_grid(6, 40)
    assert ldc.affine_residual(model, grid) < 1e-10
    assert history.train_acc[-1] < 0.8 and history.train_loss[-1] > 0.6


def test_tanh_network_solves_xor(data):
    X, y = data
    _, history = ldc.train_depth(X, y, 2, "tanh")
    assert history.train_acc[-1] == 1.0 and history.train_loss[-1] < 0.1


def test_training_is_deterministic(data):
    X, y = data
    a = ldc.train_depth(X, y, 3, "tanh", epochs=20)[1].train_loss
    b = ldc.train_depth(X, y, 3, "tanh", epochs=20)[1].train_loss
    assert a == b


@pytest.mark.parametrize("kwargs, err, match", [
    ({"depth": 0, "activation": "linear"}, ValueError, "depth must be an integer >= 1"),
    ({"depth": 2.5, "activation": "linear"}, ValueError, "got 2.5"),
    ({"depth": 2, "activation": "swish"}, ValueError, r"activation must be one of \('sigmoid'"),
])
def test_train_depth_bad_input(data, kwargs, err, match):
    with pytest.raises(err, match=match):
        ldc.train_depth(*data, **kwargs)


@pytest.fixture(scope="module")
def live(data):
    return ld.make_linear_depth_explorer(*data, mode="live")


@pytest.mark.parametrize("activation", ld.HIDDEN)
def test_every_combination_draws_the_trained_network(live, data, activation):
    X, y = data
    n = live.state["image"].get_array().shape[0]
    grid, _, _ = make_grid(ld.LIM, n)
    for depth in ld.DEPTHS:
        live.set(depth=depth, activation=activation)
        model, history = live.state["cache"][(depth, activation)]
        expected = sigmoid(model.forward(grid.astype(np.float32)).astype(np.float64))
        np.testing.assert_allclose(np.asarray(live.state["image"].get_array()).ravel(),
                                   expected.ravel(), atol=1e-6)
        np.testing.assert_allclose(live.state["loss"].get_ydata(), history.train_loss)
        assert f"{depth} layer" in live.state["title"].get_text()
        xs, ys = (np.asarray(v) for v in live.state["boundary"].get_data())
        keep = np.isfinite(xs)
        if activation == "linear" or depth == 1:
            # the drawn boundary is the line x W + b = 0 of the collapsed network
            W, b = ldc.collapse(model)
            np.testing.assert_allclose(xs[keep] * W[0, 0] + ys[keep] * W[1, 0] + b[0], 0,
                                       atol=0.1 * np.abs(W).sum())
    assert live.errors == []


def test_static_mode_frames_and_links(data):
    e = ld.make_linear_depth_explorer(*data, mode="static")
    assert len(e.frames) == len(ld.DEPTHS) * len(ld.HIDDEN) and e.errors == []
    assert len(set(e.frames.values())) == len(e.frames)
    assert len(e.links) == 1 + len(ld.DEPTHS)


def test_bad_data():
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        ld.make_linear_depth_explorer(np.zeros((4, 3)), np.zeros(4), mode="live")
