"""Lesson 1 pictures: gradient descent in an elongated valley.

On the bowl J = ½(x² + κy²) the update θ ← θ − η∇J multiplies each coordinate by its
own factor every step: x by (1 − η) and y by (1 − ηκ). The pictures here show those two
factors at work.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.plots.colors import SERIES
from course_lib.problems import Bowl, trajectory
from course_lib.problems.rates import best_gradient_descent, gradient_descent_limit


def zigzag(condition_number: float = 20.0, learning_rate: float = 0.095, steps: int = 60) -> Figure:
    """Gradient descent on ½(x² + κy²): the path, and each coordinate's size per step.

    Near the stability limit η = 2/κ the steep coordinate y flips sign every step
    (its factor 1 − ηκ is close to −1) while the flat one x shrinks only by 1 − η.
    """
    problem = Bowl(condition_number)
    run = trajectory(optimizers.SGD(learning_rate=learning_rate), problem, steps=steps)
    fig = Figure(figsize=(9.5, 3.4), layout="constrained")
    landscape, sizes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    draw_landscape(landscape, problem)
    landscape.plot(run.path[:, 0], run.path[:, 1], "o-", color="#4c4c4c", markersize=3,
                   linewidth=1.2, label=f"SGD, η = {learning_rate:g}")
    landscape.legend(loc="upper right")
    landscape.set_title(f"κ = {condition_number:g}: zig-zag across, crawl along")

    k = np.arange(len(run.path))
    flat, steep = SERIES[0], SERIES[1]
    sizes.semilogy(k, np.abs(run.path[:, 0]), color=flat.color, linestyle=flat.linestyle,
                   label="|θ₁| (flat direction)")
    # Dash-dot, so that "the dashed line" of the lesson stays the one (1 − η)ᵏ.
    sizes.semilogy(k, np.abs(run.path[:, 1]), color=steep.color, linestyle="-.",
                   label="|θ₂| (steep direction)")
    sizes.semilogy(k, np.abs(run.path[0, 0]) * (1 - learning_rate) ** k, "--", color="k",
                   linewidth=0.8,
                   label=f"(1 − η)ᵏ, η = {learning_rate:g}")
    sizes.set_xlabel("step k")
    sizes.set_title("distance to the minimum, per coordinate")
    sizes.legend(fontsize=8)
    sizes.grid(True, alpha=0.3)
    return fig


def contraction_factors(condition_number: float = 10.0) -> Figure:
    """|1 − ηλ| for the flat (λ = 1) and steep (λ = κ) directions of the bowl, against η.

    The slower of the two sets the pace. It is smallest where the curves cross, at
    η = 2/(1 + κ), where both directions shrink by (κ − 1)/(κ + 1) per step; past η = 2/κ
    the steep direction grows and the run diverges.
    """
    best, rate = best_gradient_descent(condition_number)
    kappa = float(condition_number)
    limit = gradient_descent_limit(kappa)
    eta = np.linspace(0, 1.25 * limit, 400)
    flat, steep = np.abs(1 - eta), np.abs(1 - eta * kappa)
    fig = Figure(figsize=(6.5, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.plot(eta, flat, color=SERIES[0].color, linestyle=SERIES[0].linestyle,
            label="flat direction |1 − η|")
    ax.plot(eta, steep, color=SERIES[1].color, linestyle=SERIES[1].linestyle,
            label=f"steep direction |1 − ηκ|, κ = {kappa:g}")
    ax.plot(eta, np.maximum(flat, steep), color="k", linewidth=3, alpha=0.2, label="the slower one")
    ax.axhline(1, color="grey", linewidth=0.8)
    ax.axvline(limit, color=SERIES[1].color, linestyle="--", linewidth=1)
    ax.annotate(" η > 2/κ: diverges", (limit, 1.45), ha="left", fontsize=8, color=SERIES[1].color)
    ax.plot([best], [rate], "o", color="k")
    ax.annotate(f"best η = 2/(1+κ) = {best:.3g}\nfactor (κ−1)/(κ+1) = {rate:.3g}",
                (best, rate), xytext=(0.01 * limit, 0.12), fontsize=8,
                arrowprops={"arrowstyle": "->", "color": "k", "linewidth": 0.8})
    ax.set_xlim(0, eta[-1])
    ax.set_ylim(0, 1.6)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("shrink factor per step")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def draw_landscape(ax, problem, levels=None) -> None:
    """Contour lines of ``problem`` over its ``bounds`` window, and its minimum as a star."""
    (x0, x1), (y0, y1) = problem.bounds
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200)), axis=-1)
    loss = problem.value(grid)
    ax.contour(grid[..., 0], grid[..., 1], loss,
               levels=problem.levels if levels is None else levels,
               colors="#9a9a9a", linewidths=0.7)
    if problem.minimum is not None:
        ax.plot(*problem.minimum, "*", color="gold", markersize=14, markeredgecolor="k")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
