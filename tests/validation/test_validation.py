"""course_lib.validation: the messages written out by hand, the edge cases, and a property."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.validation import allowed_range, choice, finite_array, flag, integer, number


def raises(error, message):
    """pytest.raises matching the whole message, written out literally."""
    return pytest.raises(error, match=f"^{re.escape(message)}$")


# -- allowed_range -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, text", [
    ({}, "finite"),
    ({"low": 0}, ">= 0"),
    ({"low": 0, "low_inclusive": False}, "> 0"),
    ({"high": 1}, "<= 1"),
    ({"high": 1, "high_inclusive": False}, "< 1"),
    ({"low": 0, "high": 1}, "in [0, 1]"),
    ({"low": 0, "high": 1, "high_inclusive": False}, "in [0, 1)"),
    ({"low": 0, "high": 1, "low_inclusive": False}, "in (0, 1]"),
    ({"low": 0, "high": 1, "low_inclusive": False, "high_inclusive": False}, "in (0, 1)"),
    ({"low": 1e-7, "high": 2.5}, "in [1e-07, 2.5]"),
    ({"low": -3}, ">= -3"),
])
def test_allowed_range_writes_every_form(kwargs, text):
    assert allowed_range(**kwargs) == text


# -- number ------------------------------------------------------------------------------------

def test_number_message_for_a_half_open_range():
    with raises(ValueError, "momentum must be a number in [0, 1), got 1.2"):
        number(1.2, "momentum", low=0, high=1, high_inclusive=False)


def test_number_message_for_one_bound():
    with raises(ValueError, "learning_rate must be a finite number > 0, got 0"):
        number(0, "learning_rate", low=0, low_inclusive=False)
    with raises(ValueError, "rho must be a finite number <= 1, got 1.5"):
        number(1.5, "rho", high=1)


def test_number_refuses_nan_and_inf_with_or_without_bounds():
    with raises(ValueError, "learning_rate must be a finite number >= 0, got nan"):
        number(math.nan, "learning_rate", low=0)
    with raises(ValueError, "angle must be a finite number, got inf"):
        number(math.inf, "angle")
    with raises(ValueError, "angle must be a finite number, got -inf"):
        number(-math.inf, "angle")
    with raises(ValueError, "alpha must be a number in [0, 1], got nan"):
        number(np.float64("nan"), "alpha", low=0, high=1)


def test_number_refuses_an_int_too_large_for_a_float_as_out_of_range():
    with pytest.raises(ValueError, match=r"^x must be a finite number, got 1000000000"):
        number(10**400, "x")


@pytest.mark.parametrize("value, shown", [
    (True, "True"), (np.bool_(False), "False"), ("0.1", "'0.1'"), (None, "None"),
    ([0.1], "[0.1]"), (np.array([0.1]), "array([0.1])"), (1 + 0j, "(1+0j)"),
])
def test_number_refuses_what_is_not_a_real_number_with_a_type_error(value, shown):
    with raises(TypeError, f"beta_1 must be a number in [0, 1), got {shown}"):
        number(value, "beta_1", low=0, high=1, high_inclusive=False)


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.float64(0.5), np.int64(1),
                                   np.uint8(1), np.array(0.5), np.array(1)])
def test_number_accepts_python_and_numpy_numbers_and_returns_a_float(value):
    checked = number(value, "x", low=0, high=1)
    assert type(checked) is float
    assert checked == float(value)


def test_number_shows_a_numpy_value_as_the_number_it_holds():
    with raises(ValueError, "momentum must be a number in [0, 1), got 1.5"):
        number(np.float64(1.5), "momentum", low=0, high=1, high_inclusive=False)
    with raises(ValueError, "momentum must be a number in [0, 1), got 2"):
        number(np.array(2), "momentum", low=0, high=1, high_inclusive=False)


def test_number_bounds_inclusive_and_exclusive():
    assert number(0, "x", low=0) == 0.0
    assert number(1, "x", high=1) == 1.0
    with pytest.raises(ValueError, match=r"x must be a finite number > 0, got 0\b"):
        number(0, "x", low=0, low_inclusive=False)
    with pytest.raises(ValueError, match=r"x must be a finite number < 1, got 1\b"):
        number(1, "x", high=1, high_inclusive=False)


@given(st.floats(allow_nan=False, allow_infinity=False),
       st.floats(-1e6, 1e6), st.floats(0, 1e6), st.booleans(), st.booleans())
def test_number_returns_every_value_in_range_unchanged_and_refuses_every_other(
        value, low, width, low_inclusive, high_inclusive):
    high = low + width
    inside = ((low <= value if low_inclusive else low < value)
              and (value <= high if high_inclusive else value < high))
    kwargs = {"low": low, "high": high, "low_inclusive": low_inclusive,
              "high_inclusive": high_inclusive}
    if inside:
        assert number(value, "x", **kwargs) == value
    else:
        with pytest.raises(ValueError, match=r"^x must be a number in [\[(].*[\])], got "):
            number(value, "x", **kwargs)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_without_bounds_returns_every_finite_float_unchanged(value):
    assert number(value, "x") == value


# -- integer -----------------------------------------------------------------------------------

def test_integer_messages():
    with raises(ValueError, "steps must be an integer >= 1, got 0"):
        integer(0, "steps", low=1)
    with raises(ValueError, "verbose must be an integer in [0, 2], got 3"):
        integer(3, "verbose", low=0, high=2)
    with raises(ValueError, "depth must be an integer <= 5, got 6"):
        integer(6, "depth", high=5)
    with raises(TypeError, "steps must be an integer >= 1, got 2.5"):
        integer(2.5, "steps", low=1)


@pytest.mark.parametrize("value, shown", [(2.0, "2.0"), (True, "True"), (False, "False"),
                                          ("3", "'3'"), (np.float64(2.0), "2.0"),
                                          (np.array(2.0), "2.0"), (None, "None")])
def test_integer_refuses_floats_bools_and_strings(value, shown):
    with raises(TypeError, f"epochs must be an integer >= 0, got {shown}"):
        integer(value, "epochs", low=0)


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint16(3), np.array(3)])
def test_integer_accepts_python_and_numpy_integers_and_returns_an_int(value):
    checked = integer(value, "n", low=0, high=3)
    assert type(checked) is int
    assert checked == 3


def test_integer_without_bounds_accepts_any_integer():
    assert integer(-(10**30), "n") == -(10**30)


# -- flag --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_flag_accepts_bools(value):
    assert flag(value, "staircase") is bool(value)


@pytest.mark.parametrize("value, shown", [(1, "1"), (0, "0"), ("True", "'True'"), (None, "None")])
def test_flag_refuses_anything_else(value, shown):
    with raises(TypeError, f"staircase must be True or False, got {shown}"):
        flag(value, "staircase")


# -- choice ------------------------------------------------------------------------------------

def test_choice_message_lists_the_options_sorted():
    with raises(ValueError, "surface must be one of ['beale', 'bowl', 'rosenbrock'], got 'bowel'"):
        choice("bowel", "surface", ("rosenbrock", "bowl", "beale"))


def test_choice_returns_the_value_itself():
    assert choice("min", "mode", ("auto", "min", "max")) == "min"
    assert choice(None, "activation", (None, "relu")) is None


def test_choice_does_not_take_true_for_one_nor_an_array_for_a_value():
    with raises(ValueError, "verbose must be one of [0, 1, 2], got True"):
        choice(True, "verbose", (0, 1, 2))
    with raises(ValueError, "mode must be one of ['max', 'min'], got array([1, 2])"):
        choice(np.array([1, 2]), "mode", ("min", "max"))


# -- finite_array ------------------------------------------------------------------------------

def test_finite_array_converts_to_float64():
    array = finite_array([1, 2, 3], "weights")
    assert array.dtype == np.float64
    np.testing.assert_array_equal(array, [1.0, 2.0, 3.0])


def test_finite_array_names_the_first_value_that_is_not_finite():
    with raises(ValueError, "weights must hold finite numbers only, got nan at index 1"):
        finite_array([0.0, np.nan, np.inf], "weights")
    with raises(ValueError, "X must hold finite numbers only, got inf at index (1, 0)"):
        finite_array([[0.0, 1.0], [np.inf, 2.0]], "X")
    with raises(ValueError, "x must hold finite numbers only, got -inf"):
        finite_array(-np.inf, "x")


@pytest.mark.parametrize("value, dtype", [(["1.5"], "<U3"), ([1 + 2j], "complex128"),
                                          ([True], "bool"), ([None], "object")])
def test_finite_array_refuses_what_would_be_converted_silently(value, dtype):
    with raises(TypeError, f"weights must be an array of real numbers, got dtype {dtype}"):
        finite_array(value, "weights")


def test_finite_array_refuses_a_ragged_list():
    with raises(TypeError, "weights must be an array of numbers, got [[1.0], [1.0, 2.0]]"):
        finite_array([[1.0], [1.0, 2.0]], "weights")


def test_finite_array_checks_ndim_and_shape():
    with raises(ValueError, "X must have 2 dimensions, got shape (3,)"):
        finite_array([1, 2, 3], "X", ndim=2)
    with raises(ValueError, "start must have 1 dimension, got shape ()"):
        finite_array(1.0, "start", ndim=1)
    with raises(ValueError, "start must have shape (2,), got shape (3,)"):
        finite_array([1, 2, 3], "start", shape=(2,))
    assert finite_array([[1, 2]], "X", ndim=2, shape=(1, 2)).shape == (1, 2)
