"""Reddi, Kale and Kumar's online problem (2018), on which Adam converges to the worst point.

On x ∈ [−1, 1] the loss at step t is

    f_t(x) = C x   when t mod 3 = 1,        f_t(x) = −x   otherwise        (C > 2),

so over each cycle of three steps the loss is (C − 2) x, best at x = −1. The large gradient C
comes once in three steps: Adam's s, with a short memory (small β₂), has forgotten it two steps
later, so the two small steps of −1 count nearly as much as the big one and x drifts to +1.
AMSGrad divides by the largest s so far, which remembers C², and goes to −1.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import integer, number


def gradient(t: int, big: float = 3.0) -> np.ndarray:
    """∇f_t: C at the steps t = 1, 4, 7, …, −1 at the others (``big`` is C)."""
    t = integer(t, "t", low=1)
    big = number(big, "big", low=2, low_inclusive=False)
    return np.array([big if t % 3 == 1 else -1.0])


def cycle_loss(x: float, big: float = 3.0) -> float:
    """(C − 2) x: the loss summed over one cycle of three steps."""
    return (number(big, "big", low=2, low_inclusive=False) - 2) * x
