"""Drive a real JupyterLab in headless Chromium the way a learner does.

The browser tests and ``benchmarks/browser_latency.py`` share this module. It starts a
JupyterLab server bound to 127.0.0.1 with a random token and throw-away configuration,
runtime, data and user-settings folders (so nothing from the machine's own Jupyter or
matplotlib set-up leaks in), opens notebooks in Chromium, runs them, and moves the
sliders of every explorer with the keyboard and the mouse.

Observations go through ``window.jupyterapp`` (the server runs with
``expose_app_in_browser``): it tells exactly when a run finished, which outputs are
errors and what state the kernel is in, where scraping the page could only guess.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

WIDGET_MANAGER = "@jupyter-widgets/jupyterlab-manager"
KERNELS_SETTINGS = "@jupyterlab/apputils-extension:kernels-settings"

# An explorer: the ipywidgets VBox that holds the GridBox of controls and the figure.
EXPLORER = ".jp-OutputArea-output .widget-vbox:has(> .widget-gridbox):has(> img.widget-image)"


def lessons(repo: Path | None = None) -> list[Path]:
    """The lesson notebooks, in course order."""
    return sorted((repo or REPO).glob("notebooks/[0-9][0-9]_*.ipynb"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A first visit would otherwise pop up a question about fetching Jupyter news (over the
# network); the suite answers it as an offline learner would.
QUIET_NOTIFICATIONS = {"fetchNews": "false", "checkForUpdates": False}


def write_user_settings(settings_dir: Path, plugin: str, values: dict) -> None:
    """Write one plugin's user settings, as JupyterLab's settings editor would save them."""
    package, name = plugin.split(":")
    target = settings_dir / package / f"{name}.jupyterlab-settings"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(values))


def isolated_env(home: Path) -> dict[str, str]:
    """The environment of a Jupyter process whose every per-user folder lives under ``home``."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "JPY_", "IPYTHON", "MPL"))}
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTERLAB_SETTINGS_DIR": "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
    }
    for variable, name in folders.items():
        folder = home / name
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class JupyterLab:
    """A JupyterLab server of this project's venv, on 127.0.0.1, stopped by its process id.

    ``root_dir`` is the folder it serves; ``home`` holds its private Jupyter folders and log.
    Use it as a context manager: the whole process group is killed on exit, whatever happened.
    """

    def __init__(self, jupyter: Path, root_dir: Path, home: Path, startup_timeout: float = 90.0):
        self.jupyter = Path(jupyter)
        self.root_dir = Path(root_dir)
        self.home = Path(home)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.log_path = self.home / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, **query: str) -> str:
        """The address of ``path`` with the token, ready for the browser."""
        query = {**query, "token": self.token}
        return f"{self.base_url}/{path.lstrip('/')}?{urllib.parse.urlencode(query)}"

    def command(self) -> list[str]:
        args = [
            str(self.jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}", "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:
            args.append("--allow-root")
        return args

    def environment(self) -> dict[str, str]:
        return isolated_env(self.home)

    def start(self) -> JupyterLab:
        self.home.mkdir(parents=True, exist_ok=True)
        env = self.environment()
        write_user_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]),
                            "@jupyterlab/apputils-extension:notification", QUIET_NOTIFICATIONS)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.root_dir, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for_server(self, self.startup_timeout)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)
            self.process = None

    def __enter__(self) -> JupyterLab:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        """Call the server's REST API with the token; the decoded JSON, or None for no content."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}", data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def setting(self, plugin: str) -> dict:
        """The settings of one plugin as the running server serves them to the page."""
        return self.api(f"lab/api/settings/{plugin}")

    def shutdown_sessions(self) -> None:
        """Shut down every kernel session, so the next notebook starts from a fresh kernel."""
        for session in self.api("api/sessions"):
            self.api(f"api/sessions/{session['id']}", method="DELETE")


def wait_for_server(lab: JupyterLab, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lab.process is not None and lab.process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with code {lab.process.returncode}:\n{lab.log()[-4000:]}")
        try:
            lab.api("api/status")
            return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(
        f"JupyterLab did not answer within {timeout:.0f} s:\n{lab.log()[-4000:]}")


def stop_process_group(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it started."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def copy_course(repo: Path, destination: Path) -> Path:
    """Copy the lessons and exercises into ``destination``, so a test never writes to the repo."""
    for folder in ("notebooks", "exercises"):
        source = repo / folder
        if source.is_dir():
            shutil.copytree(source, destination / folder,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return destination


def launch_chromium(playwright):
    """Debian's Chromium, headless; the error says how to install it when it is missing."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} not found: the browser tests drive Debian's Chromium "
            "(apt-get install -y chromium); never `playwright install`"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)


# --- Inside the page -------------------------------------------------------------------

_CURRENT_PANEL = "window.jupyterapp.shell.currentWidget"
_COUNT_NOTEBOOKS = """() => Array.from(window.jupyterapp.shell.widgets('main'))
                         .filter(widget => widget.sessionContext).length"""


def open_lab(page, lab: JupyterLab, timeout_ms: float = 90_000) -> None:
    """Load JupyterLab in ``page`` with a fresh workspace and wait until it has restored."""
    page.goto(lab.url("lab", reset=""), wait_until="domcontentloaded")
    page.wait_for_function("() => Boolean(window.jupyterapp)", timeout=timeout_ms)
    page.evaluate("async () => { await window.jupyterapp.restored; }")


def open_notebook(page, path: str, timeout_ms: float = 90_000) -> None:
    """Open ``path`` (relative to the served root) in a new tab, and wait for an idle kernel."""
    page.evaluate(
        "(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", path)
    page.wait_for_function(
        f"""(path) => {{
            const panel = {_CURRENT_PANEL};
            return Boolean(panel && panel.context && panel.context.path === path
                           && panel.context.isReady);
        }}""",
        arg=path, timeout=timeout_ms,
    )
    wait_kernel_idle(page, timeout_ms)


def wait_for_any_notebook(page, timeout_ms: float = 90_000) -> str:
    """Wait until the current tab is a loaded notebook with an idle kernel; return its path."""
    page.wait_for_function("() => Boolean(window.jupyterapp)", timeout=timeout_ms)
    page.wait_for_function(
        f"""() => {{
            const panel = {_CURRENT_PANEL};
            return Boolean(panel && panel.sessionContext && panel.context.isReady);
        }}""",
        timeout=timeout_ms,
    )
    wait_kernel_idle(page, timeout_ms)
    return page.evaluate(f"() => {_CURRENT_PANEL}.context.path")


def wait_kernel_idle(page, timeout_ms: float = 60_000) -> None:
    page.wait_for_function(
        f"""() => {{
            const kernel = {_CURRENT_PANEL}.sessionContext.session?.kernel;
            return Boolean(kernel && kernel.status === 'idle');
        }}""",
        timeout=timeout_ms,
    )


def run_all(page, timeout_ms: float = 120_000) -> bool:
    """Run every cell with JupyterLab's "Run All Cells" command; True when no cell failed."""
    ok = page.evaluate(
        """() => window.jupyterapp.commands.execute('notebook:run-all-cells')""",
    )
    wait_kernel_idle(page, timeout_ms)
    return bool(ok)


def save_notebook(page, timeout_ms: float = 30_000) -> None:
    """Save the open notebook (as Ctrl+S does) and wait until it is saved."""
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(f"() => !{_CURRENT_PANEL}.context.model.dirty", timeout=timeout_ms)


def error_outputs(page) -> list[str]:
    """Every error output of the open notebook ('Name: value'), read from the notebook model."""
    return page.evaluate(
        f"""() => {{
            const found = [];
            const cells = {_CURRENT_PANEL}.content.model.cells;
            for (let i = 0; i < cells.length; i++) {{
                const cell = cells.get(i);
                if (cell.type !== 'code') continue;
                for (const output of cell.outputs.toJSON()) {{
                    if (output.output_type === 'error') {{
                        found.push(`cell ${{i}}: ${{output.ename}}: ${{output.evalue}}`);
                    }}
                }}
            }}
            return found;
        }}"""
    )


def unexecuted_code_cells(page) -> list[int]:
    """Indices of code cells that have no execution count after a run (the run stopped early)."""
    return page.evaluate(
        f"""() => {{
            const missing = [];
            const cells = {_CURRENT_PANEL}.content.model.cells;
            for (let i = 0; i < cells.length; i++) {{
                const cell = cells.get(i);
                if (cell.type === 'code' && cell.sharedModel.getSource().trim()
                    && cell.executionCount === null) missing.push(i);
            }}
            return missing;
        }}"""
    )


def page_problems(page) -> list[str]:
    """Tracebacks printed to stderr and widgets that failed to display, as the page shows them.

    Text is read with ``textContent``: the notebook skips rendering cells out of view
    (``content-visibility``), and ``innerText`` of an unrendered cell is empty.
    """
    problems = []
    stderr = page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    for i in range(stderr.count()):
        text = stderr.nth(i).text_content() or ""
        if "Traceback" in text:
            problems.append(f"traceback on stderr: {text[:600]}")
    broken = page.get_by_text("Error displaying widget")
    for i in range(broken.count()):
        problems.append(f"widget failed: {(broken.nth(i).text_content() or '')[:300]}")
    return problems


@dataclass
class ExplorerView:
    """One explorer on the page: its root element, its figure and its slider handles."""

    page: object
    root: object
    name: str

    @property
    def image(self):
        return self.root.locator(":scope > img.widget-image")

    @property
    def sliders(self):
        return self.root.locator(".widget-gridbox .widget-slider")

    def handle(self, index: int):
        """The (first) handle of slider ``index``: what the mouse grabs and the keyboard focuses."""
        return self.sliders.nth(index).locator(".noUi-handle").first

    @property
    def dropdowns(self):
        return self.root.locator(".widget-gridbox .widget-dropdown select")

    def src(self) -> str:
        return self.image.get_attribute("src") or ""

    def slider_state(self, index: int) -> dict:
        """Slider ``index``'s value, range and step, from the slider itself (for a log
        slider, the exponents): the page's ARIA attributes round them to one decimal."""
        return self.handle(index).evaluate(
            """handle => {
                const slider = handle.closest('.noUi-target').noUiSlider;
                return {value: Number(slider.get(true)), low: slider.options.range.min,
                        high: slider.options.range.max, step: slider.options.step};
            }"""
        )

    def slider_value(self, index: int) -> float:
        return self.slider_state(index)["value"]

    def slider_label(self, index: int) -> str:
        return self.sliders.nth(index).locator(".widget-label").text_content() or ""

    @property
    def player(self):
        """The row of the step player (play button, step button, slider, readout), if any."""
        return self.root.locator(":scope > .widget-hbox:has(.widget-play)")

    def play_button(self):
        return self.player.locator(".widget-play button").first

    def readout(self) -> str:
        return self.player.locator(".widget-html").last.text_content() or ""

    def picture(self) -> bytes:
        """The bytes of the figure the page shows now (its blob, read back from the page)."""
        encoded = self.image.evaluate(
            """async img => {
                const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
                let text = '';
                for (const byte of bytes) text += String.fromCharCode(byte);
                return btoa(text);
            }"""
        )
        return base64.b64decode(encoded)

    def page_position(self, column: float, row: float, attempts: int = 10) -> tuple[float, float]:
        """Where figure pixel (``column``, ``row``) is on the page, the image as displayed.

        The image is scrolled into view first, and again until it stays put: cells above it
        are laid out as they come into view, which moves it.
        """
        measure = """img => { const r = img.getBoundingClientRect();
                              return {x: r.left, y: r.top, width: r.width, height: r.height,
                                      natural: [img.naturalWidth, img.naturalHeight]}; }"""
        box = None
        for _ in range(attempts):
            self.image.scroll_into_view_if_needed()
            self.page.wait_for_timeout(150)
            now = self.image.evaluate(measure)
            if box is not None and abs(now["y"] - box["y"]) < 0.5:
                break
            box = now
        width, height = box["natural"]
        return (box["x"] + column * box["width"] / width,
                box["y"] + row * box["height"] / height)

    def displayed_scale(self) -> float:
        """CSS pixels per figure pixel: below 1 when the page is narrower than the figure."""
        return self.image.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")


def explorers(page) -> list[ExplorerView]:
    """Every explorer in the open notebook, in order, named after the ``show("...")`` call."""
    roots = page.locator(EXPLORER)
    names = page.evaluate(
        f"""() => [...document.querySelectorAll({json.dumps(EXPLORER)})].map(root => {{
            const cell = root.closest('.jp-CodeCell');
            const source = cell ? cell.querySelector('.jp-InputArea-editor').textContent : '';
            const call = source.match(/show\\(\\s*["']([^"']+)["']/);
            return call ? call[1] : '';
        }})"""
    )
    return [ExplorerView(page, roots.nth(i), names[i] or f"explorer {i + 1}")
            for i in range(roots.count())]


def wait_widgets_rendered(page, timeout_ms: float = 30_000) -> None:
    """Wait until no widget view still says it is loading and every explorer shows a figure."""
    page.wait_for_function(
        f"""() => {{
            const loading = [...document.querySelectorAll('.jp-OutputArea-output')]
                .some(output => output.textContent.includes('Loading widget'));
            const images = [...document.querySelectorAll({json.dumps(EXPLORER)} + ' > img')];
            return !loading && images.every(img => img.getAttribute('src'));
        }}""",
        timeout=timeout_ms,
    )


def wait_src_change(view: ExplorerView, old_src: str, timeout_ms: float = 15_000) -> bool:
    """Wait until the explorer's figure is replaced; False if it was not within the timeout."""
    try:
        view.page.wait_for_function(
            "([img, old]) => img.getAttribute('src') && img.getAttribute('src') !== old",
            arg=[view.image.element_handle(), old_src], timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        return False
    return True


def wait_settled(view: ExplorerView, quiet_s: float = 0.3, timeout_s: float = 20.0) -> str:
    """Wait until the figure has not changed for ``quiet_s``; return its final ``src``."""
    deadline = time.monotonic() + timeout_s
    last, since = view.src(), time.monotonic()
    while time.monotonic() < deadline:
        view.page.wait_for_timeout(50)
        current = view.src()
        if current != last:
            last, since = current, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return last
    raise TimeoutError(f"{view.name}: the figure was still changing after {timeout_s:.0f} s")


def arrow_with_room(view: ExplorerView, index: int) -> str:
    """ArrowRight, unless slider ``index`` already sits at its maximum."""
    state = view.slider_state(index)
    return "ArrowRight" if state["value"] < state["high"] - state["step"] / 2 else "ArrowLeft"


def press_slider(view: ExplorerView, index: int, key: str) -> None:
    """Focus slider ``index`` by its handle, as Tab would, and press ``key`` once."""
    handle = view.handle(index)
    handle.scroll_into_view_if_needed()
    handle.focus()
    view.page.keyboard.press(key)


def choose_next_option(view: ExplorerView, index: int) -> str:
    """Pick the next option of dropdown ``index`` (the previous one from the last), as a
    learner does from the open list; return the text of the option now selected."""
    select = view.dropdowns.nth(index)
    select.scroll_into_view_if_needed()
    current, count = select.evaluate("node => [node.selectedIndex, node.options.length]")
    select.select_option(index=current - 1 if current == count - 1 else current + 1)
    return select.evaluate("node => node.options[node.selectedIndex].text")


def settled_box(element, tries: int = 40) -> dict:
    """The element scrolled into view and its box once the page stops moving under it.

    Notebook 7 lays out cells lazily: cells above an element that scrolled into view can
    still grow, shifting it, so a press at the first box it reports may land on a cell
    above (seen: a drag that selected a paragraph's text instead of moving the slider)."""
    box = None
    for _ in range(tries):
        element.scroll_into_view_if_needed()
        again = element.bounding_box()
        if again is not None and again == box:
            return box
        box = again
        element.page.wait_for_timeout(50)
    raise AssertionError(f"the element never stopped moving (last box {box})")


def drag_slider(view: ExplorerView, index: int, pixels: float = 60.0) -> None:
    """Press the mouse on a slider handle and drag it sideways, in small moves, then release."""
    direction = 1 if arrow_with_room(view, index) == "ArrowRight" else -1
    box = settled_box(view.handle(index))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    mouse = view.page.mouse
    mouse.move(x, y)
    mouse.down()
    mouse.move(x + direction * pixels, y, steps=12)
    mouse.up()


def find_code_cell(page, fragment: str) -> int:
    """The index of the first code cell whose source contains ``fragment``."""
    index = page.evaluate(
        f"""(fragment) => {{
            const cells = {_CURRENT_PANEL}.content.model.cells;
            for (let i = 0; i < cells.length; i++) {{
                const cell = cells.get(i);
                const source = cell.sharedModel.getSource();
                if (cell.type === 'code' && source.includes(fragment)) return i;
            }}
            return -1;
        }}""",
        fragment,
    )
    if index < 0:
        raise LookupError(f"no code cell contains {fragment!r}")
    return index


def cell_source(page, index: int) -> str:
    return page.evaluate(
        f"(index) => {_CURRENT_PANEL}.content.model.cells.get(index).sharedModel.getSource()",
        index)


def execution_count(page, index: int) -> int | None:
    return page.evaluate(
        f"(index) => {_CURRENT_PANEL}.content.model.cells.get(index).executionCount", index)


def cell_node(page, index: int):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)


def type_into_cell(page, index: int, code: str) -> None:
    """Click into a cell, select its text and type ``code`` over it, key by key.

    The editor indents a new line like the one above it, as it does for a learner, so each
    line is typed without its leading spaces; the caller's code may nest one level only.
    """
    editor = cell_node(page, index).locator(".jp-InputArea-editor .cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    lines = code.strip("\n").splitlines()
    for number, line in enumerate(lines):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line.lstrip())
    typed = cell_source(page, index)
    if typed.rstrip() != code.strip("\n").rstrip():
        raise AssertionError(f"the editor holds\n{typed}\ninstead of\n{code}")


def run_cells_from(page, first: int, last: int, timeout_ms: float = 60_000) -> None:
    """With cell ``first`` selected, press Shift+Enter until cell ``last`` has run."""
    before = execution_count(page, last)
    for _ in range(first, last + 1):
        page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        f"""([index, before]) => {{
            const count = {_CURRENT_PANEL}.content.model.cells.get(index).executionCount;
            return count !== null && count !== before;
        }}""",
        arg=[last, before], timeout=timeout_ms,
    )
    wait_kernel_idle(page, timeout_ms)


def select_cell(page, index: int) -> None:
    """Click a cell's prompt: the cell is selected in command mode, as a learner's click does."""
    prompt = cell_node(page, index).locator(".jp-InputPrompt")
    prompt.scroll_into_view_if_needed()
    prompt.click()


def output_text(page, index: int) -> str:
    """What the page shows as the output of cell ``index`` (scrolled into view to be drawn)."""
    output = cell_node(page, index).locator(".jp-OutputArea")
    output.scroll_into_view_if_needed()
    return output.inner_text()


def federated_extensions(page) -> list[str]:
    """The prebuilt extensions the server told the page to load (its page config)."""
    return page.evaluate(
        """() => JSON.parse(document.getElementById('jupyter-config-data').textContent)
                     .federated_extensions.map(extension => extension.name)"""
    )


def activated_plugins(page, prefix: str) -> list[str]:
    """Ids of the activated JupyterLab plugins whose id starts with ``prefix``."""
    return page.evaluate(
        """(prefix) => window.jupyterapp.listPlugins().filter(
               id => id.startsWith(prefix) && window.jupyterapp.isPluginActivated(id))""",
        prefix,
    )


def frame_explorer(view: ExplorerView, attempts: int = 6) -> None:
    """Scroll so the explorer's cell starts at the top of the notebook, for a screenshot.

    Cells above it are laid out as they come into view, which moves it again: scroll until
    it stays put.
    """
    for _ in range(attempts):
        moved = view.root.evaluate(
            """node => {
                const cell = node.closest('.jp-Cell');
                const before = cell.getBoundingClientRect().top;
                cell.scrollIntoView({block: 'start'});
                return Math.abs(cell.getBoundingClientRect().top - before) > 2;
            }"""
        )
        view.page.wait_for_timeout(250)
        if not moved:
            return


LIGHT_THEME, DARK_THEME = "JupyterLab Light", "JupyterLab Dark"


@contextlib.contextmanager
def theme(page, name: str):
    """Switch JupyterLab to theme ``name`` (as Settings > Theme does), then back to light."""
    def switch(to: str) -> None:
        page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', "
                      "{theme})", to)
        page.wait_for_function("(theme) => document.body.dataset.jpThemeName === theme", arg=to)
        # The new stylesheet is applied a frame or two after the attribute changes.
        page.wait_for_timeout(300)

    switch(name)
    try:
        yield
    finally:
        switch(LIGHT_THEME)


def close_notebooks(page, lab: JupyterLab) -> None:
    """Close every notebook tab with "Shut down" and no save; then make sure no kernel is left."""
    for _ in range(page.evaluate(_COUNT_NOTEBOOKS)):
        page.evaluate(
            """() => {
                const app = window.jupyterapp;
                const panel = Array.from(app.shell.widgets('main')).find(w => w.sessionContext);
                app.shell.activateById(panel.id);
                app.commands.execute('notebook:close-and-shutdown');
            }"""
        )
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.locator(".jp-Dialog").wait_for(state="detached")
    page.wait_for_function(f"() => {_COUNT_NOTEBOOKS}() === 0")
    lab.shutdown_sessions()


# --- An explorer's output when no kernel runs it --------------------------------------------

# The course's front-end piece (jupyter/labextension), which postBuild installs.
WIDGET_FALLBACK = "course-widget-fallback"
NOT_RUNNING_CAPTION = "Interactive explorer: run this cell (with a kernel) to move its controls."
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def run_through_first_explorer(page, timeout_ms: float = 180_000) -> int:
    """Run the open notebook's cells from the top through the first that shows an explorer
    (as Shift+Enter would, cell by cell); return that cell's index."""
    index = find_code_cell(page, "show(")
    page.evaluate(
        f"""async (index) => {{
            const notebook = {_CURRENT_PANEL}.content;
            notebook.activeCellIndex = 0;
            notebook.extendContiguousSelectionTo(index);
            await window.jupyterapp.commands.execute('notebook:run-cell');
        }}""",
        index,
    )
    page.wait_for_function(
        f"(index) => {_CURRENT_PANEL}.content.model.cells.get(index).executionCount !== null",
        arg=index, timeout=timeout_ms)
    wait_kernel_idle(page, timeout_ms)
    return index


def explorer_outputs(page) -> list:
    """The rendered output of every cell that calls ``show(``, in order."""
    cells = page.evaluate(
        f"""() => {{
            const cells = {_CURRENT_PANEL}.content.model.cells;
            const found = [];
            for (let i = 0; i < cells.length; i++) {{
                const cell = cells.get(i);
                if (cell.type === 'code' && cell.sharedModel.getSource().includes('show(')) {{
                    found.push(i);
                }}
            }}
            return found;
        }}"""
    )
    return [cell_node(page, index).locator(".jp-OutputArea-output").first for index in cells]


def use_axe(page) -> None:
    """Load axe-core (installed by ``npm ci`` from package-lock.json) into the page, once."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} not found: run `npm ci` at the repository root")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))


def axe_violations(element) -> list[dict]:
    """axe-core's violations inside ``element``: rule id, impact, help and the nodes' HTML."""
    return element.evaluate(
        """async (node) => {
            const results = await window.axe.run(node, {resultTypes: ['violations']});
            return results.violations.map(v => ({
                rule: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.html.slice(0, 160) + ' ' + (n.failureSummary || ''))
            }));
        }"""
    )
