"""nbgitpuller links: the documented form HUB/hub/user-redirect/git-pull?repo=…&branch=…&urlpath=…
(nbgitpuller's "Options in an nbgitpuller URL"), each value URL-encoded whole."""

import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from course_lib.hub.links import nbgitpuller_link


def test_the_link_has_nbgitpullers_documented_form_and_decodes_to_what_was_given():
    link = nbgitpuller_link("https://hub.example.org/", "https://github.com/you/course-edition",
                            "main", "exercises/ex02_momentum.ipynb")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "hub.example.org", "/hub/user-redirect/git-pull")
    assert parse_qs(parts.query) == {
        "repo": ["https://github.com/you/course-edition"], "branch": ["main"],
        "urlpath": ["lab/tree/course-edition/exercises/ex02_momentum.ipynb?autodecode"]}
    # Written by hand from the documentation: every reserved character percent-encoded.
    assert parts.query == ("repo=https%3A%2F%2Fgithub.com%2Fyou%2Fcourse-edition&branch=main"
                           "&urlpath=lab%2Ftree%2Fcourse-edition%2Fexercises%2F"
                           "ex02_momentum.ipynb%3Fautodecode")


def test_a_repository_url_with_its_own_query_survives_intact():
    repo = "https://git.example.org/c.git?x=1&y=2"
    link = nbgitpuller_link("https://hub.example.org", repo, "main")
    assert parse_qs(urlsplit(link).query)["repo"] == [repo]


def test_the_clone_folder_is_what_nbgitpuller_names_it():
    # nbgitpuller 1.3 takes the text after the last "/" as it is, ".git" included.
    link = nbgitpuller_link("http://127.0.0.1:8000", "file:///srv/course.git", "main", "README.md")
    assert parse_qs(urlsplit(link).query)["urlpath"] == ["lab/tree/course.git/README.md?autodecode"]


@pytest.mark.parametrize(("hub", "repo", "branch", "path", "argument"), [
    ("ftp://hub.example.org", "https://h/r", "main", "", "--hub"),
    ("https://", "https://h/r", "main", "", "--hub"),
    ("https://hub.example.org?x=1", "https://h/r", "main", "", "--hub"),
    ("https://hub.example.org", "javascript:alert(1)", "main", "", "--repo"),
    ("https://hub.example.org", "https://h/r x", "main", "", "--repo"),
    ("https://hub.example.org", "https://h/r", "-x", "", "--branch"),
    ("https://hub.example.org", "https://h/r", "a..b", "", "--branch"),
    ("https://hub.example.org", "https://h/r", "main", "../etc/passwd", "--path"),
    ("https://hub.example.org", "https://h/r", "main", "/abs", "--path"),
])
def test_bad_input_is_refused_naming_the_argument(hub, repo, branch, path, argument):
    with pytest.raises(ValueError, match=f"^{argument} must be .*, got "):
        nbgitpuller_link(hub, repo, branch, path)


def test_the_command_prints_the_link_or_a_clear_error():
    ok = subprocess.run([sys.executable, "-m", "course_lib.hub", "link", "--hub",
                         "https://hub.example.org", "--repo", "https://h/course"],
                        capture_output=True, text=True)
    assert ok.returncode == 0
    assert ok.stdout.strip() == ("https://hub.example.org/hub/user-redirect/git-pull?repo="
                                 "https%3A%2F%2Fh%2Fcourse&branch=main&urlpath=lab%2Ftree%2F"
                                 "course%3Fautodecode")
    bad = subprocess.run([sys.executable, "-m", "course_lib.hub", "link", "--hub", "x",
                          "--repo", "https://h/course"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("error: --hub must be")
