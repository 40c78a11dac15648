"""Momentum on a 1-D quadratic with noisy gradients: where the iterates settle, in closed form.

J(x) = ½ h x², and each step sees the gradient h x + ξ, with ξ independent noise of variance σ².
Momentum in Keras's form, m ← β m − η (h x + ξ) and x ← x + m, is the recursion

    x_{k+1} = a x_k − β x_{k−1} − η ξ_k,        a = 1 + β − η h,

an autoregression of order 2. Its stationary variance is (with β = 0, plain SGD)

    Var x = η σ² (1 + β) / (h (1 − β) (2(1 + β) − η h))        [SGD: η σ² / (h (2 − η h))],

so the excess loss ½ h Var x is η σ² / (4 (1 − β)) to first order in η h: the noise floor of
SGD at the rate η/(1 − β), the top speed's factor again, now multiplying the noise.
The mean of K consecutive iterates is another matter: the noise kicks add up to a random
walk that the pull back to 0 undoes, and for large K its variance is σ² / (h² K), whatever
η and β.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import integer, number


def _arguments(curvature, learning_rate, momentum, noise):
    curvature = number(curvature, "curvature", low=0, low_inclusive=False)
    learning_rate = number(learning_rate, "learning_rate", low=0, low_inclusive=False)
    momentum = number(momentum, "momentum", low=0, high=1, high_inclusive=False)
    noise = number(noise, "noise", low=0)
    if learning_rate * curvature >= 2 * (1 + momentum):
        raise ValueError("learning_rate * curvature must be < 2(1 + momentum) for the iterates "
                         f"to settle, got {learning_rate * curvature}")
    return curvature, learning_rate, momentum, noise


def stationary_variance(curvature, learning_rate, momentum, noise) -> float:
    """Var x = η σ² (1 + β) / (h (1 − β) (2(1 + β) − η h)); ``noise`` is σ², the variance of ξ."""
    h, eta, beta, sigma2 = _arguments(curvature, learning_rate, momentum, noise)
    return eta * sigma2 * (1 + beta) / (h * (1 - beta) * (2 * (1 + beta) - eta * h))


def autocovariances(curvature, learning_rate, momentum, noise, lags: int) -> np.ndarray:
    """γ(0), …, γ(lags − 1) of the settled iterates: γ(1) = a γ(0) / (1 + β), then
    γ(k) = a γ(k − 1) − β γ(k − 2), with a = 1 + β − η h."""
    h, eta, beta, _ = _arguments(curvature, learning_rate, momentum, noise)
    lags = integer(lags, "lags", low=1)
    a = 1 + beta - eta * h
    gamma = np.empty(max(lags, 2))
    gamma[0] = stationary_variance(curvature, learning_rate, momentum, noise)
    gamma[1] = a * gamma[0] / (1 + beta)
    for k in range(2, lags):
        gamma[k] = a * gamma[k - 1] - beta * gamma[k - 2]
    return gamma[:lags]


def averaged_variance(curvature, learning_rate, momentum, noise, window: int) -> float:
    """Var of the mean of ``window`` = K consecutive settled iterates:
    (1/K²) Σᵢ Σⱼ γ(|i − j|) = (γ(0) + 2 Σ_{k≥1} (1 − k/K) γ(k)) / K → σ² / (h² K)."""
    window = integer(window, "window", low=1)
    gamma = autocovariances(curvature, learning_rate, momentum, noise, window)
    weights = 1 - np.arange(window) / window
    return float((2 * np.sum(weights * gamma) - gamma[0]) / window)
