"""Lesson 3 pictures: Nesterov's look-ahead step, seen up close, and the damping it brings.

The book writes Nesterov momentum for the point θ::

    m ← βm − η ∇J(θ + βm)        θ ← θ + m

and measures the gradient at the look-ahead point θ + βm. ``course_lib``'s SGD, like Keras
and PyTorch, keeps that look-ahead point φ = θ + βm as its parameters instead; the helpers
here turn a course_lib run back into the book's θ so both can be drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from course_lib import optimizers
from course_lib.plots.colors import LOOKS, OKABE_ITO
from course_lib.plots.gradient_descent import draw_landscape
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.problems import Bowl, Problem, trajectory
from course_lib.validation import finite_array, integer, number

COLORS = {"Momentum": LOOKS["Momentum"].color, "Nesterov": LOOKS["Nesterov"].color,
          "velocity": "#555555", "here": OKABE_ITO["vermillion"],
          "ahead": OKABE_ITO["bluish green"]}
DASHES = {"velocity": "-", "here": "--", "ahead": "-"}
"""∇₁ and ∇₂ differ in colour, in dash and in the labels at their heads: never colour alone."""


@dataclass(frozen=True)
class LookAhead:
    """One Nesterov step, the book's way, from the point θ with velocity m.

    ``lookahead`` = θ + βm is where Nesterov measures the gradient;
    ``gradient_here`` ∇₁ = ∇J(θ) is what plain momentum would use;
    ``gradient_ahead`` ∇₂ = ∇J(θ + βm) is what Nesterov uses;
    ``nesterov_next`` = θ + βm − η∇₂ is where Nesterov goes (θ + m with the new m);
    ``momentum_next`` = θ + βm − η∇₁ is where plain momentum would go from the same θ and m.
    """

    point: np.ndarray
    velocity: np.ndarray
    lookahead: np.ndarray
    gradient_here: np.ndarray
    gradient_ahead: np.ndarray
    nesterov_next: np.ndarray
    momentum_next: np.ndarray
    learning_rate: float
    momentum: float


def look_ahead(problem: Problem, point, velocity, learning_rate: float,
               momentum: float) -> LookAhead:
    """The pieces of the Nesterov step from θ = ``point`` with m = ``velocity``."""
    theta = finite_array(point, "point", shape=(2,))
    m = finite_array(velocity, "velocity", shape=(2,))
    momentum = number(momentum, "momentum", low=0, high=1, high_inclusive=False)
    learning_rate = number(learning_rate, "learning_rate", low=0, low_inclusive=False)
    ahead = theta + momentum * m
    here_gradient = problem.gradient(theta)
    ahead_gradient = problem.gradient(ahead)
    return LookAhead(
        point=theta, velocity=m, lookahead=ahead,
        gradient_here=here_gradient, gradient_ahead=ahead_gradient,
        nesterov_next=ahead - learning_rate * ahead_gradient,
        momentum_next=ahead - learning_rate * here_gradient,
        learning_rate=float(learning_rate), momentum=float(momentum),
    )


@dataclass(frozen=True)
class NesterovRun:
    """A run of ``SGD(nesterov=True)`` seen both ways.

    ``lookaheads[k]`` is what course_lib holds as its parameters after k steps, the
    look-ahead point φ = θ + βm; ``velocities[k]`` is its ``"momentum"`` slot m then; and
    ``points[k]`` = φ − βm is the book's θ. ``losses[k]`` is J(θₖ). A diverged run stops
    before the step that failed, as ``course_lib.problems.trajectory`` does.
    """

    points: np.ndarray
    velocities: np.ndarray
    lookaheads: np.ndarray
    losses: np.ndarray
    diverged: bool
    diverged_at: int | None

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


class _VelocityRecorder:
    """Passes each step on to the optimizer and keeps a copy of its velocity slot after it."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.velocities = []

    def apply(self, grads, params):
        self.optimizer.apply(grads, params)
        slots = self.optimizer.slots[0]
        # With β = 0 SGD keeps no slot: the velocity then never enters the step.
        self.velocities.append(slots["momentum"].copy() if "momentum" in slots
                               else np.zeros_like(params))


def nesterov_run(problem: Problem, learning_rate: float, momentum: float, steps: int,
                 start=None) -> NesterovRun:
    """Run course_lib's ``SGD(learning_rate, momentum, nesterov=True)`` and recover θ = φ − βm."""
    recorder = _VelocityRecorder(
        optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=True))
    run = trajectory(recorder, problem, start=start, steps=steps)
    velocities = np.zeros_like(run.path)
    velocities[1:] = recorder.velocities[:len(run.path) - 1]
    points = run.path - momentum * velocities
    return NesterovRun(points=points, velocities=velocities, lookaheads=run.path,
                       losses=np.asarray(problem.value(points)), diverged=run.diverged,
                       diverged_at=run.diverged_at)


class LookAheadView:
    """One Nesterov step drawn up close on ``ax``: the velocity, both gradients, both outcomes.

    Arrows: βm from θ to the look-ahead point (grey); the push −η∇₁ at θ (vermillion,
    dashed, labelled ∇₁ at its head); the push −η∇₂ at θ + βm (green, solid, labelled ∇₂);
    :meth:`legend` names them. Dots: θ, θ + βm, Nesterov's next
    point, and a cross where plain momentum would land. The background shades the loss over
    the window in bands. The axes carry no ticks, so :meth:`show` can move the window without
    a full redraw.
    """

    GRID = 60

    def __init__(self, ax: Axes):
        self.ax = ax
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_box_aspect(1)
        ax.set_autoscale_on(False)
        self.shade = ax.imshow(np.zeros((self.GRID, self.GRID)), origin="lower", cmap="Greys",
                               aspect="auto", interpolation="nearest", alpha=0.55)
        self.arrows = {
            name: ax.add_patch(FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=14,
                                               linewidth=2, color=COLORS[name], shrinkA=0,
                                               shrinkB=0, linestyle=DASHES[name]))
            for name in ("velocity", "here", "ahead")
        }
        self.labels = {name: ax.text(0, 0, text, color=COLORS[name], fontsize=11,
                                     fontweight="bold", ha="center", va="center")
                       for name, text in (("here", "∇₁"), ("ahead", "∇₂"))}
        (self.theta,) = ax.plot([], [], "o", color="k", markersize=6, label="θ")
        (self.ahead,) = ax.plot([], [], "o", markerfacecolor="white", markeredgecolor="k",
                                markersize=7, label="θ + βm, look-ahead")
        (self.nesterov,) = ax.plot([], [], "o", color=COLORS["Nesterov"], markeredgecolor="k",
                                   markersize=8, label="Nesterov's next θ")
        (self.momentum,) = ax.plot([], [], "X", color=COLORS["Momentum"], markeredgecolor="k",
                                   markersize=8, label="momentum's next θ")

    @property
    def artists(self) -> list:
        return [self.shade, *self.arrows.values(), *self.labels.values(), self.theta, self.ahead,
                self.nesterov, self.momentum]

    def legend(self):
        """The key to arrows and markers, outside the axes on the right, clear of the shading."""
        arrows = [Line2D([], [], color=COLORS[name], linestyle=DASHES[name], linewidth=2,
                         label=text)
                  for name, text in (("velocity", "βm (velocity)"),
                                     ("here", "−η∇₁ at θ"),
                                     ("ahead", "−η∇₂ at θ + βm"))]
        markers = [self.theta, self.ahead, self.nesterov, self.momentum]
        return self.ax.legend(handles=arrows + markers, loc="upper left",
                              bbox_to_anchor=(1.02, 1.0), fontsize=LEGEND_FONTSIZE, frameon=False,
                              borderaxespad=0)

    def window(self, step: LookAhead) -> tuple[float, float, float]:
        """(center x, center y, half width) of a square that holds every piece of ``step``."""
        pieces = np.array([step.point, step.lookahead, step.nesterov_next, step.momentum_next,
                           step.point - step.learning_rate * step.gradient_here])
        center = (pieces.min(axis=0) + pieces.max(axis=0)) / 2
        half = 1.25 * float(np.max(np.abs(pieces - center)))
        if not half > 0:
            half = 1e-3 * (1 + float(np.max(np.abs(center))))
        return float(center[0]), float(center[1]), half

    def show(self, problem: Problem, step: LookAhead) -> None:
        cx, cy, half = self.window(step)
        x0, x1, y0, y1 = cx - half, cx + half, cy - half, cy + half
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        grid = np.stack(np.meshgrid(np.linspace(x0, x1, self.GRID), np.linspace(y0, y1, self.GRID)),
                        axis=-1)
        loss = problem.value(grid)
        low, high = float(loss.min()), float(loss.max())
        # Twelve equal bands of loss across the window read like contour lines.
        bands = np.floor(12 * (loss - low) / (high - low)) if high > low else np.zeros_like(loss)
        self.shade.set_data(bands)
        self.shade.set_extent((x0, x1, y0, y1))
        self.shade.set_clim(0, 14)

        theta, ahead = step.point, step.lookahead
        here_push = -step.learning_rate * step.gradient_here
        ahead_push = -step.learning_rate * step.gradient_ahead
        self.arrows["velocity"].set_positions(tuple(theta), tuple(ahead))
        self.arrows["here"].set_positions(tuple(theta), tuple(theta + here_push))
        self.arrows["ahead"].set_positions(tuple(ahead), tuple(ahead + ahead_push))
        # Each label just past its arrow's head, pushed a little further along the arrow.
        for name, base, push in (("here", theta, here_push), ("ahead", ahead, ahead_push)):
            length = float(np.hypot(*push))
            beyond = push * (1 + 0.08 * half / length) if length > 0 else push
            self.labels[name].set_position(tuple(base + beyond))
        self.theta.set_data([theta[0]], [theta[1]])
        self.ahead.set_data([ahead[0]], [ahead[1]])
        self.nesterov.set_data([step.nesterov_next[0]], [step.nesterov_next[1]])
        self.momentum.set_data([step.momentum_next[0]], [step.momentum_next[1]])


def look_ahead_step(learning_rate: float = 0.05, momentum: float = 0.9, step: int = 2,
                    problem: Problem | None = None, steps: int = 30) -> Figure:
    """Nesterov's path in a valley, and step ``step`` of it up close with ∇₁ and ∇₂ drawn."""
    problem = Bowl(10.0) if problem is None else problem
    run = nesterov_run(problem, learning_rate, momentum, steps)
    step = integer(step, "step", low=0, high=len(run.points) - 1)
    detail = look_ahead(problem, run.points[step], run.velocities[step], learning_rate, momentum)
    fig = Figure(figsize=(10.5, 3.9), layout="constrained")
    whole, close = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    draw_landscape(whole, problem)
    whole.plot(run.points[:, 0], run.points[:, 1], "o-", color=COLORS["Nesterov"], markersize=3,
               linewidth=1.2, label="Nesterov's θ")
    view = LookAheadView(close)
    view.show(problem, detail)
    cx, cy, half = view.window(detail)
    whole.add_patch(Rectangle((cx - half, cy - half), 2 * half, 2 * half, fill=False,
                              edgecolor="k", linewidth=1.2))
    whole.set_title(f"Nesterov, η = {learning_rate:g}, β = {momentum:g}; the box is step {step}")
    whole.legend(loc="upper right", fontsize=8)
    close.set_title(f"step {step} up close", fontsize=10)
    view.legend()
    return fig


def damping(learning_rate: float = 0.05, momentum: float = 0.9, condition_number: float = 10.0,
            steps: int = 150) -> Figure:
    """Momentum and Nesterov in the valley ½(x² + κy²): paths, and loss per step."""
    problem = Bowl(condition_number)
    heavy = trajectory(optimizers.SGD(learning_rate=learning_rate, momentum=momentum), problem,
                       steps=steps)
    nesterov = nesterov_run(problem, learning_rate, momentum, steps)
    fig = Figure(figsize=(9.5, 3.4), layout="constrained")
    paths, losses = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    draw_landscape(paths, problem)
    for label, points, loss in (("Momentum", heavy.path, heavy.losses),
                                ("Nesterov", nesterov.points, nesterov.losses)):
        paths.plot(points[:, 0], points[:, 1], "o-", color=COLORS[label], markersize=2,
                   linewidth=1, label=label)
        losses.semilogy(np.arange(len(loss)), np.maximum(loss, 1e-30), color=COLORS[label],
                        label=label)
    paths.legend(loc="upper right", fontsize=8)
    paths.set_title(f"κ = {condition_number:g}, η = {learning_rate:g}, β = {momentum:g}")
    losses.set_ylim(1e-12, 2 * max(heavy.losses[0], 1.0))
    losses.set_xlabel("step")
    losses.set_ylabel("loss")
    losses.set_title("loss per step")
    losses.grid(True, alpha=0.3)
    losses.legend(fontsize=8)
    return fig


def convergence_orders(clean: dict[str, np.ndarray], noisy: dict[str, np.ndarray],
                       distance_squared: float, noise: float) -> Figure:
    """J − J* against the step on log-log axes, exact gradients (left) and noisy ones (right).

    ``clean`` and ``noisy`` map a method's name to its losses per step; the left panel adds
    the two guarantees for L = 1: ‖θ₀ − θ*‖² / (2k) for gradient descent and
    2 ‖θ₀ − θ*‖² / (k + 1)² for Nesterov's method. On log-log axes 1/k and 1/k² are straight
    lines of slope −1 and −2.
    """
    fig = Figure(figsize=(10.0, 3.6), layout="constrained")
    exact_ax, noisy_ax = fig.subplots(1, 2, sharey=True)
    colors = {"GD": "#4c4c4c", "Nesterov, β = (k − 1)/(k + 2)": COLORS["Nesterov"],
              "Nesterov, β = 0.9": "#9467bd"}
    for ax, runs in ((exact_ax, clean), (noisy_ax, noisy)):
        for name, losses in runs.items():
            ax.loglog(np.arange(1, len(losses) + 1), losses, color=colors.get(name),
                      linewidth=1.6, label=name)
        ax.set_xlabel("step k")
        ax.grid(True, which="major", alpha=0.3)
    k = np.arange(1, len(next(iter(clean.values()))) + 1)
    exact_ax.loglog(k, distance_squared / (2 * k), ":", color=colors["GD"],
                    label="GD's bound R²/(2k)")
    exact_ax.loglog(k, 2 * distance_squared / (k + 1) ** 2, ":",
                    color=colors["Nesterov, β = (k − 1)/(k + 2)"],
                    label="Nesterov's bound 2R²/(k + 1)²")
    exact_ax.set_ylim(1e-7, 1e2)
    exact_ax.set_ylabel("J(θ_k) − J*")
    exact_ax.set_title("exact gradients: 1/k against 1/k²")
    noisy_ax.set_title(f"noisy gradients (σ = {noise:g} per coordinate)")
    exact_ax.legend(loc="lower left", fontsize=7)
    noisy_ax.legend(loc="lower left", fontsize=7)
    return fig
