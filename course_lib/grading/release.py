"""Student notebooks from solution notebooks, with nbgrader's markers.

In a code cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` become
``# YOUR CODE HERE`` and ``raise NotImplementedError()`` at the marker's indentation;
the lines from ``### BEGIN HIDDEN TESTS`` to ``### END HIDDEN TESTS`` disappear. In a
Markdown cell a solution block becomes "YOUR ANSWER HERE". Outputs, execution counts
and per-run metadata are dropped, so the student notebook depends on the solution's
text alone and releasing twice gives the same bytes.

Every student notebook is stamped with its exercise id, ``"course": {"exercise": "ex02"}``
in the notebook's metadata. The stamp travels with every copy and rename a learner makes,
and the grader matches a submission to its exercise by it.

:func:`learner_edition` writes what an instructor hands out for graded work: the lessons, the
student notebooks, and ``course_lib`` without the task modules and the grader, its tasks as
data (:mod:`course_lib.exercises.visible_cases`), so that no solution, reference answer or
hidden case is in it.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

import course_lib
from course_lib.exercises import visible_cases
from course_lib.exercises.tasks import EXERCISES, SELF_CHECKS

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

# Only what a learner's notebook needs; kernel versions and timings vary between machines.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEPT_NOTEBOOK_METADATA = ("course",)
KEPT_CELL_METADATA = ("tags", "editable", "deletable")


class MarkerError(ValueError):
    """A solution notebook that cannot be released: markers that do not pair up, or not a
    notebook at all."""


def strip_blocks(source: str, *, markdown: bool = False, where: str = "cell") -> str:
    """The student version of one cell's source."""
    out: list[str] = []
    block: str | None = None
    for line in source.splitlines(keepends=True):
        marker = line.strip()
        if marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
            if block is not None:
                raise MarkerError(f"{where}: {marker!r} inside an open {block!r} block")
            block = marker
            if marker == BEGIN_SOLUTION:
                indent = line[: len(line) - len(line.lstrip())]
                out.append("YOUR ANSWER HERE\n" if markdown else
                           f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n")
        elif marker in (END_SOLUTION, END_HIDDEN):
            opening = BEGIN_SOLUTION if marker == END_SOLUTION else BEGIN_HIDDEN
            if block != opening:
                raise MarkerError(f"{where}: {marker!r} without {opening!r}")
            block = None
        elif block is None:
            out.append(line)
    if block is not None:
        raise MarkerError(f"{where}: {block!r} is never closed")
    return "".join(out).rstrip("\n")


def exercise_of(solution: dict, path: Path) -> str:
    """The exercise a solution notebook is for: its own stamp, or the exercise whose notebook
    has its file name; MarkerError if neither, or if the two disagree."""
    course = solution.get("metadata", {}).get("course", {})
    stamped = course.get("exercise") if isinstance(course, dict) else None
    named = next((e.id for e in EXERCISES.values() if e.notebook == Path(path).stem), None)
    if stamped is not None and stamped not in EXERCISES:
        raise MarkerError(f"{path}: stamped with the unknown exercise {stamped!r}")
    if stamped and named and stamped != named:
        raise MarkerError(f"{path}: stamped {stamped!r}, but the file is {named}'s notebook")
    if not (stamped or named):
        raise MarkerError(f"{path}: no exercise stamp (metadata course.exercise) and not an "
                          "exercise's file name")
    return stamped or named


def student_notebook(solution: dict, exercise: str | None = None) -> nbformat.NotebookNode:
    """The student version of a solution notebook (the input is unchanged), stamped with
    ``exercise`` (by default the solution's own stamp)."""
    cells = []
    for index, cell in enumerate(solution["cells"]):
        source = _text(cell.get("source", ""))
        kind = cell["cell_type"]
        if kind in ("code", "markdown"):
            source = strip_blocks(source, markdown=kind == "markdown", where=f"cell {index}")
        make = {"code": new_code_cell, "markdown": new_markdown_cell}.get(kind, new_raw_cell)
        cells.append(make(source, id=cell.get("id", f"cell-{index}"),
                          metadata={key: cell["metadata"][key] for key in KEPT_CELL_METADATA
                                    if key in cell.get("metadata", {})}))
    metadata = {key: solution["metadata"][key] for key in KEPT_NOTEBOOK_METADATA
                if key in solution.get("metadata", {})}
    if exercise is not None:
        metadata["course"] = {**metadata.get("course", {}), "exercise": exercise}
    metadata["kernelspec"] = dict(KERNELSPEC)
    metadata["language_info"] = {"name": "python"}
    return new_notebook(cells=cells, metadata=metadata)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def render(notebook: dict) -> bytes:
    """A notebook as the exact bytes written to disk, as Jupyter saves it (nbformat's layout
    and a final newline)."""
    return (nbformat.writes(nbformat.from_dict(notebook)) + "\n").encode()


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A solution notebook, upgraded to nbformat 4 if older; MarkerError if it is none."""
    try:
        return nbformat.read(path, as_version=4)
    except (ValueError, KeyError, AttributeError, TypeError, nbformat.ValidationError) as error:
        # nbformat says "Notebook does not appear to be JSON" or names the missing field.
        raise MarkerError(f"{path}: not a notebook ({str(error).splitlines()[0][:200]})") from None


@dataclass(frozen=True)
class Released:
    """One student notebook: where it goes, and whether the file there is up to date."""

    solution: Path
    student: Path
    current: bool


def release(solutions: Path, students: Path, *, check: bool = False) -> list[Released]:
    """Write (or with ``check``, only compare) a student notebook for every solution."""
    sources = sorted(Path(solutions).glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no solution notebooks (*.ipynb) in {solutions}")
    results = []
    for source in sources:
        target = Path(students) / source.name
        solution = read_notebook(source)
        wanted = render(student_notebook(solution, exercise_of(solution, source)))
        current = target.exists() and target.read_bytes() == wanted
        if not check and not current:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(wanted)
        results.append(Released(source, target, current))
    return results


# What the edition holds besides the lessons, the student notebooks and the package: what
# `make lab`, Binder and `pip install` read.
EDITION_FILES = ("CHEATSHEET.md", "Makefile", "requirements.txt", "pyproject.toml",
                 "runtime.txt", "postBuild", "jupyter/overrides.json", ".gitignore")
# The sections of the course's README a learner reads, in order.
README_SECTIONS = ("The course", "Exercises: for learners", "Notation", "Errata in the source")
EDITION_INTRO = """\
# Faster Optimizers: the learner edition

An interactive Jupyter course on the optimizers that beat plain gradient descent. The lessons
are in `notebooks/`, the exercises in `exercises/`, and the [cheat sheet](CHEATSHEET.md)
collects every update rule.

This edition is for graded work. The checks in an exercise notebook run the cases you can
see and name the likely mistake; your instructor grades your notebook on more cases.

**Start.** On your own machine with Python 3.11 and `make`: `make lab`. In a Jupyter that is
already installed (a hub): `pip install .` into the kernel's environment, then open
`notebooks/01_gradient_descent.ipynb`.
"""


def learner_edition(course: Path, out: Path) -> list[Path]:
    """Write the learner edition of the course in ``course`` (the folder that holds
    ``notebooks/`` and ``exercises/solutions/``) into ``out``; return the files written.

    ``out`` must be new or hold nothing but hidden entries (a clone's ``.git``), so that
    nothing of an earlier edition stays in it unseen.
    """
    course, out = Path(course), Path(out)
    missing = [name for name in ("notebooks", "README.md", *EDITION_FILES)
               if not (course / name).exists()]
    if missing:
        raise FileNotFoundError(f"{course} is not the course's folder: it has no "
                                f"{', '.join(missing)}")
    if out.exists() and any(not entry.name.startswith(".") for entry in out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new folder, or one that holds "
                              "only hidden entries such as .git")
    # Everything that can fail on the course's content is done before anything is written.
    readme = learner_readme((course / "README.md").read_text(encoding="utf-8"))
    data = json.dumps(visible_cases.to_data(EXERCISES, SELF_CHECKS), ensure_ascii=False)
    out.mkdir(parents=True, exist_ok=True)
    for lesson in sorted((course / "notebooks").glob("*.ipynb")):
        _copy(lesson, out / "notebooks" / lesson.name)
    release(course / "exercises" / "solutions", out / "exercises")
    for name in EDITION_FILES:
        _copy(course / name, out / name)
    package = out / "course_lib"
    # The running package, the one whose tasks the data comes from.
    shutil.copytree(Path(course_lib.__file__).parent, package, ignore=_left_out)
    (package / "exercises" / visible_cases.DATA.name).write_text(data, encoding="utf-8")
    (out / "README.md").write_text(readme, encoding="utf-8")
    return sorted(path for path in out.rglob("*") if path.is_file() and ".git" not in path.parts)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _left_out(folder: str, names: list[str]) -> set[str]:
    """What ``copytree`` skips: the grader, the task modules (references, hidden-case draws,
    the mistakes' code), and compiled or cached files."""
    where = Path(folder)
    skipped = {name for name in names if name == "__pycache__" or name.endswith(".pyc")}
    if where.name == "course_lib":
        skipped.add("grading")
    if where.name == "tasks" and where.parent.name == "exercises":
        skipped.update(name for name in names if name != "__init__.py")
    return skipped


def learner_readme(readme: str) -> str:
    """The edition's README: an introduction, then the sections of the course's README a
    learner reads (``README_SECTIONS``); ValueError naming a section that is missing."""
    sections = {match.group(1): match.group(0) for match in
                re.finditer(r"^## ([^\n]+)\n.*?(?=^## |\Z)", readme, re.M | re.S)}
    missing = [name for name in README_SECTIONS if name not in sections]
    if missing:
        raise ValueError(f"the README has no section {', '.join(map(repr, missing))}")
    return EDITION_INTRO + "".join(f"\n{sections[name].rstrip()}\n" for name in README_SECTIONS)
