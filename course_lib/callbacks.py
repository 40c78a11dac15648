"""Keras-style callbacks for the small network's `fit` loop.

The protocol is Keras's: `fit` calls `set_model(model)` on every callback, then

    on_train_begin(logs)
    for each epoch:      on_epoch_begin(epoch, logs)
        for each batch:  on_train_batch_begin(batch, logs), on_train_batch_end(batch, logs)
                         on_epoch_end(epoch, logs)
    on_train_end(logs)

Epochs are 0-based and continue from `fit(..., initial_epoch=k)`; `batch` restarts at 0 every
epoch. The epoch logs hold loss, accuracy, val_loss and val_accuracy (with validation data) and
learning_rate; the batch logs hold that batch's own loss and accuracy (Keras passes running means
there). Callbacks read and write `model.optimizer.learning_rate` and may set
`model.stop_training = True`.

Where Keras only warns (an unknown `mode`, a monitored quantity missing from the logs), these
callbacks raise a ValueError that names the problem: a scheduler that silently does nothing is
the hardest bug to see in a lesson.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from course_lib.validation import choice, flag, integer, number


class Callback:
    """The base class: every hook does nothing until a subclass overrides it."""

    model = None

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self, logs=None) -> None:
        pass

    def on_train_end(self, logs=None) -> None:
        pass

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        pass

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        pass

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        pass


class History(Callback):
    """What `fit` returns: `history[key]` is the list of that quantity, one entry per epoch.

    `epoch` lists the epoch numbers (from initial_epoch on), `params` the fit settings.
    """

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict = {}

    def on_train_begin(self, logs=None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


def _float_learning_rate(optimizer, caller: str) -> float:
    """The optimizer's learning rate as a float, or a TypeError if it is a schedule."""
    rate = optimizer.learning_rate
    if callable(rate):
        raise TypeError(
            f"{caller} sets the learning rate itself, but the optimizer's learning_rate is a "
            f"schedule ({rate!r}); create the optimizer with a float learning_rate"
        )
    return float(rate)


def _scheduled_rate(value, caller: str) -> float:
    """The rate a schedule returned, checked as any learning rate is; the message says who."""
    return number(value, f"{caller}: the learning rate the schedule returned", low=0)


def _takes_learning_rate(schedule: Callable) -> bool | None:
    """True if schedule accepts (epoch, lr), False if only (epoch), None if Python cannot tell."""
    try:
        parameters = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):
        return None
    positional = 0
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return True
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            positional += 1
    return positional >= 2


class LearningRateScheduler(Callback):
    """At the start of every epoch, set the learning rate to schedule(epoch) or schedule(epoch, lr).

    epoch is 0-based and continues from fit's initial_epoch; lr is the optimizer's current rate.
    With schedule(epoch, lr) the schedule compounds from whatever rate the optimizer holds, and
    its first change already happens at epoch 0: `lambda epoch, lr: lr * 0.1 ** (1 / 20)` trains
    epoch 0 at η0·0.1^(1/20), not η0.

    Which form is called is decided once, from the schedule's signature: a schedule that accepts
    two positional arguments gets (epoch, lr), any other gets (epoch). Keras calls
    schedule(epoch, lr) and falls back to schedule(epoch) on a TypeError, which would also swallow
    a TypeError raised inside a two-argument schedule; reading the signature cannot. Only a
    callable whose signature Python cannot read (some built-ins) gets Keras's try-and-fall-back.
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        if not callable(schedule):
            raise TypeError("schedule must be callable as schedule(epoch) or schedule(epoch, lr), "
                            f"got {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose
        self._two_arguments = _takes_learning_rate(schedule)

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        optimizer = self.model.optimizer
        current = _float_learning_rate(optimizer, "LearningRateScheduler")
        if self._two_arguments is None:
            try:
                new_rate = self.schedule(epoch, current)
            except TypeError:
                new_rate = self.schedule(epoch)
        elif self._two_arguments:
            new_rate = self.schedule(epoch, current)
        else:
            new_rate = self.schedule(epoch)
        optimizer.learning_rate = _scheduled_rate(new_rate, "LearningRateScheduler")
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate "
                  f"to {new_rate}.")


class BatchScheduler(Callback):
    """Before every batch, set the learning rate to schedule(step), and the momentum too.

    step = optimizer.iterations, the 0-based count of updates so far: that is what makes a
    per-step schedule such as 1cycle run per batch, and it comes back with the optimizer's state,
    so a resumed fit continues the schedule where it stopped. If the schedule has a
    `momentum(step)` method (1cycle does) and the optimizer has a `momentum` attribute (SGD), the
    momentum follows it as well; Adam's beta_1 is left alone.
    """

    def __init__(self, schedule: Callable):
        if not callable(schedule):
            raise TypeError(f"schedule must be a callable of the step, got {schedule!r}")
        self.schedule = schedule

    def on_train_begin(self, logs=None) -> None:
        _float_learning_rate(self.model.optimizer, "BatchScheduler")

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        optimizer = self.model.optimizer
        step = optimizer.iterations
        optimizer.learning_rate = _scheduled_rate(self.schedule(step), "BatchScheduler")
        if hasattr(self.schedule, "momentum") and hasattr(optimizer, "momentum"):
            optimizer.momentum = float(self.schedule.momentum(step))


class _Monitor:
    """Which way a monitored quantity should move, and what counts as moving.

    mode "min": current improves on best when current < best − min_delta; "max": when
    current > best + min_delta; "auto": "max" for a name containing "acc", else "min".
    min_delta is absolute (Keras's rule; PyTorch's default threshold is relative).
    """

    def __init__(self, monitor: str, mode: str, min_delta: float, caller: str):
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be the name of a logged quantity, got {monitor!r}")
        choice(mode, "mode", ("auto", "min", "max"))
        min_delta = number(min_delta, "min_delta")
        self.monitor = monitor
        self.caller = caller
        self.maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self.min_delta = abs(min_delta)
        self.worst = -np.inf if self.maximize else np.inf

    def is_improvement(self, current: float, best: float) -> bool:
        if self.maximize:
            return bool(current > best + self.min_delta)
        return bool(current < best - self.min_delta)

    def read(self, logs) -> float:
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"{self.caller} monitors {self.monitor!r}, which is not in the logs "
                f"{sorted(logs)}; pass validation_data to fit, or monitor one of those"
            )
        return float(logs[self.monitor])


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by `factor` when `monitor` has stopped improving (Keras 3 rules).

    At the end of every epoch, with current = logs[monitor]:

    1. if in cooldown (cooldown_counter > 0): cooldown_counter −= 1 and wait = 0;
    2. if current < best − min_delta (mode "max": current > best + min_delta): best = current,
       wait = 0 — best is the best value so far, so small steps that each beat the previous
       epoch by less than min_delta still add up to an improvement on best;
    3. otherwise, unless still in cooldown after step 1: wait += 1, and once wait >= patience,
       if lr > min_lr: lr = max(lr·factor, min_lr), cooldown_counter = cooldown, wait = 0.

    So the rate is cut at the end of the `patience`-th epoch in a row without improvement.
    PyTorch's ReduceLROnPlateau cuts one epoch later (it needs more than `patience` bad
    epochs) and its threshold is relative by default. Because the counter is decremented before
    it is tested, cooldown=c leaves the c − 1 epochs after a cut uncounted and counts the c-th.
    The cut shows in history["learning_rate"] from the next epoch on.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ):
        # The rate is multiplied by factor, so 1 or more would never reduce it.
        factor = number(factor, "factor", low=0, high=1, high_inclusive=False)
        min_lr = number(min_lr, "min_lr", low=0)
        patience = integer(patience, "patience", low=0)
        cooldown = integer(cooldown, "cooldown", low=0)
        self._monitor = _Monitor(monitor, mode, min_delta, "ReduceLROnPlateau")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.min_delta = self._monitor.min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self) -> None:
        self.best = self._monitor.worst
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        current = self._monitor.read(logs)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._monitor.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch: int) -> None:
        optimizer = self.model.optimizer
        old_rate = _float_learning_rate(optimizer, "ReduceLROnPlateau")
        if old_rate > self.min_lr:
            new_rate = max(old_rate * self.factor, self.min_lr)
            optimizer.learning_rate = new_rate
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                      f"to {new_rate}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0


class EarlyStopping(Callback):
    """Stop training when `monitor` has stopped improving (Keras 3 rules).

    Improvement is judged as in ReduceLROnPlateau (min_delta absolute, against the best so far).
    Epochs before `start_from_epoch` are ignored. At every other epoch end wait += 1; on an
    improvement best = current and wait = 0 (unless `baseline` is set and not beaten); otherwise
    training stops once wait >= patience (never at epoch 0). So with patience=p the run stops at
    the end of the p-th epoch in a row without improvement.

    restore_best_weights=True puts back the weights of the best epoch when it stops training. As
    in Keras, a run that reaches `epochs` without stopping keeps its last weights.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ):
        if baseline is not None:
            baseline = number(baseline, "baseline")
        patience = integer(patience, "patience", low=0)
        start_from_epoch = integer(start_from_epoch, "start_from_epoch", low=0)
        self._monitor = _Monitor(monitor, mode, min_delta, "EarlyStopping")
        self.monitor = monitor
        self.min_delta = self._monitor.min_delta
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = flag(restore_best_weights, "restore_best_weights")
        self.start_from_epoch = start_from_epoch
        self.on_train_begin()

    def on_train_begin(self, logs=None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def _beats(self, current: float, reference: float | None) -> bool:
        return reference is None or self._monitor.is_improvement(current, reference)

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        current = self._monitor.read(logs)
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Something to restore even if no epoch ever improves on the first one.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._beats(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self._beats(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights:
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            restored = ""
            if self.restore_best_weights:
                restored = f", weights restored from epoch {self.best_epoch + 1}"
            print(f"Epoch {self.stopped_epoch + 1}: early stopping{restored}")
