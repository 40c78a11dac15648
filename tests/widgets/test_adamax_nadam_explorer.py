"""The lesson-7 explorer: AdaMax's and Nadam's first steps, and Nadam's warm-up in two libraries."""

import math

import numpy as np
import pytest
from explorer_checks import central_difference

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchNadam
from course_lib.plots.adamax_nadam import (
    infinity_norm,
    measured_momentum,
    momentum_schedule,
    momentum_schedules,
    scale_estimates,
)
from course_lib.widgets import show
from course_lib.widgets.adamax_nadam import PROBLEMS, SCHEDULE_STEPS

EPSILON = 1e-7


@pytest.fixture(scope="module")
def explorer():
    # Built once: the first draw of a figure is the slow part, and controls reach every state.
    return show("adamax_nadam")


@pytest.mark.parametrize("beta_1", [0.5, 0.9, 0.99])
def test_schedule_panel_is_what_the_optimizers_use(explorer, beta_1):
    explorer.set(beta_1=beta_1)
    keras = measured_momentum(optimizers.Nadam(beta_1=beta_1), SCHEDULE_STEPS)
    np.testing.assert_allclose(explorer.schedules[1.0].get_ydata(), keras, rtol=1e-12)
    # PyTorch's running product, about (β₁/2)ᵗ, stays a normal float64 for 500 steps at β₁ ≥ 0.5.
    torch = measured_momentum(TorchNadam(beta_1=beta_1), 500)
    np.testing.assert_allclose(explorer.schedules[0.004].get_ydata()[:500], torch, rtol=1e-12)
    np.testing.assert_allclose(explorer.target.get_ydata(), beta_1)


@pytest.mark.parametrize("beta_1", [0.5, 0.9])
def test_warm_up_times_by_hand(explorer, beta_1):
    explorer.set(beta_1=beta_1)
    # β₁(1 − ½·0.96^(ψt)) ≥ 0.99 β₁  ⇔  0.96^(ψt) ≤ 0.02  ⇔  t ≥ ln 0.02 / (ψ ln 0.96).
    keras = math.ceil(math.log(0.02) / math.log(0.96))
    torch = math.ceil(math.log(0.02) / (0.004 * math.log(0.96)))
    assert keras == 96 and torch > SCHEDULE_STEPS
    assert f"Keras after {keras} steps" in explorer.last_status.message
    assert f"PyTorch not by step {SCHEDULE_STEPS}" in explorer.last_status.message


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_first_steps_by_hand(explorer, problem):
    eta, beta_1, beta_2 = 0.05, 0.9, 0.999
    explorer.set(problem=problem, learning_rate=eta, beta_1=beta_1, beta_2=beta_2)
    start = PROBLEMS[problem].default_start
    g = central_difference(PROBLEMS[problem], start)
    # AdaMax: m = 0.1 g, u = |g|, step η m / ((1 − β₁)(u + ε)).
    adamax = -eta * g / (np.abs(g) + EPSILON)
    # Nadam: μ₁, μ₂ from β₁(1 − ½·0.96ᵗ), Π₁ = μ₁, Π₂ = μ₁μ₂, m = 0.1 g, ŝ = g².
    mu_1, mu_2 = beta_1 * (1 - 0.5 * 0.96), beta_1 * (1 - 0.5 * 0.96**2)
    m_hat = mu_2 * (1 - beta_1) * g / (1 - mu_1 * mu_2) + (1 - mu_1) * g / (1 - mu_1)
    nadam = -eta * m_hat / (np.abs(g) + EPSILON)
    # Adam (Keras): η g / (|g| + ε/√(1 − β₂)).
    adam = -eta * g / (np.abs(g) + EPSILON / math.sqrt(1 - beta_2))
    for name, expected in (("Adam", adam), ("AdaMax", adamax), ("Nadam", nadam)):
        path = explorer.paths[name].line.get_xydata()
        np.testing.assert_allclose(path[0], start)
        np.testing.assert_allclose(path[1] - path[0], expected, rtol=1e-5, atol=1e-12)
    assert explorer.landscape.problem is PROBLEMS[problem]


def test_nadam_takes_a_longer_first_step_than_adam(explorer):
    explorer.set(problem="Beale", learning_rate=0.05, beta_1=0.9, beta_2=0.999)
    # Nadam's first m̂ is (1 + 0.1 μ₂/(1 − μ₁μ₂)) g: g itself plus the look-ahead share of m.
    first = {name: np.linalg.norm(np.diff(explorer.paths[name].line.get_xydata()[:2], axis=0))
             for name in ("Adam", "Nadam")}
    assert first["Nadam"] > first["Adam"]


def test_lesson_pictures_draw_and_reject_bad_input():
    assert momentum_schedules(steps=100).axes
    assert infinity_norm(steps=80, spike_at=10).axes
    with pytest.raises(ValueError, match="beta_1"):
        momentum_schedule(beta_1=1.0)
    with pytest.raises(ValueError, match="spike_at"):
        scale_estimates(steps=10, spike_at=10)
    # PyTorch's product (β₁/2)ᵗ leaves float64 entirely within a few thousand steps: refuse.
    with pytest.raises(ValueError, match="mu_product"):
        measured_momentum(TorchNadam(beta_1=0.5), 2000)
