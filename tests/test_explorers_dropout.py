"""The dropout explorer: one seeded run per keep probability, snapshots, the drawn frames."""

import numpy as np
import pytest

from mml4_lib.activations import sigmoid
from mml4_lib.data import make_grid
from mml4_lib.explorers import dropout as d
from mml4_lib.lab import dropout as dc
from mml4_lib.layers import Dropout


def test_data_split_sizes_and_read_only():
    X_train, X_val, y_train, y_val = dc.dataset()
    assert X_train.shape == (dc.N_TRAIN, 2) and X_val.shape == (dc.N_VAL, 2)
    assert y_train.shape == (dc.N_TRAIN,) and y_val.shape == (dc.N_VAL,)
    assert not X_train.flags.writeable


@pytest.mark.parametrize("keep_prob", [1.0, 0.5])
def test_run_structure_and_final_surface(keep_prob):
    run = dc.dropout_run(keep_prob)
    model = run["model"]
    n_dropout = sum(isinstance(layer, Dropout) for layer in model.layers)
    assert n_dropout == (0 if keep_prob == 1 else 2)
    assert not model.training
    assert sorted(run["surfaces"]) == list(dc.SNAPSHOTS)
    # the last snapshot is the final model's probability on the grid
    grid, _, _ = make_grid(dc.LIM, dc.GRID)
    expected = sigmoid(model.forward(grid / dc.INPUT_SCALE)).reshape(dc.GRID, dc.GRID)
    np.testing.assert_allclose(run["surfaces"][dc.EPOCHS], expected, rtol=1e-5, atol=1e-6)
    assert len(run["history"].val_loss) == dc.EPOCHS


def test_dropout_fights_overfitting_on_this_data():
    plain, dropped = dc.dropout_run(1.0), dc.dropout_run(0.5)
    # without dropout the training loss keeps falling while the validation loss climbs
    assert plain["history"].train_loss[-1] < 0.1
    assert plain["history"].val_loss[-1] > 2 * min(plain["history"].val_loss)
    # with p = 0.5 the final validation loss is far lower
    assert dropped["history"].val_loss[-1] < 0.6 * plain["history"].val_loss[-1]


def test_run_is_cached_and_checks_keep_prob():
    assert dc.dropout_run(0.9) is dc.dropout_run(0.9)
    for bad in (0, 1.5, "0.5", True):
        with pytest.raises(ValueError, match="keep_prob must be a number in"):
            dc.dropout_run(bad)


def test_every_frame_draws_its_snapshot_and_curves():
    state = d.setup_dropout()
    for p in dc.KEEP_VALUES:
        for epoch in dc.SNAPSHOTS:
            assert d.update_dropout(state, p, epoch) is None
            run = dc.dropout_run(p)
            image = state["boundary"]["image"].get_array()
            np.testing.assert_allclose(image, run["surfaces"][epoch])
            lines = {line.get_gid(): line for line in state["curves"]["lines"]}
            x, y = lines["val_loss"].get_data()
            np.testing.assert_allclose(y, run["history"].val_loss[:epoch])
            assert x[-1] == epoch
            assert state["marker"].get_xdata()[0] == epoch
            assert f"epoch {epoch}:" in state["title"].get_text()


def test_explorer_live_and_static():
    ex = d.make_dropout_explorer(mode="live")
    before = ex.image.value
    ex.set(keep_prob=0.5)
    assert ex.image.value != before and ex.errors == []
    ex = d.make_dropout_explorer(mode="static")
    assert len(ex.frames) == len(dc.KEEP_VALUES) * len(dc.SNAPSHOTS) and ex.errors == []
    assert ex.frame(keep_prob=1.0, epoch=200) != ex.frame(keep_prob=0.5, epoch=200)


def test_update_off_the_grid_names_the_argument():
    # issue 14 item 10: failed before with a bare KeyError: 7
    state = d.setup_dropout()
    with pytest.raises(ValueError, match=r"epoch must be one of the stored snapshots"):
        d.update_dropout(state, 1.0, 7)
    with pytest.raises(ValueError, match="keep_prob must be a number in"):
        d.update_dropout(state, 1.5, 200)
