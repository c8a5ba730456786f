"""Layers with hand-written backward passes: Linear, BatchNorm, Dropout, Sequential, make_mlp.

Batches are rows: a layer maps x (N, D_in) to out (N, D_out). `forward` keeps only what
`backward` needs; `backward(dout)` returns dx and overwrites `grads` under the keys of
`params`. Modules are constructed in training mode. No autograd: each backward line undoes
one forward line, which is what chapter 5 (Backpropagation) teaches.
"""

import numpy as np

from mml4_lib.activations import get_activation
from mml4_lib.base import (
    Module,
    bad_input_error,
    cast_input,
    check_float_dtype,
    check_generator,
    check_nonnegative,
    check_positive_int,
    check_real,
    warn_non_finite,
)
from mml4_lib.init import get_initializer

__all__ = ["BatchNorm", "Dropout", "Linear", "Module", "Sequential", "make_mlp"]


class Linear(Module):
    """Fully connected layer: out = x @ W + b.

    x: (N, D_in) -> out: (N, D_out); params W: (D_in, D_out), b: (D_out,).
    init: an initializer name from `mml4_lib.init.INITIALIZERS` (with init_scale as its
    scale, see `get_initializer`) or a function (shape, *, rng) -> array, whose result is
    multiplied by init_scale (a finite number >= 0) if given. b starts at zero. Inputs of
    another dtype are cast to the layer's dtype. forward keeps a reference to x, not a copy:
    do not modify x in place before backward. Introduced in chapter 5 (Backpropagation).
    """

    def __init__(
        self, in_features, out_features, *, init="xavier", init_scale=None, rng, dtype=np.float64
    ):
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features", "Linear")
        self.out_features = check_positive_int(out_features, "out_features", "Linear")
        check_generator(rng, "Linear")
        self.dtype = check_float_dtype(dtype, "Linear")
        shape = (self.in_features, self.out_features)
        if isinstance(init, str):
            W = get_initializer(init, init_scale)(shape, rng=rng, dtype=self.dtype)
        elif callable(init):
            W = np.asarray(init(shape, rng=rng))
            if W.shape != shape or W.dtype.kind not in "biuf" or not np.isfinite(W).all():
                raise ValueError(
                    f"Linear: init must return finite numbers of shape {shape}, got shape "
                    f"{W.shape}, dtype {W.dtype}"
                    + ("" if W.dtype.kind not in "biuf" or np.isfinite(W).all() else
                       ", with inf or NaN entries")
                )
            if init_scale is not None:
                W = W * check_nonnegative(init_scale, "init_scale", "Linear")
            W = W.astype(self.dtype)  # a copy: the layer owns its weights
        else:
            raise TypeError(
                f"Linear: init must be an initializer name or a function (shape, *, rng), "
                f"got {type(init).__name__}"
            )
        self.params = {"W": W, "b": np.zeros(self.out_features, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.x = None

    def __repr__(self):
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"

    def forward(self, x):
        """out = x @ W + b; keeps x for backward. x: (N, D_in) -> out: (N, D_out)."""
        if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[1] != self.in_features:
            raise bad_input_error(self, x, self.in_features)
        if x.dtype != self.dtype:
            x = cast_input(self, x, self.dtype)
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        """dW = x^T dout, db = sum of dout over rows, dx = dout W^T. dout: (N, D_out) -> dx."""
        self.backward_params(dout)  # dW and db
        return dout @ self.params["W"].T  # out = x @ W: each input reaches out through W

    def backward_params(self, dout):
        """dW = x^T dout and db = the sum of dout over the rows; no dx (returns None).

        What training calls: a first layer's input is data, whose gradient nobody needs, and
        dx = dout @ W^T is a third of the layer's work (PyTorch skips it too).
        """
        x = self.x
        if x is None:
            raise self._no_forward_error()
        self._check_dout(dout, (x.shape[0], self.out_features))
        self.grads["W"] = x.T @ dout  # out = x @ W: each weight sees its input column
        # b was added to all N rows: sum dout over the rows. Written as ones @ dout, which
        # NumPy runs 2-5 times faster than dout.sum(axis=0) for (500, 8) (see benchmarks/README.md).
        self.grads["b"] = np.ones(len(dout), dtype=dout.dtype) @ dout


class BatchNorm(Module):
    """Batch normalization: out = gamma * (x - mean) / sqrt(var + eps) + beta, per feature.

    x: (N, D) -> out: (N, D); params gamma: (D,) ones, beta: (D,) zeros; buffers
    running_mean: (D,) zeros and running_var: (D,) ones (not parameters).
    Training mode normalizes with the batch mean and the biased batch variance (divided by
    N, N >= 2) and updates running = (1 - momentum) * running + momentum * batch_stat,
    using the unbiased variance (divided by N - 1) for running_var. momentum is the
    lecture's alpha. Eval mode normalizes with the running buffers.
    Introduced in chapter 9 (Batch normalization).
    """

    def __init__(self, num_features, *, momentum=0.1, eps=1e-5, dtype=np.float64):
        super().__init__()
        self.num_features = check_positive_int(num_features, "num_features", "BatchNorm")
        self.momentum = check_real(momentum, "momentum", "BatchNorm")
        if not 0 < self.momentum <= 1:
            raise ValueError(f"BatchNorm: momentum must be in (0, 1], got {momentum!r}")
        self.eps = check_real(eps, "eps", "BatchNorm")
        if not 0 < self.eps < np.inf:
            raise ValueError(f"BatchNorm: eps must be a finite number > 0, got {eps!r}")
        self.dtype = check_float_dtype(dtype, "BatchNorm")
        D = self.num_features
        self.params = {"gamma": np.ones(D, dtype=self.dtype), "beta": np.zeros(D, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.running_mean = np.zeros(D, dtype=self.dtype)
        self.running_var = np.ones(D, dtype=self.dtype)
        self.xhat = None
        self.std = None
        self.used_batch_stats = None

    def __repr__(self):
        return f"BatchNorm(num_features={self.num_features}, momentum={self.momentum})"

    def forward(self, x):
        """Normalize each column of x (N, D), then scale by gamma and shift by beta."""
        if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[1] != self.num_features:
            raise bad_input_error(self, x, self.num_features)
        if x.dtype != self.dtype:
            x = cast_input(self, x, self.dtype)
        if self.training:
            N = x.shape[0]
            if N < 2:
                raise ValueError(
                    f"{self!r}: training mode needs a batch of N >= 2 rows to estimate a "
                    f"variance, got shape {x.shape}; use eval() for single examples"
                )
            m = self.momentum
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught below
                mean = x.mean(axis=0)
                xc = x - mean
                var = (xc * xc).mean(axis=0)  # biased (1/N): the variance of this batch
                running_var = (1 - m) * self.running_var + m * var * (N / (N - 1))
            if not np.isfinite(running_var).all():
                return self._diverged(x)
            std = np.sqrt(var + self.eps)
            # In place, so references to the buffers (plots, diagnostics) stay current.
            self.running_mean[...] = (1 - m) * self.running_mean + m * mean
            self.running_var[...] = running_var
        else:
            xc = x - self.running_mean
            std = np.sqrt(self.running_var + self.eps)
        self.xhat = xc / std
        self.std = std
        self.used_batch_stats = self.training
        return self.params["gamma"] * self.xhat + self.params["beta"]

    def _diverged(self, x):
        """A batch whose variance is inf/NaN: NaN out, running statistics kept, reported."""
        warn_non_finite(
            f"{self!r}: the batch variance is not finite (the input overflows or holds inf/NaN, "
            f"|x| up to {np.abs(x).max():.3g}); running_mean and running_var keep their last "
            f"finite values and the output is NaN: the model has diverged"
        )
        self.xhat = np.full_like(x, np.nan)
        self.std = np.full(self.num_features, np.nan, dtype=self.dtype)
        self.used_batch_stats = True
        return self.xhat.copy()

    def backward(self, dout):
        """dgamma, dbeta and dx; dx includes the paths through the batch mean and variance.

        With dxhat = dout * gamma, in training mode
        dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps)
        (means over the N rows); in eval mode the statistics are constants: dx = dxhat / std.
        """
        xhat = self.xhat
        if xhat is None:
            raise self._no_forward_error()
        self._check_dout(dout, xhat.shape)
        self.grads["gamma"] = (dout * xhat).sum(axis=0)
        self.grads["beta"] = dout.sum(axis=0)
        dxhat = dout * self.params["gamma"]
        if not self.used_batch_stats:
            return dxhat / self.std
        # Every row moved the batch mean and variance: subtract those two paths.
        return (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / self.std


class Dropout(Module):
    """Dropout: keep each unit with probability keep_prob (the lecture's p), zero the rest.

    x: any shape -> out: same shape. mode="inverted" (default, as in PyTorch): training
    out = x * mask / keep_prob, eval out = x. mode="classic" (the lecture and the paper):
    training out = x * mask, eval out = x * keep_prob. Either way the expected training
    output equals the eval output. backward reuses the forward mask; keep_prob = 1 is the
    identity. When nothing is dropped or scaled (inverted mode in eval, keep_prob = 1) forward
    returns x itself, not a copy. Introduced in chapter 10 (Dropout).
    """

    MODES = ("inverted", "classic")

    def __init__(self, keep_prob, *, mode="inverted", rng):
        super().__init__()
        self.keep_prob = check_real(keep_prob, "keep_prob", "Dropout")
        if not 0 < self.keep_prob <= 1:
            raise ValueError(
                f"Dropout: keep_prob (the probability of keeping a unit) must be in (0, 1], "
                f"got {keep_prob!r}"
            )
        if mode not in self.MODES:
            raise ValueError(f"Dropout: mode must be 'inverted' or 'classic', got {mode!r}")
        self.mode = mode
        check_generator(rng, "Dropout")
        self.rng = rng
        self.mask = None
        self.scale = None
        self.shape = None

    def __repr__(self):
        return f"Dropout(keep_prob={self.keep_prob}, mode={self.mode!r})"

    def forward(self, x):
        """out = x * mask * scale; the mask is drawn in training mode only."""
        if not isinstance(x, np.ndarray):
            raise bad_input_error(self, x, None)
        p = self.keep_prob
        if self.training and p < 1:
            self.mask = self.rng.random(x.shape) < p  # True with probability p
            self.scale = 1 / p if self.mode == "inverted" else 1.0
        else:
            self.mask = None
            self.scale = p if self.mode == "classic" else 1.0
        self.shape = x.shape
        out = x if self.mask is None else x * self.mask
        return out if self.scale == 1 else out * self.scale

    def backward(self, dout):
        """dx = dout * mask * scale, with the mask and scale of the last forward."""
        if self.shape is None:
            raise self._no_forward_error()
        self._check_dout(dout, self.shape)
        dx = dout if self.mask is None else dout * self.mask
        return dx if self.scale == 1 else dx * self.scale


class Sequential(Module):
    """A chain of modules: forward through layers in order, backward in reverse.

    x: (N, D_0) -> out: (N, D_L). `params` and `grads` are flat dicts keyed
    "<layer index>.<name>" ("0.W", "0.b", "1.gamma", ...), rebuilt on every access from the
    children's current arrays: update them in place (p -= lr * g); to replace an array,
    assign into the child (model.layers[0].params["W"] = ...). `train()` / `eval()` switch
    every layer. Introduced in chapter 5 (Backpropagation).
    """

    def __init__(self, *modules):
        # No super().__init__(): params and grads are properties built from the children.
        if not modules:
            raise ValueError("Sequential: needs at least one module, got none")
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: argument {i} must be a Module, got {type(module).__name__}"
                )
        self.layers = list(modules)
        self.train()

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def _flat(self, which):
        # The children's own arrays, not copies: in-place updates reach the layers.
        return {
            f"{i}.{name}": array
            for i, layer in enumerate(self.layers)
            for name, array in getattr(layer, which).items()
        }

    @property
    def params(self):
        """Flat dict "<layer index>.<name>" -> the child's current parameter array."""
        return self._flat("params")

    @property
    def grads(self):
        """Flat dict "<layer index>.<name>" -> the child's current gradient array."""
        return self._flat("grads")

    def forward(self, x):
        """Apply every layer in order."""
        for i, layer in enumerate(self.layers):
            try:
                x = layer.forward(x)
            except (TypeError, ValueError) as err:  # say which layer rejected its input
                raise type(err)(f"Sequential layer {i}: {err}") from err
        return x

    def backward(self, dout):
        """Apply every layer's backward in reverse order; return dx of the first layer."""
        for i in range(len(self.layers) - 1, -1, -1):
            try:
                dout = self.layers[i].backward(dout)
            except (TypeError, ValueError, RuntimeError) as err:  # say which layer failed
                raise type(err)(f"Sequential layer {i}: {err}") from err
        return dout

    def backward_params(self, dout):
        """Like backward, but the first layer skips dx (returns None): what training needs."""
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            try:
                if i > 0:
                    dout = layer.backward(dout)
                else:
                    layer.backward_params(dout)  # the data's own gradient is never needed
            except (TypeError, ValueError, RuntimeError) as err:
                raise type(err)(f"Sequential layer {i}: {err}") from err

    def train(self):
        """Switch this model and every layer to training mode; return self."""
        self.training = True
        for layer in self.layers:
            layer.train()
        return self

    def eval(self):
        """Switch this model and every layer to evaluation mode; return self."""
        self.training = False
        for layer in self.layers:
            layer.eval()
        return self


def make_mlp(
    sizes,
    *,
    activation="tanh",
    init="xavier",
    init_scale=None,
    batch_norm=False,
    keep_prob=None,
    dropout_mode="inverted",
    rng,
    dtype=np.float64,
):
    """Build a multilayer perceptron: Linear -> [BatchNorm] -> activation -> [Dropout], ...

    sizes: [D_0, D_1, ..., D_L], e.g. [2, 8, 8, 1]; the model maps (N, D_0) -> (N, D_L).
    Every hidden layer is Linear, then BatchNorm if batch_norm, then the activation (a name
    from `mml4_lib.activations.ACTIVATIONS`), then Dropout(keep_prob, mode=dropout_mode) if
    keep_prob is not None; the last layer is a Linear alone (outputs are logits or values).
    init / init_scale go to every Linear. Introduced in chapter 6 (The network playground).
    """
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise ValueError(
            f"make_mlp: sizes must be a list of at least 2 layer widths such as [2, 8, 1], "
            f"got {sizes!r}"
        )
    for d in sizes:
        check_positive_int(d, "every entry of sizes", "make_mlp")
    get_activation(activation)  # fail early on an unknown name, listing the valid ones
    if not isinstance(batch_norm, bool):
        raise TypeError(f"make_mlp: batch_norm must be True or False, got {batch_norm!r}")
    check_generator(rng, "make_mlp")
    if keep_prob is not None:
        Dropout(keep_prob, mode=dropout_mode, rng=rng)  # validate before drawing weights

    layers = []
    n_hidden = len(sizes) - 2
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Linear(d_in, d_out, init=init, init_scale=init_scale, rng=rng, dtype=dtype))
        if i < n_hidden:
            if batch_norm:
                layers.append(BatchNorm(d_out, dtype=dtype))
            layers.append(get_activation(activation))
            if keep_prob is not None:
                layers.append(Dropout(keep_prob, mode=dropout_mode, rng=rng))
    return Sequential(*layers)
