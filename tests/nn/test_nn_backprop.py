"""Backpropagation and the loss, checked against oracles that share no code with course_lib.nn:
central finite differences of a forward pass written out here, and hand-computed losses."""

import math

import numpy as np
import pytest

from course_lib.nn import MLP, Dense, Sequential, SparseCategoricalCrossentropy
from course_lib.nn.activations import log_softmax, softmax


class _NoUpdate:
    """Just enough of an optimizer for compile(); these tests never take a step."""

    learning_rate = 0.0
    iterations = 0

    def apply(self, grads, params):
        raise AssertionError("the gradient tests must not update the weights")


def _reference_loss(weights, X, y, l1, l2):
    """The network's loss, written independently: ReLU hidden layers, softmax cross-entropy at the
    end (via log-sum-exp in plain math), plus l1·Σ|W| + l2·ΣW² over every kernel."""
    h = X
    kernels = weights[0::2]
    biases = weights[1::2]
    for W, b in zip(kernels[:-1], biases[:-1], strict=True):
        h = np.maximum(h @ W + b, 0.0)
    z = h @ kernels[-1] + biases[-1]
    total = 0.0
    for row, label in zip(z, y, strict=True):
        top = max(row)
        log_sum = top + math.log(sum(math.exp(v - top) for v in row))
        total += log_sum - row[label]
    penalty = sum(l1 * np.abs(W).sum() + l2 * (W**2).sum() for W in kernels)
    return total / len(y) + penalty


def _finite_difference_gradients(weights, X, y, l1, l2, h=1e-6):
    grads = []
    for array in weights:
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + h
            up = _reference_loss(weights, X, y, l1, l2)
            array[index] = saved - h
            down = _reference_loss(weights, X, y, l1, l2)
            array[index] = saved
            grad[index] = (up - down) / (2 * h)
        grads.append(grad)
    return grads


@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.01, 0.0), (0.0, 0.05), (0.02, 0.03)])
def test_backprop_matches_central_finite_differences(l1, l2):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 4))
    y = np.array([0, 2, 1, 2, 0, 1])
    model = MLP(hidden_units=(5, 4), n_classes=3, input_dim=4, l1=l1, l2=l2, seed=3)
    model.compile(_NoUpdate())
    # Non-zero biases, so that a mistake in the bias gradient cannot hide behind b = 0.
    weights = model.get_weights()
    for b in weights[1::2]:
        b[:] = rng.normal(scale=0.1, size=b.shape)
    model.set_weights(weights)
    # ReLU and |W| have kinks: the test is only meaningful if no kink lies within h of a point.
    h = X
    for W, b in zip(weights[0:-2:2], weights[1:-2:2], strict=True):
        pre = h @ W + b
        assert np.abs(pre).min() > 1e-4
        h = np.maximum(pre, 0)
    assert min(np.abs(W).min() for W in weights[0::2]) > 1e-4

    loss, grads = model.loss_and_gradients(X, y)
    expected = _finite_difference_gradients(model.get_weights(), X, y, l1, l2)

    assert loss == pytest.approx(_reference_loss(model.get_weights(), X, y, l1, l2), rel=1e-12)
    for grad, reference in zip(grads, expected, strict=True):
        np.testing.assert_allclose(grad, reference, rtol=1e-6, atol=1e-8)


def test_logits_output_layer_gets_the_same_gradients_as_the_softmax_one():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3))
    y = np.array([1, 0, 1, 1, 0])
    with_softmax = Sequential([Dense(4, "relu"), Dense(2, "softmax")], input_dim=3, seed=11)
    with_softmax.compile(_NoUpdate())
    from_logits = Sequential([Dense(4, "relu"), Dense(2)], input_dim=3, seed=11)
    from_logits.compile(_NoUpdate(), loss=SparseCategoricalCrossentropy(from_logits=True))
    loss_a, grads_a = with_softmax.loss_and_gradients(X, y)
    loss_b, grads_b = from_logits.loss_and_gradients(X, y)
    assert loss_a == loss_b
    for a, b in zip(grads_a, grads_b, strict=True):
        np.testing.assert_array_equal(a, b)


def test_cross_entropy_of_a_hand_computed_example():
    # Logits (1, 2, 3), true class 2: p = e³ / (e + e² + e³), loss = −log p = log(1 + e⁻¹ + e⁻²).
    # Logits (0, 0, 0), true class 0: p = 1/3, loss = log 3.  The loss is the mean of the two.
    expected = (math.log(1 + math.exp(-1) + math.exp(-2)) + math.log(3)) / 2
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    labels = np.array([2, 0])
    loss = SparseCategoricalCrossentropy(from_logits=True)
    value, grad = loss.value_and_gradient(labels, logits)
    assert value == pytest.approx(expected, rel=1e-15)
    assert loss(labels, logits) == pytest.approx(expected, rel=1e-15)
    # ∂L/∂z = (softmax − onehot) / n with n = 2.
    denominator = math.exp(1) + math.exp(2) + math.exp(3)
    p = [math.exp(k) / denominator for k in (1, 2, 3)]
    np.testing.assert_allclose(grad[0], [p[0] / 2, p[1] / 2, (p[2] - 1) / 2], rtol=1e-14)
    np.testing.assert_allclose(grad[1], [(1 / 3 - 1) / 2, 1 / 6, 1 / 6], rtol=1e-14)


def test_cross_entropy_from_probabilities_is_minus_the_mean_log_probability():
    probabilities = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
    expected = -(math.log(0.8) + math.log(0.6) + math.log(0.5)) / 3
    loss = SparseCategoricalCrossentropy()
    assert loss(np.array([1, 0, 1]), probabilities) == pytest.approx(expected)


def test_cross_entropy_is_finite_for_huge_logits():
    # −log softmax(1000, 0)[1] = 1000 + log(1 + e⁻¹⁰⁰⁰) = 1000 in floating point; a naive
    # exp(1000) would overflow to inf and give nan.
    loss = SparseCategoricalCrossentropy(from_logits=True)
    value, grad = loss.value_and_gradient(np.array([1]), np.array([[1000.0, 0.0]]))
    assert value == 1000.0
    np.testing.assert_array_equal(grad, [[1.0, -1.0]])
    assert np.all(np.isfinite(log_softmax(np.array([[1e300, -1e300]]))))


def test_softmax_rows_are_probabilities_and_shift_invariant():
    z = np.array([[1.0, 2.0, 3.0], [-5.0, 0.0, 5.0]])
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(z + 123.0), p)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


def test_he_initialisation_has_variance_two_over_fan_in():
    layer = Dense(400)
    layer.build(200, seed=0)
    # Var = 2 / 200 = 0.01 for 80 000 draws: the sample variance is within a few percent.
    assert layer.kernel.var() == pytest.approx(0.01, rel=0.03)
    assert abs(layer.kernel.mean()) < 0.002
    np.testing.assert_array_equal(layer.bias, 0.0)


def test_penalty_is_l1_sum_of_absolute_values_plus_l2_sum_of_squares():
    layer = Dense(2, l1=0.5, l2=0.25)
    layer.build(2, seed=0)
    layer.kernel[:] = [[1.0, -2.0], [0.0, 3.0]]
    # 0.5·(1 + 2 + 0 + 3) + 0.25·(1 + 4 + 0 + 9) = 3 + 3.5
    assert layer.penalty() == 6.5
