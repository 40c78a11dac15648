"""Hyperparameters that check their value every time it is set.

A hyperparameter such as ``momentum`` can change during training (a 1cycle
callback moves it every step), so the check lives on the attribute itself,
not only in ``__init__``: ``opt.momentum = 1.2`` fails as loudly as
``SGD(momentum=1.2)``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


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
    """A real hyperparameter confined to an interval, e.g. ``momentum`` in [0, 1)."""

    def __init__(self, low: float = 0.0, high: float = math.inf, *, high_inclusive: bool = False):
        self.low = low
        self.high = high
        self.high_inclusive = high_inclusive

    @property
    def interval(self) -> str:
        right = "]" if self.high_inclusive else ")"
        return f"[{self.low:g}, {self.high:g}{right}"

    def check(self, value) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{self.name} must be a real number in {self.interval}, got {value!r}")
        below_high = value <= self.high if self.high_inclusive else value < self.high
        # Written so that NaN fails both comparisons and is rejected.
        if not (value >= self.low and below_high and math.isfinite(value)):
            raise ValueError(f"{self.name} must be in {self.interval}, got {value!r}")
        return float(value)


class Flag(Hyperparameter):
    """A True/False hyperparameter such as ``nesterov`` or ``amsgrad``."""

    def check(self, value) -> bool:
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"{self.name} must be True or False, got {value!r}")
        return bool(value)
