"""Sparse categorical cross-entropy: the loss of a classifier whose labels are class indices.

For logits z (one row per example) and labels y,

    L = −(1/n) Σ_i log softmax(z_i)[y_i]
    ∂L/∂z_i = (softmax(z_i) − onehot(y_i)) / n

The gradient is why the output softmax and the loss are computed together: the Jacobian of the
softmax cancels against the derivative of the log, and what is left is "predicted minus true".
"""

from __future__ import annotations

import numpy as np

from course_lib.nn.activations import log_softmax
from course_lib.validation import flag

# Keras clips probabilities to [ε, 1 − ε] with ε = 1e-7 before taking the log.
_PROBABILITY_EPSILON = 1e-7


class SparseCategoricalCrossentropy:
    """Cross-entropy against integer labels, Keras's `sparse_categorical_crossentropy`.

    from_logits=False (Keras's default) means the model's last layer ends in a softmax and
    `__call__` receives probabilities; from_logits=True means the last layer is linear and
    `__call__` receives logits. Inside `fit` the model always hands the loss the logits
    (`value_and_gradient`), which is exact and stable whichever way the model was declared.
    """

    name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = flag(from_logits, "from_logits")

    def __call__(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The mean loss of predictions y_pred (probabilities, or logits if from_logits)."""
        y_true = np.asarray(y_true)
        y_pred = np.asarray(y_pred, dtype=float)
        rows = np.arange(len(y_true))
        if self.from_logits:
            return float(-log_softmax(y_pred)[rows, y_true].mean())
        picked = np.clip(y_pred[rows, y_true], _PROBABILITY_EPSILON, 1.0 - _PROBABILITY_EPSILON)
        return float(-np.log(picked).mean())

    def value_and_gradient(self, y_true: np.ndarray,
                           logits: np.ndarray) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂logits) from the logits, whatever from_logits says (see the class docstring)."""
        n = len(y_true)
        rows = np.arange(n)
        # The stable log-sum-exp of activations.log_softmax, sharing exp() with the gradient.
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        sums = exps.sum(axis=1)
        value = (np.log(sums) - shifted[rows, y_true]).sum() / n
        gradient = exps
        gradient /= sums[:, None]
        gradient[rows, y_true] -= 1.0
        gradient /= n
        return float(value), gradient


def get(identifier: str | SparseCategoricalCrossentropy) -> SparseCategoricalCrossentropy:
    """The loss named by `identifier` (Keras's string name) or the loss object itself."""
    if isinstance(identifier, SparseCategoricalCrossentropy):
        return identifier
    if identifier == SparseCategoricalCrossentropy.name:
        return SparseCategoricalCrossentropy()
    raise ValueError(
        f"loss must be 'sparse_categorical_crossentropy' or a SparseCategoricalCrossentropy, "
        f"got {identifier!r}"
    )
