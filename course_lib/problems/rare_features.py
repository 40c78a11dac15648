"""Linear regression on rare binary features, beside a few common ones (lesson 4).

Every example is a row of 0s and 1s: each of the ``common`` features is on with probability
``common_rate``, each of the ``rare`` ones with probability ``rare_rate``. The target is
y = x · w_true, with no noise, so the best weights are w_true and the best loss is 0.

This is the setting AdaGrad was made for (word counts, click logs): one learning rate for
every weight is capped by the common features, whose gradients are large and frequent, and
a rare feature's weight then moves a small step, rarely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.validation import integer, number


@dataclass(frozen=True, eq=False)
class SparseRegression:
    """Training and test rows, the true weights, and which features are rare."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    w_true: np.ndarray
    rare: np.ndarray

    def gradient(self, w, rows: slice) -> np.ndarray:
        """The gradient of the mean squared error over the training rows ``rows`` at ``w``."""
        X, y = self.X_train[rows], self.y_train[rows]
        return 2 * X.T @ (X @ w - y) / len(y)

    def test_loss(self, w) -> float:
        """The mean squared error on the test rows: inf once the weights have blown up."""
        with np.errstate(over="ignore", invalid="ignore"):
            loss = float(np.mean((self.X_test @ w - self.y_test) ** 2))
        return loss if np.isfinite(loss) else np.inf

    def weight_errors(self, w) -> tuple[float, float]:
        """Mean squared error of the weights: (common features, rare features)."""
        with np.errstate(over="ignore"):
            error = (np.asarray(w) - self.w_true) ** 2
        return float(error[~self.rare].mean()), float(error[self.rare].mean())


def sparse_regression(common: int = 10, rare: int = 90, common_rate: float = 0.5,
                      rare_rate: float = 0.01, n_train: int = 2000, n_test: int = 2000,
                      seed: int = 0) -> SparseRegression:
    """Draw the data set: binary features, true weights from N(0, 1), y = x · w_true."""
    common, rare = integer(common, "common", low=1), integer(rare, "rare", low=1)
    n_train, n_test = integer(n_train, "n_train", low=1), integer(n_test, "n_test", low=1)
    rates = np.r_[np.full(common, number(common_rate, "common_rate", low=0, high=1,
                                         low_inclusive=False)),
                  np.full(rare, number(rare_rate, "rare_rate", low=0, high=1,
                                       low_inclusive=False))]
    rng = np.random.default_rng(seed)
    X_train = (rng.random((n_train, rates.size)) < rates).astype(np.float64)
    X_test = (rng.random((n_test, rates.size)) < rates).astype(np.float64)
    w_true = rng.normal(size=rates.size)
    return SparseRegression(X_train, X_train @ w_true, X_test, X_test @ w_true, w_true,
                            np.r_[np.zeros(common, bool), np.ones(rare, bool)])


def train(optimizer, data: SparseRegression, batch_size: int = 10) -> np.ndarray:
    """One pass over the training rows in mini-batches, from w = 0; returns the weights."""
    batch_size = integer(batch_size, "batch_size", low=1)
    w = np.zeros(data.w_true.size)
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, len(data.y_train), batch_size):
            gradient = data.gradient(w, slice(start, start + batch_size))
            if not np.all(np.isfinite(gradient)):
                w[:] = np.inf
                break
            optimizer.apply(gradient, w)
    return w
