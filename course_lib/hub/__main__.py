"""``python -m course_lib.hub link --hub URL --repo URL [--branch B] [--path P]``."""

from __future__ import annotations

import argparse
import sys

from .links import nbgitpuller_link


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.hub",
                                     description="Tools for a workshop on a JupyterHub.")
    commands = parser.add_subparsers(dest="command", required=True)
    link = commands.add_parser("link", help="print the nbgitpuller link that pulls the course "
                                            "into a learner's home and opens a file of it")
    link.add_argument("--hub", required=True,
                      help="the hub's address, as learners open it (https://hub.example.org)")
    link.add_argument("--repo", required=True,
                      help="the git URL of the course, or of its learner edition")
    link.add_argument("--branch", default="main", help="its branch (default: %(default)s)")
    link.add_argument("--path", default="",
                      help="the file or folder to open, inside the repository "
                           "(default: the repository's folder)")
    args = parser.parse_args(argv)
    try:
        print(nbgitpuller_link(args.hub, args.repo, args.branch, args.path))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
