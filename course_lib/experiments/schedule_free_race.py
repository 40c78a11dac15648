"""Warmup–stable–decay against schedule-free AdamW on lesson 9's noisy least squares (lesson 11).

Three runs of the Adam family on :func:`course_lib.experiments.noise_floor.noisy_regression`,
mini-batches of ``BATCH`` examples, ``STEPS`` steps, ``REPLICAS`` independent runs at once
(Adam's update is element by element, so a stack of weight vectors is that many runs):

- ``Adam`` at a constant rate: it stalls on its noise floor;
- ``Adam`` with ``WarmupStableDecay``: flat at the peak for most of the run, then a linear decay
  over the last ``DECAY`` steps, which takes it below the floor, but only once the decay runs;
- ``ScheduleFreeAdamW`` with the same warmup and no schedule: measured at y (its parameters)
  and at x (the average of its z, ``averaged``), which the paper evaluates.

Each curve is the mean excess loss J(w) − J(w*) over the replicas before each step.
"""

from __future__ import annotations

import numpy as np

from course_lib import optimizers, schedules
from course_lib.experiments.noise_floor import NoisyRegression, noisy_regression
from course_lib.validation import number

STEPS, WARMUP, DECAY, BATCH, REPLICAS = 1000, 50, 300, 8, 16
RATES = (0.01, 0.03, 0.1)
"""The grid each method's rate is tuned on."""


def _curves(problem: NoisyRegression, optimizer, seed: int, averaged: bool):
    rng = np.random.default_rng(seed)
    weights = np.zeros((REPLICAS, problem.X.shape[1]))
    at_y, at_x = np.empty(STEPS + 1), np.empty(STEPS + 1)
    for step in range(STEPS + 1):
        at_y[step] = np.mean(problem.excess_loss(weights))
        if averaged:
            x = optimizer.averaged(weights)[0] if step else weights
            at_x[step] = np.mean(problem.excess_loss(x))
        if step < STEPS:
            batches = rng.integers(0, len(problem.y), size=(REPLICAS, BATCH))
            optimizer.apply(problem.batch_gradient(weights, batches), weights)
    return (at_y, at_x) if averaged else at_y


def curve(method: str, learning_rate: float, problem: NoisyRegression | None = None,
          seed: int = 0) -> dict[str, np.ndarray]:
    """The excess-loss curves of ``method`` ("constant", "WSD" or "schedule-free") at
    ``learning_rate`` (the peak for WSD), by name: schedule-free gives its y and its x."""
    learning_rate = number(learning_rate, "learning_rate", low=0, low_inclusive=False)
    problem = problem or noisy_regression()
    if method == "constant":
        return {"Adam, constant": _curves(problem, optimizers.Adam(learning_rate), seed, False)}
    if method == "WSD":
        wsd = schedules.WarmupStableDecay(learning_rate, WARMUP, STEPS - WARMUP - DECAY, DECAY)
        return {"Adam, WSD": _curves(problem, optimizers.Adam(wsd), seed, False)}
    if method == "schedule-free":
        free = optimizers.ScheduleFreeAdamW(learning_rate, warmup_steps=WARMUP)
        at_y, at_x = _curves(problem, free, seed, True)
        return {"schedule-free, y": at_y, "schedule-free, x": at_x}
    raise ValueError(f"method must be one of ['constant', 'WSD', 'schedule-free'], got {method!r}")
