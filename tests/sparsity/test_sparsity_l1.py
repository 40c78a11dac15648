"""L1 penalty, soft-thresholding, lasso solvers against scikit-learn, pruning, sparsity."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import Lasso

from course_lib.sparsity import (
    PolynomialSparsity,
    l1_penalty,
    l1_subgradient,
    lasso_fista,
    lasso_ista,
    lasso_objective,
    lasso_subgradient,
    magnitude_prune,
    proximal_step,
    soft_threshold,
    sparsity,
    subgradient_step,
)

reals = st.floats(-1e6, 1e6, allow_nan=False)
thresholds = st.floats(0, 1e3, allow_nan=False)


# Penalty and subgradient -------------------------------------------------------------------------


def test_l1_penalty_and_subgradient_by_hand():
    weights = [np.array([1.0, -2.0, 0.0]), np.array([[3.0]])]
    assert l1_penalty(weights, l1=0.5) == pytest.approx(0.5 * (1 + 2 + 0 + 3))
    assert l1_penalty(np.array([-4.0, 4.0]), l1=0.25) == pytest.approx(2.0)
    subgradients = l1_subgradient(weights, l1=0.5)
    np.testing.assert_array_equal(subgradients[0], [0.5, -0.5, 0.0])
    np.testing.assert_array_equal(subgradients[1], [[0.5]])
    np.testing.assert_array_equal(l1_subgradient(np.array([-0.0, 2.0]), 1.0), [0.0, 1.0])


# Soft-thresholding -------------------------------------------------------------------------------


def test_soft_threshold_by_hand():
    w = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5])
    np.testing.assert_array_equal(soft_threshold(w, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5])
    np.testing.assert_array_equal(soft_threshold(w, 0.0), w)


@given(st.lists(reals, min_size=1, max_size=20), thresholds)
def test_soft_threshold_is_odd(values, threshold):
    w = np.array(values)
    np.testing.assert_array_equal(soft_threshold(-w, threshold), -soft_threshold(w, threshold))


@given(st.lists(reals, min_size=1, max_size=20), thresholds)
def test_soft_threshold_zeroes_the_band_and_shrinks_by_exactly_t_outside(values, threshold):
    w = np.array(values)
    shrunk = soft_threshold(w, threshold)
    inside = np.abs(w) <= threshold
    assert np.all(shrunk[inside] == 0)
    outside = ~inside
    np.testing.assert_allclose(np.abs(shrunk[outside]), np.abs(w[outside]) - threshold,
                               rtol=1e-12, atol=1e-9)
    assert np.all(np.sign(shrunk[outside]) == np.sign(w[outside]))


@pytest.mark.parametrize(
    ("v", "t"), [(1.7, 0.4), (-0.3, 0.5), (0.25, 0.25), (-2.2, 1.9), (0.9, 0.0)]
)
def test_soft_threshold_minimises_the_proximal_objective(v, t):
    # argmin_x ½ (x − v)² + t |x|, found by brute force on a grid of spacing 1e-5.
    grid = np.arange(-3.0, 3.0, 1e-5)
    objective = 0.5 * (grid - v) ** 2 + t * np.abs(grid)
    best = grid[np.argmin(objective)]
    prox = soft_threshold(np.array([v]), t)[0]
    assert abs(prox - best) <= 1e-5
    assert 0.5 * (prox - v) ** 2 + t * abs(prox) <= objective.min() + 1e-12


def test_one_proximal_step_and_one_subgradient_step_by_hand():
    w = np.array([0.05, -1.0, 0.0])
    g = np.array([0.1, 0.2, 0.0])
    # Gradient step: w − 0.5 g = [0.0, −1.1, 0.0]; threshold 0.5 · 0.2 = 0.1.
    np.testing.assert_allclose(proximal_step(w, g, learning_rate=0.5, l1=0.2), [0.0, -1.0, 0.0])
    # Subgradient step: w − 0.5 (g + 0.2 sign w) = [0.05 − 0.15, −1 − 0.5·0.0, 0].
    np.testing.assert_allclose(subgradient_step(w, g, learning_rate=0.5, l1=0.2),
                               [-0.1, -1.0, 0.0])


# Lasso solvers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    n, p = 80, 10
    X = rng.normal(size=(n, p))
    true_weights = np.array([3.0, 0.0, -2.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.4, 0.0])
    y = X @ true_weights + 0.5 * rng.normal(size=n)
    l1 = 0.3
    reference = Lasso(alpha=l1, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
    return X, y, l1, reference.coef_


def test_ista_matches_scikit_learn(regression):
    X, y, l1, sklearn_weights = regression
    fit = lasso_ista(X, y, l1, steps=1000)
    np.testing.assert_allclose(fit.weights, sklearn_weights, atol=1e-6)
    # Both land on exact zeros, and on the same ones.
    assert np.count_nonzero(sklearn_weights == 0) > 0
    np.testing.assert_array_equal(fit.weights == 0, sklearn_weights == 0)


def test_fista_matches_scikit_learn(regression):
    X, y, l1, sklearn_weights = regression
    fit = lasso_fista(X, y, l1, steps=1000)
    np.testing.assert_allclose(fit.weights, sklearn_weights, atol=1e-6)
    np.testing.assert_array_equal(fit.weights == 0, sklearn_weights == 0)


def test_objective_is_scikit_learns_scaling(regression):
    X, y, l1, sklearn_weights = regression
    w = np.linspace(-1, 1, X.shape[1])
    by_hand = np.sum((y - X @ w) ** 2) / (2 * len(y)) + l1 * np.sum(np.abs(w))
    assert lasso_objective(X, y, w, l1) == pytest.approx(by_hand)


def test_convergence_bounds_of_ista_and_fista(regression):
    # Beck & Teboulle (2009), step 1/L from w₀ = 0:
    #   ISTA   J(w_k) − J* ≤ L ‖w*‖² / (2k)
    #   FISTA  J(w_k) − J* ≤ 2 L ‖w*‖² / (k + 1)²
    X, y, l1, sklearn_weights = regression
    lipschitz = np.linalg.svd(X, compute_uv=False)[0] ** 2 / len(y)
    best = lasso_objective(X, y, sklearn_weights, l1)
    distance = np.sum(sklearn_weights**2)
    k = np.arange(1, 61)
    ista = lasso_ista(X, y, l1, steps=60).objective[1:] - best
    fista = lasso_fista(X, y, l1, steps=60).objective[1:] - best
    assert np.all(ista <= lipschitz * distance / (2 * k) + 1e-12)
    assert np.all(fista <= 2 * lipschitz * distance / (k + 1) ** 2 + 1e-12)
    # With a step of at most 1/L every ISTA step lowers J.
    assert np.all(np.diff(lasso_ista(X, y, l1, steps=60).objective) <= 1e-15)


def test_subgradient_descent_leaves_no_exact_zeros_where_the_proximal_step_does(regression):
    X, y, l1, sklearn_weights = regression
    steps = 1000
    proximal = lasso_ista(X, y, l1, steps=steps)
    plain = lasso_subgradient(X, y, l1, steps=steps)
    zeros = np.count_nonzero(sklearn_weights == 0)
    assert sparsity(proximal.weights) == zeros / X.shape[1]
    assert sparsity(plain.weights) == 0.0


def test_solvers_check_their_arguments(regression):
    X, y, l1, _ = regression
    n, d = X.shape
    with pytest.raises(ValueError, match="^steps must be an integer >= 0, got -1$"):
        lasso_ista(X, y, l1, steps=-1)
    with pytest.raises(TypeError, match="^steps must be an integer >= 0, got 10.0$"):
        lasso_ista(X, y, l1, steps=10.0)
    with pytest.raises(ValueError, match="^l1 must be a finite number >= 0, got -0.1$"):
        lasso_fista(X, y, -0.1, steps=10)
    with pytest.raises(ValueError, match="^learning_rate must be a finite number > 0, got 0.0$"):
        lasso_subgradient(X, y, l1, steps=10, learning_rate=0.0)
    with pytest.raises(ValueError, match=rf"^y must have shape \({n},\) to match X, "
                                         rf"got \({n - 1},\)$"):
        lasso_ista(X, y[:-1], l1, steps=10)
    with pytest.raises(ValueError, match=r"^X must be a 2-D array \(samples, features\), "
                                         rf"got shape \({n},\)$"):
        lasso_ista(X[:, 0], y, l1, steps=10)
    with pytest.raises(ValueError, match=rf"^weights must have shape \({d},\) to match X, "
                                         r"got \(3,\)$"):
        lasso_objective(X, y, np.zeros(3), l1)
    with pytest.raises(ValueError,
                       match=r"^X must hold finite numbers only, got nan at index \(0, 0\)$"):
        lasso_ista(np.full_like(X, np.nan), y, l1, steps=10)


# Pruning -----------------------------------------------------------------------------------------


def test_magnitude_prune_by_hand():
    w = np.array([0.5, -0.1, 0.3, -0.7, 0.2])
    np.testing.assert_array_equal(magnitude_prune(w, 0.4), [0.5, 0.0, 0.3, -0.7, 0.0])
    np.testing.assert_array_equal(magnitude_prune(w, 0.0), w)
    np.testing.assert_array_equal(magnitude_prune(w, 1.0), np.zeros(5))


def test_magnitude_prune_breaks_ties_by_position():
    w = np.array([[1.0, -1.0], [1.0, -1.0]])
    np.testing.assert_array_equal(magnitude_prune(w, 0.5), [[0.0, 0.0], [1.0, -1.0]])
    np.testing.assert_array_equal(magnitude_prune(w, 0.75), [[0.0, 0.0], [0.0, -1.0]])


@given(st.integers(0, 100))
def test_magnitude_prune_hits_the_target_exactly(percent):
    rng = np.random.default_rng(percent)
    w = rng.normal(size=(10, 10)).astype(np.float32)
    original = w.copy()
    pruned = magnitude_prune(w, percent / 100)
    assert np.count_nonzero(pruned == 0) == percent
    assert pruned.dtype == np.float32 and pruned.shape == (10, 10)
    kept = pruned != 0
    # Survivors keep their value and are at least as large as anything removed.
    np.testing.assert_array_equal(pruned[kept], w[kept])
    if kept.any() and (~kept).any():
        assert np.abs(w[kept]).min() >= np.abs(w[~kept]).max()
    np.testing.assert_array_equal(w, original)


def test_a_list_of_numbers_is_one_array_not_many_layers():
    np.testing.assert_array_equal(magnitude_prune([0.5, -0.1, 0.3], 1 / 3), [0.5, 0.0, 0.3])
    np.testing.assert_array_equal(soft_threshold([-3.0, 0.5], 1.0), [-2.0, 0.0])
    assert sparsity([0.0, 1.0, 2.0, 0.0]) == 0.5


def test_magnitude_prune_a_list_layer_by_layer():
    layers = [np.arange(1.0, 11.0), np.array([[100.0, 200.0], [300.0, 400.0]])]
    pruned = magnitude_prune(layers, 0.5)
    np.testing.assert_array_equal(pruned[0], [0, 0, 0, 0, 0, 6, 7, 8, 9, 10])
    np.testing.assert_array_equal(pruned[1], [[0.0, 0.0], [300.0, 400.0]])


def test_polynomial_sparsity_by_hand():
    schedule = PolynomialSparsity(initial_sparsity=0.0, final_sparsity=0.8, begin_step=0,
                                  end_step=100, power=3, frequency=10)
    assert schedule(0) == 0.0
    # Half way: 0.8 + (0 − 0.8)(1 − ½)³ = 0.8 · 7/8.
    assert schedule(50) == pytest.approx(0.7)
    assert schedule(59) == pytest.approx(0.7)
    assert schedule(60) == pytest.approx(0.8 - 0.8 * 0.4**3)
    assert schedule(100) == pytest.approx(0.8)
    assert schedule(10**6) == pytest.approx(0.8)
    later = PolynomialSparsity(0.2, 0.9, begin_step=1000, end_step=2000, frequency=1)
    assert later(0) == pytest.approx(0.2) and later(999) == pytest.approx(0.2)
    assert later(1500) == pytest.approx(0.9 - 0.7 / 8)
    ramp = later(np.arange(0, 3000))
    assert np.all(np.diff(ramp) >= 0)
    rebuilt = PolynomialSparsity.from_config(later.get_config())
    np.testing.assert_array_equal(rebuilt(np.arange(0, 3000, 13)), later(np.arange(0, 3000, 13)))


def test_polynomial_sparsity_checks_its_arguments():
    # The final sparsity may not be below the initial one, so the range starts there.
    with pytest.raises(ValueError,
                       match=r"^final_sparsity must be a number in \[0.5, 1\], got 0.3$"):
        PolynomialSparsity(initial_sparsity=0.5, final_sparsity=0.3)
    with pytest.raises(ValueError, match="^end_step must be an integer >= 101, got 100$"):
        PolynomialSparsity(begin_step=100, end_step=100)
    with pytest.raises(ValueError, match="^frequency must be an integer >= 1, got 0$"):
        PolynomialSparsity(frequency=0)
    with pytest.raises(ValueError, match="^power must be a finite number > 0, got 0$"):
        PolynomialSparsity(power=0)
    with pytest.raises(ValueError, match="^step must be >= 0, got -1$"):
        PolynomialSparsity()(-1)
    with pytest.raises(ValueError, match="^step must hold finite numbers only, got nan$"):
        PolynomialSparsity()(math.nan)


# Measuring sparsity ------------------------------------------------------------------------------


def test_sparsity_counts_exact_zeros_or_within_tol():
    assert sparsity(np.array([0.0, 1.0, -0.0, 2.0])) == 0.5
    assert sparsity([np.array([0.0, 1.0]), np.array([[0.0, 0.0, 3.0]])]) == pytest.approx(3 / 5)
    assert sparsity(np.array([1e-9, -1e-7, 0.5]), tol=1e-6) == pytest.approx(2 / 3)
    assert sparsity(np.array([1e-9, -1e-7, 0.5])) == 0.0


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: l1_penalty(np.ones(3), l1=-0.1), ValueError,
         "l1 must be a finite number >= 0, got -0.1"),
        (lambda: l1_penalty(np.array([1.0, math.nan]), l1=0.1), ValueError,
         "weights must hold finite numbers only, got nan at index 1"),
        (lambda: l1_subgradient([np.ones(2), np.array([math.inf])], 0.1), ValueError,
         "weights[1] must hold finite numbers only, got inf at index 0"),
        (lambda: soft_threshold(np.ones(3), -1.0), ValueError,
         "threshold must be a finite number >= 0, got -1.0"),
        (lambda: soft_threshold(np.ones(3), "1"), TypeError,
         "threshold must be a finite number >= 0, got '1'"),
        (lambda: proximal_step(np.ones(3), np.ones(2), 0.1, 0.1), ValueError,
         "gradient must have the shape of weights (3,), got (2,)"),
        (lambda: magnitude_prune(np.ones(3), 1.5), ValueError,
         "sparsity must be a number in [0, 1], got 1.5"),
        (lambda: sparsity([]), ValueError, "weights must hold at least one number, got none"),
        (lambda: sparsity([np.ones(2), 3.0]), TypeError,
         "weights must be an array of numbers, got [array([1., 1.]), 3.0]"),
        (lambda: sparsity(np.array([])), ValueError,
         "weights must hold at least one number, got none"),
        (lambda: sparsity(np.ones(3), tol=-1.0), ValueError,
         "tol must be a finite number >= 0, got -1.0"),
        (lambda: sparsity(np.array(["a"])), TypeError,
         "weights must be an array of real numbers, got dtype <U1"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()


def test_float32_weights_stay_float32():
    weights = np.array([0.1, -2.0, 0.5], dtype=np.float32)
    assert magnitude_prune(weights, 1 / 3).dtype == np.float32
    assert l1_subgradient(weights, 0.1).dtype == np.float32
