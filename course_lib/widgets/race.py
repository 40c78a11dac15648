"""Lesson 8: the race of every optimizer, on a 2-D surface and on the digits network.

Both explorers read the caches of ``course_lib.experiments.surface_race`` and
``network_race``, so a move only picks runs out of memory and redraws them.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from course_lib.experiments.contestants import NAMES
from course_lib.experiments.network_race import METRICS, network_results
from course_lib.experiments.surface_race import (
    MULTIPLIERS,
    SURFACE_STEPS,
    SURFACES,
    cached_rates,
    multiplier_index,
    race_from,
)
from course_lib.plots.colors import COLORS, LOOKS
from course_lib.plots.counting import counted
from course_lib.plots.legends import LEGEND_FONTSIZE, PastedLegend
from course_lib.validation import choice
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register
from course_lib.widgets.landscapes import PathKey, SwitchingLandscape, dress_runs
from course_lib.widgets.panels import LossPanel

LOSS_FLOOR = 1e-8
"""The loss panel's floor: losses below it are drawn on it and reported as "< 1e-8"."""


def _loss_text(loss: float) -> str:
    return f"< {LOSS_FLOOR:.0e}" if loss < LOSS_FLOOR else f"{loss:.2g}"


def _toggles(shown: dict[str, bool]) -> dict[str, widgets.Checkbox]:
    for name in shown:
        choice(name, "a toggle's name", NAMES)
    return {name: controls.toggle(name, bool(shown.get(name, True))) for name in NAMES}


class RaceExplorer(Explorer):
    """All eight contestants on one surface, each at a multiple of its range-test rate."""

    def __init__(self, problem: str = "Rosenbrock", multiplier: float = 1.0,
                 steps: int = SURFACE_STEPS, **shown: bool):
        live = LiveFigure(figsize=(12.5, 4.3), ncols=2)
        landscape_ax, loss_ax = live.axes
        self.landscape = SwitchingLandscape(live, landscape_ax, SURFACES, problem)
        self.paths = {name: self.landscape.add_path(name) for name in NAMES}
        landscape_ax.set_title("the race on the surface")

        self.losses = LossPanel(live, loss_ax, SURFACE_STEPS, low=LOSS_FLOOR, high=1e3)
        for name in NAMES:
            self.losses.add_curve(name)
        dress_runs(self.paths, self.losses, {name: LOOKS[name] for name in NAMES})
        loss_ax.set_title("loss per step")
        # The rates go in the status line, not the key: the key is drawn again only when a
        # toggle changes which optimizers race.
        self.key = PathKey(live, list(self.paths.values()), columns=6)
        multiplier_control = widgets.FloatLogSlider(
            value=multiplier, base=2, min=math.log2(MULTIPLIERS[0]),
            max=math.log2(MULTIPLIERS[-1]), step=0.5, readout_format=".3g",
            description="η × range-test rate", style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"))
        super().__init__(
            {
                "problem": controls.dropdown("problem", SURFACES, problem),
                "multiplier": multiplier_control,
                "steps": controls.steps(steps, SURFACE_STEPS),
                **_toggles(shown),
            },
            live,
            columns=4,
            landscape=self.landscape,
            losses=self.losses,
            steps=steps,
        )

    def update(self, problem, multiplier, steps, **shown):
        self.landscape.set_problem(problem)
        self.player.set_steps(steps)
        index = multiplier_index(multiplier)
        factor = float(MULTIPLIERS[index])
        runs = {name: run.head(steps) for name, run
                in race_from(problem, index, self.landscape.start.picked).items()}
        rates = cached_rates(problem)
        for name, run in runs.items():
            visible = run if shown[name] else None
            self.paths[name].show(visible)
            self.losses.show(name, None if visible is None else run.losses)

        racing = [name for name in NAMES if shown[name]]
        self.key.show([self.paths[name] for name in racing])
        if not racing:
            return Status("every optimizer is switched off: tick at least one box")
        failed = [name for name in racing if runs[name].diverged]
        standing = sorted((name for name in racing if not runs[name].diverged),
                          key=lambda name: runs[name].final_loss)
        ranking = " · ".join(f"{name} {_loss_text(runs[name].final_loss)} "
                             f"(η {factor * rates[name]:.2g})" for name in standing)
        if failed:
            crashes = ", ".join(f"{name} at step {runs[name].diverged_at} "
                                f"(η {factor * rates[name]:.2g})" for name in failed)
            return Status(f"diverged at ×{factor:.3g} the range-test rate: {crashes}; ✕ marks "
                          f"where it left. Loss after {counted(steps, 'step')}: "
                          f"{ranking or 'none left'}",
                          warning=True)
        return Status(f"×{factor:.3g} the range-test rate. Loss after "
                      f"{counted(steps, 'step')}, best first: {ranking}")


@register("race")
def race_explorer(**initial) -> RaceExplorer:
    """The lesson-8 race: a surface, a rate multiplier, the steps, and a toggle per optimizer."""
    return RaceExplorer(**initial)


# -- the network race ------------------------------------------------------------------------

NETWORK_METRICS = {
    "val_accuracy": "validation accuracy (%)",
    "accuracy": "training accuracy (%)",
    "val_loss": "validation loss",
    "loss": "training loss",
}


class TwoScaleAxis:
    """A y axis that switches between accuracy in percent and loss on a log scale, at blit cost.

    Changing an axis's scale or limits means drawing the whole figure again (about half a
    second with its layout here). Instead the axes run from 0 to 1 with no ticks of their own,
    every curve is mapped into [0, 1] by :meth:`position`, and each scale's tick labels and
    grid lines are scenery, shown or hidden as a set.
    """

    ACCURACY = (85.0, 100.5)
    LOSS = (1e-3, 3.0)
    ALPHA = {"Text": 1.0, "Line2D": 0.5}

    def __init__(self, live: LiveFigure, ax):
        self.live = live
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ticks = {"accuracy": [(value, f"{value:g}") for value in range(86, 101, 2)],
                 "loss": [(10.0**k, f"{10.0**k:g}") for k in range(-3, 1)]}
        self.artists = {}
        for family, marks in ticks.items():
            artists = []
            for value, label in marks:
                height = self.position(family, value)
                artists.append(ax.text(-0.012, height, label, transform=ax.get_yaxis_transform(),
                                       ha="right", va="center", fontsize=9))
                artists.append(ax.axhline(height, color="#b0b0b0", linewidth=0.8))
            live.scenery(*artists)
            self.artists[family] = artists
        self.family = None

    @classmethod
    def position(cls, family: str, values):
        """Where ``values`` of a metric of ``family`` sit on the 0-to-1 axis."""
        values = np.asarray(values, dtype=np.float64)
        if family == "accuracy":
            low, high = cls.ACCURACY
            return (values - low) / (high - low)
        low, high = np.log10(cls.LOSS)
        return (np.log10(np.maximum(values, 1e-12)) - low) / (high - low)

    def show(self, family: str) -> None:
        if family == self.family:
            return
        self.family = family
        for name, artists in self.artists.items():
            for artist in artists:
                # Transparent rather than invisible: the layout keeps room for every label.
                artist.set_alpha(self.ALPHA[type(artist).__name__] if name == family else 0.0)
        self.live.scenery_changed()


class NetworkRaceExplorer(Explorer):
    """Training curves of the eight contestants on the digits, and their generalisation gaps."""

    def __init__(self, metric: str = "val_accuracy", seed: int = 0, **shown: bool):
        self.results = network_results()
        self.seeds = [int(seed) for seed in self.results["seeds"]]
        choice(metric, "metric", NETWORK_METRICS)
        choice(seed, "seed", self.seeds)
        live = LiveFigure(figsize=(12.5, 4.0), ncols=2)
        curve_ax, gap_ax = live.axes
        epochs = self.results["history"].shape[-1]
        self.epochs = np.arange(1, epochs + 1)
        curve_ax.set_xlim(1, epochs)
        curve_ax.set_xlabel("epoch")
        curve_ax.set_autoscale_on(False)
        curve_ax.grid(True, axis="x", alpha=0.3)
        self.scale = TwoScaleAxis(live, curve_ax)
        self.title = curve_ax.set_title(" ")
        self.curves = {}
        for name in NAMES:
            self.curves[name] = LOOKS[name].on(curve_ax.plot([], [], linewidth=1.5, label=name)[0])
        # Only the ticked optimizers: each set is drawn once, then pasted.
        self.key = curve_ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5),
                                   fontsize=LEGEND_FONTSIZE)
        self.pasted_key = PastedLegend(self.key, list(self.curves.values()))
        live.animate(self.pasted_key)

        # final[o, s] = training loss, training accuracy, validation loss, validation accuracy
        final = self.results["final"]
        self.gaps = 100 * (final[..., 1] - final[..., 3])
        x = np.arange(len(NAMES))
        self.bars = gap_ax.bar(x, np.zeros(len(x)), color=[COLORS[n] for n in NAMES],
                               alpha=0.75)
        (self.seed_dots,) = gap_ax.plot([], [], "o", color="k", markersize=4, label="every seed")
        gap_ax.set_xticks(x, NAMES, rotation=30, fontsize=9)
        gap_ax.set_xlim(-0.6, len(x) - 0.4)
        gap_ax.set_ylim(0.0, 5.0)
        gap_ax.set_autoscale_on(False)
        gap_ax.grid(True, axis="y", alpha=0.3)
        gap_ax.set_ylabel("training − validation accuracy (points)")
        gap_ax.set_title("the generalisation gap after the last epoch")
        gap_ax.legend(loc="upper left", fontsize=LEGEND_FONTSIZE)
        live.animate(self.title, *self.curves.values(), *self.bars, self.seed_dots)
        super().__init__(
            {
                "metric": controls.dropdown("metric", [(label, key) for key, label
                                                       in NETWORK_METRICS.items()], metric),
                "seed": controls.dropdown("seed", [(f"seed {s}", s) for s in self.seeds], seed),
                **_toggles(shown),
            },
            live,
            columns=5,
        )

    def update(self, metric, seed, **shown):
        family = "loss" if metric.endswith("loss") else "accuracy"
        scale = 1.0 if family == "loss" else 100.0
        s = self.seeds.index(seed)
        history = self.results["history"][:, s, METRICS.index(metric)] * scale
        self.scale.show(family)
        self.title.set_text(f"{NETWORK_METRICS[metric]} per epoch, seed {seed}")
        dots_x, dots_y = [], []
        for o, name in enumerate(NAMES):
            if shown[name]:
                self.curves[name].set_data(self.epochs, self.scale.position(family, history[o]))
                self.bars[o].set_height(self.gaps[o, s])
                dots_x += [o] * len(self.seeds)
                dots_y += list(self.gaps[o])
            else:
                self.curves[name].set_data([], [])
                self.bars[o].set_height(0.0)
        self.seed_dots.set_data(dots_x, dots_y)

        racing = [o for o, name in enumerate(NAMES) if shown[name]]
        self.pasted_key.show([self.curves[NAMES[o]] for o in racing])
        if not racing:
            return Status("every optimizer is switched off: tick at least one box")
        last = history[:, -1]
        better, worse = (np.argmax, np.argmin) if family == "accuracy" else (np.argmin, np.argmax)
        best = racing[int(better(last[racing]))]
        worst = racing[int(worse(last[racing]))]
        shown_as = ".1f" if family == "accuracy" else ".3f"
        spread = float(np.max(np.ptp(self.results["final"][racing, :, 3], axis=1))) * 100
        return Status(f"{NETWORK_METRICS[metric]} after epoch {len(self.epochs)}, seed {seed}: "
                      f"best {NAMES[best]} {last[best]:{shown_as}}, worst "
                      f"{NAMES[worst]} {last[worst]:{shown_as}}. Another seed moves an "
                      f"optimizer's final validation accuracy by up to {spread:.1f} points: "
                      "smaller differences are luck")


@register("race_network")
def network_race_explorer(**initial) -> NetworkRaceExplorer:
    """The lesson-8 network race: a metric, a seed and a toggle per optimizer, from the cache."""
    return NetworkRaceExplorer(**initial)
