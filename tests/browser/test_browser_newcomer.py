"""A newcomer's first run: clone the repository, type the README's command, meet lesson 1.

The committed HEAD is cloned into a temporary folder and the README's command that opens the
course (``make lab``) runs there exactly as written, once as root (a container, a cloud VM, many
hub images) and once as a normal user (created with ``useradd`` when the suite runs as root): it
builds ``.venv`` from requirements.txt and starts JupyterLab. Nothing is prepared for it: no
Jupyter configuration is written, no flag is added, and the per-user Jupyter folders point into
empty temporary folders, so that the machine's own set-up cannot help or hinder. The learner's web
browser is a one-line script named by ``BROWSER`` (the variable Python's ``webbrowser`` reads,
like any desktop's default browser) that writes down the address JupyterLab asks it to open;
the server's port and token are read where JupyterLab itself publishes them, its runtime file.

Chromium then opens that address, as the learner's browser would. The only instrumentation is in
the browser: a script turns ``exposeAppInBrowser`` on in the page's configuration as the page
loads, so that the test can watch the app (``window.jupyterapp``); the server is told nothing. The
first lesson must be there, with the widget extension loaded, runnable and live, its set-up check
answering the slider; and every link of every lesson (to the next lesson, to its exercise) must
lead to a notebook that this server serves.
"""

from __future__ import annotations

import json
import os
import posixpath
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
from pathlib import Path

import labdriver
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A fresh venv takes about a minute to install here, up to four on a slow laptop.
SETUP_TIMEOUT_S = 600
# The normal user the suite creates when it runs as root.
LEARNER = "fo-newcomer"


def readme_open_command(readme: str) -> list[str]:
    """The command the README's "Two commands" section gives for opening the course."""
    assert "## Two commands" in readme, "the README has no 'Two commands' section"
    section = readme.split("## Two commands", 1)[1]
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", section, re.S)
    assert block, "the 'Two commands' section has no code block"
    for line in block.group(1).splitlines():
        command = shlex.split(line, comments=True)
        if command[:2] == ["make", "lab"]:
            return command
    raise AssertionError(f"no `make lab` line in the README's commands:\n{block.group(1)}")


def relative_notebook_links(notebook: Path) -> list[str]:
    """Targets of the Markdown links from ``notebook`` to other notebooks of the course."""
    cells = json.loads(notebook.read_text())["cells"]
    text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    targets = re.findall(r"\]\(([^)\s#]+\.ipynb)\)", text)
    return [target for target in targets if "://" not in target]


def served_root(lesson: str, served_path: str) -> str:
    """The folder of the clone that the server serves, from where the lesson appears in it."""
    assert lesson.endswith(served_path), f"the server shows {served_path}, not {lesson}"
    return lesson[: len(lesson) - len(served_path)].rstrip("/") or "."


class MakeLab(labdriver.JupyterLab):
    """The README's command in a clone, run as ``user``, with no venv on PATH and no config."""

    def __init__(self, clone: Path, home: Path, command: list[str], user: pwd.struct_passwd):
        super().__init__(clone / ".venv" / "bin" / "jupyter", clone, home,
                         startup_timeout=SETUP_TIMEOUT_S)
        self.readme_command = command
        self.user = user
        self.opened = home / "browser-opened.txt"

    def command(self) -> list[str]:
        return self.readme_command

    def environment(self) -> dict[str, str]:
        env = labdriver.isolated_env(self.home)
        # A newcomer's shell: no virtualenv active, not inside another make.
        for variable in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH",
                         "PYTHONHOME"):
            env.pop(variable, None)
        our_venv = (Path(sys.prefix) / "bin").resolve()
        env["PATH"] = os.pathsep.join(
            entry for entry in env.get("PATH", "").split(os.pathsep)
            if entry and Path(entry).resolve() != our_venv
        )
        env.update(HOME=self.user.pw_dir, USER=self.user.pw_name, LOGNAME=self.user.pw_name)
        browser = self.home / "browser"
        browser.write_text(f'#!/bin/sh\necho "$1" > {shlex.quote(str(self.opened))}\n')
        browser.chmod(0o755)
        env["BROWSER"] = f"{browser} %s"
        return env

    def start(self) -> MakeLab:
        self.home.mkdir(parents=True, exist_ok=True)
        env = self.environment()
        give_to(self.user, self.home)
        run_as = {} if self.user.pw_uid == os.geteuid() else {
            "user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.root_dir, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **run_as,
            )
        server = self.published_server(Path(env["JUPYTER_RUNTIME_DIR"]))
        self.port, self.token = server["port"], server["token"]
        labdriver.wait_for_server(self, 60)
        return self

    def published_server(self, runtime: Path) -> dict:
        """What JupyterLab writes in its runtime folder once it listens: port, token, url."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            for found in runtime.glob("jpserver-*.json"):
                try:
                    return json.loads(found.read_text())
                except json.JSONDecodeError:
                    pass  # being written right now
            if self.process.poll() is not None:
                raise AssertionError(
                    f"`{' '.join(self.readme_command)}` as {self.user.pw_name} exited with code "
                    f"{self.process.returncode}:\n{self.log()[-4000:]}")
            time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not start within {self.startup_timeout:.0f} s:\n"
                             f"{self.log()[-4000:]}")

    def address_opened(self, timeout_s: float = 60.0) -> str:
        """The address JupyterLab handed to the web browser."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.opened.exists() and self.opened.read_text().strip():
                return self.opened.read_text().strip()
            time.sleep(0.2)
        raise AssertionError(f"JupyterLab opened no browser:\n{self.log()[-3000:]}")

    def serves(self, path: str) -> bool:
        try:
            self.api(f"api/contents/{urllib.parse.quote(path)}?content=0")
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return False
            raise
        return True


def give_to(user: pwd.struct_passwd, folder: Path) -> None:
    """Make ``user`` the owner of everything in ``folder``, as if they had made it."""
    if user.pw_uid == os.geteuid():
        return
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, user.pw_uid, user.pw_gid)


def normal_user() -> pwd.struct_passwd:
    """A user who is not root: this one when the suite is not root, else LEARNER, made once."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(LEARNER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", LEARNER], check=True)
        return pwd.getpwnam(LEARNER)


# Runs in the page before its own scripts: once the parser has put the page configuration in,
# turn exposeAppInBrowser on there, so that JupyterLab sets window.jupyterapp for the test.
EXPOSE_APP = """
new MutationObserver((mutations, observer) => {
    const element = document.getElementById('jupyter-config-data');
    if (!element) return;
    let config;
    try { config = JSON.parse(element.textContent); } catch { return; }
    config.exposeAppInBrowser = true;
    element.textContent = JSON.stringify(config);
    observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture
def newcomer(request) -> pwd.struct_passwd:
    if request.param == "root":
        if os.geteuid() != 0:
            pytest.skip("the root case needs the suite to run as root (CI does)")
        return pwd.getpwuid(0)
    return normal_user()


@pytest.mark.parametrize("newcomer", ["root", "a normal user"], indirect=True)
def test_a_newcomer_meets_lesson_one_with_the_readme_command(browser, newcomer):
    # A folder the newcomer owns (pytest's own temporary folders are root's alone).
    base = Path(tempfile.mkdtemp(prefix="newcomer-", dir=newcomer.pw_dir
                                 if newcomer.pw_uid else None))
    clone = base / "faster-optimizers"
    subprocess.run(["git", "clone", "--quiet", str(labdriver.REPO), str(clone)], check=True,
                   timeout=120)
    give_to(newcomer, base)
    command = readme_open_command((clone / "README.md").read_text())
    lessons = labdriver.lessons(clone)
    assert lessons, "the committed HEAD has no lesson in notebooks/"
    first = lessons[0]

    lab = MakeLab(clone, base / "home", command, newcomer)
    context = browser.new_context(viewport=labdriver.VIEWPORT)
    try:
        lab.start()
        build_log = lab.log()
        # pip shows its progress as it goes, and packaging the course raises no warning.
        assert "Installing collected packages" in build_log, build_log[-3000:]
        for warning in ("Deprecat", "BuildBackendWarning", "project.license"):
            assert warning not in build_log, f"the build warns ({warning}):\n{build_log[-4000:]}"

        context.add_init_script(EXPOSE_APP)
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(lab.address_opened())
        served_path = labdriver.wait_for_any_notebook(page)
        assert posixpath.basename(served_path) == first.name, (
            f"`{' '.join(command)}` opened {served_path}, not the first lesson {first.name}")

        assert labdriver.WIDGET_MANAGER in labdriver.federated_extensions(page)
        assert labdriver.activated_plugins(page, labdriver.WIDGET_MANAGER)
        schema = lab.setting(labdriver.KERNELS_SETTINGS)["schema"]
        assert schema["properties"]["commsOverSubshells"]["default"] == "disabled"

        assert labdriver.run_all(page), f"{served_path}: Run All reported a failure"
        assert not labdriver.error_outputs(page)
        labdriver.wait_widgets_rendered(page)
        assert not labdriver.page_problems(page)
        check_the_setup_cell_answers(page)
        views = labdriver.explorers(page)
        assert views, "the first lesson shows no explorer"
        before = labdriver.wait_settled(views[0])
        labdriver.press_slider(views[0], 0, labdriver.arrow_with_room(views[0], 0))
        assert labdriver.wait_src_change(views[0], before), "the explorer did not redraw"
        labdriver.close_notebooks(page, lab)

        # From lesson to lesson a newcomer follows the links, to the next lesson and to the
        # exercises; every one must lead somewhere the server started by the command serves.
        root = served_root(first.relative_to(clone).as_posix(), served_path)
        folder = posixpath.dirname(served_path)
        for lesson in lessons:
            for link in relative_notebook_links(lesson):
                target = posixpath.normpath(posixpath.join(folder, link))
                assert not target.startswith("../"), (
                    f"{lesson.name} links to {link}, out of reach: `{' '.join(command)}` serves "
                    f"{root}/ only (start JupyterLab with --ServerApp.root_dir=. to serve the "
                    "whole course)")
                assert lab.serves(target), f"{lesson.name} links to {link}: no such notebook"
        assert lab.serves("exercises"), (
            f"`{' '.join(command)}` serves {root}/ only, so the exercises are out of reach "
            "(start JupyterLab with --ServerApp.root_dir=. to serve the whole course)")
    finally:
        context.close()
        lab.stop()
        # The clone's venv is half a gigabyte: nothing of it is kept.
        shutil.rmtree(base, ignore_errors=True)


def check_the_setup_cell_answers(page) -> None:
    """Lesson 1's set-up check: its slider shows, and its label follows the arrow key."""
    index = labdriver.find_code_cell(page, "setup_check.check()")
    output = labdriver.cell_node(page, index).locator(".jp-OutputArea")
    output.scroll_into_view_if_needed()
    label = output.locator(".widget-label").last
    assert label.text_content().strip() == "3 → 3² = 9"
    handle = output.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(node) => node.textContent.trim() === '4 → 4² = 16'",
                           arg=label.element_handle(), timeout=15_000)
