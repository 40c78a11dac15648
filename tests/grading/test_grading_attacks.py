"""Hostile submissions graded beside honest ones: every honest learner keeps full marks,
grades.csv is always written, no process outlives the run, and nothing outside the output
folder changes — not the course, not the submissions, not the grader's home directory.

One class is graded in the sandbox with every attack at once (the attacks run two at a
time, beside the honest learners). A few attacks are graded again without the sandbox
(``unsafe``): there they succeed, which shows that the sandboxed zeros are the sandbox's
doing and not an attack that never worked.
"""

import csv
import hashlib
import io
import os
import socket
import stat
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from test_grading_grader import FAST, ex02_cells, write_notebook

import course_lib
from course_lib.exercises.escaping import readable
from course_lib.grading.__main__ import main
from course_lib.grading.grader import grade

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(course_lib.__file__).resolve().parent
FULL = {"ex02.q1": 2, "ex02.q2": 2, "ex02.q3": 1, "ex02.q4": 1}
HONEST = ("honest_a", "honest_m", "honest_z")
MALLORY = "mal\x1b]0;owned\x07lory"  # a file name that retitles a terminal window
SECRET = "hunter2"
SLEEP_MARK = "987.654"

STUBS = ex02_cells(**{name: f"def {name}(**kwargs):\n    raise NotImplementedError()"
                      for name in ("momentum_step", "terminal_velocity", "speedup",
                                   "lower_beta_answer")})


def snapshot(*folders: Path) -> dict:
    """Every entry under ``folders`` by kind, content and change time, without opening any
    pipe or following any link."""
    seen = {}
    for folder in folders:
        for path in [folder, *folder.rglob("*")]:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                seen[path] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(),
                              info.st_mtime_ns)
            elif stat.S_ISLNK(info.st_mode):
                seen[path] = ("link", os.readlink(path))
            else:
                seen[path] = (stat.S_IFMT(info.st_mode), info.st_mtime_ns)
    return seen


def leftover_processes(mark: str) -> list[int]:
    """Processes whose command line contains ``mark`` (a number no honest program uses)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark in (entry / "cmdline").read_bytes().decode(
                    "utf-8", "replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted, self.running = 0, True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


def stealing(victim: Path) -> list[str]:
    """Stubs, then a cell that runs a classmate's code cells if it can read their notebook."""
    return ex02_cells(after=[(
        "import json\n"
        "try:\n"
        f"    stolen = json.load(open({str(victim)!r}))\n"
        "except OSError:\n"
        "    stolen = {'cells': []}\n"
        "for cell in stolen['cells'][1:5]:\n"
        "    exec(''.join(cell['source']))")],
        **{name: f"def {name}(**kwargs):\n    raise NotImplementedError()"
           for name in ("momentum_step", "terminal_velocity", "speedup",
                        "lower_beta_answer")})


def snooping(fake_home: Path, port: int) -> list[str]:
    """Right answers only for what the submission could learn: the grader's environment,
    its ~/.netrc, and the network."""
    return ex02_cells(
        speedup=("def speedup():\n"
                 "    try:\n"
                 f"        return 20.0 if 'hunter' in open({str(fake_home / '.netrc')!r}).read()"
                 " else 0.0\n"
                 "    except OSError:\n"
                 "        return 0.0"),
        lower_beta_answer=("def lower_beta_answer():\n    import os\n"
                           f"    return 'b' if os.environ.get('COURSE_TEST_SECRET') == {SECRET!r}"
                           " else 'a'"),
        terminal_velocity=("def terminal_velocity(grad, learning_rate, momentum):\n"
                           "    import socket\n"
                           "    try:\n"
                           f"        socket.create_connection(('127.0.0.1', {port}), 1).close()\n"
                           "    except OSError:\n"
                           "        return grad * 0.0\n"
                           "    return -learning_rate * grad / (1 - momentum)"))


DEEP_TREE = ("import os\nhere = os.getcwd()\nfor _ in range(1500):\n"
             "    os.mkdir('d')\n    os.chdir('d')\nos.chdir(here)")
SCRATCH_TO_FILE = ("import os, shutil\nhere = os.getcwd()\nos.chdir('/')\n"
                   "try:\n    shutil.rmtree(here)\n    open(here, 'w').write('x')\n"
                   "except OSError:\n    pass")
SCRATCH_TO_LINK = ("import os, shutil\nhere = os.getcwd()\nos.chdir('/')\n"
                   "try:\n    shutil.rmtree(here)\n    os.symlink({target!r}, here)\n"
                   "except OSError:\n    pass")


def attacks(folder: Path, out: Path, fake_home: Path, port: int) -> dict[str, list[str]]:
    honest = folder / "honest_a.ipynb"
    course_file = PACKAGE / "grading" / "calling.py"
    return {
        # Item 1: an answer nested 600 deep, sent past the runner's own encoder.
        "deep_answer": ex02_cells(before=[
            "import course_lib.exercises.calling as calling\n"
            "deep = 1.0\nfor _ in range(600):\n    deep = [deep]\n"
            "calling.Outcome.to_plain = lambda self: {'status': 'answered', 'answer': deep, "
            "'detail': '', 'mutated': []}"]),
        "deep_tree": ex02_cells(before=[DEEP_TREE]),
        "scratch_to_file": ex02_cells(before=[SCRATCH_TO_FILE]),
        "scratch_to_link": ex02_cells(before=[SCRATCH_TO_LINK.format(target=str(fake_home))]),
        # Item 2: processes that outlive the run, signals, other files, secrets, the network.
        "double_fork": ex02_cells(before=[
            "import os, time\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            "        if os.fork() == 0:\n"
            f"            os.execv('/bin/sleep', ['sleep', {SLEEP_MARK!r}])\n"
            "        time.sleep(2)\n"
            "        try:\n"
            f"            open({str(out / 'grades.csv')!r}, 'w').write('forged')\n"
            "        finally:\n"
            "            os._exit(0)\n"
            "    os._exit(0)"]),
        "fork_bomb": ex02_cells(before=[
            "import os\nchildren = 0\ntry:\n    for _ in range(200):\n"
            "        if os.fork() == 0:\n"
            f"            os.execv('/bin/sleep', ['sleep', {SLEEP_MARK!r}])\n"
            "        children += 1\nexcept OSError:\n    pass"]),
        "killer": ex02_cells(before=[
            "import os, signal\n"
            "for pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
            "    if pid != os.getpid():\n"
            "        try:\n            os.kill(pid, signal.SIGKILL)\n"
            "        except OSError:\n            pass\n"
            "try:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError:\n    pass"]),
        "stealer": stealing(honest),
        "snooper": snooping(fake_home, port),
        "vandal": ex02_cells(before=[
            "for target in (" + ", ".join(repr(str(p)) for p in (
                course_file, ROOT / "exercises" / "ex02_momentum.ipynb", honest,
                fake_home / ".netrc")) + "):\n"
            "    try:\n        open(target, 'a').write('# vandalised')\n"
            "    except OSError:\n        pass"]),
        # Item 3: text aimed at the instructor's terminal and the feedback file.
        "shouter": ex02_cells(before=[
            "import course_lib.exercises.calling as calling\n"
            "plain = calling.Outcome.to_plain\n"
            "def loud(self):\n"
            "    data = plain(self)\n"
            "    data['detail'] = '\\x1b[2J\\n## All cases passed\\n<img src=x onerror=alert(1)>'\n"
            "    return data\n"
            "calling.Outcome.to_plain = loud"],
            momentum_step=("def momentum_step(**kwargs):\n"
                           "    raise ValueError('\\x1b]0;owned\\x07 <script>alert(1)</script>')")),
        # Item 4: changing the inputs, and telling the grader it did not.
        "liar": ex02_cells(
            before=["import course_lib.exercises.calling as calling\n"
                    "calling.changed_in_place = lambda before, after: ()\n"
                    "calling._unchanged = lambda after, before: True"],
            momentum_step=("def momentum_step(theta, velocity, grad, learning_rate, momentum):\n"
                           "    velocity *= momentum\n    velocity -= learning_rate * grad\n"
                           "    theta += velocity\n    return theta, velocity")),
    }


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacked")
    folder, out, fake_home = base / "submissions", base / "out", base / "home"
    fake_home.mkdir()
    (fake_home / ".netrc").write_text("machine example.org login me password hunter2\n")
    victims = base / "victims"
    (victims / "folder").mkdir(parents=True)
    (victims / "notes.txt").write_text("the instructor's notes\n")
    (victims / "answers.md").write_text("not feedback\n")
    os.symlink(victims / "answers.md", victims / "folder" / "honest_a.md")
    out.mkdir()
    os.symlink(victims / "notes.txt", out / "grades.csv")
    os.symlink(victims / "folder", out / "feedback")

    listener = Listener()
    for name in HONEST:
        write_notebook(folder / f"{name}.ipynb", ex02_cells())
    for name, cells in attacks(folder, out, fake_home, listener.port).items():
        write_notebook(folder / f"{name}.ipynb", cells)
    write_notebook(folder / "ann.ipynb", ex02_cells(),
                   {"course": {"exercise": "ex02", "learner": "\ud800 Ann"}})
    write_notebook(folder / os.fsdecode(b"b\xe9a.ipynb"), ex02_cells())
    write_notebook(folder / "eve.ipynb", ex02_cells(), {"course": {
        "exercise": "ex02", "learner": "Eve\x1b[2J\n# All passed <b onclick=x()>"}})
    write_notebook(folder / f"{MALLORY}.ipynb", ex02_cells())
    os.mkfifo(folder / "fifo.ipynb")
    os.symlink("/dev/zero", folder / "zero.ipynb")
    os.symlink(folder / "honest_a.ipynb", folder / "copycat.ipynb")

    watched = (PACKAGE, ROOT / "exercises", folder, fake_home, victims)
    before = snapshot(*watched)
    saved = {name: os.environ.get(name) for name in ("COURSE_TEST_SECRET", "HOME")}
    os.environ.update(COURSE_TEST_SECRET=SECRET, HOME=str(fake_home))
    lines = []
    try:
        graded = grade([folder], out, seed=5, limits=FAST, jobs=2, log=lines.append)
        csv_after_run = (out / "grades.csv").read_bytes()
        time.sleep(2.5)  # the double fork's grandchild would write grades.csv after 2 s
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        listener.close()
    return {"graded": {g.id: g for g in graded}, "out": out,
            "before": before, "after": snapshot(*watched), "lines": lines,
            "csv_after_run": csv_after_run, "connections": listener.accepted,
            "left": leftover_processes(SLEEP_MARK)}


def points(graded):
    return {task_id: result.points for task_id, result in graded.results.items()}


def feedback_file(out: Path, graded) -> str:
    """The feedback to hand back to ``graded``'s learner: the file their one row names."""
    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle)
                if row["learner"] == readable(graded.id)]
    assert len(rows) == 1, rows
    return (out / rows[0]["feedback"]).read_text()


SANDBOXED_ATTACKERS = ("deep_tree", "scratch_to_file", "scratch_to_link", "double_fork",
                       "fork_bomb", "vandal")


@pytest.mark.slow
def test_every_honest_learner_keeps_full_marks(attacked):
    graded = attacked["graded"]
    for name in (*HONEST, "ann", os.fsdecode(b"b\xe9a"), "eve", MALLORY,
                 *SANDBOXED_ATTACKERS):
        assert points(graded[name]) == FULL, name


@pytest.mark.slow
def test_nothing_outside_the_output_folder_changed(attacked):
    before, after = attacked["before"], attacked["after"]
    assert after.keys() == before.keys()
    assert {path for path in before if before[path] != after[path]} == set()


@pytest.mark.slow
def test_no_process_outlives_the_run_and_grades_csv_is_not_rewritten(attacked):
    assert attacked["left"] == []
    assert (attacked["out"] / "grades.csv").read_bytes() == attacked["csv_after_run"]
    assert b"forged" not in attacked["csv_after_run"]


@pytest.mark.slow
def test_grades_csv_has_a_row_for_every_submission_even_unreadable_ones(attacked):
    out = attacked["out"]
    assert not (out / "grades.csv").is_symlink() and not (out / "feedback").is_symlink()
    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in list(csv.DictReader(handle))[1:]}  # not max
    assert len(rows) == len(attacked["graded"])
    assert "is a named pipe" in rows["fifo"]["notes"] and rows["fifo"]["total"] == "0"
    assert "is a symbolic link" in rows["zero"]["notes"]
    assert "is a symbolic link" in rows["copycat"]["notes"]
    assert rows["ann"]["name"] == "\ufffd Ann"
    assert rows["ann"]["total"] == rows["b\ufffda"]["total"] == "6"


@pytest.mark.slow
def test_an_answer_nested_600_deep_is_a_wrong_answer_not_a_crash(attacked):
    deep = attacked["graded"]["deep_answer"]
    assert points(deep) == dict.fromkeys(FULL, 0)
    assert "returned a list of 1 item" in feedback_file(attacked["out"], deep)


@pytest.mark.slow
def test_a_submission_cannot_read_a_classmate_the_environment_home_or_network(attacked):
    graded = attacked["graded"]
    assert points(graded["stealer"]) == dict.fromkeys(FULL, 0)
    assert points(graded["snooper"]) == {"ex02.q1": 2, "ex02.q2": 0, "ex02.q3": 0,
                                               "ex02.q4": 0}
    assert attacked["connections"] == 0


@pytest.mark.slow
def test_killing_every_visible_process_hurts_only_the_killer(attacked):
    assert points(attacked["graded"]["killer"]) == FULL


@pytest.mark.slow
def test_the_in_place_check_is_the_graders_whatever_the_submission_claims(attacked):
    liar = attacked["graded"]["liar"]
    assert points(liar) == {**FULL, "ex02.q1": 0}
    assert "in place" in feedback_file(attacked["out"], liar)


@pytest.mark.slow
def test_learner_text_cannot_reach_the_terminal_or_the_feedback_as_markup(attacked):
    out, graded = attacked["out"], attacked["graded"]
    assert not any("\x1b" in line or "\n" in line for line in attacked["lines"])
    for name in ("eve", "shouter", MALLORY):
        text = feedback_file(out, graded[name])
        assert "\x1b" not in text and "\x07" not in text
        headings = [line for line in text.splitlines() if line.startswith("#")]
        assert all(line.startswith(("# Feedback for ", "## ex02", "### ")) for line in headings)
        assert all("<" not in line.replace("\\<", "") for line in text.splitlines())
    eve = feedback_file(out, graded["eve"])
    # The display name from metadata loses its escape and line break (each a space); then a
    # backslash goes before each character CommonMark would read as markup.
    assert eve.splitlines()[0] == ("# Feedback for eve (Eve \\[2J \\# All passed "
                                   "\\<b onclick=x()\\>)")
    # A control character in the learner's id (their file's name) is shown as its code,
    # whose own backslash is escaped too.
    mallory = feedback_file(out, graded[MALLORY])
    assert mallory.splitlines()[0] == "# Feedback for mal\\\\x1b\\]0;owned\\\\x07lory"
    assert any("mal\\x1b]0;owned\\x07lory: ex02 6/6" in line for line in attacked["lines"])


@pytest.mark.slow
def test_without_the_sandbox_the_same_attacks_succeed(tmp_path):
    folder, out, fake_home = tmp_path / "in", tmp_path / "out", tmp_path / "home"
    fake_home.mkdir()
    (fake_home / ".netrc").write_text("machine example.org login me password hunter2\n")
    write_notebook(folder / "honest_a.ipynb", ex02_cells())
    write_notebook(folder / "stealer.ipynb", stealing(folder / "honest_a.ipynb"))
    listener = Listener()
    write_notebook(folder / "snooper.ipynb", snooping(fake_home, listener.port))
    for name, attack in (("deep_tree", DEEP_TREE), ("scratch_to_file", SCRATCH_TO_FILE),
                         ("scratch_to_link",
                          SCRATCH_TO_LINK.format(target=str(fake_home)))):
        write_notebook(folder / f"{name}.ipynb", ex02_cells(before=[attack]))
    before = snapshot(folder, fake_home)
    os.environ["COURSE_TEST_SECRET"] = SECRET
    try:
        graded = {g.id: g for g in grade([folder], out, seed=5, limits=FAST, jobs=2,
                                         unsafe=True)}
    finally:
        os.environ.pop("COURSE_TEST_SECRET")
        listener.close()
    assert points(graded["stealer"]) == FULL
    assert points(graded["snooper"]) == FULL and listener.accepted > 0
    # Even without the sandbox, a scratch folder made deep, or swapped for a file or a
    # link, is cleaned up without stopping the run or touching the link's target.
    for name in ("honest_a", "deep_tree", "scratch_to_file", "scratch_to_link"):
        assert points(graded[name]) == FULL, name
    assert snapshot(folder, fake_home) == before


def test_grading_refuses_without_a_sandbox_and_says_why(tmp_path, monkeypatch):
    import course_lib.grading.jail as jail

    path = write_notebook(tmp_path / "in" / "fay.ipynb", STUBS)
    monkeypatch.setattr(jail.shutil, "which", lambda name: None)
    stderr = io.StringIO()
    with redirect_stderr(stderr), redirect_stdout(io.StringIO()):
        assert main(["grade", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "bubblewrap is not installed" in stderr.getvalue()
    assert "--unsafe" in stderr.getvalue()
    assert not (tmp_path / "out").exists()


def test_a_bubblewrap_that_cannot_make_a_sandbox_is_refused_with_its_reason(monkeypatch):
    import course_lib.grading.jail as jail

    monkeypatch.setattr(jail.shutil, "which",
                        lambda name: "/bin/false" if name == "bwrap" else f"/usr/bin/{name}")
    with pytest.raises(jail.SandboxUnavailable, match="could not run Python in a sandbox"):
        jail.Jail.find()


@pytest.mark.slow
def test_the_unprivileged_user_namespace_sandbox_grades_too(tmp_path):
    # What an instructor's own account gets; as root the grader uses setpriv instead.
    from course_lib.grading.grader import Grader
    from course_lib.grading.learners import discover

    grader = Grader(seed=5, limits=FAST)
    grader.jail.setpriv = None
    grader.jail.probe()
    path = write_notebook(tmp_path / "ida.ipynb", ex02_cells(before=[
        "import os\nassert os.environ.get('HOME') == '/tmp' and not os.path.exists("
        f"{str(tmp_path)!r})"]))
    (graded,) = grader.grade(discover([path]))
    assert points(graded) == FULL
    assert graded.exercises["ex02"].counted.execution.cell_problems == {}


@pytest.mark.slow
def test_whatever_fails_on_one_learner_is_a_note_on_their_row_and_the_others_are_graded(
        tmp_path, monkeypatch):
    import course_lib.grading.learners as learners
    from course_lib.grading.grader import Grader

    folder, out = tmp_path / "submitted", tmp_path / "out"
    for learner in ("amy", "bob", "cid", "dan", "fay"):
        write_notebook(folder / f"{learner}.ipynb", ex02_cells())
    write_notebook(folder / "gus" / "ex02_momentum.ipynb", ex02_cells())
    os.mkfifo(folder / "gus" / "ex02_momentum-Copy1.ipynb")  # in a learner's folder
    write_notebook(tmp_path / "elsewhere" / "ex02_momentum.ipynb", ex02_cells())
    os.symlink(tmp_path / "elsewhere", folder / "hal")
    write_notebook(folder / "ian" / "ex02_momentum.ipynb", ex02_cells())
    (out / "feedback" / "cid.md").mkdir(parents=True)  # cid's feedback cannot be written

    def failing(function, learner_of):
        def wrapped(*args, **kwargs):
            if learner_of(*args) == "fail":
                raise RuntimeError("the grader tripped")
            return function(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(Grader, "run", failing(
        Grader.run, lambda self, s: "fail" if s.learner == "bob" else ""))
    monkeypatch.setattr(Grader, "grade_learner", failing(
        Grader.grade_learner, lambda self, learner, runs: "fail" if learner.id == "dan" else ""))
    monkeypatch.setattr(learners, "read_submission", failing(
        learners.read_submission, lambda path, *rest: "fail" if path.stem == "fay" else ""))
    monkeypatch.setattr(learners, "_notebooks_under", failing(
        learners._notebooks_under, lambda path: "fail" if path.name == "ian" else ""))
    lines = []
    grades = {g.id: g for g in grade([folder], out, seed=5, limits=FAST, jobs=2,
                                     log=lines.append)}

    with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in list(csv.DictReader(handle))[1:]}  # not max
    assert sorted(rows) == sorted(grades) == ["amy", "bob", "cid", "dan", "fay", "gus", "hal",
                                              "ian"]
    assert points(grades["amy"]) == points(grades["cid"]) == points(grades["gus"]) == FULL
    assert rows["amy"]["total"] == rows["cid"]["total"] == rows["gus"]["total"] == "6"
    assert rows["amy"]["feedback"] == "feedback/amy.md" and (out / "feedback/amy.md").is_file()
    assert rows["cid"]["feedback"] == "" and "feedback not written" in rows["cid"]["notes"]
    assert "is a named pipe" in rows["gus"]["notes"]
    for learner, says in (("bob", "the grader failed on this notebook (raised RuntimeError"),
                          ("dan", "the grader failed on this learner (raised RuntimeError"),
                          ("fay", "the grader could not read this notebook (raised "
                                  "RuntimeError"),
                          ("hal", "hal is a link to a folder, not followed"),
                          ("ian", "the grader could not read these files (raised "
                                  "RuntimeError")):
        assert rows[learner]["total"] == "0", learner
        assert says in rows[learner]["notes"], (learner, rows[learner]["notes"])
        assert says in " ".join(lines), learner
        assert says in (out / rows[learner]["feedback"]).read_text().replace("\\", ""), learner


def test_a_course_that_lives_under_tmp_is_still_seen_inside_the_sandbox(tmp_path):
    # CI clones the course into a folder that may sit under /tmp; the sandbox's private /tmp
    # must not hide it (it did: "setpriv: failed to execute /tmp/…/.venv/bin/python").
    import sys
    import tempfile

    from course_lib.grading.jail import Jail

    with tempfile.TemporaryDirectory(dir="/tmp") as under_tmp:
        module = Path(under_tmp) / "course" / "probe_module.py"
        module.parent.mkdir()
        module.write_text("print('seen from', __file__)\n")
        module.parent.chmod(0o755)
        jail = Jail.find()
        jail.views = (*jail.views, str(module.parent))
        done = jail.run([sys.executable, str(module)], 60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode().strip() == f"seen from {module}"
        # Its own /tmp is still private: the folder beside the course is not there.
        done = jail.run([sys.executable, "-c", f"import os; print(os.listdir({under_tmp!r}))"],
                        60)
        assert done.stdout.decode().strip() == "['course']"
