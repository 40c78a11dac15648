"""The first two steps of every optimizer, derived by hand from its formula.

Every test starts at θ₀ = [1, −0.5] and feeds g₁ = [0.5, −2] then g₂ = [1, 1],
with η = 0.1. The arithmetic is written out with these numbers; where a square
root is not round, the oracle keeps it as math.sqrt of the hand-made number.
"""

import math

import numpy as np
from numpy.testing import assert_allclose

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchNadam, TorchSGD

THETA_0 = [1.0, -0.5]
G_1 = [0.5, -2.0]
G_2 = [1.0, 1.0]


def two_steps(optimizer, g_1=G_1, g_2=G_2):
    """θ after the first step and after the second."""
    theta = np.array(THETA_0)
    optimizer.apply(np.array(g_1), theta)
    theta_1 = theta.copy()
    optimizer.apply(np.array(g_2), theta)
    return theta_1, theta


def test_sgd_plain():
    theta_1, theta_2 = two_steps(optimizers.SGD(learning_rate=0.1))
    # θ₁ = θ₀ − 0.1 g₁ = [1 − 0.05, −0.5 + 0.2]
    assert_allclose(theta_1, [0.95, -0.3], rtol=1e-14)
    # θ₂ = θ₁ − 0.1 g₂ = [0.95 − 0.1, −0.3 − 0.1]
    assert_allclose(theta_2, [0.85, -0.4], rtol=1e-14)


def test_sgd_momentum():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    theta_1, theta_2 = two_steps(opt)
    # m₁ = 0.9·0 − 0.1 g₁ = [−0.05, 0.2];  θ₁ = θ₀ + m₁
    assert_allclose(theta_1, [0.95, -0.3], rtol=1e-14)
    # m₂ = 0.9 m₁ − 0.1 g₂ = [−0.045 − 0.1, 0.18 − 0.1] = [−0.145, 0.08]
    assert_allclose(opt.slots[0]["momentum"], [-0.145, 0.08], rtol=1e-14)
    # θ₂ = θ₁ + m₂ = [0.95 − 0.145, −0.3 + 0.08]
    assert_allclose(theta_2, [0.805, -0.22], rtol=1e-14)


def test_sgd_nesterov():
    theta_1, theta_2 = two_steps(optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True))
    # m₁ = [−0.05, 0.2];  θ₁ = θ₀ + 0.9 m₁ − 0.1 g₁ = [1 − 0.045 − 0.05, −0.5 + 0.18 + 0.2]
    assert_allclose(theta_1, [0.905, -0.12], rtol=1e-14)
    # m₂ = [−0.145, 0.08];  θ₂ = θ₁ + 0.9 m₂ − 0.1 g₂ = [0.905 − 0.1305 − 0.1, −0.12 + 0.072 − 0.1]
    assert_allclose(theta_2, [0.6745, -0.148], rtol=1e-14)


def test_adagrad():
    opt = optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.75, epsilon=1e-7)
    theta_1, theta_2 = two_steps(opt)
    # s₁ = 0.75 + g₁² = [0.75 + 0.25, 0.75 + 4] = [1, 4.75]
    # θ₁ = θ₀ − 0.1 g₁ / √(s₁ + ε)
    assert_allclose(theta_1, [1 - 0.05 / math.sqrt(1 + 1e-7),
                              -0.5 + 0.2 / math.sqrt(4.75 + 1e-7)], rtol=1e-14)
    # s₂ = s₁ + g₂² = [2, 5.75];  θ₂ = θ₁ − 0.1 g₂ / √(s₂ + ε)
    assert_allclose(opt.slots[0]["s"], [2.0, 5.75], rtol=1e-14)
    assert_allclose(theta_2, theta_1 - 0.1 / np.sqrt(np.array([2.0, 5.75]) + 1e-7), rtol=1e-14)
    # Without ε the first coordinate moves by exactly 0.05: ε only nudges it.
    assert abs(theta_1[0] - 0.95) < 1e-8


def test_rmsprop():
    opt = optimizers.RMSprop(learning_rate=0.1, rho=0.9, epsilon=1e-7)
    theta_1, theta_2 = two_steps(opt)
    # s₁ = 0.9·0 + 0.1 g₁² = [0.025, 0.4];  θ₁ = θ₀ − 0.1 g₁ / √(s₁ + ε)
    assert_allclose(theta_1, [1 - 0.05 / math.sqrt(0.025 + 1e-7),
                              -0.5 + 0.2 / math.sqrt(0.4 + 1e-7)], rtol=1e-14)
    # A first step of RMSProp is η g / √(0.1 g²) = η sign(g) √10 ≈ 3.16 η, up to ε.
    assert_allclose(theta_1, [1 - 0.31622776, -0.5 + 0.31622776], rtol=1e-5)
    # s₂ = 0.9 s₁ + 0.1 g₂² = [0.0225 + 0.1, 0.36 + 0.1] = [0.1225, 0.46]
    assert_allclose(opt.slots[0]["s"], [0.1225, 0.46], rtol=1e-14)
    assert_allclose(theta_2, [theta_1[0] - 0.1 / math.sqrt(0.1225 + 1e-7),
                              theta_1[1] - 0.1 / math.sqrt(0.46 + 1e-7)], rtol=1e-14)


def test_rmsprop_centered_with_momentum():
    opt = optimizers.RMSprop(learning_rate=0.1, rho=0.9, momentum=0.5, epsilon=1e-7,
                             centered=True)
    theta_1, theta_2 = two_steps(opt)
    # s₁ = [0.025, 0.4];  ḡ₁ = 0.1 g₁ = [0.05, −0.2];  s₁ − ḡ₁² = [0.0225, 0.36]
    # increment₁ = 0.1 g₁ / √(s₁ − ḡ₁² + ε) ≈ [0.05 / 0.15, −0.2 / 0.6];  m₁ = increment₁
    increment_1 = np.array([0.05 / math.sqrt(0.0225 + 1e-7), -0.2 / math.sqrt(0.36 + 1e-7)])
    assert_allclose(increment_1, [1 / 3, -1 / 3], rtol=1e-5)
    assert_allclose(theta_1, np.array(THETA_0) - increment_1, rtol=1e-14)
    # s₂ = [0.1225, 0.46];  ḡ₂ = 0.9 ḡ₁ + 0.1 g₂ = [0.045 + 0.1, −0.18 + 0.1] = [0.145, −0.08]
    # s₂ − ḡ₂² = [0.1225 − 0.021025, 0.46 − 0.0064] = [0.101475, 0.4536]
    increment_2 = np.array([0.1 / math.sqrt(0.101475 + 1e-7), 0.1 / math.sqrt(0.4536 + 1e-7)])
    # m₂ = 0.5 m₁ + increment₂;  θ₂ = θ₁ − m₂
    assert_allclose(opt.slots[0]["g_bar"], [0.145, -0.08], rtol=1e-14)
    assert_allclose(opt.slots[0]["momentum"], 0.5 * increment_1 + increment_2, rtol=1e-13)
    assert_allclose(theta_2, theta_1 - (0.5 * increment_1 + increment_2), rtol=1e-13)


def test_adam():
    opt = optimizers.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    theta_1, theta_2 = two_steps(opt)
    # m₁ = 0.1 g₁ = [0.05, −0.2];  s₁ = 0.001 g₁² = [0.00025, 0.004]
    # η₁ = 0.1 √(1 − 0.999) / (1 − 0.9) = √0.001
    eta_1 = math.sqrt(0.001)
    assert_allclose(theta_1, [1 - eta_1 * 0.05 / (math.sqrt(0.00025) + 1e-7),
                              -0.5 + eta_1 * 0.2 / (math.sqrt(0.004) + 1e-7)], rtol=1e-14)
    # m₂ = m₁ + 0.1 (g₂ − m₁) = [0.05 + 0.095, −0.2 + 0.12] = [0.145, −0.08]
    # s₂ = s₁ + 0.001 (g₂² − s₁) = [0.00025 + 0.00099975, 0.004 + 0.000996]
    assert_allclose(opt.slots[0]["m"], [0.145, -0.08], rtol=1e-14)
    assert_allclose(opt.slots[0]["s"], [0.00124975, 0.004996], rtol=1e-14)
    # η₂ = 0.1 √(1 − 0.999²) / (1 − 0.9²) = 0.1 √0.001999 / 0.19
    eta_2 = 0.1 * math.sqrt(0.001999) / 0.19
    assert_allclose(theta_2, [theta_1[0] - eta_2 * 0.145 / (math.sqrt(0.00124975) + 1e-7),
                              theta_1[1] + eta_2 * 0.08 / (math.sqrt(0.004996) + 1e-7)],
                    rtol=1e-14)


def test_adam_amsgrad_divides_by_the_largest_v():
    # A small second gradient makes s shrink, so AMSGrad keeps s₁.
    opt = optimizers.Adam(learning_rate=0.1, epsilon=1e-7, amsgrad=True)
    theta_1, theta_2 = two_steps(opt, g_2=[0.01, 0.01])
    # s₂ = s₁ + 0.001 (0.0001 − s₁) = [0.00024985, 0.0039961] < s₁ = [0.00025, 0.004]
    assert_allclose(opt.slots[0]["s"], [0.00024985, 0.0039961], rtol=1e-14)
    assert_allclose(opt.slots[0]["s_max"], [0.00025, 0.004], rtol=1e-14)
    # m₂ = m₁ + 0.1 (0.01 − m₁) = [0.05 − 0.004, −0.2 + 0.021] = [0.046, −0.179]
    eta_2 = 0.1 * math.sqrt(0.001999) / 0.19
    assert_allclose(theta_2, [theta_1[0] - eta_2 * 0.046 / (math.sqrt(0.00025) + 1e-7),
                              theta_1[1] + eta_2 * 0.179 / (math.sqrt(0.004) + 1e-7)],
                    rtol=1e-14)


def test_adamw_decays_first_then_steps():
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.1, epsilon=1e-7)
    theta_1, theta_2 = two_steps(opt)
    # θ ← θ − 0.1·0.1·θ = 0.99 θ, then Adam's step, with Adam's numbers above
    eta_1 = math.sqrt(0.001)
    assert_allclose(theta_1, [0.99 - eta_1 * 0.05 / (math.sqrt(0.00025) + 1e-7),
                              -0.495 + eta_1 * 0.2 / (math.sqrt(0.004) + 1e-7)], rtol=1e-14)
    eta_2 = 0.1 * math.sqrt(0.001999) / 0.19
    assert_allclose(theta_2, [0.99 * theta_1[0] - eta_2 * 0.145 / (math.sqrt(0.00124975) + 1e-7),
                              0.99 * theta_1[1] + eta_2 * 0.08 / (math.sqrt(0.004996) + 1e-7)],
                    rtol=1e-14)


def test_adamax():
    opt = optimizers.Adamax(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    theta_1, theta_2 = two_steps(opt)
    # m₁ = [0.05, −0.2];  u₁ = max(0, |g₁|) = [0.5, 2]  (the |·| matters for g = −2)
    # θ₁ = θ₀ − 0.1 m₁ / ((1 − 0.9)(u₁ + ε)) ≈ θ₀ − [0.1, −0.1]
    assert_allclose(theta_1, [1 - 0.1 * 0.05 / (0.1 * (0.5 + 1e-7)),
                              -0.5 + 0.1 * 0.2 / (0.1 * (2 + 1e-7))], rtol=1e-14)
    assert_allclose(theta_1, [0.9, -0.4], rtol=1e-6)
    # u₂ = max(0.999 u₁, |g₂|) = [max(0.4995, 1), max(1.998, 1)] = [1, 1.998]
    assert_allclose(opt.slots[0]["u"], [1.0, 1.998], rtol=1e-14)
    # m₂ = [0.145, −0.08];  θ₂ = θ₁ − 0.1 m₂ / ((1 − 0.81)(u₂ + ε))
    assert_allclose(theta_2, [theta_1[0] - 0.1 * 0.145 / (0.19 * (1 + 1e-7)),
                              theta_1[1] + 0.1 * 0.08 / (0.19 * (1.998 + 1e-7))], rtol=1e-14)


def test_nadam():
    opt = optimizers.Nadam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    theta_1, theta_2 = two_steps(opt)
    # μ₁ = 0.9 (1 − 0.5·0.96) = 0.468;  μ₂ = 0.9 (1 − 0.5·0.9216) = 0.48528
    # μ₃ = 0.9 (1 − 0.5·0.884736) = 0.5018688
    # Π₁ = 0.468;  Π₂ = 0.468·0.48528 = 0.22711104;  Π₃ = Π₂·0.5018688
    pi_1, pi_2 = 0.468, 0.22711104
    pi_3 = pi_2 * 0.5018688
    # Step 1: m₁ = [0.05, −0.2], ŝ₁ = s₁ / 0.001 = g₁² = [0.25, 4]
    # m̂₁ = μ₂ m₁ / (1 − Π₂) + (1 − μ₁) g₁ / (1 − Π₁) = 0.48528 m₁ / 0.77288896 + g₁
    m_hat_1 = 0.48528 * np.array([0.05, -0.2]) / (1 - pi_2) + 0.532 * np.array(G_1) / (1 - pi_1)
    assert_allclose(theta_1, np.array(THETA_0) - 0.1 * m_hat_1 / (np.array([0.5, 2.0]) + 1e-7),
                    rtol=1e-13)
    # Step 2: m₂ = [0.145, −0.08], s₂ = [0.00124975, 0.004996], ŝ₂ = s₂ / (1 − 0.999²)
    m_hat_2 = (0.5018688 * np.array([0.145, -0.08]) / (1 - pi_3)
               + (1 - 0.48528) * np.array(G_2) / (1 - pi_2))
    v_hat_2 = np.array([0.00124975, 0.004996]) / 0.001999
    assert_allclose(theta_2, theta_1 - 0.1 * m_hat_2 / (np.sqrt(v_hat_2) + 1e-7), rtol=1e-13)
    assert_allclose(opt.u_product, pi_2, rtol=1e-14)


def test_torch_sgd_momentum_and_nesterov():
    theta_1, theta_2 = two_steps(TorchSGD(learning_rate=0.1, momentum=0.9))
    # b₁ = g₁;  θ₁ = θ₀ − 0.1 g₁ = [0.95, −0.3]
    # b₂ = 0.9 b₁ + g₂ = [1.45, −0.8];  θ₂ = θ₁ − 0.1 b₂ = [0.805, −0.22]
    assert_allclose(theta_1, [0.95, -0.3], rtol=1e-14)
    assert_allclose(theta_2, [0.805, -0.22], rtol=1e-14)
    theta_1, theta_2 = two_steps(TorchSGD(learning_rate=0.1, momentum=0.9, nesterov=True))
    # θ₁ = θ₀ − 0.1 (g₁ + 0.9 b₁) = θ₀ − 0.19 g₁ = [0.905, −0.12]
    # θ₂ = θ₁ − 0.1 (g₂ + 0.9 b₂) = [0.905 − 0.2305, −0.12 − 0.028]
    assert_allclose(theta_1, [0.905, -0.12], rtol=1e-14)
    assert_allclose(theta_2, [0.6745, -0.148], rtol=1e-14)


def test_torch_nadam():
    opt = TorchNadam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                     momentum_decay=0.004)
    theta_1, theta_2 = two_steps(opt)
    # μ_t = 0.9 (1 − 0.5·0.96^(0.004 t)): close to 0.45 for small t
    mu_1, mu_2, mu_3 = (0.9 * (1 - 0.5 * 0.96 ** (0.004 * t)) for t in (1, 2, 3))
    assert 0.450 < mu_1 < mu_2 < mu_3 < 0.451
    pi_1, pi_2 = mu_1, mu_1 * mu_2
    pi_3 = pi_2 * mu_3
    # Step 1: d₁ = √(s₁ / 0.001) + ε = |g₁| + ε, and (1 − μ₁) / (1 − Π₁) = 1 since Π₁ = μ₁
    d_1 = np.array([0.5, 2.0]) + 1e-8
    step_1 = (0.1 * (1 - mu_1) / (1 - pi_1) * np.array(G_1) / d_1
              + 0.1 * mu_2 / (1 - pi_2) * np.array([0.05, -0.2]) / d_1)
    assert_allclose(step_1[0], 0.1 + 0.1 * mu_2 / (1 - pi_2) * 0.1, rtol=1e-7)
    assert_allclose(theta_1, np.array(THETA_0) - step_1, rtol=1e-13)
    # Step 2: d₂ = √(s₂ / (1 − 0.999²)) + ε
    d_2 = np.sqrt(np.array([0.00124975, 0.004996]) / 0.001999) + 1e-8
    step_2 = (0.1 * (1 - mu_2) / (1 - pi_2) * np.array(G_2) / d_2
              + 0.1 * mu_3 / (1 - pi_3) * np.array([0.145, -0.08]) / d_2)
    assert_allclose(theta_2, theta_1 - step_2, rtol=1e-13)
