"""Every landscape explorer takes a press on the surface as its start and plays its steps.

The pixel-to-point mapping is checked against the picture itself: a marker drawn at a known
point is found in the decoded JPEG, and that pixel, sent as ipyevents would send it, must
come back as the point within one pixel's width.
"""

import io
import math

import numpy as np
import pytest
from PIL import Image

from course_lib import optimizers
from course_lib.problems import trajectory
from course_lib.widgets import EXPLORERS, controls, show
from course_lib.widgets.clicks import data_point, pixel_of
from course_lib.widgets.sweep import press_event

LANDSCAPE_EXPLORERS = ["adagrad", "adam", "adamax_nadam", "gradient_descent", "momentum",
                       "nesterov", "race", "rmsprop"]
"""The lessons' explorers that draw a loss surface."""
MAGENTA = np.array([255, 0, 255])


@pytest.mark.slow  # builds every explorer of the course: 4 to 9 s here
def test_exactly_the_explorers_with_a_surface_are_touchable():
    touchable = {name for name, factory in EXPLORERS.items()
                 if factory().landscape is not None}
    assert touchable == set(LANDSCAPE_EXPLORERS)


@pytest.fixture(scope="module", params=LANDSCAPE_EXPLORERS)
def shared(request):
    return show(request.param)


@pytest.fixture
def explorer(shared):
    """One explorer of each kind for the module, back at its default start after each test."""
    yield shared
    shared.landscape.start.reset(shared.landscape.problem)
    shared.player.play.value = shared.player.steps
    shared.refresh()


def _window(explorer):
    return explorer.landscape.ax.get_xlim(), explorer.landscape.ax.get_ylim()


def _inside(explorer, fx, fy):
    (x0, x1), (y0, y1) = _window(explorer)
    return x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)


def _pixel_size(explorer):
    """One figure pixel, in data units along x and y."""
    (x0, x1), (y0, y1) = _window(explorer)
    box = explorer.landscape.ax.bbox
    return (x1 - x0) / box.width, (y1 - y0) / box.height


def _marker_pixel(explorer, point):
    """Draw a magenta square at ``point``, and find its centre in the published JPEG."""
    (marker,) = explorer.landscape.ax.plot([point[0]], [point[1]], marker="s", markersize=5,
                                           color="#ff00ff", linestyle="none")
    explorer.figure.animate(marker)
    try:
        picture = explorer.figure.render()
    finally:
        marker.remove()
        explorer.figure.forget(marker)
    pixels = np.asarray(Image.open(io.BytesIO(picture)).convert("RGB")).astype(int)
    close = np.abs(pixels - MAGENTA).sum(axis=-1) < 90
    rows, columns = np.nonzero(close)
    assert rows.size > 4, "the marker is not in the picture"
    return columns.mean(), rows.mean()


@pytest.mark.parametrize("fx, fy", [(0.2, 0.3), (0.5, 0.5), (0.83, 0.71)])
@pytest.mark.parametrize("shown", [1.0, 0.7])
def test_a_pixel_of_the_picture_maps_back_to_its_point(explorer, fx, fy, shown):
    # ``shown``: the image displayed at 70 % of its size, as on a narrow page.
    point = _inside(explorer, fx, fy)
    column, row = _marker_pixel(explorer, point)
    width, height = explorer.figure.canvas.get_width_height()
    # The browser reports whole CSS pixels of the displayed image.
    event = {"type": "mousedown", "relativeX": math.floor(column * shown),
             "relativeY": math.floor(row * shown), "boundingRectWidth": width * shown,
             "boundingRectHeight": height * shown}
    x, y = data_point(explorer.figure, explorer.landscape.ax, event)
    dx, dy = _pixel_size(explorer)
    tolerance = 1.0 / shown
    assert abs(x - point[0]) <= tolerance * dx, (x, point)
    assert abs(y - point[1]) <= tolerance * dy, (y, point)


def test_a_press_restarts_every_path_there(explorer):
    before = {path.label: None if path.run is None else path.run.path.copy()
              for path in explorer.landscape.paths}
    picture = bytes(explorer.figure.image.value)
    point = _inside(explorer, 0.3, 0.65)
    explorer.picker.handle(press_event(explorer, point))
    explorer.picker.handle({"type": "mouseup"})
    start = explorer.landscape.start.picked
    dx, dy = _pixel_size(explorer)
    assert abs(start[0] - point[0]) <= dx and abs(start[1] - point[1]) <= dy
    assert bytes(explorer.figure.image.value) != picture
    assert list(explorer.landscape.start.marker.get_xydata()[0]) == pytest.approx(start)
    assert f"start ({start[0]:.4g}, {start[1]:.4g})" in explorer.player.readout.value
    # The white start dot is drawn on top of the paths that leave from it.
    width, height = explorer.figure.canvas.get_width_height()
    column, row = (int(round(v)) for v in pixel_of(explorer.landscape.ax, start, height))
    pixels = np.asarray(Image.open(io.BytesIO(bytes(explorer.figure.image.value))).convert("RGB"))
    assert pixels[row - 1:row + 2, column - 1:column + 2].mean() > 200, "no start dot on top"
    for path in explorer.landscape.paths:
        if path.run is None:
            continue
        assert path.run.path[0] == pytest.approx(start, abs=0, rel=1e-12), path.label
        assert not np.array_equal(path.run.path, before[path.label]), path.label
    assert "nan" not in explorer.last_status.message.lower()


def test_a_press_outside_the_landscape_changes_nothing(explorer):
    width, height = explorer.figure.canvas.get_width_height()
    explorer.picker.handle({"type": "mousedown", "relativeX": width - 3, "relativeY": 2,
                            "boundingRectWidth": width, "boundingRectHeight": height})
    assert explorer.landscape.start.picked is None


def test_a_drag_moves_the_start_and_only_a_held_button_is_watched(explorer):
    picker = explorer.picker
    assert "mousemove" not in picker.events.watched_events
    picker.handle(press_event(explorer, _inside(explorer, 0.2, 0.2)))
    assert "mousemove" in picker.events.watched_events
    target = _inside(explorer, 0.6, 0.4)
    picker.handle({**press_event(explorer, target), "type": "mousemove"})
    dx, dy = _pixel_size(explorer)
    start = explorer.landscape.start.picked
    assert abs(start[0] - target[0]) <= dx and abs(start[1] - target[1]) <= dy
    picker.handle({"type": "mouseup"})
    assert "mousemove" not in picker.events.watched_events
    # A move with no button held (the release happened outside the page) moves nothing.
    picker.handle({**press_event(explorer, _inside(explorer, 0.9, 0.9)), "type": "mousemove",
                   "buttons": 0})
    assert explorer.landscape.start.picked == start


def test_gradient_descent_from_a_picked_start_is_the_closed_form():
    # On ½(x² + κy²) gradient descent multiplies x by (1 − η) and y by (1 − ηκ) each step.
    explorer = show("gradient_descent", learning_rate=0.05, condition_number=10.0, steps=40)
    explorer.pick_start((5.0, -2.5))
    k = np.arange(41)
    expected = np.column_stack([5.0 * 0.95**k, -2.5 * 0.5**k])
    np.testing.assert_allclose(explorer.path.line.get_xydata(), expected, rtol=1e-12)
    # κ moves, the window stays: the picked start stays too.
    explorer.controls["condition_number"].value = 100.0
    assert explorer.path.run.path[0] == pytest.approx([5.0, -2.5])


@pytest.mark.parametrize("point", [(1.0,), (1.0, float("nan")), "ab", (1.0, 2.0, 3.0)])
def test_a_start_that_is_not_a_point_is_refused_and_changes_nothing(point):
    explorer = show("gradient_descent")
    refused = r"point must (have shape \(2,\), got shape|hold finite numbers only, got|be an array)"
    with pytest.raises((TypeError, ValueError), match=refused):
        explorer.pick_start(point)
    assert explorer.landscape.start.picked is None
    assert not explorer.last_status.warning


def test_switching_the_problem_goes_back_to_its_default_start():
    explorer = show("momentum", problem="valley κ = 10")
    explorer.pick_start((2.0, 1.0))
    explorer.controls["problem"].value = "Rosenbrock"
    rosenbrock = explorer.landscape.problem
    assert explorer.landscape.start.picked is None
    assert explorer.paths["SGD"].run.path[0] == pytest.approx(rosenbrock.default_start)


def test_a_start_that_diverges_reads_diverged():
    # From far up the steep wall of κ = 100, η = 0.03 > 2/κ: plain descent blows up.
    explorer = show("momentum", problem="valley κ = 100", learning_rate=0.03)
    explorer.pick_start((-9.0, 3.5))
    assert explorer.last_status.warning
    assert "SGD diverged" in explorer.last_status.message


# -- the player ------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5])
def test_frame_k_draws_k_steps_of_every_path_and_its_loss(explorer, fraction):
    player = explorer.player
    k = int(fraction * player.steps)
    picture = bytes(explorer.figure.image.value)
    player.play.value = k
    assert bytes(explorer.figure.image.value) != picture
    labels = []
    for path in explorer.landscape.paths:
        if path.run is None:
            continue
        reached = min(k, len(path.run.path) - 1)
        assert len(path.line.get_xdata()) == reached + 1, path.label
        assert list(path.now.get_xydata()[0]) == pytest.approx(path.run.path[reached])
        labels.append(path.label)
    readout = player.readout.value
    assert f"iteration {k} / {player.steps}" in readout
    first = next(path for path in explorer.landscape.paths if path.run is not None)
    if not first.run.diverged:
        assert f"{first.label} {first.run.losses[k]:.3g}" in readout
    losses = explorer.losses
    for label, line in losses.lines.items():
        assert len(line.get_xdata()) <= k + 1, label
    assert losses.now.get_visible() and losses.now.get_xdata()[0] == k


def test_the_last_frame_is_the_whole_run(explorer):
    player = explorer.player
    player.play.value = 0
    player.play.value = player.steps
    for path in explorer.landscape.paths:
        if path.run is not None:
            assert len(path.line.get_xdata()) == len(path.run.path)
            assert len(path.now.get_xdata()) == 0
    assert not explorer.losses.now.get_visible()


def test_the_step_button_adds_one_iteration(explorer):
    player = explorer.player
    player.play.value = 3
    player.forward.click()
    assert player.step == 4
    # From the whole runs, where the player opens, a step starts the walk again (issue 20).
    player.play.value = player.steps
    player.forward.click()
    assert player.step == 1


def test_a_paused_frame_stays_when_a_slider_moves():
    explorer = show("adam")
    explorer.player.play.value = 10
    explorer.controls["learning_rate"].value = 0.05
    assert explorer.player.step == 10
    assert len(explorer.paths[True].line.get_xdata()) == 11


def test_the_player_follows_the_steps_slider():
    explorer = show("gradient_descent", steps=100)
    explorer.controls["steps"].value = 30
    assert explorer.player.steps == 30 and explorer.player.step == 30
    explorer.player.play.value = 12
    explorer.controls["steps"].value = 10
    assert explorer.player.step == 10


def test_a_diverged_run_reads_diverged_in_the_readout():
    explorer = show("gradient_descent", learning_rate=0.5, condition_number=10.0, steps=100)
    failed = explorer.path.run.diverged_at
    assert failed is not None
    explorer.player.play.value = failed + 1
    assert f"diverged at step {failed}" in explorer.player.readout.value


# -- decay rates -----------------------------------------------------------------------------


def test_decay_rates_reach_close_to_one_evenly_in_log_one_minus_beta():
    slider = controls.beta("β₂", 0.999, high=0.9999)
    rates = [value for _, value in slider.options]
    assert rates[0] == 0.0 and rates[-1] == 0.9999
    for wanted in (0.9, 0.99, 0.995, 0.999, 0.9995, 0.9999):
        assert wanted in rates
    gaps = np.log10(1 - np.array(rates[1:]))
    steps = -np.diff(gaps)
    # Six stops a decade: no jump between neighbours is more than a quarter of a decade.
    assert steps.min() > 0 and steps.max() <= 0.25
    # What the slider shows is β itself.
    assert [label for label, _ in slider.options][-2:] == ["0.99985", "0.9999"]


def test_a_decay_rate_between_stops_is_kept_and_one_out_of_range_is_refused():
    assert controls.beta("β₁", 0.925, high=0.999).value == 0.925
    with pytest.raises(ValueError, match=r"β₁: value must be a number in \[0, 0.999\], got 0.9999"):
        controls.beta("β₁", 0.9999, high=0.999)


def test_beta_2_close_to_one_reaches_the_optimizer():
    # β₂ = 0.9999 (a 10 000-step window): Adam's first step is still η·sign(g) (bias correction).
    explorer = show("adam", learning_rate=0.1, beta_2=0.9999)
    run = explorer.paths[True].run
    problem = explorer.landscape.problem
    fresh = trajectory(optimizers.Adam(learning_rate=0.1, beta_2=0.9999), problem, steps=100)
    np.testing.assert_allclose(run.path, fresh.path, rtol=1e-12)
