"""Training loop: minibatches, accuracy, fit (determinism, bookkeeping, divergence, learning)."""

import math
import warnings

import numpy as np
import pytest

from mml4_lib.data import make_circle, make_xor
from mml4_lib.layers import Dropout, Linear, Sequential, make_mlp
from mml4_lib.losses import BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss
from mml4_lib.optim import SGD, Adam
from mml4_lib.train import History, accuracy, fit, iterate_minibatches


class CountingSGD(SGD):
    """SGD that counts its steps."""

    def __init__(self, lr):
        super().__init__(lr)
        self.steps = 0

    def step(self, params, grads):
        self.steps += 1
        super().step(params, grads)


class ModeRecorder(Sequential):
    """A Sequential that records the mode of every forward call."""

    def __init__(self, *modules):
        super().__init__(*modules)
        self.modes = []

    def forward(self, x):
        self.modes.append(self.training)
        return super().forward(x)


def _regression_data(n=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([1.0, -2.0, 0.5]) + 0.1


# --- iterate_minibatches -------------------------------------------------------------------


def test_minibatches_cover_every_row_once_with_a_short_last_batch():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    batches = list(iterate_minibatches(X, y, 4, rng=np.random.default_rng(0)))
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    rows = np.concatenate([yb for _, yb in batches])
    assert sorted(rows) == list(range(10))
    assert not np.array_equal(rows, np.arange(10))  # shuffled
    for xb, yb in batches:
        np.testing.assert_array_equal(xb, X[yb])  # rows and labels stay paired


def test_minibatches_without_shuffle_keep_order_and_same_seed_same_order():
    X, y = np.arange(14.0).reshape(7, 2), np.arange(7)
    rows = [yb for _, yb in iterate_minibatches(X, y, 3, rng=None, shuffle=False)]
    assert [list(r) for r in rows] == [[0, 1, 2], [3, 4, 5, 6]]  # a lone last row joins
    first = [yb for _, yb in iterate_minibatches(X, y, 3, rng=np.random.default_rng(5))]
    again = [yb for _, yb in iterate_minibatches(X, y, 3, rng=np.random.default_rng(5))]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_minibatches_bad_input():
    X, y = np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match="batch_size must be a positive integer or None, got 0"):
        list(iterate_minibatches(X, y, 0, rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match=r"y must have 4 rows to match X \(4, 2\), got \(3,\)"):
        list(iterate_minibatches(X, y[:3], 2, rng=np.random.default_rng(0)))
    with pytest.raises(TypeError, match=r"iterate_minibatches: rng must be a np.random.Generator"):
        list(iterate_minibatches(X, y, 2, rng=0))


# --- accuracy ------------------------------------------------------------------------------


def test_accuracy_thresholds_per_loss():
    y = np.array([1, 0, 1, 0])
    logits = np.array([[2.0], [-1.0], [-0.5], [0.0]])  # 0 counts as class 0
    assert accuracy(logits, y, BCEWithLogitsLoss()) == 0.75
    probs = np.array([[0.9], [0.2], [0.4], [0.5]])  # 0.5 counts as class 0
    assert accuracy(probs, y.reshape(4, 1), BCELoss()) == 0.75
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.6, 0.4], [0.3, 0.7]])
    assert accuracy(scores, y, SoftmaxCrossEntropyLoss()) == 0.5
    assert math.isnan(accuracy(logits, y, MSELoss()))


def test_accuracy_bad_input():
    with pytest.raises(TypeError, match="loss_fn must be an MSELoss.*got str"):
        accuracy(np.zeros((2, 1)), np.zeros(2), "bce")
    with pytest.raises(ValueError, match=r"y must have shape \(2,\) or \(2, 1\).*got \(3,\)"):
        accuracy(np.zeros((2, 1)), np.zeros(3), BCEWithLogitsLoss())


# --- fit -----------------------------------------------------------------------------------


def _fit_xor(seed, epochs=5, **kwargs):
    X, y = make_xor(60, 0.0, rng=np.random.default_rng(1))
    model = make_mlp([2, 4, 1], activation="tanh", rng=np.random.default_rng(seed))
    history = fit(model, BCEWithLogitsLoss(), SGD(lr=0.1, momentum=0.9), X, y, epochs=epochs,
                  batch_size=8, rng=np.random.default_rng(seed), X_val=X[:20], y_val=y[:20],
                  **kwargs)
    return history, model


def test_fit_is_deterministic():
    h1, m1 = _fit_xor(seed=3)
    h2, m2 = _fit_xor(seed=3)
    h3, _ = _fit_xor(seed=4)
    assert h1 == h2
    for name, p in m1.params.items():
        np.testing.assert_array_equal(p, m2.params[name])
    assert h1.train_loss != h3.train_loss
    assert len(h1.train_loss) == len(h1.val_loss) == len(h1.train_acc) == h1.epochs_run == 5
    assert h1.diverged_at is None


# N = 10: batches of 3 are 3, 3, 4 (a lone last row joins the batch before it).
@pytest.mark.parametrize(
    "batch_size, steps_per_epoch", [(None, 1), (10, 1), (3, 3), (4, 3), (1, 10)]
)
def test_updates_per_epoch(batch_size, steps_per_epoch):
    X, y = _regression_data()
    opt = CountingSGD(lr=0.01)
    model = make_mlp([3, 1], rng=np.random.default_rng(0))
    fit(model, MSELoss(), opt, X, y, epochs=3, batch_size=batch_size, rng=np.random.default_rng(0))
    assert opt.steps == 3 * steps_per_epoch


def test_full_batch_epoch_is_one_gradient_step():
    X, y = _regression_data()
    model = make_mlp([3, 1], rng=np.random.default_rng(0))
    W0, b0 = model.params["0.W"].copy(), model.params["0.b"].copy()
    history = fit(model, MSELoss(), SGD(lr=0.1), X, y, epochs=1, rng=np.random.default_rng(0))
    # By hand: L = mean((X W + b - y)^2), dW = 2 X^T r / N, db = 2 mean(r)
    r = X @ W0[:, 0] + b0[0] - y
    assert history.train_loss[0] == pytest.approx(np.mean(r**2))
    np.testing.assert_allclose(model.params["0.W"][:, 0], W0[:, 0] - 0.1 * 2 * X.T @ r / 10)
    np.testing.assert_allclose(model.params["0.b"], b0 - 0.1 * 2 * r.mean())


def test_epoch_loss_is_weighted_by_batch_size():
    # lr = 0 freezes the model, so the weighted mean of the batch losses (sizes 4, 4, 2)
    # must equal the loss over all rows; an unweighted mean of the three would not.
    X, y = _regression_data()
    model = make_mlp([3, 1], rng=np.random.default_rng(0))
    full = MSELoss().forward(model.forward(X), y)
    history = fit(model, MSELoss(), SGD(lr=0.0), X, y, epochs=2, batch_size=4,
                  rng=np.random.default_rng(0))
    assert history.train_loss == pytest.approx([full, full], rel=1e-12)
    assert all(math.isnan(a) for a in history.train_acc)  # regression: no accuracy


def test_divergence_is_recorded_not_raised():
    X, y = _regression_data(n=50)
    model = make_mlp([3, 16, 1], activation="relu", rng=np.random.default_rng(0))
    history = fit(model, MSELoss(), SGD(lr=1e3), X, 100 * y, epochs=50, batch_size=10,
                  rng=np.random.default_rng(0), X_val=X, y_val=100 * y)
    assert history.diverged_at is not None
    assert history.epochs_run == history.diverged_at == len(history.train_loss)
    assert history.epochs_run < 50
    assert np.isfinite(history.train_loss).all() and np.isfinite(history.val_loss).all()


def test_divergence_without_validation_data():
    X, y = _regression_data(n=50)
    model = make_mlp([3, 16, 1], activation="relu", rng=np.random.default_rng(0))
    history = fit(model, MSELoss(), SGD(lr=1e3), X, 100 * y, epochs=50, batch_size=10,
                  rng=np.random.default_rng(0))
    assert history.diverged_at is not None and history.diverged_at < 50
    assert len(history.train_loss) == history.diverged_at


def test_update_to_inf_parameters_stops_in_the_same_epoch():
    # The loss of epoch 0 is finite, but its update overflows the weights to inf: the
    # parameter check records epoch 0, before a NaN loss would show it in epoch 1.
    X, y = _regression_data()
    model = make_mlp([3, 1], rng=np.random.default_rng(0))
    history = fit(model, MSELoss(), SGD(lr=1e308), X, 100 * y, epochs=3,
                  rng=np.random.default_rng(0))
    assert history.diverged_at == 0
    assert history.train_loss == [] and history.epochs_run == 0


def test_minibatch_order_comes_from_rng():
    X, y = make_xor(60, 0.0, rng=np.random.default_rng(1))
    losses = []
    for seed in (0, 0, 1):
        model = make_mlp([2, 4, 1], rng=np.random.default_rng(7))  # same initial weights
        history = fit(model, BCEWithLogitsLoss(), SGD(lr=0.5), X, y, epochs=2, batch_size=8,
                      rng=np.random.default_rng(seed))
        losses.append(history.train_loss)
    assert losses[0] == losses[1]
    assert losses[0] != losses[2]


def test_callback_sees_every_epoch_and_can_stop():
    seen = []

    def callback(epoch, history, model):
        seen.append((epoch, len(history.train_loss), type(model).__name__))
        return epoch == 2

    history, _ = _fit_xor(seed=0, epochs=10, callback=callback)
    assert seen == [(0, 1, "Sequential"), (1, 2, "Sequential"), (2, 3, "Sequential")]
    assert history.epochs_run == 3 and history.diverged_at is None


def test_validation_runs_in_eval_mode_and_training_resumes_in_train_mode():
    rng = np.random.default_rng(0)
    model = ModeRecorder(Linear(2, 4, rng=rng), Dropout(0.5, rng=rng), Linear(4, 1, rng=rng))
    X, y = make_xor(20, 0.0, rng=rng)
    fit(model, BCEWithLogitsLoss(), SGD(lr=0.1), X, y, epochs=2, rng=rng, X_val=X, y_val=y)
    # per epoch: one full-batch training forward, then one validation forward
    assert model.modes == [True, False, True, False]
    assert model.training


def test_val_accuracy_is_computed_on_the_whole_validation_set():
    X, y = make_xor(40, 0.0, rng=np.random.default_rng(0))
    model = make_mlp([2, 1], rng=np.random.default_rng(0))
    history = fit(model, BCEWithLogitsLoss(), SGD(lr=0.0), X, y, epochs=1,
                  rng=np.random.default_rng(0), X_val=X, y_val=y)
    assert history.val_acc[0] == accuracy(model.forward(X), y, BCEWithLogitsLoss())
    assert history.val_loss[0] == pytest.approx(history.train_loss[0])


def test_float32_model_trains_in_float32():
    X, y = make_xor(40, 0.0, rng=np.random.default_rng(0))
    model = make_mlp([2, 4, 1], rng=np.random.default_rng(0), dtype=np.float32)
    history = fit(model, BCEWithLogitsLoss(), Adam(0.01), X, y, epochs=3, batch_size=10,
                  rng=np.random.default_rng(0))
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert history.epochs_run == 3


def test_learns_xor_with_a_small_mlp():
    rng = np.random.default_rng(0)
    X, y = make_xor(400, 0.0, rng=rng)
    model = make_mlp([2, 8, 8, 1], activation="tanh", rng=rng)
    history = fit(model, BCEWithLogitsLoss(), Adam(lr=0.02), X / 5, y, epochs=60,
                  batch_size=32, rng=rng)
    assert history.train_loss[-1] < history.train_loss[0] / 4
    model.eval()
    assert accuracy(model.forward(X / 5), y, BCEWithLogitsLoss()) >= 0.97


def test_learns_circle_with_softmax_and_validation():
    rng = np.random.default_rng(1)
    X, y = make_circle(400, 0.0, rng=rng)
    model = make_mlp([2, 8, 2], activation="relu", init="he", rng=rng)
    history = fit(model, SoftmaxCrossEntropyLoss(), SGD(lr=0.1, momentum=0.9), X[:300] / 5,
                  y[:300], epochs=60, batch_size=20, rng=rng, X_val=X[300:] / 5, y_val=y[300:])
    assert history.val_acc[-1] >= 0.95


# --- bad input -----------------------------------------------------------------------------


def _fit_args():
    X, y = _regression_data()
    model = make_mlp([3, 1], rng=np.random.default_rng(0))
    return model, MSELoss(), SGD(lr=0.1), X, y


@pytest.mark.parametrize("where", ["X", "y", "X_val", "y_val"])
def test_fit_rejects_nan_inputs(where):
    model, loss, opt, X, y = _fit_args()
    data = {"X": X.copy(), "y": y.copy(), "X_val": X.copy(), "y_val": y.copy()}
    np.put(data[where], 3, np.nan)  # one entry
    with pytest.raises(ValueError, match=f"^{where} must not contain NaN or inf, found 1 such"):
        fit(model, loss, opt, data["X"], data["y"], epochs=1, rng=np.random.default_rng(0),
            X_val=data["X_val"], y_val=data["y_val"])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": -1}, ValueError, "epochs must be an integer >= 0, got -1"),
        ({"epochs": 2.5}, ValueError, "epochs must be an integer >= 0, got 2.5"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer or None, got 0"),
        ({"rng": 0}, TypeError, r"fit: rng must be a np.random.Generator .*, got int"),
        ({"X_val": np.zeros((2, 3))}, ValueError, "X_val and y_val must be given together"),
        ({"callback": 3}, TypeError, "callback must be callable or None, got int"),
    ],
)
def test_fit_bad_arguments(kwargs, error, match):
    model, loss, opt, X, y = _fit_args()
    args = {"epochs": 1, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=match):
        fit(model, loss, opt, X, y, **args)


def test_fit_bad_shapes_and_objects():
    model, loss, opt, X, y = _fit_args()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"y must have shape \(10,\).*got \(9,\)"):
        fit(model, loss, opt, X, y[:9], epochs=1, rng=rng)
    with pytest.raises(ValueError, match=r"X must be a 2-D array \(N, D\), got shape \(10,\)"):
        fit(model, loss, opt, X[:, 0], y, epochs=1, rng=rng)
    with pytest.raises(TypeError, match="optimizer must have a step"):
        fit(model, loss, "sgd", X, y, epochs=1, rng=rng)
    with pytest.raises(TypeError, match="loss_fn must have a forward"):
        fit(model, "mse", opt, X, y, epochs=1, rng=rng)
    with pytest.raises(TypeError, match="model must have a forward"):
        fit(object(), loss, opt, X, y, epochs=1, rng=rng)


def test_history_defaults():
    h = History()
    assert h.train_loss == h.val_loss == h.train_acc == h.val_acc == []
    assert h.diverged_at is None and h.epochs_run == 0


def test_a_lone_last_row_joins_the_previous_batch():
    X = np.arange(11.0).reshape(11, 1)
    y = np.zeros(11)
    sizes = [len(xb) for xb, _ in iterate_minibatches(X, y, 5, rng=np.random.default_rng(0))]
    assert sizes == [5, 6]
    sizes = [len(xb) for xb, _ in iterate_minibatches(X, y, 4, rng=None, shuffle=False)]
    assert sizes == [4, 4, 3]


def test_batchnorm_model_trains_when_n_mod_batch_is_one():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(21, 2))
    y = (X[:, 0] > 0).astype(float)
    model = make_mlp([2, 4, 1], batch_norm=True, rng=rng)
    hist = fit(model, BCEWithLogitsLoss(), SGD(lr=0.1), X, y, epochs=2, batch_size=10, rng=rng)
    assert hist.epochs_run == 2 and hist.diverged_at is None


def test_iterate_minibatches_with_zero_rows_is_named():
    # Issue 14 item 10: "zip() argument 2 is longer than argument 1".
    with pytest.raises(ValueError, match=r"^X must have at least one row, got shape \(0, 2\)"):
        list(iterate_minibatches(np.zeros((0, 2)), np.zeros(0), 4, rng=np.random.default_rng(0)))


@pytest.mark.parametrize("loss_fn, y", [(BCEWithLogitsLoss(), np.array([0, 1] * 10)),
                                        (MSELoss(), np.linspace(-1, 1, 20))], ids=["bce", "mse"])
def test_diverging_run_reports_diverged_at_without_any_warning(loss_fn, y):
    # Issue 14 item 7: fit keeps detecting divergence through the non-finite loss, and no
    # NumPy warning nor the library's NonFiniteWarning leaks out of it.
    X = np.random.default_rng(0).normal(size=(20, 2)) * 100
    model = make_mlp([2, 16, 1], activation="relu", rng=np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = fit(model, loss_fn, SGD(1e6), X, y, epochs=50, rng=np.random.default_rng(0))
    assert h.diverged_at is not None and h.epochs_run == h.diverged_at
