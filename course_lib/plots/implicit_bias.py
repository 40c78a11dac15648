"""Lesson 8: Wilson et al.'s problem, where every optimizer fits the data and some generalize worse.

The runs come from :func:`course_lib.experiments.implicit_bias.race`: left, the training
loss falls to nothing for every contestant; right, the test error on new examples, which
splits them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib.experiments.implicit_bias import Fit, SeparableData

COLORS = {"SGD": "#1f77b4", "Momentum": "#2ca02c", "Adagrad (accumulator 0)": "#d62728",
          "Adagrad (Keras, 0.1)": "#ff9896", "RMSprop": "#9467bd", "Adam": "#ff7f0e"}
# Several test-error curves coincide (0 % or 1 − p): dashes keep each one visible.
DASHES = {"SGD": "-", "Momentum": "--", "Adagrad (accumulator 0)": "-",
          "Adagrad (Keras, 0.1)": ":", "RMSprop": "--", "Adam": ":"}


def loss_and_test_error(fits: dict[str, Fit]) -> Figure:
    """Training loss (log scale) and expected test error per step, one line per optimizer."""
    fig = Figure(figsize=(10.0, 3.6), layout="constrained")
    loss, error = fig.subplots(1, 2)
    for name, run in fits.items():
        steps = np.arange(len(run.losses))
        # A loss of exactly 0 cannot go on a log axis; the floor is far below anything shown.
        loss.semilogy(steps, np.maximum(run.losses, 1e-30), color=COLORS[name], label=name)
        error.plot(steps, 100 * run.test_errors, DASHES[name], color=COLORS[name], linewidth=2,
                   label=name)
    loss.set_ylim(1e-30, 10)
    loss.set_xlabel("step")
    loss.set_ylabel("training loss ½·mean (x·w − y)²")
    loss.set_title("every optimizer fits the training set")
    error.set_ylim(-3, 103)
    error.set_xscale("symlog", linthresh=10)
    error.set_xlim(0, len(steps) - 1)
    error.set_xlabel("step")
    error.set_ylabel("test error (%)")
    error.set_title("but not every one generalizes")
    error.legend(fontsize=8, loc="center right")
    for ax in (loss, error):
        ax.grid(True, alpha=0.3)
    return fig


def results_table(fits: dict[str, Fit], data: SeparableData) -> str:
    """Per optimizer: final training loss and error, exact test error, w₁ and w₂ + w₃; and the
    minimum-norm solution, computed directly, as the last row. A loss below 1e-20 is shown as
    such: its digits are rounding error, and differ between machines."""
    rows = [f"{'optimizer':<25}{'train loss':>11}{'train error':>12}{'test error':>11}"
            f"{'w1':>7}{'w2 + w3':>9}"]
    finals = {name: run.weights for name, run in fits.items()}
    finals["minimum-norm solution"] = data.minimum_norm_solution()
    for name, w in finals.items():
        loss = data.loss(w)
        shown = "< 1e-20" if loss < 1e-20 else f"{loss:.0e}"
        rows.append(f"{name:<25}{shown:>11}{data.train_error(w):>12.0%}"
                    f"{data.test_error(w):>11.0%}{w[0]:>7.2f}{w[1] + w[2]:>9.2f}")
    return "\n".join(rows)
