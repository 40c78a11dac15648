"""What the exercises say about Keras and PyTorch agrees with course_lib's own optimizers
(whose Nadam schedules were run against Keras 3.15 and PyTorch 2.13)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.optimizers.pytorch import TorchNadam

ROOT = Path(__file__).resolve().parents[2]


def first_step_within_one_percent(optimizer, product: str, beta_1=0.9, limit=100_000) -> int:
    """The first t with μ_t ≥ 0.99 β₁, μ_t read from the optimizer's own schedule: start its
    running product Π at 1 and let it start step t, so that Π becomes μ_t."""
    for t in range(1, limit):
        setattr(optimizer, product, 1.0)
        optimizer._start_step(t)
        if getattr(optimizer, product) >= 0.99 * beta_1:
            return t
    raise AssertionError("never within 1 %")


@pytest.mark.parametrize("make, product, psi, stated", [
    (optimizers.Nadam, "u_product", 1.0, 96),        # ex07: "from step 96 on"
    (TorchNadam, "mu_product", 0.004, 24_000),       # ex07: "about 24 000 steps"
])
def test_the_nadam_warm_up_reaches_one_percent_of_beta_1_when_ex07_says(make, product, psi,
                                                                         stated):
    # μ_t = β₁(1 − ½·0.96^(ψt)) is within 1 % of β₁ once ½·0.96^(ψt) ≤ 0.01, that is from
    # t* = ⌈ln 0.02 / (ψ ln 0.96)⌉ on: 96 for Keras (ψ = 1), 23 958 for PyTorch (ψ = 0.004).
    first = math.ceil(math.log(0.02) / (psi * math.log(0.96)))
    assert (first if psi == 1 else round(first, -3)) == stated
    optimizer, theta = make(), np.zeros(1)
    optimizer.apply(np.ones(1), theta)
    steps = [1, 2, first // 2, first - 1, first, first + 1, 3 * first]
    mu = np.array([momentum_coefficient(optimizer, product, t, theta) for t in steps])
    np.testing.assert_allclose(mu, optimizer.beta_1 * (1 - 0.5 * 0.96 ** (psi * np.array(steps))),
                               rtol=1e-12)
    assert mu[3] < 0.99 * optimizer.beta_1 <= mu[4]


def momentum_coefficient(optimizer, product: str, t: int, theta) -> float:
    """μ_t as the optimizer uses it at step t: its running product Π is part of its state, so
    restart it at step t with Π = 1, take that one step, and Π is μ_t."""
    state = optimizer.get_state()
    optimizer.set_state({**state, "iterations": t - 1, product: 1.0})
    optimizer.apply(np.ones(1), theta)
    return optimizer.get_state()[product]


def test_the_ex07_notebook_states_the_same_warm_up():
    notebook = json.loads((ROOT / "exercises" / "solutions" / "ex07_adamax_nadam.ipynb")
                          .read_text())
    text = " ".join("".join(c["source"]) for c in notebook["cells"]).replace("\n", " ")
    keras = first_step_within_one_percent(optimizers.Nadam(), "u_product")
    assert f"within 1 % of $\\beta_1$ from step {keras} on" in text
