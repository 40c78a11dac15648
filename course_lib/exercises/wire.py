"""Plain data: what crosses between the grader and the process that runs a submission.

Only JSON crosses: numbers, strings, lists, and a few tagged objects (NumPy arrays,
tuples, quadratic bowls). The grader encodes the arguments it chose; the submission's
process decodes them, calls the learner's function and encodes the answer. Whatever
comes back is untrusted: :func:`decode` accepts any JSON and never runs code, and
anything it cannot read becomes :class:`Unreadable`, which the judge reports as a
wrong type. Both directions stop at ``MAX_DEPTH`` levels of nesting, far past any
answer's, so that no answer can exhaust the stack of the process that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .quadratic import QuadraticBowl

# An answer is a handful of numbers; a million is far past any task and keeps messages small.
MAX_ELEMENTS = 1_000_000
MAX_TEXT = 10_000
MAX_DEPTH = 32

_ARRAY, _TUPLE, _BOWL, _UNREADABLE = "__ndarray__", "__tuple__", "__bowl__", "__unreadable__"
_KINDS = {"f": np.float64, "i": np.int64, "u": np.int64, "b": np.bool_}


@dataclass(frozen=True)
class Unreadable:
    """Something that is not plain data (an object, a dict, complex numbers …), by description."""

    description: str


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data, or an ``Unreadable`` tag describing what it was.

    ValueError if it holds more than ``MAX_ELEMENTS`` numbers.
    """
    return _encode(value, [0], 0)


def _encode(value, count, depth):
    count[0] += 1
    if count[0] > MAX_ELEMENTS:
        raise _TooLarge
    if depth > MAX_DEPTH:
        return {_UNREADABLE: f"data nested more than {MAX_DEPTH} levels deep"}
    if value is None or type(value) in (bool, str, float):
        return value[:MAX_TEXT] if isinstance(value, str) else value
    if type(value) is int:
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, np.generic):
        return _encode(np.asarray(value), count, depth)
    if isinstance(value, np.ndarray):
        kind = value.dtype.kind
        if kind not in _KINDS:
            return {_UNREADABLE: f"an array of dtype {value.dtype}"}
        if value.size > MAX_ELEMENTS:
            raise _TooLarge
        if value.ndim > MAX_DEPTH:
            return {_UNREADABLE: f"an array of {value.ndim} dimensions"}
        count[0] += value.size
        plain = np.asarray(value).tolist()
        if np.ndim(value) == 0:
            return plain
        return {_ARRAY: plain, "kind": "i" if kind == "u" else kind}
    if isinstance(value, QuadraticBowl):
        return {_BOWL: [_encode(value.A, count, depth + 1), _encode(value.b, count, depth + 1)]}
    if type(value) is tuple:
        return {_TUPLE: [_encode(item, count, depth + 1) for item in value]}
    if type(value) is list:
        return [_encode(item, count, depth + 1) for item in value]
    if isinstance(value, float):
        return float(value)
    return {_UNREADABLE: f"an object of type {type(value).__name__}"}


class _TooLarge(ValueError):
    def __init__(self):
        super().__init__(f"more than {MAX_ELEMENTS:,} numbers")


def encode_answer(value: Any) -> Any:
    """Like :func:`encode`, but an answer too large to send becomes ``Unreadable``."""
    try:
        return encode(value)
    except _TooLarge:
        return {_UNREADABLE: f"an answer with more than {MAX_ELEMENTS:,} numbers"}


def decode(data: Any, depth: int = 0) -> Any:
    """Plain data back into Python and NumPy values; never raises on any JSON input."""
    if depth > MAX_DEPTH:
        return Unreadable(f"data nested more than {MAX_DEPTH} levels deep")
    if data is None or isinstance(data, bool | str):
        return data
    if isinstance(data, int):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if isinstance(data, dict):
        return _decode_tagged(data, depth + 1)
    return Unreadable(f"a {type(data).__name__}")


def _decode_tagged(data: dict, depth: int) -> Any:
    if set(data) == {_ARRAY, "kind"} and isinstance(data["kind"], str) and data["kind"] in _KINDS:
        # np.array would quietly turn None into NaN or a string of digits into a number.
        if not _only_numbers(data[_ARRAY], data["kind"] == "b", depth):
            return Unreadable("a malformed array")
        try:
            return np.array(data[_ARRAY], dtype=_KINDS[data["kind"]])
        except (TypeError, ValueError, OverflowError):
            return Unreadable("a ragged array")
    if set(data) == {_TUPLE} and isinstance(data[_TUPLE], list):
        return tuple(decode(item, depth) for item in data[_TUPLE])
    if set(data) == {_BOWL} and isinstance(data[_BOWL], list) and len(data[_BOWL]) == 2:
        try:
            return QuadraticBowl(*(decode(part, depth) for part in data[_BOWL]))
        except (TypeError, ValueError):
            return Unreadable("a malformed quadratic bowl")
    if set(data) == {_UNREADABLE} and isinstance(data[_UNREADABLE], str):
        return Unreadable(data[_UNREADABLE][:200])
    return Unreadable("a dict")


def _only_numbers(nest: Any, allow_bool: bool, depth: int) -> bool:
    if not isinstance(nest, list) or depth > MAX_DEPTH:
        return False
    return all(_only_numbers(item, allow_bool, depth + 1) if isinstance(item, list)
               else isinstance(item, int | float) and (allow_bool or not isinstance(item, bool))
               for item in nest)
