"""Lesson 2 pictures: momentum's terminal velocity, overshoot, and the Keras/PyTorch forms.

The terminal velocity: with a constant gradient g, the velocity obeys m ← βm − ηg, whose
fixed point is m = −ηg/(1 − β). Every step then moves θ by η|g|/(1 − β): 1/(1 − β) times
the plain gradient step (10× at β = 0.9).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchSGD
from course_lib.plots.colors import SERIES
from course_lib.plots.gradient_descent import draw_landscape
from course_lib.problems import Bowl, trajectory
from course_lib.problems.rates import momentum_speedup
from course_lib.validation import integer, number


def speeds_on_a_slope(optimizer, steps: int, slope: float = 1.0) -> np.ndarray:
    """The step lengths |θₖ − θₖ₋₁|, k = 1 … steps, of ``optimizer`` on the plane J(θ) = slope·θ.

    The gradient is the constant ``slope`` at every point, so this isolates how an
    optimizer's step grows (momentum) or stays put (plain gradient descent).
    """
    steps = integer(steps, "steps", low=1)
    slope = number(slope, "slope")
    if slope == 0:
        raise ValueError(f"slope must be a finite number other than 0, got {slope!r}")
    theta = np.zeros(1)
    gradient = np.full(1, slope)
    positions = np.empty(steps + 1)
    positions[0] = theta[0]
    for k in range(1, steps + 1):
        optimizer.apply(gradient, theta)
        positions[k] = theta[0]
    return np.abs(np.diff(positions))


def terminal_velocity(momentums=(0.0, 0.5, 0.8, 0.9), learning_rate: float = 0.01,
                      steps: int = 60) -> Figure:
    """Momentum's step on a constant slope, in units of the plain step η|g|, for several β.

    Each curve climbs to its own ceiling 1/(1 − β) (dashed): after k steps it is at
    (1 − βᵏ)/(1 − β).
    """
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    k = np.arange(1, steps + 1)
    for i, beta in enumerate(momentums):
        optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=beta)
        speed = speeds_on_a_slope(optimizer, steps) / learning_rate
        look = SERIES[i % len(SERIES)]
        # Solid with a marker each: the dashed line of the same colour is the ceiling.
        ax.plot(k, speed, color=look.color, marker=look.marker, markersize=3.5,
                markevery=(i, max(1, steps // 12)), label=f"β = {beta:g}")
        ax.axhline(momentum_speedup(beta), color=look.color, linestyle="--", linewidth=0.9)
    ax.set_xlabel("step k")
    ax.set_ylabel("step length / plain step η|g|")
    ax.set_title("terminal velocity: the step grows to 1/(1 − β) times the plain step")
    ax.set_xlim(0, steps)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(True, alpha=0.3)
    return fig


def friction(momentums=(0.5, 0.9, 0.99), learning_rate: float = 0.02,
             condition_number: float = 20.0, steps: int = 120) -> Figure:
    """Momentum's path in the valley ½(x² + κy²) for several β, one panel each.

    Little momentum (much friction) behaves like gradient descent; β close to 1 (almost no
    friction) overshoots the minimum and swings around it many times before it settles.
    """
    problem = Bowl(condition_number)
    fig = Figure(figsize=(3.3 * len(momentums), 2.9), layout="constrained")
    for ax, beta in zip(np.atleast_1d(fig.subplots(1, len(momentums))), momentums, strict=True):
        run = trajectory(optimizers.SGD(learning_rate=learning_rate, momentum=beta), problem,
                         steps=steps)
        draw_landscape(ax, problem)
        ax.plot(run.path[:, 0], run.path[:, 1], "o-", color="#1f77b4", markersize=2,
                linewidth=1)
        ax.set_title(f"β = {beta:g}: loss {run.final_loss:.1e} after {steps} steps", fontsize=9)
    return fig


def learning_rate_drop(learning_rate: float = 0.1, momentum: float = 0.9, drop_at: int = 40,
                       factor: float = 0.1, steps: int = 90) -> Figure:
    """Step lengths of Keras's and PyTorch's momentum on a constant slope when η drops.

    Steps 1 … ``drop_at`` use η, the later ones ``factor``·η. Keras keeps the velocity
    m with η inside it (m ← βm − ηg), so the old η fades out over about 1/(1 − β) steps;
    PyTorch keeps b without η (b ← βb + g, θ ← θ − ηb), so its step shrinks at once.
    """
    def schedule(step):
        return learning_rate if step < drop_at else factor * learning_rate

    keras = speeds_on_a_slope(optimizers.SGD(learning_rate=schedule, momentum=momentum), steps)
    torch = speeds_on_a_slope(TorchSGD(learning_rate=schedule, momentum=momentum), steps)
    k = np.arange(1, steps + 1)
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.semilogy(k, keras, "o-", markersize=2.5, color="#1f77b4",
                label="Keras / course_lib SGD: m ← βm − ηg")
    ax.semilogy(k, torch, "s--", markersize=2.5, color="#d62728",
                label="PyTorch (TorchSGD): b ← βb + g, θ ← θ − ηb")
    ax.axvline(drop_at + 0.5, color="grey", linewidth=0.8)
    top_speed = learning_rate * momentum_speedup(momentum)
    ax.annotate(f" η × {factor:g} from here", (drop_at + 0.5, 1.6 * top_speed),
                fontsize=8, va="center")
    for rate in (learning_rate, factor * learning_rate):
        ax.axhline(rate * momentum_speedup(momentum), color="grey", linestyle=":", linewidth=0.8)
    ax.set_xlabel("step k")
    ax.set_ylabel("step length |Δθ|  (slope |g| = 1)")
    ax.set_title(f"a learning-rate drop at step {drop_at}, β = {momentum:g}")
    ax.set_xlim(0, steps)
    ax.set_ylim(0.5 * factor * top_speed, 2 * top_speed)
    ax.legend(loc="upper right", bbox_to_anchor=(1, 0.88), fontsize=8)
    ax.grid(True, alpha=0.3)
    return fig


def double_well(x):
    """The tilted double well J(x) = x⁴/4 − x²/2 + x/5.

    Its slope x³ − x + 1/5 vanishes three times: a shallow minimum at x ≈ 0.88 (J ≈ −0.06),
    a low hump at x ≈ 0.20 (J ≈ 0.02) and the deep minimum at x ≈ −1.09 (J ≈ −0.46).
    """
    return x**4 / 4 - x**2 / 2 + x / 5


def double_well_slope(x):
    """dJ/dx = x³ − x + 1/5 for ``double_well``."""
    return x**3 - x + 1 / 5


def roll(optimizer, start: float, steps: int) -> np.ndarray:
    """Positions x₀ … x_steps of ``optimizer`` on ``double_well`` from ``start``."""
    steps = integer(steps, "steps", low=1)
    x = np.array([float(start)])
    positions = np.empty(steps + 1)
    positions[0] = x[0]
    for k in range(1, steps + 1):
        optimizer.apply(double_well_slope(x), x)
        positions[k] = x[0]
    return positions


def rolling_past_a_dip(momentums=(0.0, 0.8, 0.9), learning_rate: float = 0.01,
                       start: float = 2.0, steps: int = 500) -> Figure:
    """The double well with where each β ends (left) and the position per step (right)."""
    fig = Figure(figsize=(10.0, 3.4), layout="constrained")
    well_ax, path_ax = fig.subplots(1, 2)
    xs = np.linspace(-1.7, 2.1, 300)
    well_ax.plot(xs, double_well(xs), color="k", linewidth=1.5)
    for i, beta in enumerate(momentums):
        positions = roll(optimizers.SGD(learning_rate=learning_rate, momentum=beta), start,
                         steps)
        end = positions[-1]
        # Shrinking markers, so that runs ending at the same place all stay visible.
        look = SERIES[i % len(SERIES)]
        well_ax.plot([end], [double_well(end)], look.marker, color=look.color,
                     markersize=12 - 3 * i, markeredgecolor="k", label=f"β = {beta:g} ends here")
        path_ax.plot(positions, color=look.color, linestyle=look.linestyle, linewidth=1.5,
                     label=f"β = {beta:g}")
    well_ax.plot([start], [double_well(start)], "s", color="w", markeredgecolor="k",
                 label="start")
    well_ax.set_xlabel("x")
    well_ax.set_ylabel("J(x)")
    well_ax.set_title("J(x) = x⁴/4 − x²/2 + x/5")
    well_ax.legend(loc="upper center", fontsize=8)
    for level, name in ((0.88, "shallow dip"), (-1.09, "deep minimum")):
        path_ax.axhline(level, color="#999999", linestyle="--", linewidth=0.9)
        path_ax.text(steps, level, f" {name}", va="center", fontsize=8)
    path_ax.set_xlabel("step")
    path_ax.set_ylabel("x")
    path_ax.set_title(f"position per step (η = {learning_rate:g})")
    path_ax.legend(loc="center right", fontsize=8)
    path_ax.grid(True, alpha=0.3)
    return fig
