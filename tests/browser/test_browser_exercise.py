"""An exercise done in the browser: type answers, run the checks, read the feedback and score.

Exercise 02 (momentum) in the student version: Run All must leave every task "not
attempted yet"; answers typed into the task cells (written here from the formulas
m ← βm − η∇J(θ), θ ← θ + m and the terminal velocity −η∇/(1 − β)) must each get a ✓ and
the score cell a full score; then the velocity update typed with its sign flipped must
be named "sign flipped" by the check and cost task 1 its points in the score.
"""

from __future__ import annotations

import re

import labdriver
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXERCISE = "exercises/ex02_momentum.ipynb"

# Task answers as a learner types them: the function line, then a body one level deep.
ANSWERS = {
    "ex02.q1": """
def momentum_step(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity, velocity
""",
    "ex02.q2": """
def terminal_velocity(grad, learning_rate, momentum):
    return -learning_rate * grad / (1 - momentum)
""",
    # A steady slope: the top step is 1/(1 - β) plain steps, 20 for β = 0.95.
    "ex02.q3": """
def speedup():
    return 1 / (1 - 0.95)
""",
    # Lowering β from 0.99 to 0.9 is more friction: top speed 100x -> 10x, less overshoot.
    "ex02.q4": """
def lower_beta_answer():
    return "b"
""",
}

SIGN_FLIPPED = """
def momentum_step(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return theta + velocity, velocity
"""

SCORE = re.compile(r"score so far (\d+)/(\d+)")


def answer_and_check(page, task_id: str, code: str) -> str:
    """Type ``code`` into the task's cell, run it and its check cell; the check's output."""
    name = re.search(r"def (\w+)\(", code).group(1)
    answer_cell = labdriver.find_code_cell(page, f"def {name}(")
    check_cell = labdriver.find_code_cell(page, f'check("{task_id}"')
    assert check_cell > answer_cell
    labdriver.type_into_cell(page, answer_cell, code)
    labdriver.run_cells_from(page, answer_cell, check_cell)
    return labdriver.output_text(page, check_cell)


def run_score(page) -> tuple[str, int, int]:
    cell = labdriver.find_code_cell(page, "score(")
    labdriver.select_cell(page, cell)
    labdriver.run_cells_from(page, cell, cell)
    text = labdriver.output_text(page, cell)
    found = SCORE.search(text)
    assert found, f"the score cell shows no score: {text!r}"
    return text, int(found.group(1)), int(found.group(2))


def test_exercise_checks_a_correct_answer_and_names_a_mistake(page):
    labdriver.open_notebook(page, EXERCISE)
    assert labdriver.run_all(page), f"{EXERCISE}: Run All reported a failure"
    assert not labdriver.error_outputs(page)
    first_check = labdriver.find_code_cell(page, 'check("ex02.q1"')
    assert "not attempted yet" in labdriver.output_text(page, first_check)

    for task_id, code in ANSWERS.items():
        feedback = answer_and_check(page, task_id, code)
        assert "✓" in feedback and "✗" not in feedback, f"{task_id}: {feedback}"
    text, earned, total = run_score(page)
    assert total > 0 and earned == total, text

    feedback = answer_and_check(page, "ex02.q1", SIGN_FLIPPED)
    assert "Likely mistake: sign flipped" in feedback, feedback
    text, earned_after, total_after = run_score(page)
    assert total_after == total and earned_after < total, text
    assert "likely mistake: sign flipped" in text, text
    assert not labdriver.error_outputs(page)
