"""Check your set-up: the versions this kernel runs, and one tiny live widget.

Lesson 1 opens with ``setup_check.check()``, so that a learner, or the helper walking round a
workshop, sees in a few seconds whether the explorers of the course can work here:

* the versions of Python and of the packages the course uses, read in the kernel, with the
  interpreter's path (a kernel of another environment shows up at once);
* a slider whose label the kernel rewrites on every move, n → n²: the slider showing means the
  front end renders ipywidgets, the label changing means the kernel answers it;
* what to do when either does not happen, printed as plain text so that it shows even where
  widgets do not.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata

import ipywidgets

# The distributions a lesson needs in the kernel; jupyterlab_widgets is the front end's half
# of ipywidgets, which JupyterLab and Notebook 7 load from the server's environment.
PACKAGES = ("faster-optimizers", "numpy", "matplotlib", "ipywidgets", "jupyterlab_widgets",
            "ipykernel")

# vscode-jupyter#17504: VS Code draws nothing for ipywidgets 8.1.9, where 8.1.8 renders.
VSCODE_BROKEN_IPYWIDGETS = "8.1.9"

ADVICE = f"""\
Below this text there should be a slider. Move it: the label next to it must follow (n → n²).
  No slider, or a line like "HBox(children=...)" instead:
    • JupyterLab or Notebook 7: the widget front end is missing from the server's environment.
      Start the course with `make lab`, or `pip install "ipywidgets>=8.1,<9"` in the environment
      that runs `jupyter lab`, then reload the page.
    • VS Code: ipywidgets {VSCODE_BROKEN_IPYWIDGETS} shows no widget (vscode-jupyter#17504); run
      `pip install "ipywidgets==8.1.8"` in this kernel's environment and restart the kernel.
    • GitHub, nbviewer and other static views never show live widgets: open the notebook in
      JupyterLab.
  The slider moves but the label stays: the kernel is busy or gone; Kernel → Restart Kernel,
  then run this cell again."""


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution`` in this kernel, or "not installed"."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Python and every package in :data:`PACKAGES`, name → version, as this kernel sees them."""
    found = {"python": platform.python_version()}
    found.update((name, installed_version(name)) for name in PACKAGES)
    return found


def report() -> str:
    """The versions, the interpreter's path, and what to do when widgets do not show."""
    rows = [f"  {name:<20} {version}" for name, version in versions().items()]
    return "\n".join(["This kernel runs:", *rows, f"  {'interpreter':<20} {sys.executable}", "",
                      ADVICE])


def square_label(n: int) -> str:
    return f"{n} → {n}² = {n * n}"


def live_widget() -> ipywidgets.HBox:
    """A slider and a label the kernel rewrites on each move: rendering and comms in one look."""
    slider = ipywidgets.IntSlider(value=3, min=0, max=10, description="n",
                                  continuous_update=True)
    label = ipywidgets.Label(square_label(slider.value))

    def follow(change) -> None:
        label.value = square_label(change["new"])

    slider.observe(follow, names="value")
    return ipywidgets.HBox([slider, label])


def check() -> ipywidgets.HBox:
    """Print :func:`report` and return the live widget, which the notebook displays."""
    print(report())
    return live_widget()
