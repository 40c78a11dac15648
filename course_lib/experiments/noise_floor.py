"""Why schedules exist: with mini-batch gradients, a constant rate stalls at a noise floor.

The problem is linear least squares on ``n`` examples, J(w) = ½ · mean (xᵢ·w − yᵢ)², with its
exact minimum w*. A mini-batch of B examples drawn at random gives the gradient plus noise,
and at w* that noise does not vanish: each example's own gradient gᵢ = xᵢ(xᵢ·w* − yᵢ) is
not 0, only their mean is. So SGD at a constant η does not converge; it jitters around w*,
and the excess loss J(w) − J(w*) settles, on average, at

    floor ≈ η · tr(C) / (4B),        C = mean of gᵢgᵢᵀ at w*   (tr(C) = mean of |gᵢ|²)

to first order in η. (Near w*, each eigen-direction of the Hessian H with curvature h is
a sum of steps shrunk by 1 − ηh and kicked by noise of variance η²c/B: its variance settles
at ηc / (B h (2 − ηh)), and ½ h times that, summed, is η tr(C) / (4B) when ηh ≪ 1; H drops
out.) The floor is proportional to η/B: halving the rate or doubling the batch halves it,
and a rate that keeps falling, such as η₀ / (1 + t/s), goes below every constant rate's
floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import optimizers
from course_lib.validation import integer


@dataclass(frozen=True)
class NoisyRegression:
    """Least squares on examples ``X`` (n × d) and targets ``y``; ``minimum`` is w*."""

    X: np.ndarray
    y: np.ndarray
    minimum: np.ndarray

    def loss(self, weights: np.ndarray) -> np.ndarray:
        """J(w) = ½ · mean (x·w − y)², for one weight vector or a stack of them (… × d)."""
        residuals = weights @ self.X.T - self.y
        return 0.5 * np.mean(residuals**2, axis=-1)

    def excess_loss(self, weights: np.ndarray) -> np.ndarray:
        """J(w) − J(w*): how far above the best possible loss."""
        return self.loss(weights) - self.loss(self.minimum)

    def batch_gradient(self, weights: np.ndarray, batches: np.ndarray) -> np.ndarray:
        """The mean gradient over each row of example indices ``batches`` (R × B) at w (R × d)."""
        examples = self.X[batches]                                 # R × B × d
        residuals = np.einsum("rbd,rd->rb", examples, weights) - self.y[batches]
        return np.einsum("rbd,rb->rd", examples, residuals) / batches.shape[1]

    def noise(self) -> float:
        """tr(C): the mean squared norm of one example's gradient at w*."""
        per_example = self.X * (self.X @ self.minimum - self.y)[:, None]
        return float(np.mean(np.sum(per_example**2, axis=1)))

    def predicted_floor(self, learning_rate: float, batch_size: int) -> float:
        """η · tr(C) / (4B): where a constant rate's excess loss settles, to first order in η."""
        return learning_rate * self.noise() / (4 * batch_size)


def noisy_regression(n_samples: int = 1000, n_features: int = 10, noise: float = 0.5,
                     seed: int = 0) -> NoisyRegression:
    """Standard normal features, y = x·w_true + noise · ε, and the exact least-squares w*."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    y = X @ rng.standard_normal(n_features) + noise * rng.standard_normal(n_samples)
    return NoisyRegression(X, y, np.linalg.lstsq(X, y, rcond=None)[0])


def excess_loss_curve(problem: NoisyRegression, learning_rate, batch_size: int, steps: int,
                      replicas: int = 16, seed: int = 0) -> np.ndarray:
    """Mean over ``replicas`` independent SGD runs from w = 0: J(w) − J(w*) before each step.

    ``learning_rate`` is a float or a schedule, given to the course's ``SGD``; each replica
    draws its own mini-batches of ``batch_size`` examples, with replacement.
    """
    batch_size = integer(batch_size, "batch_size", low=1, high=len(problem.y))
    steps = integer(steps, "steps", low=0)
    replicas = integer(replicas, "replicas", low=1)
    rng = np.random.default_rng(seed)
    weights = np.zeros((replicas, problem.X.shape[1]))
    sgd = optimizers.SGD(learning_rate=learning_rate)
    curve = np.empty(steps + 1)
    for step in range(steps + 1):
        curve[step] = np.mean(problem.excess_loss(weights))
        if step < steps:
            batches = rng.integers(0, len(problem.y), size=(replicas, batch_size))
            sgd.apply(problem.batch_gradient(weights, batches), weights)
    return curve


def measured_floor(curve: np.ndarray, last: int = 400) -> float:
    """The mean excess loss over the ``last`` steps of a curve that has settled."""
    return float(np.mean(curve[-last:]))
