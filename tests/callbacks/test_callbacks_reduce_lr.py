"""ReduceLROnPlateau on hand-made val_loss sequences; every expected rate is derived in a comment
from Keras 3's rule: improvement means current < best − min_delta; a non-improving epoch outside
cooldown adds 1 to wait; at wait >= patience the rate becomes max(lr·factor, min_lr) (only if
lr > min_lr), then cooldown_counter = cooldown and wait = 0; a counter still in cooldown is
decremented first thing at each epoch end."""

import re
from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.callbacks import ReduceLROnPlateau


def _rates_after_each_epoch(callback, values, lr=0.1, monitor="val_loss"):
    model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=lr), stop_training=False)
    callback.set_model(model)
    callback.on_train_begin({})
    rates = []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, {monitor: value, "loss": 9.9})
        rates.append(model.optimizer.learning_rate)
    return rates


def test_cut_after_patience_non_improving_epochs():
    callback = ReduceLROnPlateau(factor=0.5, patience=2)
    # epoch 0: 1.0 < inf → best 1.0        epoch 1: 0.9 < 1.0 − 1e-4 → best 0.9
    # epoch 2: 0.9 is no better → wait 1     epoch 3: wait 2 = patience → 0.1·0.5, wait 0
    # epoch 4: wait 1                        epoch 5: wait 2 → 0.05·0.5
    # epoch 6: 0.8 < 0.9 − 1e-4 → best, wait 0
    rates = _rates_after_each_epoch(callback, [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8])
    assert rates == [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert callback.best == 0.8


def test_patience_zero_cuts_at_every_non_improving_epoch():
    # wait becomes 1 >= 0 at every bad epoch; epoch 0 improves on inf.
    rates = _rates_after_each_epoch(ReduceLROnPlateau(factor=0.5, patience=0), [1.0, 1.0, 1.0, 0.5])
    assert rates == [0.1, 0.05, 0.025, 0.025]


def test_improvements_smaller_than_min_delta_do_not_count_but_add_up_against_best():
    callback = ReduceLROnPlateau(factor=0.1, patience=2, min_delta=0.01)
    # best = 1.0 after epoch 0; the threshold to beat is 1.0 − 0.01 = 0.99.
    # epoch 1: 0.994 > 0.99 → wait 1;  epoch 2: 0.988 < 0.99 → an improvement on best (1.0), even
    # though it beats epoch 1 by only 0.006; best 0.988, threshold 0.978.
    # epoch 3: 0.982 → wait 1;  epoch 4: 0.979 → wait 2 → cut to 0.1·0.1;
    # epoch 5: 0.97 < 0.978 → best
    rates = _rates_after_each_epoch(callback, [1.0, 0.994, 0.988, 0.982, 0.979, 0.97])
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1], rel=1e-15)
    assert callback.best == 0.97


def test_a_drop_just_under_min_delta_is_a_plateau():
    callback = ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0.1)
    # Each epoch drops by 0.05 < 0.1 from the previous, but best stays 1.0 until 0.85 < 0.9:
    # epoch 1: 0.95 → wait 1 → cut (0.05);  epoch 2: 0.9 is not < 0.9 → cut (0.025);
    # epoch 3: 0.85 < 0.9 → best 0.85.
    rates = _rates_after_each_epoch(callback, [1.0, 0.95, 0.9, 0.85])
    assert rates == [0.1, 0.05, 0.025, 0.025]


def test_cooldown_skips_counting_after_a_cut():
    callback = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)
    # A flat loss. epoch 0: best 1.0.  epoch 1: wait 1 → cut to 0.05, cooldown_counter 2.
    # epoch 2: counter 2 → 1 (still > 0): not counted.
    # epoch 3: counter 1 → 0: counted, wait 1 → cut to 0.025, counter 2.
    # epoch 4: counter → 1, skipped.  epoch 5: counter → 0, wait 1 → 0.0125.
    rates = _rates_after_each_epoch(callback, [1.0] * 7)
    assert rates == [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125]


def test_an_improvement_during_cooldown_still_updates_best():
    callback = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=3)
    # epoch 1 cuts (counter 3).  epoch 2: counter 3 → 2, and 0.5 improves → best 0.5.
    # epoch 3: counter 2 → 1, 0.6 is worse but still in cooldown → not counted.
    # epoch 4: counter 1 → 0, 0.6 is worse and cooldown is over → wait 1 = patience → cut.
    rates = _rates_after_each_epoch(callback, [1.0, 1.0, 0.5, 0.6, 0.6])
    assert callback.best == 0.5
    assert rates == [0.1, 0.05, 0.05, 0.05, 0.025]


def test_min_lr_is_a_floor_and_stops_further_cuts():
    callback = ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.005)
    # epoch 1: max(0.1·0.1, 0.005) = 0.01;  epoch 2: max(0.001, 0.005) = 0.005;
    # epoch 3: 0.005 > 0.005 is false → no change.
    rates = _rates_after_each_epoch(callback, [1.0, 1.0, 1.0, 1.0])
    assert rates == pytest.approx([0.1, 0.1 * 0.1, 0.005, 0.005], rel=1e-15)
    assert rates[-1] == 0.005


def test_accuracy_is_maximised_in_auto_mode():
    callback = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=2)
    # Rising accuracy improves: epochs 0 and 1. Then 0.6, 0.6 → wait 1, 2 → cut at epoch 3.
    rates = _rates_after_each_epoch(callback, [0.5, 0.6, 0.6, 0.6], monitor="val_accuracy")
    assert rates == [0.1, 0.1, 0.1, 0.05]


def test_explicit_max_mode_on_a_loss_name():
    callback = ReduceLROnPlateau(monitor="val_loss", mode="max", factor=0.5, patience=1)
    # In max mode a falling value never improves: epochs 1 and 2 cut, epoch 3 (2.0) improves.
    rates = _rates_after_each_epoch(callback, [1.0, 0.9, 0.8, 2.0])
    assert rates == [0.1, 0.05, 0.025, 0.025]


def test_a_nan_value_never_counts_as_an_improvement():
    rates = _rates_after_each_epoch(ReduceLROnPlateau(factor=0.5, patience=1), [1.0, np.nan, 0.5])
    assert rates == [0.1, 0.05, 0.05]


def test_training_again_resets_the_counters():
    callback = ReduceLROnPlateau(factor=0.5, patience=2)
    _rates_after_each_epoch(callback, [1.0, 1.0])
    assert callback.wait == 1
    # A new fit starts from best = inf and wait = 0: 5.0 is an improvement, then two bad epochs.
    assert _rates_after_each_epoch(callback, [5.0, 5.0, 5.0]) == [0.1, 0.1, 0.05]


@pytest.mark.parametrize("factor", [1.0, 1.5, -0.1])
def test_factor_must_be_below_one(factor):
    with pytest.raises(ValueError, match=rf"^factor must be a number in \[0, 1\), got {factor}$"):
        ReduceLROnPlateau(factor=factor)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [({"patience": -1}, ValueError, "patience must be an integer >= 0, got -1"),
     ({"cooldown": 1.5}, TypeError, "cooldown must be an integer >= 0, got 1.5"),
     ({"min_lr": -1.0}, ValueError, "min_lr must be a finite number >= 0, got -1.0"),
     ({"mode": "down"}, ValueError, "mode must be one of ['auto', 'max', 'min'], got 'down'"),
     ({"min_delta": float("nan")}, ValueError, "min_delta must be a finite number, got nan")],
)
def test_bad_arguments_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        ReduceLROnPlateau(**kwargs)


def test_a_missing_monitor_is_an_error_not_a_silent_no_op():
    callback = ReduceLROnPlateau()
    callback.set_model(SimpleNamespace(optimizer=SimpleNamespace(learning_rate=0.1)))
    callback.on_train_begin()
    with pytest.raises(ValueError, match="val_loss.*validation_data"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_a_schedule_learning_rate_cannot_be_cut():
    callback = ReduceLROnPlateau(patience=0)
    callback.set_model(SimpleNamespace(optimizer=SimpleNamespace(learning_rate=lambda step: 0.1)))
    callback.on_train_begin()
    callback.on_epoch_end(0, {"val_loss": 1.0})
    with pytest.raises(TypeError, match="schedule"):
        callback.on_epoch_end(1, {"val_loss": 1.0})


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=40),
    patience=st.integers(0, 4),
    cooldown=st.integers(0, 3),
    factor=st.sampled_from([0.1, 0.5, 0.8]),
    min_lr=st.sampled_from([0.0, 1e-3, 0.02]),
)
def test_properties_of_any_sequence(values, patience, cooldown, factor, min_lr):
    callback = ReduceLROnPlateau(factor=factor, patience=patience, cooldown=cooldown, min_lr=min_lr)
    rates = _rates_after_each_epoch(callback, values)
    previous = 0.1
    cuts = []
    for epoch, rate in enumerate(rates):
        if rate != previous:
            # Every change is one cut: times factor, clamped at min_lr, and never below it.
            assert rate == max(previous * factor, min_lr)
            cuts.append(epoch)
        assert rate >= min(min_lr, 0.1)
        previous = rate
    # After a cut, cooldown − 1 epochs go uncounted, then max(patience, 1) bad epochs are needed.
    gap = max(patience, 1) + max(cooldown - 1, 0)
    assert all(later - earlier >= gap for earlier, later in pairwise(cuts))
    # Nothing is cut before `patience` epochs have followed the first one.
    assert not cuts or cuts[0] >= max(patience, 1)


@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30, unique=True))
def test_a_strictly_improving_sequence_is_never_cut(values):
    # Each value beats the previous one by at least 1e-3 > min_delta.
    falling = sorted(values, reverse=True)
    falling = [v for i, v in enumerate(falling) if i == 0 or falling[i - 1] - v > 1e-3]
    rates = _rates_after_each_epoch(ReduceLROnPlateau(patience=0, min_delta=1e-4), falling)
    assert rates == [0.1] * len(falling)
