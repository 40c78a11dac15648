"""Lesson 8's race with every contestant at its best rate, not at its range-test rate.

A fair comparison tunes each optimizer's η on the task and races the best of each. Here the
grid is the race's own: ``surface_race.MULTIPLIERS`` × each contestant's range-test rate,
×½ to ×16 by factors of √2, 11 rates each, read from the cached race. An optimizer's best is
the rate with the lowest loss after ``SURFACE_STEPS`` steps among the runs that did not
diverge; a best on the first or last rate of the grid is flagged, since a wider grid might
then do better.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course_lib.experiments import surface_race


@dataclass(frozen=True)
class Tuned:
    """One contestant's best run on the grid: its multiplier, rate and final loss."""

    multiplier: float
    learning_rate: float
    final_loss: float
    at_edge: bool


def tuned_race(problem_name: str) -> dict[str, Tuned]:
    """Each contestant's best rate on the grid and its loss after the race's steps, by name."""
    rates = surface_race.cached_rates(problem_name)
    multipliers = [float(m) for m in surface_race.MULTIPLIERS]
    losses = {name: [] for name in rates}
    for index in range(len(multipliers)):
        for name, run in surface_race.cached_race(problem_name, index).items():
            losses[name].append(math.inf if run.diverged else run.final_loss)
    best = {}
    for name, rate in rates.items():
        index = min(range(len(multipliers)), key=losses[name].__getitem__)
        best[name] = Tuned(multipliers[index], multipliers[index] * rate, losses[name][index],
                           index in (0, len(multipliers) - 1))
    return best


def tuned_ranking(best: dict[str, Tuned]) -> list[str]:
    """The contestants, lowest tuned loss first."""
    return sorted(best, key=lambda name: best[name].final_loss)
