"""Drive an explorer through every value of every control, as a restless learner would.

The sweep test and the latency benchmark share this, so the benchmark times exactly the
moves the test proves safe.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from course_lib.widgets.explorer import Explorer, Status


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
    """Set each control to each value of its grid in turn, then back to where it was."""
    for name, control in explorer.controls.items():
        start = control.value
        for value in control_grid(control, points):
            if value == control.value:
                continue  # traitlets fires no event for an unchanged value: nothing to time
            began = time.perf_counter()
            control.value = value
            seconds = time.perf_counter() - began
            picture = bytes(explorer.figure.image.value)
            yield Move(name, value, seconds, explorer.last_status, picture)
        control.value = start
