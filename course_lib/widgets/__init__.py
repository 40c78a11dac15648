"""Every explorer the lessons show, built by a function registered in ``EXPLORERS``.

A notebook shows an explorer in one line (``widgets.EXPLORERS["momentum"]()`` or the
module's own factory); tests and benchmarks build and sweep them all through the registry.
Importing this package imports each explorer module, which registers its factories.
"""

import importlib
import pkgutil

from course_lib.widgets.explorer import EXPLORERS, Explorer, Status, register

_INFRASTRUCTURE = {"canvas", "controls", "explorer", "landscapes", "panels", "sweep"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["EXPLORERS", "Explorer", "Status", "register", "show"]


def show(name: str, **initial) -> Explorer:
    """Build the explorer registered as ``name`` with the given starting values."""
    if name not in EXPLORERS:
        raise ValueError(f"name must be one of {sorted(EXPLORERS)}, got {name!r}")
    return EXPLORERS[name](**initial)
