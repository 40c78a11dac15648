"""Lesson 11: decoupled weight decay against L2 under Adam, and warmup for Adam's first steps."""

import math

import numpy as np
import pytest

from course_lib.plots import beyond
from course_lib.widgets import show
from course_lib.widgets.beyond import decay_runs, warmup_curves

BETA_1 = 0.9


@pytest.mark.parametrize("weight_decay, learning_rate", [(1.0, 0.01), (0.3, 0.01), (3.0, 0.003)])
def test_adamw_shrinks_busy_and_quiet_weights_like_the_pure_decay(weight_decay, learning_rate):
    # Decoupled: θ ← θ(1 − ηλ) then a step that does not depend on λ, so both groups follow
    # (1 − ηλ)ᵏ. The noise adds a random walk of about 0.18 η per step on top, so compare over
    # the first 100 steps at η ≤ 0.01, where the decay still dominates, within 15 %.
    _, decoupled = decay_runs(weight_decay, learning_rate)
    k = np.arange(101)
    pure = (1 - learning_rate * weight_decay) ** k
    for sizes in (decoupled.busy, decoupled.quiet):
        np.testing.assert_allclose(sizes[:101], pure, rtol=0.15)


def test_adam_with_l2_divides_the_pull_on_busy_weights_by_their_gradient_scale():
    # With noise of scale σ ≫ λθ, ŝ ≈ σ², so Adam's L2 pull per step is about ηλθ/σ:
    # θₖ ≈ exp(−ηλk/σ). For σ = 10, η = 0.01, λ = 1 after 200 steps: exp(−0.2) ≈ 0.82.
    with_l2, _ = decay_runs(1.0, 0.01)
    expected = math.exp(-0.01 * 1.0 * beyond.STEPS / beyond.BUSY)
    assert with_l2.busy[-1] == pytest.approx(expected, rel=0.1)


@pytest.mark.parametrize("weight_decay", [0.1, 0.3, 1.0, 3.0])
@pytest.mark.parametrize("learning_rate", [0.003, 0.01, 0.03])
def test_l2_divides_the_decay_by_the_root_of_v(weight_decay, learning_rate):
    # Adam + L2 moves a weight by about ηλθ/√ŝ per step, AdamW by ηλθ. Busy weights have
    # √ŝ ≈ 10: decayed less. Quiet ones have √ŝ ≈ max(0.1, λθ): decayed more while λθ < 1,
    # and when λθ > 1 the step is capped near η, so θ cannot fall faster than 1 − ηk.
    with_l2, decoupled = decay_runs(weight_decay, learning_rate)
    assert with_l2.busy[-1] > decoupled.busy[-1]
    if weight_decay <= 1.0:
        assert with_l2.quiet[-1] < decoupled.quiet[-1]
    else:
        k = np.arange(beyond.STEPS + 1)
        floor = np.maximum(1 - 1.05 * learning_rate * k, 0.0)
        assert np.all(with_l2.quiet >= floor)


def test_adams_first_step_is_eta_and_settles_near_the_noise_average():
    # Step 1: m̂/√ŝ = g/|g|, so every weight moves by η. Later m averages Gaussian noise over
    # about 1/(1 − β₁) steps: m ~ N(0, (1 − β₁)/(1 + β₁)), E|m| = √(2/π)·√((1 − β₁)/(1 + β₁)).
    eta = 0.01
    sizes = beyond.adam_step_sizes(eta)
    assert sizes[0] == pytest.approx(eta, rel=1e-4)
    steady = math.sqrt(2 / math.pi) * math.sqrt((1 - BETA_1) / (1 + BETA_1))
    assert np.mean(sizes[100:]) / eta == pytest.approx(steady, rel=0.1)


@pytest.mark.parametrize("warmup_steps", [10, 40])
def test_warmup_cosine_is_linear_then_half_a_cosine(warmup_steps):
    eta, total = 0.02, beyond.STEPS
    schedule = beyond.warmup_cosine(eta, warmup_steps)
    start = beyond.WARMUP_START * eta
    assert schedule(0) == pytest.approx(start)
    assert schedule(warmup_steps / 2) == pytest.approx((start + eta) / 2)
    assert schedule(warmup_steps) == pytest.approx(eta)
    decay = total - warmup_steps
    assert schedule(warmup_steps + decay / 2) == pytest.approx(eta / 2)
    cosine_third = eta * 0.5 * (1 + math.cos(math.pi / 3))
    assert schedule(warmup_steps + decay / 3) == pytest.approx(cosine_third)
    assert schedule(total) == pytest.approx(0.0, abs=1e-15)


def test_warmup_shrinks_adams_first_steps_by_the_schedule():
    ratio, steps = warmup_curves(20)
    # The first step happens at the warmup's starting rate, and is still a full step there.
    assert ratio[0] == pytest.approx(beyond.WARMUP_START)
    assert steps[0] == pytest.approx(beyond.WARMUP_START, rel=1e-4)
    _, unscheduled = warmup_curves(0)
    assert unscheduled[0] == pytest.approx(1.0, rel=1e-4)


def test_status_reports_the_runs_it_draws():
    explorer = show("beyond", weight_decay=1.0, learning_rate=0.01, warmup_steps=20)
    with_l2, decoupled = decay_runs(1.0, 0.01)
    message = explorer.last_status.message
    assert f"AdamW busy {decoupled.busy[-1]:.2f}" in message
    assert f"Adam + L2 busy {with_l2.busy[-1]:.2f}" in message
    assert f"(1 − ηλ)^{beyond.STEPS} = {0.99 ** beyond.STEPS:.2f}" in message
    explorer.controls["warmup_steps"].value = 0
    # Without warmup the first step is the largest: exactly η, since m̂/√ŝ = ±1 at step 1.
    assert "largest mean step is 1.00 η, at step 1" in explorer.last_status.message
