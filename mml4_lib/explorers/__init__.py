"""The book's explorers: one module per explorer, each with a ``make_<name>_explorer`` function.

Every module here follows the same pattern (see neuron.py): a compute function (numbers in,
numbers out), setup/update functions that draw, and ``make_<name>_explorer(*, mode=None)``
returning a ``mml4_lib.widgets.Explorer``. ``EXPLORERS`` maps each name to its make function;
it is found by scanning this package, so a new module needs no registration. The headless tests
(tests/test_widgets.py) and benchmarks/bench_widgets.py run every explorer in it.
"""

import functools
import importlib
import pkgutil
import re

from mml4_lib.explorers.neuron import make_neuron_explorer

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
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
