"""Chapter 6 checkers: the reference passes, typical mistakes get their hint, stubs are to-do."""

import numpy as np
import pytest

from mml4_lib.exercises import ch06


def _stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("checker", [ch06.check_half_squared_error, ch06.check_l1_step])
def test_stub_and_none_are_not_attempted(checker):
    assert checker(_stub).status == "not attempted"
    assert checker(None).status == "not attempted"


def test_config_none_is_not_attempted():
    assert ch06.check_xor_config(None).status == "not attempted"


# ----------------------------------------------------------------------------- the loss
def _half(out, t):
    diff = out - t[:, None]
    return 0.5 * np.mean(diff**2), diff / len(t)


def test_half_squared_error_reference_passes():
    fb = ch06.check_half_squared_error(_half)
    assert fb.passed, fb


def _with(loss=None, dout=None):
    def fn(out, t):
        ref_loss, ref_dout = _half(out, t)
        diff = out - t[:, None]
        return (ref_loss if loss is None else loss(diff),
                ref_dout if dout is None else dout(diff))
    return fn


@pytest.mark.parametrize("wrong, words", [
    (_with(loss=lambda d: np.mean(d**2)), "twice too large"),
    (_with(loss=lambda d: 0.5 * np.sum(d**2)), "sum over the batch"),
    (_with(loss=lambda d: np.sum(d**2)), "take the mean"),
    (_with(dout=lambda d: 2 * d / len(d)), "extra factor 2"),
    (_with(dout=lambda d: d), "missing the 1/N"),
    (_with(dout=lambda d: -d / len(d)), "wrong sign"),
    (_with(dout=lambda d: d.ravel() / len(d)), "give it the shape of out"),
    (lambda out, t: 0.5 * np.mean((out - t) ** 2), "return a pair"),
    (lambda out, t: (0.5 * (out - t) ** 2, (out - t[:, None]) / len(t)), "(N, N) table"),
    (_with(loss=lambda d: 0.3), "the loss should be"),
    # the mean of the (N, N) broadcast table: one number, the wrong one
    (lambda out, t: (0.5 * np.mean((out - t) ** 2), (out - t[:, None]) / len(t)),
     "broadcasts to an (8, 8) table"),
])
def test_half_squared_error_mistakes_get_specific_hints(wrong, words):
    fb = ch06.check_half_squared_error(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_half_squared_error_value_message_shows_the_difference():
    # a loss off by 5e-6 relative: "%.6g" would print both numbers alike
    fb = ch06.check_half_squared_error(_with(loss=lambda d: 0.5 * np.mean(d**2) * (1 + 5e-6)))
    expected, got = fb.message.split("should be ")[1].split(", got ")
    assert expected != got and float(expected) != float(got), fb.message


# ----------------------------------------------------------------------------- L1 step
def _l1(w, grad, lr, rate):
    w_half = w - lr * grad
    w_new = w_half - lr * rate * np.sign(w)
    w_new[w_half * w_new < 0] = 0.0
    return w_new


def test_l1_step_reference_passes():
    fb = ch06.check_l1_step(_l1)
    assert fb.passed and "became exactly 0" in fb.message, fb


def _l1_unscaled(w, grad, lr, rate):
    w_half = w - lr * grad
    w_new = w_half - rate * np.sign(w)  # forgot lr on the penalty's step
    w_new[w_half * w_new < 0] = 0.0
    return w_new


@pytest.mark.parametrize("wrong, words", [
    (lambda w, g, lr, r: w - lr * g - lr * r * np.sign(w), "become exactly 0"),
    (lambda w, g, lr, r: w - lr * g - lr * r * w, "L2 step"),
    (lambda w, g, lr, r: w - lr * g, "L1 step is missing"),
    (lambda w, g, lr, r: _l1_unscaled(w, g, lr, r), "scaled by the learning rate"),
    (lambda w, g, lr, r: _l1(w - lr * g, 0 * g, lr, r), "sign(w)"),
    (lambda w, g, lr, r: np.where(w * (w - lr * g - lr * r * np.sign(w)) < 0, 0.0,
                                  w - lr * g - lr * r * np.sign(w)), "not with the old w"),
    (lambda w, g, lr, r: _l1(w, g, lr, r)[:-1], "shape"),
    (lambda w, g, lr, r: _l1(w, g, lr, 2 * r), "wrong values"),
])
def test_l1_step_mistakes_get_specific_hints(wrong, words):
    fb = ch06.check_l1_step(wrong)
    assert fb.status == "hint" and words in fb.message, fb


def test_l1_step_does_not_mutate_the_checker():
    def in_place(w, g, lr, r):
        w -= lr * g  # modifies the learner's copy only
        return _l1(w + lr * g, g, lr, r)
    assert ch06.check_l1_step(in_place).passed


# ----------------------------------------------------------------------------- xor config
def test_xor_config_solution_passes():
    fb = ch06.check_xor_config("dataset=xor&hidden=&features=x1*x2")
    assert fb.passed and "x1*x2" in fb.message, fb


@pytest.mark.parametrize("wrong, words", [
    ("dataset=xor&hidden=", "Which of the input features"),
    ("dataset=xor&hidden=4", "no hidden layers"),
    ("hidden=&features=x1*x2", "set dataset=xor"),
    # seed 1 starts with a negative weight on x1*x2, and lr 1e-5 cannot turn it around
    ("dataset=xor&hidden=&features=x1*x2&lr=0.00001&seed=1", "check the learning rate"),
    # seed 0's initial weights already give 100 % test accuracy: nothing learned at lr 1e-5
    ("dataset=xor&hidden=&features=x1*x2&lr=0.00001", "hardly changed the loss"),
    ("dataset=xor&hidden=&features=x1*x2&lr=0.0001", "hardly changed the loss"),
    ("dataset=xor&hiden=", "does not parse"),
])
def test_xor_config_mistakes_get_specific_hints(wrong, words):
    fb = ch06.check_xor_config(wrong)
    assert fb.status == "hint" and words in fb.message, fb
