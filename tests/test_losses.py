"""Losses: known values, target shapes, stability at +-1000, gradient checks, bad input."""

import math
import warnings

import numpy as np
import pytest

from mml4_lib.gradcheck import numerical_gradient, rel_error
from mml4_lib.losses import (
    BCELoss,
    BCEWithLogitsLoss,
    MSELoss,
    SoftmaxCrossEntropyLoss,
)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- known values --------------------------------------------------------------------------


def test_mse_known_value_and_gradient():
    pred = np.array([[1.0], [2.0], [3.0]])
    loss = MSELoss()
    # diffs 0, 2, -2 -> mean of squares 8/3; gradient 2 * diff / 3
    assert loss.forward(pred, np.array([1.0, 0.0, 5.0])) == pytest.approx(8 / 3)
    np.testing.assert_allclose(loss.backward(), [[0.0], [4 / 3], [-4 / 3]])


def test_mse_averages_over_all_elements():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    loss = MSELoss()
    assert loss.forward(pred, np.zeros((2, 2))) == pytest.approx((1 + 4 + 9 + 16) / 4)
    np.testing.assert_allclose(loss.backward(), pred * 2 / 4)


def test_bce_known_value():
    loss = BCELoss()
    value = loss.forward(np.array([[0.5], [0.8]]), np.array([1, 0]))
    assert value == pytest.approx(-(math.log(0.5) + math.log(0.2)) / 2)
    # d/dp of -log p is -1/p, of -log(1 - p) is 1/(1 - p); then / N
    np.testing.assert_allclose(loss.backward(), [[-1 / 0.5 / 2], [1 / 0.2 / 2]])


def test_bce_with_logits_known_value():
    loss = BCEWithLogitsLoss()
    value = loss.forward(np.array([[0.0], [2.0]]), np.array([1, 0]))
    assert value == pytest.approx((math.log(2) + math.log(1 + math.exp(2))) / 2)
    np.testing.assert_allclose(loss.backward(), [[(0.5 - 1) / 2], [_sigmoid(2.0) / 2]])


def test_bce_with_logits_equals_bce_on_sigmoid():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(20, 1)) * 3
    t = rng.integers(0, 2, size=20)
    assert BCEWithLogitsLoss().forward(z, t) == pytest.approx(BCELoss().forward(_sigmoid(z), t))


def test_softmax_ce_known_values():
    loss = SoftmaxCrossEntropyLoss()
    assert loss.forward(np.zeros((1, 3)), np.array([0])) == pytest.approx(math.log(3))
    np.testing.assert_allclose(loss.backward(), [[1 / 3 - 1, 1 / 3, 1 / 3]])
    z = np.array([[1.0, 2.0, 3.0]])
    expected = math.log(math.e + math.e**2 + math.e**3) - 3
    assert loss.forward(z, np.array([2])) == pytest.approx(expected)


def test_softmax_ce_gradient_is_softmax_minus_onehot_over_n():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(z, y)
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(loss.backward(), (softmax - np.eye(4)[y]) / 5)


# --- target shapes: (N,) and (N, 1) give the same result, never an (N, N) broadcast ----------

BINARY_LOSSES = [
    (MSELoss, lambda z: z),
    (BCELoss, _sigmoid),
    (BCEWithLogitsLoss, lambda z: z),
]


@pytest.mark.parametrize("cls, to_pred", BINARY_LOSSES, ids=lambda v: getattr(v, "__name__", ""))
def test_target_shapes_agree_and_match_elementwise_reference(cls, to_pred):
    rng = np.random.default_rng(2)
    pred = to_pred(rng.normal(size=(6, 1)))
    t = rng.integers(0, 2, size=6).astype(float)
    loss = cls()
    flat_value = loss.forward(pred, t)
    flat_grad = loss.backward()
    col_value = loss.forward(pred, t.reshape(6, 1))
    col_grad = loss.backward()
    assert flat_value == col_value
    assert flat_grad.shape == col_grad.shape == (6, 1)
    np.testing.assert_array_equal(flat_grad, col_grad)
    # The loss of each row alone, averaged: an (N, N) broadcast would mix rows and differ.
    per_row = [cls().forward(pred[i : i + 1], t[i : i + 1]) for i in range(6)]
    assert flat_value == pytest.approx(np.mean(per_row))


# --- stability ---------------------------------------------------------------------------


def test_bce_with_logits_exact_at_plus_minus_1000():
    z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]])
    loss = BCEWithLogitsLoss()
    # right with full confidence costs 0, wrong costs |z| = 1000
    assert loss.forward(z, np.array([1, 0, 0, 1])) == 500.0
    np.testing.assert_array_equal(loss.backward(), [[0.0], [0.0], [0.25], [-0.25]])


def test_softmax_ce_exact_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
    loss = SoftmaxCrossEntropyLoss()
    assert loss.forward(z, np.array([0, 1])) == 1000.0
    np.testing.assert_array_equal(loss.backward(), [[0.0, 0.0], [0.5, -0.5]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_clips_probabilities_0_and_1(dtype):
    loss = BCELoss()
    p = np.array([[0.0], [1.0], [0.5]], dtype=dtype)
    value = loss.forward(p, np.array([1, 0, 1]))
    eps = max(1e-12, np.finfo(dtype).eps)
    assert np.isfinite(value)
    assert value == pytest.approx((2 * -math.log(eps) + math.log(2)) / 3, rel=1e-5)
    grad = loss.backward()
    # Outside the clip range the clipped loss is flat: gradient 0, not inf.
    np.testing.assert_array_equal(grad[:2], 0)
    assert grad[2, 0] == pytest.approx(-2 / 3)


def test_bce_default_eps_is_1e_12():
    value = BCELoss().forward(np.array([[0.0]]), np.array([1]))
    assert value == pytest.approx(-math.log(1e-12))


@pytest.mark.parametrize(
    "cls, pred, target",
    [
        (MSELoss, np.ones((3, 1)), np.zeros(3)),
        (BCELoss, np.full((3, 1), 0.3), np.array([0, 1, 1])),
        (BCEWithLogitsLoss, np.ones((3, 1)), np.array([0, 1, 1])),
        (SoftmaxCrossEntropyLoss, np.ones((3, 4)), np.array([0, 1, 3])),
    ],
)
def test_float32_in_float32_out(cls, pred, target):
    loss = cls()
    value = loss.forward(pred.astype(np.float32), target)
    assert isinstance(value, float)
    assert loss.backward().dtype == np.float32


# --- gradient check of every loss ----------------------------------------------------------


def _cases():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(8, 1))
    labels = rng.integers(0, 2, size=8)
    return [
        (MSELoss(), rng.normal(size=(8, 3)), rng.normal(size=(8, 3))),
        (MSELoss(), z.copy(), rng.normal(size=8)),
        (BCELoss(), rng.uniform(0.1, 0.9, size=(8, 1)), labels),
        (BCELoss(), rng.uniform(0.1, 0.9, size=(8, 1)), rng.uniform(0, 1, size=(8, 1))),
        (BCEWithLogitsLoss(), 3 * z, labels),
        (SoftmaxCrossEntropyLoss(), rng.normal(size=(4, 3)), rng.integers(0, 3, size=4)),
    ]


@pytest.mark.parametrize("loss, pred, target", _cases(), ids=lambda v: type(v).__name__)
def test_gradient_matches_numerical(loss, pred, target):
    loss.forward(pred, target)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: loss.forward(pred, target), pred)
    assert rel_error(analytic, numeric) < 1e-7


# --- bad input -----------------------------------------------------------------------------


def test_backward_before_forward_raises():
    for cls in (MSELoss, BCELoss, BCEWithLogitsLoss, SoftmaxCrossEntropyLoss):
        with pytest.raises(RuntimeError, match="backward called before forward"):
            cls().backward()


@pytest.mark.parametrize("cls", [BCELoss, BCEWithLogitsLoss])
@pytest.mark.parametrize("bad", [2, -1])
def test_binary_targets_outside_0_1_rejected(cls, bad):
    with pytest.raises(ValueError, match=r"target values must lie in \[0, 1\]"):
        cls().forward(np.full((3, 1), 0.5), np.array([0, 1, bad]))


@pytest.mark.parametrize("cls", [MSELoss, BCELoss, BCEWithLogitsLoss])
def test_wrong_target_shape_rejected(cls):
    pred = np.full((4, 1), 0.5)
    with pytest.raises(ValueError, match=r"target must have shape \(4, 1\).*got \(3,\)"):
        cls().forward(pred, np.zeros(3))
    with pytest.raises(ValueError, match=r"got \(4, 4\)"):
        cls().forward(pred, np.zeros((4, 4)))


def test_softmax_labels_out_of_range_rejected():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for C=3.*\[0, 3\]"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((2, 3)), np.array([-1, 0]))


def test_softmax_labels_must_be_integers():
    with pytest.raises(ValueError, match="integer class labels, got dtype float64"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_softmax_wrong_n_or_one_hot_targets_rejected():
    with pytest.raises(ValueError, match=r"labels of shape \(2,\), got shape \(3,\)"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"got shape \(2, 3\)"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((2, 3)), np.eye(3, dtype=int)[:2])


def test_softmax_needs_2d_logits():
    with pytest.raises(ValueError, match=r"pred must be 2-D logits \(N, C\), got shape \(3,\)"):
        SoftmaxCrossEntropyLoss().forward(np.zeros(3), np.array([0, 1, 2]))


def test_empty_or_non_numeric_pred_rejected():
    with pytest.raises(ValueError, match=r"pred must be a non-empty array, got shape \(0, 1\)"):
        MSELoss().forward(np.zeros((0, 1)), np.zeros(0))
    with pytest.raises(TypeError, match="pred must be a numeric array"):
        MSELoss().forward(np.array([["a"]]), np.zeros(1))


def test_bce_eps_validated():
    with pytest.raises(ValueError, match=r"eps must be in \(0, 0.5\), got 0"):
        BCELoss(eps=0)
    with pytest.raises(TypeError, match="eps must be a number, got '1e-12'"):
        BCELoss(eps="1e-12")



# --- issue 14: nothing is silently wrong -----------------------------------------------------


def test_bce_rejects_logits_and_names_bce_with_logits():
    # Item 1: raw logits were clipped, the gradient was exactly 0 and training froze.
    with pytest.raises(ValueError, match=r"BCELoss: pred must be probabilities in \[0, 1\].*"
                                         r"got values in \[-6, 3\].*BCEWithLogitsLoss"):
        BCELoss()(np.array([[-6.0], [0.5], [3.0]]), np.array([0, 1, 1]))


def test_bce_training_on_logits_now_fails_loudly_instead_of_freezing():
    from mml4_lib.data import make_gauss
    from mml4_lib.layers import Linear, Sequential
    from mml4_lib.optim import SGD
    from mml4_lib.train import fit

    m = Sequential(Linear(2, 1, rng=np.random.default_rng(0)))
    m.layers[0].params["W"][:] = -3
    X, y = make_gauss(200, 0.1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="BCEWithLogitsLoss"):
        fit(m, BCELoss(), SGD(0.5), X, y, epochs=50, rng=np.random.default_rng(0))
    m.layers[0].params["W"][:] = -3
    h = fit(m, BCEWithLogitsLoss(), SGD(0.5), X, y, epochs=50, rng=np.random.default_rng(0))
    assert h.train_loss[-1] < 0.1 < h.train_loss[0]


@pytest.mark.parametrize("cls", [BCELoss, BCEWithLogitsLoss])
def test_nan_targets_are_rejected(cls):
    # Item 2: NaN passed the [0, 1] check and gave a NaN loss.
    with pytest.raises(ValueError, match=r"target values must lie in \[0, 1\], got 1 NaN values"):
        cls()(np.full(2, 0.5), np.array([np.nan, 0]))


def _exact_grad(z, t):
    """sigmoid(z) - t for N = 1 in 60-digit decimal arithmetic, as (1 - t) s(z) - t s(-z),
    so that s(z) - 1 = -s(-z) ~ -1e-304 at z = 700 does not round to 0 in the reference."""
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = 60
        z, t = decimal.Decimal(z), decimal.Decimal(t)
        return float((1 - t) / (1 + (-z).exp()) - t / (1 + z.exp()))


@pytest.mark.parametrize("z", [-700.0, -40.0, -30.0, 30.0, 40.0, 700.0])
@pytest.mark.parametrize("t", [0.0, 1.0, 0.25])
def test_bce_with_logits_gradient_is_exact_for_confident_logits(z, t):
    # Item 6: at z = 30, t = 1 the gradient was 1.3 % off, and exactly 0 from z ~ 37 on.
    loss = BCEWithLogitsLoss()
    loss.forward(np.array([z]), np.array([t]))
    got = loss.backward()[0]
    exact = _exact_grad(z, t)
    assert got == pytest.approx(exact, rel=1e-12, abs=0)


NON_FINITE = [
    (BCEWithLogitsLoss, np.array([[np.inf], [0.0]]), np.array([1, 0])),
    (BCEWithLogitsLoss, np.array([[np.nan], [0.0]]), np.array([1, 0])),
    (SoftmaxCrossEntropyLoss, np.array([[np.inf, 0.0], [0.0, 1.0]]), np.array([0, 1])),
    (MSELoss, np.array([[1e300], [0.0]]), np.array([0.0, 0.0])),
    (BCELoss, np.array([[np.nan], [0.5]]), np.array([1, 0])),
]


@pytest.mark.parametrize("cls, pred, target", NON_FINITE,
                         ids=["logits-inf", "logits-nan", "softmax-inf", "mse-1e300", "bce-nan"])
def test_non_finite_predictions_warn_with_the_library_warning_only(cls, pred, target):
    # Item 7: an inf logit gave NaN plus NumPy's "invalid value" warning; MSE with 1e300
    # leaked an overflow warning. Now: the library's own warning, saying what is not finite.
    from mml4_lib.base import NonFiniteWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = cls().forward(pred, target)
    assert not math.isfinite(value)
    assert [w.category for w in caught] == [NonFiniteWarning]
    message = str(caught[0].message)
    assert message.startswith(f"{cls.__name__}: the loss is") and "diverged" in message
    assert "non-finite" in message or "too large" in message


@pytest.mark.parametrize("cls, pred, target", NON_FINITE[:3])
def test_non_finite_loss_is_silent_under_errstate_ignore_and_backward_warns_nothing(cls, pred,
                                                                                     target):
    loss = cls()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(invalid="ignore"):  # as fit and the explorers do
            assert not math.isfinite(loss.forward(pred, target))
        loss.backward()
