"""Schedule-free AdamW: z takes Adam-like steps, x is the mean of every z, the parameters are y."""

import numpy as np
import pytest

from course_lib import optimizers


def test_the_first_step_by_hand():
    # s = (1 − β₂) g², so √(s / (1 − β₂)) = |g|: z₁ = θ₀ − η g / (|g| + ε), and x₁ = z₁ (weight
    # 1/1), so y₁ = (1 − β₁) z₁ + β₁ z₁ = z₁.
    theta = np.array([1.0, -2.0])
    g = np.array([0.5, -4.0])
    optimizers.ScheduleFreeAdamW(0.1).apply(g.copy(), theta)
    np.testing.assert_allclose(theta, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8),
                                       -2.0 + 0.1 * 4.0 / (4.0 + 1e-8)], rtol=1e-14)


def test_warmup_scales_the_first_step_by_one_over_warmup_steps():
    theta = np.array([0.0])
    optimizers.ScheduleFreeAdamW(0.1, epsilon=0.0, warmup_steps=4).apply(np.array([3.0]), theta)
    assert theta[0] == pytest.approx(-0.1 / 4, rel=1e-14)


def test_x_is_the_mean_of_every_z_and_y_lies_between():
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(3)
    opt = optimizers.ScheduleFreeAdamW(0.05, beta_1=0.8)
    history = []
    for _ in range(25):
        opt.apply(2 * theta + rng.standard_normal(3), theta)
        history.append(opt.slots[0]["z"].copy())
    (x,) = opt.averaged(theta)
    np.testing.assert_allclose(x, np.mean(history, axis=0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(theta, 0.2 * history[-1] + 0.8 * x, rtol=1e-12, atol=1e-14)


def test_z_follows_adams_second_moment_with_bias_correction():
    # On a steady gradient s = (1 − β₂ᵗ) g², so each step moves z by η g / (|g| + ε) exactly.
    theta = np.array([0.0])
    opt = optimizers.ScheduleFreeAdamW(0.01, epsilon=0.0)
    for _ in range(7):
        opt.apply(np.array([2.0]), theta)
    assert opt.slots[0]["z"][0] == pytest.approx(-0.07, rel=1e-12)


def test_keras_defaults_and_beta_1_zero_refused():
    assert optimizers.ScheduleFreeAdamW().get_config() == {
        "learning_rate": 0.0025, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8,
        "warmup_steps": 0}
    with pytest.raises(ValueError, match=r"beta_1 must be a number in \(0, 1\), got 0"):
        optimizers.ScheduleFreeAdamW(beta_1=0.0)
    with pytest.raises(ValueError, match="warmup_steps must be"):
        optimizers.ScheduleFreeAdamW(warmup_steps=-1)
