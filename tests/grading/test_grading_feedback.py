"""Feedback numbers an instructor and a learner can trust: "expected … got …" shows two values
that visibly differ, with the same number of significant digits, and a long array names the
entries that differ instead of printing two shortened lists that look the same."""

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from course_lib.exercises import TASKS, check_result
from course_lib.exercises.compare import agree, show_difference
from course_lib.exercises.feedback import task_text

NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|nan|-?inf")


def significant_digits(text: str) -> int:
    """Digits from the first non-zero one; a zero (0.000) counts all of its digits."""
    mantissa = text.lstrip("-").split("e")[0].replace(".", "")
    return len(mantissa.lstrip("0")) or len(mantissa)


def pair(text: str) -> tuple[str, str]:
    expected, got = re.fullmatch(r"expected (.+), got (.+)", text).groups()
    return expected, got


def test_the_two_cases_from_the_issue_now_differ_visibly():
    for expected, answer in ((0.00039723, 0.0003972), (8.63e-05, 8.629e-05)):
        shown_expected, shown_answer = pair(show_difference(expected, answer))
        assert shown_expected != shown_answer
        assert significant_digits(shown_expected) == significant_digits(shown_answer)
        # each shown value is the true one rounded, not another number that happens to differ
        digits = significant_digits(shown_expected)
        assert float(shown_expected) == float(f"{expected:.{digits}g}")
        assert float(shown_answer) == float(f"{answer:.{digits}g}")
    assert pair(show_difference(8.63e-05, 8.629e-05)) == ("8.630e-05", "8.629e-05")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_any_two_numbers_outside_the_tolerance_print_differently(expected, answer):
    if agree(answer, expected, rtol=1e-6, atol=1e-9):
        return
    shown_expected, shown_answer = pair(show_difference(expected, answer, rtol=1e-6, atol=1e-9))
    assert shown_expected != shown_answer
    digits = significant_digits(shown_expected)
    assert significant_digits(shown_answer) == digits
    assert np.isclose(float(shown_expected), expected, rtol=10.0 ** (1 - digits), atol=1e-300)
    assert np.isclose(float(shown_answer), answer, rtol=10.0 ** (1 - digits), atol=1e-300)


def test_a_long_list_names_the_entries_that_differ():
    expected = np.array([0.1] * 5 + [0.05] * 5 + [0.025] * 5)
    answer = expected.copy()
    answer[6] = answer[7] = 0.1  # wrong in the middle, where a shortened print shows "..."
    text = show_difference(expected, answer, rtol=1e-6, atol=1e-9)
    assert text.startswith("2 of 15 entries differ: ")
    assert "[6] expected 0.05000, got 0.1000" in text and "[7] expected" in text
    assert "..." not in text


def test_a_long_list_with_many_wrong_entries_shows_three_and_counts_the_rest():
    expected = np.arange(20, dtype=float)
    text = show_difference(expected, expected + 1, rtol=1e-6, atol=1e-9)
    assert text.startswith("20 of 20 entries differ: [0] expected")
    assert text.count(" expected ") == 3 and text.endswith("and 17 more")


def test_entries_within_the_tolerance_are_not_listed_as_differing():
    expected = np.ones(10)
    answer = expected * (1 + 1e-9)
    answer[4] = 2.0
    text = show_difference(expected, answer, rtol=1e-6, atol=1e-9)
    assert text == "1 of 10 entries differ: [4] expected 1.000, got 2.000"


def test_a_matrix_entry_is_named_by_row_and_column():
    expected = np.zeros((3, 4))
    answer = expected.copy()
    answer[2, 1] = 0.5
    assert show_difference(expected, answer) == (
        "1 of 12 entries differ: [2, 1] expected 0.000, got 0.5000")


def test_a_plateau_answer_with_one_late_cut_points_at_the_epoch():
    def recorded_before(val_losses, learning_rate, factor, patience, min_delta):
        rates = TASKS["ex09.q5"].reference(val_losses, learning_rate, factor, patience, min_delta)
        return [learning_rate, *rates[:-1]]

    result = check_result("ex09.q5", recorded_before)
    text = task_text(result)
    long_cases = [c for c in result.cases if len(c.case.kwargs["val_losses"]) > 8 and not c.passed]
    assert long_cases, "a random case long enough to be printed shortened"
    for case in long_cases:
        assert re.search(r"\d+ of \d+ entries differ: \[\d+\] expected ", case.detail)
        assert "..." not in case.detail
    assert "Likely mistake: rate recorded before the epoch's update." in text


def test_in_a_short_array_only_the_entries_that_differ_get_the_extra_digits():
    expected, answer = np.array([0.0, 0.0, 0.85, -0.85]), np.array([0.0, 0.0, 0.85, 0.0])
    assert show_difference(expected, answer, rtol=1e-6, atol=1e-9) == (
        "expected [0, 0, 0.85, -0.8500], got [0, 0, 0.85, 0.000]")
    matrix = np.array([[0.9, -0.05], [1.0, 2.0]])
    assert show_difference(matrix, matrix * [[1, -1], [1, 1]], rtol=1e-6, atol=1e-9) == (
        "expected [[0.9, -0.05000], [1, 2]], got [[0.9, 0.05000], [1, 2]]")
