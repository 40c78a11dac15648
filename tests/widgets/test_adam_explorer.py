"""The lesson-6 explorer: bias correction makes the first steps η long; without it they are not."""

import numpy as np
import pytest
from explorer_checks import central_difference
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.plots.adam import (
    AdamWithoutCorrection,
    bias_correction,
    epsilon_placement,
    first_steps_by_placement,
    steady_steps,
)
from course_lib.problems import Beale
from course_lib.widgets import show
from course_lib.widgets.adam import FIRST_STEPS

EPSILON = 1e-7


@pytest.fixture(scope="module")
def explorer():
    # Built once: the first draw of a figure is the slow part, and controls reach every state.
    return show("adam")


@pytest.mark.parametrize("beta_1, beta_2", [(0.9, 0.999), (0.9, 0.9), (0.99, 0.999), (0.0, 0.5)])
def test_steady_steps_match_the_moments_solved_by_hand(explorer, beta_1, beta_2):
    explorer.set(beta_1=beta_1, beta_2=beta_2)
    # g = 1 every step from m = s = 0: m_t = 1 − β₁ᵗ and s_t = 1 − β₂ᵗ.
    t = np.arange(1, FIRST_STEPS + 1)
    m, v = 1 - beta_1**t, 1 - beta_2**t
    # Keras folds the correction into the rate: η √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√s + ε).
    corrected = np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + EPSILON)
    np.testing.assert_allclose(explorer.steady[True].get_ydata(), corrected, rtol=1e-9)
    np.testing.assert_allclose(explorer.steady[True].get_ydata(), 1.0, rtol=1e-4)
    np.testing.assert_allclose(explorer.steady[False].get_ydata(), m / (np.sqrt(v) + EPSILON),
                               rtol=1e-9)


def test_defaults_step_three_to_seven_etas_without_correction(explorer):
    explorer.set(beta_1=0.9, beta_2=0.999)
    without = explorer.steady[False].get_ydata()
    assert without.min() > 3 and without.max() < 7
    t = np.arange(1, FIRST_STEPS + 1)
    furthest = int(np.argmax((1 - 0.9**t) / np.sqrt(1 - 0.999**t))) + 1
    assert f"furthest off at step {furthest} " in explorer.last_status.message


@pytest.mark.parametrize("learning_rate", [0.01, 0.2])
def test_first_path_steps_by_hand(explorer, learning_rate):
    explorer.set(learning_rate=learning_rate, beta_1=0.9, beta_2=0.999)
    problem = Beale()
    g = central_difference(problem, problem.default_start)
    # First step: m = 0.1 g, s = 0.001 g². With the correction, Keras's step is
    # η g / (|g| + ε/√(1 − β₂)); without it, η · 0.1 g / (√0.001 |g| + ε).
    corrected = -learning_rate * g / (np.abs(g) + EPSILON / np.sqrt(0.001))
    uncorrected = -learning_rate * 0.1 * g / (np.sqrt(0.001) * np.abs(g) + EPSILON)
    for is_corrected, expected in ((True, corrected), (False, uncorrected)):
        path = explorer.paths[is_corrected].line.get_xydata()
        np.testing.assert_allclose(path[0], problem.default_start)
        np.testing.assert_allclose(path[1] - path[0], expected, rtol=1e-6)


# Sizes within four decades: Keras's v + (1 − β₂)(g² − v) and the textbook β₂v + (1 − β₂)g²
# agree only to rounding, which a fall of v by many decades in one step would magnify.
gradient = st.builds(lambda size, sign: sign * size, st.floats(0.01, 100), st.sampled_from([-1, 1]))


@settings(max_examples=40, deadline=None)
@given(beta_1=st.floats(0.0, 0.99), beta_2=st.floats(0.0, 0.999),
       gradients=st.lists(gradient, min_size=1, max_size=8))
def test_without_correction_is_the_plain_recursion(beta_1, beta_2, gradients):
    optimizer = AdamWithoutCorrection(learning_rate=0.1, beta_1=beta_1, beta_2=beta_2)
    theta = np.zeros(1)
    m = v = 0.0
    expected = travelled = 0.0
    for g in gradients:
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        step = 0.1 * m / (np.sqrt(v) + EPSILON)
        expected -= step
        travelled += abs(step)
        optimizer.apply(np.array([g]), theta)
    # Steps of opposite signs can cancel (θ ends near 0 after moving ±0.1), so rounding is
    # measured against the distance travelled, not against the tiny end point.
    assert theta[0] == pytest.approx(expected, rel=1e-7, abs=1e-9 * travelled)


def test_epsilon_placement_by_hand():
    g = np.array([1.0, 1e-4, 1e-8])
    steps = first_steps_by_placement(g, epsilon=EPSILON)
    # First step: m̂ = g and ŝ = g², so the three forms are g/(g + ε/√(1 − β₂)) (Keras),
    # g/(g + ε) (PyTorch) and g/√(g² + ε) (the book).
    np.testing.assert_allclose(steps["Keras"], g / (g + EPSILON / np.sqrt(1 - 0.999)), rtol=1e-9)
    np.testing.assert_allclose(steps["PyTorch"], g / (g + EPSILON), rtol=1e-9)
    np.testing.assert_allclose(steps["book"], g / np.sqrt(g**2 + EPSILON), rtol=1e-9)
    assert steps["book"][2] < steps["Keras"][2] < steps["PyTorch"][2]


def test_lesson_pictures_draw_and_reject_bad_input():
    assert bias_correction(steps=20).axes
    assert epsilon_placement().axes
    with pytest.raises(ValueError, match="steps"):
        steady_steps(AdamWithoutCorrection(), 0)
    with pytest.raises(ValueError, match="gradients"):
        first_steps_by_placement([1.0, 0.0])
