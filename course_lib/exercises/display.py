"""Showing feedback: rich HTML with a text fallback inside Jupyter, plain text anywhere else."""

from __future__ import annotations

import sys


def in_kernel() -> bool:
    """True when running in a Jupyter kernel, which can show HTML."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_rich(text: str, html: str) -> None:
    """Display HTML where the front end can, with ``text`` for nbval and terminals."""
    if in_kernel():
        # Only reached inside a kernel, where IPython is already loaded.
        from IPython.display import display

        display({"text/plain": text, "text/html": html}, raw=True)
    else:
        print(text)
