"""lab.batchnorm_training: the digits experiments of chapter 9 against direct computations."""

import numpy as np
import pytest

from mml4_lib import optim, train
from mml4_lib.lab import batchnorm_training as bt
from mml4_lib.layers import BatchNorm, Linear
from mml4_lib.losses import SoftmaxCrossEntropyLoss


def _direct_last_hidden_input(batch_norm, seed):
    """By hand: the untrained network's last hidden pre-activation on the validation images."""
    _, X_va, _, _ = bt.dataset()
    model = bt.make_network("sigmoid", batch_norm, np.random.default_rng(seed))
    linears = [m for m in model.layers if isinstance(m, Linear)]
    a = X_va.astype(np.float64)
    for k, lin in enumerate(linears[:-1]):
        z = a @ lin.params["W"] + lin.params["b"]
        if batch_norm:  # gamma = 1, beta = 0 at the start; statistics of this batch
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + BatchNorm(1).eps)
        if k == len(linears) - 2:
            return z
        a = 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("batch_norm", [False, True])
def test_step_0_percentiles_are_those_of_the_direct_computation(batch_norm):
    r = bt.sigmoid_input_percentiles(batch_norm, every=20, epochs=1, seed=3)
    z = _direct_last_hidden_input(batch_norm, 3)[:, 0]
    np.testing.assert_allclose(r["percentiles"][0], np.percentile(z, bt.PERCENTILES),
                               rtol=1e-4, atol=1e-5)
    assert np.all(np.diff(r["percentiles"], axis=1) >= 0)  # 15th <= 50th <= 85th
    n_steps = int(np.ceil(len(bt.dataset()[0]) / bt.BATCH))
    assert r["step"][0] == 0 and r["step"][-1] == n_steps
    assert np.all(np.diff(r["step"]) > 0) and 0 <= r["val_acc"] <= 1


def test_lr_sweep_runs_are_the_library_fit():
    sweep = bt.lr_sweep("tanh", lrs=(0.2,), seeds=(5,), epochs=1)
    X_tr, X_va, y_tr, y_va = bt.dataset()
    for k, bn in enumerate((False, True)):
        rng = np.random.default_rng(5)
        model = bt.make_network("tanh", bn, rng)
        history = train.fit(model, SoftmaxCrossEntropyLoss(), optim.SGD(0.2), X_tr, y_tr,
                            epochs=1, batch_size=bt.BATCH, rng=rng, X_val=X_va, y_val=y_va)
        assert sweep["accuracy"][k, 0, 0] == pytest.approx(history.val_acc[-1])
    assert not sweep["diverged"].any() and sweep["lrs"] == (0.2,)


@pytest.mark.parametrize("call, match", [
    (lambda: bt.sigmoid_input_percentiles("yes"), "batch_norm"),
    (lambda: bt.sigmoid_input_percentiles(True, unit=64), "unit"),
    (lambda: bt.sigmoid_input_percentiles(True, every=0), "every"),
    (lambda: bt.sigmoid_input_percentiles(True, lr=-1), "lr"),
    (lambda: bt.lr_sweep("linear"), "activation"),
    (lambda: bt.lr_sweep("tanh", lrs=[0.1]), "lrs"),
    (lambda: bt.lr_sweep("tanh", seeds=()), "seeds"),
    (lambda: bt.lr_sweep("tanh", epochs=0), "epochs"),
])
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
