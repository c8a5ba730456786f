"""The playground's model and trainer: TensorFlow Playground's network, built from mml4_lib.

    pg = Playground("dataset=xor&hidden=4,4")   # or Playground(PlaygroundConfig(...))
    pg.step(10)                                   # ten epochs
    pg.history["test_loss"][-1], pg.snapshot()["output"]   # (100, 100) heat map values

With the default config the model is the Playground's own: weights U(-0.5, 0.5), biases
0.1, a tanh output unit trained on targets -1/+1 with the squared error 1/2 (out - t)^2
for classification (a linear output for regression), the training points in one fixed
order, an update after every `batch_size` points with the gradient averaged over them, one
epoch per step. Everything else (the data, the layers, the optimizer, the statistics) is
the course library: mml4_lib.data, layers.make_mlp, optim.SGD, stats.network_stats.

NumPy only. Introduced in chapter 6 (The network playground).
"""

import numpy as np

from mml4_lib.activations import Tanh, activation_class
from mml4_lib.data import make_dataset, make_grid, polynomial_features, train_test_split
from mml4_lib.layers import Linear, Sequential, make_mlp
from mml4_lib.losses import BCEWithLogitsLoss, MSELoss
from mml4_lib.optim import SGD
from mml4_lib.stats import activation_name, network_stats

from .config import LIVE_FIELDS, PlaygroundConfig

__all__ = ["HalfSquaredError", "Playground", "as_config", "batch_plan", "build_model"]

LIM = 6.0  # the heat maps cover [-6, 6]^2, as in the Playground
GRID_N = 100  # 100 x 100 cells
# Weight scheme -> (mml4_lib.init name, its scale at init_scale = 1).
_INIT = {"uniform": ("uniform", 0.5), "zeros": ("zeros", None), "normal": ("normal", 0.03),
         "xavier": ("xavier", 1.0), "he": ("he", 1.0)}


class HalfSquaredError(MSELoss):
    """The Playground's loss: L = mean over the batch of 1/2 (out - t)^2; dL/dout = (out - t) / N.

    Exactly half of MSELoss (whose mean squared error has no 1/2) for one output column.
    Shapes: pred (N, 1); target (N,) or (N, 1). Chapter 6.
    """

    def forward(self, pred, target):
        return 0.5 * super().forward(pred, target)

    def backward(self):
        return 0.5 * super().backward()


def as_config(config):
    """A PlaygroundConfig from a config, its string form, or None (the defaults)."""
    if config is None:
        return PlaygroundConfig()
    if isinstance(config, str):
        return PlaygroundConfig.from_string(config)
    if not isinstance(config, PlaygroundConfig):
        raise TypeError(f"config must be a PlaygroundConfig, its string or None, "
                        f"got {type(config).__name__}")
    return config


def build_model(config, n_inputs, *, rng, dtype=np.float64):
    """The network of a config: make_mlp([F, *hidden, 1]), plus the Playground's tanh output.

    Weights from the config's scheme times init_scale (uniform: U(-0.5, 0.5), normal:
    0.03 N(0, 1), ...), every bias = bias_init; batch_norm and keep_prob as in make_mlp.
    The output unit is tanh for classification with the squared error, linear otherwise
    (logits for cross-entropy, values for regression).
    Returns (model, loss): a Sequential mapping (N, F) -> (N, 1) and its loss object.
    """
    name, base = _INIT[config.init]
    scale = None if base is None else base * config.init_scale
    keep_prob = None if config.keep_prob == 1 else config.keep_prob
    mlp = make_mlp([n_inputs, *config.hidden, 1], activation=config.activation, init=name,
                   init_scale=scale, batch_norm=config.batch_norm, keep_prob=keep_prob,
                   rng=rng, dtype=dtype)
    for layer in mlp.layers:
        if isinstance(layer, Linear):
            layer.params["b"][...] = config.bias_init
    if config.loss == "cross_entropy":
        return mlp, BCEWithLogitsLoss()
    if config.problem == "classification":
        return Sequential(*mlp.layers, Tanh()), HalfSquaredError()
    return mlp, HalfSquaredError()


def batch_plan(n, batch_size, pending=()):
    """The Playground's batches for one epoch over points 0 ... n-1 in order.

    An update comes after every point i with (i + 1) % batch_size == 0; points left after the
    last update of an epoch (`pending`) join the first batch of the next one, as the
    Playground's accumulated derivatives do. Returns (batches, new_pending): a list of index
    arrays and the indices still waiting for an update.
    """
    pending = np.asarray(pending, dtype=np.intp)
    ends = np.arange(batch_size, n + 1, batch_size)
    if len(ends) == 0:
        return [], np.concatenate([pending, np.arange(n)])
    batches = [np.arange(e - batch_size, e) for e in ends]
    batches[0] = np.concatenate([pending, batches[0]])
    return batches, np.arange(ends[-1], n)


class Playground:
    """A playground run: data, network, optimizer and history, determined by a config.

    config: a PlaygroundConfig, its string form, or None for the Playground's defaults.
    Attributes: config, model, loss_fn, optimizer, epoch, history (lists per epoch from 0:
    "train_loss", "test_loss", "train_acc", "test_acc"), diverged_at (epoch or None),
    stopped (a stop condition or divergence ended training), X_train (N_train, 2),
    X_test, y_train, y_test (labels -1/+1, or values for regression), F_train, F_test
    (the input features, (N, F)). Losses are the Playground's: mean of 1/2 (out - t)^2, or
    the mean cross-entropy with loss="cross_entropy". Chapter 6.
    """

    def __init__(self, config=None, *, dtype=np.float64):
        self.config = as_config(config)
        self.dtype = dtype
        self.grid = make_grid(LIM, GRID_N)[0]  # (100 * 100, 2), rows along x2
        self.reset()

    # ------------------------------------------------------------------ building
    def reset(self):
        """Back to epoch 0: the same data and the same initial weights (both from the seed)."""
        c = self.config
        data_rng, weight_rng = (np.random.default_rng([c.seed, k]) for k in (0, 1))
        X, y = make_dataset(c.dataset, c.n_samples, c.noise / 100, rng=data_rng)
        if c.problem == "classification":
            y = 2.0 * y - 1.0  # the Playground's labels -1/+1
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, 1 - c.train_ratio / 100, rng=data_rng)
        self.X_train, self.X_test, self.y_train, self.y_test = X_train, X_test, y_train, y_test
        self.F_train = polynomial_features(X_train, c.features).astype(self.dtype)
        self.F_test = polynomial_features(X_test, c.features).astype(self.dtype)
        self.F_grid = polynomial_features(self.grid, c.features).astype(self.dtype)
        # Cross-entropy wants 0/1 targets; the squared error the labels themselves.
        to_target = (lambda t: (t + 1) / 2) if c.loss == "cross_entropy" else (lambda t: t)
        self.t_train = to_target(y_train).astype(self.dtype)[:, None]
        self.t_test = to_target(y_test).astype(self.dtype)[:, None]
        self.model, self.loss_fn = build_model(c, len(c.features), rng=weight_rng,
                                               dtype=self.dtype)
        self.optimizer = SGD(c.lr)
        self._set_regularization()
        self.n_hidden = len(c.hidden)
        self.epoch = 0
        self._pending = np.zeros(0, dtype=np.intp)
        self.history = {k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc")}
        self.diverged_at = None
        self.stopped = False
        self.stop_reason = ""
        self._snapshot = None
        self._evaluate()
        return self

    def _set_regularization(self):
        c, opt = self.config, self.optimizer
        opt.lr = c.lr
        opt.weight_decay = c.reg_rate if c.regularization == "l2" else 0.0
        opt.l1 = c.reg_rate if c.regularization == "l1" else 0.0

    def set(self, **changes):
        """Change config fields. The learning rate, stop conditions and view options apply to the
        running network (config.LIVE_FIELDS); any other change starts again (reset)."""
        new = self.config.replace(**changes)
        changed = {k for k in changes if getattr(new, k) != getattr(self.config, k)}
        self.config = new
        if changed - set(LIVE_FIELDS):
            return self.reset()
        self._set_regularization()
        self._snapshot = None
        self.stopped = self.diverged_at is not None or self._stop_condition()
        return self

    def regenerate(self):
        """New data (and new initial weights): the next seed, like the Playground's button."""
        return self.set(seed=self.config.seed + 1)

    # ------------------------------------------------------------------ training
    def step(self, epochs=1):
        """Train `epochs` epochs (fewer if a stop condition or divergence ends training).

        Never raises because of the numbers: a loss or weight that becomes inf/NaN sets
        diverged_at to that epoch and stops. Returns the number of epochs trained.
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
        done = 0
        while done < epochs and not self.stopped:
            self._train_epoch()
            self.epoch += 1
            done += 1
            self._evaluate()
        return done

    def _train_epoch(self):
        model, loss_fn, opt = self.model, self.loss_fn, self.optimizer
        batches, self._pending = batch_plan(len(self.F_train), self.config.batch_size,
                                            self._pending)
        with np.errstate(all="ignore"):  # overflow is reported as divergence, not warned
            for idx in batches:
                out = model.forward(self.F_train[idx])
                loss_fn.forward(out, self.t_train[idx])
                model.backward(loss_fn.backward())
                opt.step(model.params, model.grads)

    def _evaluate(self):
        """Append this epoch's losses and accuracies; flag divergence and stop conditions."""
        self._snapshot = None
        h = self.history
        for part in ("train", "test"):
            F, t, y = getattr(self, f"F_{part}"), getattr(self, f"t_{part}"), \
                getattr(self, f"y_{part}")
            out = self._forward(F)
            with np.errstate(all="ignore"):
                loss = self.loss_fn.forward(out, t)
            h[f"{part}_loss"].append(loss if np.isfinite(loss) else np.nan)
            h[f"{part}_acc"].append(self._accuracy(out, y))
        finite = np.isfinite(h["train_loss"][-1]) and all(
            np.isfinite(p).all() for p in self.model.params.values())
        if not finite and self.diverged_at is None:
            self.diverged_at = self.epoch
            self.stopped = True
            self.stop_reason = f"diverged at epoch {self.epoch}"
        elif self._stop_condition():
            self.stopped = True

    def _stop_condition(self):
        c = self.config
        if c.stop_epochs and self.epoch >= c.stop_epochs:
            self.stop_reason = f"stopped at epoch {self.epoch} (stop after {c.stop_epochs})"
            return True
        test_loss = self.history["test_loss"][-1]
        if c.stop_test_loss and test_loss <= c.stop_test_loss:
            self.stop_reason = (f"stopped at epoch {self.epoch}: test loss {test_loss:.3f} "
                                f"<= {c.stop_test_loss:g}")
            return True
        self.stop_reason = ""
        return False

    def _forward(self, F):
        """The model's output (N, 1) in eval mode (no dropout, BatchNorm's running statistics)."""
        self.model.eval()
        try:
            with np.errstate(all="ignore"):
                return self.model.forward(F)
        finally:
            self.model.train()

    def _display(self, out):
        """Output on the heat maps' scale: tanh unit as is, a probability p as 2p - 1 (-1 ... 1)."""
        out = out[:, 0]
        if self.config.loss == "cross_entropy":
            with np.errstate(all="ignore"):
                return np.tanh(out / 2)  # = 2 sigmoid(out) - 1
        return out

    def _accuracy(self, out, y):
        if self.config.problem == "regression":
            return np.nan
        with np.errstate(invalid="ignore"):
            return float(np.mean((self._display(out) > 0) == (y > 0)))

    def predict(self, X):
        """The output at points X (N, 2), as the heat map shows it: (N,)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must have shape (N, 2), got {X.shape}")
        return self._display(self._forward(polynomial_features(X, self.config.features)
                                           .astype(self.dtype)))

    # ------------------------------------------------------------------ what the views show
    def snapshot(self):
        """Everything the view draws for the current epoch (computed once per epoch).

        Returns a dict: "epoch", "output" (100, 100) on [-6, 6]^2 (rows along x2), "units"
        (list of arrays (H_l, 100, 100): the input features, every hidden layer, the output),
        "weights" (list of W (D_in, D_out)), "biases", "history", "diverged_at", "stopped",
        "stop_reason", and with config.diagnostics "diagnostics" (see `diagnostics`).
        """
        if self._snapshot is not None:
            return self._snapshot
        self.model.eval()
        try:
            with np.errstate(all="ignore"):
                hidden, x = [], self.F_grid
                for layer in self.model.layers:
                    x = layer.forward(x)
                    if activation_name(layer) is not None:
                        hidden.append(x)
        finally:
            self.model.train()
        n = GRID_N
        units = [self.F_grid.T.reshape(-1, n, n)]
        units += [a.T.reshape(-1, n, n) for a in hidden[: self.n_hidden]]
        output = self._display(x).reshape(n, n)
        units.append(output[None])
        linear = [m for m in self.model.layers if isinstance(m, Linear)]
        snap = {
            "epoch": self.epoch, "output": output, "units": units,
            "weights": [m.params["W"] for m in linear], "biases": [m.params["b"] for m in linear],
            "history": self.history, "diverged_at": self.diverged_at, "stopped": self.stopped,
            "stop_reason": self.stop_reason,
        }
        if self.config.diagnostics:
            snap["diagnostics"] = self.diagnostics()
        self._snapshot = snap
        return snap

    def diagnostics(self, bins=30):
        """Per-layer statistics on the training set (eval mode, one full-batch forward/backward).

        Returns dict: "hist" (per hidden layer: counts (bins,), edges (bins + 1,)),
        "saturation" (per hidden layer, share of saturated outputs), "grad_norm" (||dL/dW||
        per weight layer, input to output), "train_acc", "test_acc".
        """
        self.model.eval()
        try:
            with np.errstate(all="ignore"):
                stats = network_stats(self.model, self.F_train, loss_fn=self.loss_fn,
                                      y=self.t_train, bins=bins,
                                      act_range=_act_range(self))
        finally:
            self.model.train()
        grads = [m.grads["W"] for m in self.model.layers if isinstance(m, Linear)]
        k = self.n_hidden
        return {"hist": stats["hist"][:k], "saturation": stats["saturation"][:k],
                "grad_norm": [float(np.linalg.norm(g)) for g in grads],
                "train_acc": self.history["train_acc"][-1],
                "test_acc": self.history["test_acc"][-1]}


def _act_range(pg):
    """The histogram range of the hidden outputs: the activation's own if it is bounded.

    Otherwise one from the data: up to top = max |a| over the hidden layers, and down to
    -top, or to the activation's infimum if that is higher (0 for ReLU, -1 for ELU).
    """
    act = activation_class(pg.config.activation)
    if act.bounded:
        return act.plot_range
    _, acts = _hidden_outputs(pg)
    values = np.concatenate([a.ravel() for a in acts] + [np.zeros(1)])
    top = float(np.max(np.abs(values[np.isfinite(values)]), initial=0.0)) or 1.0
    return (max(act.output_range[0], -top), top)


def _hidden_outputs(pg):
    x, acts = pg.F_train, []
    for layer in pg.model.layers[:-1]:
        x = layer.forward(x)
        if activation_name(layer) is not None:
            acts.append(x)
    return x, acts
