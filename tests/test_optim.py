"""Optimizers: every step against an update computed by hand, state, bad input."""

import math

import numpy as np
import pytest

from mml4_lib.optim import SGD, Adam, is_decayed


def test_sgd_plain_step_in_place():
    W = np.array([[1.0, -2.0]])
    params = {"W": W}
    SGD(lr=0.1).step(params, {"W": np.array([[0.5, -0.5]])})
    assert params["W"] is W  # updated in place, the model keeps its array
    np.testing.assert_allclose(W, [[0.95, -1.95]])


def test_sgd_momentum_pytorch_form_two_steps():
    p = np.array([1.0])
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step({"W": p}, {"W": np.array([2.0])})
    # v1 = g1 = 2, p1 = 1 - 0.1 * 2
    np.testing.assert_allclose(p, [0.8])
    opt.step({"W": p}, {"W": np.array([-1.0])})
    # v2 = 0.9 * 2 + (-1) = 0.8, p2 = 0.8 - 0.1 * 0.8
    np.testing.assert_allclose(p, [0.72])


def test_weight_decay_applies_to_weights_not_biases_or_batchnorm():
    params = {name: np.array([2.0]) for name in ("0.W", "0.b", "1.gamma", "1.beta", "w")}
    zero = {name: np.zeros(1) for name in params}
    SGD(lr=0.5, weight_decay=0.1).step(params, zero)
    # weights: p - lr * wd * p = 2 - 0.5 * 0.1 * 2
    assert params["0.W"][0] == pytest.approx(1.9)
    assert params["w"][0] == pytest.approx(1.9)
    for name in ("0.b", "1.gamma", "1.beta"):
        assert params[name][0] == 2.0


def test_weight_decay_enters_momentum():
    p = np.array([1.0])
    opt = SGD(lr=0.1, momentum=0.5, weight_decay=0.2)
    opt.step({"W": p}, {"W": np.array([0.0])})
    # g = 0 + 0.2 * 1 = 0.2; v = 0.2; p = 1 - 0.02 = 0.98
    np.testing.assert_allclose(p, [0.98])
    opt.step({"W": p}, {"W": np.array([0.0])})
    # g = 0.2 * 0.98 = 0.196; v = 0.5 * 0.2 + 0.196 = 0.296; p = 0.98 - 0.0296
    np.testing.assert_allclose(p, [0.9504])


def test_is_decayed_rule():
    assert is_decayed("0.W") and is_decayed("w") and is_decayed("3.W")
    assert not any(is_decayed(n) for n in ("0.b", "b", "2.gamma", "2.beta"))


def test_l1_shrinks_and_kills_weights_that_cross_zero():
    W = np.array([0.3, -0.3, 0.01, -0.01, 0.0])
    b = np.array([0.01])
    opt = SGD(lr=0.1, l1=0.5)  # the L1 step moves each weight by lr * l1 = 0.05 towards 0
    opt.step({"W": W, "b": b}, {"W": np.zeros(5), "b": np.zeros(1)})
    # 0.01 and -0.01 would cross zero: they become exactly 0; 0 has sign 0 and stays put
    np.testing.assert_allclose(W, [0.25, -0.25, 0.0, 0.0, 0.0])
    assert b[0] == 0.01  # no L1 on biases
    # Next step with gradients that push every weight up: dead weights stay 0,
    # the weight that was 0 without crossing is alive and moves.
    opt.step({"W": W, "b": b}, {"W": -np.ones(5), "b": np.zeros(1)})
    # 0.25 + 0.1 - 0.05 = 0.3; -0.25 + 0.1 + 0.05 = -0.1; 0 + 0.1 - 0 (sign was 0) = 0.1
    np.testing.assert_allclose(W, [0.3, -0.1, 0.0, 0.0, 0.1])
    assert W[2] == 0 and W[3] == 0


def test_l1_crossing_by_the_gradient_step_is_not_death():
    # Playground rule: only a crossing during the L1 step kills. Here the gradient step
    # takes 0.01 to -0.09, then L1 (sign of the old weight, +1) subtracts 0.001.
    W = np.array([0.01])
    opt = SGD(lr=0.1, l1=0.01)
    opt.step({"W": W}, {"W": np.array([1.0])})
    np.testing.assert_allclose(W, [-0.091])
    opt.step({"W": W}, {"W": np.array([0.0])})
    np.testing.assert_allclose(W, [-0.09])


def test_adam_first_two_steps_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    p = np.array([1.0])
    opt = Adam(lr=lr, betas=(b1, b2), eps=eps)
    opt.step({"0.W": p}, {"0.W": np.array([0.5])})
    # m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25; m_hat = 0.5, v_hat = 0.25
    expected = 1.0 - lr * 0.5 / (math.sqrt(0.25) + eps)
    assert p[0] == pytest.approx(expected, rel=1e-12)
    opt.step({"0.W": p}, {"0.W": np.array([-1.0])})
    m = 0.9 * 0.05 + 0.1 * -1.0
    v = 0.999 * 0.00025 + 0.001 * 1.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected -= lr * m_hat / (math.sqrt(v_hat) + eps)
    assert p[0] == pytest.approx(expected, rel=1e-12)


def test_adam_state_is_per_name():
    opt = Adam(lr=0.1)
    a, b = np.array([0.0]), np.array([0.0])
    opt.step({"a": a}, {"a": np.array([1.0])})
    opt.step({"a": a, "b": b}, {"a": np.array([1.0]), "b": np.array([1.0])})
    # b's first step is a bias-corrected first step: exactly lr * sign(g) (up to eps)
    assert b[0] == pytest.approx(-0.1)
    assert opt.state["a"][0] == 2 and opt.state["b"][0] == 1


def test_adam_weight_decay_only_on_weights():
    params = {"W": np.array([1.0]), "b": np.array([1.0])}
    Adam(lr=0.1, weight_decay=0.5).step(params, {"W": np.zeros(1), "b": np.zeros(1)})
    assert params["W"][0] == pytest.approx(0.9)  # g = 0.5 -> a first step of lr
    assert params["b"][0] == 1.0


@pytest.mark.parametrize("opt", [SGD(lr=0.1, momentum=0.9, l1=0.01), Adam()])
def test_float32_parameters_stay_float32(opt):
    W = np.ones((2, 2), dtype=np.float32)
    opt.step({"W": W}, {"W": np.ones((2, 2))})
    assert W.dtype == np.float32


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": -0.1}, ValueError, r"lr must be a finite number >= 0, got -0.1"),
        ({"lr": float("nan")}, ValueError, r"lr must be a finite number >= 0"),
        ({"lr": "0.1"}, TypeError, r"lr must be a number, got '0.1'"),
        ({"lr": 0.1, "momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\), got 1.0"),
        ({"lr": 0.1, "momentum": -0.5}, ValueError, r"momentum must be in \[0, 1\)"),
        ({"lr": 0.1, "weight_decay": -1}, ValueError, r"weight_decay must be a finite number"),
        ({"lr": 0.1, "l1": -1}, ValueError, r"l1 must be a finite number >= 0, got -1"),
    ],
)
def test_sgd_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        SGD(**kwargs)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": -1}, ValueError, r"Adam: lr must be a finite number >= 0"),
        ({"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\), got 1.0"),
        ({"betas": (0.9, -0.1)}, ValueError, r"betas\[1\] must be in \[0, 1\)"),
        ({"betas": 0.9}, ValueError, r"betas must be a pair"),
        ({"eps": 0}, ValueError, r"eps must be > 0"),
        ({"weight_decay": -0.1}, ValueError, r"weight_decay must be a finite number >= 0"),
    ],
)
def test_adam_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Adam(**kwargs)


@pytest.mark.parametrize("opt", [SGD(lr=0.1), Adam()], ids=["SGD", "Adam"])
def test_step_rejects_mismatched_names_and_shapes(opt):
    with pytest.raises(ValueError, match=r"missing in grads: \['b'\], not in params: \['c'\]"):
        opt.step({"W": np.ones(2), "b": np.ones(2)}, {"W": np.ones(2), "c": np.ones(2)})
    with pytest.raises(ValueError, match=r"grads\['W'\] must have the shape .*\(2,\), got \(3,\)"):
        opt.step({"W": np.ones(2)}, {"W": np.ones(3)})
    with pytest.raises(TypeError, match="must be dicts"):
        opt.step([np.ones(2)], [np.ones(2)])


@pytest.mark.parametrize("opt", [SGD(lr=0.1, momentum=0.9), Adam()], ids=["SGD", "Adam"])
def test_state_from_another_model_rejected(opt):
    opt.step({"W": np.ones(2)}, {"W": np.ones(2)})
    with pytest.raises(ValueError, match="one optimizer per model"):
        opt.step({"W": np.ones(3)}, {"W": np.ones(3)})


@pytest.mark.parametrize("opt", [SGD(lr=0.1), Adam()], ids=["SGD", "Adam"])
def test_step_names_lists_and_integer_parameters(opt):
    # Issue 14 item 10: lists gave "'list' object has no attribute 'shape'", an integer
    # parameter array a UFuncTypeError.
    name = type(opt).__name__
    with pytest.raises(TypeError, match=rf"^{name}.step: params\['w'\] must be a float NumPy "
                                        r"array \(it is updated in place\), got list"):
        opt.step({"w": [1.0, 2.0]}, {"w": np.ones(2)})
    with pytest.raises(TypeError, match=r"params\['w'\] must be a float NumPy array .*got a "
                                        r"int64 array"):
        opt.step({"w": np.array([1, 2])}, {"w": np.ones(2)})
    with pytest.raises(TypeError, match=r"grads\['w'\] must be a NumPy array, got list"):
        opt.step({"w": np.ones(2)}, {"w": [1.0, 2.0]})
