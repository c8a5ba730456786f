"""Activation functions and modules: known values, derivatives, stability, dtypes, errors,
ELU/GELU/SiLU against high-precision references (mpmath), and each class's descriptor."""

import math

import mpmath
import numpy as np
import pytest

from mml4_lib import activations as act
from mml4_lib.layers import Module

FUNCTIONS = {
    "sigmoid": (act.sigmoid, act.sigmoid_grad),
    "tanh": (act.tanh, act.tanh_grad),
    "relu": (act.relu, act.relu_grad),
    "leaky_relu": (act.leaky_relu, act.leaky_relu_grad),
    "elu": (act.elu, act.elu_grad),
    "gelu": (act.gelu, act.gelu_grad),
    "silu": (act.silu, act.silu_grad),
}
MODULES = {
    "sigmoid": act.Sigmoid,
    "tanh": act.Tanh,
    "relu": act.ReLU,
    "leaky_relu": act.LeakyReLU,
    "linear": act.Identity,
    "elu": act.ELU,
    "gelu": act.GELU,
    "silu": act.SiLU,
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
    for f in (act.sigmoid, act.relu, act.relu_grad, act.leaky_relu, act.identity, act.tanh,
              act.elu, act.elu_grad, act.gelu, act.gelu_grad, act.silu, act.silu_grad):
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
        (act.ELU(), act.elu, act.elu_grad),
        (act.GELU(), act.gelu, act.gelu_grad),
        (act.SiLU(), act.silu, act.silu_grad),
    ],
    ids=["sigmoid", "tanh", "relu", "leaky_relu", "identity", "elu", "gelu", "silu"],
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


def test_get_activation_passes_alpha_to_leaky_relu_only():
    assert act.get_activation("leaky_relu", alpha=0.2).alpha == 0.2
    with pytest.raises(TypeError, match=r"'gelu' takes no parameters, got \['alpha'\]"):
        act.get_activation("gelu", alpha=0.2)
    with pytest.raises(TypeError, match=r"'leaky_relu' takes only alpha, got \['beta'\]"):
        act.get_activation("leaky_relu", beta=0.2)


def test_activation_class_errors():
    with pytest.raises(ValueError, match="unknown activation 'softplus'; valid names are sigmoid"):
        act.activation_class("softplus")
    with pytest.raises(TypeError, match="activation name must be a str, got ReLU"):
        act.activation_class(act.ReLU())


# --- ELU, GELU, SiLU against mpmath -------------------------------------------------------
# Reference values at 40 significant digits from the exact float64 inputs. Tolerance: the
# error must be below 1e-12 * scale. scale is |reference| for the functions (a relative
# check), and for the derivatives of GELU and SiLU the sum of the absolute values of the two
# terms of the formula (Phi + |z| phi, sigma + |z| sigma (1 - sigma)): equal to |reference|
# away from the derivative's root (z = -0.75 and -1.28), where the terms cancel and only an
# absolute accuracy relative to them is possible. Results below the smallest normal float64
# (2.2e-308: GELU and its derivative left of z = -37.5) are subnormal, with fewer digits; there
# scale = 2.2e-308, an absolute check at 2.2e-320.

mpmath.mp.dps = 40


def _mp_sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


REFERENCES = {  # name -> (value, derivative, scale of the derivative), mpf -> mpf
    "elu": (lambda x: x if x > 0 else mpmath.expm1(x),
            lambda x: mpmath.mpf(1) if x > 0 else mpmath.exp(x),
            lambda x: mpmath.mpf(1) if x > 0 else mpmath.exp(x)),
    "gelu": (lambda x: x * mpmath.ncdf(x),
             lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x),
             lambda x: mpmath.ncdf(x) + abs(x) * mpmath.npdf(x)),
    "silu": (lambda x: x * _mp_sigmoid(x),
             lambda x: _mp_sigmoid(x) * (1 + x * (1 - _mp_sigmoid(x))),
             lambda x: _mp_sigmoid(x) * (1 + abs(x) * (1 - _mp_sigmoid(x)))),
}
# -40 ... 40 in steps of 1/8, random points, tiny values, the ends of Cody's intervals for
# Phi (|z| = 0.46875 sqrt 2 and 4 sqrt 2) with their neighbours, and the derivatives' roots.
_ENDS = np.array([0.46875, 4.0]) * math.sqrt(2)
_ENDS = np.concatenate([_ENDS, np.nextafter(_ENDS, 0), np.nextafter(_ENDS, 9)])
GRID = np.concatenate([
    np.linspace(-40, 40, 641),
    np.random.default_rng(7).uniform(-40, 40, 200),
    np.random.default_rng(8).standard_normal(100),
    [1e-300, -1e-300, 5e-324, -5e-324, 1e-12, -1e-12, 1e-6, -1e-6, 0.0],
    _ENDS, -_ENDS,
    [-0.7517915247, -0.7517915246, -1.2784645428, -1.2784645427],
])


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_modern_activations_match_mpmath_to_1e_12(name):
    f, f_grad = FUNCTIONS[name]
    value, derivative, derivative_scale = REFERENCES[name]
    tiny = np.finfo(np.float64).tiny
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got, got_grad = f(GRID), f_grad(GRID)
    for z, v, g in zip(GRID, got, got_grad, strict=True):
        x = mpmath.mpf(float(z))  # exactly the float64 input
        ref = value(x)
        assert abs(v - ref) <= 1e-12 * max(abs(ref), tiny), f"{name}({z!r}) = {v!r}, not {ref}"
        ref = derivative(x)
        scale = max(derivative_scale(x), tiny)
        assert abs(g - ref) <= 1e-12 * scale, f"{name}_grad({z!r}) = {g!r}, not {ref}"


def test_modules_match_their_functions_far_out():
    x = np.array([[-1e4, -900.0, -50.0, -5.0, 5.0, 50.0, 900.0, 1e4]])
    for cls in (act.ELU, act.GELU, act.SiLU):
        f, f_grad = FUNCTIONS[cls.name]
        module = cls()
        np.testing.assert_array_equal(module.forward(x), f(x), err_msg=cls.name)
        # ELU's backward takes exp(x) as out + 1 (from the output, as PyTorch does): exact
        # up to the rounding of out, an absolute 1.1e-16, so exp(-50) = 2e-22 comes out as 0.
        atol = 1.2e-16 if cls is act.ELU else 0
        np.testing.assert_allclose(module.backward(np.ones_like(x)), f_grad(x), rtol=1e-15,
                                   atol=atol, err_msg=cls.name)


def test_gelu_in_float32_agrees_with_float64():
    # float32 input is computed in float32 arithmetic (fast); it must still be as accurate
    # as float32 values are.
    z = np.linspace(-40, 40, 8001).astype(np.float32)
    for f, atol in ((act.gelu, 1e-37), (act.gelu_grad, 1e-7)):
        got = f(z)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, f(z.astype(np.float64)), rtol=2e-6, atol=atol,
                                   err_msg=f.__name__)


def test_modern_activations_at_infinity_and_nan():
    z = np.array([-np.inf, np.inf, np.nan])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for f, expected in ((act.elu, [-1, np.inf]), (act.gelu, [0, np.inf]),
                            (act.silu, [0, np.inf]), (act.elu_grad, [0, 1]),
                            (act.gelu_grad, [0, 1]), (act.silu_grad, [0, 1])):
            out = f(z)
            np.testing.assert_array_equal(out[:2], expected, err_msg=f.__name__)
            assert np.isnan(out[2]), f.__name__


def test_modern_activations_known_values():
    assert act.gelu(0.0) == 0.0 and act.gelu_grad(0.0) == 0.5
    assert act.silu(0.0) == 0.0 and act.silu_grad(0.0) == 0.5
    assert act.elu(0.0) == 0.0 and act.elu_grad(0.0) == 1.0
    # GELU(z) = z Phi(z) and Phi(1) = 0.8413447460685429 (the 68-95-99.7 rule's 1 sigma)
    assert act.gelu(1.0) == pytest.approx(0.8413447460685429, rel=1e-15)
    assert act.silu(1.0) == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-15)
    assert act.elu(-1.0) == pytest.approx(math.exp(-1) - 1, rel=1e-15)


# --- descriptors --------------------------------------------------------------------------


def test_registry_is_derived_from_the_classes():
    names = [cls.name for cls in act.ACTIVATION_CLASSES]
    assert act.ACTIVATIONS == tuple(names)
    assert act.ACTIVATIONS[:5] == ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
    assert act.ACTIVATIONS[5:] == ("elu", "gelu", "silu")
    labels = [cls.label for cls in act.ACTIVATION_CLASSES]
    assert len(set(names)) == len(names) and len(set(labels)) == len(labels)
    for cls in act.ACTIVATION_CLASSES:
        assert act.activation_class(cls.name) is cls
        assert type(act.get_activation(cls.name)) is cls
        assert isinstance(cls.label, str) and cls.label
    # Every public activation class of the module is registered (none can be forgotten).
    public = {obj for name, obj in vars(act).items() if isinstance(obj, type)
              and issubclass(obj, act.Activation) and obj is not act.Activation
              and not name.startswith("_")}
    assert public == set(act.ACTIVATION_CLASSES)


def test_labels():
    assert {c.name: c.label for c in act.ACTIVATION_CLASSES} == {
        "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU",
        "linear": "linear", "elu": "ELU", "gelu": "GELU", "silu": "SiLU"}


def test_plot_ranges_and_ticks():
    # The explorers' fixed histogram ranges (their frames depend on these exact values).
    known = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (-0.5, 3.5),
             "leaky_relu": (-0.5, 3.5)}
    for cls in act.ACTIVATION_CLASSES:
        low, high = cls.plot_range
        assert math.isfinite(low) and math.isfinite(high) and low < high, cls.name
        assert known.get(cls.name, cls.plot_range) == cls.plot_range
        assert list(cls.ticks) == sorted(cls.ticks) and len(cls.ticks) >= 2
        assert low <= cls.ticks[0] and cls.ticks[-1] <= high, cls.name


def test_output_range_holds_the_values_and_bounded_means_plot_range_is_it():
    z = np.linspace(-50, 50, 100_001)
    for cls in act.ACTIVATION_CLASSES:
        h = cls().forward(z[None])[0]
        low, high = cls.output_range
        assert low <= h.min() and h.max() <= high, cls.name
        assert cls.bounded == (cls.plot_range == cls.output_range), cls.name
        # a bounded range is attained up to the grid: the function gets within 1e-3 of it
        if math.isfinite(low):
            assert h.min() - low < 1e-3, cls.name
    assert [c.name for c in act.ACTIVATION_CLASSES if c.bounded] == ["sigmoid", "tanh"]


@pytest.mark.parametrize(("cls", "start"), [(act.GELU, -0.75), (act.SiLU, -1.28)])
def test_gelu_and_silu_minimum_is_the_lower_end_of_output_range(cls, start):
    value, derivative, _ = REFERENCES[cls.name]
    z_min = mpmath.findroot(derivative, start)
    assert float(value(z_min)) == pytest.approx(cls.output_range[0], rel=1e-12)


@pytest.mark.parametrize("cls", act.ACTIVATION_CLASSES, ids=lambda c: c.name)
def test_inactive_words(cls):
    assert cls.inactive_word in ("saturated", "off")
    assert cls.inactive_short == {"saturated": "sat", "off": "off"}[cls.inactive_word]
    assert len(cls.inactive_short) <= 3
    expected_off = {"relu", "leaky_relu", "gelu", "silu"}  # ReLU never saturates: it turns off
    assert (cls.inactive_word == "off") == (cls.name in expected_off)


def test_inactive_rules():
    z = np.concatenate([np.linspace(-60, 60, 24_001), [0.0, -0.0, -1e-300, 1e-300]])
    # ELU: saturated where its slope exp(z) = out + 1 is below 0.03 (sigmoid's criterion)
    out = act.elu(z)
    away = np.abs(z - math.log(0.03)) > 1e-9
    np.testing.assert_array_equal(act.ELU.inactive(out)[away], (act.elu_grad(z) < 0.03)[away])
    # GELU, SiLU (and ReLU, Leaky ReLU): off exactly on the negative side z <= 0
    for cls in (act.GELU, act.SiLU, act.ReLU, act.LeakyReLU):
        out = cls().forward(z[None])[0]
        np.testing.assert_array_equal(cls.inactive(out), z <= 0, err_msg=cls.name)
    assert not act.Identity.inactive(z).any()
    np.testing.assert_array_equal(act.Tanh.inactive([0.97, 0.9701, -0.98]), [False, True, True])
    np.testing.assert_array_equal(act.Sigmoid.inactive([0.03, 0.029, 0.97, 0.971]),
                                  [False, True, False, True])


def _second_moment_ratio(make, s):
    """E[h(z)^2] / Var(z) for z ~ N(0, s^2): Simpson's rule on each side of the kink at 0.

    E[h(z)^2] = integral of h(s u)^2 phi(u) du over u in [-12, 12] (the rest is < 1e-30),
    100,000 intervals a side: accurate to ~1e-13 for these piecewise smooth integrands.
    """
    u = np.linspace(0, 12, 100_001)
    weights = np.ones(u.size)
    weights[1:-1:2], weights[2:-1:2] = 4, 2
    total = 0.0
    for side in (-1, 1):
        h = make().forward(side * s * u[None])[0]
        total += (u[1] / 3) * weights @ (h**2 * np.exp(-u * u / 2) / math.sqrt(2 * math.pi))
    return total / s**2


@pytest.mark.parametrize("cls", act.ACTIVATION_CLASSES, ids=lambda c: c.name)
def test_moment_factor_is_the_constant_second_moment_ratio(cls):
    ratios = [_second_moment_ratio(cls, s) for s in (0.5, 1.0, 2.0)]
    if cls.moment_factor is None:  # the ratio depends on Var(z): no constant to give
        assert max(ratios) > 1.05 * min(ratios), (cls.name, ratios)
    else:
        np.testing.assert_allclose(ratios, cls.moment_factor, rtol=1e-9, err_msg=cls.name)


def test_leaky_relu_factors_follow_its_alpha():
    for alpha in (0.0, 0.01, 0.2):
        leaky = act.LeakyReLU(alpha)
        assert leaky.moment_factor == (1 + alpha**2) / 2
        assert leaky.gain == math.sqrt(2 / (1 + alpha**2))
        assert _second_moment_ratio(lambda a=alpha: act.LeakyReLU(a), 1.3) == pytest.approx(
            leaky.moment_factor, rel=1e-9)
    assert act.LeakyReLU.moment_factor == act.LeakyReLU().moment_factor  # class: alpha = 0.01


def test_gains_are_pytorchs():
    # torch.nn.init.calculate_gain: linear/sigmoid 1, tanh 5/3, relu sqrt(2),
    # leaky_relu sqrt(2 / (1 + slope^2)) with the default slope 0.01; none for ELU, GELU, SiLU.
    expected = {"sigmoid": 1.0, "tanh": 5 / 3, "relu": math.sqrt(2.0),
                "leaky_relu": math.sqrt(2 / (1 + 0.01**2)), "linear": 1.0,
                "elu": None, "gelu": None, "silu": None}
    assert {c.name: c.gain for c in act.ACTIVATION_CLASSES} == expected


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
