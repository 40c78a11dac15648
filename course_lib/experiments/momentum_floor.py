"""Momentum's noise floor, and the average of the last iterates below it (lesson 9).

Many independent runs of the course's ``SGD`` (with or without momentum) on the noisy 1-D
quadratic of :mod:`course_lib.problems.noisy_quadratic`, J(x) = ½ h x² with gradient
h x + ξ, from x = 0. After ``settle`` steps the iterates are spread as the closed form says;
the measured numbers are

- the floor: the mean of ½ h x² over every replica and every step after ``settle``;
- the averaged iterate's excess loss: ½ h x̄², x̄ the mean of a replica's last ``window``
  iterates, averaged over the replicas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import optimizers
from course_lib.validation import integer, number


@dataclass(frozen=True)
class SettledRun:
    """What a run measured: the mean excess loss of the iterates and of their average."""

    floor: float
    averaged: float


def settled_run(learning_rate: float, momentum: float, curvature: float = 1.0,
                noise: float = 1.0, settle: int = 300, window: int = 500,
                replicas: int = 4000, seed: int = 0) -> SettledRun:
    """Run ``replicas`` copies for ``settle + window`` steps; measure the last ``window``."""
    curvature = number(curvature, "curvature", low=0, low_inclusive=False)
    noise = number(noise, "noise", low=0)
    settle = integer(settle, "settle", low=0)
    window = integer(window, "window", low=1)
    replicas = integer(replicas, "replicas", low=1)
    rng = np.random.default_rng(seed)
    sgd = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    x = np.zeros(replicas)
    losses, total = [], np.zeros(replicas)
    for step in range(settle + window):
        sgd.apply(curvature * x + np.sqrt(noise) * rng.standard_normal(replicas), x)
        if step >= settle:
            losses.append(np.mean(0.5 * curvature * x**2))
            total += x
    mean = total / window
    return SettledRun(float(np.mean(losses)), float(np.mean(0.5 * curvature * mean**2)))
