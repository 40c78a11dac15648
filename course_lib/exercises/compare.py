"""Reading an answer in the expected form, comparing numbers, and showing them in feedback.

The expected value (what the reference returns) sets the form: a number, an array
of a given shape, a tuple of those, or a letter. :func:`read_answer` takes decoded
plain data and either returns it in that form or says in one sentence what is wrong
with it (a wrong shape, a string where numbers belong, …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .wire import Unreadable

# Arrays longer than this print shortened, so a difference is shown entry by entry instead.
SHOWN_IN_FULL = 8
SHOWN_ENTRIES = 3


def read_answer(value: Any, expected: Any, names: Sequence[str] = ()) -> tuple[Any, str | None]:
    """``(answer, None)`` with the answer in the form of ``expected``, or ``(None, problem)``."""
    if isinstance(expected, tuple):
        return _read_tuple(value, expected, names)
    if isinstance(expected, str):
        if not isinstance(value, str):
            return None, f"returned {describe(value)}, not a letter in quotes such as 'b'"
        return value.strip().strip("()[].").strip().lower(), None
    return _read_numbers(value, np.shape(expected))


def _read_tuple(value, expected, names):
    wanted = f"{len(expected)} values ({', '.join(names)})" if names else f"{len(expected)} values"
    if not isinstance(value, tuple | list) or len(value) != len(expected):
        return None, f"returned {describe(value)}; expected {wanted}"
    items = []
    for position, (item, expected_item) in enumerate(zip(value, expected, strict=True)):
        answer, problem = read_answer(item, expected_item)
        if problem is not None:
            return None, f"{_item_name(names, position)}: {problem}"
        items.append(answer)
    return tuple(items), None


def _read_numbers(value, shape):
    wanted = "a number" if shape == () else f"an array of shape {shape}"
    if isinstance(value, Unreadable):
        return None, f"returned {value.description}; expected {wanted}"
    if _holds_non_numbers(value):
        return None, f"returned {describe(value)}; expected {wanted}"
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None, f"returned {describe(value)}; expected {wanted}"
    if array.shape != shape:
        if shape == () and array.size == 1:
            array = array.reshape(())
        else:
            return None, f"returned {describe(value)}; expected {wanted}"
    return (float(array) if shape == () else array), None


def _holds_non_numbers(value) -> bool:
    if isinstance(value, bool | str | Unreadable) or value is None:
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "iuf"
    if isinstance(value, tuple | list):
        return any(_holds_non_numbers(item) for item in value)
    return not isinstance(value, int | float)


def _item_name(names, position):
    return names[position] if position < len(names) else f"item {position + 1}"


def agree(answer: Any, expected: Any, rtol: float, atol: float) -> bool:
    """Whether two answers of the same form are equal, numbers to within rtol/atol.

    NaN agrees with NaN, so that a wrong variant that produces NaN can be recognised;
    the reference never produces NaN, so a NaN answer never agrees with it.
    """
    if isinstance(expected, tuple):
        return (isinstance(answer, tuple) and len(answer) == len(expected)
                and all(agree(a, e, rtol, atol) for a, e in zip(answer, expected, strict=True)))
    if isinstance(expected, str):
        return answer == expected
    answer, expected = np.asarray(answer, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    return answer.shape == expected.shape and bool(
        np.allclose(answer, expected, rtol=rtol, atol=atol, equal_nan=True)
    )


def describe(value: Any) -> str:
    """What a value is, in a few words: 'a str', 'an array of shape (2,)', 'None'."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Unreadable):
        return value.description
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            return f"an array of True/False of shape {value.shape}"
        return "a number" if value.ndim == 0 else f"an array of shape {value.shape}"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return f"a {kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"


def show_difference(expected: Any, answer: Any, names: Sequence[str] = (),
                    rtol: float = 0.0, atol: float = 0.0) -> str:
    """'expected …, got …' for the parts that differ (beyond rtol/atol), each pair of numbers
    with the same number of significant digits, as few as make the two visibly differ."""
    if isinstance(expected, tuple):
        parts = [
            f"{_item_name(names, i)}: {show_difference(e, a, rtol=rtol, atol=atol)}"
            for i, (e, a) in enumerate(zip(expected, answer, strict=True))
            if not agree(a, e, rtol, atol)
        ]
        return "; ".join(parts)
    if isinstance(expected, str):
        return f"expected '{expected}', got '{answer}'"
    expected, answer = np.asarray(expected, dtype=np.float64), np.asarray(answer, dtype=np.float64)
    differ = ~np.isclose(answer, expected, rtol=rtol, atol=atol, equal_nan=True)
    if expected.size <= SHOWN_IN_FULL:
        shown_expected, shown_answer = _shown_apart(expected, answer, differ)
        return f"expected {shown_expected}, got {shown_answer}"
    # A shortened print ("[1, 2, 3, ..., 8, 9]") can look the same for both: name the entries.
    wrong = np.flatnonzero(differ)
    entries = []
    for flat in wrong[:SHOWN_ENTRIES]:
        where = np.unravel_index(flat, expected.shape)
        shown_expected, shown_answer = _shown_apart(expected.ravel()[flat],
                                                    answer.ravel()[flat], np.True_)
        entries.append(f"[{', '.join(map(str, where))}] expected {shown_expected}, "
                       f"got {shown_answer}")
    more = f"; and {wrong.size - SHOWN_ENTRIES} more" if wrong.size > SHOWN_ENTRIES else ""
    return (f"{wrong.size} of {expected.size} entries differ: " + "; ".join(entries) + more)


def _shown_apart(expected: np.ndarray, answer: np.ndarray, differ) -> tuple[str, str]:
    """Both values printed in full, each entry that differs (``differ``) with the same
    significant digits in both, from 4 up until it prints differently. Those entries keep
    their trailing zeros, so that 8.630e-05 against 8.629e-05 shows one digit apart."""
    shape = np.shape(expected)
    differ = np.broadcast_to(differ, shape).ravel()
    expected, answer = np.ravel(expected) + 0.0, np.ravel(answer) + 0.0
    for digits in range(4, 18):
        shown = [[_number(x, digits, keep_zeros=True) if wrong else _number(x, 4)
                  for x, wrong in zip(values, differ, strict=True)]
                 for values in (expected, answer)]
        if all(e != a for e, a, wrong in zip(*shown, differ, strict=True) if wrong):
            break
    return tuple(_nested(texts, shape) for texts in shown)


def _nested(texts: list[str], shape: tuple[int, ...]) -> str:
    """Entries printed flat, laid out as an array of ``shape``: 1.5 or [1.5, 2] or [[1, 2]]."""
    if not shape:
        return texts[0]
    step = len(texts) // shape[0] if shape[0] else 0
    return "[" + ", ".join(_nested(texts[i * step:(i + 1) * step], shape[1:])
                           for i in range(shape[0])) + "]"


def show(value: Any, digits: int = 4) -> str:
    """A number or an array, compactly, with ``digits`` significant digits."""
    if isinstance(value, tuple):
        return "(" + ", ".join(show(item, digits) for item in value) + ")"
    if isinstance(value, str):
        return repr(value)
    # Adding 0.0 turns −0.0 into 0.0, which is what a reader expects to see.
    array = np.asarray(value, dtype=np.float64) + 0.0
    if array.ndim == 0:
        return _number(float(array), digits)
    return np.array2string(
        array, separator=", ", threshold=SHOWN_IN_FULL, edgeitems=3, max_line_width=10_000,
        formatter={"float_kind": lambda x: _number(x, digits)},
    )


def _number(x: float, digits: int, keep_zeros: bool = False) -> str:
    if not keep_zeros:
        return f"{x:.{digits}g}"
    text = f"{x:#.{digits}g}"
    # "#" keeps the zeros but also leaves a bare point behind a whole number: 100. → 100
    return text.replace(".e", "e") if ".e" in text else text.removesuffix(".")


def show_arguments(kwargs: dict) -> str:
    """The arguments of a case as ``name=value`` pairs, for the feedback."""
    return ", ".join(f"{name}={_show_argument(value)}" for name, value in kwargs.items())


def _show_argument(value):
    if isinstance(value, np.ndarray | float) and not isinstance(value, bool):
        return show(value, 4)
    if isinstance(value, list) and all(isinstance(item, int | float) for item in value):
        return "[" + ", ".join(f"{item:.4g}" for item in value) + "]"
    return repr(value)
