"""Every registered explorer answers every control over its whole range, extremes included."""

import pytest

from course_lib.widgets import EXPLORERS, Status
from course_lib.widgets.sweep import CLICK, PLAY, control_grid, sweep

JPEG_SIGNATURE = b"\xff\xd8\xff"

# Every explorer built anew for each test and every control moved end to end: 40 to 60 s here.
pytestmark = pytest.mark.slow


@pytest.fixture(params=sorted(EXPLORERS))
def explorer(request):
    return EXPLORERS[request.param]()


def test_registry_is_not_empty():
    assert EXPLORERS, "no explorer registered: course_lib.widgets imported no explorer module"


def test_initial_state_is_drawn(explorer):
    assert bytes(explorer.figure.image.value).startswith(JPEG_SIGNATURE)
    assert isinstance(explorer.last_status, Status)
    assert explorer.controls, "an explorer without controls is a picture, not an explorer"


def test_every_control_changes_the_picture_and_never_raises(explorer):
    pictures = {}
    for move in sweep(explorer, points=7):
        assert move.picture.startswith(JPEG_SIGNATURE)
        assert isinstance(move.status, Status)
        assert "nan" not in move.status.message.lower(), move
        pictures.setdefault(move.control, set()).add(move.picture)
    for name, control in explorer.controls.items():
        if len(control_grid(control)) > 1:
            assert len(pictures.get(name, ())) >= 2, f"moving {name!r} never changed the figure"
    if explorer.landscape is not None:
        for name in (CLICK, PLAY):
            assert len(pictures.get(name, ())) >= 2, f"{name!r} never changed the figure"


def test_the_sweep_leaves_the_explorer_as_it_found_it(explorer):
    before = explorer.values()
    list(sweep(explorer, points=3))
    assert explorer.values() == before
    if explorer.landscape is not None:
        assert explorer.landscape.start.picked is None
        assert explorer.player.step == explorer.player.steps
