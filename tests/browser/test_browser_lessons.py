"""Every lesson, run in a real JupyterLab the way a learner runs it.

For each ``notebooks/NN_*.ipynb``: open it, Run All, and require no error output, no
traceback and no widget that failed to display. Screenshots of the first explorer as it
first appears go to ``artifacts/screenshots/NN_name.png`` (JupyterLab's light theme) and
``NN_name_dark.png`` (its dark theme). Then every explorer must
answer its controls: arrow keys on each slider's handle, and a mouse drag of the first
one, must each replace the figure, which must then stop changing (an explorer with no
slider must redraw for another option of its first dropdown).
"""

from __future__ import annotations

import labdriver
import pytest

pytestmark = pytest.mark.browser


def test_the_course_has_lessons():
    assert labdriver.lessons(), "no notebooks/NN_*.ipynb: the browser suite would test nothing"


def test_the_comms_override_is_in_effect(lab):
    """make venv installs jupyter/overrides.json; the running server must serve its value."""
    schema = lab.setting(labdriver.KERNELS_SETTINGS)["schema"]
    assert schema["properties"]["commsOverSubshells"]["default"] == "disabled"


def test_the_widget_extension_is_loaded(page):
    assert labdriver.WIDGET_MANAGER in labdriver.federated_extensions(page)
    assert labdriver.activated_plugins(page, labdriver.WIDGET_MANAGER), "widget manager not active"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", labdriver.lessons(), ids=lambda path: path.stem)
def test_lesson_runs_and_its_explorers_answer(lesson, page, lab, screenshots):
    path = f"notebooks/{lesson.name}"
    labdriver.open_notebook(page, path)
    finished = labdriver.run_all(page)

    errors = labdriver.error_outputs(page)
    assert not errors, f"{path} raised: {errors}"
    assert finished, f"{path}: Run All reported a failure"
    skipped = labdriver.unexecuted_code_cells(page)
    assert not skipped, f"{path}: code cells {skipped} did not run"

    labdriver.wait_widgets_rendered(page)
    problems = labdriver.page_problems(page)
    assert not problems, f"{path}: {problems}"

    views = labdriver.explorers(page)
    assert views, f"{path} shows no explorer (a VBox of controls above a widget Image)"
    # The picture a learner meets: the first explorer as Run All left it.
    labdriver.frame_explorer(views[0])
    page.screenshot(path=str(screenshots / f"{lesson.stem}.png"))
    with labdriver.theme(page, labdriver.DARK_THEME):
        labdriver.frame_explorer(views[0])
        page.screenshot(path=str(screenshots / f"{lesson.stem}_dark.png"))

    for view in views:
        assert view.sliders.count() or view.dropdowns.count(), f"{view.name} has no control"
        check_sliders_by_keyboard(view)
        if view.sliders.count():
            check_drag(view)
        else:
            check_dropdown(view)
    problems = labdriver.page_problems(page)
    assert not problems, f"{path}: moving the controls broke an output: {problems}"
    errors = labdriver.error_outputs(page)
    assert not errors, f"{path}: moving the controls added an error output: {errors}"


# One arrow key can leave the picture as it was (one more step after a run has already
# diverged draws the same path), so a slider gets a few presses to show that it redraws.
PRESSES_PER_SLIDER = 3


def check_sliders_by_keyboard(view: labdriver.ExplorerView) -> None:
    """Each slider, focused by its handle, answers the arrow keys with a new figure."""
    before_src = labdriver.wait_settled(view)
    for index in range(view.sliders.count()):
        label, before_value = view.slider_label(index), view.slider_value(index)
        key = labdriver.arrow_with_room(view, index)
        for _ in range(PRESSES_PER_SLIDER):
            labdriver.press_slider(view, index, key)
            if labdriver.wait_src_change(view, before_src, timeout_ms=3_000):
                break
        after_value = view.slider_value(index)
        assert after_value != before_value, f"{view.name}: {key} did not move {label}"
        assert view.src() != before_src, (
            f"{view.name}: {key} moved {label} from {before_value:g} to {after_value:g}, "
            "but the figure did not change")
        before_src = labdriver.wait_settled(view)


def check_drag(view: labdriver.ExplorerView) -> None:
    """The mouse drags the first slider's handle; the figure follows, then settles."""
    label = view.slider_label(0)
    before_src, before_value = labdriver.wait_settled(view), view.slider_value(0)
    labdriver.drag_slider(view, 0)
    drew = labdriver.wait_src_change(view, before_src)
    assert drew, f"{view.name}: a drag of {label} drew nothing"
    labdriver.wait_settled(view, quiet_s=0.6)
    assert view.slider_value(0) != before_value, f"{view.name}: the drag did not move {label}"


def check_dropdown(view: labdriver.ExplorerView) -> None:
    """An explorer without sliders: another option of its first dropdown redraws the figure."""
    before_src = labdriver.wait_settled(view)
    choice = labdriver.choose_next_option(view, 0)
    assert labdriver.wait_src_change(view, before_src), (
        f"{view.name}: choosing {choice!r} did not change the figure")
    labdriver.wait_settled(view)
