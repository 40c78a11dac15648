"""Telling learners apart: one id however Unicode spells it, and a note wherever two look alike.

A folder named "chloé" can be spelled with one character for "é" (the composed form, NFC,
which most systems write) or with "e" and a combining accent (the decomposed form, NFD, which
macOS writes). Both spellings are one learner: ids are compared after NFC.

Ids that differ in more than spelling are different learners, even when they look the same
on screen: "Bob" and "bob", "ｂｏｂ" (full-width) and "bob", "bob" and "bo\\u200bb" (a zero-width
space), or an id turned around by a direction override. Such look-alikes stay separate rows,
and each row says which other id it looks like, so that the instructor can check. A name
written in a notebook's metadata is only ever a claim: when it matches another learner's id
or claimed name, both rows say so, and the folder or file still decides whose work it is.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from course_lib.exercises.escaping import readable


def same_id(name: str) -> str:
    """The id a folder or file name stands for: the name in Unicode's composed form (NFC)."""
    return unicodedata.normalize("NFC", name)


def spelled(name: str) -> str:
    """``name`` with every character outside ASCII as its code, so that two spellings that
    look the same on screen read differently: "chlo\\xe9" and "chloe\\u0301"."""
    return name.encode("ascii", "backslashreplace").decode("ascii")


def shown_id(name: str) -> str:
    """``name`` with its invisible characters as codes (see :func:`.readable`), followed by its
    :func:`spelled` form when it still has letters outside ASCII."""
    shown = readable(name)
    return shown if shown.isascii() else f"{shown} ({spelled(name)})"


def look_alike_key(text: str) -> str:
    """What ``text`` looks like to a reader: without format characters (zero-width spaces and
    joiners, direction overrides and isolates) or control characters, in compatibility form
    (NFKC: full-width and other variants as the plain letter), case-folded, its spaces
    collapsed."""
    visible = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold())
    return " ".join(folded.split())


def merged_spellings_note(spellings: Iterable[str]) -> str | None:
    """The note for one learner found under several spellings of its id (None for one)."""
    found = sorted(set(spellings), key=lambda name: (_form(name), name))
    if len(found) < 2:
        return None
    forms = ", ".join(f"{spelled(name)} ({_form(name)})" for name in found)
    return (f"one learner under {len(found)} spellings of the same id, merged (ids are "
            f"compared after Unicode NFC): {forms}")


def _form(name: str) -> str:
    if unicodedata.is_normalized("NFC", name):
        return "composed, NFC"
    if unicodedata.is_normalized("NFD", name):
        return "decomposed, NFD"
    return "mixed"


def look_alike_notes(ids: Iterable[str]) -> dict[str, list[str]]:
    """For each id that looks like another (see :func:`look_alike_key`), a note naming the
    others; the ids are already in NFC."""
    groups: dict[str, list[str]] = defaultdict(list)
    for learner_id in ids:
        groups[look_alike_key(learner_id)].append(learner_id)
    notes: dict[str, list[str]] = defaultdict(list)
    for group in groups.values():
        for learner_id in group:
            for other in group:
                if other != learner_id:
                    notes[learner_id].append(
                        f"looks like {shown_id(other)}, another learner's id (they differ only "
                        "in case, character variants or invisible characters): check that "
                        "these are two people")
    return notes


def claimed_name_notes(claims: dict[str, Iterable[str]]) -> dict[str, list[str]]:
    """For each learner (``claims``: id → the names their notebooks' metadata give), a note for
    every claimed name that looks like another learner's id or claimed name; the note goes on
    both rows."""
    owners: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for learner_id, names in claims.items():
        owners[look_alike_key(learner_id)].add((learner_id, "id", learner_id))
        for name in names:
            owners[look_alike_key(name)].add((learner_id, "name", name))
    notes: dict[str, list[str]] = defaultdict(list)
    for holders in owners.values():
        for learner_id, kind, name in sorted(holders):
            if kind != "name":
                continue
            for other, other_kind, other_text in sorted(holders):
                if other == learner_id:
                    continue
                what = "id" if other_kind == "id" else f'claimed name "{other_text}"'
                notes[learner_id].append(
                    f'the name "{name}" in this learner\'s notebooks looks like '
                    f"{other}'s {what}: the folder or file decides whose work it is")
                if other_kind == "id":
                    notes[other].append(
                        f'{learner_id}\'s notebooks give the name "{name}", which '
                        "looks like this learner's id: the folder or file decides whose work "
                        "it is")
    return {learner_id: list(dict.fromkeys(found)) for learner_id, found in notes.items()}
