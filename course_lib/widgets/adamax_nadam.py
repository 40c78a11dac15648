"""Lesson 7: Adam, AdaMax and Nadam on one problem, and Nadam's momentum warm-up."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import NullLocator

from course_lib import optimizers
from course_lib.plots.adamax_nadam import KERAS_PSI, TORCH_COLOR, TORCH_PSI, momentum_schedule
from course_lib.plots.colors import COLORS, LOOKS
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.problems import Beale, Bowl, Rosenbrock, RotatedBowl, Trajectory, trajectory
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import PathKey, SwitchingLandscape, dress_runs
from course_lib.widgets.panels import LossPanel

STEPS = 100
"""Steps each run takes on the landscape."""

SCHEDULE_STEPS = 1000
"""The momentum panel's horizon."""

PROBLEMS = {
    "Beale": Beale(),
    "valley κ = 100": Bowl(100.0),
    "turned valley κ = 100": RotatedBowl(100.0),
    "Rosenbrock": Rosenbrock(),
}

METHODS = {"Adam": optimizers.Adam, "AdaMax": optimizers.Adamax, "Nadam": optimizers.Nadam}
COLOR_KEYS = {"Adam": "Adam", "AdaMax": "Adamax", "Nadam": "Nadam"}


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


@functools.lru_cache(maxsize=2048)
def _run(method: str, problem: str, learning_rate: float, beta_1: float, beta_2: float,
         start: tuple[float, float] | None) -> Trajectory:
    optimizer = METHODS[method](learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)
    return trajectory(optimizer, PROBLEMS[problem], start=start, steps=STEPS)


def warm_up(schedule: np.ndarray, beta_1: float, within: float = 0.01) -> int | None:
    """The first step t at which μ_t is within ``within`` (relative) of β₁; None if never."""
    close = np.flatnonzero(schedule >= (1 - within) * beta_1)
    return int(close[0]) + 1 if close.size else None


def _reached(library: str, step: int | None) -> str:
    if step is None:
        return f"{library} not by step {SCHEDULE_STEPS}"
    return f"{library} after {step} step{'s' if step > 1 else ''}"


class AdamaxNadamExplorer(Explorer):
    """A problem and η, β₁, β₂ shared by Adam, AdaMax and Nadam; Nadam's μ_t in two libraries."""

    def __init__(self, problem="Beale", learning_rate=0.2, beta_1=0.9, beta_2=0.999):
        live = LiveFigure(figsize=(12.0, 3.7), ncols=3)
        landscape_ax, loss_ax, schedule_ax = live.axes
        self.landscape = SwitchingLandscape(live, landscape_ax, PROBLEMS, problem)
        self.paths = {name: self.landscape.add_path(name) for name in METHODS}
        landscape_ax.set_title("paths on the landscape")

        self.losses = LossPanel(live, loss_ax, STEPS, high=1e3)
        for name in METHODS:
            self.losses.add_curve(name)
        dress_runs(self.paths, self.losses, {name: LOOKS[COLOR_KEYS[name]] for name in METHODS})
        self.key = PathKey(live, list(self.paths.values()))
        # Minor ticks on log axes cost much of the first draw and add nothing at this size.
        loss_ax.yaxis.set_minor_locator(NullLocator())
        loss_ax.set_title("loss per step")

        t = np.arange(1, SCHEDULE_STEPS + 1)
        schedule_ax.set_xlim(0, SCHEDULE_STEPS)
        schedule_ax.set_ylim(0, 1)
        schedule_ax.set_autoscale_on(False)
        schedule_ax.set_xlabel("step t")
        schedule_ax.set_ylabel("momentum coefficient μ_t")
        schedule_ax.set_title("Nadam's momentum warm-up")
        schedule_ax.grid(True, alpha=0.3)
        self.schedules = {
            KERAS_PSI: schedule_ax.plot(t, np.zeros_like(t, dtype=float), color=COLORS["Nadam"],
                                        linewidth=2, label="Keras 3: β₁(1 − ½·0.96ᵗ)")[0],
            TORCH_PSI: schedule_ax.plot(t, np.zeros_like(t, dtype=float), "--", color=TORCH_COLOR,
                                        linewidth=2, label="PyTorch: β₁(1 − ½·0.96^(0.004t))")[0],
        }
        (self.target,) = schedule_ax.plot([0, SCHEDULE_STEPS], [0, 0], ":", color="k",
                                          linewidth=1, label="β₁")
        schedule_ax.legend(loc="lower right", fontsize=LEGEND_FONTSIZE)
        live.animate(*self.schedules.values(), self.target)
        super().__init__(
            {
                "problem": controls.dropdown("problem", PROBLEMS, problem),
                "learning_rate": controls.learning_rate(learning_rate, 1e-3, 1.0),
                "beta_1": controls.beta("β₁", beta_1, high=0.999),
                "beta_2": controls.beta("β₂", beta_2, high=0.9999),
            },
            live,
            columns=4,
            landscape=self.landscape,
            losses=self.losses,
            steps=STEPS,
        )

    def update(self, problem, learning_rate, beta_1, beta_2):
        learning_rate, beta_1, beta_2 = _key(learning_rate), _key(beta_1), _key(beta_2)
        self.landscape.set_problem(problem)
        start = self.landscape.start.picked
        runs = {name: _run(name, problem, learning_rate, beta_1, beta_2, start)
                for name in METHODS}
        for name, run in runs.items():
            self.paths[name].show(run)
            self.losses.show(name, run.losses)

        schedules = {psi: momentum_schedule(beta_1, SCHEDULE_STEPS, psi)
                     for psi in self.schedules}
        for psi, line in self.schedules.items():
            line.set_ydata(schedules[psi])
        self.target.set_ydata([beta_1, beta_1])
        momentum = "μ_t within 1 % of β₁: " + ", ".join(
            _reached(library, warm_up(schedules[psi], beta_1))
            for library, psi in (("Keras", KERAS_PSI), ("PyTorch", TORCH_PSI)))

        failed = [f"{name} diverged at step {run.diverged_at}"
                  for name, run in runs.items() if run.diverged]
        if failed:
            return Status(f"{'; '.join(failed)}: lower η.   {momentum}", warning=True)
        losses = ", ".join(f"{name} {run.final_loss:.2g}" for name, run in runs.items())
        return Status(f"loss after {STEPS} steps: {losses} (window: {self.landscape.window}).   "
                      f"{momentum}")


@register("adamax_nadam")
def adamax_nadam_explorer(**initial) -> AdamaxNadamExplorer:
    """The lesson-7 explorer: Adam, AdaMax and Nadam with shared η, β₁, β₂ on a chosen problem."""
    return AdamaxNadamExplorer(**initial)
