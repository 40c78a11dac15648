"""What the exercises say about Keras and PyTorch agrees with course_lib's own optimizers
(whose Nadam schedules were run against Keras 3.15 and PyTorch 2.13)."""

import json
import re
from pathlib import Path

from course_lib import optimizers
from course_lib.exercises.tasks import ex07_adamax_nadam
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


def test_the_nadam_warm_up_lengths_stated_in_ex07_are_course_libs():
    keras = first_step_within_one_percent(optimizers.Nadam(), "u_product")
    torch = first_step_within_one_percent(TorchNadam(), "mu_product")
    assert keras == 96 and 23_000 < torch < 25_000
    text = " ".join(ex07_adamax_nadam.__doc__.split())
    said = re.search(r"within 1 % of β₁ from step (\d+) on; PyTorch's schedule, "
                     r"0\.96\^\(0\.004 t\), takes about ([\d ]+) steps", text)
    assert said, text
    assert int(said.group(1)) == keras
    assert int(said.group(2).replace(" ", "")) == round(torch, -3)
    assert "thousand" not in text


def test_the_ex07_notebook_states_the_same_warm_up():
    notebook = json.loads((ROOT / "exercises" / "solutions" / "ex07_adamax_nadam.ipynb")
                          .read_text())
    text = " ".join("".join(c["source"]) for c in notebook["cells"]).replace("\n", " ")
    keras = first_step_within_one_percent(optimizers.Nadam(), "u_product")
    assert f"within 1 % of $\\beta_1$ from step {keras} on" in text
