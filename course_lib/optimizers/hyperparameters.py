"""Hyperparameters that check their value every time it is set.

A hyperparameter such as ``momentum`` can change during training (a 1cycle
callback moves it every step), so the check lives on the attribute itself,
not only in ``__init__``: ``opt.momentum = 1.2`` fails as loudly as
``SGD(momentum=1.2)``.
"""

from __future__ import annotations

import math

from course_lib.validation import flag, number


class Hyperparameter:
    """An attribute stored as ``_name`` and passed through :meth:`check` on every assignment."""

    def __set_name__(self, owner, name: str):
        self.name = name
        self.attribute = "_" + name

    def __get__(self, optimizer, owner=None):
        if optimizer is None:
            return self
        return getattr(optimizer, self.attribute)

    def __set__(self, optimizer, value):
        setattr(optimizer, self.attribute, self.check(value))

    def check(self, value):
        raise NotImplementedError


class Number(Hyperparameter):
    """A real hyperparameter confined to a range, e.g. ``momentum`` in [0, 1)."""

    def __init__(self, low: float = 0.0, high: float = math.inf, *, high_inclusive: bool = False):
        self.low = low
        self.high = high
        self.high_inclusive = high_inclusive

    def check(self, value) -> float:
        return number(value, self.name, low=self.low, high=self.high,
                      high_inclusive=self.high_inclusive)


class Flag(Hyperparameter):
    """A True/False hyperparameter such as ``nesterov`` or ``amsgrad``."""

    def check(self, value) -> bool:
        return flag(value, self.name)


class Threshold(Hyperparameter):
    """A clipping threshold: None (no clipping) or a number > 0."""

    def check(self, value) -> float | None:
        if value is None:
            return None
        return number(value, self.name, low=0, low_inclusive=False)
