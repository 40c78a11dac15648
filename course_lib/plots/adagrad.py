"""Lesson 4 pictures: AdaGrad's step per coordinate, and how it fades.

AdaGrad keeps, for every coordinate i, the sum sᵢ of the squared gradients seen so far and
divides that coordinate's step by √(sᵢ + ε). A steep coordinate piles up a large sᵢ at once
and slows down; a flat one keeps a larger step. On a constant gradient g the sum grows like
t g², so the effective rate η / √(sᵢ + ε) falls like η / (|g| √t) and never comes back.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.plots.colors import LOOKS, OKABE_ITO, SERIES
from course_lib.plots.gradient_descent import draw_landscape
from course_lib.problems import Bowl, Problem, Trajectory, trajectory
from course_lib.validation import finite_array, integer

GD_COLOR, ADAGRAD_COLOR = LOOKS["SGD"].color, LOOKS["Adagrad"].color
COORDINATE_COLORS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"])
COORDINATE_DASHES = ("-", "--")
"""θ₁ in blue and solid, θ₂ in vermillion and dashed, as in lesson 1's per-coordinate pictures."""


def effective_rates(problem: Problem, run: Trajectory, learning_rate: float,
                    initial_accumulator_value: float = 0.1, epsilon: float = 1e-7) -> np.ndarray:
    """AdaGrad's rate η / √(sᵢ + ε) for each coordinate, after each step of ``run``.

    Row k − 1 is the rate step k used: sᵢ after k steps is s₀ + Σⱼ₌₀..ₖ₋₁ gᵢ(θⱼ)², the
    squared gradients at the points the run stood on. Shape ``(len(run.path) - 1, 2)``.
    """
    gradients = problem.gradient(run.path[:-1])
    accumulated = initial_accumulator_value + np.cumsum(gradients**2, axis=0)
    return learning_rate / np.sqrt(accumulated + epsilon)


def heading_error(run: Trajectory, target) -> float | None:
    """The angle in degrees between the first step of ``run`` and the line to ``target``.

    None when there is no angle to measure: the run starts on ``target``, or its first step
    is zero (a zero gradient, as at the minimum itself).
    """
    if len(run.path) < 2:
        raise ValueError(f"run must have at least 2 points to have a heading, got {len(run.path)}")
    step = run.path[1] - run.path[0]
    aim = np.asarray(target, dtype=np.float64) - run.path[0]
    lengths = np.linalg.norm(step) * np.linalg.norm(aim)
    if lengths == 0:
        return None
    cosine = step @ aim / lengths
    return math.degrees(math.acos(float(np.clip(cosine, -1.0, 1.0))))


def rates_on_constant_gradients(gradients=(0.1, 1.0, 10.0), learning_rate: float = 1.0,
                                steps: int = 1000) -> np.ndarray:
    """η / √(s + ε) read from AdaGrad's slot ``s`` after each of ``steps`` constant gradients.

    One optimizer updates a parameter with one coordinate per gradient, so each column is
    a separate coordinate that always sees the same slope. Shape ``(steps, len(gradients))``.
    """
    steps = integer(steps, "steps", low=1)
    gradient = finite_array(gradients, "gradients", ndim=1)
    if gradient.size == 0:
        raise ValueError(f"gradients must hold at least one number, got {gradients!r}")
    optimizer = optimizers.Adagrad(learning_rate=learning_rate)
    theta = np.zeros_like(gradient)
    rates = np.empty((steps, gradient.size))
    for k in range(steps):
        optimizer.apply(gradient, theta)
        rates[k] = learning_rate / np.sqrt(optimizer.slots[0]["s"] + optimizer.epsilon)
    return rates


def fading_rate(gradients=(0.1, 1.0, 10.0), learning_rate: float = 1.0,
                steps: int = 1000) -> Figure:
    """The effective rate on constant gradients, log-log, beside the law η / (|g| √t).

    The lines fall with slope −½: 100 times more steps, a 10 times smaller rate. A small
    gradient first sits at η / √s₀ (s₀ = 0.1, Keras's ``initial_accumulator_value``)
    until t g² outgrows s₀.
    """
    rates = rates_on_constant_gradients(gradients, learning_rate, steps)
    t = np.arange(1, steps + 1)
    fig = Figure(figsize=(7.0, 3.4), layout="constrained")
    ax = fig.subplots()
    for i, g in enumerate(gradients):
        look = SERIES[i % len(SERIES)]
        ax.loglog(t, rates[:, i], color=look.color, marker=look.marker, markersize=4,
                  markevery=0.1, linewidth=1.8, label=f"|g| = {g:g}")
        ax.loglog(t, learning_rate / (abs(g) * np.sqrt(t)), "--", color=look.color,
                  linewidth=0.9)
    ax.plot([], [], "--", color="k", linewidth=0.9, label="η / (|g| √t)")
    ax.set_xlabel("step t")
    ax.set_ylabel("effective rate η / √(s + ε)")
    ax.set_title(f"AdaGrad's rate on a constant gradient (η = {learning_rate:g})")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def directions(condition_number: float = 30.0, learning_rate: float = 1.0,
               steps: int = 60) -> Figure:
    """GD and AdaGrad on the bowl, its axes along θ₁ and θ₂ (left) and turned 45° (right).

    GD runs at η = 1/κ, the largest rate at which its steep direction does not zig-zag.
    On the left AdaGrad's first step heads almost straight for the minimum; on the right
    the steep and flat directions mix θ₁ and θ₂, per-coordinate scaling cannot tell them
    apart, and AdaGrad loses most of its edge.
    """
    fig = Figure(figsize=(10.0, 3.9), layout="constrained")
    for ax, angle in zip(fig.subplots(1, 2), (0.0, 45.0), strict=True):
        problem = Bowl(condition_number, angle)
        draw_landscape(ax, problem)
        gd = trajectory(optimizers.SGD(learning_rate=1 / condition_number), problem, steps=steps)
        adagrad = trajectory(optimizers.Adagrad(learning_rate=learning_rate), problem,
                             steps=steps)
        for run, name, color in ((gd, "GD, η = 1/κ", GD_COLOR),
                                 (adagrad, f"AdaGrad, η = {learning_rate:g}", ADAGRAD_COLOR)):
            off = heading_error(run, problem.minimum)
            ax.plot(run.path[:, 0], run.path[:, 1], "o-", color=color, markersize=2.5,
                    linewidth=1.3, label=f"{name}: loss {run.final_loss:.2g}, "
                                         f"first step {off:.0f}° off")
        ax.set_title(f"κ = {condition_number:g}, axes turned {angle:g}°")
        ax.legend(loc="upper right", fontsize=7.5)
    return fig
