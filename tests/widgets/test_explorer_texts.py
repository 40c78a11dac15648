"""What the explorers and their lessons say agrees with what the explorers show.

Issue 16's "explorer texts that do not match their explorer" and issue 20's small things:
the player's first step, ▶'s last frame, κ's readout, lesson 9's η₀, the keys of the
race, and statuses that count "1 step", tell AdaGrad's heading at the minimum, Adam's
blow-up at β₂ = 0, RMSProp's memory when the step never fell, and the warmup.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.experiments.schedule_sweep import INITIAL_RATES, Setting
from course_lib.plots import beyond
from course_lib.plots.rmsprop import relative_steps, scale_drop
from course_lib.problems import Bowl, trajectory
from course_lib.widgets import EXPLORERS, show
from course_lib.widgets.sweep import sweep

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def markdown(lesson: str, containing: str) -> str:
    """The one Markdown cell of ``lesson`` that contains ``containing``."""
    cells = json.loads((NOTEBOOKS / lesson).read_text(encoding="utf-8"))["cells"]
    found = ["".join(cell["source"]) for cell in cells
             if cell["cell_type"] == "markdown" and containing in "".join(cell["source"])]
    assert len(found) == 1, f"{lesson}: {len(found)} cells contain {containing!r}"
    return " ".join(found[0].split())


def visible_texts(legend) -> list[str]:
    return [text.get_text() for text in legend.texts if text.get_visible()]


# -- the player ------------------------------------------------------------------------------


def test_a_first_step_press_moves_the_player_from_the_whole_runs_to_iteration_1():
    explorer = show("gradient_descent", steps=40)
    player = explorer.player
    assert player.step == player.steps == 40  # opens on the whole runs
    run = explorer.path.run
    player.forward.click()
    assert player.step == 1
    # One step drawn: the start and the first point, ringed where the path has got to.
    np.testing.assert_allclose(explorer.path.line.get_xydata(), run.path[:2])
    np.testing.assert_allclose(explorer.path.now.get_xydata()[0], run.path[1])
    assert "iteration 1 / 40" in player.readout.value
    player.forward.click()
    assert player.step == 2


def test_play_ends_on_the_last_iteration_even_when_its_stride_does_not_divide_it():
    explorer = show("gradient_descent", steps=199)
    player = explorer.player
    assert player.play.step == 2  # 199 steps in about 150 frames: two per frame
    # What the browser's Play does: value += step while value + step <= max, then pauses.
    player.play.value = 0
    player.play.playing = True
    value = 0
    while value + player.play.step <= player.play.max:
        value += player.play.step
        player.play.value = value
    assert player.step == 198
    player.play.playing = False
    assert player.step == 199
    assert "iteration 199 / 199" in player.readout.value


def test_pausing_play_mid_run_stays_where_it_paused():
    player = show("gradient_descent", steps=199).player
    player.play.value = 0
    player.play.playing = True
    player.play.value = 100
    player.play.playing = False
    assert player.step == 100


# -- readouts and sliders ----------------------------------------------------------------------


def test_kappa_reads_as_a_plain_number_at_every_stop():
    slider = show("gradient_descent").controls["condition_number"]
    # d3-format with no type: "g"-like with trailing zeros trimmed, exponent only once the
    # number has more integer digits than the precision; the stops go up to 1000.
    match = re.fullmatch(r"\.(\d+)", slider.readout_format)
    assert match, slider.readout_format
    precision = int(match.group(1))
    stops = 10 ** np.arange(slider.min, slider.max + 1e-9, slider.step)
    assert stops[-1] == pytest.approx(1000)
    assert all(math.floor(math.log10(stop)) < precision for stop in stops)
    # Trimmed zeros and no exponent: Python's "g" does the same below 10^precision.
    assert f"{100.0:.{precision}g}" == "100"


def test_lesson_9_initial_rate_stops_on_every_cached_run_and_the_lesson_names_only_those():
    explorer = show("schedules")
    slider = explorer.controls["initial_learning_rate"]
    values = [value for _, value in slider.options]
    labels = [label for label, _ in slider.options]
    assert values == list(INITIAL_RATES)
    opened_at = labels[values.index(slider.value)]
    for value in values:
        assert Setting.on_grid("constant", value).initial_learning_rate == value
    assert "0.0032" in labels
    slider.value = values[0]
    assert explorer.last_status.message.startswith("η₀ = 0.0032.")
    text = markdown("09_schedules.ipynb", "## The playground")
    named = re.findall(r"η₀ = (\d[\d.]*)", text)
    assert named and set(named) <= set(labels), (named, labels)
    assert opened_at not in named  # each one is a move away from where the slider opens


# -- keys --------------------------------------------------------------------------------------


def test_an_unticked_optimizer_leaves_the_race_key_and_comes_back():
    explorer = show("race")
    names = list(explorer.paths)
    assert set(names) <= set(visible_texts(explorer.key.legend))
    explorer.set(Adam=False, SGD=False)
    shown = visible_texts(explorer.key.legend)
    assert "Adam" not in shown and "SGD" not in shown
    assert set(names) - {"Adam", "SGD"} <= set(shown)
    explorer.set(Adam=True, SGD=True)
    assert set(names) <= set(visible_texts(explorer.key.legend))


def test_an_unticked_optimizer_leaves_the_network_race_key():
    explorer = show("race_network")
    explorer.set(Nadam=False)
    shown = visible_texts(explorer.key)
    assert "Nadam" not in shown and "Adam" in shown


@pytest.mark.parametrize("name", ["adagrad", "adam", "adamax_nadam", "gradient_descent",
                                  "momentum", "nesterov", "race", "rmsprop"])
def test_every_landscape_has_a_key_to_its_paths_and_marks(name):
    explorer = EXPLORERS[name]()
    shown = visible_texts(explorer.key.legend)
    assert {"start", "minimum"} <= set(shown)
    for path in explorer.landscape.paths:
        assert path.line.get_label() in shown
    # The key is outside every axes: below them all.
    renderer = explorer.figure.figure.canvas.get_renderer()
    top = explorer.key.legend.get_window_extent(renderer).y1
    assert all(top <= ax.get_window_extent().y0 for ax in explorer.figure.axes)


# -- statuses ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_no_status_counts_one_in_the_plural(name):
    explorer = EXPLORERS[name]()
    for move in sweep(explorer, points=3):
        text = move.status.message + explorer.player.readout.value if explorer.player else \
            move.status.message
        assert not re.search(r"(?<![\d.])1 (steps|epochs|iterations|warmup steps)\b", text), \
            (move.control, move.value, text)


def test_one_step_is_singular_in_the_status():
    explorer = show("gradient_descent", steps=1)
    assert "loss after 1 step:" in explorer.last_status.message
    explorer = show("beyond", warmup_steps=1)
    assert "With 1 warmup step," in explorer.last_status.message


def test_adagrad_started_at_the_minimum_says_so_without_nan_or_warnings():
    explorer = show("adagrad")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status = explorer.pick_start((0.0, 0.0))
    assert "nan" not in status.message.lower()
    assert "start at the minimum" in status.message
    assert "°" not in status.message.split(".")[0]


def test_rmsprop_with_an_unfilled_average_says_its_step_never_fell():
    explorer = show("rmsprop")
    drop = 100
    gradients = scale_drop(300, drop)
    for rho in (0.9997, 0.9999):
        explorer.set(rho=rho)
        steps = relative_steps(optimizers.RMSprop(learning_rate=0.01, rho=rho), gradients)
        assert steps[drop] >= 0.5  # the first step after the drop is still above η/2
        message = explorer.last_status.message
        assert "never falls below 0.5 η" in message and "back above" not in message
        assert f"the step was {steps[drop - 1]:.3g} η just before the drop" in message
    explorer.set(rho=0.9)
    steps = relative_steps(optimizers.RMSprop(learning_rate=0.01, rho=0.9), gradients)
    back = next(k for k in range(1, 200) if steps[drop + k - 1] >= 0.5)
    assert f"back above 0.5 η in {back} steps" in explorer.last_status.message


def test_adam_at_beta_2_zero_shows_the_diverged_state():
    explorer = show("adam")
    explorer.set(beta_2=0.0)
    status = explorer.last_status
    assert status.warning and "diverged" in status.message
    for path in explorer.paths.values():
        assert np.max(path.run.losses) > 1e3  # far past the loss panel's top
    assert "raise β₂" in status.message
    explorer.set(beta_2=0.999)
    assert not explorer.last_status.warning


def test_the_warmup_status_follows_the_warmup_slider():
    explorer = show("beyond")
    said = {}
    for warmup in (0, 1, 20, 100):
        explorer.set(warmup_steps=warmup)
        schedule = beyond.warmup_cosine(0.01, warmup)
        steps = beyond.adam_step_sizes(schedule) / 0.01
        largest = int(np.argmax(steps))
        message = explorer.last_status.message
        assert (f"Adam's largest mean step is {steps[largest]:.2f} η, at step {largest + 1}"
                in message)
        said[warmup] = message
    assert len(set(said.values())) == 4


# -- the lessons' instructions name a move, and what it shows -----------------------------------


def test_lesson_2_asks_for_an_eta_the_explorer_does_not_open_at_and_it_shows_the_claim():
    text = markdown("02_momentum.ipynb", "## Explore")
    explorer = show("momentum")
    start = explorer.controls["learning_rate"].value
    assert f"at η = {start:.2g}" in text
    asked = float(re.search(r"raise η to (\d[\d.]*)", text).group(1))
    assert asked != pytest.approx(start, rel=0.01)
    # The nearest stop of the slider reads as the number the lesson names.
    slider = explorer.controls["learning_rate"]
    stops = 10 ** np.arange(slider.min, slider.max + 1e-9, slider.step)
    stop = float(stops[np.argmin(np.abs(np.log(stops / asked)))])
    assert f"{stop:.2g}" == f"{asked:g}"
    beta, kappa = explorer.controls["momentum"].value, 100.0
    assert "2/κ = 0.02" in text and f"2(1 + β)/κ = {2 * (1 + beta) / kappa:.2g}" in text
    problem = Bowl(kappa)
    assert not trajectory(optimizers.SGD(learning_rate=start), problem, steps=200).diverged
    explorer.set(learning_rate=stop)
    assert explorer.paths["SGD"].run.diverged and not explorer.paths["Momentum"].run.diverged
    assert 2 / kappa < stop < 2 * (1 + beta) / kappa


def test_lesson_6_asks_for_betas_the_explorer_does_not_open_at_and_names_their_first_steps():
    text = markdown("06_adam.ipynb", "## Explore")
    explorer = show("adam")
    beta_1, beta_2 = (explorer.controls[name].value for name in ("beta_1", "beta_2"))
    assert f"opens at β₁ = {beta_1:g}, β₂ = {beta_2:g}" in text

    def first_step() -> float:
        return float(re.search(r"([\d.]+) η without", explorer.last_status.message).group(1))

    closed_form = (1 - beta_1) / math.sqrt(1 - beta_2)
    assert first_step() == pytest.approx(closed_form, rel=1e-3)
    assert f"already {closed_form:.3g} η" in text
    asked_beta_2 = float(re.search(r"push β₂ on to ([\d.]+)", text).group(1))
    asked_beta_1 = float(re.search(r"raise β₁ to ([\d.]+)", text).group(1))
    assert asked_beta_2 != beta_2 and asked_beta_1 != beta_1
    explorer.set(beta_2=asked_beta_2)
    assert f"for {first_step():.3g} η" in text
    explorer.set(beta_2=beta_2, beta_1=asked_beta_1)
    assert f"({first_step():.3g} η)" in text
