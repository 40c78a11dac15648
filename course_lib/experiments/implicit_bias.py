"""Which solution an optimizer finds: Wilson et al.'s problem, where adaptive methods lose.

Wilson, Roelofs, Stern, Srebro and Recht ("The Marginal Value of Adaptive Gradient Methods in
Machine Learning", 2017) build a linear least-squares problem with more features than
examples, so infinitely many weight vectors fit the training set exactly. Which one an
optimizer reaches is its *implicit bias*:

- gradient descent started at 0 stays in the span of the examples and converges to the
  minimum-norm solution w = Xᵀ(XXᵀ)⁻¹y;
- AdaGrad, RMSProp and Adam started at 0 divide every coordinate by its own gradient scale,
  and converge to a w proportional to sign(Xᵀy), every used coordinate the same size.

The construction (rebuilt here from the paper's description): example i has label yᵢ = +1
with probability p > ½, else −1, and its features are

    x_{i,1} = yᵢ            the label itself: the one feature that generalizes
    x_{i,2} = x_{i,3} = 1   the same for every example
    one feature of its own if yᵢ = +1, five of its own if yᵢ = −1 (shared with no other example)

A new example has the first three features and fresh "own" features that no weight has seen,
so the prediction is sign(y w₁ + w₂ + w₃). The minimum-norm solution puts most weight on w₁
and classifies every new point right; the sign solution has w₁ = w₂ = w₃, predicts +1 for
everything, and is wrong on every negative example: a test error of 1 − p.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import optimizers
from course_lib.validation import integer, number

OWN_FEATURES = {1.0: 1, -1.0: 5}  # features of its own per example, by label
SHARED_FEATURES = 3


@dataclass(frozen=True)
class SeparableData:
    """The training set: features ``X`` (n × (3 + 5n)), labels ``y`` in {−1, +1}, and p."""

    X: np.ndarray
    y: np.ndarray
    p_positive: float

    def loss(self, weights: np.ndarray) -> float:
        """½ · mean of (x·w − y)², the squared loss every optimizer here minimises."""
        return 0.5 * float(np.mean((self.X @ weights - self.y) ** 2))

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        """Xᵀ(Xw − y) / n."""
        return self.X.T @ (self.X @ weights - self.y) / len(self.y)

    def train_error(self, weights: np.ndarray) -> float:
        """The fraction of training examples with sign(x·w) ≠ y (a tie counts as wrong)."""
        return float(np.mean(np.sign(self.X @ weights) != self.y))

    def test_error(self, weights: np.ndarray) -> float:
        """The expected error on new examples, exactly: p·[w₁+w₂+w₃ ≤ 0] + (1−p)·[−w₁+w₂+w₃ ≥ 0].

        A new example's own features are unseen (their weights are 0), so only w₁, w₂, w₃
        decide its prediction sign(y w₁ + w₂ + w₃).
        """
        w1, w2, w3 = weights[:SHARED_FEATURES]
        wrong_on_positive = w1 + w2 + w3 <= 0
        wrong_on_negative = -w1 + w2 + w3 >= 0
        return self.p_positive * wrong_on_positive + (1 - self.p_positive) * wrong_on_negative

    def minimum_norm_solution(self) -> np.ndarray:
        """w = Xᵀ(XXᵀ)⁻¹y: the exact fit of smallest ‖w‖, where gradient descent from 0 goes."""
        return self.X.T @ np.linalg.solve(self.X @ self.X.T, self.y)


def separable_data(n_samples: int = 50, p_positive: float = 0.75, seed: int = 0) -> SeparableData:
    """Wilson et al.'s training set with ``n_samples`` examples, positive with probability p."""
    n_samples = integer(n_samples, "n_samples", low=2)
    p_positive = number(p_positive, "p_positive", low=0.5, high=1,
                        low_inclusive=False, high_inclusive=False)
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n_samples) < p_positive, 1.0, -1.0)
    own = max(OWN_FEATURES.values())
    X = np.zeros((n_samples, SHARED_FEATURES + own * n_samples))
    X[:, 0] = y
    X[:, 1:SHARED_FEATURES] = 1.0
    for i, label in enumerate(y):
        start = SHARED_FEATURES + own * i
        X[i, start:start + OWN_FEATURES[label]] = 1.0
    return SeparableData(X, y, float(p_positive))


@dataclass(frozen=True)
class Fit:
    """One optimizer's run from w = 0: final weights, and the loss and test error per step."""

    weights: np.ndarray
    losses: np.ndarray
    test_errors: np.ndarray


def fit(optimizer, data: SeparableData, steps: int = 1000) -> Fit:
    """Full-batch steps of ``optimizer`` on ``data``'s squared loss, from w = 0."""
    weights = np.zeros(data.X.shape[1])
    losses, test_errors = np.empty(steps + 1), np.empty(steps + 1)
    for step in range(steps + 1):
        losses[step], test_errors[step] = data.loss(weights), data.test_error(weights)
        if step < steps:
            optimizer.apply(data.gradient(weights), weights)
    return Fit(weights, losses, test_errors)


def contestants() -> dict:
    """Fresh optimizers for the comparison, each at a rate that fits the training set.

    AdaGrad runs twice: as in the paper and PyTorch (accumulator starting at 0) and with
    Keras's ``initial_accumulator_value=0.1``. Here every gradient coordinate is about 1/n,
    so g² is far below 0.1 and Keras's AdaGrad divides by nearly the same √0.1 everywhere:
    it behaves like gradient descent with a larger rate and inherits its bias.
    """
    return {
        "SGD": optimizers.SGD(learning_rate=0.5),
        "Momentum": optimizers.SGD(learning_rate=0.1, momentum=0.9),
        "Adagrad (accumulator 0)": optimizers.Adagrad(learning_rate=0.1,
                                                      initial_accumulator_value=0.0),
        "Adagrad (Keras, 0.1)": optimizers.Adagrad(learning_rate=0.1),
        "RMSprop": optimizers.RMSprop(learning_rate=0.001),
        "Adam": optimizers.Adam(learning_rate=0.01),
    }


def race(data: SeparableData | None = None, steps: int = 600) -> dict[str, Fit]:
    """Every contestant fitted on ``data`` (by default ``separable_data(30)``) from w = 0."""
    data = separable_data(30) if data is None else data
    return {name: fit(optimizer, data, steps) for name, optimizer in contestants().items()}
