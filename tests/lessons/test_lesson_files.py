"""The committed lessons are what the README promises: executed, tagged for nbval, linked."""

import json
import pathlib
import re

import pytest

from course_lib.widgets import EXPLORERS

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell):
    return "".join(cell["source"])


def test_there_are_eleven_lessons_numbered_in_order():
    assert [p.name[:2] for p in LESSONS] == [f"{n:02d}" for n in range(1, 12)]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_is_committed_executed_top_to_bottom(path):
    counts = [cell.get("execution_count") for cell in _cells(path) if cell["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "re-execute the lesson top to bottom"
    assert "widgets" not in json.loads(path.read_text(encoding="utf-8"))["metadata"], \
        "store no widget state (nbconvert --ExecutePreprocessor.store_widget_state=False)"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_explorer_cell_is_ignored_by_nbval(path):
    for cell in _cells(path):
        if cell["cell_type"] == "code" and "show(" in _source(cell):
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), _source(cell)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_relative_links_point_to_files_that_exist(path):
    for cell in _cells(path):
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)\)", _source(cell)):
            assert (path.parent / target).resolve().is_file(), f"{path.name} links to {target}"


def test_every_registered_explorer_appears_in_a_lesson():
    shown = set()
    for path in LESSONS:
        for cell in _cells(path):
            shown.update(re.findall(r"show\(\s*[\"'](\w+)[\"']", _source(cell)))
    assert shown == set(EXPLORERS)


def test_every_self_check_task_is_asked_in_its_lesson_and_nothing_else_is():
    from course_lib.exercises.tasks import SELF_CHECKS

    asked = {}
    for path in LESSONS:
        for cell in _cells(path):
            for task_id, name in re.findall(r'check\("(lesson\d\d\.q\d+)", (\w+)\)', _source(cell)):
                assert task_id.startswith(f"lesson{path.name[:2]}."), (path.name, task_id)
                assert f"def {name}():" in _source(cell), (path.name, task_id)
                asked[task_id] = name
    expected = {task.id: task.answer_name for tasks in SELF_CHECKS.values() for task in tasks}
    assert asked == expected


NOT_RUNNING_CAPTION = "Interactive explorer: run this cell (with a kernel) to move its controls."


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_committed_explorer_shows_its_picture_and_says_it_is_interactive(path):
    """What a page without the live explorer shows (README, "A saved notebook without a
    kernel"): a JPEG of the figure with alt text naming the explorer's controls, and the line."""
    import base64
    import html
    import io

    from PIL import Image

    explorers = 0
    for cell in _cells(path):
        if cell["cell_type"] != "code" or "show(" not in _source(cell):
            continue
        explorers += 1
        (output,) = cell["outputs"]
        data = output["data"]
        assert set(data) == {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"}
        page = "".join(data["text/html"])
        picture = re.search(r'<img src="data:image/jpeg;base64,([^"]+)" alt="([^"]+)"', page)
        assert picture, page[:200]
        image = Image.open(io.BytesIO(base64.b64decode(picture.group(1))))
        assert image.format == "JPEG" and image.width >= 600, image
        alt = html.unescape(picture.group(2))
        name = re.search(r"show\(\s*[\"'](\w+)[\"']", _source(cell)).group(1)
        for control in EXPLORERS[name]().controls.values():
            assert control.description in alt, (name, control.description, alt)
        assert alt.endswith(".") and "\n" not in alt
        assert f"<p><em>{NOT_RUNNING_CAPTION}</em></p>" in page
        assert NOT_RUNNING_CAPTION in "".join(data["text/plain"])
    assert explorers, f"{path.name} shows no explorer"
