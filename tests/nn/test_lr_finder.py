"""The learning-rate range test: the geometric sweep, raw per-batch losses, the stop on
explosion, the suggestion rule, and an exact restore of weights and optimizer state."""

import copy
import re

import numpy as np
import pytest

from course_lib import datasets, schedules
from course_lib.lr_finder import find_learning_rate
from course_lib.nn import MLP
from course_lib.optimizers import SGD, Adam

DIGITS = datasets.load_digits_split()


def _model(optimizer, seed=0):
    model = MLP(hidden_units=(32,), n_classes=10, seed=seed, input_dim=64)
    model.compile(optimizer)
    return model


def _assert_same_state(a, b):
    """Deep equality of two optimizer states (nested dicts, lists, arrays, numbers)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_same_state(a[key], b[key])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_same_state(x, y)
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b) and a.dtype == b.dtype
    else:
        assert a == b


def test_weights_and_optimizer_state_are_restored_exactly():
    model = _model(Adam(learning_rate=0.001))
    # A little training first, so that the slots and the step count are not trivially zero.
    model.fit(DIGITS.X_train, DIGITS.y_train, epochs=1)
    weights = model.get_weights()
    state = copy.deepcopy(model.optimizer.get_state())
    iterations = model.optimizer.iterations

    result = find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, steps=60, max_lr=1.0)

    assert len(result.losses) > 10
    for a, b in zip(model.get_weights(), weights, strict=True):
        assert np.array_equal(a, b)
    _assert_same_state(model.optimizer.get_state(), state)
    assert model.optimizer.iterations == iterations
    assert model.optimizer.learning_rate == 0.001
    # Continuing training after the test is the same as never having run it.
    twin = _model(Adam(learning_rate=0.001))
    twin.fit(DIGITS.X_train, DIGITS.y_train, epochs=1)
    model.fit(DIGITS.X_train, DIGITS.y_train, epochs=2, initial_epoch=1)
    twin.fit(DIGITS.X_train, DIGITS.y_train, epochs=2, initial_epoch=1)
    for a, b in zip(model.get_weights(), twin.get_weights(), strict=True):
        assert np.array_equal(a, b)


def test_a_schedule_and_the_momentum_are_put_back():
    schedule = schedules.ExponentialDecay(0.01, decay_steps=100, decay_rate=0.5)
    model = _model(SGD(learning_rate=schedule, momentum=0.9))
    find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, steps=20)
    assert model.optimizer.learning_rate is schedule
    assert model.optimizer.momentum == 0.9
    assert model.optimizer.iterations == 0


def test_restored_even_when_the_sweep_fails(monkeypatch):
    model = _model(SGD(learning_rate=0.01, momentum=0.9))
    weights = model.get_weights()
    apply = model.optimizer.apply
    calls = []

    def failing_apply(grads, params):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("interrupted")
        apply(grads, params)

    monkeypatch.setattr(model.optimizer, "apply", failing_apply)
    with pytest.raises(RuntimeError, match="interrupted"):
        find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, steps=20)
    for a, b in zip(model.get_weights(), weights, strict=True):
        assert np.array_equal(a, b)
    assert model.optimizer.iterations == 0 and model.optimizer.learning_rate == 0.01


def test_the_sweep_is_geometric_from_min_to_max_when_nothing_explodes():
    model = _model(SGD(learning_rate=0.01))
    result = find_learning_rate(model, DIGITS.X_train, DIGITS.y_train,
                                min_lr=1e-4, max_lr=1e-2, steps=30)
    assert not result.exploded
    assert len(result.learning_rates) == len(result.losses) == 30
    assert result.learning_rates[0] == 1e-4
    assert result.learning_rates[-1] == pytest.approx(1e-2, rel=1e-12)
    ratios = result.learning_rates[1:] / result.learning_rates[:-1]
    np.testing.assert_allclose(ratios, (1e-2 / 1e-4) ** (1 / 29), rtol=1e-12)


def test_losses_are_raw_batch_losses_before_each_update():
    model = _model(SGD(learning_rate=0.01))
    result = find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, steps=5, seed=3)
    # The first batch is rows order[:32] of the seed's permutation, at the initial weights.
    order = np.random.default_rng(3).permutation(len(DIGITS.X_train))
    first = order[:32]
    assert result.losses[0] == pytest.approx(
        model.evaluate(DIGITS.X_train[first], DIGITS.y_train[first])[0], rel=1e-12)
    # The second batch's loss, after one step at min_lr from those weights, by hand:
    twin = _model(SGD(learning_rate=1e-5))
    twin.train_on_batch(DIGITS.X_train[first], DIGITS.y_train[first])
    second = order[32:64]
    assert result.losses[1] == pytest.approx(
        twin.evaluate(DIGITS.X_train[second], DIGITS.y_train[second])[0], rel=1e-12)


def test_stops_when_the_loss_explodes_and_suggests_a_tenth_of_the_best_rate():
    model = _model(SGD(learning_rate=0.01))
    steps = 200
    result = find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, min_lr=1e-4, max_lr=1e4,
                                steps=steps)
    assert result.exploded
    assert len(result.losses) < steps
    last = result.losses[-1]
    assert not np.isfinite(last) or last > 4 * result.losses[:-1].min()
    # Nothing before the last step had exploded yet.
    running_best = np.minimum.accumulate(result.losses[:-1])
    assert np.all(result.losses[1:-1] <= 4 * running_best[:-1])
    best = np.nanargmin(np.where(np.isfinite(result.losses), result.losses, np.nan))
    assert result.suggested_learning_rate == result.learning_rates[best] / 10
    assert "one tenth" in result.rule
    assert model.optimizer.learning_rate == 0.01


def test_the_suggested_rate_trains_the_network():
    model = _model(SGD(learning_rate=0.01))
    result = find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, epochs=2)
    assert 1e-3 < result.suggested_learning_rate < 10
    model.optimizer.learning_rate = result.suggested_learning_rate
    history = model.fit(DIGITS.X_train, DIGITS.y_train, epochs=5,
                        validation_data=(DIGITS.X_valid, DIGITS.y_valid))
    assert history.history["val_accuracy"][-1] > 0.85


def test_a_sweep_that_explodes_before_the_loss_ever_falls_is_an_error():
    # The first update, at 1e300, blows the weights up: there is no curve to read a rate from.
    model = _model(SGD(learning_rate=0.01))
    weights = model.get_weights()
    with pytest.raises(ValueError, match="min_lr=1e[+]300 is already too large; lower min_lr$"):
        find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, min_lr=1e300, max_lr=1e301,
                           steps=5)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights, strict=True))


def test_plot_draws_the_curve():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = _model(SGD(learning_rate=0.01))
    result = find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, steps=10)
    fig, ax = plt.subplots()
    result.plot(ax)
    assert ax.get_xscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), result.learning_rates)
    plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [({"min_lr": 0.0}, ValueError, "min_lr must be a finite number > 0, got 0.0"),
     ({"min_lr": np.nan}, ValueError, "min_lr must be a finite number > 0, got nan"),
     # max_lr must exceed min_lr, 1e-5 by default.
     ({"max_lr": 1e-6}, ValueError, "max_lr must be a finite number > 1e-05, got 1e-06"),
     ({"steps": 1}, ValueError, "steps must be an integer >= 2, got 1"),
     ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1, got 0"),
     ({"batch_size": 32.0}, TypeError, "batch_size must be an integer >= 1, got 32.0"),
     ({"explosion_factor": 1.0}, ValueError,
      "explosion_factor must be a finite number > 1, got 1.0"),
     ({"epochs": 0}, ValueError, "epochs must be an integer >= 1, got 0")],
)
def test_bad_arguments_are_named(kwargs, error, message):
    model = _model(SGD(learning_rate=0.01))
    weights = model.get_weights()
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        find_learning_rate(model, DIGITS.X_train, DIGITS.y_train, **kwargs)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights, strict=True))


def test_needs_a_compiled_model():
    with pytest.raises(RuntimeError, match="compile"):
        find_learning_rate(MLP(seed=0), DIGITS.X_train, DIGITS.y_train)
