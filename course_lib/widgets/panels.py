"""Reusable pieces of explorer figures: a loss landscape with paths, and a loss-curve panel.

Both keep their axes fixed: the landscape is cached scenery (redrawn only when the problem
changes) and paths and curves are moving artists, so a slider move redraws a few artists over
a cached picture instead of the whole figure.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from course_lib.plots.colors import COLORS
from course_lib.problems import Bowl, Problem, Trajectory
from course_lib.validation import finite_array
from course_lib.widgets.canvas import LiveFigure

GRID = 90
"""Points per side of the sampled loss surface: enough for smooth contours at this size."""


def loss_surface(problem: Problem, grid: np.ndarray):
    """The loss on ``grid``, its shading and the problem's contour levels that fall inside it.

    The shading is the log of the loss above its minimum, so valleys of very different depths
    all show.
    """
    loss = problem.value(grid)
    shade = np.log1p(loss - loss.min())
    levels = [level for level in problem.levels if loss.min() < level < loss.max()]
    return loss, shade, levels or 10


def paint_shade(image, shade: np.ndarray) -> None:
    image.set_data(shade)
    # Stretch the colour scale past the data so the highest loss is a mid grey, not black:
    # paths of every colour stay visible on top.
    image.set_clim(shade.min(), 2.5 * shade.max())


def contour_lines(ax: Axes, grid: np.ndarray, loss: np.ndarray, levels):
    return ax.contour(grid[..., 0], grid[..., 1], loss, levels=levels, colors="#7a7a7a",
                      linewidths=0.6)


def place_minimum(marker, problem: Problem) -> None:
    """Put the gold star on the problem's minimiser, or hide it (the saddle has none)."""
    if problem.minimum is None:
        marker.set_data([], [])
    else:
        marker.set_data([problem.minimum[0]], [problem.minimum[1]])


def surface_name(landscape) -> str:
    """The surface a landscape shows, as a learner knows it: its dropdown's name if it has
    one ("valley κ = 100"), else the problem's ("bowl with κ = 10, turned 45°")."""
    name = getattr(landscape, "name", None)
    if name:
        return name
    problem = landscape.problem
    if isinstance(problem, Bowl):
        turned = f", turned {problem.angle:g}°" if problem.angle else ""
        return f"bowl with κ = {problem.condition_number:g}{turned}"
    return problem.name


class StartPoint:
    """Where every path on a landscape starts: the problem's default, or a point picked on it.

    ``picked`` is None until a learner picks a point, then that point as a tuple, so it can
    key the explorers' caches of runs; a white dot marks the start in use.
    """

    def __init__(self, live: LiveFigure, ax: Axes):
        (self.marker,) = ax.plot([], [], marker="o", markersize=8, color="white",
                                 markeredgecolor="k", linestyle="none", zorder=4)
        live.animate(self.marker)
        self.picked: tuple[float, float] | None = None

    def pick(self, point, problem: Problem) -> None:
        xy = finite_array(point, "point", shape=(2,))
        self.picked = (float(xy[0]), float(xy[1]))
        self.place(problem)

    def reset(self, problem: Problem) -> None:
        self.picked = None
        self.place(problem)

    def place(self, problem: Problem) -> None:
        x, y = self.picked or problem.default_start
        self.marker.set_data([x], [y])


class LandscapePanel:
    """A 2-D problem drawn as shaded log-loss with contour lines, and paths walked on it.

    The surface is scenery: changing the problem (a new condition number, another function)
    costs one contour computation and one draw of the surface, not a full figure redraw, and
    moves that keep the problem cost nothing here. The window is fixed
    by ``bounds`` (the first problem's by default); paths start at ``start``.
    """

    def __init__(self, live: LiveFigure, ax: Axes, problem: Problem, bounds=None):
        self.live = live
        self.ax = ax
        self.bounds = bounds or problem.bounds
        (x0, x1), (y0, y1) = self.bounds
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_autoscale_on(False)
        ax.set_xlabel("θ₁")
        ax.set_ylabel("θ₂")
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        self._grid = np.stack(np.meshgrid(xs, ys), axis=-1)
        self._shade = ax.imshow(np.zeros((GRID, GRID)), extent=(x0, x1, y0, y1), origin="lower",
                                cmap="Greys", aspect="auto", interpolation="bilinear")
        (self._minimum,) = ax.plot([], [], marker="*", color="gold", markersize=14,
                                   markeredgecolor="k", linestyle="none")
        live.scenery(self._shade, self._minimum)
        self._contours = None
        self.problem = None
        self.paths: list[PathArtist] = []
        self.start = StartPoint(live, ax)
        self.set_problem(problem)

    def set_problem(self, problem: Problem) -> None:
        if problem is self.problem:
            return
        self.problem = problem
        loss, shade, levels = loss_surface(problem, self._grid)
        paint_shade(self._shade, shade)
        if self._contours is not None:
            self._contours.remove()
            self.live.forget(self._contours)
        self._contours = contour_lines(self.ax, self._grid, loss, levels)
        self.live.scenery(self._contours)
        self.live.scenery_changed()
        place_minimum(self._minimum, problem)
        # The window stays, so a picked start stays too: only the default start moves.
        self.start.place(problem)

    def add_path(self, label: str, color: str | None = None, marker: str = "o") -> PathArtist:
        path = PathArtist(self.live, self.ax, label, color or COLORS.get(label, "C0"), marker)
        self.paths.append(path)
        return path


class PathArtist:
    """One optimizer's path: a polyline with small markers, and a cross where it diverged.

    ``show`` takes a whole run; ``until(k)`` then draws its first k steps, with a ring on the
    point reached, so a player can walk the path without the run being computed again.
    The cross of a run that left for infinity sits where it crossed the window's edge.
    """

    def __init__(self, live: LiveFigure, ax: Axes, label: str, color: str, marker: str):
        self.ax = ax
        self.label = label
        (self.line,) = ax.plot([], [], marker=marker, markersize=2.5, linewidth=1.4,
                               color=color, label=label)
        (self.end,) = ax.plot([], [], marker="X", markersize=11, color=color,
                              markeredgecolor="k", linestyle="none")
        (self.now,) = ax.plot([], [], marker="o", markersize=9, markerfacecolor="none",
                              markeredgewidth=2, color=color, linestyle="none")
        live.animate(self.line, self.end, self.now)
        self.run: Trajectory | None = None
        self.step: int | None = None

    def show(self, run: Trajectory | None) -> None:
        self.run = run
        self.until(self.step)

    def until(self, step: int | None) -> None:
        """Draw the first ``step`` steps of the run and ring the point reached (None: all)."""
        self.step = step
        run = self.run
        if run is None:
            for artist in (self.line, self.end, self.now):
                artist.set_data([], [])
            return
        last = len(run.path) - 1 if step is None else min(step, len(run.path) - 1)
        self.line.set_data(run.path[:last + 1, 0], run.path[:last + 1, 1])
        if step is None:
            self.now.set_data([], [])
        else:
            self.now.set_data([run.path[last, 0]], [run.path[last, 1]])
        if run.diverged and (step is None or step >= run.diverged_at):
            (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
            self.end.set_data([np.clip(run.path[-1, 0], min(x0, x1), max(x0, x1))],
                              [np.clip(run.path[-1, 1], min(y0, y1), max(y0, y1))])
        else:
            self.end.set_data([], [])

    def loss_at(self, step: int) -> str:
        """The loss after ``step`` steps, or where the run failed, in a few characters."""
        run = self.run
        if run is None:
            return "off"
        if run.diverged and step >= run.diverged_at:
            return f"diverged at step {run.diverged_at}"
        return f"{run.losses[min(step, len(run.losses) - 1)]:.3g}"


class LossPanel:
    """Loss against step on a log scale with fixed limits (so the axes never need a redraw).

    Like :class:`PathArtist`, it keeps each whole curve and ``until(k)`` shows its first k
    steps, with a dotted line at step k.
    """

    def __init__(self, live: LiveFigure, ax: Axes, max_steps: int, low: float = 1e-8,
                 high: float = 1e3, ylabel: str = "loss − minimum"):
        self.live = live
        self.ax = ax
        self.low = low
        ax.set_yscale("log")
        ax.set_xlim(0, max_steps)
        ax.set_ylim(low, high)
        ax.set_autoscale_on(False)
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.3)
        self.lines = {}
        self._gaps: dict[str, np.ndarray | None] = {}
        self.step: int | None = None
        self.now = ax.axvline(0, color="#555555", linewidth=0.9, linestyle=":", visible=False)
        live.animate(self.now)

    def add_curve(self, label: str, color: str | None = None):
        (line,) = self.ax.plot([], [], color=color or COLORS.get(label, "C0"), linewidth=1.5,
                               label=label)
        self.live.animate(line)
        self.lines[label] = line
        self._gaps[label] = None
        return line

    def show(self, label: str, losses: np.ndarray | None, floor: float = 0.0) -> None:
        # Clip at the panel's floor so a run that reached the minimum exactly stays on the plot.
        self._gaps[label] = (None if losses is None
                             else np.maximum(np.asarray(losses) - floor, self.low))
        self._draw(label)

    def until(self, step: int | None) -> None:
        """Show each curve up to ``step`` (None: whole), and mark the step."""
        self.step = step
        for label in self.lines:
            self._draw(label)
        self.now.set_visible(step is not None)
        if step is not None:
            self.now.set_xdata([step, step])

    def _draw(self, label: str) -> None:
        line, gap = self.lines[label], self._gaps[label]
        if gap is None:
            line.set_data([], [])
            return
        shown = gap if self.step is None else gap[:self.step + 1]
        line.set_data(np.arange(len(shown)), shown)
