"""Lesson 1: plain gradient descent in an elongated valley."""

from __future__ import annotations

from functools import lru_cache

from course_lib import optimizers
from course_lib.plots.colors import LOOKS
from course_lib.plots.counting import counted
from course_lib.problems import Bowl, trajectory
from course_lib.problems.rates import gradient_descent_limit
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import PathKey, dress_runs
from course_lib.widgets.panels import LandscapePanel, LossPanel

MAX_STEPS = 300


class ValleyExplorer(Explorer):
    """Gradient descent on the bowl ½(x² + κy²): η against the stability limit 2/κ."""

    def __init__(self, learning_rate=0.1, condition_number=10.0, steps=100):
        live = LiveFigure(ncols=2)
        self.landscape = LandscapePanel(live, live.axes[0], Bowl(condition_number))
        self.path = self.landscape.add_path("SGD")
        self.losses = LossPanel(live, live.axes[1], MAX_STEPS, high=1e3)
        self.losses.add_curve("SGD")
        dress_runs({"SGD": self.path}, self.losses, {"SGD": LOOKS["SGD"]})
        self.key = PathKey(live, [self.path])
        live.axes[0].set_title("gradient descent in a valley")
        live.axes[1].set_title("loss per step")
        super().__init__(
            {
                "learning_rate": controls.learning_rate(learning_rate, 1e-3, 3.0),
                "condition_number": controls.condition_number(condition_number),
                "steps": controls.steps(steps, MAX_STEPS),
            },
            live,
            landscape=self.landscape,
            losses=self.losses,
            steps=steps,
        )

    def update(self, learning_rate, condition_number, steps):
        self.landscape.set_problem(_bowl(condition_number))
        self.player.set_steps(steps)
        run = _run(learning_rate, condition_number, self.landscape.start.picked).head(steps)
        self.path.show(run)
        self.losses.show("SGD", run.losses)
        limit = gradient_descent_limit(condition_number)
        if run.diverged:
            return Status(f"diverged at step {run.diverged_at}: η = {learning_rate:.3g} is above "
                          f"2/κ = {limit:.3g}, so the steep direction overshoots more each step",
                          warning=True)
        return Status(f"loss after {counted(steps, 'step')}: {run.final_loss:.3g}   "
                      f"(stable while η < 2/κ = {limit:.3g}; the flat direction then shrinks "
                      f"by 1 − η = {1 - learning_rate:.3g} per step)")


@lru_cache(maxsize=8)
def _bowl(condition_number: float) -> Bowl:
    return Bowl(condition_number)


@lru_cache(maxsize=256)
def _run(learning_rate: float, condition_number: float, start: tuple[float, float] | None):
    # One full-length run per (η, κ, start): the steps slider then only shows more or less of it.
    problem = _bowl(condition_number)
    return trajectory(optimizers.SGD(learning_rate=learning_rate), problem, start=start,
                      steps=MAX_STEPS)


@register("gradient_descent")
def valley_explorer(**initial) -> ValleyExplorer:
    """The lesson-1 explorer: η, κ and the number of steps on the elongated bowl."""
    return ValleyExplorer(**initial)
