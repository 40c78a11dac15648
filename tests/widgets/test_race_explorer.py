"""Lesson 8's race: the caches are current, and what the explorers show obeys the theory."""

import math

import numpy as np
import pytest

from course_lib.experiments import contestants, network_race, surface_race
from course_lib.experiments.surface_race import cached_race, cached_rates, multiplier_index
from course_lib.widgets import show
from course_lib.widgets.race import TwoScaleAxis

VALLEY = "valley κ = 100"
KAPPA = 100.0
START = np.array([-8.0, 2.0])


def _grid_index(multiplier: float) -> int:
    return int(np.argmin(np.abs(surface_race.MULTIPLIERS - multiplier)))


@pytest.fixture(scope="module")
def shared():
    return show("race")


@pytest.fixture
def explorer(shared):
    """One race explorer for the whole module (building one takes a while), reset per test."""
    values = {"problem": VALLEY, "multiplier": 1.0, "steps": surface_race.SURFACE_STEPS,
              **{name: True for name in contestants.NAMES}}
    for name, value in values.items():
        shared.controls[name].value = value
    return shared


# -- the caches are what the code computes now ----------------------------------------------


def test_surface_cache_matches_a_fresh_run_of_one_grid_point():
    # ×4 on Rosenbrock: some contestants converge and SGD diverges, so both kinds are compared.
    index = _grid_index(4.0)
    fresh_rates = surface_race.surface_rates("Rosenbrock")
    assert cached_rates("Rosenbrock") == pytest.approx(fresh_rates, rel=1e-12)
    fresh = surface_race.surface_race("Rosenbrock", float(surface_race.MULTIPLIERS[index]))
    cached = cached_race("Rosenbrock", index)
    assert any(run.diverged for run in fresh.values())
    for name, run in fresh.items():
        assert cached[name].diverged_at == run.diverged_at, name
        assert cached[name].path.shape == run.path.shape, name
        # The cache keeps float32 paths.
        np.testing.assert_allclose(cached[name].path, run.path, rtol=1e-6, atol=1e-6,
                                   err_msg=f"{name}: stale cache, run scripts/build_race_cache.py")


@pytest.mark.slow
def test_network_cache_matches_a_fresh_training_run():
    results = network_race.network_results()
    name, seed = "Nadam", 0
    o, s = contestants.NAMES.index(name), list(results["seeds"]).index(seed)
    fresh = network_race.network_entry(name, seed)
    message = "stale cache, run scripts/build_race_cache.py"
    assert results["rates"][o, s] == pytest.approx(float(fresh["rate"]), rel=1e-12), message
    np.testing.assert_allclose(results["history"][o, s], fresh["history"], rtol=1e-6, atol=1e-9,
                               err_msg=message)
    np.testing.assert_allclose(results["final"][o, s], fresh["final"], rtol=1e-6, atol=1e-9,
                               err_msg=message)


# -- what the 2-D race shows follows from the formulas ---------------------------------------


@pytest.mark.parametrize("multiplier", [0.5, 1.0, 2.0, 4.0])
def test_sgd_path_on_the_valley_is_the_closed_form(multiplier):
    # On ½(x² + κy²) plain gradient descent multiplies x by (1 − η) and y by (1 − ηκ) per step.
    index = _grid_index(multiplier)
    eta = float(surface_race.MULTIPLIERS[index]) * cached_rates(VALLEY)["SGD"]
    run = cached_race(VALLEY, index)["SGD"]
    k = np.arange(len(run.path))
    with np.errstate(over="ignore"):
        expected = np.column_stack([START[0] * (1 - eta) ** k, START[1] * (1 - eta * KAPPA) ** k])
    np.testing.assert_allclose(run.path, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, limit", [("SGD", 2.0), ("Momentum", 2 * (1 + 0.9)),
                                         ("Nesterov", 2 * (1 + 0.9) / (1 + 2 * 0.9))])
def test_the_explorer_flags_divergence_exactly_past_the_stability_limit(explorer, name, limit):
    # Per Hessian eigenvalue λ, a quadratic is stable for SGD while ηλ < 2, for momentum while
    # ηλ < 2(1 + β), for Nesterov while ηλ < 2(1 + β)/(1 + 2β). The largest λ is κ. Just past
    # the limit a run grows slowly and may stay in bounds for 200 steps, so allow 10 % slack.
    rate = cached_rates(VALLEY)[name]
    checked = 0
    for multiplier in surface_race.MULTIPLIERS:
        product = multiplier * rate * KAPPA
        if limit <= product <= 1.1 * limit:
            continue
        explorer.controls["multiplier"].value = float(multiplier)
        crashed = f"{name} at step" in explorer.last_status.message
        assert crashed == (product > limit), (multiplier, product, explorer.last_status)
        checked += 1
    assert checked >= 8


def test_adams_first_step_moves_each_coordinate_by_eta():
    # Bias-corrected, Adam's first step is η g / (|g| + ε): η along each axis, against the slope.
    index = _grid_index(1.0)
    eta = cached_rates(VALLEY)["Adam"]
    path = cached_race(VALLEY, index)["Adam"].path
    gradient = np.array([START[0], KAPPA * START[1]])
    np.testing.assert_allclose(path[1] - path[0], -eta * np.sign(gradient), rtol=1e-5)


def test_a_diverged_optimizer_shows_its_cross_inside_the_window_and_is_named(explorer):
    explorer.controls["multiplier"].value = 16.0
    assert explorer.last_status.warning
    assert "SGD at step" in explorer.last_status.message
    cross_x, cross_y = explorer.paths["SGD"].end.get_data()
    (x0, x1), (y0, y1) = surface_race.SURFACES[VALLEY].bounds
    assert len(cross_x) == 1 and x0 <= cross_x[0] <= x1 and y0 <= cross_y[0] <= y1


def test_toggles_and_steps_change_what_is_drawn(explorer):
    explorer.controls["problem"].value = "Beale"
    explorer.controls["steps"].value = 50
    assert len(explorer.paths["Adam"].line.get_xdata()) == 51
    explorer.controls["Adam"].value = False
    assert len(explorer.paths["Adam"].line.get_xdata()) == 0
    assert len(explorer.losses.lines["Adam"].get_xdata()) == 0
    assert "Adam" not in explorer.last_status.message.replace("Adamax", "")


def test_the_multiplier_snaps_to_the_cached_grid():
    assert surface_race.MULTIPLIERS[multiplier_index(1.0)] == 1.0
    assert surface_race.MULTIPLIERS[multiplier_index(2.9)] == pytest.approx(2 * math.sqrt(2))
    assert multiplier_index(1e-3) == 0
    assert multiplier_index(1e3) == len(surface_race.MULTIPLIERS) - 1
    with pytest.raises(ValueError, match=r"multiplier must be a finite number > 0, got 0\.0"):
        multiplier_index(0.0)


def test_unknown_toggle_is_refused():
    refused = r"toggle's name must be one of \[.*'Nadam'.*\], got 'Lion'"
    with pytest.raises(ValueError, match=refused):
        show("race", Lion=True)


# -- the network race ------------------------------------------------------------------------


def test_every_rate_is_one_tenth_of_the_rate_at_the_lowest_sweep_loss():
    results = network_race.network_results()
    for o, s in np.ndindex(results["rates"].shape):
        rates, losses = results["sweep_rates"][o, s], results["sweep_losses"][o, s]
        kept = np.isfinite(losses)
        assert results["rates"][o, s] == pytest.approx(rates[kept][np.argmin(losses[kept])] / 10)
        # The sweep grows the rate by the same factor each batch, starting at 10⁻⁵.
        steps = np.count_nonzero(np.isfinite(rates))
        assert rates[0] == pytest.approx(contestants.RANGE_MIN_LR)
        np.testing.assert_allclose(rates[1:steps] / rates[:steps - 1],
                                   rates[1] / rates[0], rtol=1e-9)


def test_final_accuracies_are_whole_numbers_of_images():
    final = network_race.network_results()["final"]
    for column, count in ((1, 1078), (3, 359)):
        images = final[..., column] * count
        np.testing.assert_allclose(images, np.round(images), atol=1e-9)


def test_network_status_names_the_best_validation_accuracy():
    results = network_race.network_results()
    explorer = show("race_network", metric="val_accuracy", seed=1)
    last = results["history"][:, 1, network_race.METRICS.index("val_accuracy"), -1]
    best = contestants.NAMES[int(np.argmax(last))]
    assert f"best {best} {100 * last.max():.1f}" in explorer.last_status.message
    explorer.controls[best].value = False
    assert f"best {best} " not in explorer.last_status.message


def test_the_two_scale_axis_maps_its_limits_to_the_frame():
    # Loss: log scale from 10⁻³ to 3; accuracy: percent from 85 to 100.5.
    position = TwoScaleAxis.position
    assert position("loss", 1e-3) == pytest.approx(0.0)
    assert position("loss", 3.0) == pytest.approx(1.0)
    assert position("loss", math.sqrt(3e-3)) == pytest.approx(0.5)
    assert position("accuracy", 85.0) == pytest.approx(0.0)
    assert position("accuracy", 92.75) == pytest.approx(0.5)
