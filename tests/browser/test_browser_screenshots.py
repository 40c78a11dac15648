"""Screenshots of every lesson's first explorer at three window widths, light and dark.

    .venv/bin/python -m pytest tests/browser/test_browser_screenshots.py

writes ``artifacts/screenshots/NN_name_{700,900,1400}.png`` and ``…_dark.png`` (JupyterLab's
default layout, file browser open, 900 px high), in one JupyterLab session: each lesson is
run from the top through its first explorer, which is then framed at the top of the page.
"""

from __future__ import annotations

import labdriver
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (700, 900, 1400)


@pytest.mark.parametrize("lesson", labdriver.lessons(), ids=lambda path: path.stem)
def test_screenshots_of_the_first_explorer(lesson, page, screenshots):
    labdriver.open_notebook(page, f"notebooks/{lesson.name}")
    labdriver.run_through_first_explorer(page)
    labdriver.wait_widgets_rendered(page)
    view = labdriver.explorers(page)[0]
    saved = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": labdriver.VIEWPORT["height"]})
            labdriver.wait_settled(view)
            for theme, suffix in ((labdriver.LIGHT_THEME, ""), (labdriver.DARK_THEME, "_dark")):
                with labdriver.theme(page, theme):
                    labdriver.frame_explorer(view)
                    target = screenshots / f"{lesson.stem}_{width}{suffix}.png"
                    page.screenshot(path=str(target))
                    saved.append(target)
    finally:
        page.set_viewport_size(labdriver.VIEWPORT)
    for target in saved:
        assert target.stat().st_size > 10_000, f"{target.name} is (nearly) empty"
