"""Honest when not running: an explorer with no kernel behind it shows its picture and says so.

Three pages a learner meets without a live explorer, each checked in the page itself:

- a committed lesson, opened as it comes (untrusted, executed without widget state);
- a lesson run, saved, its kernel shut down and the page reloaded (JupyterLab and Notebook 7);
- that saved lesson exported with ``jupyter nbconvert --to html`` and opened offline.

Each must show every explorer's picture, with its alt text and the line "Interactive explorer:
run this cell (with a kernel) to move its controls.", and never controls that do nothing or
"Error displaying widget: model not found". The alt text expected is read from the notebook
file, where the kernel wrote it, not from the page.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import labdriver
import pytest
from test_browser_notebook7 import Notebook7

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "notebooks/02_momentum.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")
WIDGET_SETTINGS = "@jupyter-widgets/jupyterlab-manager:plugin"


def saved_alt_texts(notebook: Path) -> list[str]:
    """The alt text of each explorer's picture, from the text/html part the notebook holds."""
    alts = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code" and "show(" in "".join(cell["source"]):
            page = "".join(cell["outputs"][-1]["data"]["text/html"])
            alts.append(re.search(r'alt="([^"]*)"', page).group(1))
    return alts


def check_pictures(page, notebook: Path, where: str) -> None:
    """Every explorer's output is its picture, the saved alt text and the caption, and no widget."""
    expected = [html.unescape(alt) for alt in saved_alt_texts(notebook)]
    outputs = labdriver.explorer_outputs(page)
    assert len(outputs) == len(expected) > 0, f"{where}: {len(outputs)} explorer outputs"
    for output, alt in zip(outputs, expected, strict=True):
        output.scroll_into_view_if_needed()
        image = output.locator("img")
        image.wait_for(state="visible")
        text = output.text_content() or ""
        assert "Error displaying widget" not in text and "Loading widget" not in text, (where, text)
        caption = output.get_by_text(labdriver.NOT_RUNNING_CAPTION)
        caption.scroll_into_view_if_needed()
        assert caption.is_visible(), f"{where}: no caption under the picture"
        assert image.count() == 1 and image.get_attribute("alt") == alt, where
        assert image.evaluate("img => img.complete && img.naturalWidth > 300"), (
            f"{where}: the picture did not load")
        assert output.locator(".widget-slider, .widget-dropdown, .widget-play").count() == 0, (
            f"{where}: controls shown with no kernel to move")


def test_save_state_is_off_and_the_fallback_extension_is_loaded(lab, page):
    schema = lab.setting(WIDGET_SETTINGS)["schema"]
    assert schema["properties"]["saveState"]["default"] is False
    assert labdriver.WIDGET_FALLBACK in labdriver.federated_extensions(page)
    assert labdriver.activated_plugins(page, labdriver.WIDGET_FALLBACK), "fallback not active"


def test_a_committed_lesson_shows_pictures_that_say_they_are_interactive(page, course):
    labdriver.open_notebook(page, LESSON)
    page.wait_for_timeout(1_500)  # time for the widget manager to give up, if it would
    check_pictures(page, course / LESSON, "the committed lesson")


def test_a_lesson_run_saved_and_reopened_shows_its_pictures(page, lab, course, browser):
    """In JupyterLab, then the same file in Notebook 7; then exported to HTML, offline."""
    copy = "notebooks/reopened_momentum.ipynb"
    (course / copy).write_bytes((course / LESSON).read_bytes())
    labdriver.open_notebook(page, copy)
    assert labdriver.run_all(page)
    labdriver.wait_widgets_rendered(page)
    assert labdriver.explorers(page), "the lesson shows no live explorer once run"
    labdriver.save_notebook(page)
    saved = json.loads((course / copy).read_text(encoding="utf-8"))
    assert "widgets" not in saved["metadata"], "widget state saved with the notebook"
    labdriver.close_notebooks(page, lab)

    labdriver.open_lab(page, lab)  # the page reloaded
    labdriver.open_notebook(page, copy)
    page.wait_for_timeout(1_500)
    check_pictures(page, course / copy, "reopened in JupyterLab")
    assert page.locator(".course-widget-fallback").count() == len(saved_alt_texts(course / copy))

    with Notebook7(JUPYTER, course, course.parent / "notebook7-home") as notebook7:
        context = browser.new_context(viewport=labdriver.VIEWPORT)
        try:
            tab = context.new_page()
            tab.set_default_timeout(90_000)
            tab.goto(notebook7.url(f"notebooks/{copy}"), wait_until="domcontentloaded")
            assert labdriver.wait_for_any_notebook(tab) == copy
            assert labdriver.WIDGET_FALLBACK in labdriver.federated_extensions(tab)
            tab.wait_for_timeout(1_500)
            check_pictures(tab, course / copy, "reopened in Notebook 7")
        finally:
            context.close()

    exported = course / "exported" / "reopened_momentum.html"
    subprocess.run([str(JUPYTER), "nbconvert", "--to", "html", f"--output-dir={exported.parent}",
                    str(course / copy)], check=True, capture_output=True, cwd=course)
    check_export(browser, exported, saved_alt_texts(course / copy))


def check_export(browser, exported: Path, alts: list[str]) -> None:
    """The exported page, opened from disk with every other request refused, shows each
    explorer's picture with its alt text and caption."""
    alts = [html.unescape(alt) for alt in alts]
    page_html = exported.read_text(encoding="utf-8")
    assert page_html.count(labdriver.NOT_RUNNING_CAPTION) == len(alts)
    assert "application/vnd.jupyter.widget-view+json" not in page_html

    context = browser.new_context(viewport=labdriver.VIEWPORT)
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    try:
        context.route(re.compile(r"^(?!file:|data:).*"), refuse)
        tab = context.new_page()
        tab.goto(exported.as_uri(), wait_until="load")
        pictures = tab.locator(".course-explorer-picture img")
        assert [pictures.nth(i).get_attribute("alt") for i in range(pictures.count())] == alts
        for i in range(pictures.count()):
            assert pictures.nth(i).evaluate("img => img.complete && img.naturalWidth > 300")
            assert pictures.nth(i).is_visible()
        assert tab.get_by_text(labdriver.NOT_RUNNING_CAPTION).count() == len(alts)
        assert tab.get_by_text(labdriver.NOT_RUNNING_CAPTION).first.is_visible()
    finally:
        context.close()
