"""The checks every public function runs on its arguments, with one message style.

A message names the argument, says what is allowed, and shows what it got::

    momentum must be a number in [0, 1), got 1.2
    learning_rate must be a finite number >= 0, got nan
    steps must be an integer >= 1, got 2.5
    surface must be one of ['beale', 'bowl', 'rosenbrock'], got 'bowel'

A wrong type raises ``TypeError``, a value out of range ``ValueError``. Every check returns
the value converted (``float``, ``int``, ``bool``, an array), so a caller writes
``self.rho = number(rho, "rho", low=0, high=1)`` and stores what was checked. Nothing is
changed before a check passes, so bad input leaves every object as it was.

NumPy scalars and 0-d arrays count as the numbers they hold (a slider or an array element
passes where a float does) and are shown as those numbers; ``True`` and ``False`` are not
numbers here, so a flag passed in a number's place shows.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def allowed_range(low: float = -math.inf, high: float = math.inf, *,
                  low_inclusive: bool = True, high_inclusive: bool = True) -> str:
    """How a message writes a range: ``in [0, 1)``, ``>= 0``, ``> 0``, ``<= 1``, or ``finite``."""
    if low == -math.inf and high == math.inf:
        return "finite"
    if high == math.inf:
        return f">= {low:g}" if low_inclusive else f"> {low:g}"
    if low == -math.inf:
        return f"<= {high:g}" if high_inclusive else f"< {high:g}"
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    return f"in {left}{low:g}, {high:g}{right}"


def _shown(value) -> str:
    """``value`` as a message shows it: a NumPy scalar or 0-d array as the number it holds."""
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return repr(value.item())
    return repr(value)


def _is_real(value) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, numbers.Real)


def _is_integer(value) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iu"
    return isinstance(value, numbers.Integral)


def number(value, name: str, *, low: float = -math.inf, high: float = math.inf,
           low_inclusive: bool = True, high_inclusive: bool = True) -> float:
    """``value`` as a finite float in the range, or an error naming ``name`` and the range.

    Without bounds the message reads "a finite number"; with one bound "a finite number >= 0";
    with both "a number in [0, 1)" (both bounds finite already say it).
    """
    bounds = allowed_range(low, high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)
    if bounds == "finite":
        allowed = "a finite number"
    elif bounds.startswith("in "):
        allowed = f"a number {bounds}"
    else:
        allowed = f"a finite number {bounds}"
    if not _is_real(value):
        raise TypeError(f"{name} must be {allowed}, got {_shown(value)}")
    try:
        as_float = float(value)
    except OverflowError:
        # An int beyond float's range is out of every finite range.
        as_float = math.inf
    above = as_float >= low if low_inclusive else as_float > low
    below = as_float <= high if high_inclusive else as_float < high
    # Written so that NaN fails every comparison and is refused.
    if not (math.isfinite(as_float) and above and below):
        raise ValueError(f"{name} must be {allowed}, got {_shown(value)}")
    return as_float


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
    if not _is_integer(value):
        raise TypeError(f"{name} must be {allowed}, got {_shown(value)}")
    whole = int(value)
    if (low is not None and whole < low) or (high is not None and whole > high):
        raise ValueError(f"{name} must be {allowed}, got {_shown(value)}")
    return whole


def flag(value, name: str) -> bool:
    """``value`` as a bool; 0, 1 and strings are refused, so a misplaced argument shows."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {_shown(value)}")
    return bool(value)


def _same(value, option) -> bool:
    """``value == option`` for a choice: True is not 1, and an array equals nothing."""
    if isinstance(value, bool) != isinstance(option, bool) or isinstance(value, np.ndarray):
        return False
    return value is option or value == option


def choice(value, name: str, options: Iterable):
    """``value`` itself if it is one of ``options``."""
    options = list(options)
    if not any(_same(value, option) for option in options):
        raise ValueError(f"{name} must be one of {sorted(options, key=str)}, got {_shown(value)}")
    return value


def finite_array(value, name: str, *, ndim: int | None = None,
                 shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` as a float64 array of finite numbers, with the given ``ndim`` or ``shape``.

    Integers and floats are accepted; booleans, strings and complex numbers are refused
    rather than converted (``np.asarray`` would read "1.5" as 1.5 and drop an imaginary part).
    """
    try:
        given = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {value!r}") from None
    if given.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {given.dtype}")
    array = given.astype(np.float64, copy=False)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension{'s' * (ndim != 1)}, "
                         f"got shape {array.shape}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {array.shape}")
    finite = np.isfinite(array)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        shown = array[where] if where else array.item()
        position = f" at index {where[0] if len(where) == 1 else where}" if where else ""
        raise ValueError(f"{name} must hold finite numbers only, got {shown}{position}")
    return array
