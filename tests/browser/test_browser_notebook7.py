"""The explorers are plain ipywidgets: lesson 2 runs in Jupyter Notebook 7 as in JupyterLab.

A Notebook 7 server of the project's venv serves a throw-away copy of the course; Chromium opens
lesson 2 in Notebook 7's own notebook page, runs it all, and every explorer must render and
redraw when its first slider is dragged. Notebook 7 reads the same settings override as JupyterLab,
so the comms-over-subshells fix is in force there too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import labdriver
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "notebooks/02_momentum.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")


class Notebook7(labdriver.JupyterLab):
    """The same private, token-protected server, started as ``jupyter notebook``."""

    def command(self) -> list[str]:
        lab = super().command()
        assert lab[1] == "lab" and "--LabApp.expose_app_in_browser=True" in lab
        return [lab[0], "notebook",
                *["--JupyterNotebookApp.expose_app_in_browser=True" if arg.startswith("--LabApp.")
                  else arg for arg in lab[2:]]]


@pytest.fixture
def notebook7(course, tmp_path):
    with Notebook7(JUPYTER, course, tmp_path / "jupyter-home") as server:
        yield server


def test_lesson_two_runs_and_answers_in_notebook_7(notebook7, browser):
    status = notebook7.api("api/status")
    assert "started" in status
    schema = notebook7.setting(labdriver.KERNELS_SETTINGS)["schema"]
    assert schema["properties"]["commsOverSubshells"]["default"] == "disabled"

    context = browser.new_context(viewport=labdriver.VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(notebook7.url(f"notebooks/{LESSON}"), wait_until="domcontentloaded")
        assert labdriver.wait_for_any_notebook(page) == LESSON
        assert page.evaluate("() => window.jupyterapp.name") == "Jupyter Notebook"
        assert labdriver.WIDGET_MANAGER in labdriver.federated_extensions(page)

        assert labdriver.run_all(page), f"{LESSON}: Run All reported a failure in Notebook 7"
        assert not labdriver.error_outputs(page)
        assert not labdriver.unexecuted_code_cells(page)
        labdriver.wait_widgets_rendered(page)
        assert not labdriver.page_problems(page)
        views = labdriver.explorers(page)
        assert views, f"{LESSON} shows no explorer in Notebook 7"
        for view in views:
            check_first_control_redraws(view)
        assert not labdriver.error_outputs(page)
    finally:
        context.close()


def check_first_control_redraws(view: labdriver.ExplorerView) -> None:
    """The mouse drags the first slider (or picks another option of the first dropdown), and
    the figure follows. The mouse, because Notebook 7 (7.6 here) takes the arrow keys pressed
    on a slider's handle for itself: they move the notebook's cell selection instead."""
    before = labdriver.wait_settled(view)
    if not view.sliders.count():
        choice = labdriver.choose_next_option(view, 0)
        assert labdriver.wait_src_change(view, before), f"{view.name}: {choice!r} drew nothing"
        return
    value = view.slider_value(0)
    labdriver.drag_slider(view, 0)
    assert labdriver.wait_src_change(view, before), f"{view.name}: a drag drew nothing"
    labdriver.wait_settled(view, quiet_s=0.6)
    assert view.slider_value(0) != value, f"{view.name}: the drag did not move the first slider"
