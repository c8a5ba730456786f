"""Loss functions with hand-written gradients: MSE, binary and softmax cross-entropy.

Every loss has the same contract as a layer, seen from the end of the network:

- `forward(pred, target) -> float` returns the loss averaged over the batch;
- `backward() -> dpred` returns dL/dpred for that batch mean, with the shape of `pred`.

Binary targets may have shape (N,) or (N, 1) for a prediction of shape (N, 1); the loss
reshapes them itself, so (N, 1) - (N,) never silently broadcasts into an (N, N) matrix.

Non-finite predictions (a diverged model) give an inf or NaN loss, never a NumPy warning:
`forward` reports it with a `mml4_lib.base.NonFiniteWarning`, which is silent under
`np.errstate(invalid="ignore")`, as in `fit`, which records the divergence instead.
"""

import math

import numpy as np

from mml4_lib.base import check_real, warn_non_finite

__all__ = [
    "Loss",
    "MSELoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "SoftmaxCrossEntropyLoss",
]


def _as_float(pred, name):
    """Return `pred` as a non-empty float array (ints are promoted to float64)."""
    pred = np.asanyarray(pred)
    if pred.dtype.kind != "f":
        if pred.dtype.kind not in "biu":
            raise TypeError(f"{name}: pred must be a numeric array, got dtype {pred.dtype}")
        pred = pred.astype(np.float64)
    if pred.size == 0 or pred.ndim == 0:
        raise ValueError(f"{name}: pred must be a non-empty array, got shape {pred.shape}")
    return pred


def _match_target(pred, target, name):
    """Return `target` shaped exactly like `pred` ((N,) and (N, 1) are interchangeable)."""
    target = np.asanyarray(target)
    if target.shape != pred.shape:
        n = pred.shape[0]
        if target.shape in ((n,), (n, 1)) and pred.shape in ((n,), (n, 1)):
            target = target.reshape(pred.shape)  # a view, no copy
        else:
            raise ValueError(
                f"{name}: target must have shape {pred.shape} (or ({n},) / ({n}, 1) for a "
                f"single output column), got {target.shape}"
            )
    if target.dtype.kind not in "biuf":
        raise TypeError(f"{name}: target must be numeric, got dtype {target.dtype}")
    # Cast to the prediction's dtype so float32 models stay float32 (no-op if it already is).
    return target.astype(pred.dtype, copy=False)


def _check_binary(target, name):
    """Raise ValueError unless every target lies in [0, 1] (hard 0/1 or soft labels)."""
    if not (target.min() >= 0 and target.max() <= 1):  # NaN fails both comparisons
        n_nan = int(np.isnan(target).sum())
        got = (f"{n_nan} NaN values" if n_nan else
               f"values in [{target.min()}, {target.max()}]")
        raise ValueError(f"{name}: target values must lie in [0, 1], got {got}")


def _mean(values):
    """The mean of an array, as a Python float.

    Written as sum / size: the same number as float(np.mean(values)) in float64, at a fraction
    of its cost for the small batches of the course (np.mean adds several microseconds of
    Python-level work per call; see benchmarks/README.md).
    """
    return float(values.sum()) / values.size


def _reported(loss, pred, name):
    """Return the loss; if it is inf or NaN, say why with a NonFiniteWarning first."""
    if not math.isfinite(loss):
        bad = int(np.size(pred) - np.isfinite(pred).sum())
        why = (f"pred has {bad} non-finite values (inf or NaN)" if bad else
               f"pred is too large (|pred| up to {np.abs(pred).max():.3g}) and the loss "
               f"overflowed")
        warn_non_finite(f"{name}: the loss is {loss}: {why}; the model has diverged "
                        f"(fit stops and reports History.diverged_at)")
    return loss


class Loss:
    """Base class: `forward(pred, target) -> float`, `backward() -> dpred`."""

    def __init__(self):
        self.cache = None

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def _cached(self):
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self.cache

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSELoss(Loss):
    """Mean squared error over all elements, like PyTorch's default.

    L = mean((pred - target)**2), so dL/dpred = 2 * (pred - target) / pred.size.

    Shapes: pred (N, D) or (N,); target the same shape (or (N,) for pred (N, 1)).
    Introduced in chapter 4 (Training: gradients and the chain rule).
    """

    def forward(self, pred, target):
        pred = _as_float(pred, "MSELoss")
        target = _match_target(pred, target, "MSELoss")
        diff = pred - target
        self.cache = diff
        with np.errstate(over="ignore", invalid="ignore"):  # reported by _reported
            loss = _mean(diff * diff)
        return _reported(loss, pred, "MSELoss")

    def backward(self):
        diff = self._cached()
        return diff * (2.0 / diff.size)


class BCELoss(Loss):
    """Binary cross-entropy (log-loss) on probabilities.

    L = -mean(t * log(p) + (1 - t) * log(1 - p)) with p clipped to [eps, 1 - eps],
    dL/dp = (p - t) / (p * (1 - p)) / N inside the clip range and 0 outside it.
    Predictions outside [0, 1] (logits, say) raise ValueError: clipped, their gradient
    would be 0 and training would stop without a word. For logits use BCEWithLogitsLoss.

    `eps` is raised to the dtype's machine epsilon if it is smaller (float32 cannot
    represent 1 - 1e-12), so log(1 - p) stays finite in every dtype.

    Shapes: pred (N, 1) or (N,) probabilities in [0, 1]; target (N,) or (N, 1) in [0, 1].
    Introduced in chapter 1 (Logistic regression, revisited).
    """

    def __init__(self, eps=1e-12):
        super().__init__()
        self.eps = check_real(eps, "eps", "BCELoss")
        if not 0 < self.eps < 0.5:
            raise ValueError(f"BCELoss: eps must be in (0, 0.5), got {eps!r}")

    def forward(self, pred, target):
        p = _as_float(pred, "BCELoss")
        t = _match_target(p, target, "BCELoss")
        _check_binary(t, "BCELoss")
        lo, hi = p.min(), p.max()
        if (lo < 0 or hi > 1) and not np.isnan(lo):  # NaN (a diverged model) is reported below
            raise ValueError(
                f"BCELoss: pred must be probabilities in [0, 1] (a sigmoid's output), got "
                f"values in [{lo:.4g}, {hi:.4g}]; for logits (raw scores) use "
                f"BCEWithLogitsLoss, which applies the sigmoid itself"
            )
        eps = max(self.eps, float(np.finfo(p.dtype).eps))
        p_clip = np.clip(p, eps, 1 - eps)
        self.cache = (p, p_clip, t)
        loss = -_mean(t * np.log(p_clip) + (1 - t) * np.log(1 - p_clip))
        return _reported(loss, p, "BCELoss")

    def backward(self):
        p, p_clip, t = self._cached()
        dp = (p_clip - t) / (p_clip * (1 - p_clip) * p.size)
        # Where forward clipped, the loss does not depend on p: the gradient is 0 there.
        dp[p != p_clip] = 0
        return dp


class BCEWithLogitsLoss(Loss):
    """Sigmoid and binary cross-entropy fused into one stable step on logits.

    L = mean(softplus(z) - t * z) with softplus(z) = log(1 + exp(z)), which equals
    -mean(t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z))) but never takes log(0);
    dL/dz = (sigmoid(z) - t) / N. Finite for logits of +-1000, and the gradient keeps its
    relative precision there for the labels t = 0 and t = 1.

    Shapes: pred (N, 1) or (N,) logits; target (N,) or (N, 1) in [0, 1].
    Introduced in chapter 1 (Logistic regression, revisited).
    """

    def forward(self, pred, target):
        z = _as_float(pred, "BCEWithLogitsLoss")
        t = _match_target(z, target, "BCEWithLogitsLoss")
        _check_binary(t, "BCEWithLogitsLoss")
        with np.errstate(invalid="ignore"):  # inf or NaN logits (divergence): reported below
            softplus = np.logaddexp(0, z)  # log(1 + e^z) without overflow
            loss = _mean(softplus - z * t)
        self.cache = (z, t, softplus)
        return _reported(loss, z, "BCEWithLogitsLoss")

    def backward(self):
        z, t, softplus = self._cached()
        # sigmoid(z) = exp(z - softplus) and sigmoid(-z) = exp(-softplus): both exponents are
        # <= 0, so neither overflows, and forward has already paid for softplus. (An infinite
        # logit, a diverged model that forward has reported, gives inf - inf: a NaN gradient.)
        with np.errstate(invalid="ignore"):
            sigmoid_pos, sigmoid_neg = np.exp(z - softplus), np.exp(-softplus)
        # sigmoid(z) - t = (1 - t) sigmoid(z) - t sigmoid(-z). For t = 1 this is -sigmoid(-z)
        # to full relative precision, where 1 - sigmoid(z) would round to 0 from z ~ 37 on.
        return ((1 - t) * sigmoid_pos - t * sigmoid_neg) * (1.0 / z.size)


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax and cross-entropy fused into one stable step on class scores.

    L = mean_i(logsumexp(z_i) - z_i[y_i]), computed after subtracting each row's maximum;
    dL/dz = (softmax(z) - onehot(y)) / N. Finite and exact for logits of +-1000.

    Shapes: pred (N, C) logits; target (N,) (or (N, 1)) integer labels in {0, ..., C - 1}.
    Introduced in chapter 3 (Neurons and networks).
    """

    def forward(self, pred, target):
        z = _as_float(pred, "SoftmaxCrossEntropyLoss")
        if z.ndim != 2:
            raise ValueError(
                f"SoftmaxCrossEntropyLoss: pred must be 2-D logits (N, C), got shape {z.shape}"
            )
        n, c = z.shape
        y = np.asanyarray(target)
        if y.shape not in ((n,), (n, 1)):
            raise ValueError(
                f"SoftmaxCrossEntropyLoss: target must be integer labels of shape ({n},), "
                f"got shape {y.shape}"
            )
        if y.dtype.kind not in "iu":
            raise ValueError(
                f"SoftmaxCrossEntropyLoss: target must be integer class labels, got dtype {y.dtype}"
            )
        y = y.reshape(n)
        if y.min() < 0 or y.max() >= c:
            raise ValueError(
                f"SoftmaxCrossEntropyLoss: target labels must lie in [0, {c - 1}] for C={c} "
                f"classes, got values in [{y.min()}, {y.max()}]"
            )
        rows = np.arange(n)
        with np.errstate(invalid="ignore"):  # inf - inf for an infinite logit: reported below
            shifted = z - z.max(axis=1, keepdims=True)  # largest score 0: exp cannot overflow
        exp = np.exp(shifted)
        sum_exp = exp.sum(axis=1, keepdims=True)
        self.cache = (rows, y, exp, sum_exp)
        loss = _mean(np.log(sum_exp[:, 0]) - shifted[rows, y])
        return _reported(loss, z, "SoftmaxCrossEntropyLoss")

    def backward(self):
        rows, y, exp, sum_exp = self._cached()
        dz = exp / sum_exp  # softmax
        dz[rows, y] -= 1
        dz *= 1.0 / len(rows)
        return dz
