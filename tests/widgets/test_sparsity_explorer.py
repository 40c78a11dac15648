"""Lesson 10's explorer and figures: pruning checked with a pruning and a forward pass written
here, the proximal step against its formula, exact zeros for proximal steps and none for
subgradient steps, and the cache against fresh training runs (a stale cache fails here)."""

import numpy as np
import pytest

from course_lib import datasets, nn, optimizers
from course_lib.experiments import sparsity_sweep as lesson
from course_lib.plots import sparsity as figures
from course_lib.sparsity import ProximalL1
from course_lib.widgets import show

DIGITS = datasets.load_digits_split()


@pytest.fixture(scope="module")
def cache():
    return lesson.load_cache()


@pytest.fixture(scope="module")
def explorer():
    return show("sparsity")


def move(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value
    return explorer


def forward_accuracy(weights, X, y):
    """Accuracy of relu(X W1 + b1) W2 + b2, the lesson's MLP, written out here."""
    W1, b1, W2, b2 = weights
    hidden = np.maximum(X @ W1 + b1, 0)
    return float(np.mean(np.argmax(hidden @ W2 + b2, axis=1) == y))


def prune_by_hand(W, fraction):
    """Zero the round(fraction · size) entries of smallest |w| (earliest first among ties)."""
    flat = W.ravel().copy()
    flat[np.argsort(np.abs(flat), kind="stable")[:round(fraction * flat.size)]] = 0
    return flat.reshape(W.shape)


def test_pruning_point_matches_pruning_and_evaluating_by_hand(cache, explorer):
    move(explorer, target_sparsity=0.6, counted_as_zero="exactly 0")
    W1, b1, W2, b2 = cache.dense_weights
    pruned = [prune_by_hand(W1, 0.6), b1, prune_by_hand(W2, 0.6), b2]
    zeros = np.count_nonzero(pruned[0] == 0) + np.count_nonzero(pruned[2] == 0)
    x, y = explorer.points["pruning"].get_data()
    assert x[0] == pytest.approx(zeros / (W1.size + W2.size))
    assert y[0] == pytest.approx(forward_accuracy(pruned, DIGITS.X_valid, DIGITS.y_valid))


def test_proximal_steps_make_exact_zeros_and_subgradient_steps_none(cache):
    proximal = cache.curve("proximal", 0.0)
    subgradient = cache.curve("subgradient", 0.0)
    alive = subgradient.accuracy > 0.2
    assert np.all(subgradient.sparsity[alive] < 0.01)
    assert np.all(proximal.sparsity > subgradient.sparsity)
    strong = np.asarray(cache.l1_strengths) >= 1e-3
    assert np.all(proximal.sparsity[strong] > 0.1)


def test_a_tolerance_counts_the_small_weights_the_subgradient_left(cache, explorer):
    move(explorer, l1=1e-3, counted_as_zero="|w| ≤ 1e-3")
    index = int(np.argmin(np.abs(np.log(cache.l1_strengths) - np.log(1e-3))))
    kernels = cache.kernels("subgradient", index)
    small = sum(np.count_nonzero(np.abs(k) <= 1e-3) for k in kernels)
    x, _ = explorer.points["subgradient"].get_data()
    assert x[0] == pytest.approx(small / sum(k.size for k in kernels))
    assert x[0] > 0.1


def test_histogram_puts_exact_zeros_in_their_own_bar(cache, explorer):
    move(explorer, l1=3e-3)
    index = int(np.argmin(np.abs(np.log(cache.l1_strengths) - np.log(3e-3))))
    for method in ("proximal", "subgradient"):
        kernels = cache.kernels(method, index)
        zeros = sum(np.count_nonzero(k == 0) for k in kernels)
        bars = explorer.histograms[method].get_data().values
        assert bars[0] == max(zeros, 0.5)  # empty bars sit at the log axis' floor, 0.5
        counts = figures.magnitude_counts(kernels)
        assert counts[0] == zeros
        assert counts.sum() == sum(k.size for k in kernels)  # every weight in exactly one bar


def test_the_strongest_penalty_is_flagged(explorer):
    assert move(explorer, l1=lesson.L1_STRENGTHS[-1]).last_status.warning
    assert not move(explorer, l1=1e-3).last_status.warning


def test_proximal_callback_is_one_soft_threshold_after_the_step():
    model = nn.MLP((4,), n_classes=10, seed=3)
    model.compile(optimizers.SGD(0.5))
    X, y = DIGITS.X_train[:16], DIGITS.y_train[:16]
    _, gradients = model.loss_and_gradients(X, y)
    l1 = 0.05
    expected = []
    for array, gradient in zip(model.get_weights(), gradients, strict=True):
        v = array - 0.5 * gradient
        expected.append(v)
    for i in (0, 2):  # kernels: sign(v) · max(|v| − η·λ, 0); biases untouched
        v = expected[i]
        expected[i] = np.sign(v) * np.maximum(np.abs(v) - 0.5 * l1, 0)
    model.fit(X, y, epochs=1, batch_size=16, shuffle=False, callbacks=[ProximalL1(l1)])
    for got, want in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_one_weight_subgradient_flips_sign_and_proximal_stops_on_zero():
    target, l1, eta = 0.03, 0.1, 0.3
    paths = figures.one_weight_paths(target=target, l1=l1, learning_rate=eta, steps=40)
    tail = paths["subgradient"][-10:]
    # Near zero, w > 0 becomes (1 − η)w − η(λ − a) and w < 0 becomes (1 − η)w + η(λ + a): the
    # penalty pushes it back across zero from either side, so it never settles, and from near
    # zero one step reaches at most η(λ + a).
    assert np.all(tail != 0)
    assert np.any(tail > 0) and np.any(tail < 0)
    assert np.all(np.abs(tail) <= eta * (l1 + target))
    assert np.all(paths["proximal"][-10:] == 0.0)


@pytest.mark.slow
def test_the_cache_matches_fresh_training_runs(cache):
    dense = lesson.train("dense", 0.0, DIGITS)
    for got, stored in zip(dense.get_weights(), cache.dense_weights, strict=True):
        np.testing.assert_allclose(got, stored, rtol=1e-6)
    assert lesson.accuracy(dense, DIGITS) == float(cache.arrays["dense_accuracy"])
    targets = [0.3, 0.8]
    rows = [lesson.PRUNE_TARGETS.index(t) for t in targets]
    assert lesson.pruning_accuracies(dense, DIGITS, targets) == pytest.approx(
        cache.arrays["pruning_accuracy"][rows])
    index = lesson.L1_STRENGTHS.index(min(lesson.L1_STRENGTHS, key=lambda v: abs(v - 3e-3)))
    for method in lesson.METHODS:
        model = lesson.train(method, lesson.L1_STRENGTHS[index], DIGITS)
        assert lesson.accuracy(model, DIGITS) == cache.arrays[f"{method}_accuracy"][index]
        for got, stored in zip(lesson.kernels(model), cache.kernels(method, index), strict=True):
            np.testing.assert_array_equal(got == 0, stored == 0)
            np.testing.assert_allclose(got, stored, rtol=1e-5, atol=1e-8)
    adam = lesson.train("dense", 0.0, DIGITS, optimizer="Adam")
    stored_kernels, stored_accuracy = cache.optimizer_run("Adam")
    assert lesson.accuracy(adam, DIGITS) == stored_accuracy
    for got, stored in zip(lesson.kernels(adam), stored_kernels, strict=True):
        np.testing.assert_allclose(got, stored, rtol=1e-5, atol=1e-8)
