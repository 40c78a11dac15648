"""The tuned race: each optimizer's best rate on the grid, checked against fresh runs and GD's
closed form on the valley."""

import numpy as np
import pytest

from course_lib.experiments import surface_race
from course_lib.experiments.contestants import make_optimizer
from course_lib.experiments.tuned_race import tuned_race, tuned_ranking
from course_lib.problems import trajectory


def test_sgd_on_the_valley_picks_the_rate_gd_s_closed_form_says_is_best():
    # GD on ½(u² + κv²) multiplies u by (1 − η) and v by (1 − ηκ) per step: after k steps the
    # loss is ½(1 − η)^{2k} u₀² + ½κ(1 − ηκ)^{2k} v₀², with (u₀, v₀) = (−8, 2).
    name, kappa, steps = "valley κ = 100", 100.0, surface_race.SURFACE_STEPS
    rate = surface_race.cached_rates(name)["SGD"]
    etas = rate * surface_race.MULTIPLIERS
    stable = np.abs(1 - etas * kappa) < 1                   # the others diverge (lesson 1)
    with np.errstate(over="ignore"):
        closed = (0.5 * (1 - etas) ** (2 * steps) * 64
                  + 0.5 * kappa * (1 - etas * kappa) ** (2 * steps) * 4)
    closed = np.where(stable, closed, np.inf)
    best = tuned_race(name)["SGD"]
    assert best.learning_rate == pytest.approx(etas[np.argmin(closed)], rel=1e-12)
    assert best.final_loss == pytest.approx(closed.min(), rel=1e-6)


@pytest.mark.parametrize("name", ["Momentum", "Adam"])
def test_the_best_on_rosenbrock_beats_every_other_rate_of_the_grid_run_afresh(name):
    surface = "Rosenbrock"
    rate = surface_race.cached_rates(surface)[name]
    problem = surface_race.SURFACES[surface]
    fresh = []
    for m in surface_race.MULTIPLIERS:
        run = trajectory(make_optimizer(name, float(m * rate)), problem,
                         steps=surface_race.SURFACE_STEPS)
        fresh.append(np.inf if run.diverged else run.final_loss)
    best = tuned_race(surface)[name]
    assert best.multiplier == surface_race.MULTIPLIERS[int(np.argmin(fresh))]
    assert best.final_loss == pytest.approx(min(fresh), rel=1e-5)


def test_the_ranking_is_by_tuned_loss():
    best = tuned_race("Rosenbrock")
    order = tuned_ranking(best)
    assert [best[name].final_loss for name in order] == sorted(b.final_loss for b in best.values())
