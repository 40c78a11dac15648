"""The race's runs, walked by ``Optimizer.stepper``, against the formulas written out by hand.

``trajectory`` checks the point once and each gradient itself, then lets the optimizer step
without its per-step checks. That must not change a single bit: every contestant of lesson 8
is run here next to a plain loop of its formula (Keras's form, the order of operations the
lessons show) and next to a loop of the checked ``Optimizer.apply``.
"""

import math

import numpy as np
import pytest

from course_lib.experiments import contestants
from course_lib.optimizers import SGD
from course_lib.problems import Beale, Rosenbrock, trajectory

STEPS = 200


def sgd(lr, g, state, t):
    return -lr * g


def momentum(lr, g, state, t, beta=0.9):
    state["m"] = beta * state.get("m", 0.0 * g) - lr * g           # m ← β m − η g
    return state["m"]                                               # θ ← θ + m


def nesterov(lr, g, state, t, beta=0.9):
    state["m"] = beta * state.get("m", 0.0 * g) - lr * g
    return beta * state["m"] - lr * g                               # θ ← θ + β m − η g


def adagrad(lr, g, state, t, epsilon=1e-7):
    state["s"] = state.get("s", np.full(2, 0.1)) + g * g            # s ← s + g ⊗ g
    return -(lr * g / np.sqrt(state["s"] + epsilon))


def rmsprop(lr, g, state, t, rho=0.9, epsilon=1e-7):
    state["s"] = rho * state.get("s", 0.0 * g) + (1 - rho) * (g * g)
    return -(lr * g / np.sqrt(state["s"] + epsilon))


def _averages(g, state, beta_1=0.9, beta_2=0.999):
    m, s = state.get("m", 0.0 * g), state.get("s", 0.0 * g)
    state["m"] = m + (1 - beta_1) * (g - m)                         # m ← β₁ m + (1 − β₁) g
    state["s"] = s + (1 - beta_2) * (g * g - s)                     # s ← β₂ s + (1 − β₂) g²
    return state["m"], state["s"]


def adam(lr, g, state, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, s = _averages(g, state)
    lr_t = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return -(m / (np.sqrt(s) + epsilon) * lr_t)


def adamax(lr, g, state, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, u = state.get("m", 0.0 * g), state.get("u", 0.0 * g)
    m = state["m"] = m + (1 - beta_1) * (g - m)                     # m ← β₁ m + (1 − β₁) g
    u = state["u"] = np.maximum(beta_2 * u, np.abs(g))              # u ← max(β₂ u, |g|)
    return -(m / (u + epsilon) * (lr / (1 - beta_1**t)))


def nadam(lr, g, state, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, s = _averages(g, state)
    mu, mu_next = (beta_1 * (1 - 0.5 * 0.96**k) for k in (t, t + 1))
    state["product"] = state.get("product", 1.0) * mu               # Π_t = μ_1 ⋯ μ_t
    m_hat = (m * (lr * mu_next / (1 - state["product"] * mu_next))
             + g * (lr * (1 - mu) / (1 - state["product"])))        # η m̂
    return -(m_hat / (np.sqrt(s / (1 - beta_2**t)) + epsilon))


FORMULAS = {"SGD": sgd, "Momentum": momentum, "Nesterov": nesterov, "Adagrad": adagrad,
            "RMSprop": rmsprop, "Adam": adam, "Adamax": adamax, "Nadam": nadam}

# Rates near each contestant's range-test rate of lesson 8, on two of its surfaces.
RATES = {"SGD": 6e-4, "Momentum": 3e-4, "Nesterov": 2.5e-4, "Adagrad": 0.8, "RMSprop": 6e-3,
         "Adam": 0.6, "Adamax": 0.9, "Nadam": 0.25}


def by_hand(name, problem, start, lr, steps=STEPS):
    point, state, path = np.array(start, dtype=np.float64), {}, []
    path.append(point.copy())
    for t in range(1, steps + 1):
        point = point + FORMULAS[name](lr, problem.gradient(point), state, t)
        path.append(point.copy())
    return np.array(path)


def by_apply(name, problem, start, lr, steps=STEPS):
    optimizer, point = contestants.make_optimizer(name, lr), np.array(start, dtype=np.float64)
    path = [point.copy()]
    for _ in range(steps):
        optimizer.apply(problem.gradient(point), point)
        path.append(point.copy())
    return np.array(path)


def test_the_formulas_cover_every_contestant():
    assert set(FORMULAS) == set(contestants.NAMES) == set(RATES)


@pytest.mark.parametrize("problem, start",
                         [(Rosenbrock(), (-1.5, 2.0)), (Rosenbrock(), (0.3, -0.6)),
                          (Beale(), (1.0, 1.5))], ids=["rosenbrock", "pressed", "beale"])
@pytest.mark.parametrize("name", contestants.NAMES)
def test_a_run_is_bit_for_bit_the_formula_and_the_checked_apply(name, problem, start):
    lr = RATES[name] / 4 if isinstance(problem, Beale) else RATES[name]
    run = trajectory(contestants.make_optimizer(name, lr), problem, start=start, steps=STEPS)
    assert not run.diverged
    np.testing.assert_array_equal(run.path, by_hand(name, problem, start, lr))
    np.testing.assert_array_equal(run.path, by_apply(name, problem, start, lr))


def test_a_diverging_run_stops_at_the_step_the_checked_apply_first_leaves_max_norm():
    lr, max_norm = 0.01, 1e3
    run = trajectory(SGD(lr, momentum=0.9), Rosenbrock(), start=(-1.5, 2.0), steps=STEPS,
                     max_norm=max_norm)
    optimizer, point = SGD(lr, momentum=0.9), np.array([-1.5, 2.0])
    walked = [point.copy()]
    while math.hypot(*point) <= max_norm:
        optimizer.apply(Rosenbrock().gradient(point), point)
        walked.append(point.copy())
    # walked[-1] is the first point outside: the run keeps the ones before it.
    assert run.diverged and run.diverged_at == len(walked) - 1 < STEPS
    np.testing.assert_array_equal(run.path, walked[:-1])


def test_stepper_refuses_a_gradient_of_another_shape_or_dtype():
    point = np.zeros(2)
    step = SGD(0.1).stepper(point)
    with pytest.raises(ValueError, match=r"shape \(2,\) and dtype float64"):
        step(np.zeros(3))
    with pytest.raises(ValueError, match="dtype float64"):
        step(np.zeros(2, np.float32))
    np.testing.assert_array_equal(point, [0.0, 0.0])


def test_stepper_checks_the_parameter_once_up_front():
    with pytest.raises(TypeError, match="params must hold floating-point"):
        SGD(0.1).stepper(np.zeros(2, int))
    frozen = np.zeros(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="params is read-only"):
        SGD(0.1).stepper(frozen)
    used = SGD(0.1, momentum=0.5)
    used.apply(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="built for shape"):
        used.stepper(np.zeros(2))


def test_a_subclass_that_changes_apply_sees_every_step_of_a_run():
    class Counting(SGD):
        calls = 0

        def apply(self, grads, params):
            Counting.calls += 1
            super().apply(grads, params)

    run = trajectory(Counting(1e-4), Rosenbrock(), steps=7)
    assert Counting.calls == 7
    np.testing.assert_array_equal(run.path, by_hand("SGD", Rosenbrock(), (-1.5, 2.0), 1e-4, 7))
