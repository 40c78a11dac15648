"""Lesson 11's comparison: WSD and schedule-free AdamW both go under Adam's constant-rate floor;
schedule-free's average x is there before WSD's decay has begun."""

import numpy as np
import pytest

from course_lib.experiments import schedule_free_race as race
from course_lib.experiments.noise_floor import noisy_regression


@pytest.fixture(scope="module")
def problem():
    return noisy_regression(n_samples=400, n_features=5, seed=1)


def test_x_is_the_mean_of_z_so_it_moves_less_than_y_between_steps(problem):
    curves = race.curve("schedule-free", 0.1, problem)
    jitter_y = np.abs(np.diff(curves["schedule-free, y"][-200:])).mean()
    jitter_x = np.abs(np.diff(curves["schedule-free, x"][-200:])).mean()
    assert jitter_x < jitter_y / 3


def test_wsd_matches_constant_adam_until_its_warmup_and_decay_differ(problem):
    # Before any step both are at w = 0: the same excess loss J(0) − J(w*).
    constant = race.curve("constant", 0.01, problem)["Adam, constant"]
    wsd = race.curve("WSD", 0.01, problem)["Adam, WSD"]
    assert constant[0] == wsd[0] == pytest.approx(float(problem.excess_loss(np.zeros(5))))


@pytest.mark.slow
def test_the_lessons_grid_and_its_sentences():
    finals = {(method, eta): {name: c[-1] for name, c in race.curve(method, eta).items()}
              for method in ("constant", "WSD", "schedule-free") for eta in race.RATES}
    best = {name: min(race.RATES, key=lambda eta, name=name, method=method:
                      finals[method, eta][name])
            for method, name in (("constant", "Adam, constant"), ("WSD", "Adam, WSD"),
                                 ("schedule-free", "schedule-free, x"))}
    assert best == {"Adam, constant": 0.01, "Adam, WSD": 0.01, "schedule-free, x": 0.1}


def test_an_unknown_method_is_named():
    with pytest.raises(ValueError, match=r"method must be one of \['constant', 'WSD', "
                                         r"'schedule-free'\], got 'cosine'"):
        race.curve("cosine", 0.1)
