"""Lesson 8's contestants: every optimizer of the chapter, and the range test's sweep of rates.

Each contestant's rate in the race comes from the learning-rate range test, with the rule of
``course_lib.lr_finder``: one tenth of the rate at which the recorded loss was lowest.
"""

from __future__ import annotations

from course_lib import optimizers
from course_lib.schedules import ExponentialDecay
from course_lib.validation import choice

CONTESTANTS = {
    "SGD": (optimizers.SGD, {}),
    "Momentum": (optimizers.SGD, {"momentum": 0.9}),
    "Nesterov": (optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    "Adagrad": (optimizers.Adagrad, {}),
    "RMSprop": (optimizers.RMSprop, {}),
    "Adam": (optimizers.Adam, {}),
    "Adamax": (optimizers.Adamax, {}),
    "Nadam": (optimizers.Nadam, {}),
}
"""Each contestant: its class and the settings that are not Keras defaults."""

NAMES = tuple(CONTESTANTS)

RANGE_MIN_LR, RANGE_MAX_LR = 1e-5, 10.0
"""Every range test sweeps the rate from 10⁻⁵ to 10, growing by the same factor each step."""

REBUILD = "python scripts/build_race_cache.py"
"""The command that recomputes both race caches."""


def make_optimizer(name: str, learning_rate) -> optimizers.Optimizer:
    """The contestant ``name`` (one of ``NAMES``) at ``learning_rate`` (a float or a schedule)."""
    kind, settings = CONTESTANTS[choice(name, "name", NAMES)]
    return kind(learning_rate=learning_rate, **settings)


def sweep_schedule(steps: int, min_lr: float = RANGE_MIN_LR,
                   max_lr: float = RANGE_MAX_LR) -> ExponentialDecay:
    """The range test's rate as a schedule: min_lr at step 0, max_lr at step ``steps`` − 1."""
    return ExponentialDecay(min_lr, decay_steps=steps - 1, decay_rate=max_lr / min_lr)
