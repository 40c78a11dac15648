"""Build the course as a static website in _build/site/ (what `make site` runs).

The pages are assembled in _build/site-src/ first, then Sphinx turns them into HTML with
Jupyter Book 1's configuration (MyST-NB, the book theme) and every warning an error:

- the home page is made of the README's sections a reader needs (what the course is and for
  whom, the lesson map, the notation, the errata) and `site/home_running.md`, so it never
  drifts from the README;
- the lessons, the student exercises and the cheat sheet are copied as they are committed,
  with their outputs (nothing is executed), each notebook gaining one line of "run this
  lesson" links (Binder, a JupyterHub through nbgitpuller, the notebook to download);
- a link to a file that is not on the site (a module, the README's other sections) becomes a
  link to that file in the repository;
- MathJax comes from npm's `node_modules/mathjax` into the site's `_static/mathjax/` (staged in
  `_vendor/`: Jupyter Book would load every script it finds in `_static/` on every page).

    .venv/bin/python site/build.py [--jupyterhub-url URL]
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
STAGE = REPO / "_build" / "site-src"
OUT = REPO / "_build" / "site"
MATHJAX = REPO / "node_modules" / "mathjax" / "es5"
# What tex-chtml.js loads at run time: its extensions, the CommonHTML fonts, the menu and the
# assistive MathML. The speech engine (sre) and the SVG output are never asked for.
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "output/chtml.js", "a11y", "ui",
                 "adaptors"]

HOME_SECTIONS = ["The course", "Notation", "Errata in the source"]
LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def readme_sections(readme: str) -> tuple[str, dict[str, str]]:
    """The README's text before its first `##` heading, and each `##` section by its title."""
    parts = re.split(r"^## ", readme, flags=re.MULTILINE)
    sections = {}
    for part in parts[1:]:
        title, _, body = part.partition("\n")
        sections[title.strip()] = "## " + part
    return parts[0], sections


def anchor(title: str) -> str:
    """The anchor MyST (and GitHub) give a heading: lower case, punctuation dropped."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return slug.replace(" ", "-")


class Links:
    """Rewrites a page's relative links so that each one resolves on the site."""

    def __init__(self, repository: str, branch: str, on_site: set[str], home_anchors: set[str]):
        self.blob = f"{repository}/blob/{branch}/"
        self.on_site = on_site
        self.home_anchors = home_anchors

    def target(self, link: str, page: Path) -> str:
        if re.match(r"^[a-z]+:", link) or link.startswith("#"):
            return link
        path, _, fragment = link.partition("#")
        in_repo = (page.parent / path).resolve().relative_to(REPO).as_posix()
        if in_repo == "README.md":
            if not fragment or fragment in self.home_anchors:
                home = Path("index.md")
                relative = Path(*[".."] * len(page.parent.relative_to(REPO).parts), home)
                return relative.as_posix() + (f"#{fragment}" if fragment else "")
            return self.blob + "README.md" + f"#{fragment}"
        if in_repo in self.on_site:
            return link
        return self.blob + in_repo + (f"#{fragment}" if fragment else "")

    def rewrite(self, text: str, page: Path) -> str:
        return LINK.sub(lambda m: m[1] + self.target(m[2], page) + m[3], text)


def home_page(links: Links) -> str:
    intro, sections = readme_sections((REPO / "README.md").read_text())
    missing = [title for title in HOME_SECTIONS if title not in sections]
    if missing:
        sys.exit(f"site/build.py: README.md has no section {missing}: update HOME_SECTIONS")
    text = intro + "".join(sections[title] for title in HOME_SECTIONS)
    text += "\n" + (SITE / "home_running.md").read_text()
    return links.rewrite(text, REPO / "README.md")


def run_links(notebook: str, config: dict, hub: str) -> str:
    """The line of links a lesson or exercise page opens with."""
    repository, branch = config["repository"]["url"], config["repository"]["branch"]
    name = repository.rstrip("/").rsplit("/", 1)[1]
    slug = repository.rstrip("/").removeprefix("https://github.com/")
    binder = f"https://mybinder.org/v2/gh/{slug}/{branch}?labpath={quote(notebook)}"
    depth = "../" * notebook.count("/")
    if hub:
        query = urlencode({"repo": repository, "branch": branch,
                           "urlpath": f"lab/tree/{name}/{notebook}"})
        hub_link = f"[on your JupyterHub]({hub.rstrip('/')}/hub/user-redirect/git-pull?{query})"
    else:
        hub_link = (f"on a JupyterHub through [an nbgitpuller link]"
                    f"({depth}index.md#on-a-jupyterhub)")
    download = f"{{download}}`download the notebook <{depth}_originals/{notebook}>`"
    return (f"**Run this {'exercise' if notebook.startswith('exercises/') else 'lesson'}:** "
            f"[on Binder]({binder}) · {hub_link} · {download}")


def stage_notebook(source: Path, links: Links, config: dict, hub: str) -> None:
    notebook = source.relative_to(REPO).as_posix()
    nb = json.loads(source.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            cell["source"] = links.rewrite(text, source)
    title = next(i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
                 and re.search(r"^# ", "".join(cell["source"]), flags=re.MULTILINE))
    nb["cells"].insert(title + 1, {"cell_type": "markdown", "id": "site-run-links",
                                   "metadata": {}, "source": run_links(notebook, config, hub)})
    (STAGE / notebook).parent.mkdir(parents=True, exist_ok=True)
    (STAGE / notebook).write_text(json.dumps(nb, ensure_ascii=False))
    original = STAGE / "_originals" / notebook
    original.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, original)


def stage(hub: str) -> dict:
    config = yaml.safe_load((SITE / "_config.yml").read_text())
    hub = hub or config["launch_buttons"].get("jupyterhub_url") or ""
    toc = yaml.safe_load((SITE / "_toc.yml").read_text())
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    notebooks = [REPO / f"{name}.ipynb" for name in files if (REPO / f"{name}.ipynb").exists()]
    on_site = {p.relative_to(REPO).as_posix() for p in notebooks} | {"CHEATSHEET.md"}
    _, sections = readme_sections((REPO / "README.md").read_text())
    home_anchors = {anchor(title) for title in HOME_SECTIONS} | {"on-a-jupyterhub"}
    links = Links(config["repository"]["url"], config["repository"]["branch"], on_site,
                  home_anchors)

    shutil.rmtree(STAGE, ignore_errors=True)
    STAGE.mkdir(parents=True)
    shutil.copy2(SITE / "_config.yml", STAGE / "_config.yml")
    shutil.copy2(SITE / "_toc.yml", STAGE / "_toc.yml")
    shutil.copytree(SITE / "_templates", STAGE / "_templates")
    (STAGE / "index.md").write_text(home_page(links))
    cheatsheet = (REPO / "CHEATSHEET.md").read_text()
    (STAGE / "CHEATSHEET.md").write_text(links.rewrite(cheatsheet, REPO / "CHEATSHEET.md"))
    for notebook in notebooks:
        stage_notebook(notebook, links, config, hub)

    static = STAGE / "_vendor" / "mathjax"
    if not (MATHJAX / "tex-chtml.js").exists():
        sys.exit(f"site/build.py: {MATHJAX} is missing: run `npm ci` at the repository root")
    for part in MATHJAX_PARTS:
        source, target = MATHJAX / part, static / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return config


# Jupyter Book turns _config.yml into a Sphinx conf.py; the site is then built by Sphinx
# without the extensions it does not use: sphinx-thebe would declare its CDN address twice on
# every page (a console error), sphinx-comments and the LaTeX and intersphinx helpers add
# nothing to an HTML site read offline.
UNUSED_EXTENSIONS = ["sphinx_thebe", "sphinx_comments", "sphinx.ext.intersphinx",
                     "sphinx_jupyterbook_latex"]


def build() -> None:
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", str(STAGE)], check=True,
                   stdout=subprocess.DEVNULL)
    with (STAGE / "conf.py").open("a") as conf:
        conf.write(f"extensions = [e for e in extensions if e not in {UNUSED_EXTENSIONS!r}]\n")
    shutil.rmtree(OUT, ignore_errors=True)
    # --keep-going lists every warning before failing; -W makes each one an error.
    subprocess.run([str(bin_dir / "sphinx-build"), "-b", "html", "-W", "--keep-going", "-q",
                    "-d", str(STAGE / ".doctrees"), str(STAGE), str(OUT)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jupyterhub-url", default="",
                        help="a JupyterHub's address: each page links to it through nbgitpuller")
    args = parser.parse_args()
    stage(args.jupyterhub_url)
    build()
    print(f"site/build.py: the site is in {OUT.relative_to(REPO)}/ (open index.html)")


if __name__ == "__main__":
    main()
