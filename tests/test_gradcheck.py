"""The gradient checker itself: known gradients, the error measure, catching a wrong backward."""

import numpy as np
import pytest

from mml4_lib.activations import Tanh
from mml4_lib.gradcheck import check_module_gradients, numerical_gradient, rel_error
from mml4_lib.layers import Dropout, Linear, Sequential


def rng(seed=0):
    return np.random.default_rng(seed)


# --- numerical_gradient -----------------------------------------------------------------


def test_numerical_gradient_of_a_known_function():
    x = rng().standard_normal((3, 4))
    grad = numerical_gradient(lambda: np.sum(x**3), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8, atol=1e-10)


def test_numerical_gradient_with_dout_is_the_gradient_of_the_weighted_sum():
    x = rng(1).standard_normal(5)
    dout = rng(2).standard_normal(5)
    grad = numerical_gradient(lambda: np.sin(x), x, dout=dout)
    np.testing.assert_allclose(grad, np.cos(x) * dout, rtol=1e-8, atol=1e-10)


def test_numerical_gradient_restores_x_even_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    numerical_gradient(lambda: float(x @ x), x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])

    def explode():
        raise ArithmeticError("boom")

    with pytest.raises(ArithmeticError):
        numerical_gradient(explode, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_bad_input():
    x = np.ones(3)
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(1.0, x)
    with pytest.raises(TypeError, match="x must be a float NumPy array, got int64"):
        numerical_gradient(lambda: 0.0, np.ones(3, dtype=np.int64))
    with pytest.raises(TypeError, match="x must be a float NumPy array, got list"):
        numerical_gradient(lambda: 0.0, [1.0])
    with pytest.raises(ValueError, match="h must be > 0, got 0.0"):
        numerical_gradient(lambda: 0.0, x, h=0)


# --- rel_error --------------------------------------------------------------------------


def test_rel_error_known_values():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [3.0]) == 0.5  # |1 - 3| / (1 + 3)
    assert rel_error([1.0, 10.0], [1.0, 11.0]) == pytest.approx(1 / 21)  # the max entry
    assert rel_error([0.0], [1e-10]) == pytest.approx(1e-2)  # floor 1e-8 in the denominator
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0


def test_rel_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))


# --- check_module_gradients -------------------------------------------------------------


class WrongBiasLinear(Linear):
    """A Linear whose db forgets to sum over the batch: what the checker must catch."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = dout[0]
        return dx


def test_check_module_gradients_passes_a_correct_layer_and_reports_every_array():
    x = rng(1).standard_normal((5, 4))
    errors = check_module_gradients(Linear(4, 3, rng=rng()), x, rng=rng(2))
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < 1e-7


def test_check_module_gradients_catches_a_wrong_backward():
    errors = check_module_gradients(
        WrongBiasLinear(4, 3, rng=rng()), rng(1).standard_normal((5, 4)), rng=rng(2)
    )
    assert errors["b"] > 1e-2
    assert errors["W"] < 1e-7 and errors["x"] < 1e-7


def test_check_module_gradients_freezes_dropout_masks():
    model = Sequential(
        Linear(4, 6, rng=rng()), Tanh(), Dropout(0.5, rng=rng(3)), Linear(6, 2, rng=rng())
    )
    x = rng(1).standard_normal((8, 4))
    errors = check_module_gradients(model, x, rng=rng(2))
    assert max(errors.values()) < 1e-7
    # Without freezing, every forward would draw a new mask and the estimate would be noise:
    dropout = Dropout(0.5, rng=rng(3))
    out = dropout.forward(x)
    dx = dropout.backward(np.ones_like(out))
    numeric = numerical_gradient(lambda: dropout.forward(x), x, dout=np.ones_like(out))
    assert rel_error(dx, numeric) > 1e-2


def test_check_module_gradients_leaves_x_alone():
    x = rng(1).standard_normal((5, 4))
    x0 = x.copy()
    check_module_gradients(Linear(4, 3, rng=rng()), x, rng=rng(2))
    np.testing.assert_array_equal(x, x0)


def test_check_module_gradients_bad_input():
    layer = Linear(2, 2, rng=rng())
    with pytest.raises(TypeError, match="module must be a Module"):
        check_module_gradients(np.tanh, np.ones((2, 2)), rng=rng())
    with pytest.raises(TypeError, match="x must be a NumPy array, got list"):
        check_module_gradients(layer, [[1.0, 2.0]], rng=rng())
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        check_module_gradients(layer, np.ones((2, 2)), rng=1)
