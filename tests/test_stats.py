"""mml4_lib.stats: saturation thresholds, fixed-bin histograms, per-layer collection."""

import numpy as np
import pytest

from mml4_lib import stats
from mml4_lib.activations import (
    ACTIVATION_CLASSES,
    ACTIVATIONS,
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    SiLU,
    Tanh,
    activation_class,
)
from mml4_lib.layers import Linear, Sequential, make_mlp
from mml4_lib.losses import BCEWithLogitsLoss, MSELoss


def rng(seed=0):
    return np.random.default_rng(seed)


# --- saturation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activation", "a", "expected"),
    [
        # tanh: |a| > 0.97, the threshold itself is not saturated
        ("tanh", [0.0, 0.5, 0.97, 0.9701, -0.97, -0.99, 1.0], [0, 0, 0, 1, 0, 1, 1]),
        # sigmoid: a < 0.03 or a > 0.97
        ("sigmoid", [0.0, 0.02, 0.03, 0.5, 0.97, 0.975, 1.0], [1, 1, 0, 0, 0, 1, 1]),
        # relu: off (output exactly 0)
        ("relu", [0.0, 0.0, 1e-9, 3.0], [1, 1, 0, 0]),
        # leaky_relu: the negative side
        ("leaky_relu", [-0.05, -1e-12, 0.0, 0.2], [1, 1, 1, 0]),
        ("linear", [-100.0, 0.0, 100.0], [0, 0, 0]),
        # elu: within 0.03 of its floor -1
        ("elu", [-1.0, -0.975, -0.97, -0.5, 0.0, 2.0], [1, 1, 0, 0, 0, 0]),
        # gelu and silu: the negative side (their outputs there are at most 0.17 / 0.28 below 0)
        ("gelu", [-0.16, -1e-300, 0.0, 1e-9, 2.0], [1, 1, 1, 0, 0]),
        ("silu", [-0.27, -1e-300, 0.0, 1e-9, 2.0], [1, 1, 1, 0, 0]),
    ],
)
def test_saturated_thresholds(activation, a, expected):
    mask = stats.saturated(np.array(a), activation)
    np.testing.assert_array_equal(mask, np.array(expected, dtype=bool))
    assert stats.saturation_share(a, activation) == pytest.approx(np.mean(expected))


def test_saturation_of_tanh_and_sigmoid_agree_with_their_derivative():
    # Saturated tanh outputs are exactly those where 1 - a^2 < 1 - 0.97^2.
    a = np.tanh(np.linspace(-4, 4, 1001))
    np.testing.assert_array_equal(stats.saturated(a, "tanh"), 1 - a**2 < 1 - 0.97**2)


def test_layer_stats_known_values():
    a = np.array([[0.99, 0.0, 0.5], [-0.98, 0.2, 0.999]])
    out = stats.layer_stats(a, "tanh")
    assert out["mean"] == pytest.approx(a.sum() / 6)
    assert out["std"] == pytest.approx(np.sqrt(np.mean((a - a.sum() / 6) ** 2)))
    assert out["saturation"] == pytest.approx(3 / 6)
    assert out["dead"] == pytest.approx(1 / 3)  # only column 0 is saturated in both rows


def test_layer_stats_counts_dead_relu_units():
    a = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]])
    out = stats.layer_stats(a, "relu")
    assert out["saturation"] == pytest.approx(9 / 12)
    assert out["dead"] == pytest.approx(2 / 4)  # columns 0 and 3 never fire


def test_layer_stats_reports_nan_instead_of_raising():
    out = stats.layer_stats(np.array([[np.nan, 0.5]]), "tanh")
    assert np.isnan(out["mean"]) and out["saturation"] == 0.0


# --- histogram -------------------------------------------------------------------------------


def test_histogram_known_counts_and_edges():
    values = np.array([0.1, 0.2, 0.6, 1.0, 1.5, -0.1, np.nan, np.inf])
    counts, edges = stats.histogram(values, bins=2, range=(0.0, 1.0))
    np.testing.assert_array_equal(edges, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(counts, [2, 2])  # 1.0 falls in the last, closed bin


def test_histogram_bins_are_fixed_whatever_the_data():
    _, e1 = stats.histogram(rng(1).normal(size=100), bins=10, range=(-3, 3))
    _, e2 = stats.histogram(rng(2).normal(size=5) * 0.01, bins=10, range=(-3, 3))
    np.testing.assert_array_equal(e1, e2)
    np.testing.assert_allclose(e1, np.linspace(-3, 3, 11))


def test_histogram_matches_numpy_and_density_integrates_to_one():
    values = rng().normal(size=(50, 20))
    counts, edges = stats.histogram(values, bins=25, range=(-2.0, 2.0))
    ref_counts, ref_edges = np.histogram(values, bins=25, range=(-2.0, 2.0))
    np.testing.assert_array_equal(counts, ref_counts)
    np.testing.assert_array_equal(edges, ref_edges)
    dens, _ = stats.histogram(values, bins=25, range=(-2.0, 2.0), density=True)
    assert np.sum(dens * np.diff(edges)) == pytest.approx(1.0)
    np.testing.assert_allclose(dens, np.histogram(values, 25, (-2.0, 2.0), density=True)[0])


def test_histogram_density_of_nothing_is_zero():
    dens, _ = stats.histogram([5.0, np.nan], bins=4, range=(0, 1), density=True)
    np.testing.assert_array_equal(dens, np.zeros(4))


# --- update-to-data ratio --------------------------------------------------------------------


def test_update_to_data_ratio_known_values():
    param = np.array([[3.0, 4.0]])  # norm 5
    assert stats.update_to_data_ratio(param, np.array([[0.3, 0.4]])) == pytest.approx(0.1)
    assert stats.update_to_data_ratio(param, -1e-3 * param) == pytest.approx(1e-3)
    assert stats.update_to_data_ratio(np.zeros(3), np.ones(3)) == np.inf
    assert np.isnan(stats.update_to_data_ratio(np.zeros(3), np.zeros(3)))


# --- collecting from a model -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "name"),
    [(Sigmoid(), "sigmoid"), (Tanh(), "tanh"), (ReLU(), "relu"), (LeakyReLU(0.1), "leaky_relu"),
     (Identity(), "linear")],
)
def test_activation_name(module, name):
    assert stats.activation_name(module) == name


def test_activation_name_of_every_registered_activation_is_its_name():
    # Never None for an activation module: a missing entry would drop the layer from
    # network_stats without a word.
    for cls in ACTIVATION_CLASSES:
        assert stats.activation_name(cls()) == cls.name
    for module in (ELU(), GELU(), SiLU()):
        assert stats.activation_name(module) in ACTIVATIONS


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_saturated_is_the_activation_class_rule(name):
    a = np.concatenate([rng(1).normal(0, 2, 500), [-1.0, -0.99, 0.0, 0.97, 0.98, np.nan]])
    np.testing.assert_array_equal(stats.saturated(a, name), activation_class(name).inactive(a))


def test_network_stats_default_range_is_plot_range_only_for_bounded_activations():
    X = rng(2).standard_normal((50, 3))
    for name in ACTIVATIONS:
        model = make_mlp([3, 6, 6, 1], activation=name, rng=rng(3))
        (counts, edges), *_ = stats.network_stats(model, X)["hist"]
        cls = activation_class(name)
        if cls.bounded:
            assert (edges[0], edges[-1]) == cls.plot_range
        else:  # from the data: the smallest and largest output of any layer
            out = stats.collect_activations(model, X)[1]
            assert edges[0] == min(a.min() for a in out) and edges[-1] == max(a.max() for a in out)


def test_activation_name_of_other_modules_is_none():
    assert stats.activation_name(Linear(2, 3, rng=rng())) is None


def small_model(activation="tanh"):
    return make_mlp([3, 4, 5, 2], activation=activation, rng=rng(1))


def test_collect_activations_matches_a_hand_written_forward_pass():
    model = small_model("relu")
    X = rng(2).normal(size=(6, 3))
    out, acts = stats.collect_activations(model, X)
    W = [model.params[f"{i}.W"] for i in (0, 2, 4)]
    b = [model.params[f"{i}.b"] for i in (0, 2, 4)]
    a1 = np.maximum(X @ W[0] + b[0], 0)
    a2 = np.maximum(a1 @ W[1] + b[1], 0)
    assert len(acts) == 2
    np.testing.assert_allclose(acts[0], a1)
    np.testing.assert_allclose(acts[1], a2)
    np.testing.assert_allclose(out, a2 @ W[2] + b[2])
    np.testing.assert_array_equal(out, model.forward(X))


def test_collect_gradients_matches_model_backward():
    model = small_model("tanh")
    X = rng(2).normal(size=(6, 3))
    dout = rng(3).normal(size=(6, 2))
    out, acts = stats.collect_activations(model, X)
    dx, grad_W, grad_a = stats.collect_gradients(model, dout)
    # The same numbers from the ordinary backward pass.
    model.forward(X)
    np.testing.assert_allclose(dx, model.backward(dout))
    assert len(grad_W) == 3 and len(grad_a) == 2
    for g, i in zip(grad_W, (0, 2, 4), strict=True):
        np.testing.assert_allclose(g, model.grads[f"{i}.W"])
    # dL/da_2 = dout @ W_3^T; dL/da_1 = (dL/da_2 * (1 - a_2^2)) @ W_2^T.
    np.testing.assert_allclose(grad_a[1], dout @ model.params["4.W"].T)
    np.testing.assert_allclose(grad_a[0], (grad_a[1] * (1 - acts[1] ** 2)) @ model.params["2.W"].T)


class InPlaceLinear(Linear):
    """A Linear that writes its gradient into the same array every time (as a fast one may)."""

    def backward(self, dout):
        W_grad = self.grads["W"]
        dx = super().backward(dout)
        W_grad[...] = self.grads["W"]
        self.grads["W"] = W_grad
        return dx


def test_collected_weight_gradients_are_not_overwritten_later():
    model = Sequential(InPlaceLinear(3, 4, rng=rng()), Tanh(), InPlaceLinear(4, 2, rng=rng()))
    X = rng(2).normal(size=(6, 3))
    stats.collect_activations(model, X)
    _, grad_W, _ = stats.collect_gradients(model, np.ones((6, 2)))
    kept = [g.copy() for g in grad_W]
    model.forward(X)
    model.backward(-np.ones((6, 2)))
    assert not np.array_equal(model.grads["0.W"], kept[0])
    for g, k in zip(grad_W, kept, strict=True):
        np.testing.assert_array_equal(g, k)


# --- network_stats ---------------------------------------------------------------------------


def test_network_stats_forward_only():
    model = small_model("sigmoid")
    X = rng(2).normal(size=(40, 3))
    s = stats.network_stats(model, X, bins=20)
    assert s["activation"] == ["sigmoid", "sigmoid"]
    assert "loss" not in s and "grad_W" not in s
    _, acts = stats.collect_activations(model, X)
    for l, a in enumerate(acts):
        expected = stats.layer_stats(a, "sigmoid")
        for key in ("mean", "std", "saturation", "dead"):
            assert s[key][l] == pytest.approx(expected[key])
        counts, edges = s["hist"][l]
        assert (edges[0], edges[-1]) == (0.0, 1.0) and len(counts) == 20  # sigmoid's range
        assert counts.sum() == a.size


def test_network_stats_with_a_loss_pairs_each_layer_with_the_linear_before_it():
    # Linear(0) BatchNorm(1) Tanh(2) Linear(3) BatchNorm(4) Tanh(5) Linear(6)
    model = make_mlp([2, 4, 3, 1], activation="tanh", batch_norm=True, rng=rng(4))
    X = rng(5).normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(float)
    s = stats.network_stats(model, X, loss_fn=BCEWithLogitsLoss(), y=y, bins=16)
    assert len(s["grad_W"]) == 2
    np.testing.assert_allclose(s["grad_W"][0], model.grads["0.W"])
    np.testing.assert_allclose(s["grad_W"][1], model.grads["3.W"])
    assert s["grad_W_norm"][1] == pytest.approx(np.linalg.norm(model.grads["3.W"]))
    assert s["grad_W_std"][0] == pytest.approx(np.std(model.grads["0.W"]))
    assert np.isfinite(s["loss"]) and len(s["grad_a_std"]) == 2
    # Default gradient range: symmetric, out to the largest |dW| of all layers.
    top = max(np.abs(g).max() for g in s["grad_W"])
    for _, edges in s["grad_W_hist"]:
        assert edges[0] == pytest.approx(-top) and edges[-1] == pytest.approx(top)
    assert sum(c.sum() for c, _ in s["grad_W_hist"]) == 4 * 2 + 3 * 4


def test_network_stats_takes_the_linear_right_before_the_activation():
    model = Sequential(Linear(2, 3, rng=rng(1)), Linear(3, 4, rng=rng(2)), ReLU(),
                       Linear(4, 1, rng=rng(3)))
    X = rng(5).normal(size=(8, 2))
    s = stats.network_stats(model, X, loss_fn=MSELoss(), y=np.ones(8))
    assert len(s["grad_W"]) == 1
    np.testing.assert_allclose(s["grad_W"][0], model.grads["1.W"])


def test_network_stats_unbounded_activation_shares_one_range():
    model = small_model("relu")
    X = rng(2).normal(size=(40, 3))
    s = stats.network_stats(model, X)
    lo = min(a.min() for a in s["a"])
    hi = max(a.max() for a in s["a"])
    for _, edges in s["hist"]:
        assert (edges[0], edges[-1]) == (lo, hi)
    s = stats.network_stats(model, X, act_range=(0.0, 10.0), bins=5)
    np.testing.assert_allclose(s["hist"][0][1], [0, 2, 4, 6, 8, 10])


def test_network_stats_without_hidden_layers_is_empty():
    model = make_mlp([2, 1], rng=rng())
    s = stats.network_stats(model, np.ones((4, 2)), loss_fn=MSELoss(), y=np.zeros(4))
    assert s["activation"] == [] and s["grad_W"] == [] and np.isfinite(s["loss"])


def test_large_init_saturates_tanh_and_small_init_does_not():
    # Chapter 8's experiment: 100 inputs, N(0, 1) weights give pre-activations of std 10.
    X = rng(6).normal(size=(200, 100))
    big = make_mlp([100, 100, 100, 1], init="normal", init_scale=1.0, rng=rng(7))
    small = make_mlp([100, 100, 100, 1], init="normal", init_scale=0.01, rng=rng(7))
    s_big = stats.network_stats(big, X)
    s_small = stats.network_stats(small, X)
    assert min(s_big["saturation"]) > 0.7
    assert max(s_small["saturation"]) == 0.0
    assert s_small["std"][1] < s_small["std"][0] < 0.2  # the signal shrinks layer by layer


# --- bad input -------------------------------------------------------------------------------


def test_bad_activation_names():
    for fn in (stats.saturated, stats.saturation_share):
        with pytest.raises(ValueError, match=r"activation must be one of \['sigmoid', 'tanh'.*"
                                             r"got 'softmax'"):
            fn(np.zeros(3), "softmax")
    with pytest.raises(ValueError, match="activation must be one of"):
        stats.layer_stats(np.zeros((2, 2)), "Tanh")


def test_bad_arrays():
    with pytest.raises(ValueError, match=r"a must be a non-empty array, got shape \(0,\)"):
        stats.saturation_share(np.zeros(0), "tanh")
    with pytest.raises(ValueError, match=r"a must be a 2-D array \(N, H\), got shape \(5,\)"):
        stats.layer_stats(np.zeros(5), "tanh")
    with pytest.raises(ValueError, match=r"update must have the shape of param \(2, 3\), got \(3"):
        stats.update_to_data_ratio(np.ones((2, 3)), np.ones((3, 2)))


def test_bad_histogram_arguments():
    with pytest.raises(ValueError, match="bins must be an int >= 1, got 0"):
        stats.histogram([1.0], bins=0, range=(0, 1))
    with pytest.raises(ValueError, match="bins must be an int >= 1, got 2.5"):
        stats.histogram([1.0], bins=2.5, range=(0, 1))
    for bad in [(1, 0), (0, 0), (0, np.inf), (0, 1, 2), None]:
        with pytest.raises(ValueError, match="range must be a pair .*low < high, got"):
            stats.histogram([1.0], bins=3, range=bad)
    with pytest.raises(TypeError):
        stats.histogram([1.0], bins=3)  # range is required: bins are always fixed


def test_bad_models_and_loss_arguments():
    X = np.ones((4, 3))
    with pytest.raises(TypeError, match="model must be a Sequential .*got Linear"):
        stats.collect_activations(Linear(3, 2, rng=rng()), X)
    with pytest.raises(TypeError, match="model must be a Sequential .*got list"):
        stats.collect_gradients([Tanh()], np.ones((4, 2)))
    with pytest.raises(ValueError, match="loss_fn and y must be given together.*y=NoneType"):
        stats.network_stats(small_model(), X, loss_fn=MSELoss())
    with pytest.raises(ValueError, match="activation module 0 has no Linear before it"):
        stats.network_stats(Sequential(Tanh(), Linear(3, 1, rng=rng())), X)


def test_collect_preactivations_are_the_linear_outputs():
    model = Sequential(Linear(3, 4, rng=np.random.default_rng(0)), Tanh(),
                       Linear(4, 2, rng=np.random.default_rng(1)))
    X = np.random.default_rng(2).normal(size=(5, 3))
    zs = stats.collect_preactivations(model, X)
    W1, b1 = model.layers[0].params["W"], model.layers[0].params["b"]
    W2, b2 = model.layers[2].params["W"], model.layers[2].params["b"]
    np.testing.assert_allclose(zs[0], X @ W1 + b1)
    np.testing.assert_allclose(zs[1], np.tanh(X @ W1 + b1) @ W2 + b2)
    with pytest.raises(TypeError, match="model must be a Sequential"):
        stats.collect_preactivations(Tanh(), X)
