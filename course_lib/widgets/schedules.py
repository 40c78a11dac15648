"""Lesson 9 explorers: the schedule playground, and 1cycle's rate and momentum.

"schedules" draws every schedule of the lesson at once for the digits MLP: on the left its
learning rate at every step, on the right the validation loss that training with it gives.
The runs are the cached schedule sweep (``course_lib.experiments.schedule_sweep``), so a
slider move only looks them up.

"one_cycle" needs no training: it draws the 1cycle schedule's rate and momentum for the
chosen peak rate η₁, ratio η₁/η₀, number of steps and annihilation fraction.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from course_lib import schedules
from course_lib.experiments.schedule_sweep import (
    DECAY_EPOCHS,
    INITIAL_RATES,
    PATIENCES,
    POWERS,
    SCHEDULE_NAMES,
    Run,
    Setting,
    load_cache,
    nearest,
)
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.plots.schedules import SCHEDULE_LOOKS
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register


class ScheduleExplorer(Explorer):
    """Every schedule's rate per step and the validation loss it gives, at a common η₀.

    The highlighted schedule is drawn as a line of its own, the six others share one faint
    line collection per panel: two artists per panel instead of seven keep a move fast.
    """

    def __init__(self, highlight="exponential", initial_learning_rate=0.03, decay_epochs=8,
                 power=1.0, patience=3):
        self.cache = load_cache()
        live = LiveFigure(figsize=(12.0, 4.3), ncols=2)
        rate_ax, loss_ax = live.axes
        epochs = self.cache.epochs
        rate_ax.set_yscale("log")
        rate_ax.set_xlim(0, epochs)
        rate_ax.set_ylim(1e-6, 30)
        rate_ax.set_xlabel("epoch (step / steps per epoch)")
        rate_ax.set_ylabel("learning rate η")
        rate_ax.set_title("the schedules, all starting at η₀")
        loss_ax.set_yscale("log")
        loss_ax.set_xlim(0.5, epochs + 0.5)
        loss_ax.set_ylim(0.05, 8)
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("validation loss")
        loss_ax.set_title("the training each one gives (digits MLP, SGD)")
        for ax in live.axes:
            ax.set_autoscale_on(False)
            ax.grid(True, which="major", alpha=0.3)
        self.others = {}
        for name, ax in (("rate", rate_ax), ("loss", loss_ax)):
            self.others[name] = ax.add_collection(LineCollection([], linewidths=1.0, alpha=0.35))
        (self.chosen_rate,) = rate_ax.plot([], [], linewidth=2.6)
        (self.chosen_loss,) = loss_ax.plot([], [], "o-", markersize=3, linewidth=2.6)
        (self.ends,) = loss_ax.plot([], [], "X", markersize=10, color="#333")
        live.animate(*self.others.values(), self.chosen_rate, self.chosen_loss, self.ends)
        # Under the figure: inside the loss panel it covered the curves of the high rates.
        live.figure.legend(handles=[SCHEDULE_LOOKS[name].on(Line2D([], [], label=name))
                                    for name in SCHEDULE_NAMES],
                           loc="outside lower center", fontsize=LEGEND_FONTSIZE,
                           ncols=len(SCHEDULE_NAMES), frameon=False, handlelength=3.5)
        self._x_rates = np.arange(epochs * self.cache.steps_per_epoch) / self.cache.steps_per_epoch
        self._x_losses = np.arange(1, epochs + 1)
        self._order: list[str] = []
        super().__init__(
            {
                "highlight": controls.dropdown("highlight", SCHEDULE_NAMES, highlight),
                "initial_learning_rate": _initial_rate_slider(initial_learning_rate),
                "decay_epochs": _decay_slider(decay_epochs),
                "power": controls.linear_slider("power c", power, POWERS[0], POWERS[-1], 0.5),
                "patience": controls.int_slider("patience (performance)", patience,
                                                PATIENCES[0], PATIENCES[-1]),
            },
            live,
        )

    def update(self, highlight, initial_learning_rate, decay_epochs, power, patience):
        runs, rates = {}, {}
        for name in SCHEDULE_NAMES:
            setting = Setting.on_grid(name, initial_learning_rate, decay_epochs, power, patience)
            runs[name] = self.cache.run(setting)
            rates[name] = self.cache.rates(setting)
        self._order = [name for name in SCHEDULE_NAMES if name != highlight]
        looks = [SCHEDULE_LOOKS[name] for name in self._order]
        self.others["rate"].set_segments(
            [np.column_stack([self._x_rates, rates[name]]) for name in self._order])
        self.others["loss"].set_segments(
            [np.column_stack([self._x_losses, runs[name].val_loss])[:self._logged(runs[name])]
             for name in self._order])
        for collection in self.others.values():
            collection.set_color([look.color for look in looks])
            collection.set_linestyle([look.linestyle for look in looks])
        chosen = runs[highlight]
        self.chosen_rate.set_data(self._x_rates, rates[highlight])
        self.chosen_loss.set_data(self._x_losses, chosen.val_loss)
        look = SCHEDULE_LOOKS[highlight]
        self.chosen_rate.set(color=look.color, linestyle=look.linestyle)
        look.on(self.chosen_loss, markersize=5)
        blown_up = [run for run in runs.values() if run.diverged_at > 0]
        self.ends.set_data([run.diverged_at for run in blown_up],
                           [run.val_loss[run.diverged_at - 1] for run in blown_up])
        self.ends.set_visible(bool(blown_up))

        finals = {name: run.final_accuracy for name, run in runs.items() if not run.failed}
        failed = [name for name, run in runs.items() if run.failed]
        eta0 = Setting.on_grid("constant", initial_learning_rate).initial_learning_rate
        ranking = ", ".join(f"{name} {100 * accuracy:.1f} %" for name, accuracy in
                            sorted(finals.items(), key=lambda item: -item[1]))
        head = f"η₀ = {eta0:.2g}. Validation accuracy after {self.cache.epochs} epochs: "
        if failed:
            return Status(f"{head}{ranking or 'none'}. Diverged or stuck at chance, the rate "
                          f"got too high: {', '.join(failed)}", warning=True)
        return Status(head + ranking)

    def _logged(self, run: Run) -> int:
        """How many epochs of ``run`` have a loss (all of them unless it blew up)."""
        return run.diverged_at if run.diverged_at >= 0 else self.cache.epochs

    def drawn(self, name: str, panel: str = "rate") -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) points drawn for schedule ``name`` in the "rate" or "loss" panel."""
        if name not in self._order:
            line = self.chosen_rate if panel == "rate" else self.chosen_loss
            x, y = line.get_data()
            return np.asarray(x), np.asarray(y)
        segment = self.others[panel].get_segments()[self._order.index(name)]
        return segment[:, 0], segment[:, 1]


def _initial_rate_slider(value: float) -> widgets.SelectionSlider:
    """η₀ on the cache's half-decade grid, 0.0032 … 1: every stop is a trained run.

    A finer slider would show, between two grid values, a run trained at neither while its
    readout named a third rate; so one arrow press moves to the next run there is, and the
    readout names the η₀ that run was trained with. ``value`` is taken to the nearest stop.
    """
    return widgets.SelectionSlider(
        options=[(f"{rate:.2g}", rate) for rate in INITIAL_RATES],
        value=nearest(value, INITIAL_RATES, log=True), description="initial rate η₀",
        continuous_update=True, style={"description_width": "initial"},
        layout=widgets.Layout(width="auto"))


def _decay_slider(value: float) -> widgets.FloatLogSlider:
    """s in epochs on the powers of two 1 … 16: a log slider in base 2, one step per doubling."""
    return widgets.FloatLogSlider(
        value=nearest(value, DECAY_EPOCHS, log=True), base=2, min=0,
        max=math.log2(DECAY_EPOCHS[-1]), step=1, description="s (epochs)", readout_format=".0f",
        style={"description_width": "initial"}, layout=widgets.Layout(width="auto"),
    )


@register("schedules")
def schedule_explorer(**initial) -> ScheduleExplorer:
    """The lesson-9 playground: every schedule's rate and the validation loss it gives."""
    return ScheduleExplorer(**initial)


ONE_CYCLE_MAX_STEPS = 10_000
LOG_PANEL_POINTS = 400


class OneCycleExplorer(Explorer):
    """1cycle's rate (as a fraction of η₁ and on a log scale) and its momentum, per step."""

    def __init__(self, max_learning_rate=0.1, ratio=10, total_steps=5000,
                 annihilation_fraction=0.1):
        live = LiveFigure(figsize=(12.0, 3.6), ncols=3)
        relative_ax, log_ax, momentum_ax = live.axes
        for ax in live.axes:
            ax.set_xlim(0, ONE_CYCLE_MAX_STEPS)
            ax.set_autoscale_on(False)
            ax.set_xlabel("step")
            ax.grid(True, alpha=0.3)
        relative_ax.set_ylim(0, 1.15)
        relative_ax.set_ylabel("η / η₁")
        relative_ax.set_title("learning rate, relative to its peak η₁")
        log_ax.set_yscale("log")
        log_ax.set_ylim(1e-8, 10)
        log_ax.set_ylabel("learning rate η")
        log_ax.set_title("learning rate, log scale")
        momentum_ax.set_ylim(0.8, 1.0)
        momentum_ax.set_ylabel("momentum β")
        momentum_ax.set_title("momentum: the mirror image")
        (self.relative,) = relative_ax.plot([], [], color="#8c564b", linewidth=2)
        (self.floor,) = relative_ax.plot([], [], ":", color="#555", label="η₀ / η₁")
        relative_ax.legend(loc="upper right", fontsize=LEGEND_FONTSIZE)
        (self.absolute,) = log_ax.plot([], [], color="#8c564b", linewidth=2)
        (self.momentum,) = momentum_ax.plot([], [], color="#1f77b4", linewidth=2)
        # Dashed lines at the peak (half the cycle) and at the end of the cycle, in each panel.
        self.markers = [ax.axvline(0, color="#999", linestyle="--", linewidth=0.9)
                        for ax in live.axes for _ in range(2)]
        live.animate(self.relative, self.floor, self.absolute, self.momentum, *self.markers)
        super().__init__(
            {
                "max_learning_rate": controls.log_slider("max rate η₁", max_learning_rate,
                                                         1e-3, 3.0),
                "ratio": controls.int_slider("η₁ / η₀", ratio, 2, 50),
                "total_steps": controls.int_slider("total steps N", total_steps, 1000,
                                                   ONE_CYCLE_MAX_STEPS, 500),
                "annihilation_fraction": controls.linear_slider(
                    "annihilation fraction", annihilation_fraction, 0.02, 0.5, 0.02),
            },
            live, columns=2,
        )

    def update(self, max_learning_rate, ratio, total_steps, annihilation_fraction):
        schedule = schedules.OneCycle(total_steps, max_learning_rate=max_learning_rate,
                                      initial_learning_rate=max_learning_rate / ratio,
                                      annihilation_fraction=annihilation_fraction)
        half, cycle = schedule.cycle_steps / 2, schedule.cycle_steps
        # Straight lines between corners are exact on linear axes; the log axis bends them,
        # so it gets a fine sampling.
        corners = np.array([0.0, half, cycle, total_steps])
        self.relative.set_data(corners, schedule(corners) / max_learning_rate)
        self.momentum.set_data(corners, schedule.momentum(corners))
        fine = np.linspace(0, total_steps, LOG_PANEL_POINTS)
        self.absolute.set_data(fine, schedule(fine))
        eta0 = schedule.initial_learning_rate
        self.floor.set_data([0, total_steps], [1 / ratio, 1 / ratio])
        for index, marker in enumerate(self.markers):
            marker.set_xdata([half if index % 2 == 0 else cycle] * 2)
        tail = total_steps - cycle
        return Status(
            f"up from η₀ = {eta0:.2g} to η₁ = {max_learning_rate:.2g} in {half:.0f} steps, back "
            f"to η₀ by step {cycle:.0f}, then down to η₀/1000 = "
            f"{schedule.final_learning_rate:.2g} over the last {tail:.0f} steps. Momentum goes "
            f"{schedule.max_momentum:g} → {schedule.min_momentum:g} → {schedule.max_momentum:g} "
            "and stays there."
        )


@register("one_cycle")
def one_cycle_explorer(**initial) -> OneCycleExplorer:
    """The lesson-9 1cycle explorer: η₁, η₁/η₀, N and the annihilation fraction."""
    return OneCycleExplorer(**initial)
