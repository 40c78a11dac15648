"""The lesson-5 explorer: RMSProp's average forgets within its window, AdaGrad's sum never does."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.plots.rmsprop import averaging_weights, forgetting, scale_drop, weights, window
from course_lib.widgets import show
from course_lib.widgets.rmsprop import DROP_AT, MEMORY_STEPS, RECOVERED, recovery

EPSILON = 1e-7


@pytest.fixture(scope="module")
def explorer():
    # Built once: the first draw of a figure is the slow part, and controls reach every state.
    return show("rmsprop")


def closed_form_steps(rho):
    """Step / η on the gradient 1 (DROP_AT steps) then 0.1, from s's recursion solved by hand.

    From s₀ = 0 with g² = 1: s_k = 1 − ρᵏ. After the drop, k more steps with g² = 0.01:
    s = ρᵏ s_T + 0.01 (1 − ρᵏ). The step is η |g| / √(s + ε).
    """
    k = np.arange(1, DROP_AT + 1)
    before = 1.0 / np.sqrt(1 - rho**k + EPSILON)
    s_drop = 1 - rho**DROP_AT
    k = np.arange(1, MEMORY_STEPS - DROP_AT + 1)
    after = 0.1 / np.sqrt(rho**k * s_drop + 0.01 * (1 - rho**k) + EPSILON)
    return np.concatenate([before, after])


@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99])
def test_memory_curve_matches_the_solved_recursion(explorer, rho):
    explorer.set(rho=rho)
    np.testing.assert_allclose(explorer.memory.get_ydata(), closed_form_steps(rho), rtol=1e-9)
    assert explorer.window.get_width() == pytest.approx(1 / (1 - rho))


@pytest.mark.parametrize("rho", [0.5, 0.9, 0.95])
def test_recovery_time_by_hand(explorer, rho):
    explorer.set(rho=rho)
    # Back above ½η when 0.1/√s ≥ ½, i.e. s ≤ 0.04: ρᵏ (s_T − 0.01) ≤ 0.03.
    s_drop = 1 - rho**DROP_AT
    expected = math.ceil(math.log(0.03 / (s_drop - 0.01)) / math.log(rho))
    assert RECOVERED == 0.5
    assert recovery(explorer.memory.get_ydata()) == expected
    assert f"in {expected} steps" in explorer.last_status.message


def test_adagrad_never_recovers(explorer):
    explorer.set(rho=0.9)
    adagrad = explorer.adagrad_memory.get_ydata()
    # s = 0.1 + 100·1 + k·0.01 after the drop: the step is 0.1/√s, under η/100 for good.
    k = np.arange(1, MEMORY_STEPS - DROP_AT + 1)
    np.testing.assert_allclose(adagrad[DROP_AT:], 0.1 / np.sqrt(100.1 + 0.01 * k + EPSILON),
                               rtol=1e-9)
    assert recovery(adagrad) is None


def test_adagrad_stalls_and_rmsprop_reaches_beales_minimum(explorer):
    explorer.set(learning_rate=0.03, rho=0.9)
    final = {label: line.get_ydata()[-1] for label, line in explorer.losses.lines.items()}
    assert final["RMSProp"] < 0.05
    assert final["AdaGrad"] > 1.0
    assert not explorer.last_status.warning


@settings(max_examples=30, deadline=None)
@given(rho=st.floats(0.0, 0.98), ages=st.integers(1, 60))
def test_impulse_response_is_the_geometric_weights(rho, ages):
    weights = averaging_weights(rho, ages)
    np.testing.assert_allclose(weights, (1 - rho) * rho ** np.arange(ages), rtol=1e-12,
                               atol=1e-300)
    # An average: the weights of every age add up to 1 − ρ^ages, → 1.
    assert weights.sum() == pytest.approx(1 - rho**ages, rel=1e-9)


@pytest.mark.parametrize("rho", [0.9, 0.99, 0.999])
def test_the_window_holds_about_one_minus_one_over_e(rho):
    share = averaging_weights(rho, round(window(rho))).sum()
    assert share == pytest.approx(1 - 1 / math.e, abs=0.02)


def test_lesson_pictures_draw_and_reject_bad_input():
    assert weights(rhos=(0.5, 0.9), ages=20).axes
    assert forgetting(steps=150, drop_at=50).axes
    with pytest.raises(ValueError, match="ages"):
        averaging_weights(0.9, 0)
    with pytest.raises(ValueError, match="drop_at"):
        scale_drop(steps=100, drop_at=100)
    with pytest.raises(ValueError, match="rho"):
        window(1.0)
