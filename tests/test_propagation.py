"""mml4_lib.propagation: init scales, the variance formula against simulation, cached runs."""

import math

import numpy as np
import pytest

from mml4_lib.activations import ReLU
from mml4_lib.init import scheme_std
from mml4_lib.lab import propagation as pr
from mml4_lib.layers import Linear
from mml4_lib.losses import BCEWithLogitsLoss
from mml4_lib.optim import SGD
from mml4_lib.plotting import scale_label
from mml4_lib.train import fit


def rng(seed=0):
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------- init scales
@pytest.mark.parametrize("scale, spec, label", [
    (0, ("zeros", None), "zeros"), (0.0, ("zeros", None), "zeros"),
    (0.03, ("normal", 0.03), "0.03"), (3, ("normal", 3.0), "3"),
    ("lecun", ("lecun", None), "LeCun"), ("xavier", ("xavier", None), "Xavier"),
    ("he", ("he", None), "He"),
])
def test_init_spec_and_label(scale, spec, label):
    assert pr.init_spec(scale) == spec
    assert scale_label(scale) == label


@pytest.mark.parametrize("bad", [-0.1, math.inf, math.nan, "glorot", True, None, [0.1]])
def test_init_spec_rejects_bad_scales(bad):
    with pytest.raises(ValueError, match="scale must be a number >= 0 or one of"):
        pr.init_spec(bad)


def test_init_std_known_values():
    assert scheme_std("lecun", 100, 7) == pytest.approx(0.1)
    assert scheme_std("xavier", 30, 70) == pytest.approx(math.sqrt(0.02))
    assert scheme_std("he", 50, 3) == pytest.approx(0.2)
    # for a square layer Xavier and LeCun agree; He is sqrt(2) times LeCun
    assert scheme_std("xavier", 64, 64) == pytest.approx(scheme_std("lecun", 64, 64))
    assert scheme_std("he", 64, 64) == pytest.approx(math.sqrt(2) * scheme_std("lecun", 64, 1))


def test_init_std_matches_the_library_initializers():
    # The std each scheme promises is the std of the matrix mml4_lib.init draws.
    for scheme in pr.SCHEMES:
        model = pr.make_deep_mlp(scheme, "tanh", 1, width=400, n_in=300, rng=rng(1),
                                 dtype=np.float64)
        W = model.layers[0].params["W"]
        assert W.std() == pytest.approx(scheme_std(scheme, 300, 400), rel=0.02)


@pytest.mark.parametrize("args, match", [
    (("glorot", 3, 4), "scheme must be one of"),
    (("he", 0, 4), "fan_in must be an int >= 1"),
    (("he", 3, 2.5), "fan_out must be an int >= 1"),
    (("lecun", True, 4), "fan_in must be an int >= 1"),
])
def test_init_std_bad_input(args, match):
    with pytest.raises((TypeError, ValueError), match=match):
        scheme_std(*args)


# ----------------------------------------------------------------------------- networks
def test_make_deep_mlp_shapes_and_scales():
    model = pr.make_deep_mlp(0.03, "relu", 3, width=20, rng=rng())
    linears = [m for m in model.layers if isinstance(m, Linear)]
    assert [m.params["W"].shape for m in linears] == [(2, 20), (20, 20), (20, 20), (20, 1)]
    assert all(m.params["W"].dtype == np.float32 for m in linears)
    assert [type(m) for m in model.layers[1::2]] == [ReLU] * 3
    # normal(0.03): the std of a large draw
    big = pr.make_deep_mlp(0.03, "tanh", 1, width=1000, n_in=500, rng=rng())
    assert big.layers[0].params["W"].std() == pytest.approx(0.03, rel=0.02)
    zeros = pr.make_deep_mlp(0, "tanh", 2, width=5, rng=rng())
    assert all(not np.any(p) for p in zeros.params.values())


@pytest.mark.parametrize("kwargs, match", [
    (dict(activation="softplus", depth=2), "activation must be one of"),
    (dict(activation="tanh", depth=0), "depth .* must be an int >= 1"),
    (dict(activation="tanh", depth=2.0), "depth .* must be an int >= 1"),
])
def test_make_deep_mlp_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pr.make_deep_mlp(0.1, rng=rng(), **kwargs)


def test_default_data_is_standardized_and_read_only():
    X, y = pr.dataset()
    assert X.shape == (200, 2) and X.dtype == np.float32 and y.shape == (200,)
    assert np.mean(X.astype(np.float64) ** 2) == pytest.approx(1.0, rel=1e-5)
    assert set(np.unique(y)) == {0, 1}
    with pytest.raises(ValueError):
        X[0, 0] = 1.0


# ----------------------------------------------------------------------------- the formula
def test_predicted_variances_known_values():
    # linear: each layer multiplies by n s^2; relu halves from the second layer on
    np.testing.assert_allclose(pr.predicted_variances(2.0, [4, 10, 10], 0.5),
                               [2.0 * 1.0, 2.0 * 2.5, 2.0 * 6.25])
    np.testing.assert_allclose(pr.predicted_variances(1.0, [4, 10, 10], 0.5, activation="relu"),
                               [1.0, 1.25, 1.5625])
    np.testing.assert_allclose(
        pr.predicted_variances(1.0, [8, 8], [0.5, 0.5], activation="leaky_relu", alpha=0.5),
        [2.0, 2.0 * 2.0 * (1 + 0.25) / 2])


def _simulated_variances(activation, scale, widths, n_samples=2000, seed=0):
    g = rng(seed)
    x = g.standard_normal((n_samples, widths[0]))
    h = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0),
         "leaky_relu": lambda z: np.where(z > 0, z, 0.1 * z)}[activation]
    out = []
    for d_in, d_out in zip(widths[:-1], widths[1:], strict=True):
        z = x @ (scale * g.standard_normal((d_in, d_out)))
        out.append(z.var())
        x = h(z)
    return np.array(out)


@pytest.mark.parametrize("activation, scale", [
    ("linear", 0.1), ("linear", 0.13), ("relu", math.sqrt(2 / 300)), ("relu", 0.05),
    ("leaky_relu", 0.1),
])
def test_predicted_variances_match_simulation(activation, scale):
    # Wide layers: the empirical variance of every layer is within 10 % of the formula.
    widths = [300] * 6
    predicted = pr.predicted_variances(1.0, widths[:-1], scale, activation=activation,
                                       alpha=0.1)
    simulated = _simulated_variances(activation, scale, widths)
    np.testing.assert_allclose(simulated, predicted, rtol=0.1)


@pytest.mark.parametrize("args, kwargs, match", [
    ((1.0, [3, 4], 0.1), dict(activation="tanh"), "activation must be one of"),
    ((1.0, [], 0.1), {}, "fan_ins must be a non-empty"),
    ((1.0, [3, 0], 0.1), {}, "fan_ins must be a non-empty"),
    ((1.0, [3, 4], -0.1), {}, "weight_std must be >= 0"),
    ((-1.0, [3, 4], 0.1), {}, "second_moment_x must be >= 0"),
])
def test_predicted_variances_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pr.predicted_variances(*args, **kwargs)


# ----------------------------------------------------------------------------- experiments
def _direct_forward(scale, activation, depth):
    """Independent pass: build the same net, run it layer by layer by hand."""
    X, y = pr.dataset()
    model = pr.make_deep_mlp(scale, activation, depth, rng=rng(0))
    acts, x = [], X
    h = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}[activation]
    linears = [m for m in model.layers if isinstance(m, Linear)]
    for lin in linears[:-1]:
        x = h(x @ lin.params["W"] + lin.params["b"])
        acts.append(x)
    return model, acts


@pytest.mark.parametrize("scale, activation, depth", [
    ("xavier", "tanh", 3), (0.03, "sigmoid", 2), ("he", "relu", 4), (1.0, "leaky_relu", 2),
])
def test_initial_diagnostics_match_a_direct_computation(scale, activation, depth):
    diag = pr.initial_diagnostics(scale, activation, depth)
    _, acts = _direct_forward(scale, activation, depth)
    lo, hi = pr.ACT_RANGES[activation]
    for l, a in enumerate(acts):
        assert diag["std"][l] == pytest.approx(a.std(), rel=1e-4, abs=1e-7)
        assert diag["mean"][l] == pytest.approx(a.mean(), rel=1e-4, abs=1e-7)
        counts, _ = np.histogram(np.clip(a, lo, hi), bins=pr.BINS, range=(lo, hi))
        np.testing.assert_array_equal(diag["act_hist"][l], counts)
    assert diag["act_hist"].shape == (depth, pr.BINS)
    assert diag["grad_hist"].shape == (depth, pr.BINS)
    # every weight is counted once in its layer's gradient histogram
    fan_ins = [2] + [pr.WIDTH] * (depth - 1)
    np.testing.assert_array_equal(diag["grad_hist"].sum(axis=1), np.array(fan_ins) * pr.WIDTH)


def test_initial_diagnostics_gradients_match_backward():
    X, y = pr.dataset()
    model = pr.make_deep_mlp("he", "relu", 3, rng=rng(0))
    loss = BCEWithLogitsLoss()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    norms = [np.linalg.norm(model.grads[f"{k}.W"]) for k in (0, 2, 4)]
    np.testing.assert_allclose(pr.initial_diagnostics("he", "relu", 3)["grad_norm"], norms,
                               rtol=1e-5)


def test_outliers_are_counted_in_the_edge_bins():
    # ReLU with scale 3 explodes: most values are beyond the range, all of them are counted.
    diag = pr.initial_diagnostics(3.0, "relu", 4)
    X, _ = pr.dataset()
    assert np.all(diag["act_hist"].sum(axis=1) == len(X) * pr.WIDTH)
    assert diag["act_hist"][-1, -1] > 0.3 * len(X) * pr.WIDTH
    assert diag["std"][-1] > 1e3
    # zeros: every gradient is exactly 0 and lands in the first log bin
    zero = pr.initial_diagnostics(0, "tanh", 3)
    assert np.all(zero["grad_hist"][:, 0] == zero["grad_hist"].sum(axis=1))
    assert np.all(zero["grad_norm"] == 0)


def test_variance_story_in_numbers():
    # the chapter's claims, as the explorer computes them (depth 10)
    he = pr.initial_diagnostics("he", "relu", 10)["std"]
    lecun = pr.initial_diagnostics("lecun", "relu", 10)["std"]
    small = pr.initial_diagnostics(0.03, "tanh", 10)["std"]
    assert 0.3 < he[-1] / he[0] < 3  # He keeps ReLU activations at one size
    assert lecun[-1] / lecun[0] < 0.1  # LeCun halves the variance each ReLU layer
    assert small[-1] < 1e-4 * small[0]  # small noise collapses in a deep tanh net
    sig = pr.initial_diagnostics("xavier", "sigmoid", 10)["grad_norm"]
    assert sig[0] < 1e-4 * sig[-1]  # vanishing gradients through sigmoids


def test_results_are_cached_and_read_only():
    a = pr.initial_diagnostics("xavier", "tanh", 2)
    assert pr.initial_diagnostics("xavier", "tanh", 2) is a
    with pytest.raises(ValueError):
        a["std"][0] = 0.0
    r = pr.training_curve("xavier", "tanh", 2, steps=5)
    assert pr.training_curve("xavier", "tanh", 2, steps=5) is r


def test_training_curve_is_the_library_fit():
    X, y = pr.dataset()
    model = pr.make_deep_mlp("lecun", "tanh", 2, rng=rng(0))
    h = fit(model, BCEWithLogitsLoss(), SGD(pr.LR, momentum=pr.MOMENTUM), X, y, epochs=7,
            rng=rng(0))
    run = pr.training_curve("lecun", "tanh", 2, steps=7)
    np.testing.assert_allclose(run["loss"], h.train_loss)
    np.testing.assert_allclose(run["acc"], h.train_acc)
    assert run["diverged_at"] is None


def test_training_curve_records_divergence():
    run = pr.training_curve(3.0, "relu", 10)
    assert run["diverged_at"] is not None and len(run["loss"]) == run["diverged_at"]
    assert pr.training_curve("he", "relu", 4)["loss"][-1] < 0.5  # the good init learns


@pytest.mark.parametrize("args, match", [
    ((-1, "tanh", 2), "scale must be"), (("xavier", "linear", 2), "activation must be one of"),
    (("xavier", "tanh", 0), "depth"),
])
def test_experiments_bad_input(args, match):
    for f in (pr.initial_diagnostics, pr.training_curve):
        with pytest.raises(ValueError, match=match):
            f(*args)


def test_scheme_sweep_keeps_each_schemes_best_learning_rate_per_seed():
    kw = dict(schemes=("lecun", "he"), lrs=(0.01, 0.1), seeds=(0, 1), steps=4)
    sweep = pr.scheme_sweep("relu", 2, **kw)
    final = np.array([[[pr.training_curve(s, "relu", 2, steps=4, lr=lr, seed=k)["loss"][-1]
                        for k in kw["seeds"]] for lr in kw["lrs"]] for s in kw["schemes"]])
    np.testing.assert_array_equal(sweep["final"], final)
    np.testing.assert_array_equal(sweep["best"], final.min(axis=1))
    np.testing.assert_array_equal(sweep["best_lr"], np.array(kw["lrs"])[final.argmin(axis=1)])
    assert pr.scheme_sweep("relu", 2, **kw) is sweep


def test_scheme_sweep_counts_a_diverged_run_as_infinitely_bad():
    sweep = pr.scheme_sweep("relu", 10, schemes=(3.0,), lrs=(0.05,), seeds=(0,), steps=5)
    assert sweep["final"][0, 0, 0] == np.inf


@pytest.mark.parametrize("kwargs, match", [
    (dict(lrs=[0.1]), "lrs"), (dict(lrs=(0.0,)), "lrs"), (dict(seeds=()), "seeds"),
    (dict(schemes=("glorot",)), "scale"),
])
def test_scheme_sweep_names_a_bad_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pr.scheme_sweep("relu", 2, **kwargs)
