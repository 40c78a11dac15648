"""Lesson 7 pictures: AdaMax's decaying maximum, and Nadam's momentum warm-up in two libraries.

AdaMax divides the step by u ← max(β₂u, |g|), a maximum that decays by β₂ per step,
where Adam divides by √ŝ, a root mean square. Nadam is Adam with Nesterov's look-ahead;
its momentum coefficient warms up as μ_t = β₁(1 − ½ · 0.96^(ψt)), and the two libraries
pick very different ψ: Keras 3 uses ψ = 1, PyTorch ψ = 0.004.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchNadam
from course_lib.plots.colors import LOOKS, OKABE_ITO
from course_lib.plots.rmsprop import replay
from course_lib.validation import integer, number

KERAS_PSI, TORCH_PSI = 1.0, 0.004
"""ψ in μ_t = β₁(1 − ½ · 0.96^(ψt)): Keras 3's Nadam, and PyTorch's ``momentum_decay``."""

KERAS_COLOR, TORCH_COLOR = LOOKS["Nadam"].color, OKABE_ITO["blue"]
ADAM_COLOR, ADAMAX_COLOR = LOOKS["Adam"].color, LOOKS["Adamax"].color


def momentum_schedule(beta_1: float = 0.9, steps: int = 1000, psi: float = KERAS_PSI) -> np.ndarray:
    """μ_t = β₁(1 − ½ · 0.96^(ψt)) for t = 1 … ``steps``."""
    beta_1 = number(beta_1, "beta_1", low=0, high=1, high_inclusive=False)
    steps = integer(steps, "steps", low=1)
    psi = number(psi, "psi", low=0)
    t = np.arange(1, steps + 1)
    return beta_1 * (1 - 0.5 * 0.96 ** (psi * t))


def measured_momentum(optimizer, steps: int) -> np.ndarray:
    """μ_t read off a Nadam-like optimizer: the ratio of its running product Π_t / Π_{t−1}.

    Works for the course's ``Nadam`` (``u_product``) and ``TorchNadam`` (``mu_product``).
    The product shrinks geometrically: PyTorch's, near (β₁/2)ᵗ, leaves the normal range of
    float64 after about a thousand steps, so the last digits of its ratios blur from there.
    """
    steps = integer(steps, "steps", low=1)
    attribute = "u_product" if hasattr(optimizer, "u_product") else "mu_product"
    theta = np.zeros(1)
    products = [getattr(optimizer, attribute)]
    for _ in range(steps):
        optimizer.apply(np.ones(1), theta)
        products.append(getattr(optimizer, attribute))
        if products[-1] == 0:
            raise ValueError(f"the running product {attribute} reached 0 after {len(products) - 1} "
                             f"steps; ask for fewer than {steps} steps")
    products = np.array(products)
    return products[1:] / products[:-1]


def momentum_schedules(beta_1: float = 0.9, steps: int = 1000) -> Figure:
    """Nadam's μ_t in Keras 3 and in PyTorch over ``steps`` steps, measured from the optimizers.

    Keras's is within 1 % of β₁ after about 100 steps; PyTorch's starts at β₁/2 just the
    same but is still well short of β₁ after a thousand (it needs tens of thousands).
    """
    t = np.arange(1, steps + 1)
    keras = measured_momentum(optimizers.Nadam(beta_1=beta_1), steps)
    torch = measured_momentum(TorchNadam(beta_1=beta_1), steps)
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.plot(t, keras, color=KERAS_COLOR, linewidth=2, label="Keras 3: β₁(1 − ½·0.96ᵗ)")
    ax.plot(t, torch, "--", color=TORCH_COLOR, linewidth=2,
            label="PyTorch: β₁(1 − ½·0.96^(0.004 t))")
    ax.axhline(beta_1, color="k", linestyle=":", linewidth=1, label=f"β₁ = {beta_1:g}")
    ax.axhline(beta_1 / 2, color="#7f7f7f", linestyle=":", linewidth=0.8)
    ax.set_xlabel("step t")
    ax.set_ylabel("momentum coefficient μ_t")
    ax.set_title("Nadam's momentum warm-up")
    ax.set_xlim(0, steps)
    ax.set_ylim(0, 1)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def scale_estimates(beta_2: float = 0.999, steps: int = 300, spike_at: int = 50,
                    spike: float = 10.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Adam's √ŝ and AdaMax's u on noisy gradients |g| ≈ 1 with one spike of ``spike``.

    Both are read from the slots of the course's optimizers (ŝ = s / (1 − β₂ᵗ)).
    """
    steps = integer(steps, "steps", low=1)
    spike_at = integer(spike_at, "spike_at", low=0, high=steps - 1)
    rng = np.random.default_rng(seed)
    gradients = rng.normal(1.0, 0.3, steps)
    gradients[spike_at] = spike
    _, adam = replay(optimizers.Adam(beta_2=beta_2), gradients, slots=("s",))
    _, adamax = replay(optimizers.Adamax(beta_2=beta_2), gradients, slots=("u",))
    t = np.arange(1, steps + 1)
    return {"g": gradients, "adam": np.sqrt(adam["s"] / (1 - beta_2**t)), "adamax": adamax["u"]}


def infinity_norm(beta_2: float = 0.999, steps: int = 300, spike_at: int = 50) -> Figure:
    """What each method divides by: Adam's √ŝ (a root mean square) and AdaMax's u (a max).

    After one large gradient u jumps to it and then shrinks only by β₂ per step, so
    AdaMax stays cautious for a long time; √ŝ moves by an amount the average dilutes.
    """
    estimates = scale_estimates(beta_2, steps, spike_at)
    t = np.arange(1, steps + 1)
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.plot(t, np.abs(estimates["g"]), color="#b0b0b0", linestyle=":", linewidth=1.2,
            label="|g|")
    ax.plot(t, estimates["adam"], color=ADAM_COLOR, linestyle=LOOKS["Adam"].linestyle,
            linewidth=2, label="Adam: √ŝ (ℓ2 over time)")
    ax.plot(t, estimates["adamax"], color=ADAMAX_COLOR, linestyle=LOOKS["Adamax"].linestyle,
            linewidth=2, label="AdaMax: u = max(β₂u, |g|) (ℓ∞)")
    ax.set_xlabel("step t")
    ax.set_ylabel("the scale each divides by")
    ax.set_title(f"one gradient of {estimates['g'][spike_at]:g} at step {spike_at + 1}, "
                 f"β₂ = {beta_2:g}")
    ax.set_xlim(0, steps)
    ax.set_ylim(0, None)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="center right")
    return fig
