"""An nbgitpuller link: one click clones (or updates) the course into a learner's home on a hub
and opens a file of it.

The documented form is ``HUB/hub/user-redirect/git-pull?repo=R&branch=B&urlpath=U``: the hub's
``user-redirect`` sends the learner to their own server, whose nbgitpuller extension pulls
``R`` at branch ``B`` into the folder named after the URL's last part (``.git`` included:
``…/course.git`` lands in ``course.git/``), then opens ``U``, a path relative to the server's
root: ``lab/tree/FOLDER/PATH``.
Every value is URL-encoded whole, so a ``&`` or ``?`` in a repository URL stays in it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote, urlencode, urlsplit

HUB_SCHEMES = ("https", "http")
REPO_SCHEMES = ("https", "http", "ssh", "git", "file")
# git check-ref-format's rules that a link can break: no space or control character, none of
# ~^:?*[\, no "..", "@{", leading "-" or "/", trailing "/", ".lock" or ".".
_BAD_BRANCH = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|^[-/]|/$|\.lock$|\.$|//")


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    allowed = ", ".join(f"{scheme}://" for scheme in schemes)
    if parts.scheme not in schemes or (not parts.netloc and parts.scheme != "file"):
        raise ValueError(f"{name} must be a URL starting with {allowed} and naming a host "
                         f"(file:// a path), got {value!r}")
    if any(ord(c) < 0x21 or ord(c) == 0x7f for c in value):
        raise ValueError(f"{name} must be a URL without spaces or control characters, "
                         f"got {value!r}")
    return value


def hub_url(value: str) -> str:
    """The hub's address, as learners open it: ``https://HOST[:PORT][/PREFIX]``."""
    _url("--hub", value, HUB_SCHEMES)
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise ValueError(f"--hub must be the hub's address without ?query or #fragment, "
                         f"got {value!r}")
    return value.rstrip("/")


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller 1.3 clones ``repo`` into: what follows the URL's last ``/``."""
    name = repo.rstrip("/").split("/")[-1]
    if not name or name in (".", "..") or ":" in name:
        raise ValueError(f"--repo must end in the repository's name, got {repo!r}")
    return name


def branch_name(value: str) -> str:
    if not value or _BAD_BRANCH.search(value):
        raise ValueError("--branch must be a git branch name (no space, control character, "
                         f"'..', '~^:?*[\\' or leading '-'), got {value!r}")
    return value


def path_in_repo(value: str) -> str:
    """A file or folder of the repository, relative to its top (``exercises/ex02.ipynb``)."""
    path = PurePosixPath(value)
    if (not value or path.is_absolute() or "\\" in value or ".." in path.parts
            or any(ord(c) < 0x20 or ord(c) == 0x7f for c in value)):
        raise ValueError("--path must be a path inside the repository, relative, with '/' "
                         f"and without '..' or control characters, got {value!r}")
    return path.as_posix()


def nbgitpuller_link(hub: str, repo: str, branch: str = "main", path: str = "") -> str:
    """The link that pulls ``repo`` at ``branch`` into a learner's home on ``hub`` and opens
    ``path`` (the clone's folder when empty) in JupyterLab."""
    base = hub_url(hub)
    _url("--repo", repo, REPO_SCHEMES)
    opened = repo_folder(repo) + ("/" + path_in_repo(path) if path else "")
    # ?autodecode: JupyterLab opens the file without asking for a workspace name.
    urlpath = f"lab/tree/{opened}?autodecode"
    query = urlencode({"repo": repo, "branch": branch_name(branch), "urlpath": urlpath},
                      quote_via=quote, safe="")
    return f"{base}/hub/user-redirect/git-pull?{query}"
