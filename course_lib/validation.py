"""The checks every public function runs on its arguments, with one message style.

A message names the argument, says what is allowed, and shows what it got::

    momentum must be in [0, 1), got 1.2
    learning_rate must be a finite number >= 0, got nan
    steps must be an integer >= 1, got 2.5
    surface must be one of ['beale', 'bowl', 'rosenbrock'], got 'bowel'

A wrong type raises ``TypeError``, a value out of range ``ValueError``. Every check returns
the value converted (``float``, ``int``, ``bool``, an array), so a caller writes
``self.rho = number(rho, "rho", low=0, high=1)`` and stores what was checked. Nothing is
changed before a check passes, so bad input leaves every object as it was.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def allowed_range(low: float = -math.inf, high: float = math.inf, *,
                  low_inclusive: bool = True, high_inclusive: bool = True) -> str:
    """How a message writes a range: ``in [0, 1)``, ``>= 0``, ``> 0``, ``<= 1``, ``any``."""
    if low == -math.inf and high == math.inf:
        return "finite"
    if high == math.inf:
        return f">= {low:g}" if low_inclusive else f"> {low:g}"
    if low == -math.inf:
        return f"<= {high:g}" if high_inclusive else f"< {high:g}"
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    return f"in {left}{low:g}, {high:g}{right}"


def _is_real(value) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, numbers.Real)


def number(value, name: str, *, low: float = -math.inf, high: float = math.inf,
           low_inclusive: bool = True, high_inclusive: bool = True) -> float:
    """``value`` as a finite float in the range, or an error naming ``name`` and the range."""
    bounds = allowed_range(low, high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)
    allowed = ("a finite number" if bounds == "finite" or bounds.startswith(("<", ">"))
               else "a number")
    allowed = allowed if bounds == "finite" else f"{allowed} {bounds}"
    if not _is_real(value):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    above = value >= low if low_inclusive else value > low
    below = value <= high if high_inclusive else value < high
    # Written so that NaN fails every comparison and is refused.
    if not (math.isfinite(value) and above and below):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return float(value)


def integer(value, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]``; a float such as 2.0 is refused like 2.5."""
    if low is not None and high is not None:
        allowed = f"an integer in [{low}, {high}]"
    elif low is not None:
        allowed = f"an integer >= {low}"
    elif high is not None:
        allowed = f"an integer <= {high}"
    else:
        allowed = "an integer"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def flag(value, name: str) -> bool:
    """``value`` as a bool; 0, 1 and strings are refused, so a misplaced argument shows."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def choice(value, name: str, options: Iterable):
    """``value`` itself if it is one of ``options``."""
    options = list(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options, key=str)}, got {value!r}")
    return value


def finite_array(value, name: str, *, ndim: int | None = None,
                 shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` as a float64 array of finite numbers, with the given ``ndim`` or ``shape``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {value!r}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension{'s' * (ndim != 1)}, "
                         f"got shape {array.shape}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers only, got {value!r}")
    return array
