"""Sliders, dropdowns and toggles named after the symbols of the lessons.

Every factory returns a plain ipywidgets control whose ``description`` is the symbol a
learner met in the formula (η, β, ρ, β₁, β₂, ε, κ), so an explorer reads like its equation.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from course_lib.validation import number

_STYLE = {"description_width": "initial"}
_LAYOUT = widgets.Layout(width="auto")


def log_slider(description: str, value: float, low: float, high: float,
               steps_per_decade: int = 8) -> widgets.FloatLogSlider:
    """A slider over ``[low, high]`` spaced evenly in log10, for rates and ε.

    The browser snaps the handle to the nearest stop and sends that back, so a value
    between two stops would be shown and run as its neighbour (0.2 as 0.178). The stops are
    therefore counted from ``value`` itself, ``steps_per_decade`` a decade either way; the
    ends are the outermost stops inside ``[low, high]``.
    """
    low = number(low, f"{description}: low", low=0, low_inclusive=False)
    value = number(value, f"{description}: value", low=low, high=high)
    step = 1 / steps_per_decade
    centre, lo, hi = math.log10(value), math.log10(low), math.log10(high)
    # The small slack keeps a stop that lands on an end up to rounding, such as 10⁻⁴ from 10⁻².
    below = math.floor((centre - lo) * steps_per_decade + 1e-9)
    above = math.floor((hi - centre) * steps_per_decade + 1e-9)
    return widgets.FloatLogSlider(
        value=value, base=10, min=max(lo, centre - below * step),
        max=min(hi, centre + above * step), step=step,
        description=description, readout_format=".2g", style=_STYLE, layout=_LAYOUT,
    )


def linear_slider(description: str, value: float, low: float, high: float, step: float,
                  readout_format: str = ".3g") -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        readout_format=readout_format, style=_STYLE, layout=_LAYOUT,
    )


def int_slider(description: str, value: int, low: int, high: int,
               step: int = 1) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description,
                             style=_STYLE, layout=_LAYOUT)


def learning_rate(value: float = 0.01, low: float = 1e-4,
                  high: float = 2.0) -> widgets.FloatLogSlider:
    return log_slider("learning rate η", value, low, high)


DECAY_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
"""1 − β takes these values times each power of ten: six stops a decade, evenly spread in log."""


def decay_rates(high: float) -> list[float]:
    """The values a decay-rate slider stops at: 0, …, 0.9, 0.93, 0.95, …, up to ``high``.

    They are spaced evenly in log(1 − β), so the slider spends as much travel between 0.99
    and 0.999 (windows of 100 to 1000 steps) as between 0 and 0.9. Each value is rounded to
    the decimal a learner would type, so ``0.999`` is exactly the literal 0.999.
    """
    high = number(high, "high", low=0, high=1, high_inclusive=False)
    rates = {0.0}
    for exponent in range(0, 12):
        for mantissa in DECAY_MANTISSAS:
            gap = mantissa * 10.0 ** -exponent
            rate = float(f"{1 - gap:.12g}")
            if 0 <= rate <= high + 1e-15:
                rates.add(rate)
    return sorted(rates)


def beta(description: str = "momentum β", value: float = 0.9,
         high: float = 0.999) -> widgets.SelectionSlider:
    """A decay rate β in [0, high], on a log scale of 1 − β, showing β.

    Every decay rate lives in [0, 1), and what it means is the window 1/(1 − β): a linear
    slider in steps of 0.01 cannot tell 0.999 from 0.9999. ``value`` itself is always one of
    the stops, even when it falls between two.
    """
    value = number(value, f"{description}: value", low=0, high=high)
    rates = sorted(set(decay_rates(high)) | {float(value)})
    return widgets.SelectionSlider(options=[(f"{rate:g}", rate) for rate in rates],
                                   value=float(value), description=description,
                                   continuous_update=True, style=_STYLE, layout=_LAYOUT)


def condition_number(value: float = 10.0) -> widgets.FloatLogSlider:
    slider = log_slider("condition number κ", value, 1.0, 1000.0, steps_per_decade=6)
    # The page formats with d3: ".2g" shows κ = 100 as "1.0e+2". With no type, d3 formats
    # like "g" with trailing zeros trimmed: four digits show every κ up to 1000 plainly.
    slider.readout_format = ".4"
    return slider


def steps(value: int = 100, high: int = 400) -> widgets.IntSlider:
    return int_slider("steps", value, 1, high)


def dropdown(description: str, options, value=None) -> widgets.Dropdown:
    options = list(options)
    return widgets.Dropdown(options=options, value=options[0] if value is None else value,
                            description=description, style=_STYLE, layout=_LAYOUT)


def toggle(description: str, value: bool = True) -> widgets.Checkbox:
    return widgets.Checkbox(value=value, description=description, indent=False, layout=_LAYOUT)
