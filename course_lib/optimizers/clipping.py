"""Gradient clipping, Keras 3's three kinds: ``clipnorm``, ``global_clipnorm``, ``clipvalue``.

With c the threshold::

    clipnorm          g ← g · c / max(‖g‖, c)     for each variable's gradient on its own
    global_clipnorm   g ← g · c / max(N, c)       for all of them, N = √(Σ ‖g‖²) over every variable
    clipvalue         g ← min(max(g, −c), c)      element by element

The norms keep the gradient's direction and cap its length; ``global_clipnorm`` keeps the
directions of all the variables together (one scale for every one), ``clipnorm`` rescales
each variable by its own factor, and ``clipvalue`` changes the direction too. A gradient
already within the threshold is left exactly as it is. Keras clips before weight decay and
before the optimizer's formula, so the formula only ever sees the clipped gradient. Keras
silently ignores a threshold of 0 or below; here it is an error.
"""

from __future__ import annotations

import math

import numpy as np


def clip_by_norm(g: np.ndarray, clipnorm: float) -> np.ndarray:
    """g · c / max(‖g‖, c): ``g`` itself when ‖g‖ ≤ c, else g rescaled to length c."""
    norm = math.sqrt(float(np.vdot(g, g)))
    return g if norm <= clipnorm else g * clipnorm / norm


def clip_by_global_norm(grads: list[np.ndarray], clipnorm: float) -> list[np.ndarray]:
    """Every g · c / max(N, c), N = √(Σ ‖g‖²): one scale for all the gradients."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if norm <= clipnorm:
        return grads
    return [g * (clipnorm / norm) for g in grads]


def clip_by_value(g: np.ndarray, clipvalue: float) -> np.ndarray:
    """Each element of g held in [−c, c]."""
    return np.clip(g, -clipvalue, clipvalue)
