"""Lesson 11: beyond the chapter. Decoupled weight decay (AdamW), and warmup for Adam.

The small problem behind both: weights whose loss is flat, so the data says nothing about
their size, and whose gradient is pure noise, g = σ · ξ with ξ ~ N(0, 1) fresh at every step.
A "busy" weight gets big noisy gradients (σ = ``BUSY``), a "quiet" one small ones
(σ = ``QUIET``). Weight decay should pull every one of them towards zero at the same pace.

- Adam with L2 adds λθ to the gradient, and Adam divides the whole gradient by √ŝ, which is
  about σ here: the pull on a busy weight is cut σ-fold, the pull on a quiet one is blown up
  (its ŝ is mostly the L2 term itself, so its step is about η whatever λ is).
- AdamW shrinks θ by ηλθ outside of the Adam step: every weight decays as (1 − ηλ)ᵏ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers, schedules
from course_lib.plots.colors import LOOKS
from course_lib.plots.counting import counted
from course_lib.plots.legends import LEGEND_FONTSIZE

BUSY, QUIET = 10.0, 0.1
"""The noise scales σ of the two groups of weights."""

WEIGHTS_PER_GROUP = 50
STEPS = 200
WARMUP_START = 0.01
"""Warmup starts at 1 % of the peak rate; 0 works too (Keras 3 and course_lib accept it)."""


@lru_cache(maxsize=4)
def noise(steps: int = STEPS, weights: int = WEIGHTS_PER_GROUP, seed: int = 0) -> np.ndarray:
    """Gradients g[k] for step k + 1: the busy weights first, then the quiet ones."""
    scales = np.repeat([BUSY, QUIET], weights)
    gradients = np.random.default_rng(seed).standard_normal((steps, 2 * weights)) * scales
    gradients.flags.writeable = False
    return gradients


@dataclass(frozen=True)
class DecayRun:
    """Root-mean-square size of each group of weights after k steps, k = 0 … steps."""

    busy: np.ndarray
    quiet: np.ndarray


def adam_with_l2(weight_decay: float, learning_rate: float, steps: int = STEPS,
                 seed: int = 0) -> DecayRun:
    """Adam on the noisy weights with the L2 pull λθ added to each gradient (weights start at 1).

    This is what Keras's ``kernel_regularizer=L2(λ/2)`` and PyTorch's
    ``Adam(weight_decay=λ)`` do.
    """
    optimizer = optimizers.Adam(learning_rate=learning_rate)
    return _run(optimizer, noise(steps, seed=seed), weight_decay)


def adamw(weight_decay: float, learning_rate: float, steps: int = STEPS, seed: int = 0) -> DecayRun:
    """AdamW on the same noisy weights: decay θ ← θ − ηλθ, decoupled from the Adam step."""
    optimizer = optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay)
    return _run(optimizer, noise(steps, seed=seed), 0.0)


def _run(optimizer, gradients: np.ndarray, l2: float) -> DecayRun:
    steps, weights = gradients.shape
    path = np.empty((steps + 1, weights))
    path[0] = 1.0
    theta = path[0].copy()
    for k, g in enumerate(gradients, start=1):
        optimizer.apply(g + l2 * theta, theta)
        path[k] = theta
    sizes = np.sqrt(np.mean(path.reshape(steps + 1, 2, weights // 2) ** 2, axis=2))
    return DecayRun(busy=sizes[:, 0], quiet=sizes[:, 1])


def warmup_cosine(learning_rate: float, warmup_steps: int,
                  total_steps: int = STEPS) -> schedules.CosineDecay:
    """Linear warmup over ``warmup_steps`` to ``learning_rate``, then a cosine down to zero.

    In Keras's terms: ``CosineDecay(initial_learning_rate, decay_steps=total − warmup,
    warmup_target=learning_rate, warmup_steps=warmup)``, with the warmup starting at
    ``WARMUP_START`` × the peak.
    """
    return schedules.CosineDecay(WARMUP_START * learning_rate,
                                 decay_steps=total_steps - warmup_steps,
                                 warmup_target=learning_rate, warmup_steps=warmup_steps)


def adam_step_sizes(learning_rate, steps: int = STEPS, weights: int = 500,
                    seed: int = 1) -> np.ndarray:
    """Adam's mean step |Δθ| per step, over ``weights`` weights with pure-noise gradients.

    ``learning_rate`` is a float or a schedule. At step 1, m̂/√ŝ = g/|g| exactly, so every
    weight moves by the full rate; once m averages several gradients the noise cancels and
    the mean step falls to about √(2/π) · √((1 − β₁)/(1 + β₁)) ≈ 0.18 of the rate.
    """
    if callable(learning_rate):
        # The whole schedule in one vectorised call; the optimizer then reads it step by step.
        table = learning_rate(np.arange(steps))
        learning_rate = table.__getitem__
    gradients = np.random.default_rng(seed).standard_normal((steps, weights))
    optimizer = optimizers.Adam(learning_rate=learning_rate)
    path = np.zeros((steps + 1, weights))
    theta = path[0].copy()
    for k, g in enumerate(gradients, start=1):
        optimizer.apply(g, theta)
        path[k] = theta
    return np.mean(np.abs(np.diff(path, axis=0)), axis=1)


# -- pictures --------------------------------------------------------------------------------


def l2_against_decoupled(weight_decay: float = 1.0, learning_rate: float = 0.01) -> Figure:
    """Busy and quiet weights under Adam + L2 and under AdamW, with the pure decay (1 − ηλ)ᵏ."""
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    draw_decay(ax, adam_with_l2(weight_decay, learning_rate), adamw(weight_decay, learning_rate),
               weight_decay, learning_rate)
    fig.legend(loc="outside lower center", ncols=2, fontsize=LEGEND_FONTSIZE, frameon=False)
    return fig


def draw_decay(ax, l2_run: DecayRun, decoupled_run: DecayRun, weight_decay: float,
               learning_rate: float) -> dict:
    """The four curves of the weight-decay comparison on ``ax``; returns the lines by role."""
    steps = np.arange(len(l2_run.busy))
    adam, adamw_look = LOOKS["Adam"], LOOKS["AdamW"]
    every = max(1, len(steps) // 8)
    # Busy solid, quiet dashed; Adam + L2 and AdamW by colour and marker too, with markers
    # shifted so two curves on top of each other both show theirs. The pure decay is a wide
    # grey band under them: AdamW's curves run along it, and both stay visible.
    curves = (("l2 busy", l2_run.busy, adam, "-", f"Adam + L2, busy weights (noise {BUSY:g})"),
              ("l2 quiet", l2_run.quiet, adam, "--",
               f"Adam + L2, quiet weights (noise {QUIET:g})"),
              ("w busy", decoupled_run.busy, adamw_look, "-", "AdamW, busy weights"),
              ("w quiet", decoupled_run.quiet, adamw_look, "--", "AdamW, quiet weights"))
    lines = {
        "pure": ax.semilogy(steps, (1 - learning_rate * weight_decay) ** steps, color="#bbbbbb",
                            linewidth=6, solid_capstyle="butt", zorder=1,
                            label="pure decay (1 − ηλ)ᵏ")[0],
    }
    for index, (role, sizes, look, dashes, label) in enumerate(curves):
        lines[role] = ax.semilogy(steps, sizes, color=look.color, linestyle=dashes,
                                  marker=look.marker, markersize=5,
                                  markevery=(index * every // len(curves), every),
                                  linewidth=1.8, label=label)[0]
    ax.set_xlim(0, steps[-1])
    ax.set_ylim(1e-3, 2.0)
    ax.set_xlabel("step k")
    ax.set_ylabel("size of the weights (RMS)")
    ax.set_title(f"weight decay λ = {weight_decay:g}, η = {learning_rate:g}")
    ax.grid(True, which="major", alpha=0.3)
    return lines


def warmup(learning_rate: float = 0.01, warmup_steps: int = 20) -> Figure:
    """Left: the warmup + cosine schedule. Right: Adam's early steps with and without it."""
    schedule = warmup_cosine(learning_rate, warmup_steps)
    steps = np.arange(STEPS)
    fig = Figure(figsize=(10.5, 3.5), layout="constrained")
    curve, early = fig.subplots(1, 2)
    curve.plot(steps, schedule(steps) / learning_rate, color="k")
    curve.axvline(warmup_steps, color="grey", linestyle=":", linewidth=1)
    curve.set_xlabel("step")
    curve.set_ylabel("η(t) / peak η")
    curve.set_title(f"CosineDecay with warmup_steps = {warmup_steps}")
    curve.set_ylim(0, 1.05)
    curve.grid(True, alpha=0.3)

    shown = 60
    k = np.arange(1, shown + 1)
    early.plot(k, adam_step_sizes(learning_rate)[:shown] / learning_rate, "s:", markersize=3,
               color="#7f7f7f", label="constant η")
    early.plot(k, adam_step_sizes(schedule)[:shown] / learning_rate, "o-", markersize=3,
               color=LOOKS["Adam"].color, label=f"warmup over {counted(warmup_steps, 'step')}")
    early.axhline(np.sqrt(2 / np.pi) * np.sqrt(0.1 / 1.9), color="k", linestyle=":",
                  linewidth=1, label="steady state ≈ 0.18")
    early.set_xlabel("step")
    early.set_ylabel("Adam's mean step |Δθ| / peak η")
    early.set_title("Adam on pure-noise gradients: the first steps")
    early.set_ylim(0, 1.05)
    early.legend(fontsize=8)
    early.grid(True, alpha=0.3)
    return fig
