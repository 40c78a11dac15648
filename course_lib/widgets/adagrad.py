"""Lesson 4: AdaGrad against gradient descent on the bowl, and AdaGrad's fading rates."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import NullLocator

from course_lib import optimizers
from course_lib.plots.adagrad import (
    COORDINATE_COLORS,
    COORDINATE_DASHES,
    effective_rates,
    heading_error,
)
from course_lib.plots.colors import COLORS, LOOKS
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.problems import Bowl, Trajectory, trajectory
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import PathKey, dress_runs
from course_lib.widgets.panels import LandscapePanel, LossPanel

STEPS = 100
"""Steps each run takes."""

TURN = 45.0
"""The angle, in degrees, of the turned bowl."""

BOUNDS = ((-10.0, 10.0), (-10.0, 10.0))
"""One window for both bowls, so turning the bowl needs no new axes."""


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


@functools.lru_cache(maxsize=128)
def _bowl(condition_number: float, turned: bool) -> Bowl:
    return Bowl(condition_number, TURN if turned else 0.0)


@functools.lru_cache(maxsize=256)
def _gd_run(condition_number: float, turned: bool, start: tuple[float, float] | None) -> Trajectory:
    optimizer = optimizers.SGD(learning_rate=1 / condition_number)
    return trajectory(optimizer, _bowl(condition_number, turned), start=start, steps=STEPS)


@functools.lru_cache(maxsize=1024)
def _adagrad_run(condition_number: float, turned: bool, learning_rate: float,
                 start: tuple[float, float] | None) -> tuple[Trajectory, np.ndarray]:
    problem = _bowl(condition_number, turned)
    optimizer = optimizers.Adagrad(learning_rate=learning_rate)
    run = trajectory(optimizer, problem, start=start, steps=STEPS)
    return run, effective_rates(problem, run, learning_rate, optimizer.initial_accumulator_value,
                                optimizer.epsilon)


def _aim_text(runs: dict[str, Trajectory], problem: Bowl) -> str:
    """How far each first step points off the line to the minimum, or why there is no angle."""
    aim = {label: heading_error(run, problem.minimum) for label, run in runs.items()}
    if all(angle is None for angle in aim.values()):
        return ("the paths start at the minimum, where the gradient is zero: no step is taken, "
                "so there is no direction to measure")
    return "first step off the straight line to the minimum: " + ", ".join(
        f"{label} " + ("none (no step)" if angle is None else f"{angle:.0f}°")
        for label, angle in aim.items())


class AdagradExplorer(Explorer):
    """η, κ and a turn of the bowl: GD and AdaGrad paths, losses, and AdaGrad's two rates."""

    def __init__(self, learning_rate=1.0, condition_number=100.0, turned=False):
        live = LiveFigure(figsize=(12.0, 3.7), ncols=3)
        landscape_ax, rate_ax, loss_ax = live.axes
        self.landscape = LandscapePanel(live, landscape_ax, _bowl(condition_number, turned),
                                        bounds=BOUNDS)
        self.paths = {label: self.landscape.add_path(label) for label in ("GD", "AdaGrad")}
        # The key says at which rate GD runs; the path keeps its short name for the readout.
        self.paths["GD"].line.set_label("GD, η = 1/κ")
        landscape_ax.set_title("paths on the bowl")

        # Log-log: a rate that falls like 1/√t is a straight line, and the first steps show.
        rate_ax.set_xscale("log")
        rate_ax.set_yscale("log")
        rate_ax.set_xlim(1, STEPS)
        rate_ax.set_ylim(1e-5, 1e2)
        rate_ax.set_autoscale_on(False)
        # Minor ticks on log axes cost much of the first draw and add nothing at this size.
        rate_ax.xaxis.set_minor_locator(NullLocator())
        rate_ax.yaxis.set_minor_locator(NullLocator())
        rate_ax.set_xlabel("step")
        rate_ax.set_ylabel("effective rate η / √(sᵢ + ε)")
        rate_ax.set_title("AdaGrad's rate per coordinate")
        rate_ax.grid(True, which="major", alpha=0.3)
        self.rates = [rate_ax.plot([], [], color=color, linestyle=dashes, linewidth=1.8,
                                   label=f"AdaGrad, θ{index}")[0]
                      for color, dashes, index in zip(COORDINATE_COLORS, COORDINATE_DASHES, "₁₂",
                                                      strict=True)]
        (self.gd_rate,) = rate_ax.plot([1, STEPS], [1, 1], "--", color=COLORS["SGD"],
                                       linewidth=1.2, label="GD, both: 1/κ")
        # Under the panel: at the controls' extremes the curves reach every corner of it.
        rate_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=LEGEND_FONTSIZE)
        live.animate(*self.rates, self.gd_rate)

        self.losses = LossPanel(live, loss_ax, STEPS, high=1e4)
        # The legend says at which rate GD runs; the curve keeps its short key.
        self.losses.add_curve("GD")
        self.losses.add_curve("AdaGrad")
        dress_runs(self.paths, self.losses, {"GD": LOOKS["SGD"], "AdaGrad": LOOKS["Adagrad"]})
        self.key = PathKey(live, list(self.paths.values()))
        loss_ax.yaxis.set_minor_locator(NullLocator())
        loss_ax.set_title("loss per step")
        super().__init__(
            {
                "learning_rate": controls.learning_rate(learning_rate, 0.03, 10.0),
                "condition_number": controls.condition_number(condition_number),
                "turned": controls.toggle(f"turn the bowl {TURN:g}°", turned),
            },
            live,
            landscape=self.landscape,
            losses=self.losses,
            steps=STEPS,
        )

    def update(self, learning_rate, condition_number, turned):
        learning_rate, condition_number = _key(learning_rate), _key(condition_number)
        problem = _bowl(condition_number, turned)
        self.landscape.set_problem(problem)
        start = self.landscape.start.picked
        gd = _gd_run(condition_number, turned, start)
        adagrad, rates = _adagrad_run(condition_number, turned, learning_rate, start)
        runs = {"GD": gd, "AdaGrad": adagrad}
        for label, run in runs.items():
            self.paths[label].show(run)
            self.losses.show(label, run.losses)
        steps = np.arange(1, len(rates) + 1)
        for line, column in zip(self.rates, rates.T, strict=True):
            line.set_data(steps, column)
        self.gd_rate.set_ydata([1 / condition_number] * 2)

        failed = [f"{label} diverged at step {run.diverged_at}"
                  for label, run in runs.items() if run.diverged]
        if failed:
            return Status("; ".join(failed) + ": lower η", warning=True)
        return Status(
            f"{_aim_text(runs, problem)}.   After {STEPS} steps: loss GD {gd.final_loss:.2g}, "
            f"AdaGrad {adagrad.final_loss:.2g}; AdaGrad's rates are now "
            f"θ₁ {rates[-1, 0]:.2g} and θ₂ {rates[-1, 1]:.2g}")


@register("adagrad")
def adagrad_explorer(**initial) -> AdagradExplorer:
    """The lesson-4 explorer: η, κ and a turn of the bowl; GD against AdaGrad."""
    return AdagradExplorer(**initial)
