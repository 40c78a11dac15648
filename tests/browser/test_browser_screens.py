"""Every explorer, in JupyterLab and in Notebook 7: drawn at its shown width, safe from stray
keys, named for a screen reader.

One scratch notebook in the served copy shows every registered explorer (one kernel, one
Run All, instead of the eleven lessons). For each explorer:

- at 700, 900 and 1400 px windows, the picture's own width over the screen's pixel ratio
  equals the width the page shows it at, within a few pixels (the kernel drew it for that);
- with a slider (or dropdown) focused, M, R, Y, A, B, D D and Enter change no cell's type
  and add or delete no cell, and the arrow keys move the control's value;
- every slider handle is named by its label and says the value its readout shows
  (``aria-valuetext``), every button has a name, the figure an alt text, and the status line
  is a polite live region.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import labdriver
import pytest

from course_lib.widgets import EXPLORERS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRATCH = "notebooks/explorers_on_screens.ipynb"
WINDOWS = (700, 900, 1400)
STRAY_KEYS = ("m", "r", "y", "a", "b", "d", "d", "Enter")
JUPYTER = Path(sys.executable).with_name("jupyter")
SHOWN_TOLERANCE_PX = 3


def write_scratch_notebook(course: Path) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source}
             for source in ["from course_lib.widgets import show",
                            *(f'show("{name}")' for name in sorted(EXPLORERS))]]
    notebook = {"cells": cells, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}
    (course / SCRATCH).write_text(json.dumps(notebook))
    return SCRATCH


def cells(page) -> list[str]:
    """The type of every cell of the open notebook, in order."""
    return page.evaluate(
        """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
                   return Array.from({length: cells.length}, (_, i) => cells.get(i).type); }""")


def shown_and_drawn(view) -> dict:
    return view.image.evaluate(
        """img => ({shown: img.getBoundingClientRect().width,
                    drawn: img.naturalWidth / window.devicePixelRatio})""")


def wait_drawn_for_shown(view, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        view.image.scroll_into_view_if_needed()
        sizes = shown_and_drawn(view)
        close = abs(sizes["shown"] - sizes["drawn"]) <= SHOWN_TOLERANCE_PX
        if close or time.monotonic() > deadline:
            return sizes
        view.page.wait_for_timeout(100)


def check_widths(page, views, widths=WINDOWS) -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": labdriver.VIEWPORT["height"]})
        for view in views:
            sizes = wait_drawn_for_shown(view)
            assert abs(sizes["shown"] - sizes["drawn"]) <= SHOWN_TOLERANCE_PX, (
                f"{view.name} in a {width} px window: shown {sizes['shown']:.0f} px wide, "
                f"drawn for {sizes['drawn']:.0f}")


def focused_control(view):
    """The first slider's handle, or else the first dropdown: what a learner tabs to."""
    return view.handle(0) if view.sliders.count() else view.dropdowns.first


def control_value(view):
    if view.sliders.count():
        return view.slider_value(0)
    return view.dropdowns.first.evaluate("node => node.selectedIndex")


def check_keys(page, view) -> None:
    before = cells(page)
    control = focused_control(view)
    control.scroll_into_view_if_needed()
    for key in STRAY_KEYS:
        control.focus()
        page.keyboard.press(key)
    assert cells(page) == before, f"{view.name}: a key on a focused control changed the cells"
    if not view.sliders.count():
        page.keyboard.press("Escape")  # Enter opened the dropdown's list: close it
    value = control_value(view)
    arrow = (labdriver.arrow_with_room(view, 0) if view.sliders.count() else "ArrowDown")
    control.focus()
    page.keyboard.press(arrow)
    page.wait_for_timeout(100)
    if control_value(view) == value:  # the last option: the other way
        page.keyboard.press("ArrowUp")
        page.wait_for_timeout(100)
    assert control_value(view) != value, f"{view.name}: the arrow keys did not move the control"
    assert cells(page) == before, f"{view.name}: an arrow key changed the cells"


NAMES = """root => {
    const sliders = [...root.querySelectorAll('.widget-slider')].map(slider => {
        const handle = slider.querySelector('.noUi-handle');
        const readout = slider.querySelector('.widget-readout');
        return {label: slider.querySelector('.widget-label').textContent.trim(),
                shown: readout && readout.offsetParent !== null ? readout.textContent.trim() : null,
                now: handle.getAttribute('aria-valuenow'),
                name: handle.getAttribute('aria-label'),
                valuetext: handle.getAttribute('aria-valuetext')};
    });
    const buttons = [...root.querySelectorAll('button')]
        .filter(button => button.offsetParent !== null)
        .map(button => button.getAttribute('aria-label') || button.textContent.trim());
    const status = root.querySelector('.course-explorer-status');
    return {sliders, buttons, alt: root.querySelector('img.widget-image').getAttribute('alt'),
            live: status && status.getAttribute('aria-live')};
}"""


def check_names(view) -> None:
    found = view.root.evaluate(NAMES)
    for slider in found["sliders"]:
        assert slider["name"] == slider["label"], f"{view.name}: {slider}"
        assert slider["valuetext"] == (slider["shown"] or slider["now"]), f"{view.name}: {slider}"
    assert all(found["buttons"]), f"{view.name}: a button without a name: {found['buttons']}"
    if view.player.count():
        assert {"play", "stop", "next step"} <= set(found["buttons"]), found["buttons"]
    assert found["alt"] and len(found["alt"]) > 20, f"{view.name}: alt text {found['alt']!r}"
    assert found["live"] == "polite", f"{view.name}: the status line is not a live region"


def check_a_value_is_read_as_shown(page, view) -> None:
    """η = 0.1 reads "0.1" (not the exponent −1) after the keyboard moved it."""
    if not view.sliders.count():
        return
    labdriver.press_slider(view, 0, labdriver.arrow_with_room(view, 0))
    page.wait_for_timeout(200)
    check_names(view)


def check_every_explorer(page) -> None:
    assert labdriver.run_all(page), "Run All reported a failure"
    assert not labdriver.error_outputs(page)
    labdriver.wait_widgets_rendered(page)
    views = labdriver.explorers(page)
    assert sorted(view.name for view in views) == sorted(EXPLORERS)
    try:
        check_widths(page, views)
    finally:
        page.set_viewport_size(labdriver.VIEWPORT)
    for view in views:
        check_names(view)
        check_keys(page, view)
        check_a_value_is_read_as_shown(page, view)
    assert not labdriver.page_problems(page)


def test_every_explorer_in_jupyterlab(page, course):
    labdriver.open_notebook(page, write_scratch_notebook(course))
    check_every_explorer(page)


class Notebook7(labdriver.JupyterLab):
    """The same private, token-protected server, started as ``jupyter notebook``."""

    def command(self) -> list[str]:
        lab = super().command()
        return [lab[0], "notebook",
                *["--JupyterNotebookApp.expose_app_in_browser=True" if arg.startswith("--LabApp.")
                  else arg for arg in lab[2:]]]


def test_every_explorer_in_notebook_7(browser, course, tmp_path):
    path = write_scratch_notebook(course)
    with Notebook7(JUPYTER, course, tmp_path / "jupyter-home") as server:
        context = browser.new_context(viewport=labdriver.VIEWPORT)
        try:
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(server.url(f"notebooks/{path}"), wait_until="domcontentloaded")
            assert labdriver.wait_for_any_notebook(page) == path
            check_every_explorer(page)
        finally:
            context.close()
