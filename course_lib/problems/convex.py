"""A smooth convex problem in many dimensions, and Nesterov's accelerated method (lesson 3).

The problem is J(θ) = ½ Σ λᵢ θᵢ², with curvatures λᵢ spread evenly on a log scale from
``smallest`` to 1 (so L = 1 is the largest). Over a few thousand steps the tiny curvatures
look like no curvature at all: the problem behaves as merely convex, not strongly convex,
which is the case Nesterov's O(1/k²) guarantee is about. Its minimum is 0, at θ = 0.

Gradients can be noisy: ``noise`` adds independent Gaussian noise of that standard
deviation to every coordinate of every gradient, from a seeded generator.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.validation import integer, number


class SpreadQuadratic:
    """½ Σ λᵢ θᵢ² with ``dimensions`` curvatures log-spaced from ``smallest`` to 1."""

    def __init__(self, dimensions: int = 61, smallest: float = 1e-6):
        dimensions = integer(dimensions, "dimensions", low=2)
        smallest = number(smallest, "smallest", low=0, high=1,
                          low_inclusive=False, high_inclusive=False)
        self.curvatures = np.logspace(math.log10(smallest), 0.0, dimensions)
        # L, the largest curvature: the gradient is L-Lipschitz, and η = 1/L is safe.
        self.smoothness = 1.0
        self.default_start = np.ones(dimensions)

    def value(self, theta) -> float:
        return float(0.5 * np.sum(self.curvatures * np.asarray(theta) ** 2))

    def gradient(self, theta) -> np.ndarray:
        return self.curvatures * np.asarray(theta)


def _noisy_gradient(problem, noise: float, seed: int):
    noise = number(noise, "noise", low=0)
    rng = np.random.default_rng(seed)

    def gradient(theta):
        g = problem.gradient(theta)
        return g + noise * rng.standard_normal(g.shape) if noise else g

    return gradient


def losses_of(optimizer, problem: SpreadQuadratic, steps: int, noise: float = 0.0,
              seed: int = 0) -> np.ndarray:
    """J after each of ``steps`` steps of a ``course_lib`` optimizer from the default start."""
    steps = integer(steps, "steps", low=1)
    gradient = _noisy_gradient(problem, noise, seed)
    theta = problem.default_start.copy()
    losses = np.empty(steps)
    for k in range(steps):
        optimizer.apply(gradient(theta), theta)
        losses[k] = problem.value(theta)
    return losses


def accelerated_losses(problem: SpreadQuadratic, steps: int, noise: float = 0.0,
                       seed: int = 0) -> np.ndarray:
    """J after each step of Nesterov's method with the growing momentum of his proof.

    With η = 1/L and y the look-ahead point (y₀ = θ₀)::

        θ_k = y_{k−1} − η ∇J(y_{k−1})
        y_k = θ_k + (k − 1)/(k + 2) · (θ_k − θ_{k−1})

    θ_k − θ_{k−1} is the velocity m, so this is lesson 3's m ← β m − η ∇J(θ + β m) with
    β growing as (k − 1)/(k + 2) = 0, 1/4, 2/5, … → 1. Then J(θ_k) − J* ≤ 2 L ‖θ₀ − θ*‖² / (k + 1)².
    """
    steps = integer(steps, "steps", low=1)
    gradient = _noisy_gradient(problem, noise, seed)
    learning_rate = 1 / problem.smoothness
    theta = problem.default_start.copy()
    ahead = theta.copy()
    losses = np.empty(steps)
    for k in range(1, steps + 1):
        new_theta = ahead - learning_rate * gradient(ahead)
        ahead = new_theta + (k - 1) / (k + 2) * (new_theta - theta)
        theta = new_theta
        losses[k - 1] = problem.value(theta)
    return losses
