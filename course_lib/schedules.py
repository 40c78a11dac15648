"""Learning-rate schedules: the learning rate as a function of the step.

A schedule is a callable of the step ``t``, counted from 0 as Keras counts
``optimizer.iterations``: the first update uses ``schedule(0)``. Give it an
int for one value (a float comes back) or a NumPy array of steps for the whole
curve at once (an array comes back), which is what a plot wants::

    schedule = ExponentialDecay(0.01, decay_steps=1000, decay_rate=0.1)
    schedule(0)                      # 0.01
    schedule(np.arange(5000))        # the curve

Names and semantics follow ``keras.optimizers.schedules``. Every schedule
has ``get_config()`` and ``Cls.from_config(config)`` so it can be saved with
the optimizer and rebuilt exactly.
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import choice, finite_array, flag, integer, number


def _steps(step) -> np.ndarray:
    """The step (or array of steps) as float64, checked to be finite and >= 0."""
    steps = finite_array(step, "step")
    if np.any(steps < 0):
        raise ValueError(f"step must be >= 0, got {steps.min():g}")
    return steps


def _result(values: np.ndarray):
    """One float for one step, an array for an array of steps."""
    return float(values) if np.ndim(values) == 0 else values


class LearningRateSchedule:
    """A learning rate that changes with the step: ``schedule(step) -> float``."""

    def __call__(self, step):
        return _result(self._rate(_steps(step)))

    def _rate(self, step: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class ExponentialDecay(LearningRateSchedule):
    """η(t) = η₀ · r^(t / s): the rate is multiplied by r every s steps.

    ``initial_learning_rate`` is η₀, ``decay_steps`` is s and ``decay_rate``
    is r. With ``staircase=True`` the exponent is floored, ⌊t / s⌋, so the rate
    stays flat for s steps and then drops by the factor r at once. A rate r > 1
    grows instead, which is what a learning-rate range test wants.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool = False):
        self.initial_learning_rate = number(initial_learning_rate, "initial_learning_rate",
                                             low=0, low_inclusive=False)
        self.decay_steps = number(decay_steps, "decay_steps", low=0, low_inclusive=False)
        self.decay_rate = number(decay_rate, "decay_rate", low=0, low_inclusive=False)
        self.staircase = flag(staircase, "staircase")

    def _rate(self, step):
        periods = step / self.decay_steps
        if self.staircase:
            periods = np.floor(periods)
        return self.initial_learning_rate * self.decay_rate**periods

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
        }


class InverseTimeDecay(LearningRateSchedule):
    """η(t) = η₀ / (1 + r · t / s).

    ``initial_learning_rate`` is η₀, ``decay_steps`` is s, ``decay_rate`` is r.
    With ``staircase=True``, t / s is floored. With r = 1 this is power
    scheduling with c = 1: the rate halves after s steps, is a third after 2s.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool = False):
        self.initial_learning_rate = number(initial_learning_rate, "initial_learning_rate",
                                             low=0, low_inclusive=False)
        self.decay_steps = number(decay_steps, "decay_steps", low=0, low_inclusive=False)
        self.decay_rate = number(decay_rate, "decay_rate", low=0)
        self.staircase = flag(staircase, "staircase")

    def _rate(self, step):
        periods = step / self.decay_steps
        if self.staircase:
            periods = np.floor(periods)
        return self.initial_learning_rate / (1 + self.decay_rate * periods)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
        }


class PowerDecay(LearningRateSchedule):
    """Power scheduling: η(t) = η₀ / (1 + t / s)^c.

    ``initial_learning_rate`` is η₀, ``steps`` is s and ``power`` is c. After
    s steps the rate is η₀ / 2^c, after 2s steps η₀ / 3^c: it falls fast at
    first, then more and more slowly. With c = 1 it is Keras's
    ``InverseTimeDecay(η₀, decay_steps=s, decay_rate=1)``.
    """

    def __init__(self, initial_learning_rate: float, steps: float, power: float = 1.0):
        self.initial_learning_rate = number(initial_learning_rate, "initial_learning_rate",
                                             low=0, low_inclusive=False)
        self.steps = number(steps, "steps", low=0, low_inclusive=False)
        self.power = number(power, "power", low=0)

    def _rate(self, step):
        return self.initial_learning_rate / (1 + step / self.steps) ** self.power

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "steps": self.steps,
            "power": self.power,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate on each interval between ``boundaries``.

    ``values[0]`` while t ≤ boundaries[0], ``values[1]`` while
    boundaries[0] < t ≤ boundaries[1], …, and ``values[-1]`` after the last
    boundary: a boundary step still belongs to the interval before it, as in
    Keras. There is one more value than there are boundaries.
    """

    def __init__(self, boundaries, values):
        self.boundaries = [number(b, f"boundaries[{i}]", low=0) for i, b in enumerate(boundaries)]
        self.values = [number(v, f"values[{i}]", low=0) for i, v in enumerate(values)]
        if len(self.values) != len(self.boundaries) + 1:
            raise ValueError(
                f"values must have len(boundaries) + 1 = {len(self.boundaries) + 1} entries, "
                f"got {len(self.values)}"
            )
        if np.any(np.diff(self.boundaries) <= 0):
            raise ValueError(f"boundaries must be strictly increasing, got {self.boundaries}")

    def _rate(self, step):
        # How many boundaries lie strictly below t is the index of t's interval.
        interval = np.searchsorted(self.boundaries, step, side="left")
        return np.asarray(self.values)[interval]

    def get_config(self):
        return {"boundaries": list(self.boundaries), "values": list(self.values)}


class CosineDecay(LearningRateSchedule):
    """Optional linear warmup, then half a cosine down to a floor (Keras 3 semantics).

    Without ``warmup_target``: η(t) = η₀ · ((1 − α) · ½ (1 + cos(π t / T)) + α)
    for t ≤ T = ``decay_steps``, then held at α η₀. ``warmup_steps`` is
    ignored in that case, as in Keras.

    With ``warmup_target`` = η_w: the rate climbs linearly from η₀ to η_w over
    the first W = ``warmup_steps`` steps, then follows the same half cosine
    from η_w down to α η_w over the next T steps, and is held there.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, alpha: float = 0.0,
                 warmup_target: float | None = None, warmup_steps: float = 0):
        self.initial_learning_rate = number(initial_learning_rate, "initial_learning_rate", low=0)
        self.decay_steps = number(decay_steps, "decay_steps", low=0, low_inclusive=False)
        self.alpha = number(alpha, "alpha", low=0, high=1)
        self.warmup_target = (
            None if warmup_target is None else number(warmup_target, "warmup_target", low=0)
        )
        self.warmup_steps = number(warmup_steps, "warmup_steps", low=0)

    def _rate(self, step):
        if self.warmup_target is None:
            return self._cosine(step, self.initial_learning_rate)
        peak = self.warmup_target
        if self.warmup_steps == 0:
            return self._cosine(step, peak)
        warmup = self.initial_learning_rate + (peak - self.initial_learning_rate) * np.minimum(
            step / self.warmup_steps, 1.0
        )
        decay = self._cosine(np.maximum(step - self.warmup_steps, 0.0), peak)
        return np.where(step < self.warmup_steps, warmup, decay)

    def _cosine(self, step, start):
        done = np.minimum(step / self.decay_steps, 1.0)
        return start * ((1 - self.alpha) * 0.5 * (1 + np.cos(np.pi * done)) + self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class OneCycle(LearningRateSchedule):
    """1cycle (Leslie Smith, 2018): up, down, then down by orders of magnitude.

    The cycle is the first (1 − a) · N steps, N = ``total_steps`` and
    a = ``annihilation_fraction``. Over its first half the rate climbs
    linearly from η₀ = ``initial_learning_rate`` to η₁ = ``max_learning_rate``,
    over its second half it comes back down to η₀, and over the remaining
    a · N steps it falls linearly to ``final_learning_rate`` (η₀ / 1000 unless
    given). Past N steps the rate stays at that final value.

    ``momentum(step)`` mirrors the rate: ``max_momentum`` (0.95) down to
    ``min_momentum`` (0.85) while the rate climbs, back up to 0.95 while it
    falls, and held at 0.95 for the last phase and after.
    """

    def __init__(self, total_steps: int, max_learning_rate: float,
                 initial_learning_rate: float | None = None,
                 final_learning_rate: float | None = None, annihilation_fraction: float = 0.1,
                 max_momentum: float = 0.95, min_momentum: float = 0.85):
        self.total_steps = integer(total_steps, "total_steps", low=1)
        self.max_learning_rate = number(max_learning_rate, "max_learning_rate",
                                         low=0, low_inclusive=False)
        if initial_learning_rate is None:
            initial_learning_rate = self.max_learning_rate / 10
        self.initial_learning_rate = number(initial_learning_rate, "initial_learning_rate",
                                             low=0, low_inclusive=False,
                                             high=self.max_learning_rate)
        if final_learning_rate is None:
            final_learning_rate = self.initial_learning_rate / 1000
        self.final_learning_rate = number(final_learning_rate, "final_learning_rate",
                                           low=0, high=self.initial_learning_rate)
        self.annihilation_fraction = number(annihilation_fraction, "annihilation_fraction",
                                             low=0, low_inclusive=False,
                                             high=1, high_inclusive=False)
        self.max_momentum = number(max_momentum, "max_momentum", low=0, high=1,
                                    high_inclusive=False)
        self.min_momentum = number(min_momentum, "min_momentum", low=0, high=self.max_momentum)

    @property
    def cycle_steps(self) -> float:
        """Length of the up-and-down part, (1 − annihilation_fraction) · total_steps."""
        return (1 - self.annihilation_fraction) * self.total_steps

    def _rate(self, step):
        cycle = self.cycle_steps
        # np.interp joins the corner points with straight lines and holds the last value after.
        return np.interp(
            step,
            [0.0, cycle / 2, cycle, self.total_steps],
            [self.initial_learning_rate, self.max_learning_rate, self.initial_learning_rate,
             self.final_learning_rate],
        )

    def momentum(self, step):
        """The momentum β at ``step``: high when the rate is low, low when it is high."""
        cycle = self.cycle_steps
        return _result(np.interp(
            _steps(step),
            [0.0, cycle / 2, cycle],
            [self.max_momentum, self.min_momentum, self.max_momentum],
        ))

    def get_config(self):
        return {
            "total_steps": self.total_steps,
            "max_learning_rate": self.max_learning_rate,
            "initial_learning_rate": self.initial_learning_rate,
            "final_learning_rate": self.final_learning_rate,
            "annihilation_fraction": self.annihilation_fraction,
            "max_momentum": self.max_momentum,
            "min_momentum": self.min_momentum,
        }


SCHEDULES = {
    cls.__name__: cls
    for cls in (ExponentialDecay, InverseTimeDecay, PowerDecay, PiecewiseConstantDecay,
                CosineDecay, OneCycle)
}
"""Every schedule class by name, for ``deserialize``."""


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}``, plain JSON-ready data, as Keras writes it."""
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(f"schedule must be a LearningRateSchedule, got {schedule!r}")
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(data: dict) -> LearningRateSchedule:
    """Rebuild a schedule from what ``serialize`` wrote."""
    if not isinstance(data, dict) or set(data) != {"class_name", "config"}:
        raise ValueError(f"data must be a dict with 'class_name' and 'config', got {data!r}")
    choice(data["class_name"], "class_name", SCHEDULES)
    return SCHEDULES[data["class_name"]].from_config(data["config"])


class WarmupStableDecay(LearningRateSchedule):
    """Warmup–stable–decay ("WSD", the trapezoid): up, flat, then down to a floor.

    With η_peak = ``peak_learning_rate``, W, S, D the warmup, stable and decay steps::

        t < W:              η(t) = η_start + (η_peak − η_start) t / W
        W ≤ t < W + S:      η(t) = η_peak
        W + S ≤ t:          η(t) = η_peak + (η_end − η_peak) · min((t − W − S) / D, 1)

    η_start = ``initial_learning_rate`` (0) and η_end = ``final_learning_rate`` (0). Unlike a
    cosine, the rate stays at its peak for most of the run and only the last D steps decay, so
    a run can be extended from a checkpoint taken before the decay, and the decay started
    whenever the budget runs out.
    """

    def __init__(self, peak_learning_rate: float, warmup_steps: float, stable_steps: float,
                 decay_steps: float, initial_learning_rate: float = 0.0,
                 final_learning_rate: float = 0.0):
        self.peak_learning_rate = number(peak_learning_rate, "peak_learning_rate", low=0)
        self.warmup_steps = number(warmup_steps, "warmup_steps", low=0)
        self.stable_steps = number(stable_steps, "stable_steps", low=0)
        self.decay_steps = number(decay_steps, "decay_steps", low=0, low_inclusive=False)
        self.initial_learning_rate = number(initial_learning_rate, "initial_learning_rate",
                                            low=0)
        self.final_learning_rate = number(final_learning_rate, "final_learning_rate", low=0)

    def _rate(self, step):
        peak, start = self.peak_learning_rate, self.initial_learning_rate
        end = self.final_learning_rate
        warmup = start + (peak - start) * step / max(self.warmup_steps, 1)
        decaying = np.clip((step - self.warmup_steps - self.stable_steps) / self.decay_steps,
                           0.0, 1.0)
        return np.where(step < self.warmup_steps, warmup, peak + (end - peak) * decaying)

    def get_config(self):
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "warmup_steps": self.warmup_steps,
            "stable_steps": self.stable_steps,
            "decay_steps": self.decay_steps,
            "initial_learning_rate": self.initial_learning_rate,
            "final_learning_rate": self.final_learning_rate,
        }


SCHEDULES[WarmupStableDecay.__name__] = WarmupStableDecay
