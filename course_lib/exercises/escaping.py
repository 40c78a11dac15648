"""Learner text made harmless where the instructor reads it: the terminal and the feedback.

A learner's name, a file's name, a cell's first line and the message of an exception a
learner raised all come from a submission. In a terminal, an escape sequence could move
the cursor, rewrite earlier lines or retitle the window; in a Markdown file, a line
break could start a fake heading and a tag could become live HTML. Here every control
character (C0, C1, the zero-width and bidirectional ones) is shown as its code, a lone
surrogate (from a file name that is not UTF-8) as U+FFFD, and in Markdown a line break
as a space and every character with a meaning as itself.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]+")
# CommonMark lets a backslash make any of these literal; together they cover emphasis,
# code, links and images, tables, strikethrough, HTML tags and entities.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>&|~!#])")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(text))


def readable(text: str) -> str:
    """``text`` with its control characters shown as codes and lone surrogates as U+FFFD."""
    return _CONTROL.sub(_shown, without_surrogates(text))


def terminal_text(text: str) -> str:
    """A line safe to print: nothing in it is a control character for the terminal."""
    return readable(text)


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown on one line: no heading, tag, link or emphasis of its own."""
    return _MARKDOWN.sub(r"\\\1", readable(_LINE_BREAK.sub(" ", str(text))))


def markdown_code(text: str) -> str:
    """``text`` as a Markdown code span (where nothing is markup) on one line."""
    return "`" + readable(_LINE_BREAK.sub(" ", str(text))).replace("`", "'") + "`"
