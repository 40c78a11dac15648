"""Browser-side latency of every explorer: an arrow key on a slider to the new figure painted.

    .venv/bin/python benchmarks/browser_latency.py [--moves 20] [--only 02_momentum ...]

Starts JupyterLab and headless Chromium the way the browser tests do
(``tests/browser/labdriver.py``: 127.0.0.1, a random token, throw-away settings, Debian's
Chromium), opens each lesson, runs all its cells, and for each explorer presses an arrow
key ``--moves`` times on its first slider (an explorer without sliders: picks the next
option of its first dropdown). The clock runs in the page: a keydown (or select change)
listener notes ``performance.now()``; a MutationObserver sees the figure's ``src``
change, waits for the new image's ``load`` and then for the next
``requestAnimationFrame``, the frame that paints it. So one sample is key -> comm message
-> kernel update and PNG -> message back -> image decoded -> frame. Prints a Markdown
table: median and 95th percentile per explorer.
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

INSTALL_CLOCK = """(img) => {
    const clock = window.__figureClock || (window.__figureClock = {samples: [], started: null});
    if (!clock.listening) {
        document.addEventListener('keydown', event => {
            if (event.key.startsWith('Arrow')) clock.started = performance.now();
        }, true);
        document.addEventListener('change', event => {
            if (event.target.tagName === 'SELECT') clock.started = performance.now();
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


def measure_explorer(page, view: labdriver.ExplorerView,
                     moves: int) -> tuple[str, list[float], int]:
    """Move the first slider (or, without one, the first dropdown) ``moves`` times.

    Returns the control's label, the samples in ms and the number of moves that left the
    figure as it was (nothing new to paint, so no sample).
    """
    labdriver.wait_settled(view)
    view.image.evaluate(INSTALL_CLOCK)
    has_slider = view.sliders.count() > 0
    label = view.slider_label(0) if has_slider else (
        view.root.locator(".widget-gridbox .widget-dropdown .widget-label").first.text_content())
    missed = 0
    key = labdriver.arrow_with_room(view, 0) if has_slider else ""
    for _ in range(moves):
        count = page.evaluate(SAMPLES)
        if has_slider:
            key = next_key(view, key)
            labdriver.press_slider(view, 0, key)
        else:
            labdriver.choose_next_option(view, 0)
        try:
            page.wait_for_function(f"() => window.__figureClock.samples.length > {count}",
                                   timeout=5_000)
        except labdriver.PlaywrightTimeout:
            missed += 1
            page.evaluate("() => { window.__figureClock.started = null; }")
        page.wait_for_timeout(50)
    return label, page.evaluate("() => window.__figureClock.samples"), missed


def next_key(view: labdriver.ExplorerView, key: str) -> str:
    """Keep going the same way along the first slider, and turn back at either end."""
    state = view.slider_state(0)
    room = state["step"] / 2
    if key == "ArrowRight" and state["value"] >= state["high"] - room:
        return "ArrowLeft"
    if key == "ArrowLeft" and state["value"] <= state["low"] + room:
        return "ArrowRight"
    return key


def measure_lesson(page, lab, lesson: Path, moves: int) -> list[dict]:
    rows = []
    labdriver.open_notebook(page, f"notebooks/{lesson.name}")
    try:
        if not labdriver.run_all(page):
            print(f"{lesson.name}: Run All failed, skipped", file=sys.stderr)
            return rows
        labdriver.wait_widgets_rendered(page)
        for view in labdriver.explorers(page):
            control, samples, missed = measure_explorer(page, view, moves)
            ms = np.array(samples)
            rows.append({
                "lesson": lesson.stem, "explorer": view.name, "control": control,
                "moves": len(ms), "missed": missed,
                "median": float(np.median(ms)) if len(ms) else float("nan"),
                "p95": float(np.percentile(ms, 95)) if len(ms) else float("nan"),
            })
            print(f"  {lesson.stem} {view.name}: median {rows[-1]['median']:.0f} ms",
                  file=sys.stderr)
    finally:
        labdriver.close_notebooks(page, lab)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="key presses per explorer")
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
