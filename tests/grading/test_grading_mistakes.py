"""Every known wrong variant is detected and named by check(); so are mistakes written the way a
learner would write them, independently of the variants in the task specs."""

import re

import numpy as np
import pytest

from course_lib.exercises import TASKS, check, check_result

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


def test_nadam_look_ahead_on_the_old_m_is_not_called_plain_adam(capsys):
    def nadam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        # the look-ahead written first, so it still sees the m from before this step
        m_bar = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        s_hat = s / (1 - beta_2**t)
        return theta - learning_rate * m_bar / (np.sqrt(s_hat) + epsilon), m, s

    shown = _named("ex07.q2", nadam_step, capsys)
    assert "Likely mistake: look-ahead built on the old m." in shown
    assert "plain Adam" not in shown.split("Likely mistake:")[1].split(".")[0]


def test_plain_adam_in_place_of_nadam_is_still_called_plain_adam(capsys):
    def nadam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)
        return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s

    assert "Likely mistake: plain Adam (no look-ahead)." in _named("ex07.q2", nadam_step, capsys)


def test_plateau_rate_recorded_before_the_cut(capsys):
    def plateau_learning_rates(val_losses, learning_rate, factor, patience, min_delta):
        best, wait, rates = float("inf"), 0, []
        for loss in val_losses:
            rates.append(learning_rate)
            if loss < best - min_delta:
                best, wait = loss, 0
            else:
                wait += 1
                if wait >= patience:
                    learning_rate *= factor
                    wait = 0
        return rates

    assert "Likely mistake: rate recorded before the epoch's update." in _named(
        "ex09.q5", plateau_learning_rates, capsys)


def test_plateau_best_as_a_running_minimum_fails_a_visible_case_by_name(capsys):
    def plateau_learning_rates(val_losses, learning_rate, factor, patience, min_delta):
        best, wait, rates = float("inf"), 0, []
        for loss in val_losses:
            if loss < best - min_delta:
                wait = 0
            else:
                wait += 1
                if wait >= patience:
                    learning_rate *= factor
                    wait = 0
            best = min(best, loss)
            rates.append(learning_rate)
        return rates

    result = check_result("ex09.q5", plateau_learning_rates)
    assert not all(case.passed for case in result.cases if not case.case.hidden)
    assert "Likely mistake: best kept as the running minimum." in _named(
        "ex09.q5", plateau_learning_rates, capsys)


def test_plateau_small_gains_add_up_by_hand():
    # min_delta 0.001, patience 3. best = 1.0 after epoch 0; 0.9996 and 0.9992 are not below
    # 0.999 (wait 1, 2); 0.9988 is, so best = 0.9988 and wait = 0; 0.9984 and 0.998 are not
    # below 0.9978 (wait 1, 2); 0.9976 is. No cut: seven times 0.1 (Keras 3.15 gives the same).
    losses = [1.0, 0.9996, 0.9992, 0.9988, 0.9984, 0.998, 0.9976]
    rates = TASKS["ex09.q5"].reference(val_losses=losses, learning_rate=0.1, factor=0.5,
                                       patience=3, min_delta=0.001)
    assert rates == [0.1] * 7
    labels = [case.label for case in TASKS["ex09.q5"].visible_cases()]
    assert "small gains that add up to more than min_delta" in labels


def test_keras_folded_adam_is_named_with_the_tasks_convention(capsys):
    def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        lr_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return theta - lr_t * m / (np.sqrt(s) + epsilon), m, s

    shown = _named("ex06.q1", adam_step, capsys)
    assert "Likely mistake: Keras's folded form (ε on the uncorrected √s)." in shown
    assert "This task uses the paper's and PyTorch's convention" in shown


def test_keras_folded_first_step_is_named(capsys):
    def adam_first_step(grad, learning_rate, beta_1, beta_2, epsilon):
        # Keras's Adam from m = s = 0 at t = 1, written out
        m, s = (1 - beta_1) * grad, (1 - beta_2) * grad**2
        lr_t = learning_rate * np.sqrt(1 - beta_2) / (1 - beta_1)
        return -lr_t * m / (np.sqrt(s) + epsilon)

    shown = _named("ex06.q2", adam_first_step, capsys)
    assert "Likely mistake: Keras's folded form (ε on the uncorrected √s)." in shown
    assert "This task uses the paper's and PyTorch's convention" in shown


def test_missing_bias_correction_says_the_first_step_is_too_long_by_the_real_factor():
    def uncorrected(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        return theta - learning_rate * m / (np.sqrt(s) + epsilon), m, s

    task = TASKS["ex06.q1"]
    # t = 1 with the default betas, a gradient far above ε so that ε does not count
    kwargs = {"theta": np.zeros(1), "m": np.zeros(1), "s": np.zeros(1), "grad": np.ones(1),
              "t": 1, "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
    factor = float(uncorrected(**kwargs)[0][0] / task.reference(**kwargs)[0][0])
    mistake = next(m for m in task.mistakes if m.name == "bias correction missing")
    said = re.search(r"(\d+\.\d+)× too long at t = 1", mistake.explanation)
    assert said and factor > 1 and float(said.group(1)) == round(factor, 2)
    assert "too small" not in mistake.explanation
    assert check_result("ex06.q1", uncorrected).likely_mistake is mistake


def test_a_right_proximal_step_on_a_known_wrong_soft_threshold_blames_task_1(capsys):
    def soft_threshold(w, threshold):
        return np.where(np.abs(w) > threshold, w, 0.0)  # forgot to shrink

    def proximal_l1_step(w, grad, learning_rate, l1):
        return soft_threshold(w - learning_rate * grad, learning_rate * l1)

    shown = _named("ex10.q2", proximal_l1_step, capsys)
    assert ("Likely mistake: right step, but task 1's soft_threshold: hard thresholding "
            "(no shrink).") in shown
    assert "fix task 1 and this task passes too" in shown


def test_a_proximal_step_on_a_never_zeroing_threshold_names_both_causes(capsys):
    def soft_threshold(w, threshold):
        return w - threshold * np.sign(w)

    def proximal_l1_step(w, grad, learning_rate, l1):
        return soft_threshold(w - learning_rate * grad, learning_rate * l1)

    shown = _named("ex10.q2", proximal_l1_step, capsys)
    assert "it is task 1's that never zeroes" in shown


def test_the_score_table_blames_an_unknown_wrong_soft_threshold_for_task_2(capsys):
    from course_lib.exercises import score

    namespace = {}
    exec("import numpy as np\n"
         "def soft_threshold(w, threshold):\n"
         "    # shrinks the negative weights away from 0: no variant names that\n"
         "    return np.where(np.abs(w) > threshold, w - threshold, 0.0)\n"
         "def proximal_l1_step(w, grad, learning_rate, l1):\n"
         "    return soft_threshold(w - learning_rate * grad, learning_rate * l1)\n", namespace)
    score("ex10", namespace)
    rows = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()
            if line.strip().startswith(("✓", "✗", "…"))}
    assert "calls your soft_threshold (ex10.q1), not right yet" in rows["ex10.q2"]
    assert "likely mistake" not in rows["ex10.q1"] + rows["ex10.q2"]
    assert "calls your" not in rows["ex10.q1"]


def test_the_score_table_does_not_blame_task_1_for_a_step_that_does_not_call_it(capsys):
    from course_lib.exercises import score

    namespace = {}
    exec("import numpy as np\n"
         "def soft_threshold(w, threshold):\n"
         "    return np.maximum(w - threshold, 0.0)\n"
         "def proximal_l1_step(w, grad, learning_rate, l1):\n"
         "    z = w + learning_rate * grad  # uphill, and written out without soft_threshold\n"
         "    return np.sign(z) * np.maximum(np.abs(z) - learning_rate * l1, 0)\n", namespace)
    score("ex10", namespace)
    rows = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()
            if line.strip().startswith(("✓", "✗", "…"))}
    assert "likely mistake: gradient step uphill (w + η∇)" in rows["ex10.q2"]
    assert "calls your" not in rows["ex10.q2"]
    assert "likely mistake: negative weights lost (max(w − λ, 0))" in rows["ex10.q1"]


def test_an_uphill_proximal_step_on_a_right_soft_threshold_is_not_blamed_on_task_1(capsys):
    def soft_threshold(w, threshold):
        return np.sign(w) * np.maximum(np.abs(w) - threshold, 0)

    def proximal_l1_step(w, grad, learning_rate, l1):
        return soft_threshold(w + learning_rate * grad, learning_rate * l1)

    shown = _named("ex10.q2", proximal_l1_step, capsys)
    assert "Likely mistake: gradient step uphill (w + η∇)." in shown
    assert "task 1" not in shown


def test_a_linear_exponential_schedule_is_not_called_upside_down(capsys):
    def exponential_schedule(step, initial_learning_rate, s):
        return initial_learning_rate * 0.1 * step / s

    shown = _named("ex09.q2", exponential_schedule, capsys)
    assert "Likely mistake: times instead of power (η₀·0.1·t/s)." in shown
    assert "upside down" not in shown


def test_piecewise_values_shifted_by_one_are_not_called_the_wrong_side(capsys):
    def piecewise_constant(step, boundaries, values):
        for i, boundary in enumerate(boundaries, 1):
            if step <= boundary:
                return values[i]
        return values[-1]

    shown = _named("ex09.q3", piecewise_constant, capsys)
    assert "Likely mistake: values shifted by one index." in shown
    assert "wrong side" not in shown


def test_adam_correction_with_t_minus_1_is_not_called_missing(capsys):
    def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        m_hat = m / (1 - beta_1 ** (t - 1))
        s_hat = s / (1 - beta_2 ** (t - 1))
        return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s

    shown = _named("ex06.q1", adam_step, capsys)
    assert "Likely mistake: bias correction one step early (t − 1)." in shown
    assert "bias correction missing" not in shown


def test_adam_correction_with_t_minus_1_guarded_at_the_first_step_is_not_named(capsys):
    def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        s = beta_2 * s + (1 - beta_2) * grad**2
        if t > 1:  # 1 - beta**0 would be 0
            m_hat, s_hat = m / (1 - beta_1 ** (t - 1)), s / (1 - beta_2 ** (t - 1))
        else:
            m_hat, s_hat = m, s
        return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s

    # Uncorrected at t = 1 and off by one later: no single mistake explains every case.
    shown = _named("ex06.q1", adam_step, capsys)
    assert "✗" in shown and "Likely mistake" not in shown


def test_pruning_with_int_fails_a_visible_and_a_hidden_case():
    def magnitude_prune(w, sparsity):
        k = int(sparsity * w.size)
        flat = w.flatten()
        flat[np.argsort(np.abs(flat))[:k]] = 0
        return flat.reshape(w.shape)

    task = TASKS["ex10.q3"]
    for case in (*task.edge_cases, *task.hidden_edge_cases):
        kwargs = case.arguments()
        if case.label.startswith(("70 %", "hidden: 60 %")):
            count = kwargs["sparsity"] * kwargs["w"].size
            # a fraction of .5 or more: round goes up, int down
            assert round(count) == int(count) + 1
    result = check_result("ex10.q3", magnitude_prune)
    assert not result.passed
    assert result.likely_mistake.name == "count rounded down (int)"


@pytest.mark.parametrize("answer", [692.8, 693.147, 692.5])
def test_a_fractional_step_count_is_named_not_a_whole_number(answer):
    result = check_result("ex06.q3", lambda: answer)
    assert not result.passed and result.likely_mistake.name == "not a whole number"


@pytest.mark.parametrize("answer", [float("nan"), 700.0])
def test_a_non_number_or_a_wrong_whole_number_is_not_called_fractional(answer):
    result = check_result("ex06.q3", lambda: answer)
    assert not result.passed and result.likely_mistake is None
