"""Wilson et al.'s construction: every optimizer fits it, and which solution each one finds."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.experiments.implicit_bias import fit, race, separable_data
from course_lib.plots.implicit_bias import loss_and_test_error, results_table


def test_each_example_has_its_own_features_one_if_positive_five_if_negative():
    data = separable_data(20, 0.75, seed=3)
    own = data.X[:, 3:]
    assert data.X.shape == (20, 3 + 5 * 20)
    assert np.array_equal(data.X[:, 0], data.y) and np.all(data.X[:, 1:3] == 1)
    assert np.array_equal(own.sum(axis=1), np.where(data.y > 0, 1, 5))
    assert own.sum(axis=0).max() == 1          # no example shares an own feature


def test_the_sign_solution_fits_exactly():
    # The paper's condition: X sign(Xᵀy) = c y. By hand, with Σy > 0: a positive example adds
    # 1 (label) + 2 (shared) + 1 (own) = 4, a negative one −1 + 2 − 5 = −4, so c = 4.
    data = separable_data(30, 0.75, seed=0)
    assert data.y.sum() > 0
    sign_solution = np.sign(data.X.T @ data.y)
    assert np.array_equal(data.X @ sign_solution, 4 * data.y)


def test_test_error_formula_agrees_with_sampling_new_examples():
    # New examples built in full, with fresh own features whose weights are 0.
    data = separable_data(10, 0.75, seed=0)
    rng = np.random.default_rng(1)
    for weights in ([0.9, 0.05, 0.05], [0.25, 0.25, 0.25], [-0.5, 0.1, 0.1], [0.0, 0.0, 0.0]):
        w = np.concatenate([weights, np.zeros(3)])
        labels = np.where(rng.random(20_000) < 0.75, 1.0, -1.0)
        new = np.column_stack([labels, np.ones((20_000, 2)), rng.random((20_000, 3)) < 0.5])
        sampled = np.mean(np.sign(new @ w) != labels)
        assert data.test_error(np.asarray(weights)) == pytest.approx(sampled, abs=0.01)


def test_gradient_descent_from_zero_reaches_the_minimum_norm_solution():
    data = separable_data(30, 0.75, seed=0)
    run = fit(optimizers.SGD(learning_rate=0.5), data, steps=600)
    np.testing.assert_allclose(run.weights, np.linalg.pinv(data.X) @ data.y, atol=1e-10)
    assert run.test_errors[-1] == 0.0


@pytest.mark.parametrize("optimizer", [
    optimizers.Adam(learning_rate=0.01),
    optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0),
], ids=["Adam", "Adagrad from 0"])
def test_adaptive_methods_reach_the_sign_solution_and_miss_every_negative(optimizer):
    data = separable_data(30, 0.75, seed=0)
    run = fit(optimizer, data, steps=600)
    assert data.loss(run.weights) < 1e-20 and data.train_error(run.weights) == 0.0
    np.testing.assert_allclose(run.weights, np.sign(data.X.T @ data.y) / 4, atol=1e-3)
    assert run.test_errors[-1] == pytest.approx(1 - 0.75)


def test_the_race_splits_into_fitted_and_generalizing():
    fits = race()
    assert all(f.losses[-1] < 1e-5 for f in fits.values())
    assert {name for name, f in fits.items() if f.test_errors[-1] == 0} == {
        "SGD", "Momentum", "Adagrad (Keras, 0.1)"}
    assert isinstance(loss_and_test_error(fits), Figure)


@pytest.mark.parametrize(("n", "p", "error", "message"), [
    (1, 0.75, ValueError, "n_samples must be an integer >= 2, got 1"),
    (2.0, 0.75, TypeError, "n_samples must be an integer >= 2, got 2.0"),
    (10, 0.5, ValueError, "p_positive must be a number in (0.5, 1), got 0.5"),
    (10, 1.0, ValueError, "p_positive must be a number in (0.5, 1), got 1.0"),
])
def test_bad_arguments_are_refused_by_name(n, p, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        separable_data(n, p)


def test_the_table_rows_show_each_fit_and_hide_rounding_error():
    data = separable_data(30)
    fits = race(data)
    rows = results_table(fits, data).splitlines()
    assert len(rows) == 1 + len(fits) + 1 and rows[-1].startswith("minimum-norm solution")
    assert "< 1e-20" in rows[1] and "25%" in rows[-2]     # SGD at 0; Adam misses the negatives
