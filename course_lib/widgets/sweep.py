"""Drive an explorer through every value of every control, as a restless learner would.

On an explorer with a landscape that includes presses on the landscape (``CLICK``, sent as
the mouse events ipyevents delivers, so the pixel-to-point mapping is part of every move)
and frames of the step player (``PLAY``). The sweep test and the latency benchmark share
this, so the benchmark times exactly the moves the test proves safe.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib.widgets.clicks import pixel_of
from course_lib.widgets.explorer import Explorer, Status

CLICK, PLAY = "press on the landscape", "play the steps"


def control_grid(control: widgets.ValueWidget, points: int = 7) -> list:
    """Values spread over a control's whole range, both ends included."""
    if isinstance(control, widgets.FloatLogSlider):
        exponents = np.linspace(control.min, control.max, points)
        return [float(control.base**e) for e in exponents]
    if isinstance(control, widgets.IntSlider | widgets.IntRangeSlider):
        return sorted({int(round(v)) for v in np.linspace(control.min, control.max, points)})
    if isinstance(control, widgets.FloatSlider):
        return [float(v) for v in np.linspace(control.min, control.max, points)]
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return [not control.value, control.value]
    if isinstance(control, widgets.SelectionSlider):
        values = list(_option_values(control))
        picks = np.linspace(0, len(values) - 1, points).round().astype(int)
        return [values[i] for i in sorted(set(picks))]
    if isinstance(control, widgets.Dropdown | widgets.ToggleButtons | widgets.RadioButtons):
        return list(_option_values(control))
    raise TypeError(f"control must be a slider, checkbox or dropdown, got {type(control).__name__}")


def _option_values(control) -> Iterator:
    for option in control.options:
        yield option[1] if isinstance(option, tuple) else option


@dataclass(frozen=True)
class Move:
    control: str
    value: object
    seconds: float
    status: Status
    picture: bytes


def sweep(explorer: Explorer, points: int = 7) -> Iterator[Move]:
    """Set each control to each value of its grid in turn, then back to where it was; then
    press on the landscape and play the steps, if the explorer has them."""
    for name, control in explorer.controls.items():
        start = control.value
        for value in control_grid(control, points):
            if value == control.value:
                continue  # traitlets fires no event for an unchanged value: nothing to time
            began = time.perf_counter()
            control.value = value
            seconds = time.perf_counter() - began
            yield _move(explorer, name, value, seconds)
        control.value = start
    if explorer.landscape is not None:
        yield from _presses(explorer, points)
        yield from _frames(explorer, points)


def _move(explorer: Explorer, name: str, value, seconds: float) -> Move:
    return Move(name, value, seconds, explorer.last_status, bytes(explorer.figure.image.value))


def press_event(explorer: Explorer, point) -> dict:
    """The mousedown ipyevents sends for a press on ``point`` of the landscape, the figure
    shown at its own size (the browser reports whole CSS pixels)."""
    width, height = explorer.figure.canvas.get_width_height()
    column, row = pixel_of(explorer.landscape.ax, point, height)
    return {"type": "mousedown", "buttons": 1, "relativeX": int(column),
            "relativeY": int(row), "boundingRectWidth": width, "boundingRectHeight": height}


def _presses(explorer: Explorer, points: int) -> Iterator[Move]:
    """Presses on a grid of points inside the window, then back to the default start."""
    (x0, x1), (y0, y1) = explorer.landscape.ax.get_xlim(), explorer.landscape.ax.get_ylim()
    side = max(2, int(np.ceil(np.sqrt(points))))
    fractions = np.linspace(0.1, 0.9, side)
    for fy in fractions:
        for fx in fractions:
            point = (x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
            event = press_event(explorer, point)
            began = time.perf_counter()
            explorer.picker.handle(event)
            seconds = time.perf_counter() - began
            explorer.picker.handle({"type": "mouseup"})
            yield _move(explorer, CLICK, point, seconds)
    explorer.landscape.start.reset(explorer.landscape.problem)
    explorer.refresh()


def _frames(explorer: Explorer, points: int) -> Iterator[Move]:
    """Frames of the player over the whole run, then back to the whole paths."""
    play = explorer.player.play
    for k in sorted({int(round(k)) for k in np.linspace(play.min, play.max, points)}):
        if k == play.value:
            continue
        began = time.perf_counter()
        play.value = k
        seconds = time.perf_counter() - began
        yield _move(explorer, PLAY, k, seconds)
    play.value = play.max
