"""Sliders, dropdowns and toggles named after the symbols of the lessons.

Every factory returns a plain ipywidgets control whose ``description`` is the symbol a
learner met in the formula (η, β, ρ, β₁, β₂, ε, κ), so an explorer reads like its equation.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

_STYLE = {"description_width": "initial"}
_LAYOUT = widgets.Layout(width="auto")


def log_slider(description: str, value: float, low: float, high: float,
               steps_per_decade: int = 8) -> widgets.FloatLogSlider:
    """A slider over ``[low, high]`` spaced evenly in log10, for rates and ε."""
    lo, hi = math.log10(low), math.log10(high)
    return widgets.FloatLogSlider(
        value=value, base=10, min=lo, max=hi, step=1 / steps_per_decade,
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


def beta(description: str = "momentum β", value: float = 0.9,
         high: float = 0.999) -> widgets.FloatSlider:
    """β in [0, high]: the allowed range of every decay rate is [0, 1)."""
    return linear_slider(description, value, 0.0, high, 0.01)


def condition_number(value: float = 10.0) -> widgets.FloatLogSlider:
    return log_slider("condition number κ", value, 1.0, 1000.0, steps_per_decade=6)


def steps(value: int = 100, high: int = 400) -> widgets.IntSlider:
    return int_slider("steps", value, 1, high)


def dropdown(description: str, options, value=None) -> widgets.Dropdown:
    options = list(options)
    return widgets.Dropdown(options=options, value=options[0] if value is None else value,
                            description=description, style=_STYLE, layout=_LAYOUT)


def toggle(description: str, value: bool = True) -> widgets.Checkbox:
    return widgets.Checkbox(value=value, description=description, indent=False, layout=_LAYOUT)
