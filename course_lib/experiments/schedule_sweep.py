"""Lesson 9's schedule sweep: the digits MLP trained with every schedule on a grid of settings.

Every schedule of the lesson starts at the same η₀ and trains the same network from the same
initial weights with SGD and momentum 0.9 (1cycle cycles its momentum), so the runs differ
only by the schedule. Training twenty epochs takes a second, so every setting the lesson's
playground can reach (:func:`grid`) is trained once by ``scripts/build_schedule_cache.py``
(with :func:`train`) and stored in ``course_lib/data/schedules_digits.npz``;
:class:`ScheduleCache` reads the runs back by :class:`Setting`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from course_lib import callbacks, datasets, nn, optimizers, schedules
from course_lib.experiments import cache as npz
from course_lib.validation import choice, number

CACHE = npz.DATA / "schedules_digits.npz"
REBUILD = "python scripts/build_schedule_cache.py"

EPOCHS = 20
BATCH_SIZE = 32
HIDDEN_UNITS = (32,)
MOMENTUM = 0.9
SEED = 0
PLATEAU_FACTOR = 0.5
"""The performance schedule halves the rate, as in the source's ReduceLROnPlateau(factor=0.5)."""
ONE_CYCLE_PEAK = 10.0
"""1cycle climbs from η₀ to η₁ = 10 η₀: the lesson's rule η₀ ≈ η₁ / 10."""

SCHEDULE_NAMES = ("constant", "power", "exponential", "piecewise", "performance", "cosine",
                  "1cycle")
INITIAL_RATES = tuple(float(10 ** (k / 2)) for k in range(-5, 1))
"""η₀ on a half-decade grid, 0.0032 … 1: from too slow to too high for this network."""
DECAY_EPOCHS = (1, 2, 4, 8, 16)
"""s, in epochs: power halves the rate after s (c = 1), exponential divides it by 10 every s,
piecewise divides it by 10 at epochs s and 2s."""
POWERS = (0.5, 1.0, 1.5, 2.0)
PATIENCES = (1, 2, 3, 4, 5)
CURVES = ("loss", "val_loss", "val_accuracy", "learning_rate")
"""What the cache keeps per run, one value per epoch (NaN after a run blew up)."""

CHANCE = 0.2
"""A final validation accuracy at or below this (10 classes: chance is 0.1) is a failed run."""


def nearest(value: float, grid, log: bool = False):
    """The grid value closest to ``value`` (in log distance for rates)."""
    points = np.log(grid) if log else np.asarray(grid, dtype=float)
    target = math.log(value) if log else value
    return grid[int(np.argmin(np.abs(points - target)))]


@dataclass(frozen=True)
class Setting:
    """One schedule with the parameters it uses; the others stay None.

    ``decay_epochs`` (s) is used by power, exponential and piecewise, ``power`` (c) by power,
    ``patience`` by performance.
    """

    schedule: str
    initial_learning_rate: float
    decay_epochs: int | None = None
    power: float | None = None
    patience: int | None = None

    @classmethod
    def on_grid(cls, schedule: str, initial_learning_rate: float, decay_epochs: float = 4,
                power: float = 1.0, patience: int = 3) -> Setting:
        """The cached setting nearest to these values, keeping only what ``schedule`` uses."""
        choice(schedule, "schedule", SCHEDULE_NAMES)
        for name, value in (("initial_learning_rate", initial_learning_rate),
                            ("decay_epochs", decay_epochs), ("power", power),
                            ("patience", patience)):
            number(value, name, low=0, low_inclusive=False)
        rate = nearest(initial_learning_rate, INITIAL_RATES, log=True)
        uses_s = schedule in ("power", "exponential", "piecewise")
        return cls(
            schedule, rate,
            decay_epochs=nearest(decay_epochs, DECAY_EPOCHS, log=True) if uses_s else None,
            power=nearest(power, POWERS) if schedule == "power" else None,
            patience=nearest(patience, PATIENCES) if schedule == "performance" else None,
        )

    @property
    def key(self) -> str:
        parts = [self.schedule, f"eta0={self.initial_learning_rate:.6g}"]
        for name, value in (("s", self.decay_epochs), ("c", self.power),
                            ("patience", self.patience)):
            if value is not None:
                parts.append(f"{name}={value:g}")
        return "|".join(parts)


def grid() -> list[Setting]:
    """Every setting the sliders can reach: the runs the cache holds."""
    settings = []
    for rate in INITIAL_RATES:
        settings.append(Setting("constant", rate))
        settings += [Setting("power", rate, s, c) for s in DECAY_EPOCHS for c in POWERS]
        settings += [Setting("exponential", rate, s) for s in DECAY_EPOCHS]
        settings += [Setting("piecewise", rate, s) for s in DECAY_EPOCHS]
        settings += [Setting("performance", rate, patience=p) for p in PATIENCES]
        settings.append(Setting("cosine", rate))
        settings.append(Setting("1cycle", rate))
    return settings


def make_schedule(setting: Setting, steps_per_epoch: int):
    """The schedule of the step that ``setting`` trains with, or None for constant and
    performance (whose rate is a float that only a callback changes)."""
    eta0 = setting.initial_learning_rate
    total_steps = EPOCHS * steps_per_epoch
    if setting.schedule == "power":
        return schedules.PowerDecay(eta0, steps=setting.decay_epochs * steps_per_epoch,
                                    power=setting.power)
    if setting.schedule == "exponential":
        return schedules.ExponentialDecay(eta0, decay_steps=setting.decay_epochs * steps_per_epoch,
                                          decay_rate=0.1)
    if setting.schedule == "piecewise":
        boundary = setting.decay_epochs * steps_per_epoch
        return schedules.PiecewiseConstantDecay([boundary, 2 * boundary],
                                                [eta0, eta0 / 10, eta0 / 100])
    if setting.schedule == "cosine":
        return schedules.CosineDecay(eta0, decay_steps=total_steps)
    if setting.schedule == "1cycle":
        return schedules.OneCycle(total_steps, max_learning_rate=ONE_CYCLE_PEAK * eta0,
                                  initial_learning_rate=eta0)
    return None


def train(setting: Setting, data=None) -> dict[str, np.ndarray]:
    """Train the digits MLP with ``setting`` for ``EPOCHS`` epochs; the curves of the cache.

    Returns each of ``CURVES`` per epoch, and ``diverged_at``: the epoch in which the loss
    stopped being a finite number (fit raises then), or −1.
    """
    data = data or datasets.load_digits_split()
    steps_per_epoch = math.ceil(len(data.X_train) / BATCH_SIZE)
    schedule = make_schedule(setting, steps_per_epoch)
    extra: list[callbacks.Callback] = []
    eta0 = setting.initial_learning_rate
    if setting.schedule == "1cycle":
        # 1cycle sets rate and momentum before every batch: the optimizer holds plain floats.
        optimizer = optimizers.SGD(eta0, momentum=schedule.max_momentum)
        extra.append(callbacks.BatchScheduler(schedule))
    elif schedule is None:
        optimizer = optimizers.SGD(eta0, momentum=MOMENTUM)
        if setting.schedule == "performance":
            extra.append(callbacks.ReduceLROnPlateau(monitor="val_loss", factor=PLATEAU_FACTOR,
                                                     patience=setting.patience))
    else:
        optimizer = optimizers.SGD(schedule, momentum=MOMENTUM)
    model = nn.MLP(HIDDEN_UNITS, n_classes=data.n_classes, seed=SEED)
    model.compile(optimizer)
    record = callbacks.History()
    diverged_at = -1
    try:
        # A rate that is far too high overflows on purpose; fit stops at the first bad loss.
        with np.errstate(all="ignore"):
            model.fit(data.X_train, data.y_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                      validation_data=(data.X_valid, data.y_valid), callbacks=[record, *extra])
    except FloatingPointError:
        diverged_at = len(record.epoch)
    run = {}
    for name in CURVES:
        values = np.full(EPOCHS, np.nan)
        logged = record.history.get(name, [])
        values[:len(logged)] = logged
        run[name] = values
    run["diverged_at"] = np.array(diverged_at)
    run["steps_per_epoch"] = np.array(steps_per_epoch)
    return run


def sweep_arrays(settings=None, progress=None) -> dict[str, np.ndarray]:
    """Train every setting of ``grid()`` and stack the curves into the arrays of the cache."""
    settings = grid() if settings is None else list(settings)
    data = datasets.load_digits_split()
    runs = []
    for index, setting in enumerate(settings):
        runs.append(train(setting, data))
        if progress is not None:
            progress(index + 1, len(settings), setting)
    arrays = {name: np.stack([run[name] for run in runs]) for name in CURVES}
    arrays["diverged_at"] = np.array([int(run["diverged_at"]) for run in runs])
    arrays["keys"] = np.array([setting.key for setting in settings])
    arrays["steps_per_epoch"] = np.array(int(runs[0]["steps_per_epoch"]))
    arrays["epochs"] = np.array(EPOCHS)
    return arrays


@dataclass(frozen=True)
class Run:
    """One cached run: per-epoch curves and the epoch it blew up in (−1 if it did not)."""

    loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    learning_rate: np.ndarray
    diverged_at: int

    @property
    def final_accuracy(self) -> float:
        return float(self.val_accuracy[-1]) if self.diverged_at < 0 else 0.0

    @property
    def failed(self) -> bool:
        """Blew up, or ended no better than guessing (the ReLUs died under a huge rate)."""
        return self.diverged_at >= 0 or self.final_accuracy <= CHANCE


class ScheduleCache:
    """The precomputed runs, looked up by :class:`Setting`."""

    def __init__(self, path=CACHE):
        self.arrays = npz.read(path, REBUILD)
        self.steps_per_epoch = int(self.arrays["steps_per_epoch"])
        self.epochs = int(self.arrays["epochs"])
        self._rows = {str(key): row for row, key in enumerate(self.arrays["keys"])}

    def run(self, setting: Setting) -> Run:
        if setting.key not in self._rows:
            raise KeyError(f"no cached run for {setting.key}; rebuild the cache with `{REBUILD}`")
        row = self._rows[setting.key]
        return Run(*(self.arrays[name][row] for name in CURVES),
                   diverged_at=int(self.arrays["diverged_at"][row]))

    def rates(self, setting: Setting) -> np.ndarray:
        """The learning rate at every step 0 … epochs · steps_per_epoch − 1 of the run."""
        steps = np.arange(self.epochs * self.steps_per_epoch)
        schedule = make_schedule(setting, self.steps_per_epoch)
        if schedule is not None:
            return schedule(steps)
        if setting.schedule == "performance":
            # The callback changes the rate between epochs: it is flat within each one.
            per_epoch = self.run(setting).learning_rate
            logged = per_epoch[np.isfinite(per_epoch)]
            held = logged[-1] if len(logged) else setting.initial_learning_rate
            per_epoch = np.where(np.isfinite(per_epoch), per_epoch, held)
            return np.repeat(per_epoch, self.steps_per_epoch)
        return np.full(len(steps), setting.initial_learning_rate)


@functools.lru_cache(maxsize=1)
def load_cache() -> ScheduleCache:
    """``schedules_digits.npz``, loaded once."""
    return ScheduleCache()
