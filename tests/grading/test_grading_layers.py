"""The learner's side and the instructor's grader stay apart: a learner's kernel, whether its
notebook says ``course_lib.exercises`` or the old ``course_lib.grading``, loads no grader."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "course_lib" / "exercises"
# Every module of the grader, read from the folder so that a new one is covered too.
GRADER_MODULES = tuple(sorted(path.stem for path in (ROOT / "course_lib" / "grading").glob("*.py")
                              if path.stem != "__init__"))

# A learner's kernel: the notebook's import line, then a check on a correct and a wrong answer.
KERNEL = """
import sys
{import_line}
def terminal_velocity(grad, learning_rate, momentum):
    return -learning_rate * grad / (1 - momentum)
check("ex02.q2", terminal_velocity)
check("ex02.q2", lambda grad, learning_rate, momentum: learning_rate * grad)
print(sorted(name for name in sys.modules if name.startswith("course_lib")))
"""


def loaded_modules(import_line: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", KERNEL.format(import_line=import_line)],
                          capture_output=True, text=True, cwd=ROOT, check=True, timeout=120)
    lines = done.stdout.strip().splitlines()
    # The checks ran: one passed, one failed, before the modules were listed.
    assert "✓" in lines[0] and any("✗" in line for line in lines[1:])
    return ast.literal_eval(lines[-1])


def test_the_exercise_side_loads_nothing_of_course_lib_grading():
    loaded = loaded_modules("from course_lib.exercises import check, hint, hint_button, score")
    assert "course_lib.exercises.checks" in loaded
    assert [name for name in loaded if name.startswith("course_lib.grading")] == []


def test_the_old_notebooks_import_line_still_loads_no_grader_module():
    loaded = loaded_modules("from course_lib.grading import check, hint, hint_button, score")
    assert "course_lib.grading" in loaded
    assert [name for name in loaded if name.startswith("course_lib.grading.")] == []
    grader = {f"course_lib.grading.{name}" for name in GRADER_MODULES}
    assert grader.isdisjoint(loaded)


def imported_names(path: Path, root: Path = ROOT) -> list[str]:
    """Every module ``path`` (a file under ``root``) imports, relative imports made absolute."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names += [module, *(f"{module}.{alias.name}" for alias in node.names)]
    return names


def grader_imports(path: Path, root: Path = ROOT) -> list[str]:
    return [name for name in imported_names(path, root)
            if name == "course_lib.grading" or name.startswith("course_lib.grading.")]


@pytest.mark.parametrize("path", sorted(EXERCISES.rglob("*.py")),
                         ids=lambda p: p.relative_to(EXERCISES).as_posix())
def test_no_exercise_module_imports_the_grader(path):
    assert grader_imports(path) == []


@pytest.mark.parametrize("line", ["from ...grading import grader", "from ... import grading",
                                  "import course_lib.grading.sandbox",
                                  "from course_lib.grading.results import Graded"])
def test_the_scan_catches_an_import_of_the_grader_however_written(tmp_path, line):
    planted = tmp_path / "course_lib" / "exercises" / "tasks" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(f"{line}\n")
    assert grader_imports(planted, tmp_path) != []
    planted.write_text("from ..spec import Task\nfrom . import draw\n")
    assert grader_imports(planted, tmp_path) == []
