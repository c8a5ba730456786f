"""The network playground of chapter 6: TensorFlow Playground inside the book, and beyond it.

Three layers, as every explorer in the book:

- compute (NumPy only): `PlaygroundConfig` (the state as one value and one string) and
  `Playground` (data, network, training, heat maps, diagnostics);
- view (matplotlib): `PlaygroundView`, one figure whose artists are updated in place;
- widget (ipywidgets): `playground` (live: `PlaygroundWidget`, every control; static:
  `static_playground`, precomputed runs that play in the static book).

The view and the widget load on first use, so the compute layer works without matplotlib.
"""

import importlib

from .config import DATASET_RUNS, PRESETS, PlaygroundConfig
from .model import HalfSquaredError, Playground

_LAZY = {"PlaygroundView": "view", "playground": "widget", "PlaygroundWidget": "widget",
         "static_playground": "widget"}

__all__ = ["DATASET_RUNS", "HalfSquaredError", "PRESETS", "Playground", "PlaygroundConfig", *_LAZY]


def __getattr__(name):
    # PEP 562: matplotlib and ipywidgets are imported only when the view or widget is used.
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
