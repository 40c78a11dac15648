"""One colour, dash pattern and marker per optimizer, the same in every picture and explorer.

The colours are Okabe and Ito's ("Color Universal Design", 2008), picked to stay apart for
the common forms of colour blindness, with Paul Tol's wine in place of their yellow, which
all but vanishes on a white page, and a darker yellow for AdamW, the ninth. Colour alone
still does not carry the name: under deuteranopia or in greyscale some pairs meet (orange
and sky blue have the same lightness), so every optimizer also has a dash pattern and a
marker of its own, and two optimizers drawn side by side always differ in one of them.
``tests/plots/test_colour_and_legends.py`` checks every figure for that.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.lines import Line2D

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}
WINE = "#882255"
DARK_YELLOW = "#B59F00"


@dataclass(frozen=True)
class Look:
    """How one optimizer's lines are drawn: colour, dash pattern and marker."""

    color: str
    linestyle: str
    marker: str

    def on(self, line: Line2D, markevery=None, markersize: float = 4.0) -> Line2D:
        """Give ``line`` this look, with markers every ``markevery`` points (None: on all)."""
        line.set(color=self.color, linestyle=self.linestyle, marker=self.marker,
                 markevery=markevery, markersize=markersize)
        return line


LOOKS = {
    "SGD": Look(OKABE_ITO["black"], "-", "o"),
    "Momentum": Look(OKABE_ITO["blue"], "--", "s"),
    "Nesterov": Look(OKABE_ITO["sky blue"], "-.", "^"),
    "Adagrad": Look(OKABE_ITO["bluish green"], ":", "D"),
    "RMSprop": Look(WINE, "-", "v"),
    "Adam": Look(OKABE_ITO["vermillion"], "--", "P"),
    "Adamax": Look(OKABE_ITO["orange"], "-.", "<"),
    "Nadam": Look(OKABE_ITO["reddish purple"], ":", "*"),
    "AdamW": Look(DARK_YELLOW, "-", "h"),
}

COLORS = {name: look.color for name, look in LOOKS.items()}


def spread_marks(index: int, count: int, length: int, marks: int = 8) -> tuple[int, int]:
    """``markevery`` for curve ``index`` of ``count`` over ``length`` points: about ``marks``
    markers each, shifted curve by curve so that markers of curves lying on top of each
    other stay apart and show both."""
    every = max(1, length // marks)
    return (index * every // count, every)

SERIES = (
    Look(OKABE_ITO["blue"], "-", "o"),
    Look(OKABE_ITO["vermillion"], "--", "s"),
    Look(OKABE_ITO["bluish green"], "-.", "^"),
    Look(OKABE_ITO["reddish purple"], ":", "D"),
    Look(OKABE_ITO["orange"], "-", "v"),
)
"""Looks for a family of curves that are not optimizers (β = 0, 0.5, 0.8, …), in order."""
