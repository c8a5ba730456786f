"""Per-layer diagnostics: activation statistics, saturation, histograms, gradient sizes.

What chapter 7 (Activations) and chapter 8 (Initialization) look at while a signal goes
through a deep network, and what the playground's diagnostics panel shows:

    stats = network_stats(model, X, loss_fn=loss_fn, y=y)   # one call, one dict of lists
    stats["saturation"][l], stats["hist"][l], stats["grad_W_norm"][l], ...

The building blocks are usable on their own: `collect_activations` and `collect_gradients`
are a forward and a backward pass through a `Sequential`, one module at a time, that keep
what passes between the modules. NaN and inf are reported, not raised: a diverging network
is something to diagnose.
"""

import numbers

import numpy as np

from mml4_lib.activations import ACTIVATIONS, Activation, activation_class
from mml4_lib.layers import Linear

# What counts as saturated (or off), the words for it and the natural histogram ranges are
# facts of each activation: its class in mml4_lib.activations holds them.


def _check_name(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    return activation_class(activation)


def _as_array(a, name, ndim=None):
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        raise ValueError(f"{name} must be a non-empty array, got shape {a.shape}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array (N, H), got shape {a.shape}")
    return a


def saturated(a, activation):
    """Boolean mask of the outputs that sit where the activation is flat (or off).

    The rule is the activation class's `inactive` (mml4_lib.activations): tanh |a| > 0.97;
    sigmoid a < 0.03 or a > 0.97; relu a == 0 (input <= 0, the unit is off); leaky_relu,
    gelu and silu a <= 0 (the negative side); elu a < -0.97 (flat towards -1); linear
    never. NaN counts as not saturated.

    Args: a post-activation outputs, any shape; activation one of ACTIVATIONS.
    Returns: bool array of a's shape.
    Chapter 7.
    """
    cls = _check_name(activation)
    return cls.inactive(_as_array(a, "a"))


def saturation_share(a, activation):
    """Share of the outputs that are saturated (see `saturated` for the thresholds).

    Args: a post-activation outputs, any shape; activation one of ACTIVATIONS.
    Returns: float in [0, 1].
    Chapter 7.
    """
    return float(np.mean(saturated(a, activation)))


def layer_stats(a, activation):
    """Mean, standard deviation, saturation share and dead share of one layer's outputs.

    mean and std are over all N * H values; saturation = saturation_share(a, activation);
    dead = share of the H units saturated for every one of the N examples (a dead ReLU
    unit, a tanh unit stuck at +-1): (almost) no gradient reaches their weights on this batch.

    Args: a (N, H) post-activation outputs; activation one of ACTIVATIONS.
    Returns: dict with float values "mean", "std", "saturation", "dead".
    Chapter 7.
    """
    a = _as_array(a, "a", ndim=2)
    mask = saturated(a, activation)
    return {
        "mean": float(a.mean()),
        "std": float(a.std()),
        "saturation": float(mask.mean()),
        "dead": float(np.all(mask, axis=0).mean()),
    }


def histogram(values, *, bins=40, range, density=False):
    """Histogram with fixed bins: `bins` equal bins over `range`, the same for every call.

    Values outside `range`, inf and NaN are not counted (as in np.histogram). With
    density=True, counts / (counted * bin width), so the bars integrate to 1 (zeros if
    nothing was counted).

    Args: values any shape; bins int >= 1; range (low, high) finite with low < high.
    Returns: counts (bins,) (int64, or float64 with density) and edges (bins + 1,).
    Chapter 7.
    """
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 1:
        raise ValueError(f"bins must be an int >= 1, got {bins!r}")
    if np.shape(range) != (2,) or not np.all(np.isfinite(range)) or not range[0] < range[1]:
        raise ValueError(f"range must be a pair (low, high) of finite numbers with low < high, "
                         f"got {range!r}")
    values = np.asarray(values, dtype=np.float64).ravel()
    counts, edges = np.histogram(values[np.isfinite(values)], bins=int(bins), range=range)
    if density:
        total = counts.sum()
        counts = counts / (total * np.diff(edges)) if total else np.zeros(len(counts))
    return counts, edges


def update_to_data_ratio(param, update):
    """Size of one update step relative to the parameter: ||update|| / ||param||.

    For SGD update = lr * grad. Karpathy's rule of thumb: about 1e-3 is healthy; much
    larger means the step rewrites the weights, much smaller that they barely move.
    Frobenius norms; inf if param is all zeros and update is not, NaN if both are.

    Args: param and update arrays of the same shape (e.g. (D_in, D_out)).
    Returns: float.
    Chapter 8.
    """
    param = _as_array(param, "param")
    update = _as_array(update, "update")
    if param.shape != update.shape:
        raise ValueError(f"update must have the shape of param {param.shape}, got {update.shape}")
    num, den = np.linalg.norm(update), np.linalg.norm(param)
    if den == 0:
        return np.nan if num == 0 else np.inf
    return float(num / den)


def activation_name(module):
    """The ACTIVATIONS name of an activation module ("tanh" for Tanh(), ...), else None.

    Every activation module is an mml4_lib.activations.Activation and carries its name;
    any other object (a Linear, a BatchNorm) gives None. Chapter 7.
    """
    return module.name if isinstance(module, Activation) else None


def _layers(model):
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"model must be a Sequential (with a .layers list), "
                        f"got {type(model).__name__}")
    return layers


def _forward_keeping(model, x, keep):
    """model.forward(x) one module at a time; also the outputs of the modules keep() accepts."""
    kept, out = [], x
    for module in _layers(model):
        out = module.forward(out)
        if keep(module):
            kept.append(out)
    return out, kept


def collect_activations(model, x):
    """Forward pass through a Sequential, one module at a time, keeping each activation's output.

    Equivalent to model.forward(x) (same caches, so model.backward or collect_gradients can
    follow), plus a_l = the output of the l-th activation module, l = 1 ... L.

    Args: model a Sequential; x (N, D).
    Returns: out (the model's output, e.g. (N, C)) and a list of L arrays a_l (N, H_l).
    Chapter 7.
    """
    return _forward_keeping(model, x, lambda module: activation_name(module) is not None)


def collect_preactivations(model, x):
    """Forward pass through a Sequential keeping every Linear's output z = x W + b.

    Equivalent to model.forward(x), like ``collect_activations``.
    Args: model a Sequential; x (N, D).
    Returns: list with one (N, D_out) array per Linear, input to output. Chapter 8.
    """
    return _forward_keeping(model, x, lambda module: isinstance(module, Linear))[1]


def collect_gradients(model, dout):
    """Backward pass through a Sequential, one module at a time, keeping the gradients.

    Equivalent to model.backward(dout) (it fills the same grads), plus dL/dW of every
    Linear and dL/da_l, the gradient arriving at the output a_l of each activation module.
    Call it right after a forward pass (model.forward or collect_activations).

    Args: model a Sequential; dout dL/d(model output), the shape of the output.
    Returns: dx (N, D), a list of dL/dW per Linear (D_in, D_out), input to output, and a list
        of L arrays dL/da_l (N, H_l).
    Chapter 8.
    """
    layers = _layers(model)
    grad_W, grad_a = [], []
    for module in reversed(layers):
        if activation_name(module) is not None:
            grad_a.append(dout)
        dout = module.backward(dout)
        if isinstance(module, Linear):
            grad_W.append(module.grads["W"].copy())  # the next backward may overwrite it
    return dout, grad_W[::-1], grad_a[::-1]


def _shared_range(arrays, symmetric):
    # One range for all layers, so their histograms can be compared bin by bin.
    finite = np.concatenate([np.ravel(v) for v in arrays] + [np.zeros(0)])
    finite = finite[np.isfinite(finite)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
    if symmetric:
        lo, hi = -max(abs(lo), abs(hi)), max(abs(lo), abs(hi))
    # All values equal (or none finite): widen by 1 on each side so the bins stay valid.
    return (float(lo), float(hi)) if lo < hi else (float(lo) - 1.0, float(hi) + 1.0)


def network_stats(model, X, *, loss_fn=None, y=None, bins=40, act_range=None, grad_range=None):
    """Everything the diagnostics show, per hidden layer, from one forward (and backward) pass.

    Hidden layer l = 1 ... L is the l-th activation module and the Linear just before it.
    Without loss_fn/y only the forward pass runs. The model is run in its current mode: in
    training mode BatchNorm updates its running statistics and Dropout draws new masks; the
    backward pass overwrites model.grads.

    Args: model a Sequential; X (N, D); loss_fn a loss (forward(pred, target), backward())
        and y its targets, both or neither; bins int; act_range / grad_range (low, high)
        for the histograms, by default the activation's plot_range if it is bounded
        ((-1, 1) for tanh, (0, 1) for sigmoid) and the same in every layer, else the
        min-max over all layers, and +-max |dL/dW| over all layers.
    Returns: dict of lists with one entry per hidden layer: "activation" (name), "a" (N, H_l),
        "mean", "std", "saturation", "dead" (as in layer_stats), "hist" (counts, edges); with
        a loss also "loss" (float), "grad_W" (D_in, D_out), "grad_W_norm" (Frobenius),
        "grad_W_std", "grad_W_hist" (counts, edges), "grad_a_std" (std of dL/da_l).
    Chapters 7 and 8; the playground's diagnostics panel.
    """
    layers = _layers(model)
    if (loss_fn is None) != (y is None):
        raise ValueError("loss_fn and y must be given together (both or neither), got "
                         f"loss_fn={type(loss_fn).__name__}, y={type(y).__name__}")
    # feeding[l]: the number of the Linear just before hidden layer l (counting from 0).
    names, feeding, n_linear = [], [], 0
    for i, module in enumerate(layers):
        n_linear += isinstance(module, Linear)
        if activation_name(module) is not None:
            if n_linear == 0:
                raise ValueError(f"model: activation module {i} has no Linear before it")
            names.append(activation_name(module))
            feeding.append(n_linear - 1)
    out, acts = collect_activations(model, X)
    if act_range is None:
        one = activation_class(names[0]) if len(set(names)) == 1 else None
        bounded = one is not None and one.bounded
        act_range = one.plot_range if bounded else _shared_range(acts, symmetric=False)
    stats = {"activation": names, "a": acts, "hist": []}
    for key in ("mean", "std", "saturation", "dead"):
        stats[key] = []
    for a, name in zip(acts, names, strict=True):
        for key, value in layer_stats(a, name).items():
            stats[key].append(value)
        stats["hist"].append(histogram(a, bins=bins, range=act_range))
    if loss_fn is None:
        return stats

    stats["loss"] = float(loss_fn.forward(out, y))
    _, all_grad_W, grad_a = collect_gradients(model, loss_fn.backward())
    grad_W = [all_grad_W[k] for k in feeding]
    if grad_range is None:
        grad_range = _shared_range(grad_W, symmetric=True)
    stats["grad_W"] = grad_W
    stats["grad_W_norm"] = [float(np.linalg.norm(g)) for g in grad_W]
    stats["grad_W_std"] = [float(np.std(g)) for g in grad_W]
    stats["grad_W_hist"] = [histogram(g, bins=bins, range=grad_range) for g in grad_W]
    stats["grad_a_std"] = [float(np.std(g)) for g in grad_a]
    return stats
