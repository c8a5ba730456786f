"""The training loop: minibatches, accuracy and `fit`, which records a `History`.

One training step is forward -> loss -> backward -> optimizer step:

    out = model.forward(X_batch)
    loss = loss_fn.forward(out, y_batch)
    model.backward_params(loss_fn.backward())  # backward without dX, which nobody needs
    optimizer.step(model.params, model.grads)
"""

import math
from dataclasses import dataclass, field

import numpy as np

from mml4_lib.base import check_generator
from mml4_lib.losses import BCELoss, BCEWithLogitsLoss, MSELoss, SoftmaxCrossEntropyLoss

__all__ = ["History", "iterate_minibatches", "accuracy", "fit"]


@dataclass
class History:
    """What `fit` measured, one entry per completed epoch.

    `train_loss[e]` is the batch-size weighted mean of the minibatch losses of epoch e
    (`train_acc` likewise, NaN for regression); `val_loss`/`val_acc` are computed in
    eval mode after the epoch and stay empty without validation data. `diverged_at` is the
    index of the epoch in which the loss or a parameter became inf/NaN (that epoch is not
    recorded), else None. `epochs_run` is the number of completed epochs.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    diverged_at: int | None = None
    epochs_run: int = 0


def _check_rows(X, y, x_name="X", y_name="y"):
    """Return X, y as arrays after checking X is (N, D), y has N rows, both finite."""
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{x_name} must be a 2-D array (N, D), got shape {X.shape}")
    if y.ndim not in (1, 2) or len(y) != len(X):
        raise ValueError(
            f"{y_name} must have shape ({len(X)},) or ({len(X)}, k) to match {x_name} "
            f"{X.shape}, got {y.shape}"
        )
    if len(X) == 0:
        raise ValueError(f"{x_name} must have at least one row, got shape {X.shape}")
    for arr, name in ((X, x_name), (y, y_name)):
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            bad = int(np.sum(~np.isfinite(arr)))
            raise ValueError(f"{name} must not contain NaN or inf, found {bad} such entries")
    return X, y


def _check_batch_size(batch_size, n):
    """Return batch_size as an int (None means n), raising unless it is an integer >= 1."""
    if batch_size is None:
        return n
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or (
        batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    return int(batch_size)


def iterate_minibatches(X, y, batch_size, *, rng, shuffle=True):
    """Yield `(X_batch, y_batch)` pairs that cover every row once.

    The rows are shuffled with `rng` when `shuffle` is True; the last batch holds the
    remainder (N % batch_size rows) if N is not a multiple of `batch_size`, except that a
    remainder of a single row joins the batch before it: a batch of one has no variance, and
    batch normalization cannot train on it.
    `batch_size=None` means one batch with all rows.

    Shapes: X (N, D), y (N,) or (N, k) -> batches (B, D) and (B,) or (B, k), B <= batch_size.
    Introduced in chapter 4 (Training: gradients and the chain rule).
    """
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    if n == 0:
        raise ValueError(f"X must have at least one row, got shape {X.shape}")
    if len(y) != n:
        raise ValueError(f"y must have {n} rows to match X {X.shape}, got {y.shape}")
    batch_size = _check_batch_size(batch_size, n)
    if shuffle:
        check_generator(rng, "iterate_minibatches")
    starts = list(range(0, n, batch_size))
    if batch_size > 1 and len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()  # the lone last row goes into the previous batch
    ends = starts[1:] + [n]
    if not shuffle:
        for start, end in zip(starts, ends, strict=True):
            yield X[start:end], y[start:end]
        return
    order = rng.permutation(n)
    for start, end in zip(starts, ends, strict=True):
        idx = order[start:end]
        yield X[idx], y[idx]


def accuracy(pred, y, loss_fn):
    """Share of correct predictions, read the way `loss_fn` reads `pred`.

    BCEWithLogitsLoss: class 1 iff logit > 0; BCELoss: class 1 iff probability > 0.5
    (targets are thresholded at 0.5, so soft labels count by their nearer class);
    SoftmaxCrossEntropyLoss: argmax over the C columns; MSELoss: NaN (regression).

    Shapes: pred (N, 1) / (N,) or (N, C) for softmax; y (N,) or (N, 1). Returns a float.
    Introduced in chapter 1 (Logistic regression, revisited).
    """
    if isinstance(loss_fn, MSELoss):
        return math.nan
    pred = np.asarray(pred)
    y = np.asarray(y)
    n = len(pred)
    if y.shape not in ((n,), (n, 1)):
        raise ValueError(f"y must have shape ({n},) or ({n}, 1) to match pred {pred.shape}, "
                         f"got {y.shape}")
    y = y.reshape(n)
    if isinstance(loss_fn, SoftmaxCrossEntropyLoss):
        if pred.ndim != 2:
            raise ValueError(f"pred must be (N, C) logits for softmax, got shape {pred.shape}")
        return float(np.mean(pred.argmax(axis=1) == y))
    if isinstance(loss_fn, (BCEWithLogitsLoss, BCELoss)):
        if pred.shape not in ((n,), (n, 1)):
            raise ValueError(f"pred must have shape ({n},) or ({n}, 1), got {pred.shape}")
        threshold = 0.0 if isinstance(loss_fn, BCEWithLogitsLoss) else 0.5
        return float(np.mean((pred.reshape(n) > threshold) == (y > 0.5)))
    raise TypeError(
        "loss_fn must be an MSELoss, BCELoss, BCEWithLogitsLoss or SoftmaxCrossEntropyLoss "
        f"instance, got {type(loss_fn).__name__}"
    )


def _params_finite(model):
    return all(np.isfinite(p).all() for p in model.params.values())


def _evaluate(model, loss_fn, X, y):
    """Loss and accuracy of `model` on (X, y) in eval mode; the model returns to train mode."""
    model.eval()
    try:
        out = model.forward(X)
        return loss_fn.forward(out, y), _accuracy_or_nan(out, y, loss_fn)
    finally:
        model.train()


def _accuracy_or_nan(out, y, loss_fn):
    known = (MSELoss, BCELoss, BCEWithLogitsLoss, SoftmaxCrossEntropyLoss)
    return accuracy(out, y, loss_fn) if isinstance(loss_fn, known) else math.nan


def fit(model, loss_fn, optimizer, X, y, *, epochs, batch_size=None, rng,
        X_val=None, y_val=None, callback=None):
    """Train `model` by minibatch gradient descent and return its `History`.

    Each epoch visits every row of X once (shuffled by `rng`; `batch_size=None` is full
    batch, one update per epoch), doing forward -> loss -> backward -> optimizer.step per
    batch. Training stops early, without raising, when the loss or a parameter becomes
    inf/NaN (`History.diverged_at`) or when `callback(epoch, history, model)`, called
    after every recorded epoch, returns True.
    X and X_val are cast to the dtype of the model's parameters.

    Shapes: X (N, D); y (N,) or (N, 1) (integer labels (N,) for softmax);
    X_val (M, D), y_val (M,) or (M, 1). The same `rng` seed gives the same History.
    Introduced in chapter 4 (Training: gradients and the chain rule).
    """
    X, y, X_val, y_val, batch_size = _check_fit_arguments(
        model, loss_fn, optimizer, X, y, epochs, batch_size, rng, X_val, y_val, callback
    )
    # Full batch: one update over all rows, whose mean gradient does not depend on the order.
    shuffle = batch_size < len(X)

    history = History()
    model.train()
    # Overflow is how divergence starts: it is detected and recorded below, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            train_loss, train_acc = _train_epoch(
                model, loss_fn, optimizer, X, y, batch_size, rng, shuffle
            )
            diverged = not math.isfinite(train_loss) or not _params_finite(model)
            if not diverged and X_val is not None:
                val_loss, val_acc = _evaluate(model, loss_fn, X_val, y_val)
                diverged = not math.isfinite(val_loss)
            if diverged:
                history.diverged_at = epoch
                break
            history.train_loss.append(train_loss)
            history.train_acc.append(train_acc)
            if X_val is not None:
                history.val_loss.append(val_loss)
                history.val_acc.append(val_acc)
            history.epochs_run = epoch + 1
            if callback is not None and callback(epoch, history, model):
                break
    return history


def _check_fit_arguments(model, loss_fn, optimizer, X, y, epochs, batch_size, rng, X_val, y_val,
                         callback):
    """Validate fit's arguments; return X, y, X_val, y_val in the model's dtype and batch_size."""
    for name in ("forward", "backward_params", "train", "eval"):
        if not callable(getattr(model, name, None)):
            raise TypeError(f"model must have a {name}() method, got {type(model).__name__}")
    if not isinstance(getattr(model, "params", None), dict):
        raise TypeError(f"model must have a params dict, got {type(model).__name__}")
    for name in ("forward", "backward"):
        if not callable(getattr(loss_fn, name, None)):
            raise TypeError(f"loss_fn must have a {name}() method, got {type(loss_fn).__name__}")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step() method, got {type(optimizer).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
    check_generator(rng, "fit")
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together, got only one of them")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    X, y = _check_rows(X, y)
    batch_size = _check_batch_size(batch_size, len(X))
    # Compute in the model's dtype (float32 models stay float32 and fast).
    dtype = next((p.dtype for p in model.params.values()), X.dtype)
    X = X.astype(dtype, copy=False)
    if X_val is not None:
        X_val, y_val = _check_rows(X_val, y_val, "X_val", "y_val")
        X_val = X_val.astype(dtype, copy=False)
    return X, y, X_val, y_val, batch_size


def _train_epoch(model, loss_fn, optimizer, X, y, batch_size, rng, shuffle):
    """One pass over (X, y); returns the batch-size weighted mean loss and accuracy.

    Stops at the first batch whose loss is inf/NaN and returns that loss, before its
    backward pass and update can spread the non-finite values.
    """
    loss_sum = correct = 0.0
    for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng, shuffle=shuffle):
        out = model.forward(X_batch)
        loss = loss_fn.forward(out, y_batch)
        if not math.isfinite(loss):
            return loss, math.nan
        model.backward_params(loss_fn.backward())  # dX, the gradient for the data, is not needed
        optimizer.step(model.params, model.grads)
        loss_sum += loss * len(X_batch)
        correct += _accuracy_or_nan(out, y_batch, loss_fn) * len(X_batch)
    return loss_sum / len(X), correct / len(X)
