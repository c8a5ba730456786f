"""Weight initializers: standard deviations against their formulas, scale, dtype, errors."""

import math

import numpy as np
import pytest

from mml4_lib import init


def rng(seed=0):
    return np.random.default_rng(seed)


# (initializer, params, expected std for a (fan_in, fan_out) matrix)
STD_FORMULAS = {
    "normal": (init.normal, {"scale": 0.03}, lambda fi, fo: 0.03),
    "uniform": (init.uniform, {"limit": 0.5}, lambda fi, fo: 0.5 / math.sqrt(3)),
    "lecun": (init.lecun, {}, lambda fi, fo: 1 / math.sqrt(fi)),
    "xavier": (init.xavier, {}, lambda fi, fo: math.sqrt(2 / (fi + fo))),
    "he": (init.he, {}, lambda fi, fo: math.sqrt(2 / fi)),
}


@pytest.mark.parametrize("name", sorted(STD_FORMULAS))
@pytest.mark.parametrize("shape", [(500, 500), (800, 200)])
def test_empirical_std_within_5_percent_of_formula(name, shape):
    func, params, formula = STD_FORMULAS[name]
    W = func(shape, rng=rng(1), **params)
    assert W.shape == shape and W.dtype == np.float64
    expected = formula(*shape)
    assert W.std() == pytest.approx(expected, rel=0.05)
    assert abs(W.mean()) < 0.05 * expected


def test_fan_in_is_rows_and_fan_out_is_columns():
    # He depends on fan_in only: (800, 200) and (800, 50) share it, (200, 800) does not.
    assert init.he((800, 200), rng=rng()).std() == pytest.approx(math.sqrt(2 / 800), rel=0.05)
    assert init.he((200, 800), rng=rng()).std() == pytest.approx(math.sqrt(2 / 200), rel=0.05)


def test_zeros():
    W = init.zeros((3, 4))
    assert W.shape == (3, 4) and W.dtype == np.float64 and not W.any()
    assert init.zeros(5, rng=rng()).shape == (5,)


def test_uniform_stays_inside_its_limits():
    W = init.uniform((200, 200), rng=rng(), limit=0.3)
    assert W.min() >= -0.3 and W.max() <= 0.3
    assert W.min() < -0.29 and W.max() > 0.29


def test_normal_default_is_standard_normal():
    assert init.normal((500, 500), rng=rng()).std() == pytest.approx(1.0, rel=0.05)


def test_same_seed_same_weights_and_float32_is_the_rounded_float64():
    for func in (init.normal, init.uniform, init.lecun, init.xavier, init.he):
        a = func((4, 3), rng=rng(7))
        np.testing.assert_array_equal(a, func((4, 3), rng=rng(7)))
        b = func((4, 3), rng=rng(7), dtype=np.float32)
        assert b.dtype == np.float32
        np.testing.assert_array_equal(b, a.astype(np.float32))


def test_scaled_schemes_are_multiples_of_the_plain_ones():
    for func in (init.lecun, init.xavier, init.he):
        np.testing.assert_allclose(
            func((6, 5), rng=rng(3), scale=0.1), 0.1 * func((6, 5), rng=rng(3)), rtol=1e-15
        )


def test_get_initializer_binds_the_scale():
    shape = (6, 5)
    np.testing.assert_array_equal(
        init.get_initializer("normal", scale=0.03)(shape, rng=rng(2)),
        init.normal(shape, rng=rng(2), scale=0.03),
    )
    np.testing.assert_array_equal(
        init.get_initializer("uniform", scale=0.2)(shape, rng=rng(2)),
        init.uniform(shape, rng=rng(2), limit=0.2),
    )
    np.testing.assert_allclose(
        init.get_initializer("xavier", scale=3.0)(shape, rng=rng(2)),
        3.0 * init.xavier(shape, rng=rng(2)),
        rtol=1e-15,
    )
    assert not init.get_initializer("zeros", scale=2.0)(shape, rng=rng()).any()


@pytest.mark.parametrize("name", init.INITIALIZERS)
def test_get_initializer_defaults_match_the_functions(name):
    f = init.get_initializer(name)
    direct = getattr(init, name)
    np.testing.assert_array_equal(f((4, 3), rng=rng(5)), direct((4, 3), rng=rng(5)))
    assert f((4, 3), rng=rng(5), dtype=np.float32).dtype == np.float32


def test_initializers_tuple():
    assert init.INITIALIZERS == ("zeros", "normal", "uniform", "lecun", "xavier", "he")


# --- bad input --------------------------------------------------------------------------


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(ValueError, match="unknown initializer 'glorot'") as info:
        init.get_initializer("glorot")
    for name in init.INITIALIZERS:
        assert name in str(info.value)


def test_get_initializer_rejects_non_string_and_bad_scale():
    with pytest.raises(TypeError, match="name must be a str, got function"):
        init.get_initializer(init.he)
    with pytest.raises(ValueError, match="scale must be a finite number >= 0, got -1.0"):
        init.get_initializer("he", scale=-1)
    with pytest.raises(TypeError, match="scale must be a number"):
        init.get_initializer("he", scale="big")


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        init.xavier((2, 3), rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="rng"):
        init.he((2, 3))  # rng is required


@pytest.mark.parametrize("shape", [(0, 3), (2, -1), (2.5, 3), "2x3", ()])
def test_bad_shapes(shape):
    with pytest.raises((TypeError, ValueError), match="shape"):
        init.normal(shape, rng=rng())


@pytest.mark.parametrize("func", [init.lecun, init.xavier, init.he])
def test_fan_schemes_need_a_2d_shape(func):
    with pytest.raises(ValueError, match=r"shape must be \(fan_in, fan_out\)"):
        func((8,), rng=rng())


def test_negative_scale_and_limit_and_bad_dtype():
    with pytest.raises(ValueError, match="scale must be a finite number >= 0"):
        init.normal((2, 2), rng=rng(), scale=-0.1)
    with pytest.raises(ValueError, match="limit must be a finite number >= 0"):
        init.uniform((2, 2), rng=rng(), limit=float("inf"))
    with pytest.raises(TypeError, match="dtype must be a float type"):
        init.xavier((2, 2), rng=rng(), dtype=np.int64)
