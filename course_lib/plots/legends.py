"""How big a legend's text is, and where a legend may go: never over the data.

A figure is shown at its own pixel size when the page is wide enough, so text of ``s``
points on a figure of ``dpi`` dots per inch is ``s · dpi / 72`` pixels tall: 9 points are
10 px at the explorers' 80 dpi and 12.5 px at the pictures' 100 dpi, above the 9 px a legend
needs to be read at 100 % zoom.
"""

from __future__ import annotations

from matplotlib.artist import Artist
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

LEGEND_FONTSIZE = 9
"""Points, for every legend of the course."""


def text_pixels(fontsize: float, dpi: float) -> float:
    """The height in pixels of text of ``fontsize`` points on a figure of ``dpi``."""
    return fontsize * dpi / 72


def refill(legend: Legend, lines: list[Line2D], first: int = 0) -> None:
    """Show ``lines`` in the entries of ``legend`` from ``first`` on, and hide the rest.

    A legend built once with an entry for every line that may show is cheaper to refill than
    to build again (the explorers redraw it as cached scenery): entry k takes the colour,
    dash, marker and label of ``lines[k - first]``.
    """
    entries = list(zip(legend.legend_handles, legend.texts, strict=True))[first:]
    if len(lines) > len(entries):
        raise ValueError(f"lines must be at most the {len(entries)} entries of the legend, "
                         f"got {len(lines)}")
    for index, (handle, text) in enumerate(entries):
        shown = index < len(lines)
        handle.set_visible(shown)
        text.set_visible(shown)
        if shown:
            line = lines[index]
            handle.set(color=line.get_color(), linestyle=line.get_linestyle(),
                       marker=line.get_marker())
            text.set_text(line.get_label())


class PastedLegend(Artist):
    """Draws ``legend`` once for each set of entries it shows, then pastes those pixels back.

    For a figure redrawn by blitting (the explorers' ``LiveFigure``): a legend drawn as
    cached scenery costs a redraw of everything cached with it whenever its entries change,
    and drawing its text on every frame costs more than the rest of a frame. Register this
    artist as a moving one instead; call :meth:`show` with the lines to list. The legend must
    sit where nothing else is drawn (outside the axes), and is left out of the figure's own
    drawing but kept in its layout, which makes room for the entries it was built with.
    """

    def __init__(self, legend: Legend, lines: list[Line2D], first: int = 0):
        super().__init__()
        self.legend = legend
        self.first = first
        legend.set_animated(True)
        self.shown: tuple = tuple(line.get_label() for line in lines)
        self._pixels: dict[tuple, object] = {}

    def show(self, lines: list[Line2D]) -> None:
        shown = tuple(line.get_label() for line in lines)
        if shown != self.shown:
            self.shown = shown
            refill(self.legend, lines, self.first)

    def draw(self, renderer) -> None:
        pixels = self._pixels.get(self.shown)
        if pixels is not None:
            renderer.restore_region(pixels)
            return
        self.legend.draw(renderer)
        self._pixels[self.shown] = renderer.copy_from_bbox(
            self.legend.get_window_extent(renderer).padded(2))
