"""Lesson 11: AdamW against Adam with L2, and warmup + cosine decay for Adam's first steps."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from course_lib.plots import beyond
from course_lib.plots.colors import LOOKS
from course_lib.plots.counting import counted
from course_lib.plots.legends import LEGEND_FONTSIZE
from course_lib.widgets import controls
from course_lib.widgets.canvas import LiveFigure
from course_lib.widgets.explorer import Explorer, Status, register

MAX_WARMUP = 100
_REFERENCE_RATE = 0.01
"""Adam's steps divided by the peak rate do not depend on the rate (ε aside): one η serves all."""


def _key(value: float) -> float:
    """Slider values rounded, so a value reached twice hits the cache."""
    return float(f"{value:.10g}")


@lru_cache(maxsize=512)
def decay_runs(weight_decay: float,
               learning_rate: float) -> tuple[beyond.DecayRun, beyond.DecayRun]:
    """(Adam + L2, AdamW) on the noisy weights, for the weight decay λ and the rate η."""
    return (beyond.adam_with_l2(weight_decay, learning_rate),
            beyond.adamw(weight_decay, learning_rate))


@lru_cache(maxsize=256)
def warmup_curves(warmup_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The schedule η(t)/η and Adam's mean step / η under it, per step, for this warmup."""
    schedule = beyond.warmup_cosine(_REFERENCE_RATE, warmup_steps)
    ratio = schedule(np.arange(beyond.STEPS)) / _REFERENCE_RATE
    return ratio, beyond.adam_step_sizes(schedule) / _REFERENCE_RATE


class BeyondExplorer(Explorer):
    """λ and η for the weight-decay comparison; the warmup length for the schedule panel."""

    def __init__(self, weight_decay: float = 1.0, learning_rate: float = 0.01,
                 warmup_steps: int = 20):
        live = LiveFigure(figsize=(12.5, 4.6), ncols=2)
        decay_ax, warmup_ax = live.axes
        self.lines = beyond.draw_decay(decay_ax, *decay_runs(_key(weight_decay),
                                                             _key(learning_rate)),
                                       weight_decay, learning_rate)
        decay_ax.set_title("Adam + L2 against AdamW: how fast do the weights shrink?")

        steps = np.arange(1, beyond.STEPS + 1)
        warmup_ax.set_xlim(0, beyond.STEPS)
        warmup_ax.set_ylim(0, 1.05)
        warmup_ax.set_autoscale_on(False)
        warmup_ax.plot(steps, beyond.adam_step_sizes(_REFERENCE_RATE) / _REFERENCE_RATE,
                       color="#9a9a9a", linestyle=":", linewidth=1.6,
                       label="Adam's mean step, constant η")
        (self.schedule,) = warmup_ax.plot([], [], color="k", linestyle="--", linewidth=1.4,
                                          label="η(t) / η: warmup + cosine")
        (self.steps,) = warmup_ax.plot([], [], color=LOOKS["Adam"].color, linewidth=1.8,
                                       label="Adam's mean step under the schedule")
        warmup_ax.set_xlabel("step")
        warmup_ax.set_ylabel("in units of the peak rate η")
        warmup_ax.set_title("warmup + cosine decay, and Adam's step on noisy gradients")
        warmup_ax.grid(True, alpha=0.3)
        # One key under both panels: inside either it would cover curves at some λ, η or warmup.
        live.figure.legend(handles=[*self.lines.values(), *warmup_ax.get_lines()],
                           loc="outside lower center", ncols=4, fontsize=LEGEND_FONTSIZE,
                           frameon=False)
        live.animate(*self.lines.values(), self.schedule, self.steps)
        self.step_axis = steps
        super().__init__(
            {
                "weight_decay": controls.log_slider("weight decay λ", weight_decay, 0.01, 3.0),
                "learning_rate": controls.learning_rate(learning_rate, 1e-3, 0.1),
                "warmup_steps": controls.int_slider("warmup steps", warmup_steps, 0, MAX_WARMUP),
            },
            live,
        )

    def update(self, weight_decay, learning_rate, warmup_steps):
        weight_decay, learning_rate = _key(weight_decay), _key(learning_rate)
        with_l2, decoupled = decay_runs(weight_decay, learning_rate)
        k = np.arange(beyond.STEPS + 1)
        pure = (1 - learning_rate * weight_decay) ** k
        for role, sizes in (("l2 busy", with_l2.busy), ("l2 quiet", with_l2.quiet),
                            ("w busy", decoupled.busy), ("w quiet", decoupled.quiet),
                            ("pure", pure)):
            self.lines[role].set_data(k, sizes)

        ratio, adam_steps = warmup_curves(int(warmup_steps))
        self.schedule.set_data(self.step_axis, ratio)
        self.steps.set_data(self.step_axis, adam_steps)

        end = beyond.STEPS
        largest = int(np.argmax(adam_steps))
        return Status(
            f"after {end} steps the weights keep, of their start: AdamW busy "
            f"{decoupled.busy[-1]:.2f}, quiet {decoupled.quiet[-1]:.2f} (pure decay "
            f"(1 − ηλ)^{end} = {pure[-1]:.2f}); Adam + L2 busy {with_l2.busy[-1]:.2f}, quiet "
            f"{with_l2.quiet[-1]:.2f}. With {counted(int(warmup_steps), 'warmup step')}, "
            f"Adam's largest mean step is {adam_steps[largest]:.2f} η, at step {largest + 1} "
            f"(without warmup: {warmup_curves(0)[1][0]:.2f} η, at step 1)")


@register("beyond")
def beyond_explorer(**initial) -> BeyondExplorer:
    """The lesson-11 explorer: λ and η for AdamW against Adam + L2, and the warmup length."""
    return BeyondExplorer(**initial)
