"""A matplotlib figure shown in an ``ipywidgets.Image`` and redrawn by blitting.

Why not ``%matplotlib widget`` (ipympl) or ``plt.show()`` in an ``Output``? Both redraw the
whole figure on every slider move, and a contour figure takes about 100 ms to draw here.
A ``LiveFigure`` draws the static part once (axes, ticks, labels), keeps that picture, and
on each update pastes it back and draws only what changed before encoding one image.
The image is an ordinary ipywidgets model, so it renders in JupyterLab 4 with no extension
beyond ipywidgets itself, and a test can read the exact bytes a learner would see.

Artists come in three layers:

- the background: everything not registered below, drawn once;
- scenery: artists that change now and then (a loss landscape when the problem changes),
  drawn over the background and cached with it until :meth:`scenery_changed` is called;
- moving artists: drawn on every render (paths, curves, markers, texts).

The figure is drawn for the width the page shows it at (:meth:`LiveFigure.resize`, told by
``frontend.ExplorerFrontend``): ``CSS_DPI`` figure inches per CSS inch, times the screen's
pixel ratio, so the picture is shown at 1:1 and a font of s points is s · 96/72 CSS pixels
at every width. Below ``STACK_BELOW``, or narrower than ``MIN_PANEL_WIDTH`` a panel, the panels
stack in one column.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from PIL import Image

from course_lib.validation import number

JPEG_QUALITY = 92
"""With 4:4:4 chroma, lines and text stay crisp; encoding takes ~1.5 ms, PNG ~15-30 ms."""

CSS_DPI = 96
"""CSS pixels per inch: a figure inch is a CSS inch, so a point of font is 4/3 CSS pixels."""

DEFAULT_WIDTH = 960
"""CSS pixels: the width drawn before the page has said how wide it shows the figure."""

STACK_BELOW = 700
"""CSS pixels: on a narrower explorer, a figure's panels stack in one column."""

MIN_PANEL_WIDTH = 260
"""CSS pixels: narrower than this a panel, and the panels stack too (three below 780 px)."""

MIN_PANEL_HEIGHT = 260
"""CSS pixels: the least height of a row of panels, room for a title, ticks and a label."""

STACKED_PANEL_HEIGHT = 0.6
"""A stacked panel's height as a share of the width (at most ``MAX_STACKED_HEIGHT``)."""

MAX_STACKED_HEIGHT = 400

MAX_PIXELS = 4096
"""The widest picture drawn, in device pixels: a huge screen gets a lower pixel ratio."""


class LiveFigure:
    """A figure drawn once, then updated by redrawing only the artists that change.

    Register artists that move on every update with :meth:`animate` and artists that change
    rarely with :meth:`scenery`; call :meth:`render` after changing them (and
    :meth:`scenery_changed` first if scenery changed). Axis limits and labels are drawn once,
    with the background: an explorer fixes them when it builds its figure.
    """

    def __init__(self, figsize=(9.0, 3.6), ncols=1, nrows=1, **subplot_kw):
        # Only figsize's proportions count: a row of panels is drawn at the page's width.
        self.aspect = figsize[1] / figsize[0]
        self.figure = Figure(layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.figure.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw or None)
        self.axes = list(axes.ravel())
        self.shape = (nrows, ncols)
        # Shown at the width of the explorer: the picture's own pixels are width × pixel ratio.
        self.image = widgets.Image(format="jpeg", layout=widgets.Layout(width="100%"))
        self._moving: list[Artist] = []
        self._scenery: list[Artist] = []
        self._background = None
        self._scenery_background = None
        self.width, self.pixel_ratio, self.stacked = 0, 0.0, False
        self.resize(DEFAULT_WIDTH, 1.0)

    def resize(self, width: float, pixel_ratio: float = 1.0) -> bool:
        """Draw for ``width`` CSS pixels on a screen of ``pixel_ratio`` device pixels per CSS
        pixel; False (and nothing to redraw) if that is the size already drawn.

        The picture is round(width × pixel_ratio) pixels wide at CSS_DPI × pixel_ratio dots
        per inch. Below STACK_BELOW, or MIN_PANEL_WIDTH per panel, the panels stack.
        Call :meth:`render` after a True: every cached layer is drawn again at the new size.
        """
        width = round(number(width, "width", low=1))
        pixel_ratio = number(pixel_ratio, "pixel_ratio", low=0, low_inclusive=False)
        pixel_ratio = min(pixel_ratio, MAX_PIXELS / width)
        if (width, pixel_ratio) == (self.width, self.pixel_ratio):
            return False
        nrows, ncols = self.shape
        stacked = ncols > 1 and (width < STACK_BELOW or width / ncols < MIN_PANEL_WIDTH)
        if stacked != self.stacked or not self.width:
            self._arrange(stacked)
        if stacked:
            height = nrows * ncols * min(max(STACKED_PANEL_HEIGHT * width, MIN_PANEL_HEIGHT),
                                         MAX_STACKED_HEIGHT)
        else:
            height = max(width * self.aspect, nrows * MIN_PANEL_HEIGHT)
        dpi = CSS_DPI * pixel_ratio
        # Agg truncates the size in pixels: a thousandth of a pixel more keeps
        # width × pixel_ratio from landing a rounding error below a whole pixel.
        pixels = round(width * pixel_ratio) + 1e-3
        self.figure.set_dpi(dpi)
        self.figure.set_size_inches(pixels / dpi, (round(height * pixel_ratio) + 1e-3) / dpi)
        self.width, self.pixel_ratio, self.stacked = width, pixel_ratio, stacked
        self._background = None
        return True

    def _arrange(self, stacked: bool) -> None:
        """The panels in their grid, or (``stacked``) one under the other in reading order."""
        nrows, ncols = self.shape
        grid = GridSpec(nrows * ncols, 1, figure=self.figure) if stacked else GridSpec(
            nrows, ncols, figure=self.figure)
        for index, ax in enumerate(self.axes):
            ax.set_subplotspec(grid[index, 0] if stacked else grid[divmod(index, ncols)])

    def animate(self, *artists: Artist) -> None:
        """Mark artists as moving: left out of every cached layer, drawn on each render."""
        for artist in artists:
            artist.set_animated(True)
            self._moving.append(artist)

    def scenery(self, *artists: Artist) -> None:
        """Mark artists as scenery: drawn once over the background and cached with it."""
        for artist in artists:
            artist.set_animated(True)
            self._scenery.append(artist)
        self._scenery_background = None

    def forget(self, *artists: Artist) -> None:
        """Stop drawing artists that were removed from the figure (an old contour set)."""
        for artist in artists:
            for layer in (self._moving, self._scenery):
                if artist in layer:
                    layer.remove(artist)
        self._scenery_background = None

    def scenery_changed(self) -> None:
        self._scenery_background = None

    def render(self) -> bytes:
        """Paste the cached layers, draw the moving artists, and publish the image."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._scenery_background = None
        if self._scenery_background is None:
            self.canvas.restore_region(self._background)
            self._draw(self._scenery)
            self._scenery_background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._scenery_background)
        self._draw(self._moving)
        picture = _encode(self.canvas)
        self.image.value = picture
        return picture

    def _draw(self, artists: list[Artist]) -> None:
        # In z-order, as a full draw would: a marker meant to sit on top of the paths does.
        for artist in sorted(artists, key=lambda artist: artist.get_zorder()):
            if artist.get_visible():
                self.figure.draw_artist(artist)


def _encode(canvas: FigureCanvasAgg) -> bytes:
    buffer = canvas.buffer_rgba()
    height, width = buffer.shape[:2]
    picture = Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
    return out.getvalue()
