"""The shape every explorer shares: controls on top, a live figure, a status line below.

An explorer is an ``ipywidgets.VBox``, so a notebook shows it by leaving it as the last
expression of a cell. Moving any control calls :meth:`Explorer.update` with the values of
all controls, by name; ``update`` moves the figure's artists and returns a :class:`Status`.
Tests and benchmarks drive an explorer the same way a learner does: by setting
``explorer.controls[name].value``, by :meth:`Explorer.pick_start` (what a press on the
landscape does) and by ``explorer.player.play.value`` (what the play button moves).

An explorer with a loss landscape passes it (and its loss panel and number of steps) to
``Explorer.__init__``: a press or drag on the landscape then sets the start of every path
(``clicks.StartPicker``) and a player walks the paths step by step (``playback.StepPlayer``).
Its ``update`` reads the start as ``self.landscape.start.picked`` (None: the default).

In the page, ``frontend.ExplorerFrontend`` reports the width the explorer is shown at and the
screen's pixel ratio (the figure is drawn again for them, :meth:`Explorer.show_at`), keeps
stray keys from the notebook's shortcuts and names every control; the figure's alt text is
:meth:`Explorer.describe`, one sentence computed from what the figure shows now.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from course_lib.validation import choice
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.clicks import StartPicker
from course_lib.widgets.frontend import (
    FIGURE_CLASS,
    ROOT_CLASS,
    STATUS_CLASS,
    ExplorerFrontend,
)
from course_lib.widgets.panels import surface_name
from course_lib.widgets.playback import StepPlayer

EXPLORERS: dict[str, Callable[..., Explorer]] = {}

NOT_RUNNING_CAPTION = "Interactive explorer: run this cell (with a kernel) to move its controls."
"""The line under an explorer's picture wherever the live explorer cannot be shown."""

COLUMN_WIDTH = "260px"
"""The narrowest a column of controls gets before the grid wraps to fewer columns."""

TWO_LINES = "calc(2 * var(--jp-widgets-inline-height, 28px))"
"""The height kept for the status line, so a message that wraps moves nothing below it."""

SHOWN_WIDTHS = (200, 4000)
"""CSS pixels: a reported width is held to this range (a collapsed output reports 0)."""


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
        # JupyterLab's theme variables, so the line reads on a light and on a dark page.
        if self.warning:
            return (f'<span style="color:var(--jp-error-color1,#b00020);font-weight:bold">'
                    f'&#9888; {text}</span>')
        return f'<span style="color:var(--jp-ui-font-color1,#333)">{text}</span>'


class Explorer(widgets.VBox):
    """Controls, a :class:`LiveFigure` and a status line, wired together.

    Subclasses build their figure and controls, call ``super().__init__`` and implement
    :meth:`update`. The first update runs at construction, so a new explorer already
    shows its initial state.
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget], figure: LiveFigure,
                 columns: int = 3, landscape=None, losses=None, steps: int | None = None):
        self.controls = controls
        self.figure = figure
        self.status = widgets.HTML(layout=widgets.Layout(min_height=TWO_LINES))
        self.status.add_class(STATUS_CLASS)
        figure.image.add_class(FIGURE_CLASS)
        self.frontend = ExplorerFrontend()
        self.last_status = Status()
        # Columns of at least COLUMN_WIDTH: on a narrow page the controls wrap to fewer.
        width = f"max({COLUMN_WIDTH}, calc((100% - {columns - 1} * 8px) / {columns}))"
        grid = widgets.GridBox(
            list(controls.values()),
            layout=widgets.Layout(grid_template_columns=f"repeat(auto-fill, minmax({width}, 1fr))",
                                  grid_gap="2px 8px"),
        )
        self.landscape = landscape
        self.picker = self.player = None
        rows = [grid]
        if landscape is not None:
            self.picker = StartPicker(figure, landscape.ax, self.pick_start)
            self.player = StepPlayer(steps, landscape, losses, figure.render)
            rows.append(self.player.bar)
        super().__init__(rows + [figure.image, self.status, self.frontend])
        self.add_class(ROOT_CLASS)
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.frontend.observe(self._on_shown, names=["width", "pixel_ratio"])
        self.refresh()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, and for a page that cannot show it, the picture and its caption.

        JupyterLab renders the widget view only for trusted output with a live model. A
        committed lesson (untrusted), GitHub, nbviewer, an HTML export and a saved notebook
        reopened without its kernel (through ``jupyter/labextension``) show the ``text/html``
        part instead: the figure as it was last drawn, with alt text saying what it shows,
        and a caption saying that it is interactive and how to bring it to life.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        picture = base64.b64encode(bytes(self.figure.image.value)).decode("ascii")
        bundle["text/html"] = (
            f'<div class="course-explorer-picture">'
            f'<img src="data:image/jpeg;base64,{picture}" alt="{html.escape(self.describe())}" '
            f'style="max-width:100%;height:auto">'
            f"<p><em>{NOT_RUNNING_CAPTION}</em></p></div>")
        bundle["text/plain"] = f"{self.describe()}\n{NOT_RUNNING_CAPTION}"
        return bundle

    def settings(self) -> str:
        """The values drawn, every control by its label: "learning rate η = 0.015, momentum
        β = 0.9, problem = valley κ = 100; ticked: SGD, Adam; not ticked: RMSprop"."""
        values = [f"{control.description} = {_shown_value(control)}"
                  for control in self.controls.values()
                  if not isinstance(control, widgets.Checkbox)]
        parts = [", ".join(values)] if values else []
        boxes = [control for control in self.controls.values()
                 if isinstance(control, widgets.Checkbox)]
        for ticked, say in ((True, "ticked"), (False, "not ticked")):
            named = [box.description for box in boxes if box.value == ticked]
            if named:
                parts.append(f"{say}: {', '.join(named)}")
        return "; ".join(parts)

    def set(self, **values) -> Explorer:
        """Move controls by name, as a learner would: ``explorer.set(learning_rate=0.1)``."""
        for name in values:
            choice(name, "a control's name", self.controls)
        for name, value in values.items():
            self.controls[name].value = value
        return self

    def pick_start(self, point) -> Status:
        """Start every path at ``point`` (a press on the landscape), and run them again."""
        if self.landscape is None:
            raise ValueError("this explorer has no landscape to pick a start on")
        self.landscape.start.pick(point, self.landscape.problem)
        return self.refresh()

    def refresh(self) -> Status:
        """Recompute from the current control values and publish the new picture."""
        status = self.update(**self.values()) or Status()
        if self.player is not None:
            self.player.show()
        self.figure.render()
        self.last_status = status
        self.status.value = status.to_html()
        self.frontend.alt = self.describe()
        return status

    def update(self, **values) -> Status | None:
        raise NotImplementedError

    def show_at(self, width: float, pixel_ratio: float = 1.0) -> bool:
        """Draw the figure for ``width`` CSS pixels at ``pixel_ratio`` (what the page reports);
        False if it already was. Nothing is computed again: the same artists, a new size."""
        if not self.figure.resize(width, pixel_ratio):
            return False
        self.figure.render()
        return True

    def describe(self) -> str:
        """What the figure shows now, in one sentence: its alt text, live in the page and in
        the picture a page shows when the explorer is not running.

        On a landscape: who walks from where on which surface, the iteration shown and each
        path's loss there, then the panels' titles; elsewhere: the panels and the status line.
        Then every control's value (:meth:`settings`).
        """
        titles = [ax.get_title() for ax in self.figure.axes if ax.get_title()]
        panels = ("panels " + ", ".join(f"“{title}”" for title in titles)) if titles else "a figure"
        if self.landscape is None:
            message = self.last_status.message.strip().rstrip(".")
            shown = f"Explorer with {panels}" + (f": {message}" if message else "")
        else:
            paths = [path for path in self.landscape.paths if path.run is not None]
            step = self.player.step
            x, y = self.landscape.start.marker.get_xydata()[0]
            losses = ", ".join(f"{path.label} {_phrase(path.loss_at(step))}" for path in paths)
            names = " and ".join(path.label for path in paths) or "no optimizer"
            shown = (f"{names} from ({x:.3g}, {y:.3g}) on {surface_name(self.landscape)}, "
                     f"iteration {step} of {self.player.steps}: {losses or 'nothing drawn'}; "
                     f"{panels}")
        settings = self.settings()
        return f"{shown}; {settings}." if settings else f"{shown}."

    def _on_change(self, _change) -> None:
        self.refresh()

    def _on_shown(self, _change) -> None:
        width, ratio = self.frontend.width, self.frontend.pixel_ratio
        if width < 1 or ratio <= 0:
            return  # hidden (a collapsed output): keep the picture as it is
        low, high = SHOWN_WIDTHS
        self.show_at(min(max(width, low), high), ratio)


def _phrase(loss: str) -> str:
    """A path's loss for a sentence: "at loss 0.012", or as it is ("diverged at step 9")."""
    return loss if loss[:1].isalpha() else f"at loss {loss}"

def _shown_value(control: widgets.ValueWidget) -> str:
    """A control's value as its readout shows it: an option's label, a number to 3 digits."""
    if isinstance(control, widgets.Dropdown | widgets.SelectionSlider):
        return str(control.label)
    if isinstance(control.value, float):
        return f"{control.value:.3g}"
    return str(control.value)
