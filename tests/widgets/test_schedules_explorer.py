"""Lesson 9's explorers and figures: the curves they draw against the lesson's closed forms,
the performance schedule against Keras's counting rule redone by hand, and the cache against
a fresh training run (a stale cache fails here)."""

import math

import numpy as np
import pytest

from course_lib.experiments import schedule_sweep as playground
from course_lib.plots import schedules as figures
from course_lib.widgets import show


@pytest.fixture(scope="module")
def explorer():
    return show("schedules", initial_learning_rate=0.01, decay_epochs=4, power=1.0, patience=2)


def drawn_rate(explorer, name, step):
    """The rate the left panel shows for ``name`` at ``step`` (x is step / steps per epoch)."""
    x, y = explorer.drawn(name, "rate")
    steps = np.rint(x * explorer.cache.steps_per_epoch).astype(int)
    return float(y[np.flatnonzero(steps == step)[0]])


def test_power_schedule_halves_after_s_steps_and_is_a_third_after_2s(explorer):
    s = 4 * explorer.cache.steps_per_epoch
    # η0 / (1 + t/s)^1: t = s gives η0/2, t = 2s gives η0/3.
    assert drawn_rate(explorer, "power", 0) == pytest.approx(0.01)
    assert drawn_rate(explorer, "power", s) == pytest.approx(0.01 / 2)
    assert drawn_rate(explorer, "power", 2 * s) == pytest.approx(0.01 / 3)
    explorer.controls["power"].value = 2.0
    assert drawn_rate(explorer, "power", s) == pytest.approx(0.01 / 4)  # 1 / 2^2
    explorer.controls["power"].value = 1.0


def test_exponential_schedule_loses_a_factor_ten_every_s_steps(explorer):
    s = 4 * explorer.cache.steps_per_epoch
    assert drawn_rate(explorer, "exponential", s) == pytest.approx(0.001)
    assert drawn_rate(explorer, "exponential", 2 * s) == pytest.approx(0.0001)
    assert drawn_rate(explorer, "exponential", s // 2) == pytest.approx(0.01 / math.sqrt(10))


def test_piecewise_boundary_step_keeps_the_earlier_rate_as_in_keras(explorer):
    boundary = 4 * explorer.cache.steps_per_epoch
    assert drawn_rate(explorer, "piecewise", boundary) == pytest.approx(0.01)
    assert drawn_rate(explorer, "piecewise", boundary + 1) == pytest.approx(0.001)
    assert drawn_rate(explorer, "piecewise", 2 * boundary + 1) == pytest.approx(0.0001)


def test_one_cycle_and_cosine_corners(explorer):
    total = explorer.cache.epochs * explorer.cache.steps_per_epoch
    peak = 0.9 * total / 2  # the cycle is the first 90 % of the run, the peak half way through it
    assert peak == int(peak)
    assert drawn_rate(explorer, "1cycle", 0) == pytest.approx(0.01)
    assert drawn_rate(explorer, "1cycle", int(peak)) == pytest.approx(0.1)  # η1 = 10 η0
    # Half a cosine: ½(1 + cos(π/2)) = ½ of η0 half way.
    assert drawn_rate(explorer, "cosine", total // 2) == pytest.approx(0.005)


def test_performance_schedule_halves_where_keras_counting_says(explorer):
    explorer.controls["initial_learning_rate"].value = 0.1
    setting = playground.Setting.on_grid("performance", 0.1, patience=2)
    val_loss = explorer.cache.run(setting).val_loss
    # Keras: best so far must be beaten by more than 1e-4; the second non-improving epoch in a
    # row (patience 2) ends with a cut, the counter restarts, the new rate holds from the next
    # epoch on.
    expected, rate, best, wait = [], 0.1, math.inf, 0
    for value in val_loss:
        expected.append(rate)
        if value < best - 1e-4:
            best, wait = value, 0
        else:
            wait += 1
            if wait >= 2:
                rate, wait = rate / 2, 0
    assert min(expected) < 0.1, "no cut in this run: the test would prove nothing"
    per_epoch = [drawn_rate(explorer, "performance", epoch * explorer.cache.steps_per_epoch)
                 for epoch in range(explorer.cache.epochs)]
    assert per_epoch == pytest.approx(expected)
    explorer.controls["initial_learning_rate"].value = 0.01


def test_the_highlighted_schedule_is_drawn_thick_and_every_loss_curve_is_its_run(explorer):
    explorer.controls["highlight"].value = "cosine"
    assert explorer.chosen_loss.get_linewidth() > max(explorer.others["loss"].get_linewidths())
    for name in playground.SCHEDULE_NAMES:
        setting = playground.Setting.on_grid(name, 0.01, 4, 1.0, 2)
        _, drawn = explorer.drawn(name, "loss")
        assert drawn == pytest.approx(explorer.cache.run(setting).val_loss)
    assert explorer.drawn("cosine", "rate")[1][0] == pytest.approx(0.01)


def test_a_rate_far_too_high_is_flagged_and_a_good_one_is_not(explorer):
    explorer.controls["initial_learning_rate"].value = 1.0
    assert explorer.last_status.warning
    assert "constant" in explorer.last_status.message.split("too high:")[1]
    explorer.controls["initial_learning_rate"].value = playground.INITIAL_RATES[2]  # 0.0316
    assert not explorer.last_status.warning
    explorer.controls["initial_learning_rate"].value = 0.01


@pytest.mark.parametrize("setting", [
    playground.Setting("exponential", playground.INITIAL_RATES[1], decay_epochs=4),
    playground.Setting("performance", playground.INITIAL_RATES[2], patience=2),
], ids=lambda setting: setting.key)
def test_the_cache_matches_a_fresh_training_run(setting):
    cached = playground.load_cache().run(setting)
    fresh = playground.train(setting)
    assert int(fresh["diverged_at"]) == cached.diverged_at
    for name in playground.CURVES:
        # rtol leaves room for another BLAS; a stale cache differs in the second digit.
        np.testing.assert_allclose(getattr(cached, name), fresh[name], rtol=1e-6, err_msg=name)


def test_one_cycle_explorer_follows_the_piecewise_linear_formula():
    eta1, ratio, total, fraction = 0.2, 8, 4000, 0.2
    explorer = show("one_cycle", max_learning_rate=eta1, ratio=ratio, total_steps=total,
                    annihilation_fraction=fraction)
    eta0, cycle = eta1 / ratio, (1 - fraction) * total   # 3200 steps up and down, 800 after

    def rate(t):
        if t <= cycle / 2:
            return eta0 + (eta1 - eta0) * t / (cycle / 2)
        if t <= cycle:
            return eta1 - (eta1 - eta0) * (t - cycle / 2) / (cycle / 2)
        return eta0 + (eta0 / 1000 - eta0) * (t - cycle) / (total - cycle)

    steps, rates = explorer.absolute.get_data()
    assert np.asarray(rates) == pytest.approx([rate(t) for t in steps])
    corners, relative = explorer.relative.get_data()
    assert list(corners) == [0, 1600, 3200, 4000]
    assert np.asarray(relative) == pytest.approx([1 / 8, 1, 1 / 8, 1 / 8000])
    _, momentum = explorer.momentum.get_data()
    assert np.asarray(momentum) == pytest.approx([0.95, 0.85, 0.95, 0.95])


def test_plateau_rules_keras_cuts_after_patience_pytorch_after_patience_plus_one():
    # Best 0.9 at epoch 1, then nothing beats it. Keras: epochs 2, 3, 4 are bad epochs 1, 2, 3
    # → cut at the end of epoch 4, counter back to 0, next cut at epoch 7. PyTorch needs a 4th
    # bad epoch: cut at epoch 5, then 4 more: epoch 9.
    values = [1.0, 0.9] + [0.95] * 8
    assert figures.plateau_cuts(values, patience=3, rule="keras") == [4, 7]
    assert figures.plateau_cuts(values, patience=3, rule="pytorch") == [5, 9]
    keras = figures.plateau_trace(values, patience=3, rule="keras")
    assert [count for count, _ in keras] == [0, 0, 1, 2, 3, 1, 2, 3, 1, 2]
    torch = figures.plateau_trace(values, patience=3, rule="pytorch")
    assert [count for count, _ in torch] == [0, 0, 1, 2, 3, 4, 1, 2, 3, 4]


def test_boundary_table_keras_keeps_the_old_rate_at_the_boundary_pytorch_does_not():
    table = figures.boundary_table(boundary=5, before=0.01, after=0.001)
    rows = {int(row.split("|")[0]): [float(cell.split("←")[0]) for cell in row.split("|")[1:]]
            for row in table.splitlines()[2:]}
    assert rows[5] == [0.01, 0.001, 0.001]   # Keras, PyTorch, the source's `epoch < 5`
    assert rows[4] == [0.01, 0.01, 0.01]
    assert rows[6] == [0.001, 0.001, 0.001]
    assert figures.multistep_rate([4, 5, 9, 10], [5, 10], 1.0, 0.5) == pytest.approx(
        [1.0, 0.5, 0.5, 0.25])
