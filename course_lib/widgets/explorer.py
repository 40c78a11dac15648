"""The shape every explorer shares: controls on top, a live figure, a status line below.

An explorer is an ``ipywidgets.VBox``, so a notebook shows it by leaving it as the last
expression of a cell. Moving any control calls :meth:`Explorer.update` with the values of
all controls, by name; ``update`` moves the figure's artists and returns a :class:`Status`.
Tests and benchmarks drive an explorer the same way a learner does: by setting
``explorer.controls[name].value``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from course_lib.widgets.canvas import LiveFigure

EXPLORERS: dict[str, Callable[..., Explorer]] = {}


def register(name: str):
    """Add an explorer factory to ``EXPLORERS`` under ``name`` (used as a decorator)."""

    def decorate(factory):
        if name in EXPLORERS:
            raise ValueError(f"an explorer named {name!r} is already registered")
        EXPLORERS[name] = factory
        return factory

    return decorate


@dataclass(frozen=True)
class Status:
    """What the line under the figure says: a plain message, or a warning such as 'diverged'."""

    message: str = ""
    warning: bool = False

    def to_html(self) -> str:
        text = html.escape(self.message)
        if self.warning:
            return f'<span style="color:#b00020;font-weight:bold">&#9888; {text}</span>'
        return f'<span style="color:#333">{text}</span>'


class Explorer(widgets.VBox):
    """Controls, a :class:`LiveFigure` and a status line, wired together.

    Subclasses build their figure and controls, call ``super().__init__`` and implement
    :meth:`update`. The first update runs at construction, so a new explorer already
    shows its initial state.
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget], figure: LiveFigure,
                 columns: int = 3):
        self.controls = controls
        self.figure = figure
        self.status = widgets.HTML()
        self.last_status = Status()
        grid = widgets.GridBox(
            list(controls.values()),
            layout=widgets.Layout(grid_template_columns=f"repeat({columns}, minmax(0, 1fr))"),
        )
        super().__init__([grid, figure.image, self.status])
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values) -> Explorer:
        """Move controls by name, as a learner would: ``explorer.set(learning_rate=0.1)``."""
        for name in values:
            if name not in self.controls:
                raise ValueError(f"{name!r} is not a control of this explorer; "
                                 f"its controls are {sorted(self.controls)}")
        for name, value in values.items():
            self.controls[name].value = value
        return self

    def refresh(self) -> Status:
        """Recompute from the current control values and publish the new picture."""
        status = self.update(**self.values()) or Status()
        self.figure.render()
        self.last_status = status
        self.status.value = status.to_html()
        return status

    def update(self, **values) -> Status | None:
        raise NotImplementedError

    def _on_change(self, _change) -> None:
        self.refresh()
