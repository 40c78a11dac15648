"""How long the instructor's grader takes for a class: thirty submissions, two at a time.

    .venv/bin/python benchmarks/grading.py [--submissions 30] [--jobs 2]

Makes a class of submissions from the exercise notebooks — complete solutions, untouched
student versions, and half-done ones (some tasks still stubs) — spread over the seven
exercises, grades them all with the default limits, and prints a Markdown table.
Goal: thirty submissions in 60 s or less on two cores.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import tempfile
import time

import numpy as np

from course_lib.grading.grader import grade

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0


def half_done(solution: dict, student: dict, rng: np.random.Generator) -> dict:
    """The solution with a random half of its answer cells put back to the student's stubs."""
    stubs = {cell["id"]: cell for cell in student["cells"]}
    answers = [i for i, cell in enumerate(solution["cells"])
               if "### BEGIN SOLUTION" in "".join(cell["source"])]
    for index in rng.choice(answers, size=len(answers) // 2, replace=False):
        solution["cells"][index] = stubs[solution["cells"][index]["id"]]
    return solution


def make_class(folder: pathlib.Path, count: int) -> None:
    rng = np.random.default_rng(0)
    solutions = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))
    for number in range(count):
        source = solutions[number % len(solutions)]
        solution = json.loads(source.read_text())
        student = json.loads((ROOT / "exercises" / source.name).read_text())
        kind = number % 3
        notebook = solution if kind == 0 else student if kind == 1 else half_done(
            solution, student, rng)
        target = folder / f"learner{number // len(solutions):02d}" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder, out = pathlib.Path(scratch) / "submitted", pathlib.Path(scratch) / "graded"
        make_class(folder, args.submissions)
        began = time.perf_counter()
        grades = grade([folder], out, seed=1, jobs=args.jobs)
        total = time.perf_counter() - began
    graded = [item for learner in grades for item in learner.notebooks]
    per_submission = [item.execution.seconds for item in graded]
    print("| submissions | jobs | total (s) | per submission, median (s) | slowest (s) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    verdict = "within" if total <= GOAL_SECONDS else "OVER"
    print(f"| {len(graded)} | {args.jobs} | **{total:.1f}** ({verdict} the {GOAL_SECONDS:.0f} s "
          f"goal) | {statistics.median(per_submission):.2f} | {max(per_submission):.2f} |")


if __name__ == "__main__":
    main()
