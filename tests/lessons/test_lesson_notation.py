"""One symbol per thing, as the README's notation table promises.

λ is weight decay (or an ℓ1/L2 strength), never a curvature: a curvature is h (h_max the
largest). μₜ is Nadam's momentum schedule only; PyTorch's SGD momentum is β, as Keras's.
Element-wise products are ⊗, as in the lessons. Every cell of every lesson is read (a code
cell's strings end up in figures and printed tables), and the cheat sheet.
"""

import json
import pathlib
import re

import numpy as np
import pytest

from course_lib import optimizers

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHEATSHEET = ROOT / "CHEATSHEET.md"
README = ROOT / "README.md"

LAMBDA = r"(?:λ|\\lambda)"
CURVATURE_AS_LAMBDA = {
    "lambda_max or lambda_min": re.compile(LAMBDA + r"\s*_?\{?\s*(?:max|min)"),
    "lambda_i, a curvature per direction": re.compile(LAMBDA + r"\s*(?:_\{?i\}?|ᵢ)"),
    "curvature lambda": re.compile(r"curvatures?\s+(?:\$\s*)?" + LAMBDA),
    "eigenvalue lambda": re.compile(r"eigenvalues?\s+(?:\$\s*)?" + LAMBDA),
    "lambda u, the gradient along an eigen-direction": re.compile(LAMBDA + r"\s*u\b"),
}
NO_WEIGHT_DECAY = ("01", "02", "03")
"""Lessons where λ could only mean a curvature: it must not appear in them at all."""

ODOT = re.compile(r"⊙|\\odot")
MU = re.compile(r"μ|\\mu\b")
NADAM_LESSON = "07"


def _lesson_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(f"{path.name} cell {index}", "".join(cell["source"]))
            for index, cell in enumerate(cells)]


def _all_texts():
    texts = [text for path in LESSONS for text in _lesson_cells(path)]
    texts.append(("CHEATSHEET.md", CHEATSHEET.read_text(encoding="utf-8")))
    return texts


def _lines(texts, pattern):
    return [f"{where}: {line.strip()}" for where, text in texts for line in text.splitlines()
            if pattern.search(line)]


@pytest.mark.parametrize("name", CURVATURE_AS_LAMBDA)
def test_lambda_never_names_a_curvature(name):
    found = _lines(_all_texts(), CURVATURE_AS_LAMBDA[name])
    assert not found, f"{name}: a curvature is h (README notation), λ is weight decay:\n" + \
        "\n".join(found)


@pytest.mark.parametrize("number", NO_WEIGHT_DECAY)
def test_lessons_without_weight_decay_have_no_lambda(number):
    (path,) = [p for p in LESSONS if p.name.startswith(number)]
    found = _lines(_lesson_cells(path), re.compile(LAMBDA))
    assert not found, "λ here can only be a curvature; write h:\n" + "\n".join(found)


def test_element_wise_products_are_otimes():
    texts = _all_texts() + [("README.md", README.read_text(encoding="utf-8"))]
    found = _lines(texts, ODOT)
    assert not found, "write ⊗ for the element-wise product, as the lessons do:\n" + \
        "\n".join(found)


def test_mu_is_only_nadams_schedule():
    outside = [(where, text) for where, text in _all_texts()
               if not where.startswith(NADAM_LESSON)]
    found = [line for line in _lines(outside, MU) if "Nadam" not in line]
    assert not found, ("μ is Nadam's momentum schedule; call a momentum β (PyTorch's "
                       "`momentum` too):\n" + "\n".join(found))


def test_the_readme_table_has_a_row_for_the_curvature():
    table = README.read_text(encoding="utf-8").split("## Notation", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^\| h\b", table, re.MULTILINE), "add h (a curvature) to the notation table"
    assert re.search(r"^\| λ \|.*weight decay", table, re.MULTILINE)


def _heavy_ball_stays_bounded(learning_rate, momentum, nesterov=False, steps=3000):
    """Momentum on J = ½θ² (curvature h = 1) from θ = 1: does θ stay below its start?"""
    optimizer = optimizers.SGD(learning_rate, momentum=momentum, nesterov=nesterov)
    theta = np.ones(1)
    for _ in range(steps):
        optimizer.apply(theta.copy(), theta)
    return abs(theta[0]) < 1


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_the_cheatsheet_states_the_stability_limits_a_run_shows(beta):
    sheet = CHEATSHEET.read_text(encoding="utf-8")
    assert "η h_max < 2(1+β) against 2" in sheet and "2(1+β)/(1+2β)" in sheet
    assert "not a stability limit" in sheet
    momentum, nesterov = 2 * (1 + beta), 2 * (1 + beta) / (1 + 2 * beta)
    assert _heavy_ball_stays_bounded(0.99 * momentum, beta)
    assert not _heavy_ball_stays_bounded(1.01 * momentum, beta)
    assert _heavy_ball_stays_bounded(0.99 * nesterov, beta, nesterov=True)
    assert not _heavy_ball_stays_bounded(1.01 * nesterov, beta, nesterov=True)
    # Just past gradient descent's limit, η = 2.02: momentum of any β > 0 still converges.
    assert _heavy_ball_stays_bounded(1.01 * 2, beta) == (beta > 0)
