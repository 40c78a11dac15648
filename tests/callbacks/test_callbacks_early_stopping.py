"""EarlyStopping inside a real fit, with the monitored value scripted by a callback that runs
first, and the weights snapshotted at every epoch end, so each expectation is derived by hand
from Keras 3's rule: at each epoch end wait += 1; an improvement (current < best − min_delta)
sets best and, if the baseline is beaten too, wait = 0; otherwise stop once wait >= patience."""

import re

import numpy as np
import pytest

from course_lib import datasets
from course_lib.callbacks import Callback, EarlyStopping
from course_lib.nn import MLP
from course_lib.optimizers import SGD


class _Script(Callback):
    """Overwrites logs[monitor] with the next scripted value and keeps a copy of the weights."""

    def __init__(self, values, monitor="val_loss"):
        self.values = list(values)
        self.monitor = monitor
        self.snapshots = []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.monitor] = self.values[epoch]
        self.snapshots.append(self.model.get_weights())


def _fit(values, early_stopping, epochs=None):
    data = datasets.make_moons(n_samples=100, seed=1)
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    script = _Script(values)
    history = model.fit(data.X_train, data.y_train, epochs=epochs or len(values), batch_size=16,
                        validation_data=(data.X_valid, data.y_valid),
                        callbacks=[script, early_stopping])
    return model, history, script


def _assert_weights_equal(weights, expected):
    for a, b in zip(weights, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_stops_after_patience_bad_epochs_and_restores_the_best_weights():
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    # epoch 0: best 1.0.  epoch 1: 0.5 → best, wait 0.  epoch 2: wait 1.  epoch 3: wait 2 → stop.
    model, history, script = _fit([1.0, 0.5, 0.7, 0.6, 0.4, 0.3], stopper)
    assert history.epoch == [0, 1, 2, 3]
    assert history.history["val_loss"] == [1.0, 0.5, 0.7, 0.6]
    assert model.stop_training and stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    _assert_weights_equal(model.get_weights(), script.snapshots[1])
    # The weights did move after epoch 1, so restoring them is not a no-op.
    assert not np.array_equal(script.snapshots[3][0], script.snapshots[1][0])


def test_without_restore_the_last_weights_stay():
    model, history, script = _fit([1.0, 0.5, 0.7, 0.6, 0.4], EarlyStopping(patience=2))
    assert history.epoch == [0, 1, 2, 3]
    _assert_weights_equal(model.get_weights(), script.snapshots[3])


def test_if_nothing_improves_on_epoch_zero_its_weights_come_back():
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    model, history, script = _fit([1.0, 2.0, 3.0, 4.0], stopper)
    assert history.epoch == [0, 1, 2]
    _assert_weights_equal(model.get_weights(), script.snapshots[0])


def test_min_delta_is_an_absolute_threshold_against_the_best():
    # best 1.0; 0.95 and 0.9 are not below 1.0 − 0.2 → wait 1, 2 → stop at epoch 2.
    _, history, _ = _fit([1.0, 0.95, 0.9, 0.1], EarlyStopping(patience=2, min_delta=0.2))
    assert history.epoch == [0, 1, 2]
    # min_delta is taken as |min_delta|, as Keras does.
    _, history, _ = _fit([1.0, 0.95, 0.9, 0.1], EarlyStopping(patience=2, min_delta=-0.2))
    assert history.epoch == [0, 1, 2]


def test_patience_zero_stops_at_the_first_bad_epoch():
    _, history, _ = _fit([1.0, 0.9, 0.95, 0.5], EarlyStopping(patience=0))
    assert history.epoch == [0, 1, 2]


def test_epochs_before_start_from_epoch_are_ignored():
    # Epochs 0 and 1 are not looked at; epoch 2 sets best = 3.0; epoch 3 → wait 1 = patience → stop.
    _, history, _ = _fit([1.0, 2.0, 3.0, 4.0, 5.0], EarlyStopping(patience=1, start_from_epoch=2))
    assert history.epoch == [0, 1, 2, 3]


def test_improvements_that_miss_the_baseline_do_not_reset_wait():
    # baseline 0.5: epochs 0 and 1 improve on best but not on 0.5, so wait reaches 1, 2 without
    # being reset; epoch 2 does not improve and wait 3 >= 2 → stop.
    _, history, _ = _fit([1.0, 0.9, 0.9, 0.9], EarlyStopping(patience=2, baseline=0.5))
    assert history.epoch == [0, 1, 2]
    # Without the baseline, epoch 2 is only the first bad epoch.
    _, history, _ = _fit([1.0, 0.9, 0.9, 0.9], EarlyStopping(patience=2))
    assert history.epoch == [0, 1, 2, 3]


@pytest.mark.parametrize("mode, epochs_run", [("auto", [0, 1, 2, 3]), ("max", [0, 1, 2, 3]),
                                              ("min", [0, 1, 2])])
def test_accuracy_is_maximised_in_auto_mode(mode, epochs_run):
    # Maximising: best 0.5, then 0.6; 0.55 and 0.58 → wait 1, 2 → stop at epoch 3.
    # Minimising (wrong for an accuracy): best 0.5; 0.6 and 0.55 → wait 1, 2 → stop at epoch 2.
    data = datasets.make_moons(n_samples=100, seed=1)
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    script = _Script([0.5, 0.6, 0.55, 0.58, 0.5], monitor="val_accuracy")
    stopper = EarlyStopping(monitor="val_accuracy", patience=2, mode=mode)
    history = model.fit(data.X_train, data.y_train, epochs=5,
                        validation_data=(data.X_valid, data.y_valid), callbacks=[script, stopper])
    assert history.epoch == epochs_run
    assert stopper.stopped_epoch == epochs_run[-1]


def test_missing_monitor_is_an_error():
    data = datasets.make_moons(n_samples=100, seed=1)
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(SGD(learning_rate=0.1))
    with pytest.raises(ValueError, match="val_loss"):
        model.fit(data.X_train, data.y_train, epochs=1, callbacks=[EarlyStopping()])


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"patience": -1}, ValueError, "patience must be an integer >= 0, got -1"),
    ({"start_from_epoch": 0.5}, TypeError, "start_from_epoch must be an integer >= 0, got 0.5"),
    ({"mode": "up"}, ValueError, "mode must be one of ['auto', 'max', 'min'], got 'up'"),
    ({"baseline": float("nan")}, ValueError, "baseline must be a finite number, got nan"),
    ({"restore_best_weights": 1}, TypeError, "restore_best_weights must be True or False, got 1"),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        EarlyStopping(**kwargs)
