"""The playground's state as one value: PlaygroundConfig, its control values and its string form.

Every control of TensorFlow Playground (with its exact values and defaults) and every
control the book adds is a field of the frozen dataclass `PlaygroundConfig`. The whole run
is determined by it (the data and the initial weights come from `seed`), so
`config.to_string()` is the analogue of the Playground's URL: paste it into
`PlaygroundConfig.from_string` (or the widget's text box) and the same run comes back.

NumPy-free on purpose: the config is plain values. Introduced in chapter 6 (The network
playground).
"""

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from mml4_lib.activations import ACTIVATIONS as LIBRARY_ACTIVATIONS
from mml4_lib.activations import activation_class
from mml4_lib.data import CLASSIFICATION_DATASETS, FEATURE_NAMES, REGRESSION_DATASETS

__all__ = [
    "ACTIVATIONS", "ACTIVATION_OPTIONS", "BEYOND_PLAYGROUND", "PLAYGROUND_ACTIVATIONS",
    "BIAS_INITS", "INITS", "INIT_SCALES", "KEEP_PROBS", "LEARNING_RATES",
    "LIVE_FIELDS", "LOSSES", "MAX_LAYERS", "MAX_NEURONS", "NOISES", "PROBLEMS",
    "REGULARIZATIONS", "REG_RATES", "TRAIN_RATIOS", "BATCH_SIZES", "PlaygroundConfig",
    "PRESETS", "DATASET_RUNS", "FIELDS",
]

# --- the Playground's controls, values in its order, defaults in PlaygroundConfig ----------
PROBLEMS = ("classification", "regression")
DATASETS = {"classification": CLASSIFICATION_DATASETS, "regression": REGRESSION_DATASETS}
NOISES = tuple(range(0, 51, 5))  # the slider's value; the generators get noise / 100
TRAIN_RATIOS = tuple(range(10, 91, 10))  # percent of the points used for training
BATCH_SIZES = tuple(range(1, 31))
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# The Playground's activation menu in its order; then every other activation of the library
# (mml4_lib.activations: Leaky ReLU, ELU, GELU, SiLU), which the Playground does not have.
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
BEYOND_PLAYGROUND = tuple(a for a in LIBRARY_ACTIVATIONS if a not in PLAYGROUND_ACTIVATIONS)
ACTIVATIONS = PLAYGROUND_ACTIVATIONS + BEYOND_PLAYGROUND
# (label, value) pairs for a menu: the additions marked with a "+" (beyond the Playground).
# The menu: (label, name); the activations TensorFlow Playground does not have say so.
ACTIVATION_OPTIONS = tuple(
    (activation_class(a).label + (" (beyond the Playground)" if a in BEYOND_PLAYGROUND else ""), a)
    for a in ACTIVATIONS)
REGULARIZATIONS = ("none", "l1", "l2")
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_SEED = 2**31 - 1  # the largest seed the controls offer; "regenerate" then wraps to 0
MAX_LAYERS = 6
MAX_NEURONS = 8
# --- beyond the Playground ------------------------------------------------------------------
INITS = ("uniform", "zeros", "normal", "xavier", "he")  # uniform(+-0.5) is the Playground's
INIT_SCALES = (0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 10.0)  # multiplies the scheme's weights
BIAS_INITS = (0.0, 0.1)  # 0.1 is the Playground's
LOSSES = ("squared", "cross_entropy")
KEEP_PROBS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # dropout; 1 = no dropout

# Changing one of these keeps the network and its weights: the learning rate (as in the
# Playground, where it applies to the running network), the stop conditions and the view
# options. Any other change starts again from the seed, as the Playground's reset does.
LIVE_FIELDS = ("lr", "stop_epochs", "stop_test_loss", "show_test", "discretize", "diagnostics")


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that determines a playground run; defaults are TensorFlow Playground's.

    Fields (Playground controls): problem, dataset, noise (slider 0 ... 50), train_ratio
    (percent), batch_size, features (names from mml4_lib.data.FEATURE_NAMES), hidden (widths
    of 0 ... 6 hidden layers, 1 ... 8 each), activation, lr, regularization, reg_rate,
    show_test, discretize. Beyond it: init (weight scheme) and init_scale (a multiplier),
    bias_init, loss ("squared": 1/2 (out - t)^2 with a tanh output for classification;
    "cross_entropy": a sigmoid output), batch_norm, keep_prob (dropout), seed (data and
    initial weights), stop_epochs and stop_test_loss (0 = no stop condition), diagnostics.
    Invalid values raise ValueError/TypeError naming the field. Chapter 6.
    """

    problem: str = "classification"
    dataset: str = "circle"
    noise: int = 0
    train_ratio: int = 50
    batch_size: int = 10
    features: tuple = ("x1", "x2")
    hidden: tuple = (4, 2)
    activation: str = "tanh"
    lr: float = 0.03
    regularization: str = "none"
    reg_rate: float = 0.0
    init: str = "uniform"
    init_scale: float = 1.0
    bias_init: float = 0.1
    loss: str = "squared"
    batch_norm: bool = False
    keep_prob: float = 1.0
    seed: int = 0
    stop_epochs: int = 0
    stop_test_loss: float = 0.0
    show_test: bool = False
    discretize: bool = False
    diagnostics: bool = False

    def __post_init__(self):
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _CHECKS[f.name](getattr(self, f.name), f.name))
        if self.dataset not in DATASETS[self.problem]:
            raise ValueError(f"dataset: {self.problem} uses one of "
                             f"{list(DATASETS[self.problem])}, got {self.dataset!r}")
        if self.loss == "cross_entropy" and self.problem != "classification":
            raise ValueError("loss: 'cross_entropy' needs problem='classification', "
                             f"got problem={self.problem!r}")
        if self.batch_norm and self.batch_size < 2:
            raise ValueError(f"batch_size: batch normalization needs batches of >= 2 points, "
                             f"got batch_size={self.batch_size}")

    def replace(self, **changes):
        """A copy with some fields changed (validated like a new config)."""
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {unknown}; fields are {list(FIELDS)}")
        return dataclasses.replace(self, **changes)

    def to_string(self):
        """One line 'field=value&field=value...' with every field, in the fields' order.

        Like the Playground's URL hash: PlaygroundConfig.from_string(c.to_string()) == c.
        """
        return "&".join(f"{name}={_format(getattr(self, name))}" for name in FIELDS)

    @classmethod
    def from_string(cls, text):
        """Parse 'field=value&...' (missing fields keep their defaults).

        Raises ValueError naming the field for an unknown field, a repeated one or a bad value.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str like 'dataset=xor&hidden=4,2', "
                            f"got {type(text).__name__}")
        values = {}
        for part in text.strip().lstrip("#?").split("&"):
            if not part.strip():
                continue
            name, sep, raw = part.partition("=")
            name = name.strip()
            if not sep:
                raise ValueError(f"{name}: expected 'field=value', got {part!r}")
            if name not in FIELDS:
                raise ValueError(f"{name}: unknown field; fields are {list(FIELDS)}")
            if name in values:
                raise ValueError(f"{name}: given twice in {text!r}")
            values[name] = _PARSERS[name](raw.strip(), name)
        return cls(**values)

    @property
    def n_samples(self):
        """Points generated: the Playground's 500 for classification, 1200 for regression."""
        return 500 if self.problem == "classification" else 1200


# ----------------------------------------------------------------------------- checking
def _one_of(options):
    def check(value, name):
        try:
            ok = value in options and not isinstance(value, bool)
        except TypeError:
            ok = False
        if not ok:
            raise ValueError(f"{name}: expected one of {list(options)}, got {value!r}")
        return type(options[0])(value)  # 1 -> 1.0 for float fields
    return check


def _flag(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return value


def _seed(value, name):
    value = _count(value, name)
    if value > MAX_SEED:
        raise ValueError(f"{name}: expected an int from 0 to {MAX_SEED}, got {value!r}")
    return value


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name}: expected an int >= 0, got {value!r}")
    return int(value)


def _nonnegative(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected a number >= 0, got {value!r}")
    if not 0 <= value < math.inf:
        raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
    return float(value)


def _features(value, name):
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise TypeError(f"{name}: expected a tuple of names from {list(FEATURE_NAMES)}, "
                        f"got {value!r}")
    unknown = [v for v in value if v not in FEATURE_NAMES]
    if unknown or not value or len(set(value)) != len(value):
        raise ValueError(f"{name}: expected 1 to 7 distinct names from {list(FEATURE_NAMES)}, "
                         f"got {list(value)}")
    return tuple(sorted(value, key=FEATURE_NAMES.index))  # one order, so equal sets are equal


def _hidden(value, name):
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise TypeError(f"{name}: expected a tuple of layer widths such as (4, 2), got {value!r}")
    ok = len(value) <= MAX_LAYERS and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 1 <= v <= MAX_NEURONS
        for v in value)
    if not ok:
        raise ValueError(f"{name}: expected 0 to {MAX_LAYERS} layer widths, each 1 to "
                         f"{MAX_NEURONS}, got {value!r}")
    return tuple(int(v) for v in value)


_CHECKS = {
    "problem": _one_of(PROBLEMS),
    "dataset": _one_of(CLASSIFICATION_DATASETS + REGRESSION_DATASETS),
    "noise": _one_of(NOISES), "train_ratio": _one_of(TRAIN_RATIOS),
    "batch_size": _one_of(BATCH_SIZES), "features": _features, "hidden": _hidden,
    "activation": _one_of(ACTIVATIONS), "lr": _one_of(LEARNING_RATES),
    "regularization": _one_of(REGULARIZATIONS), "reg_rate": _one_of(REG_RATES),
    "init": _one_of(INITS), "init_scale": _one_of(INIT_SCALES), "bias_init": _one_of(BIAS_INITS),
    "loss": _one_of(LOSSES), "batch_norm": _flag, "keep_prob": _one_of(KEEP_PROBS),
    "seed": _seed, "stop_epochs": _count, "stop_test_loss": _nonnegative,
    "show_test": _flag, "discretize": _flag, "diagnostics": _flag,
}
FIELDS = tuple(f.name for f in dataclasses.fields(PlaygroundConfig))


# ----------------------------------------------------------------------------- string form
def _format(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)  # repr round-trips
    return str(value)


def _parse_number(kind):
    def parse(raw, name):
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{name}: expected a number, got {raw!r}") from None
        if kind is int:
            if not value.is_integer():
                raise ValueError(f"{name}: expected a whole number such as 5, got {raw!r}")
            return int(value)
        return value
    return parse


def _parse_flag(raw, name):
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ValueError(f"{name}: expected true or false, got {raw!r}")


def _parse_list(kind):
    def parse(raw, name):
        try:
            return tuple(kind(v.strip()) for v in raw.split(",") if v.strip())
        except ValueError:
            raise ValueError(f"{name}: expected a comma-separated list, got {raw!r}") from None
    return parse


def _parse_text(raw, name):
    return raw


_PARSERS = {name: _parse_text for name in FIELDS}
_PARSERS.update({
    "noise": _parse_number(int), "train_ratio": _parse_number(int),
    "batch_size": _parse_number(int), "seed": _parse_number(int),
    "stop_epochs": _parse_number(int), "lr": _parse_number(float),
    "reg_rate": _parse_number(float), "init_scale": _parse_number(float),
    "bias_init": _parse_number(float), "keep_prob": _parse_number(float),
    "stop_test_loss": _parse_number(float),
    "features": _parse_list(str), "hidden": _parse_list(int),
    "batch_norm": _parse_flag, "show_test": _parse_flag, "discretize": _parse_flag,
    "diagnostics": _parse_flag,
})


# ----------------------------------------------------------------------------- presets
_ALL = "features=" + ",".join(FEATURE_NAMES)
_OVERFIT = f"noise=30&train_ratio=10&{_ALL}&hidden=8,8&lr=0.1&show_test=true"
# The chapter's guided experiments (chapter 6 computes and checks each claim about them).
PRESETS = {name: PlaygroundConfig.from_string(text) for name, text in {
    "default": "",
    "linear_circle": "hidden=",  # no hidden layer: a linear boundary through tanh
    "squares_circle": "hidden=&features=x1^2,x2^2",  # the right features make it linear
    "hidden_circle": "hidden=3",  # or a hidden layer learns such features itself
    "spiral_shallow": "dataset=spiral&hidden=8&activation=relu&lr=0.1",
    "spiral_deep": "dataset=spiral&hidden=8,8,8&activation=relu&lr=0.1",
    "overfit": _OVERFIT,  # noisy labels, 50 training points, a big net, every feature
    "overfit_l2": _OVERFIT + "&regularization=l2&reg_rate=0.03",
    "overfit_dropout": _OVERFIT + "&keep_prob=0.8",
    "lr3_circle": "lr=3",
    "lr3_plane": "problem=regression&dataset=plane&lr=3",
    "sigmoid_deep": "hidden=4,4,4,4,4,4&activation=sigmoid&lr=0.1&batch_size=30&diagnostics=true",
    "tanh_deep": "hidden=4,4,4,4,4,4&lr=0.1&batch_size=30&diagnostics=true",
}.items()}
# The default network on each classification data set (the static book's first playground).
DATASET_RUNS = {name: PlaygroundConfig(dataset=name) for name in CLASSIFICATION_DATASETS}
