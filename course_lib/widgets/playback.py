"""Play the steps: walk every path of a landscape one iteration at a time.

An ``ipywidgets.Play`` counts k from 0 to n in the browser (play, pause, stop, repeat), a
slider linked to it in the page scrubs or steps with the arrow keys, and a "step" button
adds one. Each k draws the first k steps of every path and of every loss curve, rings the
point each optimizer has reached and prints "iteration k / n" with the losses there. Nothing
is computed again: the runs are the ones the last control move drew, so a frame costs one
blit. At k = n the whole runs show, as before anyone pressed play.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import ipywidgets as widgets

from course_lib.validation import integer
from course_lib.widgets.panels import LossPanel

FRAME_MS = 80
"""Time between two frames while playing: the kernel draws one in 5-15 ms."""

FRAMES = 150
"""A whole run plays in about this many frames (12 s), however many steps it has."""


class StepPlayer:
    """Play / pause / step through the paths of ``landscape`` (and ``losses``), k = 0 … ``steps``.

    The readout also says where the paths start, so a learner who pressed on the landscape
    reads the point in numbers.
    """

    def __init__(self, steps: int, landscape, losses: LossPanel | None,
                 render: Callable[[], object]):
        self.landscape = landscape
        self.paths = landscape.paths
        self.losses = losses
        self.render = render
        self.play = widgets.Play(value=steps, min=0, max=steps, interval=FRAME_MS,
                                 description="play the steps", show_repeat=False,
                                 layout=widgets.Layout(width="auto"))
        self.scrubber = widgets.IntSlider(value=steps, min=0, max=steps, readout=False,
                                          description="iteration k",
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="220px"))
        # Linked in the page, so the slider follows the play without a trip to the kernel.
        self._link = widgets.jslink((self.play, "value"), (self.scrubber, "value"))
        # The tooltip is the button's accessible name (frontend.py): "next step", not "step ▸".
        self.forward = widgets.Button(description="step ▸", tooltip="next step",
                                      layout=widgets.Layout(width="auto"))
        # Two lines kept, and a basis wide enough to wrap by the page's width, not by the
        # text: a readout that grows a "diverged" line does not move the figure under it.
        self.readout = widgets.HTML(layout=widgets.Layout(
            flex="1 1 320px", min_height="calc(2 * var(--jp-widgets-inline-height, 28px))"))
        self.bar = widgets.HBox([self.play, self.forward, self.scrubber, self.readout],
                                layout=widgets.Layout(flex_flow="row wrap",
                                                      align_items="center"))
        self._quiet = False
        self.set_steps(steps)
        self.play.observe(self._on_step, names="value")
        self.play.observe(self._on_playing, names="playing")
        self.forward.on_click(self._step_forward)

    @property
    def steps(self) -> int:
        return self.play.max

    @property
    def step(self) -> int:
        return self.play.value

    def set_steps(self, steps: int) -> None:
        """A new n: a player that showed the whole runs keeps showing them."""
        steps = integer(steps, "steps", low=1)
        at_end = self.play.value >= self.play.max
        self._quiet = True
        try:
            self.play.step = max(1, math.ceil(steps / FRAMES))
            for control in (self.play, self.scrubber):
                control.max = steps
            if at_end or self.play.value > steps:
                self.play.value = steps
        finally:
            self._quiet = False

    def show(self) -> None:
        """Draw frame k on the artists (after the runs changed, or k did)."""
        k = self.step
        shown = None if k >= self.steps else k
        for path in self.paths:
            path.until(shown)
        if self.losses is not None:
            self.losses.until(shown)
        losses = ", ".join(f"{path.label} {path.loss_at(k)}" for path in self.paths
                           if path.run is not None)
        x, y = (float(v) for v in self.landscape.start.marker.get_xydata()[0])
        # The tooltip holds the start to full precision, for whoever wants the exact point.
        self.readout.value = (f'<span class="start" title="({x!r}, {y!r})">start ({x:.4g}, '
                              f'{y:.4g})</span> · ' + html.escape(f"iteration {k} / {self.steps}"
                                                                  f" · loss: {losses}"))

    def _on_step(self, _change) -> None:
        if self._quiet:
            return  # set_steps runs inside an explorer's update, which draws the frame itself
        self.show()
        self.render()

    def _step_forward(self, _button) -> None:
        # The player opens on the whole runs (k = n); from there a step starts the walk again,
        # at iteration 1, as ▶ starts again at 0.
        self.play.value = 1 if self.step >= self.steps else self.step + 1

    def _on_playing(self, change) -> None:
        # ▶ adds ``play.step`` per frame and pauses when that would pass n, so it stopped at
        # 198 of 199 (step 2), and pressing it again stopped at once: the last frame is n.
        if not change["new"] and self.steps - self.play.step < self.step < self.steps:
            self.play.value = self.steps
