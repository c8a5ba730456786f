"""Activation functions and modules: known values, derivatives, stability, dtypes, errors."""

import math

import numpy as np
import pytest

from mml4_lib import activations as act
from mml4_lib.layers import Module

FUNCTIONS = {
    "sigmoid": (act.sigmoid, act.sigmoid_grad),
    "tanh": (act.tanh, act.tanh_grad),
    "relu": (act.relu, act.relu_grad),
    "leaky_relu": (act.leaky_relu, act.leaky_relu_grad),
}
MODULES = {
    "sigmoid": act.Sigmoid,
    "tanh": act.Tanh,
    "relu": act.ReLU,
    "leaky_relu": act.LeakyReLU,
    "linear": act.Identity,
}


def away_from_kink(rng, shape):
    """Values with |z| >= 0.1, so relu's kink at 0 is never within a finite-difference step."""
    z = rng.standard_normal(shape)
    return z + 0.1 * np.sign(z)


# --- known values -----------------------------------------------------------------------


def test_sigmoid_known_values():
    assert act.sigmoid(0.0) == 0.5
    assert act.sigmoid(math.log(3.0)) == pytest.approx(0.75, rel=1e-15)
    z = np.array([-5.0, -1.0, 0.5, 2.0, 7.0])
    expected = [1 / (1 + math.exp(-v)) for v in z]
    np.testing.assert_allclose(act.sigmoid(z), expected, rtol=1e-15)


def test_sigmoid_is_exact_and_silent_at_plus_minus_1000():
    z = np.array([-1000.0, -745.0, -30.0, 30.0, 745.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = act.sigmoid(z)
        g = act.sigmoid_grad(z)
    assert s[0] == 0.0 and s[-1] == 1.0
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(g))
    # Relative accuracy in the far left tail, where 1 / (1 + exp(-z)) would need exp(30).
    assert s[2] == pytest.approx(1 / (1 + math.exp(30.0)), rel=1e-14)
    assert g[0] == 0.0 and g[-1] == 0.0
    assert g[3] == pytest.approx(math.exp(-30.0) / (1 + math.exp(-30.0)) ** 2, rel=1e-12)


def test_sigmoid_symmetry():
    z = np.linspace(-40, 40, 81)
    np.testing.assert_allclose(act.sigmoid(-z), 1 - act.sigmoid(z), atol=1e-16)


def test_known_derivative_values():
    assert act.sigmoid_grad(0.0) == 0.25
    assert act.tanh(0.0) == 0.0
    assert act.tanh_grad(0.0) == 1.0
    np.testing.assert_array_equal(act.relu([-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu_grad([-2.0, 0.0, 3.0]), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(act.leaky_relu([-2.0, 0.0, 3.0], alpha=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(act.leaky_relu_grad([-2.0, 0.0, 3.0], alpha=0.1), [0.1, 0.1, 1.0])
    np.testing.assert_allclose(act.leaky_relu([-100.0]), [-1.0])  # default alpha = 0.01


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_grad_matches_centered_differences(name):
    f, f_grad = FUNCTIONS[name]
    z = away_from_kink(np.random.default_rng(0), (50,)) * 3
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(f_grad(z), numeric, rtol=1e-7, atol=1e-9)


def test_identity_returns_a_new_equal_array():
    z = np.array([1.0, -2.0])
    out = act.identity(z)
    out[0] = 5.0
    np.testing.assert_array_equal(z, [1.0, -2.0])


def test_integer_input_gives_float_output():
    for f in (act.sigmoid, act.relu, act.relu_grad, act.leaky_relu, act.identity, act.tanh):
        assert f(np.array([1, -2])).dtype == np.float64


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_functions_keep_float32(name):
    f, f_grad = FUNCTIONS[name]
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    assert f(z).dtype == np.float32
    assert f_grad(z).dtype == np.float32


@pytest.mark.parametrize("alpha", [1.0, 1.5, -0.1, float("nan")])
def test_leaky_relu_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match=r"alpha .* must be in \[0, 1\)"):
        act.leaky_relu(np.zeros(2), alpha=alpha)
    with pytest.raises(ValueError, match="alpha"):
        act.LeakyReLU(alpha)


def test_leaky_relu_rejects_non_number_alpha():
    with pytest.raises(TypeError, match="alpha must be a number"):
        act.LeakyReLU("0.1")


# --- modules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "f", "f_grad"),
    [
        (act.Sigmoid(), act.sigmoid, act.sigmoid_grad),
        (act.Tanh(), act.tanh, act.tanh_grad),
        (act.ReLU(), act.relu, act.relu_grad),
        (
            act.LeakyReLU(0.2),
            lambda z: act.leaky_relu(z, 0.2),
            lambda z: act.leaky_relu_grad(z, 0.2),
        ),
        (act.Identity(), act.identity, np.ones_like),
    ],
    ids=["sigmoid", "tanh", "relu", "leaky_relu", "identity"],
)
def test_module_forward_backward_match_functions(module, f, f_grad):
    rng = np.random.default_rng(1)
    x = away_from_kink(rng, (6, 4))
    dout = rng.standard_normal((6, 4))
    x_before, dout_before = x.copy(), dout.copy()
    np.testing.assert_allclose(module.forward(x), f(x), rtol=1e-15)
    np.testing.assert_allclose(module.backward(dout), dout * f_grad(x), rtol=1e-12)
    np.testing.assert_array_equal(x, x_before)  # the caller's arrays are not modified
    np.testing.assert_array_equal(dout, dout_before)
    assert module.params == {} and module.grads == {}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_silent_and_finite_at_1000(name):
    module = MODULES[name]()
    x = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = module.forward(x)
        dx = module.backward(np.ones_like(x))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_keep_float32(name):
    module = MODULES[name]()
    x = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    assert module.forward(x).dtype == np.float32
    assert module.backward(np.ones_like(x)).dtype == np.float32


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_backward_before_forward_raises(name):
    module = MODULES[name]()
    with pytest.raises(RuntimeError, match="backward called before forward"):
        module.backward(np.ones((2, 3)))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_rejects_bad_input_and_dout(name):
    module = MODULES[name]()
    with pytest.raises(TypeError, match="input x must be a NumPy array, got list"):
        module.forward([[1.0, 2.0]])
    module.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape .* \(2, 3\), got \(3, 2\)"):
        module.backward(np.ones((3, 2)))


def test_modules_keep_only_what_backward_needs():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    tanh = act.Tanh()
    out = tanh.forward(x)
    assert tanh.out is out  # tanh' = 1 - out^2 needs only the output
    relu = act.ReLU()
    relu.forward(x)
    np.testing.assert_array_equal(relu.mask, x > 0)


def test_modules_start_in_training_mode_and_switch():
    module = act.Tanh()
    assert isinstance(module, Module) and module.training
    assert module.eval() is module and not module.training
    assert module.train().training


# --- get_activation ---------------------------------------------------------------------


@pytest.mark.parametrize("name", act.ACTIVATIONS)
def test_get_activation_returns_fresh_modules(name):
    a, b = act.get_activation(name), act.get_activation(name)
    assert type(a) is MODULES[name]
    assert a is not b


def test_get_activation_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'softplus'") as info:
        act.get_activation("softplus")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "linear"):
        assert name in str(info.value)


def test_get_activation_rejects_non_string():
    with pytest.raises(TypeError, match="name must be a str, got Tanh"):
        act.get_activation(act.Tanh())


# --- issue 14 item 10: clear errors for non-numbers; floats from every module -------------------


@pytest.mark.parametrize("f", [act.sigmoid, act.tanh, act.relu, act.sigmoid_grad, act.identity])
def test_functions_reject_none_and_strings(f):
    with pytest.raises(TypeError, match=r"^z must be a number or an array of numbers, got None"):
        f(None)
    with pytest.raises(TypeError, match=r"got an array of dtype <U3"):
        f(np.array(["abc", "def"]))


@pytest.mark.parametrize("cls", [act.Sigmoid, act.Tanh, act.ReLU, act.LeakyReLU, act.Identity])
def test_modules_reject_string_arrays(cls):
    with pytest.raises(TypeError, match=r"input x must be an array of numbers, got dtype <U1"):
        cls().forward(np.array([["1", "2"]]))


@pytest.mark.parametrize("cls", [act.Sigmoid, act.Tanh, act.ReLU, act.LeakyReLU])
def test_modules_return_floats_for_integer_input(cls):
    out = cls().forward(np.array([[-2, 0, 3]]))
    assert out.dtype == np.float64
