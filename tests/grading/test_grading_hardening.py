"""The pieces that keep one hostile submission from hurting the run, one at a time: reading
only regular files, bounded decoding, a scratch clean-up that cannot fail, writing that no
link redirects, and learner text escaped for the terminal and for Markdown."""

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from course_lib.exercises.calling import changed_in_place
from course_lib.exercises.escaping import markdown_code, markdown_text, terminal_text
from course_lib.exercises.wire import MAX_DEPTH, Unreadable, decode, encode
from course_lib.grading.outputs import OutputFolder
from course_lib.grading.reading import read_regular_file
from course_lib.grading.scratch import remove_tree


def returns_within(seconds, function, *args):
    """What ``function(*args)`` returned or raised, failing the test if it blocks."""
    outcome = {}

    def call():
        try:
            outcome["value"] = function(*args)
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"{function.__name__} was still blocked after {seconds} s"
    return outcome


def test_a_named_pipe_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe.ipynb")
    outcome = returns_within(5, read_regular_file, tmp_path / "pipe.ipynb")
    assert "is a named pipe" in str(outcome["error"])


@pytest.mark.parametrize(("make", "says"), [
    (lambda path: os.symlink("/dev/zero", path), "is a symbolic link"),
    (lambda path: os.symlink(path.parent / "other.ipynb", path), "is a symbolic link"),
    (lambda path: path.mkdir(), "is a folder"),
    (lambda path: path.write_bytes(b"x" * 1001), "more than the 1,000"),
])
def test_only_a_regular_file_of_bounded_size_is_read(tmp_path, make, says):
    (tmp_path / "other.ipynb").write_text("{}")
    make(tmp_path / "sub.ipynb")
    with pytest.raises(OSError, match=says):
        read_regular_file(tmp_path / "sub.ipynb", limit=1000)
    with pytest.raises(OSError, match="is a character device"):
        read_regular_file(Path("/dev/zero"))
    (tmp_path / "ok.ipynb").write_bytes(b"y" * 1000)
    assert read_regular_file(tmp_path / "ok.ipynb", limit=1000) == b"y" * 1000


def test_decoding_stops_at_the_depth_bound_and_never_raises():
    deep = 1.0
    for _ in range(5000):
        deep = {"__tuple__": [deep]}
    value = decode(deep)
    for _ in range(MAX_DEPTH // 2):
        assert isinstance(value, tuple) and len(value) == 1
        value = value[0]
    while isinstance(value, tuple):
        value = value[0]
    assert isinstance(value, Unreadable) and "nested" in value.description
    nested = 1.0
    for _ in range(600):
        nested = [nested]
    assert "nested" in str(encode(nested))
    shallow = (np.arange(3.0), [1, [2, [3]]])
    back = decode(encode(shallow))
    assert np.array_equal(back[0], shallow[0]) and back[1] == shallow[1]


def test_changed_in_place_names_exactly_the_arguments_whose_value_changed():
    before = {"theta": np.zeros(2), "grad": np.ones(2), "rate": 0.1}
    after = {"theta": np.array([0.0, 1.0]), "grad": np.ones(2), "rate": 0.1}
    assert changed_in_place(before, after) == ("theta",)
    assert changed_in_place(before, {**before, "rate": "0.1"}) == ("rate",)
    assert changed_in_place(before, {}) == ("theta", "grad", "rate")


def deep_tree(top: Path, depth: int, name: str) -> None:
    # Built with folder descriptors: the path soon passes PATH_MAX (4096 bytes).
    folder = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir(name, dir_fd=folder)
        inner = os.open(name, os.O_RDONLY, dir_fd=folder)
        os.close(os.open("f", os.O_CREAT | os.O_WRONLY, dir_fd=inner))
        os.close(folder)
        folder = inner
    os.close(folder)


def test_remove_tree_removes_a_tree_deeper_than_path_max_and_follows_no_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    deep_tree(scratch, 1500, "d" * 20)  # 1500 × 21 bytes: far past PATH_MAX
    os.symlink(outside, scratch / "link")
    (scratch / "locked").mkdir()
    (scratch / "locked" / "f").write_text("x")
    (scratch / "locked").chmod(0)
    remove_tree(str(scratch))
    assert not scratch.exists() and (outside / "keep.txt").read_text() == "keep"


@pytest.mark.parametrize("replace", ["file", "link", "missing"])
def test_remove_tree_of_a_scratch_replaced_by_a_file_or_link_removes_only_that(tmp_path,
                                                                               replace):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    scratch = tmp_path / "scratch"
    if replace == "file":
        scratch.write_text("x")
    elif replace == "link":
        os.symlink(outside, scratch)
    remove_tree(str(scratch))
    assert not os.path.lexists(scratch) and (outside / "keep.txt").read_text() == "keep"


def test_output_files_replace_planted_links_instead_of_writing_through_them(tmp_path):
    victim, victims = tmp_path / "victim.txt", tmp_path / "victims"
    victim.write_text("precious")
    victims.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / "grades.csv")
    os.symlink(victims, out / "feedback")
    with OutputFolder(out) as folder:
        assert folder.write("grades.csv", "a,b\n\ud800\n") == out / "grades.csv"
        with folder.folder("feedback") as inner:
            inner.write("x.md", "# x\n")
        for bad in ("../escape.md", "..", "", "a/b"):
            with pytest.raises(ValueError, match="one file name"):
                folder.write(bad, "x")
    assert victim.read_text() == "precious" and list(victims.iterdir()) == []
    assert not (out / "grades.csv").is_symlink() and not (out / "feedback").is_symlink()
    assert (out / "grades.csv").read_text(encoding="utf-8") == "a,b\n\ufffd\n"
    assert sorted(p.name for p in out.rglob("*")) == ["feedback", "grades.csv", "x.md"]


def test_terminal_text_shows_control_characters_as_codes():
    text = terminal_text("Eve\x1b[2J\x1b]0;owned\x07\r\nend\u202e\ud800")
    assert text == "Eve\\x1b[2J\\x1b]0;owned\\x07\\x0d\\x0aend\\u202e\ufffd"
    assert terminal_text("Zoë · 3/6 ✓") == "Zoë · 3/6 ✓"


def test_markdown_text_is_one_literal_line():
    assert markdown_text("a\n# Heading <b>x</b> [l](u) *e* & |t|") == (
        "a \\# Heading \\<b\\>x\\</b\\> \\[l\\](u) \\*e\\* \\& \\|t\\|")
    assert markdown_text("θ − η∇L, 0.5") == "θ − η∇L, 0.5"
    assert markdown_code("we`ird\nname.ipynb") == "`we'ird name.ipynb`"
