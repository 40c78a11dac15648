"""In the page: a press on a landscape restarts the paths there, a drag moves them, play walks.

For each lesson whose explorer draws a loss landscape: run it, then press the mouse on the
landscape at a chosen point of the surface, placed with the same figure built in this
process (its axes give the pixel of the point; the page gives where that pixel is displayed).
The readout must then name that point as the start within the width of two displayed
pixels, the picture must show the start dot under the mouse and a redrawn landscape. A drag
must carry the start along, and the play button must advance the iteration count and the
picture, and stop when pressed again.
"""

from __future__ import annotations

import io
import re

import labdriver
import numpy as np
import pytest
from PIL import Image

from course_lib.widgets import EXPLORERS, show
from course_lib.widgets.clicks import pixel_of

pytestmark = pytest.mark.browser

TOUCHABLE = {name for name, factory in EXPLORERS.items() if factory().landscape is not None}
SHOWN = re.compile(r"show\(\s*\\?[\"']([^\"'\\]+)")


def _landscape_lessons():
    lessons = []
    for lesson in labdriver.lessons():
        if TOUCHABLE & set(SHOWN.findall(lesson.read_text())):
            lessons.append(lesson)
    return lessons


def _start(view) -> tuple[float, float]:
    """The start the readout names, to full precision (its tooltip)."""
    found = re.search(r"start \(([-\d.e+]+), ([-\d.e+]+)\)", view.readout())
    assert found, f"{view.name}: the readout names no start: {view.readout()!r}"
    exact = view.player.locator(".widget-html .start").get_attribute("title")
    x, y = (float(v) for v in exact.strip("()").split(","))
    assert (f"{x:.4g}", f"{y:.4g}") == found.groups()
    return x, y


def _iteration(view) -> int:
    found = re.search(r"iteration (\d+) / (\d+)", view.readout())
    assert found, f"{view.name}: the readout names no iteration: {view.readout()!r}"
    return int(found.group(1))


def _landscape_pixels(picture: bytes, reference) -> np.ndarray:
    """The landscape's part of a JPEG, as a float array."""
    box = reference.landscape.ax.bbox
    height = reference.figure.canvas.get_width_height()[1]
    pixels = np.asarray(Image.open(io.BytesIO(picture)).convert("RGB"), dtype=float)
    return pixels[int(height - box.y1):int(height - box.y0), int(box.x0):int(box.x1)]


def _difference(a: bytes, b: bytes, reference) -> float:
    return float(np.abs(_landscape_pixels(a, reference) - _landscape_pixels(b, reference)).mean())


def _point(reference, fx: float, fy: float) -> tuple[float, float]:
    (x0, x1), (y0, y1) = reference.landscape.ax.get_xlim(), reference.landscape.ax.get_ylim()
    return x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)


def _tolerance(view, reference) -> tuple[float, float]:
    """Two displayed pixels in data units: the page rounds the mouse to whole CSS pixels."""
    (x0, x1), (y0, y1) = reference.landscape.ax.get_xlim(), reference.landscape.ax.get_ylim()
    box = reference.landscape.ax.bbox
    scale = view.displayed_scale()
    return 2 * (x1 - x0) / (box.width * scale), 2 * (y1 - y0) / (box.height * scale)


def _page_point(view, reference, point) -> tuple[float, float]:
    height = reference.figure.canvas.get_width_height()[1]
    return view.page_position(*pixel_of(reference.landscape.ax, point, height))


@pytest.mark.slow
@pytest.mark.parametrize("lesson", _landscape_lessons(), ids=lambda path: path.stem)
def test_press_drag_and_play_on_the_landscape(lesson, page):
    labdriver.open_notebook(page, f"notebooks/{lesson.name}")
    assert labdriver.run_all(page), f"{lesson.name}: Run All reported a failure"
    labdriver.wait_widgets_rendered(page)
    views = [view for view in labdriver.explorers(page) if view.name in TOUCHABLE]
    assert views, f"{lesson.name}: no explorer with a landscape on the page"
    for view in views:
        assert view.player.count() == 1, f"{view.name}: no step player"
        reference = show(view.name)
        # The page had the figure drawn for its own width: the reference is drawn the same.
        labdriver.wait_settled(view, quiet_s=1.0)
        natural, ratio = view.image.evaluate(
            "img => [[img.naturalWidth, img.naturalHeight], window.devicePixelRatio]")
        reference.show_at(natural[0] / ratio, ratio)
        assert tuple(natural) == reference.figure.canvas.get_width_height()
        check_press(view, reference)
        check_drag(view, reference)
        check_play(view)
    assert not labdriver.error_outputs(page)
    assert not labdriver.page_problems(page)


def check_press(view, reference) -> None:
    before = labdriver.wait_settled(view)
    picture_before = view.picture()
    target = _point(reference, 0.3, 0.7)
    view.page.mouse.click(*_page_point(view, reference, target))
    assert labdriver.wait_src_change(view, before), f"{view.name}: a press drew nothing"
    labdriver.wait_settled(view)
    start = _start(view)
    dx, dy = _tolerance(view, reference)
    assert abs(start[0] - target[0]) <= dx and abs(start[1] - target[1]) <= dy, (
        f"{view.name}: pressed at {target}, the paths start at {start}")
    # The picture shows it: the white start dot under the mouse, and the landscape redrawn.
    picture = view.picture()
    height = reference.figure.canvas.get_width_height()[1]
    column, row = (int(round(v)) for v in pixel_of(reference.landscape.ax, start, height))
    pixels = np.asarray(Image.open(io.BytesIO(picture)).convert("RGB"), dtype=float)
    assert pixels[row - 1:row + 2, column - 1:column + 2].mean() > 200, (
        f"{view.name}: no start dot where the mouse was pressed")
    assert _difference(picture, picture_before, reference) > 0.5, (
        f"{view.name}: the landscape looks as it did before the press")


def check_drag(view, reference) -> None:
    before = labdriver.wait_settled(view)
    first, last = _point(reference, 0.25, 0.25), _point(reference, 0.7, 0.45)
    mouse = view.page.mouse
    mouse.move(*_page_point(view, reference, first))
    mouse.down()
    mouse.move(*_page_point(view, reference, last), steps=10)
    view.page.wait_for_timeout(300)
    mouse.up()
    assert labdriver.wait_src_change(view, before), f"{view.name}: a drag drew nothing"
    labdriver.wait_settled(view, quiet_s=0.6)
    start = _start(view)
    dx, dy = _tolerance(view, reference)
    assert abs(start[0] - last[0]) <= dx and abs(start[1] - last[1]) <= dy, (
        f"{view.name}: dragged to {last}, the paths start at {start}")


def check_play(view) -> None:
    labdriver.wait_settled(view)
    button = view.play_button()
    button.scroll_into_view_if_needed()
    button.click()
    # Pressed at the last iteration, the player starts again from 0 and counts up.
    view.page.wait_for_function(
        """node => {
            const found = /iteration (\\d+) \\/ (\\d+)/.exec(node.textContent);
            return found && Number(found[1]) > 0 && Number(found[1]) < Number(found[2]);
        }""",
        arg=view.player.locator(".widget-html").last.element_handle(), timeout=10_000)
    first, src = _iteration(view), view.src()
    view.page.wait_for_timeout(600)
    assert _iteration(view) > first, f"{view.name}: play did not advance the iteration"
    assert view.src() != src, f"{view.name}: play did not redraw the figure"
    button.click()
    view.page.wait_for_timeout(400)
    paused = _iteration(view)
    view.page.wait_for_timeout(500)
    assert _iteration(view) == paused, f"{view.name}: the second press did not pause"
