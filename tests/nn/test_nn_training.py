"""fit / evaluate / predict of the small network: learning on real data, exact resume, the
documented shuffling, the History, and clear errors for bad input."""

import math
import re

import numpy as np
import pytest

from course_lib import datasets, schedules
from course_lib.callbacks import BatchScheduler, Callback, LearningRateScheduler
from course_lib.nn import MLP, Dense, Sequential, SparseCategoricalCrossentropy
from course_lib.optimizers import SGD, Adam

DIGITS = datasets.load_digits_split()
MOONS = datasets.make_moons(n_samples=120, seed=3)


def _digits_model(optimizer, seed=0, **kwargs):
    model = MLP(hidden_units=(32,), n_classes=10, seed=seed, **kwargs)
    model.compile(optimizer)
    return model


def test_adam_learns_the_digits():
    model = _digits_model(Adam(learning_rate=0.001))
    initial_loss, initial_accuracy = model.evaluate(DIGITS.X_valid, DIGITS.y_valid)
    history = model.fit(DIGITS.X_train, DIGITS.y_train, epochs=20,
                        validation_data=(DIGITS.X_valid, DIGITS.y_valid))
    losses = history.history["loss"]
    assert all(later < earlier for earlier, later in zip(losses[:5], losses[1:6], strict=True))
    assert history.history["val_loss"][-1] < initial_loss / 5
    assert initial_accuracy < 0.3  # chance is 0.1: the accuracy below is learned
    assert history.history["val_accuracy"][-1] > 0.9
    test_loss, test_accuracy = model.evaluate(DIGITS.X_test, DIGITS.y_test)
    assert test_accuracy > 0.9


def test_history_records_every_epoch():
    model = _digits_model(SGD(learning_rate=0.05))
    history = model.fit(DIGITS.X_train, DIGITS.y_train, epochs=3,
                        validation_data=(DIGITS.X_valid, DIGITS.y_valid))
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    assert all(len(values) == 3 for values in history.history.values())
    assert history.epoch == [0, 1, 2]
    assert history.history["learning_rate"] == [0.05, 0.05, 0.05]
    assert model.history is history
    assert all(isinstance(v, float) for values in history.history.values() for v in values)


class _BatchLog(Callback):
    def __init__(self):
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append((batch, dict(logs)))


def test_epoch_loss_is_the_batch_size_weighted_mean_of_batch_losses():
    # 72 training rows in batches of 32: sizes 32, 32, 8, so a plain mean would differ.
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    recorder = _BatchLog()
    history = model.fit(MOONS.X_train, MOONS.y_train, epochs=1, callbacks=[recorder])
    assert [batch for batch, _ in recorder.logs] == [0, 1, 2]
    sizes = [32, 32, 8]
    losses = [logs["loss"] for _, logs in recorder.logs]
    accuracies = [logs["accuracy"] for _, logs in recorder.logs]
    assert history.history["loss"][0] == pytest.approx(np.dot(sizes, losses) / 72, rel=1e-14)
    expected_accuracy = np.dot(sizes, accuracies) / 72
    assert history.history["accuracy"][0] == pytest.approx(expected_accuracy, rel=1e-14)


def test_fit_without_shuffle_is_train_on_batch_over_consecutive_slices():
    fitted = MLP(hidden_units=(8,), n_classes=2, seed=5)
    fitted.compile(SGD(learning_rate=0.1, momentum=0.9))
    fitted.fit(MOONS.X_train, MOONS.y_train, epochs=2, batch_size=20, shuffle=False)
    by_hand = MLP(hidden_units=(8,), n_classes=2, seed=5)
    by_hand.compile(SGD(learning_rate=0.1, momentum=0.9))
    for _ in range(2):
        for start in range(0, len(MOONS.X_train), 20):
            by_hand.train_on_batch(MOONS.X_train[start:start + 20], MOONS.y_train[start:start + 20])
    for a, b in zip(fitted.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_shuffling_follows_the_documented_seed_and_epoch_stream():
    fitted = MLP(hidden_units=(8,), n_classes=2, seed=9)
    fitted.compile(SGD(learning_rate=0.1))
    fitted.fit(MOONS.X_train, MOONS.y_train, epochs=3, batch_size=16, initial_epoch=1)
    by_hand = MLP(hidden_units=(8,), n_classes=2, seed=9)
    by_hand.compile(SGD(learning_rate=0.1))
    for epoch in (1, 2):
        order = np.random.default_rng((9, 1, epoch)).permutation(len(MOONS.X_train))
        X, y = MOONS.X_train[order], MOONS.y_train[order]
        for start in range(0, len(X), 16):
            by_hand.train_on_batch(X[start:start + 16], y[start:start + 16])
    for a, b in zip(fitted.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def _decay(epoch):
    return 0.002 * 0.5 ** epoch


@pytest.mark.parametrize("setup", ["adam+epoch schedule", "sgd+1cycle per batch"])
def test_resume_with_initial_epoch_repeats_the_uninterrupted_run_bit_for_bit(setup):
    steps_per_epoch = math.ceil(len(DIGITS.X_train) / 32)

    def build():
        if setup.startswith("adam"):
            model = _digits_model(Adam(learning_rate=0.001), seed=4)
            callbacks = [LearningRateScheduler(_decay)]
        else:
            model = _digits_model(SGD(learning_rate=0.01, momentum=0.9, nesterov=True), seed=4)
            callbacks = [BatchScheduler(schedules.OneCycle(6 * steps_per_epoch, 0.2))]
        return model, callbacks

    def fit(model, callbacks, epochs, initial_epoch=0):
        return model.fit(DIGITS.X_train, DIGITS.y_train, epochs=epochs, initial_epoch=initial_epoch,
                         validation_data=(DIGITS.X_valid, DIGITS.y_valid), callbacks=callbacks)

    whole, callbacks = build()
    whole_history = fit(whole, callbacks, epochs=6)

    first, callbacks = build()
    fit(first, callbacks, epochs=3)
    state = first.save_state()
    resumed, callbacks = build()
    resumed.load_state(state)
    resumed_history = fit(resumed, callbacks, epochs=6, initial_epoch=3)

    for a, b in zip(whole.get_weights(), resumed.get_weights(), strict=True):
        assert np.array_equal(a, b)
    assert resumed_history.epoch == [3, 4, 5]
    for key, values in whole_history.history.items():
        assert resumed_history.history[key] == values[3:], key
    assert resumed.optimizer.iterations == whole.optimizer.iterations


def test_resuming_without_initial_epoch_restarts_the_epoch_schedule():
    # The trap the schedules lesson warns about: the epoch count starts at 0 again.
    model = _digits_model(Adam(learning_rate=0.001))
    model.fit(DIGITS.X_train, DIGITS.y_train, epochs=3, callbacks=[LearningRateScheduler(_decay)])
    history = model.fit(DIGITS.X_train, DIGITS.y_train, epochs=3,
                        callbacks=[LearningRateScheduler(_decay)])
    assert history.history["learning_rate"] == [_decay(0), _decay(1), _decay(2)]


def test_the_same_seed_gives_the_same_model_and_another_seed_does_not():
    runs = []
    for seed in (1, 1, 2):
        model = MLP(hidden_units=(8,), n_classes=2, seed=seed)
        model.compile(SGD(learning_rate=0.1))
        model.fit(MOONS.X_train, MOONS.y_train, epochs=2)
        runs.append(model.get_weights())
    assert all(np.array_equal(a, b) for a, b in zip(runs[0], runs[1], strict=True))
    assert not np.array_equal(runs[0][0], runs[2][0])


def test_a_model_without_a_seed_draws_one_and_keeps_it():
    model = MLP(hidden_units=(4,), n_classes=2)
    twin = MLP(hidden_units=(4,), n_classes=2, seed=model.seed, input_dim=2)
    model.build(2)
    assert np.array_equal(model.get_weights()[0], twin.get_weights()[0])


def test_evaluate_and_predict_agree_with_a_hand_computed_cross_entropy():
    model = _digits_model(SGD(learning_rate=0.05), l2=0.001)
    model.fit(DIGITS.X_train, DIGITS.y_train, epochs=2)
    probabilities = model.predict(DIGITS.X_valid)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    rows = np.arange(len(DIGITS.y_valid))
    kernels = model.get_weights()[0::2]
    penalty = 0.001 * sum((W**2).sum() for W in kernels)
    expected_loss = -np.log(probabilities[rows, DIGITS.y_valid]).mean() + penalty
    expected_accuracy = np.mean(probabilities.argmax(axis=1) == DIGITS.y_valid)
    loss, accuracy = model.evaluate(DIGITS.X_valid, DIGITS.y_valid)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    assert accuracy == expected_accuracy
    chunked = model.evaluate(DIGITS.X_valid, DIGITS.y_valid, batch_size=50, return_dict=True)
    assert chunked["loss"] == pytest.approx(loss, rel=1e-12)
    assert chunked["accuracy"] == accuracy


def test_weights_go_in_and_out_as_copies_and_the_live_arrays_stay():
    model = _digits_model(SGD(learning_rate=0.05))
    model.build(64)
    live = model.weights
    weights = model.get_weights()
    weights[0][:] = 7.0
    assert not np.any(model.get_weights()[0] == 7.0)
    model.set_weights(weights)
    weights[0][:] = 0.0
    assert np.all(model.get_weights()[0] == 7.0)
    assert all(a is b for a, b in zip(live, model.weights, strict=True))
    with pytest.raises(ValueError, match=r"^weights\[0\] must have shape \(64, 32\), "
                                         r"got shape \(32, 64\)$"):
        model.set_weights([w.T for w in weights])
    with pytest.raises(ValueError, match="^weights must be a list of 4 weight arrays, got 2$"):
        model.set_weights(weights[:2])


def test_set_weights_with_one_bad_array_changes_nothing():
    model = _digits_model(SGD(learning_rate=0.05))
    model.build(64)
    before = model.get_weights()
    bad = [w + 1.0 for w in before]
    bad[-1] = np.zeros(3)
    with pytest.raises(ValueError,
                       match=r"^weights\[3\] must have shape \(10,\), got shape \(3,\)$"):
        model.set_weights(bad)
    for now, then in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(now, then)


def test_a_callback_can_stop_training_in_the_middle_of_an_epoch():
    class StopAtBatch(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    history = model.fit(MOONS.X_train, MOONS.y_train, epochs=5, batch_size=8,
                        callbacks=[StopAtBatch()])
    assert history.epoch == [0]
    assert model.optimizer.iterations == 2


def test_a_diverging_run_stops_with_a_clear_error_before_a_nan_update():
    model = _digits_model(SGD(learning_rate=1e300))
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="diverged"):
        model.fit(DIGITS.X_train, DIGITS.y_train, epochs=5)
    # The step that met the non-finite loss was not applied: the weights are still finite.
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


def test_float32_model_keeps_float32():
    model = MLP(hidden_units=(8,), n_classes=2, seed=0, dtype=np.float32)
    model.compile(Adam(learning_rate=0.01))
    model.fit(MOONS.X_train, MOONS.y_train, epochs=2)
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.predict(MOONS.X_valid).dtype == np.float32


def test_verbose_modes(capsys):
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    model.fit(MOONS.X_train, MOONS.y_train, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "loss" in out
    model.fit(MOONS.X_train, MOONS.y_train, epochs=2, verbose=1)
    assert "epochs" in capsys.readouterr().err


def test_fit_zero_epochs_or_initial_epoch_past_the_end_does_nothing():
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    history = model.fit(MOONS.X_train, MOONS.y_train, epochs=3, initial_epoch=3)
    assert history.history == {} and model.optimizer.iterations == 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"X": np.zeros((5, 3))}, ValueError, r"^X must have 2 features \(columns\), got 3$"),
        ({"X": np.full((72, 2), np.nan)}, ValueError,
         "^X must hold finite numbers only, got 144 NaN or infinite values$"),
        ({"X": np.zeros(72)}, ValueError, r"^X must be a non-empty 2-D array .*got shape \(72,\)$"),
        ({"y": np.full(72, 2)}, ValueError,
         r"^y must hold class indices in \[0, 1\], got values from 2 to 2$"),
        ({"y": np.full(72, 0.5)}, TypeError,
         "^y must hold integer class indices, got dtype float64$"),
        ({"y": np.zeros(71, int)}, ValueError,
         r"^y must be a 1-D array of 72 class indices, got shape \(71,\)$"),
        ({"epochs": -1}, ValueError, "^epochs must be an integer >= 0, got -1$"),
        ({"batch_size": 0}, ValueError, "^batch_size must be an integer >= 1, got 0$"),
        ({"initial_epoch": 1.5}, TypeError, "^initial_epoch must be an integer >= 0, got 1.5$"),
        ({"verbose": 3}, ValueError, r"^verbose must be one of \[0, 1, 2\], got 3$"),
        ({"validation_data": (np.zeros((3, 2)),)}, ValueError,
         r"^validation_data must be a pair \(X_valid, y_valid\), got \(array"),
        ({"callbacks": [print]}, TypeError, "^callbacks must be course_lib.callbacks.Callback"),
    ],
)
def test_fit_rejects_bad_arguments_by_name(kwargs, error, match):
    model = MLP(hidden_units=(8,), n_classes=2, seed=0, input_dim=2)
    model.compile(SGD(learning_rate=0.1))
    arguments = {"X": MOONS.X_train, "y": MOONS.y_train, "epochs": 1} | kwargs
    with pytest.raises(error, match=match):
        model.fit(**arguments)


def test_integral_float_labels_train_exactly_as_the_integers_they_hold():
    runs = []
    for labels in (MOONS.y_train, MOONS.y_train.astype(float)):
        model = MLP(hidden_units=(8,), n_classes=2, seed=0)
        model.compile(SGD(learning_rate=0.1))
        history = model.fit(MOONS.X_train, labels, epochs=2)
        runs.append((history.history, model.get_weights()))
    (as_int, int_weights), (as_float, float_weights) = runs
    assert as_float == as_int
    for learned, expected in zip(float_weights, int_weights, strict=True):
        np.testing.assert_array_equal(learned, expected)


def test_model_configuration_errors():
    with pytest.raises(RuntimeError, match="compile"):
        MLP(hidden_units=(4,), n_classes=2).fit(MOONS.X_train, MOONS.y_train)
    with pytest.raises(TypeError, match="optimizer"):
        MLP(hidden_units=(4,), n_classes=2).compile("adam")
    with pytest.raises(ValueError, match="from_logits"):
        Sequential([Dense(2)]).compile(SGD(), loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="from_logits"):
        Sequential([Dense(2, "softmax")]).compile(
            SGD(), loss=SparseCategoricalCrossentropy(from_logits=True))
    with pytest.raises(ValueError, match="loss"):
        Sequential([Dense(2, "softmax")]).compile(SGD(), loss="mse")
    with pytest.raises(ValueError, match="softmax is only allowed in the last layer"):
        Sequential([Dense(3, "softmax"), Dense(2, "softmax")], input_dim=2)
    with pytest.raises(ValueError, match="not built"):
        MLP(hidden_units=(4,), n_classes=2).get_weights()
    with pytest.raises(ValueError, match="^dtype must be float32 or float64, got "):
        MLP(dtype=np.int32)
    with pytest.raises(ValueError, match="^n_classes must be an integer >= 2, got 1$"):
        MLP(n_classes=1)
    with pytest.raises(TypeError, match="^from_logits must be True or False, got 1$"):
        SparseCategoricalCrossentropy(from_logits=1)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [({"units": 0}, ValueError, "units must be an integer >= 1, got 0"),
     ({"units": 2.5}, TypeError, "units must be an integer >= 1, got 2.5"),
     ({"units": 2, "activation": "tanh"}, ValueError,
      "activation must be one of [None, 'linear', 'relu', 'softmax'], got 'tanh'"),
     ({"units": 2, "l1": -0.1}, ValueError, "l1 must be a finite number >= 0, got -0.1"),
     ({"units": 2, "l2": float("inf")}, ValueError, "l2 must be a finite number >= 0, got inf"),
     ({"units": 2, "seed": -1}, ValueError, "seed must be an integer >= 0, got -1")],
)
def test_dense_rejects_bad_arguments_by_name(kwargs, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        Dense(**kwargs)
