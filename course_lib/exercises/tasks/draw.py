"""Random inputs for the cases, rounded to three significant digits so that feedback reads well.

A learner who copies a failing case's inputs from the feedback gets the exact case.
"""

from __future__ import annotations

import numpy as np


def rounded(value):
    """A number or an array with three significant digits."""
    if np.ndim(value) == 0:
        return float(f"{float(value):.3g}")
    return np.array([float(f"{x:.3g}") for x in np.ravel(value)]).reshape(np.shape(value))


def vector(rng: np.random.Generator, size: int, scale: float = 1.0) -> np.ndarray:
    """Normal entries with standard deviation ``scale``."""
    return rounded(rng.normal(0.0, scale, size))


def positive_vector(rng: np.random.Generator, size: int, scale: float = 1.0) -> np.ndarray:
    """Entries of the size of ``scale``, all > 0 (for accumulated squares)."""
    return rounded(scale * (0.05 + np.abs(rng.normal(0.0, 1.0, size))))


def uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return rounded(rng.uniform(low, high))


def log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """A number between ``low`` and ``high`` > 0, every order of magnitude equally likely."""
    return rounded(10 ** rng.uniform(np.log10(low), np.log10(high)))


def near_one(rng: np.random.Generator, low_gap: float, high_gap: float) -> float:
    """A number just below 1 such as β₂ = 0.999: 1 minus a gap drawn log-uniformly (rounding
    the number itself to three digits would give 1)."""
    return 1.0 - log_uniform(rng, low_gap, high_gap)


def size(rng: np.random.Generator, low: int = 2, high: int = 5) -> int:
    return int(rng.integers(low, high + 1))


def momentum_step(rng: np.random.Generator) -> dict:
    """Inputs of one momentum-style step (θ, velocity, gradient, η, β), shared by ex02 and ex03."""
    n = size(rng)
    return {"theta": vector(rng, n), "velocity": vector(rng, n, 0.5), "grad": vector(rng, n),
            "learning_rate": uniform(rng, 0.01, 0.5), "momentum": uniform(rng, 0.5, 0.99)}
