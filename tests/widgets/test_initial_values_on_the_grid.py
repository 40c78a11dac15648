"""Every control opens on a stop of its own grid, so the browser shows and runs the value asked for.

A slider's page view (noUiSlider, in ipywidgets 8) snaps its handle to ``min + k · step``
as it is drawn and sends the snapped value back to the kernel. A value off that grid is
shown as, and run at, its neighbour: Adam's η = 0.2 came back as 0.178, so the picture
committed in the lesson was not the one the live explorer drew.
"""

import inspect
import math

import ipywidgets as widgets
import pytest

from course_lib.widgets import EXPLORERS, controls


def as_the_browser_draws_it(control):
    """The value the page's slider sends back once drawn, computed as its code does:
    the handle goes to the stop nearest the value (for a log slider, nearest
    log(value) / log(base), clamped to [min, max]), and the value is read back from it."""
    if isinstance(control, widgets.FloatLogSlider):
        position = min(max(math.log(control.value) / math.log(control.base), control.min),
                       control.max)
        stop = control.min + round((position - control.min) / control.step) * control.step
        return control.base ** stop
    if isinstance(control, widgets.FloatSlider | widgets.IntSlider):
        position = min(max(control.value, control.min), control.max)
        return control.min + round((position - control.min) / control.step) * control.step
    return control.value


def readout(control, value) -> str:
    return format(value, getattr(control, "readout_format", "")) if isinstance(
        value, float) else str(value)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_control_shows_and_runs_the_value_the_explorer_was_built_with(name):
    explorer = EXPLORERS[name]()
    defaults = {parameter.name: parameter.default for parameter
                in inspect.signature(EXPLORERS[name]).parameters.values()}
    for control_name, control in explorer.controls.items():
        asked = defaults.get(control_name)
        if isinstance(asked, int | float) and not isinstance(asked, bool):
            assert control.value == asked, (name, control_name)
        drawn = as_the_browser_draws_it(control)
        assert readout(control, drawn) == readout(control, control.value), (name, control_name)
        if isinstance(drawn, float):
            # What comes back is the value itself, but for the last bit of float arithmetic.
            assert math.isclose(drawn, control.value, rel_tol=1e-12), (name, control_name, drawn)
        else:
            assert drawn == control.value, (name, control_name)


@pytest.mark.parametrize("value", [0.2, 0.015, 0.05, 0.03, 1.0, 3e-4])
def test_a_log_slider_has_a_stop_at_its_value_and_stays_within_its_range(value):
    slider = controls.log_slider("η", value, 1e-4, 1.0)
    assert math.isclose(as_the_browser_draws_it(slider), value, rel_tol=1e-12)
    assert 1e-4 <= 10**slider.min * (1 + 1e-12) and 10**slider.max <= 1.0 * (1 + 1e-12)
    # Within one stop of each end: the range is the one asked for, cut to the grid.
    assert slider.min - math.log10(1e-4) < slider.step and -slider.max < slider.step


def test_a_value_already_on_the_decade_grid_keeps_the_ends_asked_for():
    slider = controls.log_slider("η", 0.01, 1e-4, 1.0)
    assert (slider.min, slider.max, slider.step) == (-4.0, 0.0, 0.125)


def test_a_value_outside_the_range_is_refused_by_name():
    refused = r"learning rate η: value must be a number in \[0.001, 1\], got 2.0"
    with pytest.raises(ValueError, match=refused):
        controls.learning_rate(2.0, 1e-3, 1.0)
