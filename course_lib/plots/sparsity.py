"""Lesson 10 pictures: one weight under an L1 penalty, and where the small weights sit.

The one-weight problem J(w) = ½(w − a)² + λ|w| with |a| < λ has its minimum exactly at w = 0:
the pull of the data, a − w, is weaker than the penalty's λ on either side of zero. A plain
subgradient step of size η moves w by −η(w − a + λ·sign(w)), which near zero is a jump of
about ηλ: it jumps over zero, comes back, and keeps flipping sign. The proximal step moves
by the smooth gradient only and then soft-thresholds by ηλ, which stops w on zero.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import sparsity
from course_lib.plots.colors import OKABE_ITO, Look

HISTOGRAM_EDGES = np.concatenate([[-9.25, -8.75], np.arange(-8.0, 0.01, 0.25)])
"""log₁₀|w| bins: the first one, left of a gap, holds the weights that are exactly 0."""

LOOKS = {"pruning": Look(OKABE_ITO["black"], "-", "o"),
         "subgradient": Look(OKABE_ITO["orange"], "--", "s"),
         "proximal": Look(OKABE_ITO["blue"], "-.", "^")}
"""Each method by colour, dash and marker: never by colour alone."""
COLORS = {method: look.color for method, look in LOOKS.items()}
LABELS = {"pruning": "pruning after training", "subgradient": "ℓ1 by subgradient",
          "proximal": "ℓ1 by proximal steps"}


def one_weight_paths(target: float = 0.03, l1: float = 0.1, learning_rate: float = 0.3,
                     start: float = 1.0, steps: int = 30) -> dict[str, np.ndarray]:
    """w₀ … w_steps on J(w) = ½(w − target)² + l1·|w| for both kinds of step.

    Uses ``course_lib.sparsity.subgradient_step`` and ``proximal_step`` with the smooth
    gradient w − target.
    """
    paths = {}
    for method, step in (("subgradient", sparsity.subgradient_step),
                         ("proximal", sparsity.proximal_step)):
        w = np.array([start])
        path = [start]
        for _ in range(steps):
            w = step(w, w - target, learning_rate, l1)
            path.append(float(w[0]))
        paths[method] = np.array(path)
    return paths


def one_weight(paths: dict[str, np.ndarray], l1: float, learning_rate: float) -> Figure:
    """The two paths of :func:`one_weight_paths`: whole (left) and close to zero (right)."""
    fig = Figure(figsize=(10.0, 3.2), layout="constrained")
    whole_ax, near_ax = fig.subplots(1, 2)
    for method, path in paths.items():
        for ax in (whole_ax, near_ax):
            LOOKS[method].on(ax.plot(np.arange(len(path)), path,
                                     label=method + (" step" if method == "subgradient"
                                                     else " step (ISTA)"))[0])
    jump = learning_rate * l1
    near_ax.set_ylim(-2 * jump, 2 * jump)
    near_ax.axhspan(-jump, jump, color="#ff7f0e", alpha=0.08)
    near_ax.set_title(f"near zero: the subgradient step hops by about ηλ = {jump:g}")
    whole_ax.set_title("½(w − a)² + λ|w|, smallest at w = 0")
    whole_ax.legend(fontsize=8)
    for ax in (whole_ax, near_ax):
        ax.axhline(0, color="#999", linewidth=0.8)
        ax.set_xlabel("step")
        ax.set_ylabel("w")
        ax.grid(True, alpha=0.3)
    return fig


def magnitude_counts(weights) -> np.ndarray:
    """Counts per bin of ``HISTOGRAM_EDGES``: exact zeros first, an empty gap, then log₁₀|w|
    from −8 to 0 (smaller magnitudes go to the −8 bin, larger ones to the last)."""
    arrays = weights if isinstance(weights, list | tuple) else [weights]
    values = np.concatenate([np.abs(np.asarray(w, dtype=float)).ravel() for w in arrays])
    zeros = np.count_nonzero(values == 0)
    logs = np.clip(np.log10(values[values > 0]), -8.0, -1e-9)
    counts, _ = np.histogram(logs, bins=HISTOGRAM_EDGES[2:])
    return np.concatenate([[zeros, 0], counts])


def magnitude_axes(ax) -> None:
    """Fixed limits and ticks for a :func:`magnitude_counts` histogram (log counts, log |w|)."""
    ax.set_yscale("log")
    ax.set_xlim(HISTOGRAM_EDGES[0] - 0.1, 0)
    ax.set_ylim(0.5, 4000)
    ax.set_xticks([-9, -8, -6, -4, -2, 0], ["exactly 0", "1e-8", "1e-6", "1e-4", "0.01", "1"])
    ax.set_xlabel("|w| (log scale)")
    ax.set_ylabel("number of weights")
    ax.grid(True, alpha=0.3)


def magnitude_histogram(weights_by_method: dict, title: str, tol: float | None = None) -> Figure:
    """How many weights have each magnitude, exact zeros in a bar of their own, per method."""
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    magnitude_axes(ax)
    for method, weights in weights_by_method.items():
        look = LOOKS.get(method)
        ax.stairs(np.maximum(magnitude_counts(weights), 0.5), HISTOGRAM_EDGES, baseline=0.5,
                  color=look and look.color, linestyle=look.linestyle if look else "-",
                  linewidth=1.8, label=LABELS.get(method, method))
    if tol is not None:
        ax.axvline(np.log10(tol), color="#d62728", linestyle="--", linewidth=1.2,
                   label=f"|w| = {tol:g}")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left")
    return fig
