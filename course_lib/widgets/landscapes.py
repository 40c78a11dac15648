"""A landscape panel that switches between test problems as fast as it moves a path.

``panels.LandscapePanel`` keeps the window of its first problem: right for one family of
bowls, wrong for a dropdown that goes from a valley ten units wide to Rosenbrock's banana.
Changing the axis limits would normally mean redrawing the figure, because the tick labels
are part of the cached background. This panel has no ticks (``window`` puts the limits in
words, for a status line), so new limits only change where the animated artists land, and a
switch costs little more than a slider move. The surface is scenery (cached until the problem
changes); each problem's surface is computed once, when the panel is built, and switching
flips which contour set is visible.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from course_lib.plots.colors import COLORS, Look, spread_marks
from course_lib.plots.legends import LEGEND_FONTSIZE, PastedLegend
from course_lib.problems import Beale, Bowl, Problem, Rosenbrock, RotatedBowl
from course_lib.validation import choice
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.panels import (
    GRID,
    LossPanel,
    PathArtist,
    StartPoint,
    contour_lines,
    loss_surface,
    paint_shade,
    place_minimum,
)


def problem_choices() -> dict[str, Problem]:
    """The problems a lesson-2 or lesson-3 explorer offers, by the name its dropdown shows."""
    return {
        "valley κ = 10": Bowl(10.0),
        "valley κ = 100": Bowl(100.0),
        "turned valley κ = 10": RotatedBowl(10.0),
        "Rosenbrock": Rosenbrock(),
        "Beale": Beale(),
    }


class SwitchingLandscape:
    """Shaded log-loss, contour lines and the minimum of one of several problems, plus paths."""

    def __init__(self, live: LiveFigure, ax: Axes, problems: Mapping[str, Problem], first: str):
        self.live = live
        self.ax = ax
        self.problems = dict(problems)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("θ₁")
        ax.set_ylabel("θ₂")
        ax.set_autoscale_on(False)
        self._shade = ax.imshow(np.zeros((GRID, GRID)), origin="lower", cmap="Greys",
                                aspect="auto", interpolation="bilinear")
        (self._minimum,) = ax.plot([], [], marker="*", color="gold", markersize=14,
                                   markeredgecolor="k", linestyle="none")
        live.scenery(self._shade, self._minimum)
        self._surfaces = {name: self._surface(problem) for name, problem in self.problems.items()}
        self.paths: list[PathArtist] = []
        self.start = StartPoint(live, ax)
        self.name = None
        self.set_problem(first)

    @property
    def problem(self) -> Problem:
        return self.problems[self.name]

    def _surface(self, problem: Problem):
        (x0, x1), (y0, y1) = problem.bounds
        grid = np.stack(np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)), axis=-1)
        loss, shade, levels = loss_surface(problem, grid)
        contours = contour_lines(self.ax, grid, loss, levels)
        contours.set_visible(False)
        self.live.scenery(contours)
        return shade, contours

    def set_problem(self, name: str) -> None:
        choice(name, "problem", self.problems)
        if name == self.name:
            return
        if self.name is not None:
            self._surfaces[self.name][1].set_visible(False)
        self.name = name
        problem = self.problems[name]
        shade, contours = self._surfaces[name]
        (x0, x1), (y0, y1) = problem.bounds
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        paint_shade(self._shade, shade)
        self._shade.set_extent((x0, x1, y0, y1))
        contours.set_visible(True)
        place_minimum(self._minimum, problem)
        # A point picked in one window means nothing in another: back to the default start.
        self.start.reset(problem)
        self.live.scenery_changed()

    @property
    def window(self) -> str:
        (x0, x1), (y0, y1) = self.problem.bounds
        return f"θ₁ from {x0:g} to {x1:g}, θ₂ from {y0:g} to {y1:g}"

    def add_path(self, label: str, color: str | None = None, marker: str = "o") -> PathArtist:
        path = PathArtist(self.live, self.ax, label, color or COLORS.get(label, "C0"), marker)
        self.paths.append(path)
        return path


class PathKey:
    """The key to a landscape's paths, under the whole figure, where it covers no data.

    First the white start dot, the gold star of the minimum and the ✕ of a run that left,
    then one entry per path shown: its colour, dash pattern and marker, the same as its loss
    curve's. Built once with an entry for every path; :meth:`show` lists the paths shown (a
    race's ticked optimizers), and each set of entries is drawn once and pasted back after
    (``PastedLegend``), so neither a toggle nor a new surface pays for drawing text.
    """

    MARKS = (
        Line2D([], [], marker="o", markersize=7, color="white", markeredgecolor="k",
               linestyle="none", label="start"),
        Line2D([], [], marker="*", markersize=11, color="gold", markeredgecolor="k",
               linestyle="none", label="minimum"),
        Line2D([], [], marker="X", markersize=9, color="#777777", markeredgecolor="k",
               linestyle="none", label="where a run left"),
    )

    def __init__(self, live: LiveFigure, paths: list[PathArtist], columns: int | None = None):
        handles = list(self.MARKS) + [path.line for path in paths]
        self.legend = live.figure.legend(
            handles=handles, loc="outside lower center", fontsize=LEGEND_FONTSIZE,
            ncols=columns or len(handles), frameon=False, handlelength=3.0)
        self.pasted = PastedLegend(self.legend, [path.line for path in paths],
                                   first=len(self.MARKS))
        live.animate(self.pasted)

    def show(self, paths: list[PathArtist]) -> None:
        self.pasted.show([path.line for path in paths])


def dress_runs(paths: Mapping[str, PathArtist], losses: LossPanel,
               looks: Mapping[str, Look]) -> None:
    """Give each run's path and loss curve, by label, the look of its optimizer.

    The path keeps a marker on every point (its steps show), the loss curve gets a few,
    shifted run by run so two curves on top of each other both show theirs.
    """
    length = int(losses.ax.get_xlim()[1])
    for index, (label, look) in enumerate(looks.items()):
        look.on(paths[label].line, markersize=3.5)
        look.on(losses.lines[label], markevery=spread_marks(index, len(looks), length))
