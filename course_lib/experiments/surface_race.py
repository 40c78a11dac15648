"""Lesson 8's race on four 2-D surfaces: every contestant at multiples of its range-test rate.

On a surface the range test (:func:`surface_range_test`) runs ``find_learning_rate``'s sweep
with the exact gradient in place of a batch's. The race then runs every contestant for
``SURFACE_STEPS`` steps from the surface's start at each of ``MULTIPLIERS`` × its rate. The
whole race is cached in ``course_lib/data/race_surfaces.npz`` (:func:`surface_race_arrays`,
written by ``scripts/build_race_cache.py``); :func:`cached_race` reads it back.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

import numpy as np

from course_lib.experiments import cache as npz
from course_lib.experiments.contestants import NAMES, REBUILD, make_optimizer, sweep_schedule
from course_lib.lr_finder import SUGGESTION_RULE, LearningRateFinderResult
from course_lib.problems import (
    Beale,
    Bowl,
    Problem,
    Rosenbrock,
    RotatedBowl,
    Trajectory,
    trajectory,
)
from course_lib.validation import choice, number

CACHE = npz.DATA / "race_surfaces.npz"

SURFACES: dict[str, Problem] = {
    "valley κ = 100": Bowl(100.0),
    "turned valley κ = 100": RotatedBowl(100.0),
    "Rosenbrock": Rosenbrock(),
    "Beale": Beale(),
}
SURFACE_STEPS = 200
SURFACE_SWEEP_STEPS = 200

MULTIPLIERS = 2.0 ** np.arange(-1.0, 4.5, 0.5)
"""The race's rates are the range test's suggestion times one of these: ×½ to ×16 by √2."""


def surface_range_test(name: str, problem: Problem, steps: int = SURFACE_SWEEP_STEPS,
                       explosion_factor: float = 4.0) -> LearningRateFinderResult:
    """The range test on a 2-D surface: ``find_learning_rate``'s sweep and rule, exact gradients.

    Step k is taken at rate ``sweep_schedule(steps)(k)`` and ``losses[k]`` is the loss at the
    point that step leaves from. The sweep stops once a loss is not finite or exceeds
    ``explosion_factor`` × the lowest so far; the suggestion is one tenth of the rate at the
    lowest loss.
    """
    schedule = sweep_schedule(steps)
    optimizer = make_optimizer(name, schedule)
    point = np.array(problem.default_start, dtype=np.float64)
    losses: list[float] = []
    lowest = math.inf
    exploded = False
    # A sweep ends by overflowing on purpose; every number is checked below instead.
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            loss = float(problem.value(point))
            losses.append(loss)
            if not math.isfinite(loss) or loss > explosion_factor * lowest:
                exploded = True
                break
            lowest = min(lowest, loss)
            gradient = problem.gradient(point)
            if not np.all(np.isfinite(gradient)):
                break
            optimizer.apply(gradient, point)
    losses_array = np.array(losses)
    rates = schedule(np.arange(len(losses_array)))
    best = int(np.argmin(np.where(np.isfinite(losses_array), losses_array, np.inf)))
    return LearningRateFinderResult(rates, losses_array, float(rates[best] / 10),
                                    SUGGESTION_RULE, exploded)


@cache
def surface_rates(problem_name: str) -> dict[str, float]:
    """Each contestant's range-test rate on the surface ``problem_name`` (a key of ``SURFACES``)."""
    problem = SURFACES[choice(problem_name, "problem_name", SURFACES)]
    return {name: surface_range_test(name, problem).suggested_learning_rate for name in NAMES}


def surface_race(problem_name: str, multiplier: float,
                 steps: int = SURFACE_STEPS) -> dict[str, Trajectory]:
    """Every contestant on one surface at ``multiplier`` × its range-test rate, by name."""
    multiplier = number(multiplier, "multiplier", low=0, low_inclusive=False)
    problem = SURFACES[choice(problem_name, "problem_name", SURFACES)]
    return {name: trajectory(make_optimizer(name, multiplier * rate), problem, steps=steps)
            for name, rate in surface_rates(problem_name).items()}


def surface_race_arrays() -> dict[str, np.ndarray]:
    """The whole 2-D race as arrays, for ``race_surfaces.npz``.

    ``paths[p, m, o]`` is contestant o's path on surface p at multiplier m, stored as float32
    (plenty for a picture, and it keeps the file small), padded with NaN after a divergence;
    ``lengths`` holds the number of points kept and ``diverged_at`` the failing step or −1.
    """
    shape = (len(SURFACES), len(MULTIPLIERS), len(NAMES))
    paths = np.full(shape + (SURFACE_STEPS + 1, 2), np.nan, dtype=np.float32)
    lengths = np.zeros(shape, dtype=np.int16)
    diverged_at = np.full(shape, -1, dtype=np.int16)
    rates = np.zeros((len(SURFACES), len(NAMES)))
    for p, problem_name in enumerate(SURFACES):
        rates[p] = list(surface_rates(problem_name).values())
        for m, multiplier in enumerate(MULTIPLIERS):
            for o, run in enumerate(surface_race(problem_name, float(multiplier)).values()):
                paths[p, m, o, :len(run.path)] = run.path
                lengths[p, m, o] = len(run.path)
                diverged_at[p, m, o] = -1 if run.diverged_at is None else run.diverged_at
    return {"surfaces": np.array(list(SURFACES)), "names": np.array(NAMES),
            "multipliers": MULTIPLIERS, "rates": rates, "paths": paths, "lengths": lengths,
            "diverged_at": diverged_at}


@lru_cache(maxsize=1)
def surface_results() -> dict[str, np.ndarray]:
    """``race_surfaces.npz``, loaded once and checked against this module's settings."""
    data = npz.read(CACHE, REBUILD)
    if (list(data["surfaces"]) != list(SURFACES) or list(data["names"]) != list(NAMES)
            or not np.array_equal(data["multipliers"], MULTIPLIERS)):
        raise ValueError(f"{CACHE} was built for other surfaces, contestants or multipliers "
                         f"than course_lib.experiments.surface_race now has; run `{REBUILD}`")
    return data


def multiplier_index(multiplier: float) -> int:
    """The cached multiplier nearest to ``multiplier`` in log scale (the grid steps by √2)."""
    multiplier = number(multiplier, "multiplier", low=0, low_inclusive=False)
    return int(np.argmin(np.abs(np.log2(MULTIPLIERS) - math.log2(multiplier))))


@lru_cache(maxsize=64)
def cached_race(problem_name: str, index: int) -> dict[str, Trajectory]:
    """The race on ``problem_name`` at ``MULTIPLIERS[index]``, rebuilt from the cache."""
    data = surface_results()
    p = list(SURFACES).index(choice(problem_name, "problem_name", SURFACES))
    problem = SURFACES[problem_name]
    runs = {}
    for o, name in enumerate(NAMES):
        path = data["paths"][p, index, o, :data["lengths"][p, index, o]].astype(np.float64)
        failed = int(data["diverged_at"][p, index, o])
        runs[name] = Trajectory(path, problem.value(path), failed >= 0,
                                failed if failed >= 0 else None)
    return runs


def cached_rates(problem_name: str) -> dict[str, float]:
    """Each contestant's range-test rate (the ×1 of the race) on ``problem_name``."""
    p = list(SURFACES).index(choice(problem_name, "problem_name", SURFACES))
    return dict(zip(NAMES, surface_results()["rates"][p].tolist(), strict=True))


@lru_cache(maxsize=64)
def race_from(problem_name: str, index: int,
              start: tuple[float, float] | None) -> dict[str, Trajectory]:
    """The race at ``MULTIPLIERS[index]`` from ``start``: the cache for the default start,
    fresh runs at the same range-test rates from any other."""
    if start is None:
        return cached_race(problem_name, index)
    factor = float(MULTIPLIERS[index])
    problem = SURFACES[problem_name]
    return {name: trajectory(make_optimizer(name, factor * rate), problem, start=start,
                             steps=SURFACE_STEPS)
            for name, rate in cached_rates(problem_name).items()}


def ranking(runs: dict[str, Trajectory]) -> tuple[list[tuple[str, float]], list[str]]:
    """The finishers as (name, final loss), lowest first, and the names of those that diverged."""
    finishers = sorted(((name, run.final_loss) for name, run in runs.items() if not run.diverged),
                       key=lambda entry: entry[1])
    return finishers, [name for name, run in runs.items() if run.diverged]


def ranking_sentence(runs: dict[str, Trajectory]) -> str:
    """One line that says who finished lowest and who diverged, written from the numbers."""
    finishers, diverged = ranking(runs)
    order = ", ".join(f"{name} {loss:.2g}" for name, loss in finishers)
    return f"lowest first: {order}" + (f"; diverged: {', '.join(diverged)}" if diverged else "")
