"""Lesson 8's race, drawn: the network race's table, its range tests and its generalisation gap.

The runs are ``course_lib.experiments.network_race`` (read from its cache); the race on the
surfaces is drawn by the "race" explorer.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from course_lib.datasets import DIGITS_VALID_SIZE
from course_lib.experiments.network_race import network_results
from course_lib.plots.colors import COLORS


def results_table() -> str:
    """The network race after its last epoch, one row per contestant, from the cache.

    Columns: the range-test rate, then the final model evaluated on the training and the
    validation set, for the first seed; the last column gives the validation accuracy of
    every seed, to show how much of a difference is luck.
    """
    results = network_results()
    n_valid = DIGITS_VALID_SIZE
    lines = [f"{'optimizer':<10}{'η (range test)':>15}{'train loss':>12}{'val loss':>10}"
             f"{'train acc':>11}{'val acc':>9}{'val errors':>12}   val acc, seeds "
             + " / ".join(str(seed) for seed in results["seeds"])]
    for o, name in enumerate(results["names"]):
        train_loss, train_acc, val_loss, val_acc = results["final"][o, 0]
        seeds = " / ".join(f"{acc:.1%}" for acc in results["final"][o, :, 3])
        errors = round((1 - val_acc) * n_valid)
        rate = results["rates"][o, 0]
        lines.append(f"{name:<10}{rate:>15.3g}{train_loss:>12.4f}{val_loss:>10.4f}"
                     f"{train_acc:>11.1%}{val_acc:>9.1%}{errors:>8} / {n_valid}   {seeds}")
    return "\n".join(lines)


def range_tests() -> Figure:
    """The eight range tests on the digits network (first seed), each with its suggestion."""
    results = network_results()
    fig = Figure(figsize=(10.0, 4.2))
    # Fixed margins: a constrained layout of eight axes costs more than drawing them.
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.87, wspace=0.08, hspace=0.3)
    axes = fig.subplots(2, 4, sharex=True, sharey=True)
    for o, (name, ax) in enumerate(zip(results["names"], axes.ravel(), strict=True)):
        rates, losses = results["sweep_rates"][o, 0], results["sweep_losses"][o, 0]
        kept = np.isfinite(losses)
        best = rates[kept][np.argmin(losses[kept])]
        ax.semilogx(rates[kept], losses[kept], color=COLORS[name], linewidth=1.4)
        ax.axvline(best, color="grey", linestyle=":", linewidth=1)
        ax.axvline(results["rates"][o, 0], color=COLORS[name], linestyle="--", linewidth=1.2)
        ax.set_title(f"{name}: η = {results['rates'][o, 0]:.2g}", fontsize=10)
        ax.set_ylim(0, 4)
        # A few plain labels and no minor ticks: eight log axes with every tick and
        # typeset powers of ten take seconds to lay out.
        ax.xaxis.set_major_locator(FixedLocator([1e-5, 1e-3, 1e-1, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda rate, _: f"{rate:g}"))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.grid(True, alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("batch loss")
    fig.supxlabel("learning rate, growing by the same factor each batch", fontsize=10)
    fig.suptitle("range test on the digits network: dotted = lowest loss, dashed = one tenth of it")
    return fig


def generalisation_gap() -> Figure:
    """Training against validation, per contestant: the final accuracies and the loss gap.

    Dots are seeds; a gap that moves more between seeds than between optimizers is luck.
    """
    results = network_results()
    names = list(results["names"])
    final = results["final"]
    x = np.arange(len(names))
    fig = Figure(figsize=(11.0, 3.6), layout="constrained")
    accuracy, gap = fig.subplots(1, 2)
    seeds = final.shape[1]
    for s in range(seeds):
        shift = (s - (seeds - 1) / 2) * 0.12
        accuracy.plot(x + shift, 100 * final[:, s, 1], "^", color="#777777", markersize=5,
                      label="training" if s == 0 else None)
        accuracy.plot(x + shift, 100 * final[:, s, 3], "o", color="k", markersize=5,
                      label="validation" if s == 0 else None)
        gap.plot(x + shift, final[:, s, 2] - final[:, s, 0], "o", color="k", markersize=5,
                 label="one seed" if s == 0 else None)
    gap.bar(x, (final[:, :, 2] - final[:, :, 0]).mean(axis=1), color=[COLORS[n] for n in names],
            alpha=0.6, label="mean over seeds")
    for ax in (accuracy, gap):
        ax.set_xticks(x, names, rotation=30, fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
    accuracy.set_ylabel("accuracy after the last epoch (%)")
    accuracy.set_ylim(94, 100.5)
    accuracy.set_title("training vs validation accuracy")
    accuracy.legend(loc="lower right", fontsize=8)
    gap.set_ylabel("validation loss − training loss")
    gap.set_title("the generalisation gap, in loss")
    gap.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return fig
