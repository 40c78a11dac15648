"""The figure drawn for the width the page shows it at: size, stacking, font sizes, alt text.

Oracles: the pixel count the page needs (width × pixel ratio, decoded from the JPEG itself),
the panels' boxes in the drawn figure, and every text's size converted to CSS pixels
(points × dpi / 72, divided by the pixel ratio), against the 10 px floor (9 px in legends).
"""

from __future__ import annotations

import io

import pytest
from matplotlib.legend import Legend
from matplotlib.text import Text
from PIL import Image

from course_lib.widgets import EXPLORERS, show
from course_lib.widgets.canvas import MIN_PANEL_WIDTH, STACK_BELOW
from course_lib.widgets.clicks import data_point, pixel_of

WIDTHS = (600, 700, 900, 1400)


def jpeg_size(picture: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(picture)).size


@pytest.mark.parametrize(("width", "ratio"), [(600, 1.0), (733, 1.25), (900, 2.0), (1400, 1.5)])
def test_the_picture_has_width_times_pixel_ratio_pixels(width, ratio):
    explorer = show("momentum")
    assert explorer.show_at(width, ratio)
    drawn_width, drawn_height = jpeg_size(bytes(explorer.figure.image.value))
    assert drawn_width == round(width * ratio)
    assert drawn_height == explorer.figure.canvas.get_width_height()[1]


def test_the_same_size_again_draws_nothing():
    explorer = show("gradient_descent")
    explorer.show_at(800, 2.0)
    picture = bytes(explorer.figure.image.value)
    assert not explorer.show_at(800, 2.0)
    assert bytes(explorer.figure.image.value) == picture


def test_the_page_report_redraws_and_a_hidden_output_is_ignored():
    explorer = show("adam")
    explorer.frontend.width, explorer.frontend.pixel_ratio = 640, 2.0
    assert jpeg_size(bytes(explorer.figure.image.value))[0] == 1280
    explorer.frontend.width = 0  # a collapsed output reports no width
    assert jpeg_size(bytes(explorer.figure.image.value))[0] == 1280


def _row_major(boxes) -> bool:
    """Side by side: left to right, sharing their vertical extent."""
    return all(a.x1 <= b.x0 and a.y0 < b.y1 and b.y0 < a.y1
               for a, b in zip(boxes, boxes[1:], strict=False))


def _stacked(boxes) -> bool:
    """One under the other, in reading order, sharing their horizontal extent."""
    return all(a.y0 >= b.y1 and a.x0 < b.x1 and b.x0 < a.x1
               for a, b in zip(boxes, boxes[1:], strict=False))


@pytest.mark.parametrize("name", ["momentum", "race"])
def test_panels_stack_below_the_breakpoint(name):
    explorer = show(name)
    panels = len(explorer.figure.axes)
    breakpoint_width = max(STACK_BELOW, panels * MIN_PANEL_WIDTH)
    for width, stacked in ((breakpoint_width - 10, True), (breakpoint_width + 10, False),
                           (1400, False), (600, True)):
        explorer.show_at(width)
        boxes = [ax.get_position() for ax in explorer.figure.axes]
        assert explorer.figure.stacked is stacked
        assert (_stacked if stacked else _row_major)(boxes), (name, width, boxes)


def test_a_press_maps_to_the_landscape_at_every_width():
    """The pixel-to-point mapping follows the figure: stacked, side by side, at 2× pixels."""
    explorer = show("momentum")
    point = (-3.0, 1.5)
    for width, ratio, shown_scale in ((600, 1.0, 1.0), (1400, 2.0, 0.5), (700, 1.0, 0.8)):
        explorer.show_at(width, ratio)
        drawn_width, height = explorer.figure.canvas.get_width_height()
        column, row = pixel_of(explorer.landscape.ax, point, height)
        event = {"relativeX": column * shown_scale - 0.5, "relativeY": row * shown_scale - 0.5,
                 "boundingRectWidth": drawn_width * shown_scale,
                 "boundingRectHeight": height * shown_scale}
        x, y = data_point(explorer.figure, explorer.landscape.ax, event)
        (x0, x1), (y0, y1) = explorer.landscape.ax.get_xlim(), explorer.landscape.ax.get_ylim()
        pixel = explorer.landscape.ax.bbox
        assert abs(x - point[0]) <= (x1 - x0) / pixel.width
        assert abs(y - point[1]) <= (y1 - y0) / pixel.height


def css_sizes(explorer) -> list[tuple[float, str, bool]]:
    """Every drawn text's size in CSS pixels, its string, and whether it is in a legend."""
    figure = explorer.figure
    legend_texts = {id(text) for legend in figure.figure.findobj(Legend)
                    for text in legend.get_texts()}
    found = []
    for text in figure.figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if not text.get_window_extent().overlaps(figure.figure.bbox):
            continue  # a tick label matplotlib keeps outside the axes and never draws
        pixels = text.get_size() * figure.figure.dpi / 72 / figure.pixel_ratio
        found.append((pixels, text.get_text(), id(text) in legend_texts))
    return found


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_no_text_below_ten_css_pixels_at_any_width(name):
    explorer = show(name)
    for width in WIDTHS:
        explorer.show_at(width, 2.0 if width == 900 else 1.0)
        texts = css_sizes(explorer)
        assert texts, f"{name}: no text found at {width} px"
        small = [(round(px, 2), text) for px, text, legend in texts if px < (9 if legend else 10)]
        assert not small, f"{name} at {width} CSS px: texts below the floor {small}"


def test_the_alt_text_says_what_the_figure_shows_now():
    explorer = show("momentum")
    first = explorer.frontend.alt
    assert first == explorer.describe()
    assert "SGD and Momentum" in first and "valley κ = 100" in first
    explorer.pick_start((2.0, -1.5))
    assert "from (2, -1.5)" in explorer.frontend.alt
    explorer.set(learning_rate=1.0)
    diverged = explorer.frontend.alt
    run = explorer.paths["Momentum"].run
    assert run.diverged and f"Momentum diverged at step {run.diverged_at}" in diverged
    explorer.player.play.value = 5
    assert "iteration 5 of 200" in explorer.describe()


def test_the_alt_text_of_an_explorer_without_landscape_follows_its_status():
    explorer = show("sparsity")
    before = explorer.frontend.alt
    assert explorer.last_status.message.rstrip(".") in before
    explorer.set(**{name: control.options[-1] for name, control in explorer.controls.items()
                    if hasattr(control, "options")})
    assert explorer.frontend.alt != before
    assert explorer.last_status.message.rstrip(".") in explorer.frontend.alt
