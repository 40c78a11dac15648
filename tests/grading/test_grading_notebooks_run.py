"""The student versions run top to bottom in a real kernel, without an error and with a score
of 0. (The solutions' full marks are checked through the grader, in test_grading_grader.)"""

from pathlib import Path

import pytest

from course_lib.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[2]


def run(path: Path):
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    # The kernel named python3 is this environment's own ipykernel; nothing is registered.
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def outputs(notebook, start):
    """The outputs of the code cells whose source starts with ``start``."""
    return [output for cell in notebook.cells if cell.cell_type == "code"
            and cell.source.startswith(start) for output in cell.outputs]


@pytest.mark.slow
@pytest.mark.parametrize("exercise", list(EXERCISES.values()), ids=lambda e: e.id)
def test_student_version_runs_without_error_and_scores_zero(exercise):
    notebook = run(ROOT / "exercises" / f"{exercise.notebook}.ipynb")
    everything = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in everything if o.output_type == "error"]
    checks = outputs(notebook, "check(")
    assert len(checks) == len(exercise.tasks)
    for output in checks:
        assert "not attempted yet" in output.data["text/plain"]
        assert "Traceback" not in output.data["text/html"]
    (shown,) = outputs(notebook, "score(")
    assert f"score so far 0/{exercise.points}" in shown.data["text/plain"]
    assert f"<b>0/{exercise.points}</b>" in shown.data["text/html"]
    # score() found every stub in the kernel's namespace: none is "not defined".
    assert shown.data["text/plain"].count("not attempted yet") == len(exercise.tasks)
    for output in outputs(notebook, "hint_button("):
        assert "application/vnd.jupyter.widget-view+json" in output.data
        assert "run hint(" in output.data["text/plain"]
