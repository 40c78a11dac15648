"""Lesson 2: how fast momentum converges on a quadratic, predicted against measured."""

from __future__ import annotations

import functools
import math

import numpy as np
from matplotlib.ticker import NullLocator

from course_lib import optimizers
from course_lib.plots.colors import COLORS
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.problems import Bowl, Trajectory, trajectory
from course_lib.problems.rates import (
    best_gradient_descent,
    best_momentum,
    measured_rate,
    momentum_limit,
    momentum_rate,
)
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register

STEPS = 300
"""Steps each run takes."""

LOW, HIGH = 1e-12, 1e2
"""The error panel's range, relative to the distance at the start."""

MOMENTUMS = np.linspace(0.0, 0.99, 100)
"""The β values of the cost curve on the right."""

MAX_COST = 1e4
"""The cost panel's ceiling (steps per tenfold shrink): slower runs and diverging ones sit above."""


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


def steps_per_decade(rate: float) -> float:
    """Steps to shrink the error tenfold at ``rate`` per step: −1 / log₁₀(rate); inf if ≥ 1."""
    if rate >= 1:
        return math.inf
    if rate <= 0:
        return 0.0
    return -1 / math.log10(rate)


@functools.lru_cache(maxsize=1024)
def _run(condition_number: float, learning_rate: float, momentum: float) -> Trajectory:
    optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    return trajectory(optimizer, Bowl(condition_number), steps=STEPS)


def relative_errors(run: Trajectory) -> np.ndarray:
    """‖θ_k − θ*‖ / ‖θ_0 − θ*‖ along a run on the bowl, whose minimum is the origin."""
    distances = np.linalg.norm(run.path, axis=1)
    return distances / distances[0]


class MomentumRatesExplorer(Explorer):
    """κ, η and β: the error per step on a log axis, with the predicted rate as a line."""

    def __init__(self, condition_number=100.0, learning_rate=0.0316, momentum=0.67):
        live = LiveFigure(figsize=(12.0, 3.7), ncols=2)
        error_ax, cost_ax = live.axes
        error_ax.set_yscale("log")
        error_ax.set_xlim(0, STEPS)
        error_ax.set_ylim(LOW, HIGH)
        error_ax.set_autoscale_on(False)
        error_ax.yaxis.set_minor_locator(NullLocator())
        error_ax.set_xlabel("step")
        error_ax.set_ylabel("distance to the minimum / distance at the start")
        error_ax.set_title("error per step: measured (solid), predicted rate (dashed)")
        error_ax.grid(True, which="major", alpha=0.3)
        self.measured, self.predicted = {}, {}
        for label, name in (("GD", "SGD"), ("Momentum", "Momentum")):
            (self.measured[label],) = error_ax.plot([], [], color=COLORS[name], linewidth=1.8)
            (self.predicted[label],) = error_ax.plot([], [], "--", color=COLORS[name],
                                                     linewidth=1.2)
        self.measured["GD"].set_label("GD at its best η = 2/(1 + κ)")
        self.measured["Momentum"].set_label("momentum at η, β")
        # Under the panel: at the controls' extremes the curves reach every corner of it.
        error_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=LEGEND_FONTSIZE)
        live.animate(*self.measured.values(), *self.predicted.values())

        cost_ax.set_yscale("log")
        cost_ax.set_xlim(0, 1)
        cost_ax.set_ylim(1, MAX_COST)
        cost_ax.set_autoscale_on(False)
        cost_ax.yaxis.set_minor_locator(NullLocator())
        cost_ax.set_xlabel("momentum β (at this η)")
        cost_ax.set_ylabel("steps to shrink the error 10×")
        cost_ax.set_title("the cost of a tenfold shrink, predicted")
        cost_ax.grid(True, which="major", alpha=0.3)
        (self.cost,) = cost_ax.plot([], [], color=COLORS["Momentum"], linewidth=1.8,
                                    label="momentum, predicted")
        (self.gd_cost,) = cost_ax.plot([0, 1], [1, 1], color=COLORS["SGD"], linewidth=1.2,
                                       label="GD at its best η")
        (self.best_cost,) = cost_ax.plot([], [], "*", color="gold", markersize=13,
                                         markeredgecolor="k", label="best η and β for this κ")
        (self.here,) = cost_ax.plot([], [], "o", color=COLORS["Momentum"], markersize=8,
                                    markeredgecolor="k", label="this β, measured")
        cost_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), fontsize=LEGEND_FONTSIZE)
        live.animate(self.cost, self.gd_cost, self.best_cost, self.here)
        super().__init__(
            {
                "condition_number": controls.condition_number(condition_number),
                "learning_rate": controls.learning_rate(learning_rate, 1e-4, 1.0),
                "momentum": controls.beta("momentum β", momentum, high=0.99),
            },
            live,
        )

    def update(self, condition_number, learning_rate, momentum):
        kappa = _key(condition_number)
        learning_rate, momentum = _key(learning_rate), _key(momentum)
        curvatures = (1.0, kappa)
        gd_eta, gd_rate = best_gradient_descent(kappa)
        best_eta, best_beta, best_rate = best_momentum(kappa)
        rate = momentum_rate(learning_rate, momentum, curvatures)
        runs = {"GD": _run(kappa, _key(gd_eta), 0.0),
                "Momentum": _run(kappa, learning_rate, momentum)}
        steps = np.arange(STEPS + 1)
        measured = {}
        for label, predicted_rate in (("GD", gd_rate), ("Momentum", rate)):
            errors = relative_errors(runs[label])
            self.measured[label].set_data(np.arange(len(errors)),
                                          np.clip(errors, LOW / 10, HIGH * 10))
            with np.errstate(over="ignore", under="ignore"):
                line = np.float64(predicted_rate) ** steps
            self.predicted[label].set_data(steps, np.clip(line, LOW / 10, HIGH * 10))
            measured[label] = measured_rate(errors) if not runs[label].diverged else None

        costs = [steps_per_decade(momentum_rate(learning_rate, b, curvatures))
                 for b in MOMENTUMS]
        self.cost.set_data(MOMENTUMS, np.minimum(costs, MAX_COST * 10))
        gd_cost = steps_per_decade(gd_rate)
        self.gd_cost.set_ydata([gd_cost, gd_cost])
        self.best_cost.set_data([best_beta], [max(steps_per_decade(best_rate), 1.0)])
        here = measured["Momentum"]
        here_cost = steps_per_decade(rate if here is None else here)
        self.here.set_data([momentum], [min(max(here_cost, 1.0), MAX_COST * 10)])

        best = (f"For κ = {kappa:.3g} the best is η = 4/(1 + √κ)² = {best_eta:.3g}, "
                f"β = {best_beta:.3g}: rate (√κ − 1)/(√κ + 1) = {best_rate:.3g}")
        momentum_run = runs["Momentum"]
        if momentum_run.diverged or rate >= 1:
            failed = (f"diverged at step {momentum_run.diverged_at}" if momentum_run.diverged
                      else "does not converge")
            return Status(f"Momentum {failed}: predicted rate {rate:.3g} ≥ 1 (stable only while "
                          f"ηκ = {learning_rate * kappa:.3g} < 2(1 + β) = "
                          f"{momentum_limit(momentum):.3g}).   {best}", warning=True)
        return Status(f"Rate per step: momentum predicted {rate:.4g}, measured "
                      f"{_shown(here)}; GD at its best η predicted {gd_rate:.4g}, measured "
                      f"{_shown(measured['GD'])}.   {best}")


def _shown(rate: float | None) -> str:
    return "— (at the minimum at once)" if rate is None else f"{rate:.4g}"


@register("momentum_rates")
def momentum_rates_explorer(**initial) -> MomentumRatesExplorer:
    """The lesson-2 rate explorer: κ, η and β; measured error against the predicted rate."""
    return MomentumRatesExplorer(**initial)
