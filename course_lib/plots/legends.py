"""How big a legend's text is, and where a legend may go: never over the data.

A figure is shown at its own pixel size when the page is wide enough, so text of ``s``
points on a figure of ``dpi`` dots per inch is ``s · dpi / 72`` pixels tall: 9 points are
10 px at the explorers' 80 dpi and 12.5 px at the pictures' 100 dpi, above the 9 px a legend
needs to be read at 100 % zoom.
"""

from __future__ import annotations

LEGEND_FONTSIZE = 9
"""Points, for every legend of the course."""


def text_pixels(fontsize: float, dpi: float) -> float:
    """The height in pixels of text of ``fontsize`` points on a figure of ``dpi``."""
    return fontsize * dpi / 72
