"""Running an optimizer over a 2-D problem: the path, the losses, and divergence."""

import math
import re
import warnings

import numpy as np
import pytest

from course_lib.problems import MAX_NORM, Bowl, Problem, Rosenbrock, trajectory


class PlainGD:
    """θ ← θ − η ∇, in place: the smallest thing with the optimizer's apply(grads, params)."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self.seen = []

    def apply(self, grads, params):
        self.seen.append(np.array(grads, copy=True))
        params -= self.learning_rate * grads


class Slope(Problem):
    """f = −x, whose gradient turns to NaN past x = 2.5 (as an overflowing surface would)."""

    def __init__(self):
        self.default_start = np.zeros(2)

    def _value(self, x, y):
        return -x + 0 * y

    def _gradient(self, x, y):
        return np.where(x > 2.5, np.nan, -1.0), 0 * y


def test_gradient_descent_on_the_bowl_follows_the_closed_form():
    # On ½(x² + κy²) each coordinate is multiplied every step by its own factor:
    # x_k = (1 − η)^k x₀ and y_k = (1 − ηκ)^k y₀.
    kappa, eta, steps = 10.0, 0.15, 40
    run = trajectory(PlainGD(eta), Bowl(condition_number=kappa), start=[-8.0, 2.0], steps=steps)
    k = np.arange(steps + 1)
    expected = np.column_stack([-8.0 * (1 - eta) ** k, 2.0 * (1 - eta * kappa) ** k])
    np.testing.assert_allclose(run.path, expected, rtol=1e-10, atol=1e-14)
    by_hand = 0.5 * (expected[:, 0] ** 2 + kappa * expected[:, 1] ** 2)
    np.testing.assert_allclose(run.losses, by_hand, rtol=1e-10, atol=1e-14)
    assert run.path.shape == (steps + 1, 2) and run.losses.shape == (steps + 1,)
    assert not run.diverged and run.diverged_at is None
    np.testing.assert_array_equal(run.final_point, run.path[-1])
    assert run.final_loss == run.losses[-1]


def test_the_optimizer_moves_one_array_in_place_and_the_start_is_left_alone():
    start = np.array([1.0, 1.0])
    seen_params = []

    class Recorder(PlainGD):
        def apply(self, grads, params):
            seen_params.append(params)
            super().apply(grads, params)

    trajectory(Recorder(0.01), Rosenbrock(), start=start, steps=5)
    # One and the same float64 (2,) array every step, so per-parameter state can key on it.
    assert all(p is seen_params[0] for p in seen_params)
    assert seen_params[0].dtype == np.float64 and seen_params[0].shape == (2,)
    np.testing.assert_array_equal(start, [1.0, 1.0])


def test_zero_steps_keeps_only_the_start():
    run = trajectory(PlainGD(0.1), Bowl(), steps=0)
    np.testing.assert_array_equal(run.path, [Bowl().default_start])
    assert run.losses.shape == (1,) and not run.diverged


def test_start_defaults_to_the_problems_default_start():
    run = trajectory(PlainGD(0.01), Rosenbrock(), steps=3)
    np.testing.assert_array_equal(run.path[0], Rosenbrock().default_start)


def test_too_large_a_step_is_flagged_and_the_arrays_stop_before_it():
    # η = 0.3 on κ = 10: y_k = 2 · (1 − 3)^k = 2 · (−2)^k while |x_k| = 8 · 0.7^k < 0.02 by k = 18.
    # |y_18| = 2^19 = 524288 keeps the norm below 10⁶; |y_19| = 2^20 = 1048576 does not.
    run = trajectory(PlainGD(0.3), Bowl(condition_number=10), start=[-8.0, 2.0], steps=100)
    assert run.diverged
    assert run.diverged_at == 19
    assert len(run.path) == len(run.losses) == 19
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.losses))
    assert np.all(np.linalg.norm(run.path, axis=1) <= MAX_NORM)


def test_overflow_to_infinity_is_flagged_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = trajectory(PlainGD(10.0), Rosenbrock(), start=[2.0, 2.0], steps=1000,
                         max_norm=np.inf)
    assert run.diverged
    assert len(run.path) == run.diverged_at < 1000
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.losses))


def test_a_non_finite_gradient_never_reaches_the_optimizer():
    # From x = 0 with η = 1 the point walks 1, 2, 3; the gradient at x = 3 is NaN, so step 4 fails.
    optimizer = PlainGD(1.0)
    run = trajectory(optimizer, Slope(), steps=10)
    assert run.diverged and run.diverged_at == 4
    np.testing.assert_array_equal(run.path[:, 0], [0.0, 1.0, 2.0, 3.0])
    assert len(optimizer.seen) == 3
    assert all(np.all(np.isfinite(g)) for g in optimizer.seen)


def test_a_smaller_bound_stops_earlier():
    run = trajectory(PlainGD(0.3), Bowl(condition_number=10), start=[-8.0, 2.0], steps=100,
                     max_norm=100.0)
    # |y_k| = 2^(k+1) first passes 100 at k = 6 (128); at k = 5 the norm is about 64.
    assert run.diverged_at == 6


@pytest.mark.parametrize(("steps", "error"), [(-1, ValueError), (2.5, TypeError),
                                              ("10", TypeError), (True, TypeError),
                                              (None, TypeError)])
def test_steps_must_be_a_whole_number_at_least_zero(steps, error):
    message = f"steps must be an integer >= 0, got {steps!r}"
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        trajectory(PlainGD(0.1), Bowl(), steps=steps)


@pytest.mark.parametrize(("start", "message"), [
    ([1.0, 2.0, 3.0], r"^start must have shape \(2,\), got shape \(3,\)$"),
    ([[1.0, 2.0]], r"^start must have shape \(2,\), got shape \(1, 2\)$"),
    ([np.nan, 0.0], "^start must hold finite numbers only, got nan at index 0$"),
    ([np.inf, 1.0], "^start must hold finite numbers only, got inf at index 0$"),
    ([2e6, 0.0],
     r"^start must lie within max_norm=1e\+06 of the origin, got .* at distance 2e\+06$"),
])
def test_start_must_be_a_finite_2_vector_inside_the_bound(start, message):
    with pytest.raises(ValueError, match=message):
        trajectory(PlainGD(0.1), Bowl(), start=start, steps=3)


def test_optimizer_and_problem_are_checked():
    with pytest.raises(TypeError, match="optimizer"):
        trajectory(object(), Bowl(), steps=3)
    with pytest.raises(TypeError, match="problem"):
        trajectory(PlainGD(0.1), object(), steps=3)
    with pytest.raises(ValueError, match="^max_norm must be a finite number > 0, got 0$"):
        trajectory(PlainGD(0.1), Bowl(), steps=3, max_norm=0)
    with pytest.raises(ValueError, match="^max_norm must be a finite number > 0, got nan$"):
        trajectory(PlainGD(0.1), Bowl(), steps=3, max_norm=math.nan)


def test_head_equals_a_shorter_run_and_keeps_divergence_only_once_reached():
    from course_lib.optimizers import SGD
    from course_lib.problems import Bowl

    bowl = Bowl(10.0)
    long_run = trajectory(SGD(learning_rate=0.05), bowl, steps=50)
    short_run = trajectory(SGD(learning_rate=0.05), bowl, steps=20)
    head = long_run.head(20)
    assert np.array_equal(head.path, short_run.path)
    assert np.array_equal(head.losses, short_run.losses)
    assert not head.diverged

    # η = 0.3 > 2/κ = 0.2: |1 − ηκ| = 2, so |y| doubles each step from 2
    # and passes 1e6 near step 20.
    diverging = trajectory(SGD(learning_rate=0.3), bowl, steps=100)
    assert diverging.diverged
    assert diverging.head(5).diverged is False and len(diverging.head(5).path) == 6
    assert diverging.head(100) is diverging
    with pytest.raises(ValueError, match="^steps must be an integer >= 0, got -1$"):
        diverging.head(-1)
