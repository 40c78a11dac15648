"""Lesson 8: Wilson et al.'s problem, where every optimizer fits the data and some generalize worse.

The runs come from :func:`course_lib.implicit_bias.race`: left, the training loss falls to
nothing for every contestant; right, the test error on new examples, which splits them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib.implicit_bias import Fit

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
