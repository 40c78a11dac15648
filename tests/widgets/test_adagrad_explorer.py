"""The lesson-4 explorer: AdaGrad's per-coordinate rates; its edge on the axis-aligned bowl only."""

import math

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.plots.adagrad import (
    directions,
    fading_rate,
    heading_error,
    rates_on_constant_gradients,
)
from course_lib.problems import Bowl, Trajectory
from course_lib.widgets import show
from course_lib.widgets.adagrad import STEPS


@pytest.fixture(scope="module")
def explorer():
    # Built once: the first draw of a figure is the slow part, and controls reach every state.
    return show("adagrad")


def test_rate_curves_are_the_optimizers_own_accumulator(explorer):
    explorer.set(learning_rate=0.5, condition_number=10.0, turned=True)
    # Oracle: run Adagrad by hand on the same bowl and read its slot s after every step.
    problem = Bowl(10.0, 45.0)
    optimizer = optimizers.Adagrad(learning_rate=0.5)
    theta = problem.default_start.copy()
    expected = []
    for _ in range(STEPS):
        optimizer.apply(problem.gradient(theta), theta)
        expected.append(0.5 / np.sqrt(optimizer.slots[0]["s"] + 1e-7))
    expected = np.array(expected)
    for i, line in enumerate(explorer.rates):
        np.testing.assert_allclose(line.get_ydata(), expected[:, i], rtol=1e-9)
    np.testing.assert_allclose(explorer.paths["AdaGrad"].line.get_xydata()[-1], theta, rtol=1e-9)


@pytest.mark.parametrize("condition_number", [10.0, 100.0])
def test_first_step_by_hand(explorer, condition_number):
    explorer.set(learning_rate=2.0, condition_number=condition_number, turned=False)
    # At (−8, 2) on ½(x² + κy²) the gradient is (−8, 2κ); s = 0.1 + g², ε = 1e-7 inside the root.
    g = np.array([-8.0, 2 * condition_number])
    step = -2.0 * g / np.sqrt(0.1 + g**2 + 1e-7)
    path = explorer.paths["AdaGrad"].line.get_xydata()
    np.testing.assert_allclose(path[1] - path[0], step, rtol=1e-12)
    # GD runs at η = 1/κ, so its first step lands exactly on the valley floor y = 0.
    gd = explorer.paths["GD"].line.get_xydata()
    np.testing.assert_allclose(gd[1], [-8 + 8 / condition_number, 0.0], atol=1e-12)
    np.testing.assert_allclose(explorer.gd_rate.get_ydata(), 1 / condition_number)


def test_heading_error_matches_atan2(explorer):
    explorer.set(learning_rate=1.0, condition_number=30.0, turned=False)
    path = explorer.paths["AdaGrad"].line.get_xydata()
    step = path[1] - path[0]
    aim = -path[0]
    expected = abs(math.degrees(math.atan2(step[1], step[0]) - math.atan2(aim[1], aim[0])))
    run = Trajectory(path=path, losses=np.zeros(len(path)), diverged=False, diverged_at=None)
    assert heading_error(run, [0.0, 0.0]) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("condition_number", [30.0, 100.0, 1000.0])
def test_adagrad_beats_gd_on_the_axis_aligned_bowl_only(explorer, condition_number):
    explorer.set(learning_rate=1.0, condition_number=condition_number, turned=False)
    aligned = {label: line.get_ydata()[-1] for label, line in explorer.losses.lines.items()}
    assert aligned["AdaGrad"] < aligned["GD"] / 10
    explorer.controls["turned"].value = True
    turned = {label: line.get_ydata()[-1] for label, line in explorer.losses.lines.items()}
    assert turned["AdaGrad"] > turned["GD"]
    assert not explorer.last_status.warning


def test_rate_falls_like_one_over_root_t_on_a_constant_gradient():
    rates = rates_on_constant_gradients(gradients=(1.0, 10.0), learning_rate=1.0, steps=2_000)
    # s = 0.1 + t g², so from step 20 to step 2000 the rate shrinks by
    # √(0.1 + 2000 g²)/√(0.1 + 20 g²).
    for column, g in enumerate((1.0, 10.0)):
        ratio = rates[19, column] / rates[1_999, column]
        expected = math.sqrt((0.1 + 2000 * g**2 + 1e-7) / (0.1 + 20 * g**2 + 1e-7))
        assert ratio == pytest.approx(expected)
        assert ratio == pytest.approx(10.0, rel=3e-3)  # s₀ = 0.1 is all that keeps it off 10


def test_lesson_pictures_draw_and_reject_bad_input():
    assert directions(condition_number=10.0, steps=20).axes
    assert fading_rate(steps=50).axes
    with pytest.raises(ValueError, match="steps"):
        rates_on_constant_gradients(steps=0)
    with pytest.raises(ValueError, match="gradients"):
        rates_on_constant_gradients(gradients=(1.0, float("nan")))
