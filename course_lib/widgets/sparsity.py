"""Lesson 10 explorer: how sparse, and how accurate, each way of making zeros is.

"sparsity" plots validation accuracy against sparsity (the fraction of kernel weights counted
as zero; biases are never penalised and not counted) for pruning, ℓ1 by subgradient and ℓ1 by
proximal steps, with the current ℓ1 strength and pruning target highlighted, next to the
histogram of log₁₀|w| that shows why only the proximal step lands exactly on zero. The runs
are the cached sparsity sweep (``course_lib.experiments.sparsity_sweep``).
"""

from __future__ import annotations

import numpy as np

from course_lib.experiments.sparsity_sweep import (
    L1_STRENGTHS,
    METHODS,
    PRUNE_TARGETS,
    TOLERANCES,
    load_cache,
)
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.plots.sparsity import (
    COLORS,
    HISTOGRAM_EDGES,
    LABELS,
    LOOKS,
    magnitude_axes,
    magnitude_counts,
)
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register


class SparsityExplorer(Explorer):
    """Accuracy against sparsity for the three methods, and where the small weights sit."""

    def __init__(self, l1=1e-3, target_sparsity=0.5, counted_as_zero="exactly 0"):
        self.cache = load_cache()
        # Every curve at every tolerance now, so that no slider move pays for one.
        for tol in TOLERANCES.values():
            for method in ("pruning", *METHODS):
                self.cache.curve(method, tol)
        live = LiveFigure(figsize=(12.0, 4.4), ncols=2)
        curve_ax, histogram_ax = live.axes
        curve_ax.set_xlim(-0.02, 1.02)
        curve_ax.set_ylim(0, 1.02)
        curve_ax.set_xlabel("sparsity: fraction of weights counted as zero")
        curve_ax.set_ylabel("validation accuracy")
        curve_ax.set_title("sparser, and still accurate? (digits MLP)")
        curve_ax.axhline(float(self.cache.arrays["dense_accuracy"]), color="#999",
                         linestyle=":", linewidth=1, label="dense model")
        self.curves, self.points = {}, {}
        for method in ("pruning", *METHODS):
            (self.curves[method],) = curve_ax.plot([], [], label=LABELS[method])
            LOOKS[method].on(self.curves[method], markersize=3.5)
            (self.points[method],) = curve_ax.plot([], [], "o", markersize=12,
                                                   markerfacecolor="none", markeredgewidth=2.2,
                                                   color=COLORS[method])
            live.animate(self.curves[method], self.points[method])

        magnitude_axes(histogram_ax)
        histogram_ax.set_title("where the small weights sit, at this λ")
        self.histograms = {}
        for method in METHODS:
            self.histograms[method] = histogram_ax.stairs(
                np.ones(len(HISTOGRAM_EDGES) - 1), HISTOGRAM_EDGES, baseline=0.5,
                color=COLORS[method], linestyle=LOOKS[method].linestyle, linewidth=1.8,
                label=LABELS[method])
            live.animate(self.histograms[method])
        self.tolerance_line = histogram_ax.axvline(-8.5, color="#d62728", linestyle="--",
                                                   linewidth=1.2, label="counted as zero: left")
        live.animate(self.tolerance_line)
        # One key under both panels: inside, it covered the ring of a chosen point and the
        # bar of exact zeros at the left edge of the histogram.
        live.figure.legend(handles=[*self.curves.values(), *curve_ax.get_lines()[:1],
                                    self.tolerance_line],
                           loc="outside lower center", ncols=5, fontsize=LEGEND_FONTSIZE,
                           frameon=False)
        for ax in live.axes:
            ax.set_autoscale_on(False)
            ax.grid(True, alpha=0.3)
        super().__init__(
            {
                "l1": controls.log_slider("ℓ1 strength λ", l1, L1_STRENGTHS[0],
                                          L1_STRENGTHS[-1], steps_per_decade=4),
                "target_sparsity": controls.linear_slider("pruning target", target_sparsity,
                                                          0.0, PRUNE_TARGETS[-1], 0.01, ".2f"),
                "counted_as_zero": controls.dropdown("counted as zero", TOLERANCES,
                                                     counted_as_zero),
            },
            live,
        )

    def update(self, l1, target_sparsity, counted_as_zero):
        tol = TOLERANCES[counted_as_zero]
        index = int(np.argmin(np.abs(np.log(self.cache.l1_strengths) - np.log(l1))))
        target = int(np.argmin(np.abs(self.cache.prune_targets - target_sparsity)))
        chosen = {"pruning": target, "subgradient": index, "proximal": index}
        for method, at in chosen.items():
            curve = self.cache.curve(method, tol)
            self.curves[method].set_data(curve.sparsity, curve.accuracy)
            self.points[method].set_data(curve.sparsity[at:at + 1], curve.accuracy[at:at + 1])
        for method in METHODS:
            counts = magnitude_counts(self.cache.kernels(method, index))
            self.histograms[method].set_data(np.maximum(counts, 0.5))
        self.tolerance_line.set_xdata([-8.5 if tol == 0 else np.log10(tol)] * 2)

        strength = self.cache.l1_strengths[index]
        found = {method: self.cache.curve(method, tol) for method in chosen}
        parts = [f"{LABELS[method]}: {100 * found[method].sparsity[at]:.1f} % zeros, "
                 f"accuracy {100 * found[method].accuracy[at]:.1f} %"
                 for method, at in chosen.items()]
        message = (f"λ = {strength:.2g}, pruning target {self.cache.prune_targets[target]:.0%}, "
                   f"zero means {counted_as_zero}. " + "; ".join(parts))
        collapsed = [LABELS[m] for m in METHODS if found[m].accuracy[index] <= 0.2]
        if collapsed:
            return Status(f"{message}. At this λ the penalty wipes out the network "
                          f"({', '.join(collapsed)} at chance): too strong", warning=True)
        return Status(message)


@register("sparsity")
def sparsity_explorer(**initial) -> SparsityExplorer:
    """The lesson-10 explorer: sparsity against accuracy for pruning and both ℓ1 methods."""
    return SparsityExplorer(**initial)
