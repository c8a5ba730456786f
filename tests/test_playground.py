"""Tests for mml4_lib.playground: config, model/trainer, view and widget (chapter 6)."""

import io
import subprocess
import sys

import numpy as np
import pytest

from mml4_lib import activations as act
from mml4_lib import data
from mml4_lib.activations import Tanh
from mml4_lib.layers import BatchNorm, Dropout, Linear
from mml4_lib.losses import BCEWithLogitsLoss, MSELoss
from mml4_lib.playground import PRESETS, HalfSquaredError, Playground, PlaygroundConfig
from mml4_lib.playground import config as cfg
from mml4_lib.playground.model import batch_plan
from mml4_lib.stats import saturation_share

# Every control and its values: the Playground's own, then the book's additions.
CONTROL_VALUES = {
    "lr": cfg.LEARNING_RATES, "activation": cfg.ACTIVATIONS,
    "regularization": cfg.REGULARIZATIONS, "reg_rate": cfg.REG_RATES,
    "train_ratio": cfg.TRAIN_RATIOS, "noise": cfg.NOISES, "batch_size": cfg.BATCH_SIZES,
    "show_test": (True, False), "discretize": (True, False),
    "init": cfg.INITS, "init_scale": cfg.INIT_SCALES, "bias_init": cfg.BIAS_INITS,
    "loss": cfg.LOSSES, "batch_norm": (True, False), "keep_prob": cfg.KEEP_PROBS,
    "diagnostics": (True, False), "seed": (0, 1, 7), "stop_epochs": (0, 1, 3),
    "stop_test_loss": (0.0, 0.2),
}
SETTINGS = [(f, v) for f, values in CONTROL_VALUES.items() for v in values]


# ----------------------------------------------------------------------------- config
def test_defaults_are_the_playgrounds():
    c = PlaygroundConfig()
    assert (c.problem, c.dataset, c.noise, c.train_ratio, c.batch_size) == \
        ("classification", "circle", 0, 50, 10)
    assert (c.features, c.hidden, c.activation, c.lr) == (("x1", "x2"), (4, 2), "tanh", 0.03)
    assert (c.regularization, c.reg_rate, c.show_test, c.discretize) == ("none", 0, False, False)
    assert cfg.LEARNING_RATES == (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
    assert cfg.REG_RATES == (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
    assert cfg.NOISES == tuple(range(0, 55, 5)) and cfg.TRAIN_RATIOS == tuple(range(10, 100, 10))
    assert cfg.BATCH_SIZES == tuple(range(1, 31))
    assert (cfg.MAX_LAYERS, cfg.MAX_NEURONS) == (6, 8)
    assert c.n_samples == 500 and c.replace(problem="regression", dataset="plane").n_samples == 1200


@pytest.mark.parametrize(("field", "value"), SETTINGS)
def test_string_round_trip_for_every_value(field, value):
    c = PlaygroundConfig().replace(**{field: value})
    if field == "batch_norm" and value:
        c = c.replace(batch_size=10)
    text = c.to_string()
    assert PlaygroundConfig.from_string(text) == c
    assert f"{field}=" in text


def test_string_round_trip_of_structured_fields():
    c = PlaygroundConfig(problem="regression", dataset="multi_gauss", hidden=(8, 1, 3),
                         features=("sin(x2)", "x1*x2", "x1"), stop_test_loss=0.123456789)
    assert c.features == ("x1", "x1*x2", "sin(x2)")  # one canonical order
    assert PlaygroundConfig.from_string(c.to_string()) == c
    assert PlaygroundConfig.from_string("hidden=").hidden == ()
    assert PlaygroundConfig.from_string("#dataset=xor&") == PlaygroundConfig(dataset="xor")
    for name, preset in PRESETS.items():
        assert PlaygroundConfig.from_string(preset.to_string()) == preset, name


@pytest.mark.parametrize(("text", "field"), [
    ("colour=blue", "colour"), ("lr=fast", "lr"), ("lr=0.05", "lr"), ("noise=7", "noise"),
    ("hidden=4,9", "hidden"), ("hidden=1,1,1,1,1,1,1", "hidden"), ("hidden=a", "hidden"),
    ("features=x3", "features"), ("features=", "features"), ("features=x1,x1", "features"),
    ("show_test=maybe", "show_test"), ("seed=-1", "seed"), ("seed=1.5", "seed"),
    ("dataset=plane", "dataset"), ("problem=regression", "dataset"),
    ("problem=regression&dataset=plane&loss=cross_entropy", "loss"),
    ("batch_norm=true&batch_size=1", "batch_size"), ("lr", "lr"), ("lr=1&lr=3", "lr"),
    ("stop_test_loss=-1", "stop_test_loss"), ("activation=softmax", "activation"),
])
def test_bad_strings_name_the_field(text, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        PlaygroundConfig.from_string(text)


def test_bad_values_raise_naming_the_field():
    with pytest.raises(TypeError, match="features"):
        PlaygroundConfig(features="x1")
    with pytest.raises(TypeError, match="hidden"):
        PlaygroundConfig(hidden="4,2")
    with pytest.raises(TypeError, match="batch_norm"):
        PlaygroundConfig(batch_norm=1)
    with pytest.raises(ValueError, match="lr"):
        PlaygroundConfig(lr=True)
    with pytest.raises(ValueError, match="unknown field"):
        PlaygroundConfig().replace(speed=3)
    with pytest.raises(TypeError, match="text"):
        PlaygroundConfig.from_string(None)
    with pytest.raises(TypeError, match="config"):
        Playground(42)


def test_numpy_integers_are_integers_and_a_whole_float_string_is_read():
    # Issue 14 item 10: seed=np.int64(3) and hidden=[4, np.int64(2)] were rejected, and
    # "noise=5.0" said "expected a number" for a number.
    c = PlaygroundConfig(seed=np.int64(3), hidden=[4, np.int64(2)])
    assert c.seed == 3 and type(c.seed) is int
    assert c.hidden == (4, 2) and all(type(h) is int for h in c.hidden)
    assert PlaygroundConfig.from_string("noise=5.0").noise == 5
    with pytest.raises(ValueError, match=r"^noise: expected a whole number such as 5, got '5.5'"):
        PlaygroundConfig.from_string("noise=5.5")
    with pytest.raises(ValueError, match=r"^seed: expected a number, got 'abc'"):
        PlaygroundConfig.from_string("seed=abc")


# ----------------------------------------------------------------------------- data
def test_classification_data_follow_the_spec():
    pg = Playground()
    X = np.vstack([pg.X_train, pg.X_test])
    y = np.concatenate([pg.y_train, pg.y_test])
    assert X.shape == (500, 2) and len(pg.X_train) == 250
    assert set(np.unique(y)) == {-1.0, 1.0}
    # noise 0: positive exactly inside radius 2.5; the ring is 3.5 <= r <= 5
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(y > 0, r < 2.5)
    assert r[y < 0].min() >= 3.5 and r.max() <= 5
    xor = Playground("dataset=xor")
    np.testing.assert_array_equal(xor.y_train > 0, xor.X_train.prod(axis=1) >= 0)
    assert np.abs(xor.X_train).min() >= 0.3


def test_regression_data_follow_the_spec():
    pg = Playground("problem=regression&dataset=plane&train_ratio=30")
    assert len(pg.X_train) == 360 and len(pg.X_test) == 840  # 1200 points
    np.testing.assert_allclose(pg.y_train, pg.X_train.sum(axis=1) / 10)
    mg = Playground("problem=regression&dataset=multi_gauss")
    x, y = mg.X_train[:, 0], mg.X_train[:, 1]
    near = np.hypot(x + 4, y - 2.5) < 0.5  # on top of the positive bump at (-4, 2.5)
    np.testing.assert_allclose(mg.y_train[near], 1 - np.hypot(x + 4, y - 2.5)[near] / 2)


def test_data_come_from_the_seed_and_ratio_keeps_the_shuffle():
    a, b = Playground("seed=3"), Playground("seed=3&noise=50")
    np.testing.assert_array_equal(a.X_train, b.X_train)  # noise moves labels, not points
    assert not np.array_equal(a.y_train, b.y_train)
    c = Playground("seed=4")
    assert not np.array_equal(a.X_train, c.X_train)
    # the same shuffled order, cut at another place
    small = Playground("seed=3&train_ratio=20")
    all_a = np.vstack([a.X_train, a.X_test])
    np.testing.assert_array_equal(np.vstack([small.X_train, small.X_test]), all_a)
    assert len(small.X_train) == 100


def test_features_are_the_playgrounds():
    pg = Playground("features=x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)")
    x1, x2 = pg.X_train.T
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(pg.F_train, expected)


# ----------------------------------------------------------------------------- model
def test_playground_model_preset():
    pg = Playground()
    layers = pg.model.layers
    assert isinstance(layers[-1], Tanh) and isinstance(pg.loss_fn, HalfSquaredError)
    linear = [m for m in layers if isinstance(m, Linear)]
    assert [m.params["W"].shape for m in linear] == [(2, 4), (4, 2), (2, 1)]
    W = np.concatenate([m.params["W"].ravel() for m in linear])
    assert np.all(np.abs(W) < 0.5) and W.std() > 0.2  # U(-0.5, 0.5): std 0.29
    for m in linear:
        np.testing.assert_array_equal(m.params["b"], 0.1)
    reg = Playground("problem=regression&dataset=plane")
    assert isinstance(reg.model.layers[-1], Linear)
    ce = Playground("loss=cross_entropy")
    assert isinstance(ce.loss_fn, BCEWithLogitsLoss) and isinstance(ce.model.layers[-1], Linear)
    assert set(np.unique(ce.t_train)) == {0.0, 1.0}


def test_half_squared_error_is_half_mse():
    rng = np.random.default_rng(0)
    pred, t = rng.normal(size=(7, 1)), rng.normal(size=7)
    half, mse = HalfSquaredError(), MSELoss()
    assert half.forward(pred, t) == pytest.approx(0.5 * np.mean((pred[:, 0] - t) ** 2))
    mse.forward(pred, t)
    np.testing.assert_allclose(half.backward(), (pred - t[:, None]) / 7)
    np.testing.assert_allclose(half.backward(), 0.5 * mse.backward())


def test_reported_loss_is_the_playgrounds():
    pg = Playground()
    out = pg.predict(pg.X_test)
    assert pg.history["test_loss"][0] == pytest.approx(0.5 * np.mean((out - pg.y_test) ** 2))
    assert pg.history["test_acc"][0] == pytest.approx(np.mean((out > 0) == (pg.y_test > 0)))


def test_batch_plan_carries_leftovers_like_the_playground():
    batches, pending = batch_plan(250, 30, ())
    assert [len(b) for b in batches] == [30] * 8 and list(pending) == list(range(240, 250))
    batches, pending2 = batch_plan(250, 30, pending)
    assert len(batches[0]) == 40 and list(batches[0][:10]) == list(range(240, 250))
    np.testing.assert_array_equal(pending, pending2)
    batches, pending = batch_plan(20, 30, ())
    assert batches == [] and len(pending) == 20  # fewer points than a batch: keep waiting


def _reference_epochs(pg0, epochs):
    """TensorFlow Playground's nn.ts, point by point: accumulate dE/dw, update every B points."""
    c = pg0.config
    Ws = [m.params["W"].copy() for m in pg0.model.layers if isinstance(m, Linear)]
    bs = [m.params["b"].copy() for m in pg0.model.layers if isinstance(m, Linear)]
    act = {"tanh": (np.tanh, lambda a: 1 - a**2), "relu": (
        lambda z: np.maximum(z, 0), lambda a: (a > 0) * 1.0)}[c.activation]
    dead = [np.zeros(W.shape, bool) for W in Ws]
    accW = [np.zeros_like(W) for W in Ws]
    accb = [np.zeros_like(b) for b in bs]
    count = 0
    for _ in range(epochs):
        for i in range(len(pg0.F_train)):
            a = [pg0.F_train[i]]
            for l, (W, b) in enumerate(zip(Ws, bs, strict=True)):
                z = a[-1] @ W + b
                a.append(np.tanh(z) if l == len(Ws) - 1 else act[0](z))
            d = (a[-1] - pg0.y_train[i]) * (1 - a[-1] ** 2)  # tanh output, 1/2 (out - t)^2
            for l in range(len(Ws) - 1, -1, -1):
                accW[l] += np.outer(a[l], d)
                accb[l] += d
                d = (Ws[l] @ d) * act[1](a[l]) if l else None
            count += 1
            if (i + 1) % c.batch_size == 0:
                for l in range(len(Ws)):
                    old = Ws[l].copy()
                    bs[l] -= c.lr * accb[l] / count
                    Ws[l] -= c.lr * accW[l] / count
                    if c.regularization == "l2":
                        Ws[l] -= c.lr * c.reg_rate * old
                    elif c.regularization == "l1":
                        new = Ws[l] - c.lr * c.reg_rate * np.sign(old)
                        dead[l] |= Ws[l] * new < 0
                        Ws[l] = new
                    Ws[l][dead[l]] = 0
                    accW[l][:] = 0
                    accb[l][:] = 0
                count = 0
    return Ws, bs


@pytest.mark.parametrize("text", [
    "", "batch_size=30&hidden=3&activation=relu", "regularization=l2&reg_rate=0.1&hidden=3",
    "regularization=l1&reg_rate=0.03&batch_size=7&hidden=2,2&lr=0.3",
])
def test_training_matches_a_point_by_point_reference(text):
    pg = Playground(text)
    Ws, bs = _reference_epochs(pg, 3)
    pg.step(3)
    linear = [m for m in pg.model.layers if isinstance(m, Linear)]
    for m, W, b in zip(linear, Ws, bs, strict=True):
        np.testing.assert_allclose(m.params["W"], W, atol=1e-12)
        np.testing.assert_allclose(m.params["b"], b, atol=1e-12)


def test_reset_gives_identical_weights_and_data():
    pg = Playground("seed=5&keep_prob=0.8")
    W0 = [p.copy() for p in pg.model.params.values()]
    X0, loss0 = pg.X_train.copy(), pg.history["train_loss"][0]
    pg.step(4)
    first_run = [list(v) for v in pg.history.values()]
    assert not np.array_equal(W0[0], pg.model.params["0.W"])
    pg.reset()
    assert pg.epoch == 0 and pg.history["train_loss"] == [loss0]
    for a, b in zip(W0, pg.model.params.values(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(X0, pg.X_train)
    pg.step(4)
    assert [list(v) for v in pg.history.values()] == first_run  # dropout masks too
    other = Playground("seed=5&keep_prob=0.8")
    other.step(4)
    assert other.history == pg.history


def test_regenerate_draws_new_data_and_changes_the_string():
    pg = Playground()
    X0 = pg.X_train.copy()
    pg.step(2)
    pg.regenerate()
    assert pg.config.seed == 1 and pg.epoch == 0 and "seed=1" in pg.config.to_string()
    assert not np.array_equal(X0, pg.X_train)


def test_live_changes_keep_the_network_and_others_reset():
    pg = Playground()
    pg.step(3)
    W = pg.model.params["0.W"].copy()
    pg.set(lr=0.3, show_test=True, discretize=True, diagnostics=True, stop_epochs=10)
    assert pg.epoch == 3 and pg.optimizer.lr == 0.3
    np.testing.assert_array_equal(W, pg.model.params["0.W"])
    for change in ({"regularization": "l2"}, {"batch_size": 5}, {"activation": "relu"}):
        pg.step(2)
        pg.set(**change)  # as in the Playground: these start again
        assert pg.epoch == 0 and len(pg.history["train_loss"]) == 1
    pg = Playground("regularization=l1&reg_rate=0.01")
    assert (pg.optimizer.l1, pg.optimizer.weight_decay) == (0.01, 0.0)
    pg = Playground("regularization=l2&reg_rate=0.03")
    assert (pg.optimizer.l1, pg.optimizer.weight_decay) == (0.0, 0.03)


def test_l1_kills_weights_for_good():
    pg = Playground("regularization=l1&reg_rate=0.1&lr=0.1&hidden=8,8")
    pg.step(5)
    W = pg.model.params["2.W"]
    dead = W == 0
    assert dead.sum() > 10
    assert np.array_equal(pg.optimizer.dead["2.W"], dead)
    pg.step(5)  # the gradient would move them; dead weights stay exactly 0
    assert np.all(pg.model.params["2.W"][dead] == 0)
    assert np.all(pg.optimizer.dead["2.W"][dead])


@pytest.mark.parametrize("lr", [3.0, 10.0])
def test_divergence_is_recorded_not_raised(lr):
    pg = Playground(f"problem=regression&dataset=plane&lr={lr}")
    with np.errstate(all="raise"):  # no floating-point warning escapes either
        trained = pg.step(50)
        snap = pg.snapshot()
    assert trained < 50 and pg.diverged_at == trained and pg.stopped
    assert "diverged at epoch" in pg.stop_reason
    assert np.isnan(pg.history["train_loss"][-1]) and np.isnan(snap["output"]).all()
    assert pg.step(5) == 0  # stays stopped


def test_stop_conditions():
    pg = Playground("stop_epochs=4")
    assert pg.step(10) == 4 and pg.stopped and "stop after 4" in pg.stop_reason
    pg.set(stop_epochs=6)  # raising the limit lets it go on
    assert not pg.stopped and pg.step(10) == 2
    pg = Playground("hidden=&features=x1^2,x2^2&stop_test_loss=0.1")
    n = pg.step(100)
    assert 0 < n < 100 and pg.history["test_loss"][-1] <= 0.1 < pg.history["test_loss"][-2]


@pytest.mark.parametrize("dataset", data.CLASSIFICATION_DATASETS + data.REGRESSION_DATASETS)
@pytest.mark.parametrize("activation", cfg.ACTIVATIONS)
@pytest.mark.parametrize("regularization", cfg.REGULARIZATIONS)
def test_every_dataset_activation_regularization_problem(dataset, activation, regularization):
    problem = "classification" if dataset in data.CLASSIFICATION_DATASETS else "regression"
    pg = Playground(PlaygroundConfig(problem=problem, dataset=dataset, activation=activation,
                                     regularization=regularization, reg_rate=0.01,
                                     diagnostics=True))
    assert pg.step(2) == 2
    snap = pg.snapshot()
    assert snap["output"].shape == (100, 100) and np.isfinite(snap["output"]).all()
    assert np.isfinite(pg.history["test_loss"]).all()
    assert (problem == "regression") == np.isnan(pg.history["test_acc"][-1])


@pytest.mark.parametrize(("field", "value"), SETTINGS)
def test_every_control_value_trains(field, value):
    c = PlaygroundConfig().replace(**{field: value})
    if field == "batch_norm" and value:
        c = c.replace(batch_size=10)
    pg = Playground(c)
    pg.step(2)
    assert getattr(pg.config, field) == value
    assert pg.snapshot()["output"].shape == (100, 100)


def test_batch_norm_and_dropout_are_built_in():
    pg = Playground("batch_norm=true&keep_prob=0.7&hidden=4,4")
    kinds = [type(m) for m in pg.model.layers]
    assert kinds.count(BatchNorm) == 2 and kinds.count(Dropout) == 2
    pg.step(3)
    assert np.isfinite(pg.history["test_loss"]).all()
    # evaluation is in eval mode: no dropout noise in the reported output
    np.testing.assert_array_equal(pg.predict(pg.X_test), pg.predict(pg.X_test))


def test_init_schemes_and_scale():
    stds = {}
    for init in cfg.INITS:
        pg = Playground(f"init={init}&hidden=8,8&init_scale=2")
        stds[init] = pg.model.params["2.W"].std()
    assert stds["zeros"] == 0
    assert stds["uniform"] == pytest.approx(2 * 0.5 / np.sqrt(3), rel=0.25)
    assert stds["normal"] == pytest.approx(2 * 0.03, rel=0.25)
    assert stds["xavier"] == pytest.approx(2 * np.sqrt(2 / 16), rel=0.25)
    assert stds["he"] == pytest.approx(2 * np.sqrt(2 / 8), rel=0.25)
    pg = Playground("bias_init=0")
    assert pg.model.params["0.b"].max() == 0


def test_cross_entropy_output_and_accuracy():
    pg = Playground("loss=cross_entropy&hidden=3")
    pg.step(100)
    z = pg.model.eval().forward(pg.F_test)[:, 0]  # the logits, as the playground evaluates
    pg.model.train()
    np.testing.assert_allclose(pg.predict(pg.X_test), 2 / (1 + np.exp(-z)) - 1)
    assert pg.history["test_acc"][-1] == pytest.approx(np.mean((z > 0) == (pg.y_test > 0)))
    assert pg.history["test_acc"][-1] > 0.9


def test_snapshot_unit_maps_are_the_units_outputs():
    pg = Playground("hidden=3,2&features=x1,x2,x1*x2")
    pg.step(2)
    snap = pg.snapshot()
    assert [u.shape for u in snap["units"]] == [(3, 100, 100), (3, 100, 100), (2, 100, 100),
                                                (1, 100, 100)]
    grid, xs, _ = data.make_grid(6.0, 100)
    np.testing.assert_allclose(snap["units"][0][2], (grid[:, 0] * grid[:, 1]).reshape(100, 100))
    W, b = pg.model.params["0.W"], pg.model.params["0.b"]
    h1 = np.tanh(data.polynomial_features(grid, ["x1", "x2", "x1*x2"]) @ W + b)
    np.testing.assert_allclose(snap["units"][1], h1.T.reshape(3, 100, 100))
    np.testing.assert_allclose(snap["output"], pg.predict(grid).reshape(100, 100))
    assert snap["output"][0, -1] == pytest.approx(pg.predict([[xs[-1], xs[0]]])[0])  # x2 = -6


def test_diagnostics_match_direct_computation():
    pg = Playground("hidden=4,4,4,4,4,4&activation=sigmoid&diagnostics=true")
    d = pg.snapshot()["diagnostics"]
    assert len(d["hist"]) == 6 and len(d["grad_norm"]) == 7
    x, acts = pg.F_train, []
    for m in pg.model.layers:
        x = m.forward(x)
        if type(m).__name__ == "Sigmoid":
            acts.append(x)
    for (counts, edges), a, sat in zip(d["hist"], acts, d["saturation"], strict=True):
        assert counts.sum() == a.size and (edges[0], edges[-1]) == (0, 1)
        assert sat == pytest.approx(saturation_share(a, "sigmoid"))
    # vanishing gradients: the first layer gets a tiny fraction of the last one's gradient
    assert d["grad_norm"][0] < 1e-3 * d["grad_norm"][-1]
    tanh = Playground("hidden=4,4,4,4,4,4&diagnostics=true").diagnostics()
    assert tanh["grad_norm"][0] > 10 * d["grad_norm"][0]


def test_activation_menu_is_the_playgrounds_then_the_librarys_others():
    playground = ("relu", "tanh", "sigmoid", "linear")
    assert cfg.ACTIVATIONS[:4] == cfg.PLAYGROUND_ACTIVATIONS == playground
    assert cfg.ACTIVATIONS[4:] == cfg.BEYOND_PLAYGROUND == ("leaky_relu", "elu", "gelu", "silu")
    assert set(cfg.ACTIVATIONS) == set(act.ACTIVATIONS)  # every library activation, once
    for name in cfg.ACTIVATIONS:
        assert act.activation_class(name).name == name
    labels = [label for label, _ in cfg.ACTIVATION_OPTIONS]
    assert [value for _, value in cfg.ACTIVATION_OPTIONS] == list(cfg.ACTIVATIONS)
    assert labels[:4] == [act.activation_class(a).label for a in cfg.PLAYGROUND_ACTIVATIONS]
    assert len(set(labels)) == len(labels)
    assert all(label.endswith("(beyond the Playground)") for label in labels[4:])
    menu = PlaygroundWidget().controls["activation"]  # the live menu shows these labels
    assert [label for label, _ in menu.options] == labels
    assert PlaygroundConfig().activation == "tanh"
    for name in cfg.PLAYGROUND_ACTIVATIONS:  # the old strings parse as before
        c = PlaygroundConfig.from_string(f"activation={name}")
        assert c == PlaygroundConfig(activation=name) == PlaygroundConfig.from_string(c.to_string())


@pytest.mark.parametrize("name", cfg.ACTIVATIONS)
def test_diagnostics_range_follows_the_activation(name):
    pg = Playground(f"hidden=4,4&activation={name}&diagnostics=true")
    pg.step(3)
    d = pg.diagnostics()
    cls = act.activation_class(name)
    hidden = []
    x = pg.F_train
    for m in pg.model.layers[:-1]:
        x = m.forward(x)
        if isinstance(m, act.Activation):
            hidden.append(x)
    edges = d["hist"][0][1]
    if cls.bounded:
        assert (edges[0], edges[-1]) == cls.plot_range
    else:  # 0 ... max for ReLU, -1 ... max for ELU, +-max for linear and Leaky ReLU
        top = max(np.abs(a).max() for a in hidden)
        assert edges[-1] == top and edges[0] == max(cls.output_range[0], -top)
    for a, sat in zip(hidden, d["saturation"], strict=True):
        assert sat == pytest.approx(saturation_share(a, name))


def test_input_validation():
    pg = Playground()
    with pytest.raises(ValueError, match="epochs"):
        pg.step(-1)
    with pytest.raises(ValueError, match="epochs"):
        pg.step(1.5)
    with pytest.raises(ValueError, match="X must have shape"):
        pg.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="unknown field"):
        pg.set(colour="red")
    with pytest.raises(ValueError, match="^lr"):
        pg.set(lr=0.05)
    assert pg.config.lr == 0.03  # a rejected change changes nothing


def test_compute_layer_needs_no_matplotlib():
    code = ("import sys\nfrom mml4_lib.playground import Playground\nPlayground().step(1)\n"
            "print([m for m in ('matplotlib', 'ipywidgets') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- view
matplotlib = pytest.importorskip("matplotlib")
from mml4_lib.playground.view import PlaygroundView, tile_rgba  # noqa: E402


def test_view_updates_artists_in_place():
    pg = Playground("show_test=false")
    view = PlaygroundView(pg, dpi=40)
    artists = dict(view.artists)
    png0 = view.render()
    mosaic0 = view.mosaic.copy()
    pg.step(20)
    view.update(pg)
    assert all(view.artists[k] is v for k, v in artists.items())  # no new artists
    np.testing.assert_allclose(view.artists["output"].get_array(), pg.snapshot()["output"])
    assert not np.array_equal(view.mosaic, mosaic0) and view.render() != png0
    edges = view.artists["network"]["edges"]
    w = np.concatenate([W.ravel() for W in pg.snapshot()["weights"]])
    assert len(edges.get_segments()) == len(w) == 2 * 4 + 4 * 2 + 2
    widths = np.asarray(edges.get_linewidths())
    assert widths[np.argmax(np.abs(w))] == widths.max()
    blue = np.asarray(matplotlib.colors.to_rgba("#0877bd"))
    np.testing.assert_allclose(edges.get_colors()[np.argmax(w)], blue)
    assert not view.artists["test_points"].get_visible()
    pg.set(show_test=True, discretize=True)
    view.update(pg)
    assert view.artists["test_points"].get_visible()
    assert set(np.unique(view.artists["output"].get_array())) <= {-1.0, 0.0, 1.0}
    assert view.artists["loss_text"].get_text().startswith("Test loss 0.")
    assert view.artists["epoch"].get_text() == "Epoch 20"


def test_view_shows_divergence_and_rejects_other_layouts():
    pg = Playground("problem=regression&dataset=plane&lr=10")
    view = PlaygroundView(pg, dpi=40)
    pg.step(30)
    view.update(pg)
    view.render()
    assert view.artists["message"].get_text() == f"diverged at epoch {pg.diverged_at}"
    assert "NaN" in view.artists["loss_text"].get_text()
    assert np.isnan(np.ma.getdata(view.artists["output"].get_array())).all()
    with pytest.raises(ValueError, match="layout"):
        view.update(Playground("hidden=3"))
    with pytest.raises(TypeError, match="pg must be a Playground"):
        PlaygroundView(PlaygroundConfig())


def test_view_diagnostics_panel():
    pg = Playground("hidden=3,3&diagnostics=true&activation=relu")
    view = PlaygroundView(pg, dpi=40)
    pg.step(3)
    view.update(pg)
    d = pg.snapshot()["diagnostics"]
    assert len(view.artists["hists"]) == 2
    np.testing.assert_allclose(view.artists["grads"].get_ydata(), d["grad_norm"])
    assert view.artists["hist_notes"][0].get_text().startswith("layer 1: 0 ...")
    assert "accuracy: train" in view.artists["accuracy"].get_text()
    view.render()


def test_tile_colours():
    rgba = tile_rgba(np.array([[-1.0, np.nan], [0.0, 1.0]]))
    assert rgba.shape == (2, 2, 4)
    np.testing.assert_array_equal(rgba[0, 0, :3], [255, 255, 255])  # 0 is white (row flipped)
    np.testing.assert_allclose(rgba[1, 1, :3], (np.array(matplotlib.colors.to_rgb(
        "#9e9e9e")) * 255).astype(int), atol=1)  # NaN grey
    assert rgba[1, 0, 2] < rgba[1, 0, 0]  # -1: orange (more red than blue)
    assert rgba[0, 1, 2] > rgba[0, 1, 0]  # +1: blue


# ----------------------------------------------------------------------------- widget
pytest.importorskip("ipywidgets")
import PIL.Image  # noqa: E402

from mml4_lib.playground.widget import PlaygroundWidget, playground  # noqa: E402

WIDGET_SETTINGS = [s for s in SETTINGS if s[0] not in ("seed", "stop_epochs", "stop_test_loss")]
WIDGET_SETTINGS += [("seed", 3), ("stop_epochs", 2), ("stop_test_loss", 0.3)]


@pytest.fixture(scope="module")
def widget():
    return PlaygroundWidget(dpi=30)


@pytest.mark.parametrize(("field", "value"), WIDGET_SETTINGS)
def test_widget_sets_every_control(widget, field, value):
    widget.load(PlaygroundConfig(batch_size=10))
    before = widget.image.value
    widget.controls[field].value = value
    assert getattr(widget.pg.config, field) == value, widget.status.value
    assert widget.config_text.value == widget.pg.config.to_string()
    # Fields that act during training only (and dropout, off in eval mode) leave epoch 0 as is.
    quiet = ("lr", "regularization", "reg_rate", "batch_size", "stop_epochs", "stop_test_loss",
             "keep_prob", "batch_norm")  # reset, but at epoch 0 these look the same
    if value != getattr(PlaygroundConfig(), field) and field not in quiet:
        assert widget.image.value != before  # the figure shows the change


def test_widget_problem_datasets_features_and_layers(widget):
    widget.load(None)
    widget.controls["problem"].value = "regression"
    assert widget.pg.config.dataset == "plane"
    assert widget.controls["dataset"].options == ("plane", "multi_gauss")
    assert widget.controls["loss"].disabled
    widget.controls["dataset"].value = "multi_gauss"
    assert widget.pg.config.dataset == "multi_gauss"
    widget.controls["problem"].value = "classification"
    for name in ("xor", "gauss", "spiral", "circle"):
        widget.controls["dataset"].value = name
        assert widget.pg.config.dataset == name
    for name in data.FEATURE_NAMES[2:]:
        widget.features[name].value = True
    assert widget.pg.config.features == data.FEATURE_NAMES
    for name in data.FEATURE_NAMES:
        widget.features[name].value = False
    assert widget.pg.config.features == ("sin(x2)",)  # the last one cannot go
    assert "Not applied" in widget.status.value and widget.features["sin(x2)"].value

    def click(layer, sign):  # layer 0: the number of layers; l >= 1: neurons of layer l
        widget.layers_box.children[layer].children[1].children[sign == "+"].click()

    widget.load(None)
    for _ in range(4):
        click(0, "+")
    assert widget.pg.config.hidden == (4, 2, 2, 2, 2, 2)
    assert widget.layers_box.children[0].children[1].children[1].disabled  # 6 is the most
    for _ in range(5):  # 4 -> 8, and once more: refused
        click(1, "+")
    assert widget.pg.config.hidden[0] == 8 and "Not applied" in widget.status.value
    for _ in range(2):
        click(2, "-")
    assert widget.pg.config.hidden[1] == 1
    for _ in range(6):
        click(0, "-")
    assert widget.pg.config.hidden == ()


def test_widget_play_step_reset_regenerate(widget):
    widget.load("hidden=3")
    W0 = widget.pg.model.params["0.W"].copy()
    widget.play.value += 1
    widget.play.value += 1
    epoch = widget.pg.epoch
    assert epoch >= 2  # a tick trains at least one epoch, as many as fit in the frame
    assert widget.view.artists["epoch"].get_text() == f"Epoch {epoch:,}"  # picture in step
    widget.play.value = 0  # the Play widget's own reset is not a tick
    assert widget.pg.epoch == epoch
    widget.buttons["step"].click()
    assert widget.pg.epoch == epoch + 1
    widget.buttons["reset"].click()
    assert widget.pg.epoch == 0
    np.testing.assert_array_equal(W0, widget.pg.model.params["0.W"])
    widget.buttons["regenerate"].click()
    assert widget.pg.config.seed == 1 and widget.controls["seed"].value == 1


def test_a_play_tick_fills_its_frame_and_draws_once(widget):
    widget.load("hidden=3")
    widget.play.interval = 1  # a frame too short for more than the one epoch every tick trains
    assert widget.play_tick() == 1 and widget.pg.epoch == 1
    widget.play.interval = 10_000  # a long frame: training fills PLAY_SHARE of it, or stops
    widget.load("hidden=3&stop_epochs=25")
    widget.play.playing = True
    assert widget.play_tick() == 25 and not widget.play.playing
    assert widget.view.artists["epoch"].get_text() == "Epoch 25"


def test_widget_pauses_when_training_stops(widget):
    widget.load("problem=regression&dataset=plane&lr=10")
    widget.play.playing = True
    for _ in range(20):
        widget.play.value += 1
    assert widget.pg.diverged_at is not None and not widget.play.playing
    widget.load("stop_epochs=2")
    widget.play.playing = True
    for _ in range(3):
        widget.play.value += 1
    assert widget.pg.epoch == 2 and not widget.play.playing


def test_widget_config_string_and_presets():
    w = PlaygroundWidget("dataset=xor", presets={"a": "hidden=3", "b": PRESETS["spiral_deep"]},
                         dpi=30)
    assert w.pg.config.dataset == "xor"
    w.preset_menu.value = "b"
    assert w.pg.config == PRESETS["spiral_deep"] and w.controls["activation"].value == "relu"
    text = "dataset=gauss&hidden=5&seed=9&keep_prob=0.5"
    w.config_text.value = text
    w.buttons["apply"].click()
    assert w.pg.config == PlaygroundConfig.from_string(text)
    assert w.controls["keep_prob"].value == 0.5
    w.apply_string("hidden=9")
    assert "Not applied: hidden" in w.status.value and w.pg.config.hidden == (5,)
    # The menu empties itself after loading, so the same preset loads again after an edit
    # (failed before: choosing "b" a second time did nothing).
    w.preset_menu.value = "b"
    w.set(lr=0.3)
    w.preset_menu.value = "b"
    assert w.pg.config == PRESETS["spiral_deep"] and w.preset_menu.value is None


def test_playground_modes():
    live = playground("dataset=gauss", mode="live", dpi=30)
    assert isinstance(live, PlaygroundWidget) and live.pg.config.dataset == "gauss"
    runs = {"circle": "", "xor": "dataset=xor", "small": "hidden=3&diagnostics=true"}
    static = playground(presets=runs, epochs=(0, 2, 5), mode="static", dpi=30)
    assert static.mode == "static" and len(static.frames) == 3 * 3 and not static.errors
    assert static.frame(run="xor", epoch=0) != static.frame(run="xor", epoch=5)
    assert static.frame(run="xor", epoch=5) != static.frame(run="circle", epoch=5)
    assert len(static.links) >= 2  # the run buttons and the Play button drive the stacks
    # each frame shows that run's own figure (its own layout), as a live view draws it
    pg = Playground(runs["small"])
    pg.step(5)
    view = PlaygroundView(pg, dpi=30)
    view.update(pg)
    expected = view.draw()
    shown = np.asarray(PIL.Image.open(io.BytesIO(static.frame(run="small", epoch=5)))
                       .convert("RGB"))
    assert shown.shape == expected.shape
    assert np.mean(np.abs(shown.astype(int) - expected)) < 8  # a 32-colour palette of it
    one = playground("dataset=gauss", epochs=(0, 1), mode="static", dpi=30)
    assert len(one.frames) == 2 and [c.name for c in one.controls] == ["epoch"]
    with pytest.raises(ValueError, match="epochs"):
        playground(epochs=(5, 2), mode="static")
    with pytest.raises(ValueError, match="mode"):
        playground(mode="movie")
    with pytest.raises(TypeError, match="presets"):
        playground(presets=["circle"])


# ----------------------------------------------------------------------------- chapter 6 text
def test_claims_of_the_exercise_solutions():
    """What the solutions of chapter 6's thinking exercises state, checked."""
    stuck = Playground(PRESETS["squares_circle"].replace(seed=2))
    W = stuck.model.params["0.W"]
    assert np.all(W > 0)  # both weights positive: the ring starts saturated at +1
    stuck.step(100)
    assert stuck.history["test_acc"][-1] < 0.6 and stuck.history["test_loss"][-1] > 0.9
    for fix in ({"init_scale": 0.1}, {"loss": "cross_entropy"}):
        pg = Playground(PRESETS["squares_circle"].replace(seed=2, **fix))
        pg.step(100)
        assert pg.history["test_acc"][-1] > 0.95, fix
    linear = Playground("hidden=8,8,8,8,8,8&activation=linear")
    linear.step(100)
    assert linear.history["test_acc"][-1] < 0.7


# --- issue 14 items 8 and 11: markup injection, the seed at its maximum ----------------------
def test_config_strings_reach_the_status_line_escaped_and_capped():
    # Failed before: the payload reached the HTML widget as markup.
    w = PlaygroundWidget()
    w.apply_string("dataset=<img src=x onerror=alert(1)>")
    assert "<img" not in w.status.value and "&lt;img src=x onerror=alert(1)&gt;" in w.status.value
    w.apply_string("dataset=" + "x" * 100_000)
    assert len(w.status.value) < 1_000 and "more characters" in w.status.value


def test_regenerate_at_the_largest_seed_wraps_to_zero():
    # Failed before: config.seed became 2147483648 while the control showed 2147483647.
    w = PlaygroundWidget(f"seed={cfg.MAX_SEED}")
    w.regenerate()
    assert w.pg.config.seed == 0 == w.controls["seed"].value
    with pytest.raises(ValueError, match=r"seed: expected an int from 0 to 2147483647"):
        PlaygroundConfig(seed=cfg.MAX_SEED + 1)


def test_layer_buttons_have_names_a_screen_reader_announces(widget):
    widget.load("hidden=4,2")
    names = [b.tooltip for box in widget.layers_box.children for b in box.children[1].children]
    assert names == ["Remove a hidden layer", "Add a hidden layer",
                     "Remove a neuron from layer 1", "Add a neuron to layer 1",
                     "Remove a neuron from layer 2", "Add a neuron to layer 2"]
