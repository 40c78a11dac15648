"""LearningRateScheduler (both arities) and BatchScheduler (1cycle per batch) inside a real fit.
The expected rates are computed in the test from the schedule's own formula."""

import math
import re

import numpy as np
import pytest

from course_lib import datasets, schedules
from course_lib.callbacks import BatchScheduler, Callback, LearningRateScheduler
from course_lib.nn import MLP
from course_lib.optimizers import SGD, Adam

DATA = datasets.make_moons(n_samples=100, seed=2)
BATCHES_PER_EPOCH = math.ceil(len(DATA.X_train) / 16)


class _RateRecorder(Callback):
    """The learning rate and momentum the optimizer holds when each batch's update has run."""

    def __init__(self):
        self.rates, self.momenta, self.steps = [], [], []

    def on_train_batch_end(self, batch, logs=None):
        optimizer = self.model.optimizer
        self.rates.append(optimizer.learning_rate)
        self.momenta.append(getattr(optimizer, "momentum", None))
        self.steps.append(optimizer.iterations - 1)


def _model(optimizer):
    model = MLP(hidden_units=(8,), n_classes=2, seed=0)
    model.compile(optimizer)
    return model


def _fit(model, callbacks, epochs=4, initial_epoch=0):
    return model.fit(DATA.X_train, DATA.y_train, epochs=epochs, batch_size=16,
                     initial_epoch=initial_epoch, callbacks=callbacks)


def exponential_decay_fn(epoch):
    return 0.01 * 0.1 ** (epoch / 20)


def test_one_argument_schedule_sets_the_rate_of_each_epoch():
    model = _model(SGD(learning_rate=0.5))
    recorder = _RateRecorder()
    history = _fit(model, [LearningRateScheduler(exponential_decay_fn), recorder])
    assert history.history["learning_rate"] == [exponential_decay_fn(e) for e in range(4)]
    # Every batch of epoch e ran at the epoch's rate.
    expected = [exponential_decay_fn(e) for e in range(4) for _ in range(BATCHES_PER_EPOCH)]
    assert recorder.rates == expected


def test_two_argument_schedule_compounds_from_the_current_rate():
    model = _model(SGD(learning_rate=0.08))
    history = _fit(model, [LearningRateScheduler(lambda epoch, lr: lr * 0.5)])
    # The first halving already happens at epoch 0: 0.08 · 0.5, then · 0.5 per epoch.
    assert history.history["learning_rate"] == [0.04, 0.02, 0.01, 0.005]


def test_a_schedule_object_of_the_step_is_called_with_one_argument():
    # ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5) used per epoch: 0.1 · 0.5^epoch.
    schedule = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    history = _fit(_model(SGD(learning_rate=1.0)), [LearningRateScheduler(schedule)], epochs=3)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025], rel=1e-15)


def test_star_args_schedule_gets_the_rate_too():
    seen = []

    def schedule(*args):
        seen.append(args)
        return 0.01

    _fit(_model(SGD(learning_rate=0.3)), [LearningRateScheduler(schedule)], epochs=2)
    assert seen == [(0, 0.3), (1, 0.01)]


def test_initial_epoch_continues_the_epoch_count():
    history = _fit(_model(SGD(learning_rate=0.5)), [LearningRateScheduler(exponential_decay_fn)],
                   epochs=5, initial_epoch=3)
    assert history.epoch == [3, 4]
    assert history.history["learning_rate"] == [exponential_decay_fn(3), exponential_decay_fn(4)]


def test_a_type_error_inside_a_two_argument_schedule_is_not_swallowed():
    def broken(epoch, lr):
        return lr * "0.5"  # a bug in the schedule itself

    with pytest.raises(TypeError, match="can't multiply"):
        _fit(_model(SGD(learning_rate=0.1)), [LearningRateScheduler(broken)], epochs=1)


class _NoSignature:
    """A callable whose signature Python cannot read; it accepts only (epoch)."""

    __signature__ = "unreadable"

    def __call__(self, epoch):
        return 0.2 / (epoch + 1)


def test_unreadable_signature_falls_back_to_one_argument_like_keras():
    scheduler = LearningRateScheduler(_NoSignature())
    history = _fit(_model(SGD(learning_rate=0.5)), [scheduler], epochs=2)
    assert history.history["learning_rate"] == [0.2, 0.1]


@pytest.mark.parametrize(("bad", "error"), [(None, TypeError), (float("nan"), ValueError),
                                            (-0.1, ValueError), ("0.1", TypeError),
                                            (math.inf, ValueError)])
def test_a_bad_rate_from_the_schedule_is_a_clear_error(bad, error):
    message = ("LearningRateScheduler: the learning rate the schedule returned must be "
               f"a finite number >= 0, got {bad!r}")
    optimizer = SGD(learning_rate=0.1)
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        _fit(_model(optimizer), [LearningRateScheduler(lambda epoch: bad)], epochs=1)
    # The bad rate never reached the optimizer.
    assert optimizer.learning_rate == 0.1


def test_schedule_must_be_callable():
    with pytest.raises(TypeError, match="schedule"):
        LearningRateScheduler(0.1)


def test_the_scheduler_needs_a_float_learning_rate():
    optimizer = SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="schedule"):
        _fit(_model(optimizer), [LearningRateScheduler(exponential_decay_fn)], epochs=1)


def test_batch_scheduler_runs_one_cycle_per_batch_with_momentum():
    total = 4 * BATCHES_PER_EPOCH
    cycle = schedules.OneCycle(total_steps=total, max_learning_rate=0.5)
    model = _model(SGD(learning_rate=0.01, momentum=0.9))
    recorder = _RateRecorder()
    history = _fit(model, [BatchScheduler(cycle), recorder])
    assert recorder.steps == list(range(total))
    assert recorder.rates == [cycle(step) for step in range(total)]
    assert recorder.momenta == [cycle.momentum(step) for step in range(total)]
    # The rate logged for an epoch is the one of its last step.
    last_steps = [BATCHES_PER_EPOCH * (e + 1) - 1 for e in range(4)]
    assert history.history["learning_rate"] == [cycle(step) for step in last_steps]
    # The cycle really goes up and comes down.
    assert max(recorder.rates) == pytest.approx(0.5, rel=0.05)
    assert recorder.rates[-1] < recorder.rates[0]


def test_batch_scheduler_continues_from_the_optimizer_step_after_a_break():
    total = 4 * BATCHES_PER_EPOCH
    cycle = schedules.OneCycle(total_steps=total, max_learning_rate=0.5)
    model = _model(SGD(learning_rate=0.01, momentum=0.9))
    recorder = _RateRecorder()
    _fit(model, [BatchScheduler(cycle), recorder], epochs=2)
    _fit(model, [BatchScheduler(cycle), recorder], epochs=4, initial_epoch=2)
    assert recorder.steps == list(range(total))
    assert recorder.rates == [cycle(step) for step in range(total)]


def test_batch_scheduler_sets_only_the_rate_of_adam():
    # 1cycle's momentum(step) exists, but Adam has no `momentum`: only the rate may change.
    cycle = schedules.OneCycle(total_steps=2 * BATCHES_PER_EPOCH, max_learning_rate=0.01)
    optimizer = Adam(learning_rate=0.001)
    beta_1 = optimizer.beta_1
    recorder = _RateRecorder()
    _fit(_model(optimizer), [BatchScheduler(cycle), recorder], epochs=2)
    assert recorder.rates == [cycle(step) for step in range(2 * BATCHES_PER_EPOCH)]
    assert optimizer.beta_1 == beta_1
    assert np.all([m is None for m in recorder.momenta])


def test_batch_scheduler_needs_a_float_learning_rate_too():
    optimizer = SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    cycle = schedules.OneCycle(total_steps=10, max_learning_rate=0.5)
    with pytest.raises(TypeError, match="BatchScheduler"):
        _fit(_model(optimizer), [BatchScheduler(cycle)], epochs=1)
