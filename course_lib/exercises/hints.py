"""Hints that open one at a time: a button in Jupyter, ``hint(task_id)`` anywhere.

Both share one counter per task, so a hint opened with the button is not shown
again by ``hint`` and the other way round.
"""

from __future__ import annotations

import html

from .display import in_kernel, show_rich
from .grader_flag import inside_grader
from .tasks import get_task

_opened: dict[str, int] = {}


def open_next_hint(task_id: str) -> tuple[int, int, str] | None:
    """Open the next hint of a task: (its number, how many there are, its text), or None."""
    hints = get_task(task_id).hints
    opened = _opened.get(task_id, 0)
    if opened == len(hints):
        return None
    _opened[task_id] = opened + 1
    return opened + 1, len(hints), hints[opened]


def opened_hints(task_id: str) -> list[str]:
    """The hints of a task opened so far, in order."""
    return list(get_task(task_id).hints[: _opened.get(task_id, 0)])


def hint(task_id: str) -> None:
    """Show the next hint for a task; once all are open, show them all again."""
    if inside_grader():
        return
    opened = open_next_hint(task_id)
    if opened is not None:
        number, count, text = opened
        message = f"Hint {number}/{count} for {task_id}: {text}"
        show_rich(message, f"<div><b>Hint {number}/{count}</b>: {html.escape(text)}</div>")
        return
    every = opened_hints(task_id)
    lines = "\n".join(f"{n}. {text}" for n, text in enumerate(every, 1))
    show_rich(f"No more hints for {task_id}; here they all are again:\n{lines}",
              "<div>No more hints; here they all are again:<ol>"
              + "".join(f"<li>{html.escape(text)}</li>" for text in every) + "</ol></div>")


def hint_box(task_id: str):
    """The hint widget for a task: a button "Show a hint (1/3)" above the hints opened so far."""
    import ipywidgets as widgets

    count = len(get_task(task_id).hints)
    shown = widgets.VBox([_hint_widget(n, count, text)
                          for n, text in enumerate(opened_hints(task_id), 1)])
    button = widgets.Button(layout=widgets.Layout(width="auto"))

    def label_button():
        opened = len(opened_hints(task_id))
        button.disabled = opened == count
        button.description = ("No more hints" if opened == count
                              else f"Show a hint ({opened + 1}/{count})")

    def on_click(_button):
        opened = open_next_hint(task_id)
        if opened is not None:
            shown.children = (*shown.children, _hint_widget(*opened))
        label_button()

    label_button()
    button.on_click(on_click)
    return widgets.VBox([button, shown])


def _hint_widget(number: int, count: int, text: str):
    import ipywidgets as widgets

    return widgets.HTML(f"<b>Hint {number}/{count}</b>: {html.escape(text)}")


def hint_button(task_id: str) -> None:
    """Show the hint button for a task; where widgets cannot show, say how to call ``hint``."""
    if inside_grader():
        return
    fallback = (f'Hints for {task_id}: run hint("{task_id}") to open them one at a time '
                f"({len(get_task(task_id).hints)} in all).")
    if not in_kernel():
        print(fallback)
        return
    from IPython.display import display

    box = hint_box(task_id)
    display({"text/plain": fallback,
             "application/vnd.jupyter.widget-view+json": {
                 "version_major": 2, "version_minor": 0, "model_id": box.model_id}},
            raw=True)
