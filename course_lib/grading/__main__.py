"""``python -m course_lib.grading release``, ``… grade``, ``… export`` and ``… return``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.exercises.escaping import terminal_text

from .collecting import collect
from .exports import SYSTEMS, export
from .grader import LEARNER_SECONDS, MAX_NOTEBOOKS_PER_LEARNER, NotTheFullCourse, grade
from .jail import SandboxUnavailable
from .release import MarkerError, learner_edition, release
from .returning import return_feedback
from .sandbox import Limits

# Relative to the folder the command runs in: the course's folder in a checkout. An installed
# wheel holds the library only, so no default inside the package could find the notebooks.
SOLUTIONS = Path("exercises") / "solutions"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading",
                                     description="Release exercise notebooks, grade them, "
                                                 "export the grades and return the feedback.")
    commands = parser.add_subparsers(dest="command", required=True)

    rel = commands.add_parser("release", help="write the student notebooks from the solutions")
    rel.add_argument("--solutions", type=Path, default=SOLUTIONS,
                     help="folder of solution notebooks (default: %(default)s in the current "
                          "folder)")
    rel.add_argument("--out", type=Path, default=None,
                     help="folder for the student notebooks (default: the folder that holds "
                          "--solutions)")
    rel.add_argument("--check", action="store_true",
                     help="write nothing; fail if a student notebook is missing or out of date")
    rel.add_argument("--learner-edition", type=Path, default=None, metavar="DIR",
                     help="instead, write into the new folder DIR what learners get for graded "
                          "work: the lessons, the student notebooks and the course package, "
                          "with no solution, reference answer or hidden case (the course is "
                          "the folder that holds exercises/solutions)")

    gra = commands.add_parser("grade", help="grade submitted notebooks")
    gra.add_argument("submissions", nargs="+", type=Path,
                     help="folders of submissions (a sub-folder or a notebook per learner), "
                          "or notebooks")
    gra.add_argument("--out", type=Path, required=True,
                     help="folder for grades.csv and feedback/")
    gra.add_argument("--seed", type=int, default=None,
                     help="seed of the hidden cases (default: a new random one, printed)")
    gra.add_argument("--cell-timeout", type=float, default=Limits.cell_seconds,
                     help="seconds per cell and per call of a learner's function "
                          "(default: %(default)s)")
    gra.add_argument("--timeout", type=float, default=Limits.total_seconds,
                     help="seconds per submission in total (default: %(default)s)")
    gra.add_argument("--max-notebooks-per-learner", type=int, default=MAX_NOTEBOOKS_PER_LEARNER,
                     help="notebooks graded per learner at most; the rest are listed as not "
                          "graded (default: %(default)s)")
    gra.add_argument("--learner-timeout", type=float, default=LEARNER_SECONDS,
                     help="seconds one learner's notebooks may run in all; a notebook that "
                          "would start later is not run (default: %(default)s)")
    gra.add_argument("--jobs", type=int, default=2,
                     help="submissions graded at the same time (default: %(default)s)")
    gra.add_argument("--solutions", type=Path, default=None,
                     help="solution notebooks to compare submissions with, to note copies "
                          "(default: exercises/solutions in the current folder, if any)")
    gra.add_argument("--unsafe", action="store_true",
                     help="run submissions without the bubblewrap sandbox, as this user, "
                          "seeing its files, environment and network")
    gra.add_argument("--partial-credit", action="store_true",
                     help="a task earns its points x the share of its cases passed (default: "
                          "all or nothing)")
    gra.add_argument("--exercises", default=None, metavar="ex02,ex06",
                     help="the exercises assigned: only they count in out_of, and one not "
                          "handed in earns 0 (default: every exercise handed in)")

    exp = commands.add_parser("export", help="write grades.csv in an LMS's import format")
    exp.add_argument("graded", type=Path, help="the folder grade wrote (--out)")
    exp.add_argument("--to", required=True, choices=SYSTEMS, help="the LMS")
    exp.add_argument("--roster", type=Path, default=None,
                     help="a CSV of the class exported from that LMS, to match learners by id")

    ret = commands.add_parser("return", help="copy each learner's feedback beside their work")
    ret.add_argument("graded", type=Path, help="the folder grade wrote (--out)")
    ret.add_argument("submissions", type=Path, help="the folder of submissions graded")

    col = commands.add_parser("collect", help="copy each hub user's exercise notebooks out of "
                                              "their home, for grade")
    col.add_argument("--from-homes", type=Path, required=True, metavar="ROOT",
                     help="the folder of the users' homes (/home on The Littlest JupyterHub)")
    col.add_argument("--out", type=Path, required=True,
                     help="a new or empty folder: one sub-folder per user")

    args = parser.parse_args(argv)
    if args.command == "collect":
        try:
            for done in collect(args.from_homes, args.out):
                print(terminal_text(str(done)))
        except (OSError, ValueError) as error:
            print(terminal_text(f"error: {error}"), file=sys.stderr)
            return 2
        return 0
    if args.command == "release":
        return _release(args)
    if args.command in ("export", "return"):
        try:
            return _export(args) if args.command == "export" else _return(args)
        except (OSError, ValueError, KeyError) as error:
            print(terminal_text(f"error: {error}"), file=sys.stderr)
            return 2
    if args.unsafe:
        print("warning: --unsafe: submissions run without a sandbox and can read and change "
              "whatever this user can", file=sys.stderr)
    try:
        limits = Limits(cell_seconds=args.cell_timeout, total_seconds=args.timeout)
        grade(args.submissions, args.out, seed=args.seed, limits=limits, jobs=args.jobs,
              unsafe=args.unsafe, partial_credit=args.partial_credit,
              exercises=args.exercises, solutions=args.solutions,
              max_notebooks=args.max_notebooks_per_learner,
              learner_seconds=args.learner_timeout, log=print)
    except SandboxUnavailable as error:
        print(f"error: no sandbox to grade in: {error}. Install bubblewrap, or give --unsafe "
              "to grade without a sandbox (only for submissions you trust)", file=sys.stderr)
        return 2
    except (OSError, ValueError, TypeError, NotTheFullCourse) as error:
        print(terminal_text(f"error: {error}"), file=sys.stderr)
        return 2
    return 0


def _export(args) -> int:
    folder, unmatched = export(args.graded, args.to, args.roster)
    for line in unmatched:
        print(terminal_text(f"unmatched: {line}"))
    print(terminal_text(f"wrote {folder}" + (f" ({len(unmatched)} unmatched, listed in "
                                               f"{folder / 'unmatched.txt'})"
                                               if args.roster else "")))
    return 0


def _return(args) -> int:
    for returned in return_feedback(args.graded, args.submissions):
        print(terminal_text(str(returned)))
    return 0


def _release(args) -> int:
    if not args.solutions.is_dir():
        print(f"error: no folder {args.solutions.resolve()}: run this in the course's folder "
              "(the one that holds exercises/solutions), or give --solutions", file=sys.stderr)
        return 2
    if args.learner_edition is not None:
        return _release_learner_edition(args)
    out = args.out if args.out is not None else args.solutions.absolute().parent
    try:
        results = release(args.solutions, out, check=args.check)
    except (FileNotFoundError, MarkerError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stale = [r for r in results if not r.current]
    if args.check:
        for r in stale:
            print(f"out of date: {r.student} (run: python -m course_lib.grading release)")
        if not stale:
            print(f"all {len(results)} student notebooks are up to date")
        return 1 if stale else 0
    for r in results:
        print(f"{'unchanged' if r.current else 'wrote'}: {r.student}")
    return 0


def _release_learner_edition(args) -> int:
    if args.check or args.out is not None:
        print("error: --learner-edition writes a whole folder of its own; give it without "
              "--check and --out", file=sys.stderr)
        return 2
    course = args.solutions.absolute().parent.parent
    try:
        written = learner_edition(course, args.learner_edition)
    except (OSError, ValueError) as error:
        print(terminal_text(f"error: {error}"), file=sys.stderr)
        return 2
    print(f"wrote the learner edition: {len(written)} files in {args.learner_edition}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
