"""What the lessons claim about each optimizer, checked against closed forms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchNadam, TorchSGD


def test_momentum_terminal_velocity_is_one_over_one_minus_beta():
    """On a constant gradient m_t = −η g (1 − βᵗ) / (1 − β) → −η g / (1 − β).

    The source text says 1 / (1 + β) (lesson 2; see "Errata in the source" in the
    README): with β = 0.9 that would be about half the plain step instead of ten times it.
    """
    eta, beta = 0.01, 0.9
    g = np.array([2.0, -3.0])
    opt = optimizers.SGD(learning_rate=eta, momentum=beta)
    theta = np.zeros(2)
    for t in range(1, 301):
        before = theta.copy()
        opt.apply(g, theta)
        velocity = -eta * g * (1 - beta**t) / (1 - beta)
        assert_allclose(opt.slots[0]["momentum"], velocity, rtol=1e-12)
        assert_allclose(theta - before, velocity, rtol=1e-12)
    terminal = np.abs(opt.slots[0]["momentum"])
    assert_allclose(terminal, eta * np.abs(g) / (1 - beta), rtol=1e-12)
    assert_allclose(terminal, 10 * eta * np.abs(g), rtol=1e-12)
    assert np.all(terminal > 5 * eta * np.abs(g) / (1 + beta))


def test_nesterov_keras_form_follows_the_look_ahead_path_on_a_quadratic():
    """The book's form measures the gradient at θ + β m; Keras keeps φ = θ + β m.

    Book:  m ← β m − η ∇J(θ + β m),  θ ← θ + m
    With φ = θ + β m the same iteration reads m ← β m − η ∇J(φ),
    φ ← φ + β m − η ∇J(φ): Keras's SGD(nesterov=True) on φ.
    """
    a = np.array([[3.0, 1.0], [1.0, 0.5]])        # J(θ) = ½ θᵀ A θ, ill-conditioned
    eta, beta = 0.1, 0.9
    theta = np.array([1.0, -2.0])
    m = np.zeros(2)
    phi = theta.copy()                            # φ₀ = θ₀ + β·0
    opt = optimizers.SGD(learning_rate=eta, momentum=beta, nesterov=True)
    for _ in range(150):
        m = beta * m - eta * a @ (theta + beta * m)
        theta = theta + m
        opt.apply(a @ phi, phi)
        assert_allclose(opt.slots[0]["momentum"], m, rtol=1e-9, atol=1e-13)
        assert_allclose(phi, theta + beta * m, rtol=1e-9, atol=1e-13)
    assert np.linalg.norm(theta) < 1e-2 * math.hypot(1.0, -2.0)      # and both converge


def test_adagrad_step_shrinks_like_one_over_sqrt_t():
    """Constant g: s_t = s₀ + t g², so the t-th step is η g / √(s₀ + t g² + ε) ≈ η / √t."""
    eta, s_0, g = 0.1, 0.1, 2.0
    opt = optimizers.Adagrad(learning_rate=eta, initial_accumulator_value=s_0, epsilon=1e-7)
    theta = np.zeros(1)
    steps = []
    for t in range(1, 401):
        before = theta[0]
        opt.apply(np.array([g]), theta)
        steps.append(before - theta[0])
        assert_allclose(steps[-1], eta * g / math.sqrt(s_0 + t * g * g + 1e-7), rtol=1e-12)
    steps = np.array(steps)
    assert_allclose(steps[99] / steps[24], 0.5, rtol=1e-3)       # 4× the steps, half the step
    assert_allclose(steps[399] / steps[99], 0.5, rtol=1e-3)
    assert_allclose(steps[399] * math.sqrt(400), eta, rtol=1e-3)


@settings(max_examples=60, deadline=None)
@given(magnitude=st.floats(1e-2, 1e3), sign=st.sampled_from([-1.0, 1.0]),
       eta=st.floats(1e-4, 1.0))
def test_adam_first_step_is_about_eta_times_sign_of_g(magnitude, sign, eta):
    """Step 1: m = 0.1 g, s = 0.001 g²; after correction m̂ / √ŝ = g / |g|."""
    for opt in (optimizers.Adam(learning_rate=eta), optimizers.Adam(learning_rate=eta,
                                                                      amsgrad=True)):
        theta = np.array([0.0])
        opt.apply(np.array([sign * magnitude]), theta)
        # ε = 1e-7 next to √s = √0.001 |g| ≥ 3e-4 changes the step by less than 1e-3.
        assert abs(theta[0] + eta * sign) <= 1e-3 * eta


def test_keras_adam_is_the_lesson_form_with_epsilon_over_root_of_bias_correction():
    """η √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√s + ε) = η m̂/(√ŝ + ε/√(1 − β₂ᵗ))."""
    rng = np.random.default_rng(3)
    eta, beta_1, beta_2, eps = 0.01, 0.9, 0.999, 1e-3     # a large ε makes the point visible
    opt = optimizers.Adam(learning_rate=eta, beta_1=beta_1, beta_2=beta_2, epsilon=eps)
    theta = rng.standard_normal(5)
    lesson = theta.copy()
    m = s = np.zeros(5)
    for t in range(1, 21):
        g = rng.standard_normal(5)
        opt.apply(g, theta)
        m = beta_1 * m + (1 - beta_1) * g
        s = beta_2 * s + (1 - beta_2) * g * g
        m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
        lesson -= eta * m_hat / (np.sqrt(s_hat) + eps / math.sqrt(1 - beta_2**t))
        assert_allclose(theta, lesson, rtol=1e-12)


def test_torch_sgd_matches_keras_at_constant_rate_and_parts_after_a_drop():
    rng = np.random.default_rng(0)
    beta = 0.9
    keras, torch = optimizers.SGD(0.1, momentum=beta), TorchSGD(0.1, momentum=beta)
    theta_keras = rng.standard_normal(4)
    theta_torch = theta_keras.copy()
    for _ in range(20):
        g = rng.standard_normal(4)
        keras.apply(g, theta_keras)
        torch.apply(g, theta_torch)
    assert_allclose(theta_keras, theta_torch, rtol=1e-12)
    # Keras's velocity is −η b while η is constant.
    assert_allclose(keras.slots[0]["momentum"], -0.1 * torch.slots[0]["momentum_buffer"],
                    rtol=1e-12)

    keras.learning_rate = torch.learning_rate = 0.01
    m, b = keras.slots[0]["momentum"].copy(), torch.slots[0]["momentum_buffer"].copy()
    before_keras, before_torch = theta_keras.copy(), theta_torch.copy()
    g = rng.standard_normal(4)
    keras.apply(g, theta_keras)
    torch.apply(g, theta_torch)
    # Keras: the old velocity, made with η = 0.1, keeps its size: Δθ = β m − 0.01 g.
    assert_allclose(theta_keras - before_keras, beta * m - 0.01 * g, rtol=1e-12)
    # PyTorch: the whole velocity is scaled by the new η: Δθ = −0.01 (β b + g).
    assert_allclose(theta_torch - before_torch, -0.01 * (beta * b + g), rtol=1e-12)
    assert not np.allclose(theta_keras, theta_torch, rtol=1e-3)


def test_torch_nadam_is_keras_nadam_when_momentum_decay_is_one():
    """Both put ε after the bias correction; only the warm-up exponent differs."""
    rng = np.random.default_rng(1)
    keras = optimizers.Nadam(learning_rate=0.01, epsilon=1e-7)
    same = TorchNadam(learning_rate=0.01, epsilon=1e-7, momentum_decay=1.0)
    default = TorchNadam(learning_rate=0.01, epsilon=1e-7)
    start = rng.standard_normal(6)
    thetas = [start.copy() for _ in range(3)]
    for _ in range(15):
        g = rng.standard_normal(6)
        for opt, theta in zip((keras, same, default), thetas, strict=True):
            opt.apply(g, theta)
    assert_allclose(thetas[0], thetas[1], rtol=1e-12)
    assert not np.allclose(thetas[0], thetas[2], rtol=1e-3)
    assert_allclose(keras.u_product, same.mu_product, rtol=1e-14)


def test_nadam_keeps_one_product_for_all_parameters():
    """Π is updated once per step: two parameters move as each would alone."""
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(3), rng.standard_normal((2, 2))
    a_alone, b_alone = a.copy(), b.copy()
    together, only_a, only_b = optimizers.Nadam(0.1), optimizers.Nadam(0.1), optimizers.Nadam(0.1)
    for _ in range(3):
        g_a, g_b = rng.standard_normal(3), rng.standard_normal((2, 2))
        together.apply([g_a, g_b], [a, b])
        only_a.apply(g_a, a_alone)
        only_b.apply(g_b, b_alone)
    assert np.array_equal(a, a_alone) and np.array_equal(b, b_alone)
    # Π₃ = μ₁ μ₂ μ₃ with μ_t = 0.9 (1 − 0.5·0.96ᵗ): 0.468 · 0.48528 · 0.5018688
    assert_allclose(together.u_product, 0.468 * 0.48528 * 0.5018688, rtol=1e-14)


@pytest.mark.parametrize("make", [
    lambda: optimizers.SGD(0.1, momentum=0.9),
    lambda: optimizers.RMSprop(0.01),
    lambda: optimizers.Adam(0.05),
    lambda: optimizers.Adamax(0.05),
    lambda: optimizers.Nadam(0.05),
])
def test_every_optimizer_descends_an_ill_conditioned_bowl(make):
    """J(θ) = ½ (θ₁² + 25 θ₂²): every method ends far below where it started."""
    scale = np.array([1.0, 25.0])
    theta = np.array([3.0, 1.0])
    opt = make()
    for _ in range(300):
        opt.apply(scale * theta, theta)
    assert 0.5 * np.sum(scale * theta**2) < 1e-2 * 0.5 * np.sum(scale * np.array([3.0, 1.0])**2)
