"""Plain data between the grader and a submission's process: encoding, decoding untrusted JSON,
reading answers in the expected form, comparing, and validating outcomes."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.exercises.calling import Outcome, call_learner
from course_lib.exercises.compare import agree, read_answer, show_difference
from course_lib.exercises.quadratic import QuadraticBowl
from course_lib.exercises.wire import MAX_ELEMENTS, Unreadable, decode, encode, encode_answer


def through_json(value):
    return decode(json.loads(json.dumps(encode(value))))


def test_arrays_tuples_and_bowls_survive_the_trip_exactly():
    x = np.array([[0.1, -2.5e-300], [1e300, 3.0]])
    back = through_json((x, np.arange(3), [1.5, 2], np.array([True, False])))
    assert isinstance(back, tuple) and len(back) == 4
    assert back[0].dtype == np.float64 and np.array_equal(back[0], x)
    assert back[1].dtype == np.int64 and back[1].tolist() == [0, 1, 2]
    assert back[2] == [1.5, 2] and back[3].dtype == bool
    bowl = QuadraticBowl([[2.0, 0.5], [0.5, 1.0]], [1.0, -1.0])
    rebuilt = through_json(bowl)
    assert rebuilt == bowl and np.allclose(rebuilt(np.array([1.0, 1.0])), [1.5, 2.5])


def test_nan_and_inf_survive_the_trip():
    back = through_json(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(back[0]) and back[1] == np.inf and back[2] == -np.inf


def test_numpy_scalars_become_plain_numbers():
    assert through_json(np.float32(0.5)) == 0.5
    assert through_json(np.int64(7)) == 7
    assert through_json(np.bool_(True)) is True


@pytest.mark.parametrize("value", [{"a": 1}, {1, 2}, object(), np.array([1j]),
                                   np.array([object()], dtype=object)])
def test_anything_else_is_unreadable_with_a_description(value):
    back = through_json(value)
    assert isinstance(back, Unreadable) and back.description


def test_a_huge_answer_is_unreadable_not_sent():
    assert isinstance(decode(encode_answer(np.zeros(MAX_ELEMENTS + 1))), Unreadable)


@pytest.mark.parametrize("data", [
    {"__ndarray__": [[1], [1, 2]], "kind": "f"},
    {"__ndarray__": ["a"], "kind": "f"},
    {"__ndarray__": [1], "kind": "O"},
    {"__bowl__": [[1.0], [1.0, 2.0]]},
    {"__tuple__": "not a list"},
    {"__unreadable__": 3},
    {"event": "done"},
])
def test_malformed_tags_decode_to_unreadable(data):
    assert isinstance(decode(data), Unreadable)


json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["__ndarray__", "kind", "__tuple__", "__bowl__", "__unreadable__", "x"]),
        inner, max_size=3),
    max_leaves=20,
)


@given(json_data)
@settings(deadline=None)
def test_decode_and_read_never_raise_on_any_json(data):
    value = decode(data)
    for expected in (1.0, np.zeros(2), (np.zeros(2), 1.0), "b"):
        answer, problem = read_answer(value, expected)
        assert (answer is None) != (problem is None)


def test_read_answer_accepts_lists_and_size_one_numbers():
    answer, problem = read_answer([1, 2.5], np.zeros(2))
    assert problem is None and answer.dtype == np.float64 and answer.tolist() == [1.0, 2.5]
    assert read_answer(np.array([4.0]), 1.0) == (4.0, None)
    assert read_answer([np.zeros(2), 3], (np.zeros(2), 1.0))[1] is None


@pytest.mark.parametrize(("value", "expected", "problem"), [
    (np.zeros(3), np.zeros(2), "returned an array of shape (3,); expected an array of shape (2,)"),
    (True, 1.0, "returned True; expected a number"),
    ("0.5", 1.0, "returned a str; expected a number"),
    ([np.zeros(2)], (np.zeros(2), np.zeros(2)), "returned a list of 1 item; expected 2 values"),
    ((np.zeros(2), "x"), (np.zeros(2), np.zeros(2)), "item 2: returned a str"),
    (2, "b", "not a letter in quotes"),
])
def test_read_answer_says_what_is_wrong(value, expected, problem):
    answer, said = read_answer(value, expected)
    assert answer is None and problem in said


def test_letters_are_normalised():
    assert read_answer(" (B). ", "b") == ("b", None)


def test_agree_uses_the_tolerance_and_matches_nan_with_nan():
    assert agree(1.0 + 1e-9, 1.0, rtol=1e-6, atol=0)
    assert not agree(1.0 + 1e-5, 1.0, rtol=1e-6, atol=0)
    assert agree(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), rtol=1e-6, atol=0)
    assert not agree(np.zeros(2), np.zeros(3), rtol=1e-6, atol=0)
    assert not agree((np.zeros(2),), (np.zeros(2), 1.0), rtol=1e-6, atol=0)


def test_difference_shows_enough_digits_to_see_it():
    text = show_difference(1.0000001, 1.0000002)
    expected_part, got_part = text.removeprefix("expected ").split(", got ")
    assert expected_part != got_part and math.isclose(float(expected_part), 1.0000001)


def test_call_learner_reports_changed_inputs_by_name():
    def shift(theta, grad):
        theta += 1
        return theta

    outcome = call_learner(shift, {"theta": np.zeros(2), "grad": np.ones(2)})
    assert outcome.status == "answered" and outcome.mutated == ("theta",)


_NOT_AN_OUTCOME = "^an outcome must be a dict with status, answer, detail, mutated$"


@pytest.mark.parametrize(("data", "match"), [
    (None, _NOT_AN_OUTCOME), ([], _NOT_AN_OUTCOME), ({"status": "answered"}, _NOT_AN_OUTCOME),
    ({"status": "timeout", "answer": None, "detail": "", "mutated": []},
     "^unknown outcome status 'timeout'$"),
    ({"status": "answered", "answer": 1, "detail": 5, "mutated": []},
     "^an outcome's detail must be a string$"),
    ({"status": "answered", "answer": 1, "detail": "", "mutated": "theta"},
     "^an outcome's mutated must be a list of names$"),
    ({"status": "answered", "answer": 1, "detail": "", "mutated": [], "extra": 1},
     _NOT_AN_OUTCOME),
])
def test_outcomes_from_a_submission_are_validated(data, match):
    with pytest.raises(ValueError, match=match):
        Outcome.from_plain(data)


def test_a_valid_outcome_round_trips_and_long_details_are_cut():
    outcome = Outcome("error", None, "x" * 10_000, ("theta",))
    back = Outcome.from_plain(json.loads(json.dumps(outcome.to_plain())))
    assert back.status == "error" and len(back.detail) == 300 and back.mutated == ("theta",)


@pytest.mark.parametrize("A, b, says", [
    ([[1.0, 2.0, 3.0]], [1.0], r"^A must be a square matrix, got shape \(1, 3\)$"),
    ([1.0, 2.0], [1.0], r"^A must have 2 dimensions, got shape \(2,\)$"),
    (np.eye(2), [1.0, 2.0, 3.0], r"^b must have shape \(2,\), got shape \(3,\)$"),
    ([[math.nan, 0.0], [0.0, 1.0]], [0.0, 0.0], r"^A must hold finite numbers only"),
])
def test_a_malformed_bowl_is_refused_naming_the_array(A, b, says):
    with pytest.raises(ValueError, match=says):
        QuadraticBowl(A, b)


def test_a_bowl_keeps_its_own_arrays():
    A, b = np.eye(2), np.ones(2)
    bowl = QuadraticBowl(A, b)
    A[0, 0], b[0] = 5.0, 7.0
    assert np.array_equal(bowl(np.zeros(2)), [-1.0, -1.0])
