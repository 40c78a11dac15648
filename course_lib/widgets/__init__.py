"""Every explorer the lessons show, built by a function registered in ``EXPLORERS``.

A notebook shows an explorer in one line (``show("momentum")``); tests and benchmarks build
and sweep them all through the registry. ``EXPLORER_MODULES`` lists, by name, the modules
that hold explorers: importing each registers its factories. The other modules of this
package (``canvas``, ``clicks``, ``controls``, ``explorer``, ``landscapes``, ``panels``,
``playback``, ``sweep``) are the machinery explorers are built from and register nothing.
"""

from course_lib.validation import choice
from course_lib.widgets import (
    adagrad,
    adam,
    adamax_nadam,
    beyond,
    gradient_descent,
    momentum,
    momentum_rates,
    nesterov,
    race,
    rmsprop,
    schedules,
    sparsity,
)
from course_lib.widgets.explorer import EXPLORERS, Explorer, Status, register

EXPLORER_MODULES = (gradient_descent, momentum, momentum_rates, nesterov, adagrad, rmsprop,
                    adam, adamax_nadam, race, schedules, sparsity, beyond)
"""The explorer modules, in lesson order."""

__all__ = ["EXPLORERS", "EXPLORER_MODULES", "Explorer", "Status", "register", "show"]


def show(name: str, **initial) -> Explorer:
    """Build the explorer registered as ``name`` with the given starting values."""
    return EXPLORERS[choice(name, "name", EXPLORERS)](**initial)
