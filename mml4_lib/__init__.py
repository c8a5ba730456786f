"""mml4_lib: the NumPy library behind the course "MML minor #4 - neural networks".

The core modules need only NumPy and are imported with the package::

    import mml4_lib as ml
    model = ml.layers.make_mlp([2, 8, 1], activation="tanh", rng=np.random.default_rng(0))

``lab`` (the chapters' experiments, NumPy only), ``graph`` (a scalar autograd), ``plotting``
(matplotlib), ``widgets`` and ``explorers`` (ipywidgets), ``playground`` and ``exercises`` are
imported on first use (so is ``quiz``, the chapters' self-check quizzes), so the core stays
importable without them.
"""

import importlib

from . import activations, data, gradcheck, init, layers, losses, optim, stats, train

__version__ = "0.1.0"

_LAZY = ("lab", "graph", "plotting", "widgets", "explorers", "playground", "exercises",
         "quiz")

__all__ = [
    "activations", "data", "gradcheck", "init", "layers", "losses", "optim", "stats", "train",
    *_LAZY,
]


def __getattr__(name):
    # PEP 562: import the optional, heavier modules only when a chapter asks for them.
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'mml4_lib' has no attribute {name!r}")
