"""Feedback as text (terminal, nbval), HTML (JupyterLab) and Markdown (the grader's files).

Each result is first laid out once — a headline, a line per case, the likely mistake —
and then written in the three formats, so they always say the same thing. A whole
feedback file is laid out the same way, as a :class:`Document` of headings, paragraphs and
lists, and written as Markdown, as plain text that reads clean when pasted into an LMS's
text box (no escapes), and as a self-contained HTML page.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .compare import show_arguments
from .escaping import markdown_code, markdown_text, readable
from .judge import ERROR, NOT_ATTEMPTED_YET, PASS, TaskResult, with_prerequisites
from .spec import Mistake

TICK, CROSS, DOT = "✓", "✗", "…"
GREEN, RED, GREY = "#1a7f37", "#cf222e", "#6e7781"
_COLOURS = {TICK: GREEN, CROSS: RED, DOT: GREY}

HIDDEN_REMAIN = "visible cases passed; more cases are checked when graded"


@dataclass(frozen=True)
class Layout:
    """What to say about one task, before choosing a format."""

    mark: str
    title: str
    headline: str
    lines: tuple[tuple[str, str], ...] = ()
    mistake: Mistake | None = None
    inputs: str = ""
    prerequisites: tuple[str, ...] = ()

    @property
    def footer(self) -> tuple[str, ...]:
        """The lines under the cases: what the likely mistake means, which failing task this
        one builds on, and a failing case's inputs."""
        about = (f"{self.mistake.name}: {self.mistake.explanation}",) if self.mistake else ()
        return about + self.prerequisites + ((self.inputs,) if self.inputs else ())


def layout(result: TaskResult) -> Layout:
    task = result.task
    title = f"{task.id} · {task.answer_name}"
    cases = result.cases
    if result.not_attempted:
        return Layout(DOT, title, "not attempted yet: replace raise NotImplementedError() "
                      "with your code, then run the check again.")
    if result.passed:
        if task.kind != "function":
            headline = "correct."
        elif task.has_hidden_cases and not result.graded:
            headline = f"{len(cases)} of {len(cases)} {HIDDEN_REMAIN}."
        else:
            headline = f"all {len(cases)} cases passed."
        return Layout(TICK, title, headline, _case_lines(result))
    prerequisites = tuple(_builds_on(other) for other in result.failing_prerequisites)
    shared = result.shared_error
    if shared is not None:
        every = " (on every case)" if len(cases) > 1 else ""
        return Layout(CROSS, title, f"{shared}{every}.", prerequisites=prerequisites)
    mistake = result.likely_mistake
    named = f" Likely mistake: {mistake.name}." if mistake else ""
    if task.kind == "function":
        headline = f"{result.passed_count} of {len(cases)} cases passed.{named}"
    else:
        headline = f"not right yet.{named}"
    first_failure = next(case for case in cases if not case.passed)
    inputs = ""
    if task.kind == "function" and first_failure.case.kwargs:
        arguments = show_arguments(first_failure.case.kwargs)
        inputs = f"Inputs of {first_failure.case.label}: {arguments}"
    lines = _case_lines(result) if task.kind == "function" else (
        (CROSS, first_failure.detail),)
    return Layout(CROSS, title, headline, lines, mistake, inputs, prerequisites)


def _builds_on(task) -> str:
    return (f"This task calls your {task.answer_name} from {task.id}, which is not right yet: "
            f"that may be why this one fails. Fix {task.id} first.")


def _case_lines(result: TaskResult) -> tuple[tuple[str, str], ...]:
    if result.task.kind != "function":
        return ()
    lines = []
    explaining = {m.name for m in result.explaining_mistakes}
    for case in result.cases:
        if case.status == PASS:
            lines.append((TICK, case.case.label))
        elif case.status == NOT_ATTEMPTED_YET:
            lines.append((DOT, f"{case.case.label}: not attempted yet"))
        else:
            names = ", ".join(m.name for m in case.mistakes if m.name in explaining)
            arrow = f" → {names}" if names and case.status != ERROR else ""
            lines.append((CROSS, f"{case.case.label}: {case.detail}{arrow}"))
    return tuple(lines)


def task_text(result: TaskResult) -> str:
    view = layout(result)
    out = [f"{view.title}: {view.mark} {view.headline}"]
    out += [f"  {mark} {text}" for mark, text in view.lines]
    out += [f"  {line}" for line in view.footer]
    return "\n".join(out)


def task_html(result: TaskResult) -> str:
    view = layout(result)
    rows = "".join(
        f'<li style="margin:0">{_mark_html(mark)} {html.escape(text)}</li>'
        for mark, text in view.lines
    )
    footer = ""
    if view.mistake:
        footer += (f'<div style="margin-top:0.3em"><b>{html.escape(view.mistake.name)}</b>: '
                   f"{html.escape(view.mistake.explanation)}</div>")
    for line in view.prerequisites:
        footer += f'<div style="margin-top:0.3em">{html.escape(line)}</div>'
    if view.inputs:
        footer += f'<div style="margin-top:0.3em;color:{GREY}">{html.escape(view.inputs)}</div>'

    return (
        '<div class="course-check" style="line-height:1.45">'
        f'<div>{_mark_html(view.mark)} <b>{html.escape(view.title)}</b>: '
        f"{html.escape(view.headline)}</div>"
        + (f'<ul style="list-style:none;margin:0.2em 0;padding-left:1.4em">{rows}</ul>'
           if rows else "")
        + footer + "</div>"
    )


def task_markdown(result: TaskResult, points: float | None = None) -> str:
    """The task as Markdown; ``points``: what it earned, if not :attr:`TaskResult.points`."""
    return Document(task_blocks(result, points)).markdown()


def task_blocks(result: TaskResult, points: float | None = None) -> tuple[Block, ...]:
    """The task as a part of a :class:`Document`: a heading with its points, the headline,
    a line per case and the footer."""
    view = layout(result)
    task = result.task
    earned = result.points if points is None else points
    blocks = [Heading(3, (f"{view.title} ({earned:g}/{task.points})",)),
              Paragraph(((f"{view.mark} {view.headline}",),))]
    if view.lines:
        blocks.append(Bullets(tuple((f"{mark} {text}",) for mark, text in view.lines)))
    if view.footer:
        blocks.append(Paragraph(tuple((line,) for line in view.footer)))
    return tuple(blocks)


@dataclass(frozen=True)
class Code:
    """Text shown as code: a file name, a cell's first line."""

    text: str


# A line is a run of plain text and code; learner text may be in either.
Line = tuple[str | Code, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    line: Line


@dataclass(frozen=True)
class Paragraph:
    """Lines kept apart by line breaks."""

    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[Line, ...]


Block = Heading | Paragraph | Bullets

_UNDERLINES = {1: "=", 2: "-"}
_PAGE_STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.5;max-width:48em;"
               "margin:1em auto;padding:0 1em;color:#1f2328;background:#fff}"
               "code{background:#f6f8fa;padding:0 0.2em}")


@dataclass(frozen=True)
class Document:
    """Feedback laid out once, written as Markdown, plain text or an HTML page. Every piece of
    text is shown as written: control characters as their codes, nothing as markup."""

    blocks: tuple[Block, ...]

    def markdown(self) -> str:
        def line(parts: Line) -> str:
            return "".join(markdown_code(p.text) if isinstance(p, Code) else markdown_text(p)
                           for p in parts)

        out = []
        for block in self.blocks:
            if isinstance(block, Heading):
                out.append(f"{'#' * block.level} {line(block.line)}")
            elif isinstance(block, Paragraph):
                out.append("  \n".join(line(parts) for parts in block.lines))
            else:
                out.append("\n".join(f"- {line(parts)}" for parts in block.items))
        return "\n\n".join(out) + "\n"

    def text(self) -> str:
        out = []
        for block in self.blocks:
            if isinstance(block, Heading):
                shown = _plain(block.line)
                under = _UNDERLINES.get(block.level)
                out.append(f"{shown}\n{under * len(shown)}" if under else shown)
            elif isinstance(block, Paragraph):
                out.append("\n".join(_plain(parts) for parts in block.lines))
            else:
                out.append("\n".join(f"- {_plain(parts)}" for parts in block.items))
        return "\n\n".join(out) + "\n"

    def html(self) -> str:
        """A whole page that loads nothing: its policy forbids every outside resource."""
        def line(parts: Line) -> str:
            return "".join(f"<code>{_html_text(p.text)}</code>" if isinstance(p, Code)
                           else _html_text(p) for p in parts)

        body = []
        for block in self.blocks:
            if isinstance(block, Heading):
                body.append(f"<h{block.level}>{line(block.line)}</h{block.level}>")
            elif isinstance(block, Paragraph):
                body.append(f"<p>{'<br>'.join(line(parts) for parts in block.lines)}</p>")
            else:
                items = "".join(f"<li>{line(parts)}</li>" for parts in block.items)
                body.append(f"<ul>{items}</ul>")
        title = next((_plain(b.line) for b in self.blocks if isinstance(b, Heading)),
                     "Feedback")
        return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<meta http-equiv="Content-Security-Policy" '
                "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                f"<title>{html.escape(title)}</title>\n<style>{_PAGE_STYLE}</style>\n"
                "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _plain(parts: Line) -> str:
    """The line as plain text on one line, learner text readable (no control character)."""
    return "".join(readable(" ".join(str(p.text if isinstance(p, Code) else p).splitlines()))
                   for p in parts)


def _html_text(text: str) -> str:
    return html.escape(_plain((text,)), quote=True)


def _mark_html(mark: str) -> str:
    return f'<span style="color:{_COLOURS[mark]};font-weight:bold">{mark}</span>'


@dataclass(frozen=True)
class ScoreRow:
    """One task's line in a score table: a mark, its points and a short note."""

    task_id: str
    answer_name: str
    mark: str
    points: int
    out_of: int
    note: str


def score_rows(results: dict[str, TaskResult | None], tasks,
               calls: Mapping[str, Collection[str]] | None = None,
               checked_as: Mapping[str, str] | None = None) -> list[ScoreRow]:
    """Rows for a score table; a task whose result is None was not defined in the notebook.

    ``calls``: the names each task's answer refers to, where known (see
    :func:`with_prerequisites`); ``checked_as``: the name a task's function was checked under,
    for a task whose function is not defined under its own name.
    """
    checked_as = checked_as or {}
    results = {**results, **with_prerequisites(
        {task_id: result for task_id, result in results.items() if result is not None},
        calls)}
    rows = []
    for task in tasks:
        result = results.get(task.id)
        if result is None:
            other = checked_as.get(task.id)
            note = (f"checked under the name {other}; score looks for {task.answer_name}: "
                    f"rename {other} to {task.answer_name}" if other
                    else "not defined yet: run the cell that defines it")
            rows.append(ScoreRow(task.id, task.answer_name, DOT, 0, task.points, note))
        elif result.not_attempted:
            rows.append(ScoreRow(task.id, task.answer_name, DOT, 0, task.points,
                                 "not attempted yet"))
        elif result.passed:
            rows.append(ScoreRow(task.id, task.answer_name, TICK, task.points, task.points, ""))
        else:
            mistake = result.likely_mistake
            note = (f"likely mistake: {mistake.name}" if mistake
                    else result.shared_error or "not right yet")
            note += "".join(f"; calls your {other.answer_name} ({other.id}), not right yet"
                            for other in result.failing_prerequisites)
            rows.append(ScoreRow(task.id, task.answer_name, CROSS, 0, task.points, note))
    return rows


SCORE_NOTE = ("These points count the cases you can see; the instructor's grader "
              "checks more cases.")


def score_text(title: str, rows: list[ScoreRow]) -> str:
    earned, total = sum(r.points for r in rows), sum(r.out_of for r in rows)
    width = max(len(f"{r.task_id} {r.answer_name}") for r in rows)
    out = [f"{title}: score so far {earned}/{total}"]
    for r in rows:
        name = f"{r.task_id} {r.answer_name}".ljust(width)
        note = f"  {r.note}" if r.note else ""
        out.append(f"  {r.mark} {name}  {r.points}/{r.out_of}{note}")
    out.append(SCORE_NOTE)
    return "\n".join(out)


def score_html(title: str, rows: list[ScoreRow]) -> str:
    earned, total = sum(r.points for r in rows), sum(r.out_of for r in rows)
    body = "".join(
        f"<tr><td>{_mark_html(r.mark)}</td><td>{html.escape(r.task_id)}</td>"
        f"<td><code>{html.escape(r.answer_name)}</code></td>"
        f'<td style="text-align:right">{r.points}/{r.out_of}</td>'
        f"<td>{html.escape(r.note)}</td></tr>"
        for r in rows
    )
    return (
        '<div class="course-score">'
        f"<div><b>{html.escape(title)}</b>: score so far <b>{earned}/{total}</b></div>"
        f'<table style="margin:0.3em 0;font-size:inherit">{body}</table>'
        f'<div style="color:{GREY}">{html.escape(SCORE_NOTE)}</div></div>'
    )
