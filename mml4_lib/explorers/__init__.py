"""The book's explorers: one module per explorer, each with a ``make_<file name>_explorer``.

Every module here only draws and wires (see neuron.py): its numbers come from the NumPy module
of the same name in ``mml4_lib.lab``; ``setup_*``/``update_*`` draw, and
``make_<name>_explorer(*, mode=None)`` returns a ``mml4_lib.widgets.Explorer``. ``EXPLORERS``
maps each name to its make function; it is found by scanning this package, so a new module
needs no registration, and a test checks that every key is its module's file name. The
headless tests (tests/test_widgets.py) and benchmarks/bench_widgets.py run every explorer in it.
Nothing is imported until asked for: the package itself needs neither ipywidgets nor matplotlib.
"""

import functools
import importlib
import pkgutil
import re

__all__ = ["EXPLORERS", "discover", "make_neuron_explorer"]


@functools.cache
def discover():
    """{name: make function} for every ``make_<name>_explorer`` defined in this package."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for attr, obj in vars(module).items():
            match = re.fullmatch(r"make_(\w+)_explorer", attr)
            if match and callable(obj) and obj.__module__ == module.__name__:
                found[match.group(1)] = obj
    return dict(sorted(found.items()))


def __getattr__(name):
    # EXPLORERS imports every explorer module, so it is built only when someone asks for it.
    if name == "EXPLORERS":
        return discover()
    if name == "make_neuron_explorer":  # the page "How the interactive figures work" uses it
        from mml4_lib.explorers.neuron import make_neuron_explorer

        return make_neuron_explorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
