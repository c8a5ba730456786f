"""One gradient check over every module: backward against centered differences, float64.

For each module, `check_module_gradients` compares dL/dx and dL/dparam from `backward` with
numerical gradients of L = sum(forward(x) * dout) for a random dout; the maximum relative
error must stay below 1e-7 for the input and every parameter. (Losses are checked in
test_losses.py.)
"""

import numpy as np
import pytest

from mml4_lib import activations as act
from mml4_lib import layers
from mml4_lib.gradcheck import check_module_gradients, numerical_gradient
from mml4_lib.layers import BatchNorm, Dropout, Linear, Module, Sequential, make_mlp

TOLERANCE = 1e-7
N, D = 6, 4


def batchnorm(rng, *, train):
    bn = BatchNorm(D)
    bn.params["gamma"][...] = rng.uniform(0.5, 2.0, D)  # not ones and zeros: exercise them
    bn.params["beta"][...] = rng.standard_normal(D)
    for _ in range(3):  # move the running statistics away from 0 and 1
        bn.forward(rng.normal(1.0, 2.0, size=(N, D)))
    return bn if train else bn.eval()


def with_random_batchnorm_params(model, rng):
    for layer in model.layers:
        if isinstance(layer, BatchNorm):
            layer.params["gamma"][...] = rng.uniform(0.5, 2.0, layer.num_features)
            layer.params["beta"][...] = rng.standard_normal(layer.num_features)
    return model


# name -> function rng -> module. Every activation class of the registry is in it by
# construction (Leaky ReLU with a non-default alpha, to exercise it).
ACTIVATION_MODULES = {
    f"activation_{cls.name}": (lambda rng, cls=cls: cls())
    for cls in act.ACTIVATION_CLASSES
}
ACTIVATION_MODULES["activation_leaky_relu"] = lambda rng: act.LeakyReLU(0.1)
MODULES = {
    "linear": lambda rng: Linear(D, 3, rng=rng),
    **ACTIVATION_MODULES,
    "batchnorm_train": lambda rng: batchnorm(rng, train=True),
    "batchnorm_eval": lambda rng: batchnorm(rng, train=False),
    "dropout_inverted_train": lambda rng: Dropout(0.6, rng=rng),
    "dropout_classic_train": lambda rng: Dropout(0.6, mode="classic", rng=rng),
    "dropout_inverted_eval": lambda rng: Dropout(0.6, rng=rng).eval(),
    "dropout_classic_eval": lambda rng: Dropout(0.6, mode="classic", rng=rng).eval(),
    "sequential": lambda rng: Sequential(
        Linear(D, 5, rng=rng),
        act.Sigmoid(),
        Linear(5, 5, rng=rng),
        act.LeakyReLU(),
        Linear(5, 2, rng=rng),
    ),
    "mlp_tanh": lambda rng: make_mlp([D, 5, 5, 3], rng=rng),
    "mlp_relu_he": lambda rng: make_mlp([D, 7, 5, 2], activation="relu", init="he", rng=rng),
    "mlp_sigmoid_dropout": lambda rng: make_mlp(
        [D, 6, 6, 2], activation="sigmoid", keep_prob=0.7, rng=rng
    ),
    "mlp_tanh_batchnorm": lambda rng: with_random_batchnorm_params(
        make_mlp([D, 5, 5, 2], batch_norm=True, rng=rng), rng
    ),
    "mlp_batchnorm_eval": lambda rng: with_random_batchnorm_params(
        make_mlp([D, 5, 5, 2], activation="relu", batch_norm=True, rng=rng), rng
    ).eval(),
    "mlp_batchnorm_dropout_classic": lambda rng: with_random_batchnorm_params(
        make_mlp([D, 6, 5, 2], activation="tanh", batch_norm=True, keep_prob=0.8,
                 dropout_mode="classic", rng=rng),
        rng,
    ),
    "mlp_linear_activation_dropout_eval": lambda rng: make_mlp(
        [D, 5, 2], activation="linear", keep_prob=0.5, rng=rng
    ).eval(),
}


def biases_before_batchnorm(module):
    """Names of Linear biases followed by a BatchNorm in training mode.

    BatchNorm subtracts the batch mean, so such a bias cannot change the output: its exact
    gradient is 0. Both the analytic and the numerical value are then round-off (~1e-16 and
    ~1e-11), and their relative error says nothing, so these get an absolute check instead.
    """
    layers = getattr(module, "layers", [])
    return {
        f"{i}.b"
        for i, (layer, after) in enumerate(zip(layers, layers[1:], strict=False))
        if isinstance(layer, Linear) and isinstance(after, BatchNorm) and after.training
    }


def frozen_forward(module, x):
    """module.forward(x) with every Dropout mask fixed to the one of the first call."""
    layers_ = getattr(module, "layers", [])
    generators = [layer.rng for layer in layers_ if isinstance(layer, Dropout)]
    states = [g.bit_generator.state for g in generators]

    def forward():
        for g, state in zip(generators, states, strict=True):
            g.bit_generator.state = state
        return module.forward(x)

    return forward


@pytest.mark.parametrize("name", sorted(MODULES))
def test_backward_matches_numerical_gradients(name):
    rng = np.random.default_rng(sorted(MODULES).index(name))
    module = MODULES[name](rng)
    x = rng.standard_normal((N, D))
    x += 0.1 * np.sign(x)  # keep ReLU inputs away from the kink at 0
    errors = check_module_gradients(module, x, rng=rng)

    assert set(errors) == {"x", *module.params}
    zero_grad_names = biases_before_batchnorm(module)
    checked = {k: v for k, v in errors.items() if k not in zero_grad_names}
    worst = max(checked, key=checked.get)
    assert checked[worst] < TOLERANCE, f"{name}: relative error {checked[worst]:.2e} for {worst}"

    for key in zero_grad_names:
        assert np.abs(module.grads[key]).max() < 1e-12
        dout = rng.standard_normal((N, module.layers[-1].out_features))
        numeric = numerical_gradient(frozen_forward(module, x), module.params[key], dout=dout)
        assert np.abs(numeric).max() < 1e-9


def test_every_module_class_is_checked():
    """Adding a module class to the library without a case above fails this test."""
    checked = {type(make(np.random.default_rng(0))) for make in MODULES.values()}
    for lib in (layers, act):
        for name, obj in vars(lib).items():
            is_module = isinstance(obj, type) and issubclass(obj, Module)
            base = obj in (Module, act.Activation)  # abstract: no forward of their own
            if is_module and not base and not name.startswith("_"):
                assert obj in checked, f"{obj.__name__} has no gradient check"
