"""Every figure of the course, explorers and lesson pictures: lines told apart without colour
vision, legends big enough to read and never over the data.

Colour: every two labelled lines of one axes (and every two entries of one legend) must be
``MINIMUM_DELTA_E`` apart in CIELAB for normal vision, deuteranopia, protanopia and in
greyscale, or else differ in dash pattern or marker (see ``colour_vision``).
Legends: text at least 9 px at the figure's own pixel size (points × dpi / 72), and no
plotted point of its axes (for a figure legend: of any axes) inside its box, read from the
rendered figure's window extents.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colour_vision import (
    MACHADO_SEVERITY_1,
    MINIMUM_DELTA_E,
    delta_e,
    seen,
    smallest_delta_e,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from course_lib.plots import (
    adagrad,
    adam,
    adamax_nadam,
    beyond,
    gradient_descent,
    momentum,
    nesterov,
    race,
    rmsprop,
    schedules,
)
from course_lib.plots.colors import LOOKS, OKABE_ITO
from course_lib.widgets import EXPLORERS
from course_lib.widgets.sweep import sweep

MINIMUM_LEGEND_PIXELS = 9.0

PICTURES = {
    "zigzag": gradient_descent.zigzag, "contraction_factors": gradient_descent.contraction_factors,
    "terminal_velocity": momentum.terminal_velocity, "friction": momentum.friction,
    "learning_rate_drop": momentum.learning_rate_drop,
    "rolling_past_a_dip": momentum.rolling_past_a_dip,
    "look_ahead_step": nesterov.look_ahead_step, "damping": nesterov.damping,
    "fading_rate": adagrad.fading_rate, "directions": adagrad.directions,
    "weights": rmsprop.weights, "forgetting": rmsprop.forgetting,
    "bias_correction": adam.bias_correction, "epsilon_placement": adam.epsilon_placement,
    "momentum_schedules": adamax_nadam.momentum_schedules,
    "infinity_norm": adamax_nadam.infinity_norm,
    "decay_shapes": schedules.decay_shapes, "constant_rates": schedules.constant_rates,
    "range_tests": race.range_tests, "generalisation_gap": race.generalisation_gap,
    "l2_against_decoupled": beyond.l2_against_decoupled, "warmup": beyond.warmup,
}


def rendered(figure):
    """The figure drawn once, so layouts are done and window extents are real."""
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    figure.canvas.draw()
    return figure


@pytest.fixture(scope="module", params=sorted(EXPLORERS))
def explorer_figure(request):
    explorer = EXPLORERS[request.param]()
    explorer.figure.render()
    return explorer.figure.figure


@pytest.fixture(scope="module", params=sorted(PICTURES))
def picture(request):
    return rendered(PICTURES[request.param]())


# -- the simulation itself -------------------------------------------------------------------


def test_machado_matrices_keep_white_and_grey_as_they_are():
    # Each row sums to 1: an achromatic colour looks the same to a dichromat.
    for matrix in MACHADO_SEVERITY_1.values():
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=2e-6)
    for vision in ("normal", "deuteranopia", "protanopia", "greyscale"):
        np.testing.assert_allclose(seen("#ffffff", vision), [100, 0, 0], atol=0.05)
        assert delta_e("#808080", "#808080", vision) == 0


def test_the_simulation_merges_red_and_green_for_a_deuteranope_and_not_otherwise():
    # The textbook confusion: pure-ish red and green of equal lightness.
    red, green = "#d62728", "#2ca02c"   # the old Adam and Adagrad
    assert delta_e(red, green, "normal") > 60
    assert delta_e(red, green, "deuteranopia") < delta_e(red, green, "normal") / 3
    # Greyscale keeps only lightness: black and white are 100 apart, two equal greys 0.
    assert delta_e("#000000", "#ffffff", "greyscale") == pytest.approx(100, abs=0.01)


def test_okabe_ito_blue_and_orange_stay_apart_for_every_vision():
    assert smallest_delta_e(OKABE_ITO["blue"], OKABE_ITO["orange"])[0] >= MINIMUM_DELTA_E


def test_every_optimizer_has_its_own_dash_and_marker():
    styles = [(look.linestyle, look.marker) for look in LOOKS.values()]
    markers = [look.marker for look in LOOKS.values()]
    assert len(set(styles)) == len(styles)
    assert len(set(markers)) == len(markers)


# -- the figures ---------------------------------------------------------------------------


def labelled_lines(ax) -> list[Line2D]:
    return [line for line in ax.get_lines()
            if line.get_visible() and not line.get_label().startswith("_")]


def _style(line: Line2D) -> tuple[str, str]:
    """The dash pattern as drawn and the marker: ``get_linestyle`` names every custom
    pattern "--", so the pattern itself (private to matplotlib, read only here) is compared."""
    marker = line.get_marker()
    offset, dashes = line._unscaled_dash_pattern
    pattern = "solid" if line.get_linestyle() in ("-", "solid") else \
        ("none" if dashes is None else f"{offset}:{tuple(round(d, 3) for d in dashes)}")
    return (pattern, "" if marker in (None, "None", "", " ") else str(marker))


def confusable(lines) -> list[str]:
    """Pairs of lines that differ in nothing but a colour some viewer cannot tell apart."""
    found = []
    for first, second in itertools.combinations(lines, 2):
        if _style(first) != _style(second):
            continue
        distance, vision = smallest_delta_e(first.get_color(), second.get_color())
        if distance < MINIMUM_DELTA_E:
            found.append(f"{first.get_label()!r} and {second.get_label()!r}: ΔE {distance:.1f} "
                         f"({vision}), same dash and marker {_style(first)}")
    return found


def legends(figure):
    for ax in figure.axes:
        if ax.get_legend() is not None and ax.get_legend().get_visible():
            yield ax.get_legend(), [ax]
    for legend in figure.legends:
        yield legend, figure.axes


def check_colours(figure) -> list[str]:
    problems = []
    for ax in figure.axes:
        problems += confusable(labelled_lines(ax))
    for legend, _ in legends(figure):
        entries = [handle for handle, text in zip(legend.legend_handles, legend.texts, strict=True)
                   if isinstance(handle, Line2D) and handle.get_visible() and text.get_visible()]
        for handle, text in zip(legend.legend_handles, legend.texts, strict=True):
            handle.set_label(text.get_text())
        problems += confusable(entries)
    return problems


def plotted_points(ax) -> np.ndarray:
    """Display coordinates of every point drawn in ``ax`` that falls inside it."""
    chunks = []
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float)
        if line.get_visible() and xy.size and not _spans_the_axes(line):
            chunks.append(ax.transData.transform(xy))
    for collection in ax.collections:
        if isinstance(collection, LineCollection) and collection.get_visible():
            for segment in collection.get_segments():
                if len(segment):
                    chunks.append(ax.transData.transform(segment))
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible():
            corners = patch.get_window_extent().get_points()
            (x0, y0), (x1, y1) = corners
            if abs(x1 - x0) > 0.5 or abs(y1 - y0) > 0.5:  # a bar of height 0 is still its line
                chunks.append(np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1],
                                        [(x0 + x1) / 2, y1]]))
            else:
                chunks.append(np.array([[x0, y0], [(x0 + x1) / 2, y0], [x1, y0]]))
    if not chunks:
        return np.empty((0, 2))
    points = np.concatenate(chunks)
    box = ax.get_window_extent()
    finite = np.all(np.isfinite(points), axis=1)
    inside = finite & (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1) \
        & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)
    return points[inside]


def _spans_the_axes(line: Line2D) -> bool:
    # axhline / axvline reference lines cross the whole axes: a legend may sit over them.
    ax = line.axes
    return line.get_transform() in (ax.get_xaxis_transform(), ax.get_yaxis_transform())


def check_legends(figure) -> list[str]:
    problems = []
    renderer = figure.canvas.get_renderer()
    for legend, axes in legends(figure):
        for text in legend.texts:
            pixels = text.get_fontsize() * figure.dpi / 72
            if text.get_visible() and pixels < MINIMUM_LEGEND_PIXELS:
                problems.append(f"legend text {text.get_text()!r} is {pixels:.1f} px")
        box = legend.get_window_extent(renderer)
        for ax in axes:
            points = plotted_points(ax)
            over = points[(points[:, 0] > box.x0) & (points[:, 0] < box.x1)
                          & (points[:, 1] > box.y0) & (points[:, 1] < box.y1)]
            if len(over):
                problems.append(f"the legend {[t.get_text() for t in legend.texts]} covers "
                                f"{len(over)} plotted points of {ax.get_title()!r}")
    return problems


def test_explorer_lines_are_told_apart_without_colour(explorer_figure):
    assert check_colours(explorer_figure) == []


def test_explorer_legends_are_readable_and_clear_of_the_data(explorer_figure):
    assert check_legends(explorer_figure) == []


def test_picture_lines_are_told_apart_without_colour(picture):
    assert check_colours(picture) == []


def test_picture_legends_are_readable_and_clear_of_the_data(picture):
    assert check_legends(picture) == []


def test_the_check_sees_a_legend_over_data_and_two_lines_alike():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3), dpi=80)
    ax = figure.subplots()
    ax.plot([0, 1], [0, 1], color="#d62728", label="red")
    ax.plot([0, 1], [0.02, 1.02], color="#2ca02c", label="green")
    ax.plot([0.1], [0.95], "o", color="k", label="point")
    ax.legend(loc="upper left", fontsize=6)
    rendered(figure)
    assert any("red" in problem and "green" in problem for problem in check_colours(figure))
    problems = check_legends(figure)
    assert any("px" in problem for problem in problems)
    assert any("covers" in problem for problem in problems)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_no_explorer_legend_covers_data_at_any_control_value(name):
    """Every control across its range (3 values each, as the latency sweep moves them):
    a legend inside an axes must stay clear of the curves wherever they go."""
    explorer = EXPLORERS[name]()
    figure = explorer.figure.figure
    problems = set()
    for move in sweep(explorer, points=3):
        problems.update(f"{move.control} = {move.value}: {problem}"
                        for problem in check_legends(figure) if "covers" in problem)
    assert sorted(problems) == []
