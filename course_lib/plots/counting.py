"""Counts in words: "1 step", "2 steps", for every label and status line of the course."""

from __future__ import annotations


def counted(number: int | float, noun: str) -> str:
    """``number`` and ``noun``, the noun plural unless the number is exactly one.

    Written for English nouns that take an "s" (step, epoch, iteration), the only ones the
    figures and explorers count. A float prints as it would with ``:g``.
    """
    plural = "" if number == 1 else "s"
    return f"{number:g} {noun}{plural}" if isinstance(number, float) else f"{number} {noun}{plural}"
