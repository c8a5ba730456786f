"""Chapter 1 checkers: the reference passes, typical mistakes get their hint, stubs are "to do"."""

import numpy as np
import pytest

from mml4_lib.exercises import NOT_ATTEMPTED
from mml4_lib.exercises.ch01 import check_log_loss_grad, check_sigmoid, log_loss_grad_reference


def _stub(*args):
    raise NotImplementedError


# ------------------------------------------------------------------ sigmoid
def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_sigmoid_reference_passes():
    assert check_sigmoid(stable_sigmoid).passed


def test_sigmoid_clipped_passes():
    # Clipping z to +-500 is a legitimate stable answer.
    assert check_sigmoid(lambda z: 1 / (1 + np.exp(-np.clip(z, -500, 500)))).passed


def test_sigmoid_stub_not_attempted():
    fb = check_sigmoid(_stub)
    assert fb.status == "not attempted" and fb.message == NOT_ATTEMPTED


@pytest.mark.parametrize("fn, words", [
    (lambda z: 1 / (1 + np.exp(-z)), "not stable"),              # overflow at z = -1000
    (lambda z: np.exp(z) / (1 + np.exp(z)), "not stable"),        # inf / inf at z = +1000
    (lambda z: 1 / (1 + np.exp(z)), "sigma(-z)"),                  # wrong sign
    (lambda z: float(1 / (1 + np.exp(-z[0]))), "elementwise"),     # scalar instead of array
    (lambda z: 1 - 1 / (1 + np.exp(np.clip(z, -500, 500))), "relative precision"),  # 1 - s(-z)
    (lambda z: np.tanh(z), "sigma(0) must be 0.5"),
])
def test_sigmoid_typical_mistakes(fn, words):
    fb = check_sigmoid(fn)
    assert fb.status == "hint" and words in fb.message, fb.message


# ------------------------------------------------------------------ log-loss gradient
def sigmoid(z):
    return stable_sigmoid(z)


def grad_ok(X, y, W, b):
    p = sigmoid(X @ W + b)
    err = p - y.reshape(-1, 1)
    return X.T @ err / len(X), err.mean(axis=0)


def test_reference_matches_finite_differences():
    # Independent check of the reference: centred differences of the mean log-loss.
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(8, 3)), (rng.random(8) < 0.5).astype(float)
    W, b = rng.normal(size=(3, 1)), rng.normal(size=1)

    def loss(W, b):
        p = sigmoid(X @ W + b).ravel()
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    h = 1e-6
    dW_num = np.zeros_like(W)
    for i in range(3):
        e = np.zeros_like(W)
        e[i] = h
        dW_num[i] = (loss(W + e, b) - loss(W - e, b)) / (2 * h)
    db_num = (loss(W, b + h) - loss(W, b - h)) / (2 * h)
    dW, db = log_loss_grad_reference(X, y, W, b)
    np.testing.assert_allclose(dW, dW_num, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(db, [db_num], rtol=1e-6, atol=1e-9)


def test_grad_reference_passes():
    assert check_log_loss_grad(grad_ok).passed


def test_grad_stub_not_attempted():
    assert check_log_loss_grad(_stub).status == "not attempted"


def _wrong_sign(X, y, W, b):
    dW, db = grad_ok(X, y, W, b)
    return -dW, -db


def _sum_not_mean(X, y, W, b):
    dW, db = grad_ok(X, y, W, b)
    return dW * len(X), db * len(X)


def _broadcast_trap(X, y, W, b):
    err = sigmoid(X @ W + b) - y  # (N, 1) - (N,) -> (N, N)
    return X.T @ err / len(X), err.mean(axis=0)


def _bias_zero(X, y, W, b):
    dW, _ = grad_ok(X, y, W, b)
    return dW, np.zeros(1)


def _bias_sum(X, y, W, b):
    dW, db = grad_ok(X, y, W, b)
    return dW, db * len(X)


def _bias_sign(X, y, W, b):
    dW, db = grad_ok(X, y, W, b)
    return dW, -db


def _flat_dW(X, y, W, b):
    dW, db = grad_ok(X, y, W, b)
    return dW.ravel(), db


def _logits(X, y, W, b):
    err = X @ W + b - y.reshape(-1, 1)
    return X.T @ err / len(X), err.mean(axis=0)


@pytest.mark.parametrize("fn, words", [
    (_wrong_sign, "wrong sign"),
    (_sum_not_mean, "N times too large"),
    (_broadcast_trap, "broadcasts to"),
    (_bias_zero, "db is 0"),
    (_bias_sum, "db is N times too large"),
    (_bias_sign, "db has the wrong sign"),
    (_flat_dW, "right values but shape (2,)"),
    (_logits, "logits"),
    (lambda X, y, W, b: grad_ok(X, y, W, b)[0], "pair"),
])
def test_grad_typical_mistakes(fn, words):
    fb = check_log_loss_grad(fn)
    assert fb.status == "hint" and words in fb.message, fb.message


def test_grad_crash_is_a_hint():
    fb = check_log_loss_grad(lambda X, y, W, b: X @ y)
    assert fb.status == "hint" and "raised" in fb.message


@pytest.mark.parametrize("make_db, got", [
    (lambda db: db[0], "a float"),                      # a NumPy scalar (0-d)
    (lambda db: np.asarray(db[0]), "an array of shape ()"),
    (lambda db: [float(db[0])], "a list"),
    (lambda db: db.reshape(1, 1), "an array of shape (1, 1)"),
])
def test_grad_db_of_another_shape_passes_with_a_note(make_db, got):
    # Right values, but not the array of shape (1,) that the exercise asks for: accepted,
    # and the success line says what to return.
    def fn(X, y, W, b):
        dW, db = grad_ok(X, y, W, b)
        return dW, make_db(db)

    fb = check_log_loss_grad(fn)
    assert fb.passed, fb.message
    assert "right values, but return db as an array of shape (1,)" in fb.message
    assert got in fb.message, fb.message


def test_grad_db_of_shape_1_has_no_note():
    assert "Note" not in check_log_loss_grad(grad_ok).message


def test_grad_db_wrong_value_prints_enough_digits():
    # db off by 1e-4 relative: the message must show two different numbers.
    def fn(X, y, W, b):
        dW, db = grad_ok(X, y, W, b)
        return dW, db * (1 + 1e-4)

    fb = check_log_loss_grad(fn)
    expected, got = fb.message.split("expected ")[1].split("; the bias")[0].split(", got ")
    assert expected != got and float(expected) != float(got), fb.message
