"""Lesson 6: Adam with and without bias correction, over the first steps and on a landscape."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import NullLocator

from course_lib import optimizers
from course_lib.plots.adam import UNCORRECTED_LOOK, AdamWithoutCorrection, steady_steps
from course_lib.plots.colors import LOOKS
from course_lib.problems import Beale, Trajectory, trajectory
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import PathKey, dress_runs
from course_lib.widgets.panels import LandscapePanel, LossPanel

FIRST_STEPS = 50
"""The steady-gradient panel shows this many steps."""

STEPS = 100
"""Steps each run takes on the landscape."""

PROBLEM = Beale()
WINDOW = ((-1.0, 4.5), (-1.0, 2.5))
"""The part of Beale's plane around its default start (1, 1.5) and its minimum (3, 0.5)."""



LOSS_CEILING = 1e3
"""The loss panel's top. A run whose loss climbs past it has blown up out of the picture, even
when its numbers stay finite (at β₂ = 0 Adam's step is η · m/|g|, about η whatever the
slope, and it can walk a hundred units away): the explorer calls that diverged."""


def blew_up_at(run: Trajectory) -> int | None:
    """The first step at which ``run`` overflowed or passed ``LOSS_CEILING`` (None: never)."""
    above = np.flatnonzero(run.losses > LOSS_CEILING)
    if above.size:
        return int(above[0]) if run.diverged_at is None else min(int(above[0]), run.diverged_at)
    return run.diverged_at


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


def _optimizer(corrected: bool, learning_rate: float, beta_1: float, beta_2: float):
    kind = optimizers.Adam if corrected else AdamWithoutCorrection
    return kind(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)


@functools.lru_cache(maxsize=1024)
def _steady(corrected: bool, beta_1: float, beta_2: float) -> np.ndarray:
    # On a steady gradient the step is proportional to η, so one η serves every slider value.
    return steady_steps(_optimizer(corrected, 1e-3, beta_1, beta_2), FIRST_STEPS)


@functools.lru_cache(maxsize=1024)
def _run(corrected: bool, learning_rate: float, beta_1: float, beta_2: float,
         start: tuple[float, float] | None) -> Trajectory:
    return trajectory(_optimizer(corrected, learning_rate, beta_1, beta_2), PROBLEM, start=start,
                      steps=STEPS)


class AdamExplorer(Explorer):
    """η, β₁ and β₂: Adam's first steps with and without bias correction, and their paths."""

    LABELS = {True: "Adam", False: "Adam without correction"}

    def __init__(self, learning_rate=0.2, beta_1=0.9, beta_2=0.999):
        live = LiveFigure(figsize=(12.0, 3.7), ncols=3)
        steady_ax, landscape_ax, loss_ax = live.axes
        looks = {True: LOOKS["Adam"], False: UNCORRECTED_LOOK}

        steady_ax.set_yscale("log")
        steady_ax.set_xlim(0, FIRST_STEPS + 1)
        steady_ax.set_ylim(1e-3, 100)
        steady_ax.set_autoscale_on(False)
        steady_ax.set_xlabel("step t")
        steady_ax.set_ylabel("step / η")
        # Minor ticks on log axes cost much of the first draw and add nothing at this size.
        steady_ax.yaxis.set_minor_locator(NullLocator())
        steady_ax.set_title("the first steps on a steady gradient")
        steady_ax.grid(True, which="major", alpha=0.3)
        self.steady = {corrected: looks[corrected].on(
            steady_ax.plot([], [], linewidth=1.6, label=self.LABELS[corrected])[0],
            markersize=3) for corrected in (False, True)}
        live.animate(*self.steady.values())

        self.landscape = LandscapePanel(live, landscape_ax, PROBLEM, bounds=WINDOW)
        self.paths = {corrected: self.landscape.add_path(self.LABELS[corrected])
                      for corrected in (False, True)}
        landscape_ax.set_title("paths on Beale's function")

        self.losses = LossPanel(live, loss_ax, STEPS, high=1e3)
        for corrected in (False, True):
            self.losses.add_curve(self.LABELS[corrected])
        dress_runs({self.LABELS[corrected]: path for corrected, path in self.paths.items()},
                   self.losses,
                   {self.LABELS[corrected]: looks[corrected] for corrected in (False, True)})
        self.key = PathKey(live, list(self.paths.values()))
        loss_ax.yaxis.set_minor_locator(NullLocator())
        loss_ax.set_title("loss per step")
        super().__init__(
            {
                "learning_rate": controls.learning_rate(learning_rate, 1e-3, 1.0),
                "beta_1": controls.beta("β₁", beta_1, high=0.999),
                "beta_2": controls.beta("β₂", beta_2, high=0.9999),
            },
            live,
            landscape=self.landscape,
            losses=self.losses,
            steps=STEPS,
        )

    def update(self, learning_rate, beta_1, beta_2):
        learning_rate, beta_1, beta_2 = _key(learning_rate), _key(beta_1), _key(beta_2)
        t = np.arange(1, FIRST_STEPS + 1)
        steady = {corrected: _steady(corrected, beta_1, beta_2) for corrected in (False, True)}
        for corrected, line in self.steady.items():
            line.set_data(t, steady[corrected])
        start = self.landscape.start.picked
        runs = {corrected: _run(corrected, learning_rate, beta_1, beta_2, start)
                for corrected in (False, True)}
        for corrected, run in runs.items():
            self.paths[corrected].show(run)
            self.losses.show(self.LABELS[corrected], run.losses)

        without = steady[False]
        peak = int(np.argmax(np.abs(np.log(without))))
        first = (f"step 1: {steady[True][0]:.3g} η with the correction, {without[0]:.3g} η "
                 f"without; without it the step is furthest off at step {peak + 1} "
                 f"({without[peak]:.3g} η)")
        blown = {corrected: blew_up_at(run) for corrected, run in runs.items()}
        failed = [f"{self.LABELS[corrected]} diverged at step {step} (loss "
                  f"{_loss_words(runs[corrected], step)})"
                  for corrected, step in blown.items() if step is not None]
        if failed:
            advice = ("raise β₂: with so short a memory s holds only the last few g², and "
                      "the step stays about η however gentle the slope" if beta_2 < 0.5
                      else "lower η")
            return Status(f"{'; '.join(failed)}: {advice}.   {first}", warning=True)
        return Status(f"{first}.   Loss after {STEPS} steps: with {runs[True].final_loss:.2g}, "
                      f"without {runs[False].final_loss:.2g}")


def _loss_words(run: Trajectory, step: int) -> str:
    if step >= len(run.losses) or not np.isfinite(run.losses[step]):
        return "overflowed"
    return f"{run.losses[step]:.2g} at that step, {np.max(run.losses):.2g} at its worst"


@register("adam")
def adam_explorer(**initial) -> AdamExplorer:
    """The lesson-6 explorer: η, β₁, β₂; Adam with and without bias correction."""
    return AdamExplorer(**initial)
