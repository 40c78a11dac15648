"""Every known wrong variant is detected and named by check(); so are mistakes written the way a
learner would write them, independently of the variants in the task specs."""

import numpy as np
import pytest

from course_lib.grading import TASKS, check, check_result

VARIANTS = [
    pytest.param(task_id, mistake, id=f"{task_id}-{mistake.name}")
    for task_id, task in TASKS.items()
    for mistake in task.mistakes
]


@pytest.mark.parametrize(("task_id", "mistake"), VARIANTS)
def test_each_known_variant_is_named_by_check(task_id, mistake, capsys):
    check(task_id, mistake.variant)
    shown = capsys.readouterr().out
    assert f"Likely mistake: {mistake.name}." in shown
    assert "✗" in shown and "more cases are checked when graded" not in shown


def test_a_named_variant_earns_no_points():
    task = TASKS["ex06.q1"]
    for mistake in task.mistakes:
        result = check_result(task.id, mistake.variant)
        assert not result.passed and result.points == 0
        assert result.likely_mistake is mistake


def _named(task_id, function, capsys):
    check(task_id, function)
    return capsys.readouterr().out


# Below, wrong answers as a learner would type them (not the spec's variants).

def test_sign_flipped_momentum(capsys):
    def momentum_step(theta, velocity, grad, learning_rate, momentum):
        velocity = momentum * velocity + learning_rate * grad
        return theta + velocity, velocity

    assert "Likely mistake: sign flipped." in _named("ex02.q1", momentum_step, capsys)


def test_one_plus_beta_terminal_velocity(capsys):
    def terminal_velocity(grad, learning_rate, momentum):
        return -learning_rate * grad * (1 / (1 + momentum))

    assert "Likely mistake: 1+β where 1−β belongs." in _named("ex02.q2", terminal_velocity,
                                                             capsys)


def test_one_plus_beta_as_a_number(capsys):
    assert "1+β where 1−β belongs" in _named("ex02.q3", lambda: 1 / (1 + 0.95), capsys)


def test_bias_correction_missing_in_adam(capsys):
    def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        return theta - learning_rate * m / (s**0.5 + epsilon), m, s

    assert "Likely mistake: bias correction missing." in _named("ex06.q1", adam_step, capsys)


def test_epsilon_inside_the_root_in_adam(capsys):
    def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
        return theta - learning_rate * m_hat / np.sqrt(s_hat + epsilon), m, s

    assert "Likely mistake: ε inside the square root." in _named("ex06.q1", adam_step, capsys)


def test_epsilon_outside_the_root_in_rmsprop(capsys):
    def rmsprop_step(theta, s, grad, learning_rate, rho, epsilon):
        s = rho * s + (1 - rho) * grad**2
        return theta - learning_rate * grad / (np.sqrt(s) + epsilon), s

    assert "Likely mistake: ε outside the square root." in _named("ex04.q2", rmsprop_step,
                                                                 capsys)


def test_rmsprop_without_one_minus_rho(capsys):
    def rmsprop_step(theta, s, grad, learning_rate, rho, epsilon):
        s = rho * s + grad**2
        return theta - learning_rate * grad / np.sqrt(s + epsilon), s

    assert "Likely mistake: RMSProp without (1−ρ)." in _named("ex04.q2", rmsprop_step, capsys)


def test_adamax_without_the_absolute_value(capsys):
    def adamax_step(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        u = np.maximum(beta_2 * u, grad)
        return theta - learning_rate / (1 - beta_1**t) * m / (u + epsilon), m, u

    assert "Likely mistake: AdaMax without the absolute value." in _named(
        "ex07.q1", adamax_step, capsys)


def test_schedule_one_step_late(capsys):
    def exponential_schedule(step, initial_learning_rate, s):
        epoch = step - 1  # counted the first step as 1
        return initial_learning_rate * 0.1 ** (epoch / s)

    assert "Likely mistake: one step late (off-by-one)." in _named(
        "ex09.q2", exponential_schedule, capsys)


def test_piecewise_boundary_on_the_wrong_side(capsys):
    def piecewise_constant(step, boundaries, values):
        for i, boundary in enumerate(boundaries):
            if step < boundary:
                return values[i]
        return values[-1]

    assert "Likely mistake: boundary closed on the wrong side." in _named(
        "ex09.q3", piecewise_constant, capsys)


def test_soft_threshold_that_never_zeroes(capsys):
    def soft_threshold(w, threshold):
        return w - threshold * np.sign(w)

    assert "Likely mistake: shrinks but never zeroes." in _named("ex10.q1", soft_threshold,
                                                                capsys)


def test_plateau_rule_with_pytorch_patience(capsys):
    def plateau_learning_rates(val_losses, learning_rate, factor, patience, min_delta):
        best, bad, rates = float("inf"), 0, []
        for loss in val_losses:
            if loss < best - min_delta:
                best, bad = loss, 0
            else:
                bad += 1
            if bad > patience:
                learning_rate *= factor
                bad = 0
            rates.append(learning_rate)
        return rates

    assert "Likely mistake: waits one epoch too many (> patience)." in _named(
        "ex09.q5", plateau_learning_rates, capsys)


def test_in_place_update_is_named(capsys):
    def momentum_step(theta, velocity, grad, learning_rate, momentum):
        velocity *= momentum
        velocity -= learning_rate * grad
        theta += velocity
        return theta, velocity

    shown = _named("ex02.q1", momentum_step, capsys)
    assert "Likely mistake: inputs changed in place." in shown
    assert "changed theta, velocity in place" in shown


def test_a_wrong_choice_names_its_misconception(capsys):
    shown = _named("ex04.q4", lambda: "b", capsys)
    assert "Likely mistake: AdaGrad confused with RMSProp." in shown
    # The right letter stays secret.
    assert "'a'" not in shown
