"""Lesson 1's set-up check: the versions it reports, the live widget, and the advice."""

import sys

import ipywidgets
import matplotlib
import numpy as np

import course_lib
from course_lib import setup_check


def test_versions_are_the_ones_this_interpreter_imports():
    found = setup_check.versions()
    assert found["python"] == ".".join(map(str, sys.version_info[:3]))
    assert found["numpy"] == np.__version__
    assert found["matplotlib"] == matplotlib.__version__
    assert found["ipywidgets"] == ipywidgets.__version__
    assert found["faster-optimizers"] == course_lib.__version__


def test_a_missing_package_is_named_not_raised():
    assert setup_check.installed_version("no-such-distribution-here") == "not installed"


def test_the_report_names_the_interpreter_and_every_package():
    text = setup_check.report()
    assert sys.executable in text
    for name, version in setup_check.versions().items():
        assert name in text and version in text


def test_the_label_follows_the_slider():
    box = setup_check.live_widget()
    slider, label = box.children
    assert isinstance(slider, ipywidgets.IntSlider) and isinstance(label, ipywidgets.Label)
    assert label.value == "3 → 3² = 9"
    for n in (0, 7, 10):
        slider.value = n
        assert label.value == f"{n} → {n}² = {n * n}"


def test_the_advice_covers_the_known_vscode_problem_with_a_version_that_renders():
    # vscode-jupyter#17504: 8.1.8 renders, 8.1.9 shows nothing.
    assert "vscode-jupyter#17504" in setup_check.ADVICE
    assert 'pip install "ipywidgets==8.1.8"' in setup_check.ADVICE
    assert setup_check.VSCODE_BROKEN_IPYWIDGETS == "8.1.9"


def test_check_prints_the_report_and_returns_the_widget(capsys):
    widget = setup_check.check()
    assert capsys.readouterr().out.strip() == setup_check.report().strip()
    assert isinstance(widget, ipywidgets.HBox)
