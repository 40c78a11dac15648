"""The reference answers, checked against hand derivations, closed forms and properties that do
not reuse the reference's own formula."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.exercises import TASKS
from course_lib.exercises.quadratic import QuadraticBowl
from course_lib.exercises.spec import Exercise, Task, value_task
from course_lib.exercises.tasks import (
    ex02_momentum,
    ex03_nesterov,
    ex04_adagrad_rmsprop,
    ex06_adam,
    ex07_adamax_nadam,
    ex09_schedules,
    ex10_sparsity,
)

betas = st.floats(0.0, 0.95)
rates = st.floats(0.001, 0.5)
vectors = st.lists(st.floats(-5, 5), min_size=1, max_size=4).map(np.array)


def test_momentum_step_by_hand():
    # m = 0.9·0 − 0.1·[0.5, −1] = [−0.05, 0.1]; θ = [1, −2] + m.
    theta, m = ex02_momentum.momentum_step(np.array([1.0, -2.0]), np.zeros(2),
                                           np.array([0.5, -1.0]), 0.1, 0.9)
    assert np.allclose(m, [-0.05, 0.1]) and np.allclose(theta, [0.95, -1.9])
    # m = 0.5·0.2 − 0.1·1 = 0: friction and gradient cancel, θ stays.
    theta, m = ex02_momentum.momentum_step(np.array([3.0]), np.array([0.2]), np.array([1.0]),
                                           0.1, 0.5)
    assert np.allclose(m, [0.0]) and np.allclose(theta, [3.0])


@given(vectors, rates, betas)
@settings(max_examples=30, deadline=None)
def test_terminal_velocity_is_where_repeated_steps_settle(grad, learning_rate, momentum):
    theta, velocity = np.zeros_like(grad), np.zeros_like(grad)
    for _ in range(800):
        theta, velocity = ex02_momentum.momentum_step(theta, velocity, grad, learning_rate,
                                                      momentum)
    assert np.allclose(velocity, ex02_momentum.terminal_velocity(grad, learning_rate, momentum),
                       rtol=1e-9, atol=1e-12)


def test_speedup_for_beta_095_is_the_geometric_series():
    assert TASKS["ex02.q3"].reference() == pytest.approx(sum(0.95**k for k in range(2000)))


def test_nesterov_original_step_by_hand():
    # J = ½(10 x² + y²); θ = (1, 1), m = (−0.5, 0.2), β = 0.9, η = 0.05.
    # Look-ahead (0.55, 1.18); ∇ there (5.5, 1.18); m = (−0.45 − 0.275, 0.18 − 0.059).
    bowl = QuadraticBowl(np.diag([10.0, 1.0]), np.zeros(2))
    theta, m = ex03_nesterov.nesterov_step(np.array([1.0, 1.0]), np.array([-0.5, 0.2]), bowl,
                                           0.05, 0.9)
    assert np.allclose(m, [-0.725, 0.121]) and np.allclose(theta, [0.275, 1.121])


@given(st.integers(0, 2**32 - 1), st.floats(0.01, 0.1), st.floats(0.5, 0.95))
@settings(max_examples=20, deadline=None)
def test_keras_form_stores_the_lookahead_point_of_the_original_form(seed, learning_rate,
                                                                     momentum):
    rng = np.random.default_rng(seed)
    bowl = ex03_nesterov.random_bowl(rng, 3)
    theta, m = rng.normal(size=3), np.zeros(3)
    phi, m_keras = theta + momentum * m, m.copy()
    for _ in range(40):
        theta, m = ex03_nesterov.nesterov_step(theta, m, bowl, learning_rate, momentum)
        phi, m_keras = ex03_nesterov.nesterov_step_keras(phi, m_keras, bowl(phi), learning_rate,
                                                         momentum)
        assert np.allclose(phi, ex03_nesterov.lookahead_point(theta, m, momentum))
        assert np.allclose(m_keras, m)


def test_adagrad_and_rmsprop_by_hand():
    # AdaGrad: s = 0 + 3² = 9, θ = 0 − 0.1 · 3/3.
    theta, s = ex04_adagrad_rmsprop.adagrad_step(np.zeros(1), np.zeros(1), np.array([3.0]),
                                                 0.1, 0.0)
    assert np.allclose(s, [9.0]) and np.allclose(theta, [-0.1])
    # RMSProp: s = 0.9·1 + 0.1·4 = 1.3, θ = 1 − 0.01 · 2/√1.3.
    theta, s = ex04_adagrad_rmsprop.rmsprop_step(np.ones(1), np.ones(1), np.array([2.0]), 0.01,
                                                 0.9, 0.0)
    assert np.allclose(s, [1.3]) and np.allclose(theta, [1 - 0.02 / math.sqrt(1.3)])


@given(st.floats(0.1, 10) | st.floats(-10, -0.1), st.integers(1, 60), rates)
@settings(max_examples=30, deadline=None)
def test_adagrad_step_size_matches_running_adagrad(grad, steps, learning_rate):
    theta, s = np.zeros(1), np.zeros(1)
    for _ in range(steps):
        before = theta
        theta, s = ex04_adagrad_rmsprop.adagrad_step(theta, s, np.array([grad]), learning_rate,
                                                     0.0)
    assert abs(theta[0] - before[0]) == pytest.approx(
        ex04_adagrad_rmsprop.adagrad_step_size(grad, steps, learning_rate))


def test_adam_two_steps_by_hand():
    # g₁ = 1, g₂ = −1, β₁ = 0.9, β₂ = 0.999, ε = 0, η = 0.1.
    # Step 1: m = 0.1, s = 0.001, m̂ = 1, ŝ = 1, θ = −0.1.
    theta, m, s = ex06_adam.adam_step(np.zeros(1), np.zeros(1), np.zeros(1), np.ones(1), 1,
                                      0.1, 0.9, 0.999, 0.0)
    assert np.allclose([theta[0], m[0], s[0]], [-0.1, 0.1, 0.001])
    # Step 2: m = 0.09 − 0.1 = −0.01, s = 0.000999 + 0.001 = 0.001999,
    # m̂ = −0.01/0.19, ŝ = 0.001999/0.001999 = 1, θ = −0.1 + 0.1·0.01/0.19.
    theta, m, s = ex06_adam.adam_step(theta, m, s, -np.ones(1), 2, 0.1, 0.9, 0.999, 0.0)
    assert np.allclose([m[0], s[0]], [-0.01, 0.001999])
    assert theta[0] == pytest.approx(-0.1 + 0.1 * 0.01 / 0.19)


@given(vectors.filter(lambda g: np.all(np.abs(g) > 1e-3)), rates)
@settings(max_examples=30, deadline=None)
def test_adam_first_step_is_one_adam_step_from_zero_and_about_eta(grad, learning_rate):
    theta, _, _ = ex06_adam.adam_step(np.zeros_like(grad), np.zeros_like(grad),
                                      np.zeros_like(grad), grad, 1, learning_rate, 0.9, 0.999,
                                      1e-7)
    first = ex06_adam.adam_first_step(grad, learning_rate, 0.9, 0.999, 1e-7)
    assert np.allclose(first, theta, rtol=1e-12)
    assert np.allclose(first, -learning_rate * np.sign(grad), rtol=1e-3)


def test_correction_falls_below_two_at_step_693():
    assert 1 / (1 - 0.999**692) >= 2 > 1 / (1 - 0.999**693)
    assert TASKS["ex06.q3"].reference() == 693


def test_adamax_step_by_hand():
    # t = 1, m = u = 0, g = (−0.5, 2): m = (−0.05, 0.2), u = (0.5, 2),
    # θ = θ − (η/0.1)·(−0.1, 0.1) = (1 + η, 1 − η) with ε = 0.
    theta, m, u = ex07_adamax_nadam.adamax_step(np.ones(2), np.zeros(2), np.zeros(2),
                                                np.array([-0.5, 2.0]), 1, 0.002, 0.9, 0.999, 0.0)
    assert np.allclose(m, [-0.05, 0.2]) and np.allclose(u, [0.5, 2.0])
    assert np.allclose(theta, [1.002, 0.998])


def test_u_by_hand_is_5_4():
    # u₁ = max(0, 2) = 2; u₂ = max(1.8, 6) = 6; u₃ = max(5.4, 1) = 5.4.
    assert TASKS["ex07.q3"].reference() == pytest.approx(5.4)


@given(vectors.filter(lambda g: np.all(np.abs(g) > 1e-3)), st.floats(0.5, 0.95))
@settings(max_examples=30, deadline=None)
def test_nadam_first_step_by_hand(grad, beta_1):
    # From zero at t = 1: m = (1 − β₁)g, m̄ = β₁(1 − β₁)g/(1 − β₁²) + g = g (1 + 2β₁)/(1 + β₁),
    # ŝ = g², so Δθ = −η (1 + 2β₁)/(1 + β₁) · sign(g) with ε = 0.
    theta, m, _ = ex07_adamax_nadam.nadam_step(np.zeros_like(grad), np.zeros_like(grad),
                                               np.zeros_like(grad), grad, 1, 0.01, beta_1,
                                               0.999, 0.0)
    assert np.allclose(m, (1 - beta_1) * grad)
    assert np.allclose(theta, -0.01 * (1 + 2 * beta_1) / (1 + beta_1) * np.sign(grad))


def test_power_and_exponential_schedules_at_their_landmarks():
    power = ex09_schedules.power_schedule
    assert power(0, 0.01, 20, 1.0) == pytest.approx(0.01)
    assert power(20, 0.01, 20, 1.0) == pytest.approx(0.005)
    assert power(40, 0.01, 20, 1.0) == pytest.approx(0.01 / 3)
    assert power(20, 0.01, 20, 2.0) == pytest.approx(0.0025)
    exponential = ex09_schedules.exponential_schedule
    assert exponential(0, 0.01, 20) == pytest.approx(0.01)
    assert exponential(20, 0.01, 20) == pytest.approx(0.001)
    assert exponential(40, 0.01, 20) == pytest.approx(0.0001)
    assert exponential(10, 0.01, 20) == pytest.approx(0.01 / math.sqrt(10))


def test_piecewise_follows_the_keras_documentation_example():
    # Keras: 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1.
    rate = ex09_schedules.piecewise_constant
    bounds, values = [100000, 110000], [1.0, 0.5, 0.1]
    assert [rate(t, bounds, values) for t in (0, 100000, 100001, 110000, 110001)] == [
        1.0, 1.0, 0.5, 0.5, 0.1]


def test_one_cycle_at_its_corners_and_halfway():
    cycle = ex09_schedules.one_cycle
    rates = [cycle(t, 1000, 0.01, 0.1) for t in (0, 225, 450, 675, 900, 950, 1000, 5000)]
    assert rates == pytest.approx([0.01, 0.055, 0.1, 0.055, 0.01, 0.005005, 1e-5, 1e-5])


def test_plateau_rule_by_hand():
    # patience 2: epochs 2, 3 do not improve on 0.8 → cut after epoch 3; again after epoch 5.
    rates = ex09_schedules.plateau_learning_rates([1.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], 0.1, 0.5,
                                                  2, 0.0)
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


@given(vectors, st.floats(0.0, 3.0))
@settings(max_examples=40, deadline=None)
def test_soft_threshold_minimises_the_l1_proximal_objective(w, threshold):
    # soft(w, λ) = argmin_x ½(x − w)² + λ|x|, per coordinate: compare with a fine grid.
    grid = np.linspace(-6, 6, 24001)
    for wi, xi in zip(w, ex10_sparsity.soft_threshold(w, threshold), strict=True):
        objective = 0.5 * (grid - wi) ** 2 + threshold * np.abs(grid)
        assert abs(xi - grid[np.argmin(objective)]) <= 1e-3
        assert 0.5 * (xi - wi) ** 2 + threshold * abs(xi) <= objective.min() + 1e-12


def test_proximal_step_by_hand():
    # w − η∇ = (0.04, −0.02, 0.95, −0.95); threshold η·l1 = 0.1.
    w = ex10_sparsity.proximal_l1_step(np.array([0.05, -0.02, 1.0, -1.0]),
                                       np.array([0.1, 0.0, 0.5, -0.5]), 0.1, 1.0)
    assert np.allclose(w, [0.0, 0.0, 0.85, -0.85]) and np.count_nonzero(w == 0) == 2


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_pruning_zeroes_exactly_the_smallest_magnitudes(seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(3, 4))
    fraction = rng.integers(0, 13) / 12
    pruned = ex10_sparsity.magnitude_prune(w, fraction)
    zeroed = pruned == 0
    assert zeroed.sum() == round(fraction * 12) and pruned.shape == w.shape
    assert np.array_equal(pruned[~zeroed], w[~zeroed])
    if zeroed.any() and (~zeroed).any():
        assert np.abs(w[zeroed]).max() < np.abs(w[~zeroed]).min()


def test_sparsity_by_hand():
    assert ex10_sparsity.sparsity(np.array([0.0, 0.0, 1e-9, 2.5])) == 0.5
    assert ex10_sparsity.sparsity(np.array([[0.0, 1.0], [0.0, 0.0], [3.0, 0.0]])) == 4 / 6


def test_every_case_the_grader_may_draw_has_a_finite_reference():
    for task in (t for t in TASKS.values() if t.kind != "choice"):
        for seed in range(8):
            for case in task.visible_cases() + task.hidden_cases(seed):
                value = task.reference(**case.arguments())
                parts = value if isinstance(value, tuple) else (value,)
                assert all(np.all(np.isfinite(np.asarray(p, dtype=float))) for p in parts), (
                    task.id, case.label)


def test_no_reference_changes_its_inputs():
    for task in TASKS.values():
        for case in task.visible_cases():
            arguments = case.arguments()
            task.reference(**arguments)
            for name, value in arguments.items():
                assert np.array_equal(np.asarray(value), np.asarray(case.kwargs[name])), (
                    task.id, name)


def test_hidden_cases_follow_the_seed():
    task = TASKS["ex06.q1"]
    first, again, other = task.hidden_cases(1), task.hidden_cases(1), task.hidden_cases(2)
    assert all(np.array_equal(a.kwargs["grad"], b.kwargs["grad"]) for a, b in
               zip(first, again, strict=True))
    assert not all(np.array_equal(a.kwargs["grad"], b.kwargs["grad"]) for a, b in
                   zip(first, other, strict=True))
    assert all(case.hidden for case in first)


@pytest.mark.parametrize("seed", [0, 1, 2026])
def test_no_grading_seed_draws_a_case_the_learner_has_seen(seed):
    # Seed 0 once drew the visible stream again, so `grade --seed 0` graded only seen cases.
    for task in TASKS.values():
        seen = [case.kwargs for case in task.visible_cases() if case.label.startswith("random")]
        for case in task.hidden_cases(seed):
            for kwargs in seen:
                assert not all(np.array_equal(np.asarray(case.kwargs[name]), np.asarray(value))
                               for name, value in kwargs.items()), (task.id, seed, case.label)


def tasks_for(exercise_id: str, count: int) -> tuple[Task, ...]:
    return tuple(value_task(id=f"{exercise_id}.q{n}", title="a number", answer_name=f"q{n}",
                            answer=1.0, mistakes={}, hints=("one hint",))
                 for n in range(1, count + 1))


@pytest.mark.parametrize("count", [0, 2, 7, 9])
def test_an_exercise_with_too_few_or_too_many_tasks_is_refused_naming_the_count(count):
    with pytest.raises(ValueError, match=rf"^exercise ex99 must have 3 to 6 tasks, got {count}$"):
        Exercise("ex99", "too many or too few", "ex99_notebook", tasks_for("ex99", count))


@pytest.mark.parametrize("count", [3, 6])
def test_an_exercise_with_three_or_six_tasks_is_accepted(count):
    assert Exercise("ex99", "t", "ex99_notebook", tasks_for("ex99", count)).points == count


def test_a_task_of_an_unknown_kind_or_of_another_exercise_is_refused():
    task = tasks_for("ex99", 1)[0]
    with pytest.raises(ValueError, match=r"^kind must be one of \['choice', 'function', "
                                         r"'value'\], got 'essay'$"):
        Task(id="ex99.q1", title="t", answer_name="q1", reference=task.reference,
             kind="essay", hints=("h",))
    with pytest.raises(ValueError, match=r"task ex98\.q1 does not belong to exercise ex99"):
        Exercise("ex99", "t", "ex99_notebook", (*tasks_for("ex98", 1), *tasks_for("ex99", 3)))
