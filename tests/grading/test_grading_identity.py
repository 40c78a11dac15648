"""Who is who in a class folder, graded end to end: one id however Unicode spells it, look-alike
ids and claimed names noted on both rows, control characters never written raw, feedback
names that no shell reads as options, ties won by the original, every other file listed, hard
links and copies of a classmate's or a solution's notebook noted, and a flat-layout "-Copy1"
that never raises a learner's marks.

As in test_grading_class_folder, every expected mark is worked out from how the notebook was
made (which answers are the solution's, which the student version's stubs); every expected
note from which file was linked or copied to which."""

import copy
import csv
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from test_grading_class_folder import (
    LIMITS,
    ROOT,
    SCRATCH,
    answered,
    expected_points,
    named,
    released,
    save,
)

from course_lib.exercises import EXERCISES
from course_lib.grading.__main__ import main
from course_lib.grading.copies import copy_mark
from course_lib.grading.gradebook import file_name, spreadsheet_safe
from course_lib.grading.grader import grade
from course_lib.grading.identity import look_alike_key, same_id
from course_lib.grading.learners import discover

NFC_CHLOE, NFD_CHLOE = "chlo\u00e9", "chloe\u0301"
NFC_JOSE, NFD_JOSE = "Jos\u00e9", "Jose\u0301"
# Whatever a terminal would act on: BEL, ESC sequences (OSC 52 writes the clipboard), a C1
# control (CSI, NEL) and DEL.
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
CONTROL_IDS = {"olga\x07": "olga\\x07", f"pete{OSC52}": "pete\\x1b]52;c;cm0gLXJmIH4=\\x07",
               "quin\x9bx": "quin\\x9bx", "ruth\x7f": "ruth\\x7f"}
TOTAL_POINTS = {e: sum(t.points for t in EXERCISES[e].tasks) for e in EXERCISES}


def course_copy(folder: Path) -> Path:
    """The course's exercises (student versions and solutions) as a copy in ``folder``, so
    that a learner's notebook can be a hard link to a solution on the same file system."""
    shutil.copytree(ROOT / "exercises", folder / "exercises",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return folder / "exercises" / "solutions"


def aged(path: Path, seconds_ago: float) -> None:
    when = path.stat().st_mtime - seconds_ago
    os.utime(path, (when, when))


def scratch(name: str | None = None) -> dict:
    notebook = copy.deepcopy(SCRATCH)
    return named(notebook, name) if name else notebook


def build_class(folder: Path, solutions: Path) -> dict:
    """Writes the class; returns, per learner id (in NFC), the expected points per task."""
    # NFC: one learner "chloé" in two spellings (folders), one "José" in two (flat files).
    save(folder / NFC_CHLOE / "ex02_momentum.ipynb", answered("ex02"))
    save(folder / NFD_CHLOE / "ex03_nesterov.ipynb", answered("ex03", {1}))
    save(folder / f"{NFD_JOSE}.ipynb", answered("ex02", {1}))
    save(folder / f"{NFC_JOSE}.ipynb", answered("ex02", {1, 2}))

    # Look-alikes: case, an invisible character, full-width letters, direction isolates.
    for learner_id in ("dana", "Dana", "eve", "e\u200bve", "\uff46\uff52\uff45\uff44", "fred",
                       "hal", "\u2066hal\u2069"):
        (folder / learner_id).mkdir()
    # Claimed names: kate's notebook says it is Liam's; mona and nell both say "Mona Lisa".
    save(folder / "kate" / "scratch.ipynb", scratch("Liam"))
    (folder / "liam").mkdir()
    save(folder / "mona" / "scratch.ipynb", scratch("Mona Lisa"))
    save(folder / "nell" / "scratch.ipynb", scratch("mona  lisa"))

    # Control characters in folder and file names; ids that start like options.
    save(folder / "olga\x07" / "scratch\x1b[2J.ipynb", SCRATCH)
    save(folder / "olga\x07" / "notes\x9b.txt", "x")
    save(folder / f"pete{OSC52}.ipynb", released("ex02", solved=False))
    save(folder / "quin\x9bx" / "scratch.ipynb", SCRATCH)
    save(folder / "ruth\x7f.ipynb", SCRATCH)
    save(folder / "--help" / "scratch.ipynb", SCRATCH)
    save(folder / "-rf.ipynb", SCRATCH)

    # Ties: the copy by its name (though it is older), the exercise's own name (though the
    # other is older), then the file changed first.
    save(folder / "sara" / "ex02_momentum.ipynb", answered("ex02"))
    save(folder / "sara" / "ex02_momentum-Copy1.ipynb", answered("ex02"))
    aged(folder / "sara" / "ex02_momentum-Copy1.ipynb", 3600)
    save(folder / "tom" / "ex02_momentum.ipynb", answered("ex02", {2, 4}))
    save(folder / "tom" / "momentum final.ipynb", answered("ex02", {2, 4}))
    aged(folder / "tom" / "momentum final.ipynb", 3600)
    save(folder / "uma" / "first try.ipynb", answered("ex02", {1, 3}))
    save(folder / "uma" / "second try.ipynb", answered("ex02", {1, 3}))
    aged(folder / "uma" / "second try.ipynb", 3600)

    # Files that are not notebooks: each listed with why; hidden ones are skipped.
    save(folder / "vic" / "ex02_momentum.ipynb", answered("ex02", {4}))
    save(folder / "vic" / "notes.txt", "ask about beta")
    (folder / "vic" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    save(folder / "vic" / "helper.py", "def f():\n    return 1\n")
    save(folder / "vic" / ".DS_Store", "")
    os.symlink("/etc", folder / "vic" / "data")

    # Hard links and copies.
    (folder / "wes").mkdir()
    os.link(solutions / "ex02_momentum.ipynb", folder / "wes" / "ex02_momentum.ipynb")
    save(folder / "yas" / "ex03_nesterov.ipynb", named(answered("ex03", {1, 2}), "Yasmin"))
    (folder / "xan").mkdir()
    os.link(folder / "yas" / "ex03_nesterov.ipynb", folder / "xan" / "ex03_nesterov.ipynb")
    save(folder / "abe" / "ex04_adagrad_rmsprop.ipynb", answered("ex04", {1}))
    (folder / "zed").mkdir()
    shutil.copyfile(folder / "abe" / "ex04_adagrad_rmsprop.ipynb", folder / "zed" / "hw.ipynb")
    save(folder / "cal" / "ex04_adagrad_rmsprop.ipynb", named(answered("ex04", {1}), "Cal"))
    save(folder / "dot" / "ex02_momentum.ipynb", released("ex02", solved=False))
    save(folder / "eli" / "ex02_momentum.ipynb", released("ex02", solved=False))

    # Flat-layout copies that anyone could have handed in under bea's and cy's names.
    save(folder / "bea.ipynb", released("ex02", solved=False))
    save(folder / "bea-Copy1.ipynb", answered("ex02"))
    save(folder / "cy.ipynb", answered("ex02", {1}))
    save(folder / "cy-Copy1.ipynb", answered("ex03"))

    none = expected_points("ex02", set())
    return {
        NFC_CHLOE: {**expected_points("ex02"), **expected_points("ex03", {1})},
        NFC_JOSE: expected_points("ex02", {1, 2}),
        **{learner_id: {} for learner_id in ("dana", "Dana", "eve", "e\u200bve", "fred",
                                             "\uff46\uff52\uff45\uff44", "hal",
                                             "\u2066hal\u2069", "kate", "liam", "mona",
                                             "nell", "olga\x07", "quin\x9bx", "ruth\x7f",
                                             "--help", "-rf")},
        f"pete{OSC52}": none,
        "sara": expected_points("ex02"),
        "tom": expected_points("ex02", {2, 4}),
        "uma": expected_points("ex02", {1, 3}),
        "vic": expected_points("ex02", {4}),
        "wes": expected_points("ex02"),
        "yas": expected_points("ex03", {1, 2}),
        "xan": expected_points("ex03", {1, 2}),
        "abe": expected_points("ex04", {1}),
        "zed": expected_points("ex04", {1}),
        "cal": expected_points("ex04", {1}),
        "dot": none,
        "eli": none,
        "bea": none,
        "cy": expected_points("ex02", {1}),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    solutions = course_copy(tmp_path_factory.mktemp("course"))
    folder = tmp_path_factory.mktemp("class") / "submitted"
    folder.mkdir()
    expected = build_class(folder, solutions)
    out = tmp_path_factory.mktemp("graded")
    printed = []
    grades = grade([folder], out, seed=11, limits=LIMITS, jobs=2, solutions=solutions,
                   log=printed.append)
    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        header, maximum, *rows = list(csv.reader(handle))
    assert maximum[0] == "max"
    return {"expected": expected, "grades": grades, "out": out, "printed": printed,
            "rows": {row[0]: dict(zip(header, row, strict=True)) for row in rows},
            "count": len(rows), "solutions": solutions}


def row(graded, learner_id: str) -> dict[str, str]:
    return graded["rows"][spreadsheet_safe(learner_id)]


def notes(graded, learner_id: str) -> str:
    return row(graded, learner_id)["notes"]


@pytest.mark.slow
def test_every_learner_has_one_row_with_the_marks_worked_out_from_their_notebooks(graded):
    expected = graded["expected"]
    assert graded["count"] == len(expected) == len(graded["rows"])
    for learner_id, points in expected.items():
        found = row(graded, learner_id)
        assert int(found["total"]) == sum(points.values()), learner_id
        for task_id, value in points.items():
            assert int(found[task_id]) == value, (learner_id, task_id)


@pytest.mark.slow
def test_two_unicode_spellings_of_one_name_are_one_learner_and_the_merge_is_noted(graded):
    assert NFD_CHLOE not in graded["rows"] and NFD_JOSE not in graded["rows"]
    chloe = notes(graded, NFC_CHLOE)
    assert ("one learner under 2 spellings of the same id, merged (ids are compared after "
            "Unicode NFC): chlo\\xe9 (composed, NFC), chloe\\u0301 (decomposed, NFD)") in chloe
    # Both of chloé's notebooks count, each for its own exercise.
    assert row(graded, NFC_CHLOE)["ex02 total"] == "6"
    assert row(graded, NFC_CHLOE)["ex03 total"] == str(EXERCISES["ex03"].tasks[0].points)
    jose = notes(graded, NFC_JOSE)
    assert "Jos\\xe9 (composed, NFC), Jose\\u0301 (decomposed, NFD)" in jose
    assert f"counted {NFC_JOSE}.ipynb (4/6), set aside Jose\\u0301.ipynb (2/6)" in jose


@pytest.mark.slow
@pytest.mark.parametrize(("one", "other", "other_shown"), [
    ("dana", "Dana", "Dana"), ("eve", "e\u200bve", "e\\u200bve"),
    ("fred", "\uff46\uff52\uff45\uff44", "\uff46\uff52\uff45\uff44 (\\uff46\\uff52\\uff45\\uff44)"),
    ("hal", "\u2066hal\u2069", "\\u2066hal\\u2069")])
def test_look_alike_ids_stay_two_learners_and_each_row_names_the_other(graded, one, other,
                                                                       other_shown):
    assert f"looks like {other_shown}, another learner's id" in notes(graded, one)
    assert f"looks like {one}, another learner's id" in notes(graded, other)
    assert "looks like" not in notes(graded, "sara")


@pytest.mark.slow
def test_a_claimed_name_that_matches_another_learner_is_noted_on_both_rows(graded):
    assert ('the name "Liam" in this learner\'s notebooks looks like liam\'s id'
            in notes(graded, "kate"))
    assert ('kate\'s notebooks give the name "Liam", which looks like this learner\'s id'
            in notes(graded, "liam"))
    assert ('the name "Mona Lisa" in this learner\'s notebooks looks like nell\'s claimed '
            'name "mona lisa"' in notes(graded, "mona"))
    assert ('the name "mona lisa" in this learner\'s notebooks looks like mona\'s claimed '
            'name "Mona Lisa"' in notes(graded, "nell"))
    # The name decides nothing: kate's row is kate's, liam keeps his (empty) row.
    assert row(graded, "kate")["name"] == "Liam" and row(graded, "liam")["name"] == ""
    assert "no notebook found" in notes(graded, "liam")


def visible_only(data: bytes, where: str) -> None:
    """Fails if ``data`` holds a byte a terminal acts on: a C0 control other than a line end
    or tab, DEL, or (decoded) a C1 control."""
    raw = [byte for byte in data if byte < 0x20 and byte not in b"\n\r\t"]
    assert raw == [], (where, raw)
    text = data.decode("utf-8")
    assert not re.search("[\x7f-\x9f]", text), (where, re.findall("[\x7f-\x9f]", text))


@pytest.mark.slow
def test_control_characters_in_names_reach_no_output_raw(graded):
    out = graded["out"]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) == 1 + 3 * len(graded["expected"])  # grades.csv; .md, .txt, .html each
    for path in files:
        visible_only(os.fsencode(path.relative_to(out)), f"name {path}")
        visible_only(path.read_bytes(), str(path))
    visible_only("\n".join(graded["printed"]).encode("utf-8"), "console")
    for learner_id, shown in CONTROL_IDS.items():
        assert shown in graded["rows"], learner_id
    assert "olga\\x07/scratch\\x1b[2J.ipynb" in notes(graded, "olga\x07")
    assert "not graded: olga\\x07/notes\\x9b.txt (a .txt file" in notes(graded, "olga\x07")
    pete = (out / row(graded, f"pete{OSC52}")["feedback"]).read_text(encoding="utf-8")
    assert "pete\\\\x1b\\]52;c;cm0gLXJmIH4=\\\\x07" in pete  # Markdown escapes the backslash
    assert any("pete\\x1b]52;c;cm0gLXJmIH4=\\x07: ex02 0/6" in line
               for line in graded["printed"])


@pytest.mark.slow
def test_feedback_names_never_start_with_a_dash_and_cp_star_copies_them_all(graded, tmp_path):
    feedback = graded["out"] / "feedback"
    names = sorted(p.name for p in feedback.iterdir())
    assert not [name for name in names if name.startswith("-")]
    assert row(graded, "--help")["feedback"] == "feedback/learner--help.md"
    assert row(graded, "-rf")["feedback"] == "feedback/learner-rf.md"
    # The check can fail: a file named "--help.md" is read as an option and nothing is copied.
    (tmp_path / "unsafe").mkdir()
    for name in ("--help.md", "a.md"):
        (tmp_path / "unsafe" / name).write_text("x")
    (tmp_path / "returned").mkdir()
    done = subprocess.run(f"cp * {tmp_path / 'returned'}/", shell=True, cwd=tmp_path / "unsafe",
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "option '--help.md'" in done.stderr
    assert list((tmp_path / "returned").iterdir()) == []
    done = subprocess.run(f"cp * {tmp_path / 'returned'}/", shell=True, cwd=feedback,
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert sorted(p.name for p in (tmp_path / "returned").iterdir()) == names
    for name in names:
        assert (tmp_path / "returned" / name).read_bytes() == (feedback / name).read_bytes()


@pytest.mark.slow
def test_on_a_tie_the_original_counts_and_the_notes_say_why(graded):
    sara = notes(graded, "sara")
    assert ("ex02: counted sara/ex02_momentum.ipynb (6/6), set aside "
            "sara/ex02_momentum-Copy1.ipynb (6/6)") in sara
    assert ("ex02: sara/ex02_momentum-Copy1.ipynb scored the same, and the original counts "
            '(sara/ex02_momentum-Copy1.ipynb is named as a copy ("-Copy1"))') in sara
    tom = notes(graded, "tom")
    assert "counted tom/ex02_momentum.ipynb (3/6), set aside tom/momentum final.ipynb (3/6)" \
        in tom
    assert "(tom/ex02_momentum.ipynb has the exercise's own name)" in tom
    uma = notes(graded, "uma")
    assert "counted uma/second try.ipynb (3/6), set aside uma/first try.ipynb (3/6)" in uma
    assert "(uma/second try.ipynb was changed first)" in uma


@pytest.mark.slow
def test_every_file_that_is_not_a_notebook_is_listed_with_why(graded):
    vic = notes(graded, "vic")
    for label, why in (("vic/data", "a symbolic link, not followed"),
                       ("vic/helper.py", "a Python file"),
                       ("vic/notes.txt", "a .txt file"),
                       ("vic/plot.png", "an image (.png)")):
        assert f"not graded: {label} ({why}: only notebooks (.ipynb) are graded)" in vic
    assert ".DS_Store" not in vic and "/etc" not in vic
    feedback = (graded["out"] / row(graded, "vic")["feedback"]).read_text()
    assert "## Not graded" in feedback and "`vic/plot.png`: an image (.png)" in feedback
    assert "  vic: vic/helper.py: a Python file" in "\n".join(graded["printed"])


@pytest.mark.slow
def test_hard_links_and_copies_are_noted_on_every_row_they_touch(graded):
    solution = graded["solutions"] / "ex02_momentum.ipynb"
    assert (f"wes/ex02_momentum.ipynb is a hard link, one file under 2 names: the same file as "
            f"the course's {solution}") in notes(graded, "wes")
    assert ("yas/ex03_nesterov.ipynb is a hard link, one file under 2 names: the same file as "
            "xan's xan/ex03_nesterov.ipynb") in notes(graded, "yas")
    assert ("xan/ex03_nesterov.ipynb is a hard link, one file under 2 names: the same file as "
            "yas's yas/ex03_nesterov.ipynb") in notes(graded, "xan")
    assert "zed/hw.ipynb is identical to abe's abe/ex04_adagrad_rmsprop.ipynb" in notes(
        graded, "zed")
    assert "abe/ex04_adagrad_rmsprop.ipynb is identical to zed's zed/hw.ipynb" in notes(
        graded, "abe")
    assert ("cal/ex04_adagrad_rmsprop.ipynb is identical in its code cells to abe's "
            "abe/ex04_adagrad_rmsprop.ipynb, zed's zed/hw.ipynb") in notes(graded, "cal")
    assert "identical in its code cells to cal's" in notes(graded, "abe")
    # The solution's code in a notebook of one's own is a copy too.
    assert (f"sara/ex02_momentum.ipynb is identical in its code cells to bea's bea-Copy1.ipynb, "
            f"{NFC_CHLOE}'s {NFC_CHLOE}/ex02_momentum.ipynb, wes's wes/ex02_momentum.ipynb, "
            f"the course's {solution}") in notes(graded, "sara")
    # Notebooks that answer no exercise (kate's and mona's scratch) are not compared.
    assert "identical" not in notes(graded, "kate") + notes(graded, "mona")
    # Student versions handed in unchanged are alike by nature: nothing to note.
    for learner_id in ("dot", "eli"):
        assert "identical" not in notes(graded, learner_id), learner_id
    assert "bea.ipynb is identical" not in notes(graded, "bea")
    assert "hard link" not in notes(graded, "abe") and "identical" not in notes(graded, "tom")


@pytest.mark.slow
def test_a_flat_layout_copy_never_raises_the_learners_marks(graded):
    assert ("ex02: bea-Copy1.ipynb scored more (6/6) but does not count: a flat-layout copy "
            "never counts above the learner's own bea.ipynb") in notes(graded, "bea")
    ex03 = TOTAL_POINTS["ex03"]
    assert (f"ex03: held cy-Copy1.ipynb ({ex03}/{ex03}), not counted: a flat-layout copy of "
            "cy.ipynb, which answers another exercise") in notes(graded, "cy")
    assert row(graded, "cy")["ex03 total"] == ""
    printed = "\n".join(graded["printed"])
    assert f"  cy: cy-Copy1.ipynb {ex03}/{ex03}; held for you to decide" in printed
    cy = (graded["out"] / row(graded, "cy")["feedback"]).read_text()
    assert "## Held for your instructor" in cy


def test_ids_are_one_learner_after_nfc_and_look_alike_keys_ignore_what_does_not_show(
        tmp_path):
    for spelling in (NFC_CHLOE, NFD_CHLOE):
        save(tmp_path / spelling / "scratch.ipynb", SCRATCH)
    (learner,) = discover([tmp_path])
    assert learner.id == NFC_CHLOE == same_id(NFD_CHLOE)
    assert {s.label for s in learner.submissions} == {
        f"{NFC_CHLOE}/scratch.ipynb", "chloe\\u0301/scratch.ipynb"}
    assert unicodedata.is_normalized("NFC", learner.id)
    assert {look_alike_key(t) for t in ("bob", "BOB", "b\u200bo\u200db", "\u202ebob\u202c",
                                        "\uff42\uff4f\uff42", " bob ")} == {"bob"}
    assert look_alike_key("bob") != look_alike_key("rob")


@pytest.mark.parametrize(("stem", "mark"), [
    ("ex02_momentum-Copy1", "-Copy1"), ("momentum copy", " copy"), ("momentum_copy2", "_copy2"),
    ("momentum (2)", " (2)"), ("Copy of momentum", "Copy of "), ("ex02_momentum", ""),
    ("copycat", ""), ("scopy", "")])
def test_copy_names_are_recognised(stem, mark):
    assert copy_mark(stem) == mark


def test_a_feedback_name_never_starts_with_a_dash():
    used: set[str] = set()
    assert [file_name(learner_id, used) for learner_id in ("--help", "-rf", "-", "a-b")] == [
        "learner--help", "learner-rf", "learner-", "a-b"]


def test_a_flat_copy_is_its_learners_only_when_the_learners_own_file_is_there(tmp_path):
    for name in ("bob-Copy1.ipynb", "ann.ipynb", "ann-Copy2.ipynb"):
        save(tmp_path / name, SCRATCH)
    learners = {learner.id: {s.label: s.copy_of for s in learner.submissions}
                for learner in discover([tmp_path])}
    assert learners == {"ann": {"ann-Copy2.ipynb": "ann.ipynb", "ann.ipynb": ""},
                        "bob-Copy1": {"bob-Copy1.ipynb": ""}}


def test_a_solutions_folder_that_is_not_there_is_refused_by_name(tmp_path, capsys):
    save(tmp_path / "submitted" / "amy.ipynb", SCRATCH)
    missing = tmp_path / "nowhere"
    assert main(["grade", str(tmp_path / "submitted"), "--out", str(tmp_path / "out"),
                 "--solutions", str(missing), "--unsafe"]) == 2
    assert f"solutions must be a folder of solution notebooks, got {missing}" in (
        capsys.readouterr().err)
    assert not (tmp_path / "out").exists()
