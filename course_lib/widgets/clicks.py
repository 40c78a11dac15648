"""Pick a start point by pressing (or dragging) the mouse on a landscape.

The figure reaches the page as a JPEG in an ``ipywidgets.Image``; ``ipyevents`` reports where
the mouse went down on it, in CSS pixels from the image's top-left corner (``relativeX``,
``relativeY``) together with the size the image is displayed at (``boundingRectWidth``,
``boundingRectHeight``), which is smaller than the figure's own size whenever the notebook is
narrower than the figure. So a press becomes a point of the loss landscape in two exact steps:

1. scale the CSS pixel to the figure's pixel grid, taking the centre of the pixel pressed:
   ``column = (relativeX + ½) · width / boundingRectWidth`` (likewise for rows);
2. turn the row upside down (Agg counts display pixels from the bottom) and invert the axes'
   data transform, the same transform that drew the picture.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from ipyevents import Event
from matplotlib.axes import Axes

from course_lib.widgets.canvas import LiveFigure

DRAG_INTERVAL_MS = 40
"""While the button is held, at most one move every this many milliseconds reaches the kernel."""


def data_point(live: LiveFigure, ax: Axes, event: dict) -> tuple[float, float] | None:
    """The point of ``ax`` under a mouse ``event`` from ipyevents, or None outside the axes."""
    width, height = live.canvas.get_width_height()
    shown_width = float(event.get("boundingRectWidth") or width)
    shown_height = float(event.get("boundingRectHeight") or height)
    column = (float(event["relativeX"]) + 0.5) * width / shown_width
    row = (float(event["relativeY"]) + 0.5) * height / shown_height
    return point_at_pixel(ax, column, row, height)


def point_at_pixel(ax: Axes, column: float, row: float, height: int) -> tuple[float, float] | None:
    """The data point at figure pixel (``column``, ``row``), rows counted from the top."""
    display = (column, height - row)
    if not ax.bbox.contains(*display):
        return None
    x, y = ax.transData.inverted().transform(display)
    return float(x), float(y)


def pixel_of(ax: Axes, point, height: int) -> tuple[float, float]:
    """Where data ``point`` lands in the figure, as (column, row) from the top-left corner."""
    x, y = ax.transData.transform(np.asarray(point, dtype=float))
    return float(x), float(height - y)


class StartPicker:
    """Calls ``on_pick(point)`` when the mouse is pressed, or dragged, on ``ax`` in the figure.

    Moves are only watched while the button is down, so a mouse passing over the figure
    sends nothing to the kernel.
    """

    PRESS = ["mousedown", "mouseup", "mouseleave"]

    def __init__(self, live: LiveFigure, ax: Axes, on_pick: Callable[[tuple[float, float]], None]):
        self.live = live
        self.ax = ax
        self.on_pick = on_pick
        # prevent_default_action stops the browser from dragging a copy of the picture.
        self.events = Event(source=live.image, watched_events=list(self.PRESS),
                            prevent_default_action=True, throttle_or_debounce="throttle",
                            wait=DRAG_INTERVAL_MS)
        self.events.on_dom_event(self.handle)

    def handle(self, event: dict) -> None:
        kind = event.get("type")
        if kind in ("mouseup", "mouseleave"):
            self._watch_moves(False)
            return
        if kind == "mousemove" and not int(event.get("buttons", 0)) & 1:
            self._watch_moves(False)
            return
        if kind not in ("mousedown", "mousemove"):
            return
        point = data_point(self.live, self.ax, event)
        if point is None:
            return
        if kind == "mousedown":
            self._watch_moves(True)
        self.on_pick(point)

    def _watch_moves(self, on: bool) -> None:
        wanted = self.PRESS + (["mousemove"] if on else [])
        if self.events.watched_events != wanted:
            self.events.watched_events = wanted
