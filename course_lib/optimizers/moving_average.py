"""The exponential moving average: the step Adam, AdamW, AdaMax and Nadam share (lessons 6, 7)."""

from __future__ import annotations

import numpy as np


def moving_average(average: np.ndarray, x: np.ndarray, beta: float) -> None:
    """average ← β average + (1 − β) x, in place: Adam's m (x = g) and s (x = g ⊗ g).

    Written as ``average + (1 − β)(x − average)``, the same average with one
    multiplication fewer, as Keras computes both of Adam's moments (and PyTorch
    its m, with ``lerp``).
    """
    average += (1 - beta) * (x - average)
