"""Browser-side latency of every explorer: each control moved, to the new figure painted.

    .venv/bin/python benchmarks/browser_latency.py [--moves 10] [--only 02_momentum ...]

Starts JupyterLab and headless Chromium the way the browser tests do
(``tests/browser/labdriver.py``: 127.0.0.1, a random token, throw-away settings, Debian's
Chromium), opens each lesson, runs all its cells, and for each explorer moves every control
``--moves`` times: arrow keys on each slider (turning back at either end), the next option
of each dropdown, a click on each checkbox, and on an explorer with a landscape, presses of
the mouse on the landscape (each runs every optimizer again from the point pressed) and the
step player's "step ▸" button. The clock runs in the page: a capturing listener notes
``performance.now()`` at the keydown, select change, mousedown on the figure or click; a
MutationObserver sees the figure's ``src`` change, waits for the new image's ``load`` and then
for the next ``requestAnimationFrame``, the frame that paints it. So one sample is input ->
comm message -> kernel update and JPEG -> message back -> image decoded -> frame. Prints a
Markdown table: median and 95th percentile per explorer and control.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import labdriver  # noqa: E402

from course_lib.widgets import show  # noqa: E402
from course_lib.widgets.clicks import pixel_of  # noqa: E402

INSTALL_CLOCK = """(img) => {
    const clock = window.__figureClock || (window.__figureClock = {samples: [], started: null});
    if (!clock.listening) {
        const start = () => { clock.started = performance.now(); };
        document.addEventListener('keydown', event => {
            if (event.key.startsWith('Arrow')) start();
        }, true);
        document.addEventListener('change', event => {
            if (event.target.tagName === 'SELECT') start();
        }, true);
        document.addEventListener('mousedown', event => {
            if (event.target.classList.contains('widget-image')) start();
        }, true);
        document.addEventListener('click', event => {
            const target = event.target;
            if (target.tagName === 'BUTTON' || target.type === 'checkbox') start();
        }, true);
        clock.listening = true;
    }
    if (clock.observer) clock.observer.disconnect();
    clock.samples = [];
    clock.started = null;
    clock.observer = new MutationObserver(() => {
        const started = clock.started;
        if (started === null) return;
        clock.started = null;
        const painted = () => requestAnimationFrame(() => {
            clock.samples.push(performance.now() - started);
        });
        img.addEventListener('load', painted, {once: true});
    });
    clock.observer.observe(img, {attributes: true, attributeFilter: ['src']});
}"""

SAMPLES = "() => window.__figureClock.samples.length"
PRESS = "press on the landscape"
STEP = "step ▸ (player)"


def timed(page, action) -> bool:
    """Do ``action`` and wait for the frame it paints; False if the figure did not change."""
    count = page.evaluate(SAMPLES)
    action()
    try:
        page.wait_for_function(f"() => window.__figureClock.samples.length > {count}",
                               timeout=5_000)
        return True
    except labdriver.PlaywrightTimeout:
        page.evaluate("() => { window.__figureClock.started = null; }")
        return False
    finally:
        page.wait_for_timeout(50)


OPPOSITE = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}


def slider_keys(view: labdriver.ExplorerView, index: int, moves: int) -> list[str]:
    """Half the moves away from the slider's value (turning back at an end), half back: so
    the next control is measured from the explorer's first state, not from wherever this
    one left it (a diverged run would leave some controls nothing to redraw)."""
    state = view.slider_state(index)
    position, room = state["value"], state["step"] / 2
    key, out = labdriver.arrow_with_room(view, index), []
    for _ in range(moves // 2):
        if key == "ArrowRight" and position >= state["high"] - room:
            key = "ArrowLeft"
        elif key == "ArrowLeft" and position <= state["low"] + room:
            key = "ArrowRight"
        out.append(key)
        position += state["step"] if key == "ArrowRight" else -state["step"]
    return out + [OPPOSITE[key] for key in reversed(out)]


def control_actions(view: labdriver.ExplorerView, moves: int):
    """(control label, action) for every move of every control of ``view``; a label of None
    marks a move that only puts a control back (not timed)."""
    for index in range(view.sliders.count()):
        label = view.slider_label(index)
        for key in slider_keys(view, index, moves):
            yield label, lambda index=index, key=key: labdriver.press_slider(view, index, key)
    labels = view.root.locator(".widget-gridbox .widget-dropdown .widget-label")
    for index in range(view.dropdowns.count()):
        label = labels.nth(index).text_content()
        select = view.dropdowns.nth(index)
        first = select.evaluate("node => node.selectedIndex")
        for _ in range(moves):
            yield label, lambda index=index: labdriver.choose_next_option(view, index)
        yield None, lambda select=select, first=first: select.select_option(index=first)
    boxes = view.root.locator(".widget-gridbox .widget-checkbox input")
    for index in range(boxes.count()):
        label = view.root.locator(".widget-gridbox .widget-checkbox").nth(index).text_content()
        # The checkbox's label keeps a zero-width space for its layout.
        label = label.replace("\u200b", "").strip()
        # An even number of clicks leaves the box as it was.
        for _ in range(2 * max(1, moves // 4)):
            yield label, lambda index=index: boxes.nth(index).click()


def landscape_actions(view: labdriver.ExplorerView, moves: int):
    """Presses on a grid of points of the landscape, then "step ▸" from iteration 0."""
    reference = show(view.name)
    ax = reference.landscape.ax
    height = reference.figure.canvas.get_width_height()[1]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    side = max(2, int(np.ceil(np.sqrt(moves))))
    for fy in np.linspace(0.15, 0.85, side):
        for fx in np.linspace(0.15, 0.85, side):
            point = (x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
            yield PRESS, lambda point=point: view.page.mouse.click(
                *view.page_position(*pixel_of(ax, point, height)))
    stop = view.player.locator(".widget-play button").nth(1)
    yield None, stop.click  # back to iteration 0: a reset, not a step
    forward = view.player.locator("button", has_text="step")
    for _ in range(moves):
        yield STEP, forward.click


def measure_explorer(page, view: labdriver.ExplorerView, moves: int) -> list[dict]:
    """Every control of ``view`` moved ``moves`` times; a row of samples per control."""
    labdriver.wait_settled(view)
    view.image.evaluate(INSTALL_CLOCK)
    actions = list(control_actions(view, moves))
    if view.player.count():
        actions += list(landscape_actions(view, moves))
    samples: dict[str, list[float]] = {}
    missed: dict[str, int] = {}
    for label, action in actions:
        if label is None:
            action()
            labdriver.wait_settled(view)
            page.evaluate("() => { window.__figureClock.started = null; }")
            continue
        before = page.evaluate("() => window.__figureClock.samples.length")
        if timed(page, action):
            samples.setdefault(label, []).append(
                page.evaluate(f"() => window.__figureClock.samples[{before}]"))
        else:
            missed[label] = missed.get(label, 0) + 1
            samples.setdefault(label, [])
    rows = []
    for label, ms in samples.items():
        ms = np.array(ms)
        rows.append({"explorer": view.name, "control": label, "moves": len(ms),
                     "missed": missed.get(label, 0),
                     "median": float(np.median(ms)) if len(ms) else float("nan"),
                     "p95": float(np.percentile(ms, 95)) if len(ms) else float("nan")})
    return rows


def measure_lesson(page, lab, lesson: Path, moves: int) -> list[dict]:
    rows = []
    labdriver.open_notebook(page, f"notebooks/{lesson.name}")
    try:
        if not labdriver.run_all(page):
            print(f"{lesson.name}: Run All failed, skipped", file=sys.stderr)
            return rows
        labdriver.wait_widgets_rendered(page)
        for view in labdriver.explorers(page):
            for row in measure_explorer(page, view, moves):
                rows.append({"lesson": lesson.stem, **row})
                print(f"  {lesson.stem} {view.name} {row['control']}: median "
                      f"{row['median']:.0f} ms", file=sys.stderr)
    finally:
        labdriver.close_notebooks(page, lab)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10, help="moves per control")
    parser.add_argument("--only", nargs="*", default=None,
                        help="lesson stems to measure, e.g. 02_momentum")
    args = parser.parse_args()
    lessons = [lesson for lesson in labdriver.lessons(ROOT)
               if not args.only or lesson.stem in args.only]
    if not lessons:
        raise SystemExit("no lesson to measure")

    rows = []
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as scratch:
        course = labdriver.copy_course(ROOT, Path(scratch) / "course")
        jupyter = ROOT / ".venv" / "bin" / "jupyter"
        with labdriver.JupyterLab(jupyter, course, Path(scratch) / "home") as lab, \
                sync_playwright() as playwright:
            browser = labdriver.launch_chromium(playwright)
            try:
                page = browser.new_context(viewport=labdriver.VIEWPORT).new_page()
                page.set_default_timeout(60_000)
                labdriver.open_lab(page, lab)
                for lesson in lessons:
                    rows += measure_lesson(page, lab, lesson, args.moves)
            finally:
                browser.close()

    print("| lesson | explorer | control moved | moves | median ms | p95 ms |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for row in rows:
        moves = f"{row['moves']}" + (f" ({row['missed']} unchanged)" if row["missed"] else "")
        print(f"| {row['lesson']} | {row['explorer']} | {row['control']} | {moves} "
              f"| {row['median']:.0f} | {row['p95']:.0f} |")


if __name__ == "__main__":
    main()
