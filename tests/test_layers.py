"""Layers: Linear, BatchNorm, Dropout, Sequential, make_mlp against hand computations."""

import warnings

import numpy as np
import pytest

from mml4_lib import activations as act
from mml4_lib import init
from mml4_lib.layers import BatchNorm, Dropout, Linear, Module, Sequential, make_mlp


def rng(seed=0):
    return np.random.default_rng(seed)


# --- Linear -----------------------------------------------------------------------------


def test_linear_by_hand():
    layer = Linear(2, 3, rng=rng())
    layer.params["W"][...] = [[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]
    layer.params["b"][...] = [0.5, -1.0, 0.0]
    x = np.array([[1.0, 1.0], [0.0, 2.0]])
    np.testing.assert_allclose(layer.forward(x), [[3.5, 0.0, -0.5], [4.5, 1.0, 1.0]])
    dout = np.array([[1.0, 0.0, 2.0], [-1.0, 3.0, 0.0]])
    dx = layer.backward(dout)
    # dW = x^T dout, db = column sums of dout, dx = dout W^T, all worked out by hand:
    np.testing.assert_allclose(layer.grads["W"], [[1.0, 0.0, 2.0], [-1.0, 6.0, 2.0]])
    np.testing.assert_allclose(layer.grads["b"], [0.0, 3.0, 2.0])
    np.testing.assert_allclose(dx, [[-1.0, 3.0], [-1.0, 1.0]])


def test_linear_params_and_default_xavier_init():
    layer = Linear(5, 4, rng=rng(3))
    assert layer.params["W"].shape == (5, 4) and layer.params["b"].shape == (4,)
    np.testing.assert_array_equal(layer.params["W"], init.xavier((5, 4), rng=rng(3)))
    assert not layer.params["b"].any()
    assert set(layer.grads) == {"W", "b"} and not layer.grads["W"].any()
    assert layer.training


def test_linear_init_by_name_scale_and_callable():
    W = Linear(5, 4, init="he", init_scale=0.5, rng=rng(3)).params["W"]
    np.testing.assert_allclose(W, 0.5 * init.he((5, 4), rng=rng(3)), rtol=1e-15)

    def ones(shape, *, rng):
        return np.ones(shape)

    W = Linear(2, 3, init=ones, init_scale=0.1, rng=rng()).params["W"]
    np.testing.assert_allclose(W, np.full((2, 3), 0.1))


def test_linear_owns_the_array_a_callable_init_returns():
    shared = np.ones((2, 3))
    layer = Linear(2, 3, init=lambda shape, *, rng: shared, rng=rng())
    layer.params["W"] -= 1.0
    np.testing.assert_array_equal(shared, np.ones((2, 3)))


def test_linear_backward_overwrites_grads():
    layer = Linear(3, 2, rng=rng())
    x = rng(1).standard_normal((4, 3))
    layer.forward(x)
    layer.backward(np.ones((4, 2)))
    layer.backward(np.ones((4, 2)))  # a second call must not accumulate
    np.testing.assert_allclose(layer.grads["W"], x.T @ np.ones((4, 2)))
    np.testing.assert_allclose(layer.grads["b"], [4.0, 4.0])


def test_linear_does_not_modify_its_input():
    layer = Linear(3, 2, rng=rng())
    x = rng(1).standard_normal((4, 3))
    dout = rng(2).standard_normal((4, 2))
    x0, dout0 = x.copy(), dout.copy()
    layer.forward(x)
    layer.backward(dout)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, dout0)


def test_linear_float32_stays_float32_and_casts_float64_input():
    layer = Linear(3, 2, rng=rng(), dtype=np.float32)
    assert layer.params["W"].dtype == np.float32 and layer.params["b"].dtype == np.float32
    out = layer.forward(np.ones((4, 3)))  # float64 data into a float32 network
    assert out.dtype == np.float32
    dx = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert dx.dtype == np.float32
    assert layer.grads["W"].dtype == np.float32 and layer.grads["b"].dtype == np.float32


def test_linear_wrong_input_width_names_layer_and_both_shapes():
    layer = Linear(3, 2, rng=rng())
    message = r"Linear\(in_features=3, out_features=2\).*\(N, 3\).*\(4, 5\)"
    with pytest.raises(ValueError, match=message):
        layer.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"\(N, 3\), got shape \(3,\)"):
        layer.forward(np.ones(3))
    with pytest.raises(TypeError, match="must be a NumPy array, got list"):
        layer.forward([[1.0, 2.0, 3.0]])


def test_linear_backward_errors():
    layer = Linear(3, 2, rng=rng())
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.ones((4, 2)))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape .* \(4, 2\), got \(4, 3\)"):
        layer.backward(np.ones((4, 3)))


def test_linear_constructor_errors():
    with pytest.raises(ValueError, match="in_features must be an int >= 1, got 0"):
        Linear(0, 2, rng=rng())
    with pytest.raises(TypeError, match="out_features must be an int >= 1, got 2.0"):
        Linear(3, 2.0, rng=rng())
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        Linear(3, 2, rng=0)
    with pytest.raises(ValueError, match="unknown initializer 'glorot'.*xavier"):
        Linear(3, 2, init="glorot", rng=rng())
    with pytest.raises(TypeError, match="init must be an initializer name or a function"):
        Linear(3, 2, init=0.1, rng=rng())
    with pytest.raises(ValueError,
                       match=r"init must return finite numbers of shape \(3, 2\), got shape \(2,"):
        Linear(3, 2, init=lambda shape, *, rng: np.ones((2, 3)), rng=rng())
    with pytest.raises(TypeError, match="dtype must be a float type"):
        Linear(3, 2, rng=rng(), dtype=int)


# --- BatchNorm --------------------------------------------------------------------------


def test_batchnorm_train_mode_normalizes_with_the_biased_batch_variance():
    bn = BatchNorm(3)
    x = rng(1).normal(5.0, 3.0, size=(8, 3))
    out = bn.forward(x)
    expected = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)  # np.var is biased (1/N)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, atol=1e-5)


def test_batchnorm_applies_gamma_and_beta():
    bn = BatchNorm(2)
    bn.params["gamma"][...] = [2.0, -1.0]
    bn.params["beta"][...] = [0.5, 3.0]
    x = rng(2).standard_normal((5, 2))
    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    np.testing.assert_allclose(bn.forward(x), xhat * [2.0, -1.0] + [0.5, 3.0], rtol=1e-12)


def test_batchnorm_running_statistics_follow_the_update_formula():
    bn = BatchNorm(2, momentum=0.2)
    assert "running_mean" not in bn.params and "running_var" not in bn.params
    np.testing.assert_array_equal(bn.running_mean, [0.0, 0.0])
    np.testing.assert_array_equal(bn.running_var, [1.0, 1.0])
    x1 = np.array([[1.0, 2.0], [3.0, 6.0]])  # mean [2, 4], unbiased var [2, 8]
    bn.forward(x1)
    np.testing.assert_allclose(bn.running_mean, [0.8 * 0 + 0.2 * 2, 0.8 * 0 + 0.2 * 4])
    np.testing.assert_allclose(bn.running_var, [0.8 * 1 + 0.2 * 2, 0.8 * 1 + 0.2 * 8])
    x2 = np.array([[0.0, 0.0], [0.0, 3.0], [3.0, 0.0]])  # mean [1, 1], unbiased var [3, 3]
    bn.forward(x2)
    np.testing.assert_allclose(bn.running_mean, [0.8 * 0.4 + 0.2 * 1, 0.8 * 0.8 + 0.2 * 1])
    np.testing.assert_allclose(bn.running_var, [0.8 * 1.2 + 0.2 * 3, 0.8 * 2.4 + 0.2 * 3])


def test_batchnorm_eval_mode_uses_running_buffers_and_leaves_them_alone():
    bn = BatchNorm(2, eps=1e-3)
    bn.running_mean[...] = [1.0, -2.0]
    bn.running_var[...] = [4.0, 0.25]
    bn.params["gamma"][...] = [1.5, 1.0]
    bn.params["beta"][...] = [0.0, 1.0]
    bn.eval()
    x = np.array([[3.0, -2.0]])  # N = 1 is fine in eval mode
    out = bn.forward(x)
    np.testing.assert_allclose(out, [[1.5 * 2 / np.sqrt(4.001), 1.0]], rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean, [1.0, -2.0])
    np.testing.assert_array_equal(bn.running_var, [4.0, 0.25])
    dx = bn.backward(np.array([[1.0, 2.0]]))  # statistics are constants in eval mode
    np.testing.assert_allclose(dx, [[1.5 / np.sqrt(4.001), 2.0 / np.sqrt(0.251)]], rtol=1e-12)


def test_batchnorm_train_and_eval_differ_on_the_same_batch():
    bn = BatchNorm(2)
    x = rng(3).normal(4.0, 2.0, size=(16, 2))
    train_out = bn.forward(x)
    eval_out = bn.eval().forward(x)  # running stats have moved only 10% of the way
    assert np.abs(train_out - eval_out).max() > 1.0


def test_batchnorm_train_backward_sums_to_zero_over_the_batch():
    # out is invariant to adding a constant to a column, so dx sums to 0 down each column.
    bn = BatchNorm(3)
    bn.forward(rng(4).standard_normal((6, 3)))
    dx = bn.backward(rng(5).standard_normal((6, 3)))
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)


def test_batchnorm_needs_two_rows_in_training():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match=r"N >= 2 .* got shape \(1, 3\)"):
        bn.forward(np.ones((1, 3)))


def test_batchnorm_bad_input():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match=r"BatchNorm\(num_features=3.*\(N, 3\), got shape \(4, 2"):
        bn.forward(np.ones((4, 2)))
    with pytest.raises(RuntimeError, match="before forward"):
        bn.backward(np.ones((4, 3)))
    for momentum in (0.0, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"momentum must be in \(0, 1\]"):
            BatchNorm(3, momentum=momentum)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        BatchNorm(3, eps=0)
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(0)


def test_batchnorm_float32():
    bn = BatchNorm(2, dtype=np.float32)
    out = bn.forward(np.arange(8.0).reshape(4, 2))
    assert out.dtype == np.float32 and bn.running_var.dtype == np.float32
    assert bn.backward(np.ones((4, 2), dtype=np.float32)).dtype == np.float32


# --- Dropout ----------------------------------------------------------------------------


@pytest.mark.parametrize("keep_prob", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_training_preserves_the_expected_activation(mode, keep_prob):
    x = np.full((200_000, 2), 3.0)
    drop = Dropout(keep_prob, mode=mode, rng=rng(1))
    train_out = drop.forward(x)
    eval_out = drop.eval().forward(x)
    # The mean over many samples of the training output equals the eval output.
    assert train_out.mean() == pytest.approx(eval_out.mean(), rel=0.01)
    kept = train_out != 0
    assert kept.mean() == pytest.approx(keep_prob, abs=0.005)
    expected_kept_value = 3.0 / keep_prob if mode == "inverted" else 3.0
    np.testing.assert_allclose(train_out[kept], expected_kept_value)


def test_dropout_eval_behaviour():
    x = rng(2).standard_normal((5, 4))
    inverted = Dropout(0.6, rng=rng()).eval()
    classic = Dropout(0.6, mode="classic", rng=rng()).eval()
    np.testing.assert_array_equal(inverted.forward(x), x)
    np.testing.assert_array_equal(inverted.backward(np.ones((5, 4))), np.ones((5, 4)))
    np.testing.assert_allclose(classic.forward(x), 0.6 * x)
    np.testing.assert_allclose(classic.backward(np.ones((5, 4))), np.full((5, 4), 0.6))


@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_backward_reuses_the_forward_mask(mode):
    drop = Dropout(0.5, mode=mode, rng=rng(3))
    x = rng(4).uniform(1.0, 2.0, size=(50, 20))  # never 0, so out == 0 marks a dropped unit
    out = drop.forward(x)
    dout = rng(5).standard_normal((50, 20))
    dx = drop.backward(dout)
    np.testing.assert_array_equal(dx == 0, out == 0)
    np.testing.assert_allclose(dx, dout * out / x)  # same mask and same scale as forward
    np.testing.assert_allclose(drop.backward(dout), dx)  # calling again draws nothing new


@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_keep_prob_one_is_the_identity(mode):
    drop = Dropout(1.0, mode=mode, rng=rng())
    x = rng(6).standard_normal((3, 4))
    for module in (drop.train(), drop.eval()):
        np.testing.assert_array_equal(module.forward(x), x)
        np.testing.assert_array_equal(module.backward(2 * x), 2 * x)


def test_dropout_masks_change_between_calls_and_follow_the_seed():
    x = np.ones((10, 10))
    a = Dropout(0.5, rng=rng(9))
    first, second = a.forward(x), a.forward(x)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(Dropout(0.5, rng=rng(9)).forward(x), first)


def test_dropout_float32_and_input_untouched():
    x = np.ones((4, 3), dtype=np.float32)
    out = Dropout(0.5, rng=rng()).forward(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(x, np.ones((4, 3)))


@pytest.mark.parametrize("keep_prob", [0, 0.0, -0.5, 1.01, float("nan")])
def test_dropout_keep_prob_outside_0_1_is_rejected(keep_prob):
    with pytest.raises(ValueError, match=r"keep_prob .* must be in \(0, 1\]"):
        Dropout(keep_prob, rng=rng())


def test_dropout_other_bad_input():
    with pytest.raises(TypeError, match="keep_prob must be a number"):
        Dropout("0.5", rng=rng())
    with pytest.raises(ValueError, match="mode must be 'inverted' or 'classic', got 'paper'"):
        Dropout(0.5, mode="paper", rng=rng())
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        Dropout(0.5, rng=None)
    with pytest.raises(RuntimeError, match="before forward"):
        Dropout(0.5, rng=rng()).backward(np.ones((2, 2)))


# --- Sequential -------------------------------------------------------------------------


def small_model(seed=0):
    r = rng(seed)
    return Sequential(Linear(3, 4, rng=r), act.Tanh(), Linear(4, 2, rng=r))


def test_sequential_forward_backward_chain_the_layers():
    model = small_model()
    l0, tanh, l2 = model.layers
    x = rng(1).standard_normal((5, 3))
    h = np.tanh(x @ l0.params["W"] + l0.params["b"])
    np.testing.assert_allclose(model.forward(x), h @ l2.params["W"] + l2.params["b"], rtol=1e-14)
    dout = rng(2).standard_normal((5, 2))
    dh = (dout @ l2.params["W"].T) * (1 - h**2)
    np.testing.assert_allclose(model.backward(dout), dh @ l0.params["W"].T, rtol=1e-12)
    np.testing.assert_allclose(model.grads["0.W"], x.T @ dh, rtol=1e-12)
    np.testing.assert_allclose(model.grads["2.b"], dout.sum(axis=0), rtol=1e-12)
    assert model(x).shape == (5, 2)  # __call__ is forward


def test_sequential_flat_params_and_grads():
    model = small_model()
    assert list(model.params) == ["0.W", "0.b", "2.W", "2.b"]
    assert list(model.grads) == list(model.params)
    assert model.params["2.W"] is model.layers[2].params["W"]
    model.forward(np.ones((2, 3)))
    model.backward(np.ones((2, 2)))
    assert model.grads["0.W"] is model.layers[0].grads["W"]  # the newest arrays, not copies


def test_sequential_params_are_live():
    model = small_model()
    x = np.ones((2, 3))
    before = model.forward(x)
    model.params["2.b"] += 1.0  # in place through the flat dict, as an optimizer does
    np.testing.assert_allclose(model.forward(x), before + 1.0)
    model.layers[2].params["b"] = np.zeros(2)  # replacing a child's array is seen too
    assert model.params["2.b"] is model.layers[2].params["b"]
    model.params["2.b"] -= 2.0
    np.testing.assert_allclose(model.forward(x), before - 2.0)


def test_sequential_train_eval_propagate():
    model = Sequential(Linear(2, 2, rng=rng()), BatchNorm(2), Dropout(0.5, rng=rng()))
    assert model.training and all(layer.training for layer in model.layers)
    assert model.eval() is model
    assert not model.training and not any(layer.training for layer in model.layers)
    model.train()
    assert all(layer.training for layer in model.layers)


def test_sequential_errors_name_the_layer():
    model = small_model()
    message = r"Sequential layer 0: Linear\(in_features=3.*\(N, 3\).*\(5, 2\)"
    with pytest.raises(ValueError, match=message):
        model.forward(np.ones((5, 2)))
    with pytest.raises(RuntimeError, match="Sequential layer 2: .*backward called before forward"):
        small_model().backward(np.ones((5, 2)))
    with pytest.raises(ValueError, match="at least one module"):
        Sequential()
    with pytest.raises(TypeError, match="argument 1 must be a Module, got function"):
        Sequential(Linear(2, 2, rng=rng()), lambda x: x)


def test_sequential_is_a_module_with_len_and_indexing():
    model = small_model()
    assert isinstance(model, Module) and len(model) == 3
    assert isinstance(model[1], act.Tanh)
    assert "(2): Linear(in_features=4, out_features=2)" in repr(model)


# --- make_mlp ---------------------------------------------------------------------------


def layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


def test_make_mlp_structure():
    model = make_mlp([2, 8, 8, 1], rng=rng())
    assert layer_types(model) == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert [model.params[k].shape for k in ("0.W", "2.W", "4.W")] == [(2, 8), (8, 8), (8, 1)]
    assert make_mlp([3, 2], rng=rng()).layers[0].params["W"].shape == (3, 2)
    assert layer_types(make_mlp([3, 2], rng=rng())) == ["Linear"]


def test_make_mlp_with_batch_norm_and_dropout():
    model = make_mlp(
        [2, 5, 4, 3], activation="relu", batch_norm=True, keep_prob=0.8, dropout_mode="classic",
        rng=rng(),
    )
    hidden = ["Linear", "BatchNorm", "ReLU", "Dropout"]
    assert layer_types(model) == hidden + hidden + ["Linear"]
    assert model.layers[1].num_features == 5 and model.layers[5].num_features == 4
    assert model.layers[3].keep_prob == 0.8 and model.layers[3].mode == "classic"
    assert list(model.params) == [
        "0.W", "0.b", "1.gamma", "1.beta", "4.W", "4.b", "5.gamma", "5.beta", "8.W", "8.b"
    ]


@pytest.mark.parametrize("name", act.ACTIVATIONS)
def test_make_mlp_activation_names(name):
    model = make_mlp([2, 3, 3, 1], activation=name, rng=rng())
    expected = type(act.get_activation(name))
    assert type(model.layers[1]) is expected and type(model.layers[3]) is expected
    assert model.layers[1] is not model.layers[3]


def test_make_mlp_draws_weights_in_layer_order_with_the_given_init():
    model = make_mlp([2, 4, 3], init="he", init_scale=0.5, rng=rng(11))
    r = rng(11)
    W0 = 0.5 * init.he((2, 4), rng=r)
    W2 = 0.5 * init.he((4, 3), rng=r)
    np.testing.assert_allclose(model.params["0.W"], W0, rtol=1e-15)
    np.testing.assert_allclose(model.params["2.W"], W2, rtol=1e-15)


def test_make_mlp_float32_everywhere():
    model = make_mlp([2, 4, 1], batch_norm=True, keep_prob=0.5, rng=rng(), dtype=np.float32)
    assert all(p.dtype == np.float32 for p in model.params.values())
    out = model.forward(np.ones((6, 2), dtype=np.float32))
    assert out.dtype == np.float32
    assert model.backward(np.ones((6, 1), dtype=np.float32)).dtype == np.float32


def test_make_mlp_bad_input():
    with pytest.raises(ValueError, match="sizes must be a list of at least 2"):
        make_mlp([2], rng=rng())
    with pytest.raises(ValueError, match="every entry of sizes must be an int >= 1, got 0"):
        make_mlp([2, 0, 1], rng=rng())
    with pytest.raises(ValueError, match="unknown activation 'softplus'.*leaky_relu"):
        make_mlp([2, 3, 1], activation="softplus", rng=rng())
    with pytest.raises(ValueError, match="keep_prob"):
        make_mlp([2, 3, 1], keep_prob=0.0, rng=rng())
    with pytest.raises(TypeError, match="batch_norm must be True or False"):
        make_mlp([2, 3, 1], batch_norm="yes", rng=rng())
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        make_mlp([2, 3, 1], rng=42)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_backward_params_fills_the_same_gradients_and_returns_nothing(batch_norm):
    rng = np.random.default_rng(3)
    model = make_mlp([4, 5, 3], activation="tanh", batch_norm=batch_norm, rng=rng)
    x = rng.normal(size=(6, 4))
    dout = rng.normal(size=(6, 3))
    model.forward(x)
    dx = model.backward(dout)
    full = {k: v.copy() for k, v in model.grads.items()}
    model.forward(x)
    assert model.backward_params(dout) is None
    assert dx.shape == x.shape
    for k, g in model.grads.items():
        np.testing.assert_array_equal(g, full[k])
    layer = Linear(4, 2, rng=rng)
    layer.forward(x)
    assert layer.backward_params(rng.normal(size=(6, 2))) is None


# --- issue 14: nothing is silently wrong -----------------------------------------------------


@pytest.mark.parametrize("scale, error, match", [
    (float("nan"), ValueError, "init_scale must be a finite number >= 0, got nan"),
    (float("inf"), ValueError, "init_scale must be a finite number >= 0, got inf"),
    (-1.0, ValueError, "init_scale must be a finite number >= 0, got -1.0"),
    ("2", TypeError, "init_scale must be a number, got '2'"),
])
def test_init_scale_is_validated_with_a_callable_init(scale, error, match):
    # Item 3: with a callable init, NaN/inf/negative init_scale gave NaN or flipped weights.
    with pytest.raises(error, match=f"^Linear: {match}"):
        Linear(2, 2, init=lambda s, rng: np.ones(s), init_scale=scale, rng=rng())


def test_callable_init_returning_nan_or_strings_is_rejected():
    with pytest.raises(ValueError, match=r"finite numbers of shape \(2, 2\).*inf or NaN"):
        Linear(2, 2, init=lambda s, rng: np.full(s, np.nan), rng=rng())
    with pytest.raises(ValueError, match=r"finite numbers of shape \(2, 2\).*dtype <U1"):
        Linear(2, 2, init=lambda s, rng: np.full(s, "a"), rng=rng())


def test_batchnorm_overflowing_batch_is_reported_and_keeps_finite_running_statistics():
    # Item 4: BatchNorm(1).forward([[1e308], [-1e308]]) leaked an overflow warning, set
    # running_var = [inf], and every eval-mode output was 0 from then on.
    from mml4_lib.base import NonFiniteWarning

    bn = BatchNorm(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = bn.forward(np.array([[1e308], [-1e308]]))
    assert [w.category for w in caught] == [NonFiniteWarning]
    assert "running_mean and running_var keep their last finite values" in str(caught[0].message)
    assert np.isnan(out).all()
    np.testing.assert_array_equal(bn.running_var, [1.0])
    np.testing.assert_array_equal(bn.running_mean, [0.0])
    assert bn.eval().forward(np.array([[2.0]]))[0, 0] == pytest.approx(2.0, rel=1e-4)


def test_batchnorm_overflow_in_fit_is_divergence_without_warnings():
    from mml4_lib.losses import BCEWithLogitsLoss
    from mml4_lib.optim import SGD
    from mml4_lib.train import fit

    model = Sequential(Linear(1, 2, rng=rng()), BatchNorm(2), Linear(2, 1, rng=rng()))
    X = np.array([[1e308], [-1e308], [1.0], [2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = fit(model, BCEWithLogitsLoss(), SGD(0.1), X, np.array([0, 1, 0, 1]), epochs=3,
                rng=rng())
    assert h.diverged_at == 0
    assert np.isfinite(model.layers[1].running_var).all()


def test_modules_keep_references_as_documented():
    # Item 5, answered by documentation (base.Module, Linear, Dropout, notation page): forward
    # keeps / returns the input itself, because copying costs 2-10 % of a training step.
    x = np.ones((3, 2))
    layer = Linear(2, 1, rng=rng())
    layer.forward(x)
    assert layer.x is x
    assert act.Identity().forward(x) is x
    assert Dropout(0.5, rng=rng()).eval().forward(x) is x
    assert Dropout(1.0, rng=rng()).forward(x) is x
    assert "not a copy" in Linear.__doc__ and "not a copy" in Dropout.__doc__


@pytest.mark.parametrize("make", [lambda: Linear(2, 1, rng=rng()), lambda: BatchNorm(2)],
                         ids=["Linear", "BatchNorm"])
def test_string_array_input_is_named(make):
    # Item 10: a string array gave "could not convert string to float" (or was parsed).
    with pytest.raises(TypeError, match=r"input x must be an array of numbers, got dtype <U1"):
        make().forward(np.array([["1", "2"], ["3", "4"]]))
