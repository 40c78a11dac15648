"""Sparse models: the L1 penalty, the proximal step that makes exact zeros, and pruning.

The lasso problem here uses scikit-learn's scaling, so that ``l1`` plays the
part of ``sklearn.linear_model.Lasso``'s ``alpha``::

    J(w) = 1/(2n) · ‖y − X w‖² + l1 · ‖w‖₁

A plain (sub)gradient step on J moves a weight by −η · l1 · sign(w): it
jumps over zero and back, so weights hover near zero without ever landing on
it. The proximal step takes the gradient step on the smooth part only and
then soft-thresholds, which sets every weight that comes within η · l1 of
zero to exactly zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_lib.callbacks import Callback
from course_lib.validation import finite_array, integer, number


def _array(values, name: str) -> np.ndarray:
    """``values`` checked to be finite real numbers, kept in their own dtype (float32 stays)."""
    finite_array(values, name)
    return np.asarray(values)


def _is_list_of_arrays(weights) -> bool:
    """A list or tuple of NumPy arrays, as ``model.get_weights()`` gives.

    A list of plain numbers is one array, not a list of one-number layers.
    """
    return (isinstance(weights, list | tuple) and len(weights) > 0
            and all(isinstance(w, np.ndarray) for w in weights))


def _arrays(weights, name: str = "weights") -> list[np.ndarray]:
    """One array or a list of arrays, as a list of checked arrays."""
    if _is_list_of_arrays(weights):
        return [_array(w, f"{name}[{i}]") for i, w in enumerate(weights)]
    return [_array(weights, name)]


def _like_input(weights, results: list[np.ndarray]):
    return results if _is_list_of_arrays(weights) else results[0]


def l1_penalty(weights, l1: float = 0.01) -> float:
    """The L1 penalty l1 · Σ|w|, summed over one array or a list of arrays (Keras's ``L1``)."""
    l1 = number(l1, "l1", low=0)
    return l1 * sum(float(np.abs(w).sum()) for w in _arrays(weights))


def l1_subgradient(weights, l1: float = 0.01):
    """A subgradient of l1 · Σ|w|: l1 · sign(w), taking 0 at w = 0.

    At 0 any value in [−l1, l1] is a subgradient; 0 is the one that keeps a
    weight that is already zero where it is.
    """
    l1 = number(l1, "l1", low=0)
    return _like_input(weights, [l1 * np.sign(w) for w in _arrays(weights)])


def soft_threshold(weights, threshold: float):
    """The proximal operator of threshold · |w|: sign(w) · max(|w| − threshold, 0).

    It is the x that minimises ½ (x − w)² + threshold · |x|, one coordinate at a
    time: every weight moves threshold closer to zero, and those within
    threshold of zero become exactly zero.
    """
    threshold = number(threshold, "threshold", low=0)
    return _like_input(
        weights,
        [np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0) for w in _arrays(weights)],
    )


def proximal_step(weights, gradient, learning_rate: float, l1: float):
    """One proximal-gradient (ISTA) step: w ← soft_threshold(w − η ∇, η · l1).

    ``gradient`` is the gradient of the smooth part of the loss only; the L1
    part is handled exactly by the threshold.
    """
    learning_rate = number(learning_rate, "learning_rate", low=0)
    l1 = number(l1, "l1", low=0)
    w = _array(weights, "weights")
    g = _array(gradient, "gradient")
    if w.shape != g.shape:
        raise ValueError(f"gradient must have the shape of weights {w.shape}, got {g.shape}")
    return soft_threshold(w - learning_rate * g, learning_rate * l1)


def subgradient_step(weights, gradient, learning_rate: float, l1: float):
    """One plain subgradient step on the L1-penalised loss: w ← w − η (∇ + l1 · sign(w))."""
    learning_rate = number(learning_rate, "learning_rate", low=0)
    l1 = number(l1, "l1", low=0)
    w = _array(weights, "weights")
    g = _array(gradient, "gradient")
    if w.shape != g.shape:
        raise ValueError(f"gradient must have the shape of weights {w.shape}, got {g.shape}")
    return w - learning_rate * (g + l1_subgradient(w, l1))


def lasso_objective(X, y, weights, l1: float) -> float:
    """J(w) = 1/(2n) · ‖y − X w‖² + l1 · ‖w‖₁, scikit-learn's Lasso objective."""
    X, y = _design(X, y)
    w = _array(weights, "weights").astype(np.float64)
    if w.shape != (X.shape[1],):
        raise ValueError(f"weights must have shape ({X.shape[1]},) to match X, got {w.shape}")
    residual = y - X @ w
    return float(residual @ residual / (2 * len(y)) + l1_penalty(w, l1))


@dataclass(frozen=True)
class LassoFit:
    """A lasso solver's result: the ``weights`` and ``objective`` J after each step (0 … steps)."""

    weights: np.ndarray
    objective: np.ndarray


def _design(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = _array(X, "X").astype(np.float64)
    y = _array(y, "y").astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples, features), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"X must have at least one sample (row), got shape {X.shape}")
    return X, y


def _lasso_setup(X, y, l1, steps, learning_rate):
    X, y = _design(X, y)
    l1 = number(l1, "l1", low=0)
    steps = integer(steps, "steps", low=0)
    if learning_rate is None:
        # The smooth part's gradient is Lipschitz with L = σ_max(X)² / n; 1/L is the safe step.
        lipschitz = np.linalg.norm(X, ord=2) ** 2 / len(y)
        learning_rate = 1.0 / lipschitz if lipschitz > 0 else 1.0
    else:
        learning_rate = number(learning_rate, "learning_rate", low=0, low_inclusive=False)
    return X, y, l1, steps, learning_rate


def _least_squares_gradient(X, y, w):
    """∇ of 1/(2n) · ‖y − X w‖², which is Xᵀ (X w − y) / n."""
    return X.T @ (X @ w - y) / len(y)


def lasso_ista(X, y, l1: float, steps: int, learning_rate: float | None = None) -> LassoFit:
    """Solve the lasso by ISTA: repeat the proximal step from w = 0.

    ``learning_rate`` defaults to 1/L, L = σ_max(X)² / n the Lipschitz constant
    of the smooth part's gradient; any step up to 1/L makes J fall every step.
    """
    X, y, l1, steps, learning_rate = _lasso_setup(X, y, l1, steps, learning_rate)
    w = np.zeros(X.shape[1])
    objective = [lasso_objective(X, y, w, l1)]
    for _ in range(steps):
        w = proximal_step(w, _least_squares_gradient(X, y, w), learning_rate, l1)
        objective.append(lasso_objective(X, y, w, l1))
    return LassoFit(weights=w, objective=np.array(objective))


def lasso_fista(X, y, l1: float, steps: int, learning_rate: float | None = None) -> LassoFit:
    """Solve the lasso by FISTA: ISTA with Nesterov-style momentum.

    The proximal step is taken from the look-ahead point z, and
    z ← w + (t_k − 1)/t_{k+1} · (w − w_previous) with t_{k+1} = (1 + √(1 + 4 t_k²)) / 2,
    t_1 = 1. Its objective gap shrinks like 1/k² where ISTA's shrinks like 1/k.
    """
    X, y, l1, steps, learning_rate = _lasso_setup(X, y, l1, steps, learning_rate)
    w = np.zeros(X.shape[1])
    lookahead = w.copy()
    t = 1.0
    objective = [lasso_objective(X, y, w, l1)]
    for _ in range(steps):
        w_previous = w
        w = proximal_step(lookahead, _least_squares_gradient(X, y, lookahead), learning_rate, l1)
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        lookahead = w + (t - 1) / t_next * (w - w_previous)
        t = t_next
        objective.append(lasso_objective(X, y, w, l1))
    return LassoFit(weights=w, objective=np.array(objective))


def lasso_subgradient(X, y, l1: float, steps: int,
                      learning_rate: float | None = None) -> LassoFit:
    """The lasso by plain subgradient descent, for comparison with ISTA.

    Same start, same step size (1/L by default), but the L1 term enters as
    l1 · sign(w): weights near zero flip sign from step to step instead of
    settling at zero.
    """
    X, y, l1, steps, learning_rate = _lasso_setup(X, y, l1, steps, learning_rate)
    w = np.zeros(X.shape[1])
    objective = [lasso_objective(X, y, w, l1)]
    for _ in range(steps):
        w = subgradient_step(w, _least_squares_gradient(X, y, w), learning_rate, l1)
        objective.append(lasso_objective(X, y, w, l1))
    return LassoFit(weights=w, objective=np.array(objective))


def magnitude_prune(weights, sparsity: float):
    """Zero the smallest-magnitude weights so that a fraction ``sparsity`` of them is zero.

    Of an array of n weights, the round(sparsity · n) smallest |w| are set to
    zero (weights already zero count among them, being the smallest). Among
    equal magnitudes the one that comes first in the flattened array goes
    first, so the result never depends on chance. A list of arrays is pruned
    array by array (layer-wise), each to the same fraction. Returns new arrays.
    """
    sparsity = number(sparsity, "sparsity", low=0, high=1)
    pruned = []
    for w in _arrays(weights):
        count = round(sparsity * w.size)
        flat = w.flatten()
        smallest = np.argsort(np.abs(flat), kind="stable")[:count]
        flat[smallest] = 0
        pruned.append(flat.reshape(w.shape))
    return _like_input(weights, pruned)


class PolynomialSparsity:
    """Gradual pruning (Zhu & Gupta, 2017): the target sparsity at step t.

    s(t) = s_f + (s_i − s_f) · (1 − (t − t₀) / (t₁ − t₀))^p for t₀ ≤ t ≤ t₁,
    with s_i = ``initial_sparsity`` at t₀ = ``begin_step`` and
    s_f = ``final_sparsity`` at t₁ = ``end_step``; s_i before, s_f after. The
    cube (p = ``power`` = 3) prunes fast while there is plenty of redundancy
    and slowly near the end. The target moves only every ``frequency`` steps
    (t is rounded down to t₀ + a multiple of it), so that training can recover
    between two prunings. Prune with ``magnitude_prune(w, schedule(step))``.
    """

    def __init__(self, initial_sparsity: float = 0.0, final_sparsity: float = 0.5,
                 begin_step: int = 0, end_step: int = 1000, power: float = 3.0,
                 frequency: int = 100):
        self.initial_sparsity = number(initial_sparsity, "initial_sparsity", low=0, high=1)
        self.final_sparsity = number(final_sparsity, "final_sparsity",
                                     low=self.initial_sparsity, high=1)
        self.begin_step = integer(begin_step, "begin_step", low=0)
        # Pruning ends after it begins: end_step > begin_step.
        self.end_step = integer(end_step, "end_step", low=self.begin_step + 1)
        self.frequency = integer(frequency, "frequency", low=1)
        self.power = number(power, "power", low=0, low_inclusive=False)

    def __call__(self, step):
        steps = finite_array(step, "step")
        if np.any(steps < 0):
            raise ValueError(f"step must be >= 0, got {steps.min():g}")
        since_begin = np.floor(np.maximum(steps - self.begin_step, 0) / self.frequency)
        progress = np.minimum(since_begin * self.frequency / (self.end_step - self.begin_step), 1)
        target = self.final_sparsity + (self.initial_sparsity - self.final_sparsity) * (
            1 - progress
        ) ** self.power
        target = np.where(steps >= self.end_step, self.final_sparsity, target)
        return float(target) if target.ndim == 0 else target

    def get_config(self) -> dict:
        return {
            "initial_sparsity": self.initial_sparsity,
            "final_sparsity": self.final_sparsity,
            "begin_step": self.begin_step,
            "end_step": self.end_step,
            "power": self.power,
            "frequency": self.frequency,
        }

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def sparsity(weights, tol: float = 0.0) -> float:
    """The fraction of weights with |w| ≤ tol (exact zeros when tol = 0).

    ``weights`` is one array or a list of arrays, counted together.
    """
    tol = number(tol, "tol", low=0)
    arrays = _arrays(weights)
    total = sum(w.size for w in arrays)
    if total == 0:
        raise ValueError("weights must hold at least one number, got none")
    return sum(int(np.count_nonzero(np.abs(w) <= tol)) for w in arrays) / total


class ProximalL1(Callback):
    """ℓ1 by proximal steps: after every update, W ← soft_threshold(W, η · l1), kernel by kernel.

    The model carries no penalty itself (its layers have l1 = 0), so the optimizer steps on
    the smooth loss only and the L1 part is taken exactly by the threshold: every weight moves
    η · l1 towards zero, and one that would cross zero stops on it. With plain SGD this is
    stochastic ISTA (:func:`lasso_ista` on a network, one mini-batch at a time).
    """

    def __init__(self, l1: float):
        self.l1 = number(l1, "l1", low=0)

    def on_train_batch_end(self, batch, logs=None) -> None:
        optimizer = self.model.optimizer
        rate = optimizer.learning_rate
        if callable(rate):
            rate = rate(optimizer.iterations - 1)  # the rate of the step just taken
        for layer in self.model.layers:
            # In place: the optimizer's slots stay paired with the same array.
            layer.kernel[...] = soft_threshold(layer.kernel, rate * self.l1)


class PruningMask(Callback):
    """Fine-tuning a pruned network with its zeros kept: after every update, W ← W ⊗ M.

    M = 1[W ≠ 0] is read from each kernel when training begins, so a weight that pruning set
    to zero stays exactly zero while the others train on. Without it, the first gradient step
    would move the pruned weights off zero again and undo the sparsity.
    """

    def on_train_begin(self, logs=None) -> None:
        self.masks = [layer.kernel != 0 for layer in self.model.layers]

    def on_train_batch_end(self, batch, logs=None) -> None:
        for layer, mask in zip(self.model.layers, self.masks, strict=True):
            # In place: the optimizer's slots stay paired with the same array.
            layer.kernel[~mask] = 0.0
