"""Lesson 5: RMSProp's averaging window, and RMSProp against AdaGrad on Beale's function."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from course_lib import optimizers
from course_lib.plots.colors import COLORS, LOOKS
from course_lib.plots.counting import counted
from course_lib.plots.rmsprop import (
    GRADIENT_COLOR,
    GRADIENT_DASHES,
    relative_steps,
    scale_drop,
    window,
)
from course_lib.problems import Beale, Trajectory, trajectory
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import PathKey, dress_runs
from course_lib.widgets.panels import LandscapePanel, LossPanel

STEPS = 150
"""Steps each run takes on Beale's function."""

MEMORY_STEPS, DROP_AT = 300, 100
"""The memory panel: the gradient is 1 for ``DROP_AT`` steps, then 0.1 until ``MEMORY_STEPS``."""

RECOVERED = 0.5
"""After the drop, RMSProp counts as moving again once its step is back above this × η."""

PROBLEM = Beale()
WINDOW = ((-0.5, 4.0), (-1.0, 2.5))
"""The part of Beale's plane between its default start (1, 1.5) and its minimum (3, 0.5)."""


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


@functools.lru_cache(maxsize=1)
def _gradients() -> np.ndarray:
    return scale_drop(MEMORY_STEPS, DROP_AT)


@functools.lru_cache(maxsize=1)
def _adagrad_memory() -> np.ndarray:
    return relative_steps(optimizers.Adagrad(learning_rate=0.01), _gradients())


@functools.lru_cache(maxsize=256)
def _rmsprop_memory(rho: float) -> np.ndarray:
    return relative_steps(optimizers.RMSprop(learning_rate=0.01, rho=rho), _gradients())


@functools.lru_cache(maxsize=256)
def _adagrad_run(learning_rate: float, start: tuple[float, float] | None) -> Trajectory:
    return trajectory(optimizers.Adagrad(learning_rate=learning_rate), PROBLEM, start=start,
                      steps=STEPS)


@functools.lru_cache(maxsize=1024)
def _rmsprop_run(learning_rate: float, rho: float, start: tuple[float, float] | None) -> Trajectory:
    optimizer = optimizers.RMSprop(learning_rate=learning_rate, rho=rho)
    return trajectory(optimizer, PROBLEM, start=start, steps=STEPS)


def recovery(relative: np.ndarray) -> int | None:
    """Steps after the drop until the step is back above ``RECOVERED`` × η (None: not in view)."""
    back = np.flatnonzero(relative[DROP_AT:] >= RECOVERED)
    return int(back[0]) + 1 if back.size else None


def _window_steps(span: float) -> str:
    """1/(1 − ρ) in steps: three digits, and whole steps once it is in the hundreds."""
    return counted(round(span) if span >= 100 else float(f"{span:.3g}"), "step")


def _memory_text(relative: np.ndarray, span: float) -> str:
    """What the tenfold drop does to RMSProp's step, in words, for the status line.

    A step that is still above ``RECOVERED`` × η right after the drop never fell: either
    the window forgets at once (ρ near 0), or it is longer than the steps before the drop,
    so the average of g² had not filled up and the step was already far above η.
    """
    window_words = f"window {_window_steps(span)}"
    if relative[DROP_AT] >= RECOVERED:
        if span > DROP_AT:
            return (f"RMSProp's step never falls below {RECOVERED:g} η after the drop: its "
                    f"{window_words} is longer than the {DROP_AT} steps before it, so its "
                    f"average of g² had not filled up (the step was {relative[DROP_AT - 1]:.3g} η "
                    "just before the drop)")
        return (f"RMSProp's step never falls below {RECOVERED:g} η after the drop: its "
                f"{window_words} forgets the old gradients at once")
    back = recovery(relative)
    if back is None:
        return (f"RMSProp's step is not back above {RECOVERED:g} η within "
                f"{MEMORY_STEPS - DROP_AT} steps of the drop ({window_words})")
    return (f"after the drop RMSProp's step is back above {RECOVERED:g} η in "
            f"{counted(back, 'step')} ({window_words})")


class RmspropExplorer(Explorer):
    """η and ρ: the averaging window on a gradient that drops tenfold, and AdaGrad vs RMSProp."""

    def __init__(self, learning_rate=0.03, rho=0.9):
        live = LiveFigure(figsize=(12.0, 3.7), ncols=3)
        memory_ax, landscape_ax, loss_ax = live.axes

        t = np.arange(1, MEMORY_STEPS + 1)
        memory_ax.set_yscale("log")
        memory_ax.set_xlim(0, MEMORY_STEPS)
        memory_ax.set_ylim(3e-3, 40)
        memory_ax.set_autoscale_on(False)
        memory_ax.set_xlabel("step")
        memory_ax.set_ylabel("step / η")
        # Minor ticks on log axes cost much of the first draw and add nothing at this size.
        memory_ax.yaxis.set_minor_locator(NullLocator())
        memory_ax.set_title(f"the gradient drops tenfold at step {DROP_AT}")
        memory_ax.grid(True, which="major", alpha=0.3)
        memory_ax.plot(t, _gradients(), color=GRADIENT_COLOR, linestyle=GRADIENT_DASHES,
                       linewidth=3, alpha=0.6)
        # Labelled where it runs, not in a legend that the curves would cross at some ρ; the
        # two optimizers are named in the key under the figure, drawn alike here.
        memory_ax.text(DROP_AT / 2, 1.25, "|g|", color="#555555", fontsize=10, ha="center",
                       va="bottom")
        marks = MEMORY_STEPS // 10
        self.adagrad_memory = LOOKS["Adagrad"].on(
            memory_ax.plot(t, _adagrad_memory(), linewidth=1.8, label="AdaGrad")[0],
            markevery=(0, marks))
        self.memory = LOOKS["RMSprop"].on(
            memory_ax.plot([], [], linewidth=1.8, label="RMSProp")[0],
            markevery=(marks // 2, marks))
        # The window is drawn from the drop on, in data units along x and the full height.
        self.window = Rectangle((DROP_AT, 0), 1, 1, transform=memory_ax.get_xaxis_transform(),
                                color=COLORS["RMSprop"], alpha=0.2, linewidth=0)
        memory_ax.add_patch(self.window)
        self.window_text = memory_ax.text(DROP_AT + 4, 4e-3, "", fontsize=9, va="bottom")
        live.animate(self.memory, self.window, self.window_text)

        self.landscape = LandscapePanel(live, landscape_ax, PROBLEM, bounds=WINDOW)
        # AdaGrad's short path is drawn last, on top of the start of RMSProp's.
        self.paths = {label: self.landscape.add_path(label) for label in ("RMSProp", "AdaGrad")}
        landscape_ax.set_title("paths on Beale's function")

        self.losses = LossPanel(live, loss_ax, STEPS, high=1e3)
        self.losses.add_curve("AdaGrad")
        self.losses.add_curve("RMSProp")
        dress_runs(self.paths, self.losses, {"RMSProp": LOOKS["RMSprop"],
                                             "AdaGrad": LOOKS["Adagrad"]})
        self.key = PathKey(live, list(self.paths.values()))
        loss_ax.yaxis.set_minor_locator(NullLocator())
        loss_ax.set_title("loss per step")
        super().__init__(
            {
                "learning_rate": controls.learning_rate(learning_rate, 1e-3, 1.0),
                "rho": controls.beta("decay ρ", rho, high=0.9999),
            },
            live,
            landscape=self.landscape,
            losses=self.losses,
            steps=STEPS,
        )

    def update(self, learning_rate, rho):
        learning_rate, rho = _key(learning_rate), _key(rho)
        relative = _rmsprop_memory(rho)
        self.memory.set_data(np.arange(1, MEMORY_STEPS + 1), relative)
        span = window(rho)
        self.window.set_width(span)
        self.window_text.set_text(f"window 1/(1 − ρ) = {_window_steps(span)}")

        start = self.landscape.start.picked
        runs = {"AdaGrad": _adagrad_run(learning_rate, start),
                "RMSProp": _rmsprop_run(learning_rate, rho, start)}
        for label, run in runs.items():
            self.paths[label].show(run)
            self.losses.show(label, run.losses)

        memory = _memory_text(relative, span) + (f"; AdaGrad's stays at "
                                                 f"{_adagrad_memory()[-1]:.2g} η")
        failed = [f"{label} diverged at step {run.diverged_at}"
                  for label, run in runs.items() if run.diverged]
        if failed:
            return Status(f"{'; '.join(failed)}: lower η.   {memory}", warning=True)
        return Status(f"{memory}.   On Beale after {STEPS} steps: loss AdaGrad "
                      f"{runs['AdaGrad'].final_loss:.2g}, RMSProp {runs['RMSProp'].final_loss:.2g}")


@register("rmsprop")
def rmsprop_explorer(**initial) -> RmspropExplorer:
    """The lesson-5 explorer: η and ρ; the averaging window, and AdaGrad against RMSProp."""
    return RmspropExplorer(**initial)
