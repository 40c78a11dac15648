"""Lesson 9: the noise floor of a constant rate, and a decaying rate that goes below it.

Every run is :func:`course_lib.experiments.noise_floor.excess_loss_curve` on the same
least-squares
problem, computed once per session (:func:`runs`): constant rates η at batch size B, and
a power schedule η₀ / (1 + t/s) that starts at the largest of them.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.figure import Figure

from course_lib import schedules
from course_lib.experiments.noise_floor import NoisyRegression, excess_loss_curve, noisy_regression

STEPS = 1000
# (η, B) pairs: three rates at one batch size, and two pairs with the same η/B as (0.05, 8).
CONSTANT = ((0.1, 8), (0.05, 8), (0.025, 8), (0.1, 16), (0.05, 4))
DECAY = {"initial_learning_rate": 0.1, "decay_steps": 50, "batch_size": 8}


@cache
def problem() -> NoisyRegression:
    return noisy_regression()


@cache
def runs() -> dict:
    """Excess-loss curves: ``(η, B)`` for each constant rate, ``"decay"`` for the schedule."""
    curves = {(eta, batch): excess_loss_curve(problem(), eta, batch, STEPS)
              for eta, batch in CONSTANT}
    schedule = schedules.InverseTimeDecay(DECAY["initial_learning_rate"],
                                          decay_steps=DECAY["decay_steps"], decay_rate=1.0)
    curves["decay"] = excess_loss_curve(problem(), schedule, DECAY["batch_size"], STEPS)
    return curves


def floors() -> Figure:
    """Left: constant rates settle on their predicted floors; the decaying rate goes below.
    Right: the floor against η/B, with the line η tr(C) / (4B)."""
    curves = runs()
    fig = Figure(figsize=(10.5, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    steps = np.arange(STEPS + 1)
    colors = {0.1: "#d62728", 0.05: "#ff7f0e", 0.025: "#2ca02c"}
    for eta in colors:
        left.semilogy(steps, curves[(eta, 8)], color=colors[eta], linewidth=1,
                      label=f"constant η = {eta}")
        left.axhline(problem().predicted_floor(eta, 8), color=colors[eta], linestyle="--",
                     linewidth=1.2)
    left.semilogy(steps, curves["decay"], color="k", linewidth=1.6,
                  label=f"η = {DECAY['initial_learning_rate']} / (1 + t/{DECAY['decay_steps']})")
    left.set_xlabel("step (batches of 8)")
    left.set_ylabel("excess loss J(w) − J(w*)")
    left.set_title("dashed: the predicted floor η tr(C) / (4B)")
    left.legend(fontsize=8, loc="upper right")
    ratio = np.array([eta / batch for eta, batch in CONSTANT])
    measured = [np.mean(curves[key][-400:]) for key in CONSTANT]
    line = np.linspace(0, ratio.max() * 1.1, 2)
    right.plot(line, line * problem().noise() / 4, "--", color="grey",
               label="η tr(C) / (4B)")
    for (eta, batch), x, y in zip(CONSTANT, ratio, measured, strict=True):
        right.plot(x, y, "o", color=colors.get(eta, "k"), markersize=7)
        right.annotate(f"η={eta}, B={batch}", (x, y), textcoords="offset points",
                       xytext=(6, -4 if batch != 8 else 4), fontsize=8)
    right.set_xlabel("η / B")
    right.set_ylabel("measured floor")
    right.set_title("the floor depends on η / B")
    right.set_xlim(0, ratio.max() * 1.35)
    right.set_ylim(0, max(measured) * 1.2)
    right.legend(fontsize=8, loc="upper left")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    return fig


def floor_table() -> str:
    """Measured against predicted floors for each constant (η, B), and the decaying rate's end."""
    curves, noise = runs(), problem().noise()
    rows = [f"tr(C) = {noise:.3g}",
            f"{'η':>6}{'B':>4}{'η / B':>9}{'measured floor':>16}{'η tr(C) / (4B)':>16}"]
    for eta, batch in CONSTANT:
        measured = float(np.mean(curves[(eta, batch)][-400:]))
        rows.append(f"{eta:>6g}{batch:>4}{eta / batch:>9.4f}{measured:>16.2g}"
                    f"{problem().predicted_floor(eta, batch):>16.2g}")
    rows.append(f"η = {DECAY['initial_learning_rate']} / (1 + t/{DECAY['decay_steps']}), "
                f"B = {DECAY['batch_size']}: {np.mean(curves['decay'][-100:]):.2g} "
                "over its last 100 steps")
    return "\n".join(rows)
