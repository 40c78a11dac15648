"""Lesson 2: momentum against plain gradient descent, and momentum's terminal velocity."""

from __future__ import annotations

import functools
import math

import numpy as np
from matplotlib.ticker import NullLocator

from course_lib import optimizers
from course_lib.plots.colors import COLORS, LOOKS
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.plots.momentum import speeds_on_a_slope
from course_lib.problems import Bowl, Trajectory, trajectory
from course_lib.problems.rates import gradient_descent_limit, momentum_limit, momentum_speedup
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import (
    PathKey,
    SwitchingLandscape,
    dress_runs,
    problem_choices,
)
from course_lib.widgets.panels import LossPanel

STEPS = 200
"""Steps each run takes on the landscape."""

SPEED_STEPS = 1000
"""The speed panel's horizon; a run on the slope stops once its speed has settled."""

SETTLED = 1e-4
"""The slope run stops when βᵏ, the part of the start-up still left, is below this."""

PROBLEMS = problem_choices()


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


@functools.lru_cache(maxsize=1024)
def _run(problem: str, learning_rate: float, momentum: float,
         start: tuple[float, float] | None) -> Trajectory:
    optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    return trajectory(optimizer, PROBLEMS[problem], start=start, steps=STEPS)


@functools.lru_cache(maxsize=1024)
def slope_speeds(learning_rate: float, momentum: float) -> np.ndarray:
    """Momentum's step lengths on the slope J = θ (|g| = 1), in units of the plain step η|g|.

    The run is long enough for βᵏ to fall below ``SETTLED``, so its last entry is the top
    speed, measured; lesson 2 predicts 1/(1 − β).
    """
    steps = 1 if momentum == 0 else min(SPEED_STEPS,
                                        math.ceil(math.log(SETTLED) / math.log(momentum)))
    optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    return speeds_on_a_slope(optimizer, steps) / learning_rate


class MomentumExplorer(Explorer):
    """η, β and a problem: SGD and momentum paths, their losses, and momentum's top speed."""

    def __init__(self, learning_rate=0.015, momentum=0.9, problem="valley κ = 100"):
        live = LiveFigure(figsize=(12.0, 3.7), ncols=3)
        landscape_ax, loss_ax, speed_ax = live.axes
        self.landscape = SwitchingLandscape(live, landscape_ax, PROBLEMS, problem)
        self.paths = {label: self.landscape.add_path(label) for label in ("SGD", "Momentum")}
        landscape_ax.set_title("paths on the landscape")

        self.losses = LossPanel(live, loss_ax, STEPS, high=1e3)
        for label in ("SGD", "Momentum"):
            self.losses.add_curve(label)
        dress_runs(self.paths, self.losses, {label: LOOKS[label] for label in self.paths})
        self.key = PathKey(live, list(self.paths.values()))
        loss_ax.set_title("loss per step")

        speed_ax.set_xscale("log")
        speed_ax.set_yscale("log")
        speed_ax.set_xlim(1, SPEED_STEPS)
        speed_ax.set_ylim(0.7, 200)
        speed_ax.set_autoscale_on(False)
        # Minor ticks on two log axes cost most of the first draw and add nothing here.
        speed_ax.xaxis.set_minor_locator(NullLocator())
        speed_ax.yaxis.set_minor_locator(NullLocator())
        speed_ax.axhline(1, color=COLORS["SGD"], linewidth=1.2, label="plain step η|g|")
        speed_ax.set_xlabel("step on a constant slope")
        speed_ax.set_ylabel("step length / plain step η|g|")
        speed_ax.set_title("momentum's terminal velocity")
        speed_ax.grid(True, which="major", alpha=0.3)
        (self.speed,) = speed_ax.plot([], [], color=COLORS["Momentum"], linewidth=1.8,
                                      label="momentum, measured")
        (self.ceiling,) = speed_ax.plot([1, SPEED_STEPS], [1, 1], "--", color="#d62728",
                                        linewidth=1.2, label="predicted 1/(1 − β)")
        # Under the panel: at the controls' extremes the curves reach every corner of it.
        speed_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=LEGEND_FONTSIZE)
        live.animate(self.speed, self.ceiling)
        super().__init__(
            {
                "learning_rate": controls.learning_rate(learning_rate, 1e-4, 1.0),
                "momentum": controls.beta("momentum β", momentum, high=0.99),
                "problem": controls.dropdown("problem", PROBLEMS, problem),
            },
            live,
            landscape=self.landscape,
            losses=self.losses,
            steps=STEPS,
        )

    def update(self, learning_rate, momentum, problem):
        learning_rate, momentum = _key(learning_rate), _key(momentum)
        self.landscape.set_problem(problem)
        start = self.landscape.start.picked
        runs = {"SGD": _run(problem, learning_rate, 0.0, start),
                "Momentum": _run(problem, learning_rate, momentum, start)}
        for label, run in runs.items():
            self.paths[label].show(run)
            self.losses.show(label, run.losses)

        speeds = slope_speeds(learning_rate, momentum)
        predicted = momentum_speedup(momentum)
        self.speed.set_data(np.arange(1, len(speeds) + 1), speeds)
        self.ceiling.set_ydata([predicted, predicted])
        speed = (f"Measured top speed {speeds[-1]:.2f}× the plain step; "
                 f"1/(1−β) = {predicted:.3g}")

        failed = [f"{'SGD' if label == 'SGD' else 'Momentum'} diverged at step {run.diverged_at}"
                  for label, run in runs.items() if run.diverged]
        if failed:
            return Status(f"{'; '.join(failed)}: {self._limit_hint(learning_rate, momentum)}.   "
                          f"{speed}", warning=True)
        return Status(f"{speed}.   Loss after {STEPS} steps: SGD {runs['SGD'].final_loss:.2g}, "
                      f"momentum {runs['Momentum'].final_loss:.2g}")

    def _limit_hint(self, learning_rate: float, momentum: float) -> str:
        problem = self.landscape.problem
        if isinstance(problem, Bowl):
            # On a quadratic each Hessian eigenvalue λ is a separate 1-D problem, stable while
            # ηλ is under its limit; the largest λ here is κ.
            kappa = problem.condition_number
            return (f"ηκ = {learning_rate * kappa:.3g}, and this valley is stable only while "
                    f"ηκ < {gradient_descent_limit():g} for SGD and ηκ < 2(1 + β) = "
                    f"{momentum_limit(momentum):.3g} for momentum")
        return f"η = {learning_rate:.3g} is too large for this surface; lower it"


@register("momentum")
def momentum_explorer(**initial) -> MomentumExplorer:
    """The lesson-2 explorer: η, β and a problem; SGD against momentum, and the top speed."""
    return MomentumExplorer(**initial)
