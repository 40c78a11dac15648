"""Five learners on a real hub, pulled, collected, graded and returned (benchmarks/hub_room.py)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_a_room_of_five_is_pulled_graded_and_gets_every_feedback_back(hub_tools):
    done = subprocess.run([sys.executable, REPO / "benchmarks" / "hub_room.py", "--learners", "5"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert last == "room: 5 learners, 5 pulled, 5 graded, 5 feedback returned, 0 lost"
    assert re.search(r"explorer moves with 5 kernels active: median \d+ ms", done.stdout)
