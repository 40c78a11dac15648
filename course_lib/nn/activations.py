"""Softmax, the output activation of the small network (ReLU, max(z, 0), is applied in place
inside ``Dense.forward``, where backward also keeps which units were active).

Softmax is computed from the logits through the log-sum-exp with the largest logit subtracted
first, so that exp() never sees a large positive number: the result is exact in real numbers and
finite in floating point for any finite logits.
"""

from __future__ import annotations

import numpy as np


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax(z)_k = z_k − log Σ_j exp(z_j), row by row.

    Written as (z_k − m) − log Σ_j exp(z_j − m) with m = max_j z_j: every exponent is ≤ 0, so
    nothing overflows, and the largest term of the sum is exactly 1, so the log never sees 0.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """softmax(z)_k = exp(z_k) / Σ_j exp(z_j), row by row (computed stably, see log_softmax)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    exps /= exps.sum(axis=1, keepdims=True)
    return exps
