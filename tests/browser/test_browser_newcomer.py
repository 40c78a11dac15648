"""A newcomer's first run: clone the repository, type the README's command, meet lesson 1.

The committed HEAD is cloned into a temporary folder and the README's command that opens
the course (``make lab``) runs there exactly as written: it builds ``.venv`` from
requirements.txt (pip's cache is reused, as on a learner's second try) and starts
JupyterLab. The only thing the test adds is a Jupyter configuration file in a private
``JUPYTER_CONFIG_DIR``, which every Jupyter command reads: 127.0.0.1, a free port, a random
token, and, as the web browser, a one-line script that writes down the address JupyterLab
asks it to open. Chromium then opens that address, as the learner's browser would, and the
first lesson must be there, with the widget extension loaded, runnable, and live; and
every link of every lesson (to the next lesson, to its exercise) must lead to a notebook
that this server serves.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from pathlib import Path

import labdriver
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A fresh venv takes one to four minutes to install; JupyterLab answers right after.
SETUP_TIMEOUT_S = 600


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
    """The README's command in a clone, with a private Jupyter configuration and no venv on PATH."""

    def __init__(self, clone: Path, home: Path, command: list[str]):
        super().__init__(clone / ".venv" / "bin" / "jupyter", clone, home,
                         startup_timeout=SETUP_TIMEOUT_S)
        self.readme_command = command
        self.opened = home / "browser-opened.txt"

    def command(self) -> list[str]:
        return self.readme_command

    def environment(self) -> dict[str, str]:
        env = super().environment()
        # A newcomer's shell: no virtualenv active, not inside another make.
        for variable in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH",
                         "PYTHONHOME"):
            env.pop(variable, None)
        our_venv = (Path(sys.prefix) / "bin").resolve()
        env["PATH"] = os.pathsep.join(
            entry for entry in env.get("PATH", "").split(os.pathsep)
            if entry and Path(entry).resolve() != our_venv
        )
        record = f'echo "$0" > {shlex.quote(str(self.opened))}'
        server = {"ip": "127.0.0.1", "port": self.port, "port_retries": 0,
                  "open_browser": True, "browser": f"sh -c {shlex.quote(record)} %s"}
        if os.geteuid() == 0:
            server["allow_root"] = True
        config = {"ServerApp": server, "IdentityProvider": {"token": self.token},
                  "LabApp": {"expose_app_in_browser": True}}
        config_file = Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json"
        config_file.write_text(json.dumps(config, indent=1))
        return env

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


def test_a_newcomer_meets_lesson_one_with_the_readme_command(browser, tmp_path):
    clone = tmp_path / "faster-optimizers"
    subprocess.run(["git", "clone", "--quiet", str(labdriver.REPO), str(clone)], check=True,
                   timeout=120)
    command = readme_open_command((clone / "README.md").read_text())
    lessons = labdriver.lessons(clone)
    assert lessons, "the committed HEAD has no lesson in notebooks/"
    first = lessons[0]

    lab = MakeLab(clone, tmp_path / "home", command)
    context = browser.new_context(viewport=labdriver.VIEWPORT)
    try:
        lab.start()
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
        # The clone's venv is half a gigabyte: pytest keeps its last temporary folders.
        shutil.rmtree(clone, ignore_errors=True)
