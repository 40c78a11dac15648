"""Lesson 5 pictures: RMSProp's decaying average, what it remembers and what it forgets.

RMSProp replaces AdaGrad's sum by s ← ρs + (1 − ρ) g ⊗ g. Unrolled, s holds the squared
gradient of k steps ago with the weight (1 − ρ)ρᵏ: the weights add up to 1 (an average, not
a sum) and fall by a factor e about every 1/(1 − ρ) steps, the average's window.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.plots.colors import LOOKS
from course_lib.validation import finite_array, integer, number

ADAGRAD_COLOR, RMSPROP_COLOR, GRADIENT_COLOR = (LOOKS["Adagrad"].color, LOOKS["RMSprop"].color,
                                                "#9a9a9a")
GRADIENT_DASHES = ":"
"""|g| is a wide grey dotted line under the steps, apart from them by more than its colour."""


def replay(optimizer, gradients, slots=()) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Feed ``optimizer`` one gradient after another on a single parameter θ.

    Returns the steps θₖ − θₖ₋₁ (k = 1 … len(gradients)) and, for each name in ``slots``,
    that slot's value after each step.
    """
    gradients = finite_array(gradients, "gradients", ndim=1)
    if gradients.size == 0:
        raise ValueError(f"gradients must hold at least one number, got {gradients!r}")
    theta = np.zeros(1)
    moves = np.empty(gradients.size)
    history = {name: np.empty(gradients.size) for name in slots}
    for k, g in enumerate(gradients):
        before = theta[0]
        optimizer.apply(np.array([g]), theta)
        moves[k] = theta[0] - before
        for name, values in history.items():
            values[k] = optimizer.slots[0][name][0]
    return moves, history


def averaging_weights(rho: float, ages: int) -> np.ndarray:
    """The weight RMSProp's s gives the squared gradient of age k = 0 … ages − 1, measured.

    One squared gradient of 1 followed by zeros: s after k more steps is exactly the
    weight of a gradient k steps old, which the formula says is (1 − ρ)ρᵏ.
    """
    ages = integer(ages, "ages", low=1)
    impulse = np.zeros(ages)
    impulse[0] = 1.0
    _, history = replay(optimizers.RMSprop(learning_rate=1e-3, rho=rho), impulse, slots=("s",))
    return history["s"]


def window(rho: float) -> float:
    """The averaging window 1/(1 − ρ), in steps."""
    rho = number(rho, "rho", low=0, high=1, high_inclusive=False)
    return 1 / (1 - rho)


def weights(rhos=(0.8, 0.9, 0.95), ages: int = 60) -> Figure:
    """Bars of the weights (1 − ρ)ρᵏ by age k, one panel per ρ, each window marked.

    Inside its window the average puts 1 − ρ^(1/(1−ρ)) of its weight, close to
    1 − 1/e ≈ 63 % whatever ρ is: the window is where s "looks".
    """
    fig = Figure(figsize=(10.0, 3.0), layout="constrained")
    axes = fig.subplots(1, len(rhos), sharey=True)
    for ax, rho in zip(np.atleast_1d(axes), rhos, strict=True):
        w = averaging_weights(rho, ages)
        span = window(rho)
        inside = 1 - rho ** round(span)
        ax.bar(np.arange(ages), w, width=0.8, color=RMSPROP_COLOR, edgecolor="k",
               linewidth=0.4)
        ax.axvline(span, color="k", linestyle="--", linewidth=1.0)
        ax.text(span + 1, 0.9 * w[0], f"window 1/(1 − ρ) = {span:.3g}\n"
                f"holds {100 * inside:.0f} % of the weight", fontsize=8, va="top")
        ax.set_title(f"ρ = {rho:g}")
        ax.set_xlabel("age k of the squared gradient (steps ago)")
        ax.set_xlim(-1, ages)
    np.atleast_1d(axes)[0].set_ylabel("weight (1 − ρ)ρᵏ in s")
    return fig


def scale_drop(steps: int = 400, drop_at: int = 100, before: float = 1.0,
               after: float = 0.1) -> np.ndarray:
    """A gradient that is ``before`` for ``drop_at`` steps, then ``after``."""
    steps = integer(steps, "steps", low=1)
    drop_at = integer(drop_at, "drop_at", low=1, high=steps - 1)
    gradients = np.full(steps, float(after))
    gradients[:drop_at] = before
    return gradients


def relative_steps(optimizer, gradients) -> np.ndarray:
    """|step| / η of ``optimizer`` fed ``gradients``, one entry per step."""
    moves, _ = replay(optimizer, gradients)
    return np.abs(moves) / optimizer.learning_rate


def forgetting(rhos=(0.9, 0.99), steps: int = 400, drop_at: int = 100) -> Figure:
    """Step / η for AdaGrad and RMSProp when the gradient drops tenfold mid-run.

    AdaGrad's sum still holds every large gradient from before the drop, so its step
    falls tenfold and stays down for good. RMSProp's average forgets them within a few
    windows and its step climbs back to about η.
    """
    gradients = scale_drop(steps, drop_at)
    t = np.arange(1, steps + 1)
    fig = Figure(figsize=(8.0, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.semilogy(t, gradients, color=GRADIENT_COLOR, linestyle=GRADIENT_DASHES, linewidth=3,
                alpha=0.6, label="|g|")
    ax.semilogy(t, relative_steps(optimizers.Adagrad(learning_rate=0.01), gradients),
                color=ADAGRAD_COLOR, marker=LOOKS["Adagrad"].marker, markersize=4,
                markevery=(0, steps // 10), linewidth=1.8, label="AdaGrad")
    for rho, style in zip(rhos, ("-", "--", ":"), strict=False):
        ax.semilogy(t, relative_steps(optimizers.RMSprop(learning_rate=0.01, rho=rho), gradients),
                    style, color=RMSPROP_COLOR, linewidth=1.8,
                    label=f"RMSProp, ρ = {rho:g} (window {window(rho):.3g})")
    ax.axvline(drop_at, color="k", linewidth=0.8)
    ax.set_xlabel("step")
    ax.set_ylabel("step / η")
    ax.set_title(f"the gradient drops tenfold at step {drop_at}")
    ax.set_xlim(0, steps)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return fig
