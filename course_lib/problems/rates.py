"""How fast gradient descent and momentum close in on the minimum of a quadratic (lessons 1-3).

On J(θ) = ½ Σ λᵢ uᵢ², with uᵢ the coordinates along the Hessian's eigenvectors and λᵢ its
eigenvalues (the curvatures), every method of lessons 1 to 3 moves each uᵢ on its own:

- gradient descent multiplies uᵢ by 1 − ηλᵢ per step;
- momentum, m ← β m − η λ u and u ← u + m, obeys u_{k+1} = (1 + β − ηλ) u_k − β u_{k−1}: a
  damped oscillator. Its error shrinks per step by the larger modulus of the two roots of
  z² − (1 + β − ηλ) z + β = 0.

The slowest direction sets the rate of the whole run: the largest factor over the curvatures.
The steepest sets the stability limit: the largest η at which no direction grows.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.validation import finite_array, number


def _curvatures(curvatures) -> np.ndarray:
    values = np.atleast_1d(finite_array(curvatures, "curvatures"))
    if values.ndim != 1 or values.size == 0 or np.any(values <= 0):
        raise ValueError(f"curvatures must be a list of numbers > 0, got {curvatures!r}")
    return values


def _rate(learning_rate) -> float:
    return number(learning_rate, "learning_rate", low=0)


def _momentum(momentum) -> float:
    return number(momentum, "momentum", low=0, high=1, high_inclusive=False)


def _curvature(curvature) -> float:
    return number(curvature, "curvature", low=0, low_inclusive=False)


def gradient_descent_limit(curvature: float = 1.0) -> float:
    """The largest stable η for gradient descent on J = ½ λ θ²: η < 2 / λ.

    One step multiplies θ by 1 − ηλ, which shrinks it while |1 − ηλ| < 1, that is
    0 < ηλ < 2. With the default λ = 1 this is the limit on the product ηλ.
    """
    return 2 / _curvature(curvature)


def momentum_limit(momentum: float, curvature: float = 1.0) -> float:
    """The largest stable η for heavy-ball momentum on J = ½ λ θ²: η < 2(1 + β) / λ.

    With a = ηλ, θ_{k+1} = (1 + β − a) θ_k − β θ_{k−1}, whose characteristic polynomial is
    z² − (1 + β − a) z + β. Both roots lie inside the unit circle iff β < 1 and
    |1 + β − a| < 1 + β (the Jury conditions for z² + c₁z + c₀: |c₀| < 1, |c₁| < 1 + c₀),
    that is 0 < a < 2(1 + β). At β = 0 it is gradient descent's 2.
    """
    return 2 * (1 + _momentum(momentum)) / _curvature(curvature)


def nesterov_limit(momentum: float, curvature: float = 1.0) -> float:
    """The largest stable η for Nesterov momentum on J = ½ λ θ²: η < 2(1 + β) / ((1 + 2β) λ).

    Nesterov takes the gradient after the momentum step, so with a = ηλ,
    θ_{k+1} = (1 + β)(1 − a) θ_k − β(1 − a) θ_{k−1}: the polynomial
    z² − (1 + β)(1 − a) z + β(1 − a). The Jury conditions need |β(1 − a)| < 1 and
    (1 + β)|1 − a| < 1 + β(1 − a). For a > 1, with d = a − 1: (1 + β) d < 1 − β d, so
    d < 1 / (1 + 2β) and a < 2(1 + β) / (1 + 2β) (then β d < 1 holds too); for 0 < a ≤ 1
    both hold. The limit falls from 2 at β = 0 to 4/3 as β → 1: the look-ahead gradient
    buys damping with a lower ceiling on η than heavy-ball momentum's 2(1 + β).
    """
    momentum = _momentum(momentum)
    return 2 * (1 + momentum) / ((1 + 2 * momentum) * _curvature(curvature))


def momentum_speedup(momentum: float) -> float:
    """Momentum's top speed on a constant slope, in plain steps η|g|: 1 / (1 − β).

    With m ← β m − η g and g constant, after k steps m = −η g (1 − βᵏ) / (1 − β), a geometric
    sum that tends to −η g / (1 − β): the step ends 1 / (1 − β) times the plain step.
    """
    return 1 / (1 - _momentum(momentum))


def gradient_descent_rate(learning_rate: float, curvatures) -> float:
    """max |1 − ηλ| over the curvatures: the factor by which the error shrinks per step."""
    learning_rate = _rate(learning_rate)
    return float(np.max(np.abs(1 - learning_rate * _curvatures(curvatures))))


def momentum_rate(learning_rate: float, momentum: float, curvatures) -> float:
    """The largest root modulus of z² − (1 + β − ηλ) z + β over the curvatures λ.

    Complex roots (under-damped: the direction oscillates) both have modulus √β; real roots
    (over-damped) are (a ± √(a² − 4β)) / 2 with a = 1 + β − ηλ, and the larger one is slow.
    A rate of 1 or more means the run does not converge.
    """
    learning_rate = _rate(learning_rate)
    momentum = _momentum(momentum)
    a = 1 + momentum - learning_rate * _curvatures(curvatures)
    discriminant = a * a - 4 * momentum
    root = np.sqrt(np.maximum(discriminant, 0.0))
    real = np.maximum(np.abs(a + root), np.abs(a - root)) / 2
    return float(np.max(np.where(discriminant < 0, math.sqrt(momentum), real)))


def best_gradient_descent(condition_number: float) -> tuple[float, float]:
    """(η, rate) for curvatures from 1 to κ: η = 2 / (1 + κ), rate (κ − 1) / (κ + 1)."""
    kappa = number(condition_number, "condition_number", low=1)
    return 2 / (1 + kappa), (kappa - 1) / (kappa + 1)


def best_momentum(condition_number: float) -> tuple[float, float, float]:
    """(η, β, rate) for curvatures from 1 to κ, both ends critically damped.

    A double root needs a² = 4β, that is ηλ = (1 ± √β)². Putting λ = 1 on the lower edge and
    λ = κ on the upper one leaves every curvature in between under-damped, at modulus √β:
    √β = (√κ − 1) / (√κ + 1), η = (1 + √β)² / κ = 4 / (1 + √κ)², and the rate is √β.
    """
    kappa = number(condition_number, "condition_number", low=1)
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
        raise ValueError(f"errors must be a 1-D array of distances that starts above 0, "
                         f"got {errors!r}")
    below = np.flatnonzero(errors < floor * errors[0])
    end = int(below[0]) if below.size else errors.size - 1
    start = end // 2
    if end - start < 4:
        return None
    envelope = np.maximum.accumulate(errors[start:end + 1][::-1])[::-1]
    slope = np.polyfit(np.arange(start, end + 1), np.log(envelope), 1)[0]
    return float(math.exp(slope))
