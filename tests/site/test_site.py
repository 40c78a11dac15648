"""The course's website, built by `make site`'s script and read in Chromium with no network.

The module builds the site once (site/build.py: every Sphinx warning an error), serves
_build/site/ on 127.0.0.1, opens every page with every request to another host refused, and
checks what a reader meets: no console error, every formula typeset (no TeX left in the text
outside code), every image loaded with an alt text that describes it, every internal link
and anchor resolving, and axe-core's scan of the home page, a lesson and an exercise.
"""

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "_build" / "site"
CHROMIUM = "/usr/bin/chromium"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LESSONS = 11
EXERCISES = 7

# TeX a reader must never see: a $…$ pair, \( \) or \[ \] delimiters, or a TeX command.
RAW_TEX = re.compile(
    r"\$[^$\s][^$\n]*\$|\\[()\[\]]|\\(frac|theta|eta|beta|rho|kappa|sqrt|hat|nabla|left|right"
    r"|mathbf|varepsilon|epsilon|lambda|alpha|mu|sigma|sum|cdot|tfrac|dfrac|odot|oslash)\b")
# An alt text that only names a file or a hash says nothing about the picture.
FILE_NAME = re.compile(r"^[\w\-./]*\.(png|jpe?g|gif|svg|webp)$|^[0-9a-f]{16,}", re.IGNORECASE)

PAGE_FACTS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  // Code, outputs printed as text, and MathJax's own markup are not prose.
  copy.querySelectorAll('pre, code, mjx-container, script, style, .output.text_plain')
      .forEach(node => node.remove());
  document.body.appendChild(copy);
  copy.style.position = 'absolute';
  const text = copy.innerText;
  copy.remove();
  const images = [...document.images].map(img => ({
    src: img.currentSrc.slice(0, 80), loaded: img.complete && img.naturalWidth > 0,
    alt: img.getAttribute('alt'), hidden: img.getAttribute('aria-hidden') === 'true'}));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const ids = [...document.querySelectorAll('[id]')].map(node => node.id);
  const typeset = document.querySelectorAll('mjx-container').length;
  const mathMarkup = document.querySelectorAll('.math, .MathJax_Preview').length;
  return {text, images, links, ids, typeset, mathMarkup};
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    """Build the site from the committed sources, then serve it on 127.0.0.1."""
    if not (REPO / "node_modules" / "mathjax").is_dir():
        pytest.fail("node_modules/mathjax is missing: run `npm ci` at the repository root")
    subprocess.run([sys.executable, str(REPO / "site" / "build.py")], cwd=REPO, check=True)
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(site, playwright_session):
    chromium = playwright_session.chromium.launch(executable_path=CHROMIUM)
    context = chromium.new_context()
    refused = []

    def only_this_site(route):
        url = route.request.url
        if url.startswith(site) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", only_this_site)
    yield context, refused
    context.close()
    chromium.close()


def pages() -> list[str]:
    return sorted(path.relative_to(SITE).as_posix() for path in SITE.rglob("*.html")
                  if "_static" not in path.parts and "_sources" not in path.parts)


@pytest.fixture(scope="module")
def visited(site, browser):
    """What each page shows, read once: its console errors, text, images, links and ids."""
    context, refused = browser
    facts = {}
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for name in pages():
        errors.clear()
        page.goto(site + name, wait_until="load")
        facts[name] = page.evaluate(PAGE_FACTS)
        facts[name]["errors"] = list(errors)
    page.close()
    return facts, refused


def test_the_site_holds_every_lesson_exercise_and_the_cheat_sheet(visited):
    facts, _ = visited
    assert len([p for p in facts if p.startswith("notebooks/")]) == LESSONS
    assert len([p for p in facts if p.startswith("exercises/")]) == EXERCISES
    assert {"index.html", "CHEATSHEET.html", "search.html"} <= set(facts)
    home = facts["index.html"]["text"]
    for heading in ("The course", "Notation", "Errata in the source", "Run a lesson"):
        assert heading in home


def test_no_page_logs_an_error_or_asks_another_host(visited):
    facts, refused = visited
    assert refused == []
    assert {name: f["errors"] for name, f in facts.items() if f["errors"]} == {}


def test_every_formula_is_typeset(visited):
    facts, _ = visited
    leftovers = {name: sorted({m[0] for m in RAW_TEX.finditer(f["text"])})[:5]
                 for name, f in facts.items() if RAW_TEX.search(f["text"])}
    assert leftovers == {}
    # The lessons are full of formulas: MathJax must have drawn them, not left them out.
    for name, f in facts.items():
        if name.startswith("notebooks/"):
            assert f["typeset"] > 0, name


def test_every_image_loads_and_says_what_it_shows(visited):
    facts, _ = visited
    bad = []
    for name, f in facts.items():
        for image in f["images"]:
            alt = (image["alt"] or "").strip()
            if not image["loaded"]:
                bad.append((name, image["src"], "not loaded"))
            elif not image["hidden"] and (len(alt) < 20 or FILE_NAME.search(alt)):
                bad.append((name, image["src"], f"alt {alt!r}"))
    assert bad == []
    lessons_images = sum(len(f["images"]) for n, f in facts.items() if n.startswith("notebooks/"))
    assert lessons_images >= 40


def test_every_explorer_says_it_is_interactive_or_describes_itself(visited):
    facts, _ = visited
    for name, f in facts.items():
        if name.startswith("notebooks/"):
            # An explorer's picture is the JPEG its output carries inline (the lessons' static
            # figures are files): it must describe itself, and the page must say it runs.
            explorers = [i for i in f["images"] if i["src"].startswith("data:image/jpeg")]
            assert explorers, name
            for image in explorers:
                assert len(image["alt"] or "") >= 40, (name, image["alt"])
            assert "Interactive explorer: run this cell" in f["text"], name


def test_every_internal_link_and_anchor_resolves(site, visited):
    facts, _ = visited
    broken = []
    for name, f in facts.items():
        for link in f["links"]:
            if not link.startswith(site):
                continue
            parts = urlsplit(link)
            target = unquote(parts.path[len(urlsplit(site).path):]) or "index.html"
            path = SITE / target
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append((name, link))
                continue
            page = path.relative_to(SITE).as_posix()
            if parts.fragment and page in facts and parts.fragment not in facts[page]["ids"]:
                broken.append((name, link))
    assert broken == []
    # The lessons link to their exercises and to the next lesson through relative .ipynb
    # links: those must have become links to the pages.
    momentum = facts["notebooks/02_momentum.html"]["links"]
    assert urljoin(site, "exercises/ex02_momentum.html") in {u.split("#")[0] for u in momentum}
    assert urljoin(site, "notebooks/03_nesterov.html") in {u.split("#")[0] for u in momentum}


def test_every_page_has_its_run_links(visited):
    facts, _ = visited
    for name, f in facts.items():
        if name.startswith(("notebooks/", "exercises/")):
            notebook = name.removesuffix(".html") + ".ipynb"
            assert any("mybinder.org/v2/gh/" in u and u.endswith(f"labpath={notebook}")
                       for u in f["links"]), name
            assert any(u.endswith("/" + Path(notebook).name) and "_downloads" in u
                       for u in f["links"]), name
            assert "JupyterHub" in f["text"], name


@pytest.mark.parametrize("name", ["index.html", "notebooks/02_momentum.html",
                                  "exercises/ex02_momentum.html"])
def test_axe_finds_nothing_serious(site, browser, name):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root")
    context, _ = browser
    page = context.new_page()
    page.goto(site + name, wait_until="load")
    page.evaluate("async () => { if (window.MathJax) await MathJax.startup.promise; }")
    page.add_script_tag(content=AXE.read_text())
    violations = page.evaluate("""async () => {
      const results = await axe.run(document, {resultTypes: ['violations']});
      return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160))}));
    }""")
    page.close()
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
