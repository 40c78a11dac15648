"""The edge of stability: full-batch gradient descent sharpens its network up to 2/η (lesson 8).

On a quadratic, GD at rate η is stable only where every curvature is below 2/η (lesson 1).
On a network, the curvature moves with the weights: Cohen et al. (2021) found that full-batch
GD raises the sharpness h_max as it trains ("progressive sharpening") until h_max reaches
2/η, and then hovers there, the loss still falling, though no longer at every step. The run:
a tanh network with 16 hidden units and a squared loss on 200 of the course's training digits
(:mod:`course_lib.problems.tanh_network`), started with a small output layer so that h_max
starts below 2/η, the sharpness measured every ``every`` steps (:mod:`course_lib.problems.
sharpness`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import datasets
from course_lib.problems.sharpness import sharpness
from course_lib.problems.tanh_network import TanhNetwork
from course_lib.validation import integer, number


@dataclass(frozen=True)
class SharpnessRun:
    """``sharpness[i]`` is h_max before step ``steps[i]``; ``losses[k]`` the loss before step k."""

    steps: np.ndarray
    sharpness: np.ndarray
    losses: np.ndarray


def digits_network(examples: int = 200, hidden: int = 16) -> TanhNetwork:
    """The first ``examples`` training digits of the course's split, targets one-hot."""
    split = datasets.load_digits_split()
    examples = integer(examples, "examples", low=1, high=len(split.y_train))
    hidden = integer(hidden, "hidden", low=1)
    return TanhNetwork(split.X_train[:examples], np.eye(10)[split.y_train[:examples]], hidden)


def sharpness_run(learning_rate: float, steps: int = 1000, every: int = 50,
                  network: TanhNetwork | None = None, seed: int = 0) -> SharpnessRun:
    """Full-batch GD, w ← w − η ∇J(w), measuring h_max every ``every`` steps (20 power
    iterations the first time, 4 after, each started from the last eigenvector)."""
    learning_rate = number(learning_rate, "learning_rate", low=0, low_inclusive=False)
    steps = integer(steps, "steps", low=1)
    every = integer(every, "every", low=1)
    network = network or digits_network()
    w = network.initial_weights(seed)
    v = np.random.default_rng(seed).standard_normal(w.size)

    def gradient(point):
        return network.loss_and_gradient(point)[1]

    measured_at, curvatures, losses = [], [], np.empty(steps + 1)
    for step in range(steps + 1):
        if step % every == 0:
            curvature, v = sharpness(gradient, w, v, iterations=20 if step == 0 else 4)
            measured_at.append(step)
            curvatures.append(curvature)
        losses[step], g = network.loss_and_gradient(w)
        if step < steps:
            w -= learning_rate * g
    return SharpnessRun(np.array(measured_at), np.array(curvatures), losses)
