"""Lesson 3: Nesterov's look-ahead, step by step, against plain momentum."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.patches import Rectangle

from course_lib import optimizers
from course_lib.plots.colors import LOOKS
from course_lib.plots.nesterov import LookAheadView, NesterovRun, look_ahead, nesterov_run
from course_lib.problems import Bowl, Trajectory, trajectory
from course_lib.problems.rates import momentum_limit, nesterov_limit
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
"""Steps each run takes; the step slider picks one of them to look at up close."""

PROBLEMS = problem_choices()


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


@functools.lru_cache(maxsize=512)
def _runs(problem: str, learning_rate: float, momentum: float,
          start: tuple[float, float] | None) -> tuple[Trajectory, NesterovRun]:
    heavy = trajectory(optimizers.SGD(learning_rate=learning_rate, momentum=momentum),
                       PROBLEMS[problem], start=start, steps=STEPS)
    return heavy, nesterov_run(PROBLEMS[problem], learning_rate, momentum, STEPS, start=start)


def _vector(v) -> str:
    return f"({v[0]:.3g}, {v[1]:.3g})"


class NesterovExplorer(Explorer):
    """η, β, a problem and a step k: both paths, and step k of Nesterov's taken apart."""

    def __init__(self, learning_rate=0.05, momentum=0.9, problem="valley κ = 10", step=2):
        live = LiveFigure(figsize=(12.0, 3.9), ncols=3)
        landscape_ax, close_ax, loss_ax = live.axes
        self.landscape = SwitchingLandscape(live, landscape_ax, PROBLEMS, problem)
        self.paths = {label: self.landscape.add_path(label) for label in ("Momentum", "Nesterov")}
        self.box = landscape_ax.add_patch(Rectangle((0, 0), 0, 0, fill=False, edgecolor="k",
                                                    linewidth=1.3))
        landscape_ax.set_title("θ's path: momentum and Nesterov")

        self.view = LookAheadView(close_ax)
        close_ax.set_title("Nesterov's step k up close")
        self.view.legend()
        live.animate(self.box, *self.view.artists)

        self.losses = LossPanel(live, loss_ax, STEPS, high=1e3)
        for label in ("Momentum", "Nesterov"):
            self.losses.add_curve(label)
        dress_runs(self.paths, self.losses, {label: LOOKS[label] for label in self.paths})
        self.key = PathKey(live, list(self.paths.values()))
        self.marker = loss_ax.axvline(0, color="k", linewidth=0.8, linestyle=":")
        live.animate(self.marker)
        loss_ax.set_title("loss J(θ) per step")
        super().__init__(
            {
                "learning_rate": controls.learning_rate(learning_rate, 1e-4, 1.0),
                "momentum": controls.beta("momentum β", momentum, high=0.99),
                "problem": controls.dropdown("problem", PROBLEMS, problem),
                "step": controls.int_slider("step k", step, 0, STEPS - 1),
            },
            live,
            columns=4,
            landscape=self.landscape,
            losses=self.losses,
            steps=STEPS,
        )

    def update(self, learning_rate, momentum, problem, step):
        learning_rate, momentum = _key(learning_rate), _key(momentum)
        self.landscape.set_problem(problem)
        heavy, nesterov = _runs(problem, learning_rate, momentum, self.landscape.start.picked)
        self.paths["Momentum"].show(heavy)
        self.paths["Nesterov"].show(Trajectory(nesterov.points, nesterov.losses,
                                               nesterov.diverged, nesterov.diverged_at))
        self.losses.show("Momentum", heavy.losses)
        self.losses.show("Nesterov", nesterov.losses)

        shown = min(step, len(nesterov.points) - 1)
        self.detail = look_ahead(self.landscape.problem, nesterov.points[shown],
                                 nesterov.velocities[shown], learning_rate, momentum)
        self.view.show(self.landscape.problem, self.detail)
        cx, cy, half = self.view.window(self.detail)
        self.box.set_bounds(cx - half, cy - half, 2 * half, 2 * half)
        self.marker.set_xdata([shown, shown])

        failed = [f"{name} diverged at step {run.diverged_at}"
                  for name, run in (("momentum", heavy), ("Nesterov", nesterov)) if run.diverged]
        if failed:
            where = "" if shown == step else f" (showing step {shown}, the last before it failed)"
            hint = self._limit_hint(learning_rate, momentum)
            return Status(f"{'; '.join(failed)}{where}: {hint}", warning=True)
        d = self.detail
        if not np.any(d.velocity):
            pieces = "the velocity is still zero, so θ + βm is θ itself and ∇₂ = ∇₁"
        else:
            pieces = (f"θ = {_vector(d.point)}, look-ahead θ + βm = {_vector(d.lookahead)}; "
                      f"∇₁ = {_vector(d.gradient_here)}, ∇₂ = {_vector(d.gradient_ahead)}")
        return Status(f"step {shown}: {pieces}.   Loss after {STEPS} steps: momentum "
                      f"{heavy.final_loss:.2g}, Nesterov {nesterov.final_loss:.2g}")

    def _limit_hint(self, learning_rate: float, momentum: float) -> str:
        problem = self.landscape.problem
        if isinstance(problem, Bowl):
            # Each eigenvalue λ of the Hessian is a separate 1-D problem, stable while ηλ is
            # under its limit; here the largest λ is κ.
            kappa = problem.condition_number
            return (f"ηκ = {learning_rate * kappa:.3g}, and on this valley momentum is stable "
                    f"while ηκ < 2(1 + β) = {momentum_limit(momentum):.3g}, Nesterov while "
                    f"ηκ < 2(1 + β)/(1 + 2β) = {nesterov_limit(momentum):.3g}")
        return f"η = {learning_rate:.3g} is too large for this surface; lower it"


@register("nesterov")
def nesterov_explorer(**initial) -> NesterovExplorer:
    """The lesson-3 explorer: momentum against Nesterov, and one step's ∇₁ and ∇₂ up close."""
    return NesterovExplorer(**initial)
