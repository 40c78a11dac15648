"""How fast gradient descent and momentum close in on the minimum of a quadratic (lesson 2).

On J(θ) = ½ Σ λᵢ uᵢ², with uᵢ the coordinates along the Hessian's eigenvectors and λᵢ its
eigenvalues (the curvatures), every method of lessons 1 to 3 moves each uᵢ on its own:

- gradient descent multiplies uᵢ by 1 − ηλᵢ per step;
- momentum, m ← β m − η λ u and u ← u + m, obeys u_{k+1} = (1 + β − ηλ) u_k − β u_{k−1}: a
  damped oscillator. Its error shrinks per step by the larger modulus of the two roots of
  z² − (1 + β − ηλ) z + β = 0.

The slowest direction sets the rate of the whole run: the largest factor over the curvatures.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _curvatures(curvatures) -> np.ndarray:
    values = np.atleast_1d(np.asarray(curvatures, dtype=np.float64))
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)) \
            or np.any(values <= 0):
        raise ValueError(f"curvatures must be finite numbers > 0, got {curvatures!r}")
    return values


def _number(value, name: str, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not (low <= value < high and math.isfinite(value)):
        raise ValueError(f"{name} must be in [{low:g}, {high:g}), got {value!r}")
    return float(value)


def gradient_descent_rate(learning_rate: float, curvatures) -> float:
    """max |1 − ηλ| over the curvatures: the factor by which the error shrinks per step."""
    learning_rate = _number(learning_rate, "learning_rate", 0.0)
    return float(np.max(np.abs(1 - learning_rate * _curvatures(curvatures))))


def momentum_rate(learning_rate: float, momentum: float, curvatures) -> float:
    """The largest root modulus of z² − (1 + β − ηλ) z + β over the curvatures λ.

    Complex roots (under-damped: the direction oscillates) both have modulus √β; real roots
    (over-damped) are (a ± √(a² − 4β)) / 2 with a = 1 + β − ηλ, and the larger one is slow.
    A rate of 1 or more means the run does not converge.
    """
    learning_rate = _number(learning_rate, "learning_rate", 0.0)
    momentum = _number(momentum, "momentum", 0.0, 1.0)
    a = 1 + momentum - learning_rate * _curvatures(curvatures)
    discriminant = a * a - 4 * momentum
    root = np.sqrt(np.maximum(discriminant, 0.0))
    real = np.maximum(np.abs(a + root), np.abs(a - root)) / 2
    return float(np.max(np.where(discriminant < 0, math.sqrt(momentum), real)))


def best_gradient_descent(condition_number: float) -> tuple[float, float]:
    """(η, rate) for curvatures from 1 to κ: η = 2 / (1 + κ), rate (κ − 1) / (κ + 1)."""
    kappa = _number(condition_number, "condition_number", 1.0)
    return 2 / (1 + kappa), (kappa - 1) / (kappa + 1)


def best_momentum(condition_number: float) -> tuple[float, float, float]:
    """(η, β, rate) for curvatures from 1 to κ, both ends critically damped.

    A double root needs a² = 4β, that is ηλ = (1 ± √β)². Putting λ = 1 on the lower edge and
    λ = κ on the upper one leaves every curvature in between under-damped, at modulus √β:
    √β = (√κ − 1) / (√κ + 1), η = (1 + √β)² / κ = 4 / (1 + √κ)², and the rate is √β.
    """
    kappa = _number(condition_number, "condition_number", 1.0)
    rate = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    return 4 / (1 + math.sqrt(kappa)) ** 2, rate * rate, rate


def measured_rate(errors, floor: float = 1e-12) -> float | None:
    """The factor per step over the second half of a run, while the error is above ``floor``.

    ``errors[k]`` is the distance to the minimum after k steps. The run is cut where the error
    first falls below ``floor`` × the first error (rounding takes over further on). An
    oscillating run's distance dips at every swing, so the rate is read off its envelope
    (the largest error from each step on): the least-squares slope of its log over the second
    half, as a factor per step. None when fewer than four steps remain.
    """
    errors = np.asarray(errors, dtype=np.float64)
    if errors.ndim != 1 or errors.size == 0 or not errors[0] > 0:
        raise ValueError("errors must be a 1-D array of distances that starts above 0")
    below = np.flatnonzero(errors < floor * errors[0])
    end = int(below[0]) if below.size else errors.size - 1
    start = end // 2
    if end - start < 4:
        return None
    envelope = np.maximum.accumulate(errors[start:end + 1][::-1])[::-1]
    slope = np.polyfit(np.arange(start, end + 1), np.log(envelope), 1)[0]
    return float(math.exp(slope))
