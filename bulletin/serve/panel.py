"""The preview's error panel: every problem of a failed build, with the source line it points at."""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath

from ..errors import Severity, SourceError
from ..messages import Language, _


def error_panel(problems: list[SourceError], root: Path, language: Language) -> bytes:
    """HTML listing every problem with its source line; all of it escaped, as it quotes the user's files."""
    count = sum(1 for p in problems if p.severity is Severity.ERROR)
    items = []
    for problem in problems:
        quoted = _quote_source(root, problem)
        items.append(
            '<li style="margin:.6em 0">'
            f'<code style="font:inherit;font-weight:bold;white-space:pre-wrap">{html.escape(problem.shown(language))}</code>'
            + (f'<pre style="margin:.3em 0 0;padding:.4em .6em;background:#fff;border:1px solid #e3b4b4;'
               f'overflow-x:auto;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace">{quoted}</pre>' if quoted else "")
            + "</li>"
        )
    panel = (
        '<section id="bulletin-build-errors" role="alert" style="margin:0;padding:1em 1.5em;background:#fff0f0;'
        'color:#5c0000;border-bottom:3px solid #c00;font:15px/1.5 system-ui,sans-serif;text-align:left">'
        f'<h2 style="margin:0 0 .3em;font-size:1.2em;color:#a00">'
        f'{html.escape(language.text(_("The last build failed ({count} error(s))", count=count)))}</h2>'
        f'<p style="margin:0">{html.escape(language.text(_("This page shows the last good build; fix these and save, and it reloads by itself.")))}</p>'
        f'<ol style="margin:.5em 0 0;padding-left:1.5em">{"".join(items)}</ol></section>'
    )
    return panel.encode("utf-8")


def _quote_source(root: Path, problem: SourceError) -> str:
    """The problem's source line, escaped, with its column marked; empty when it cannot be read."""
    line = problem.source_line or _read_line(root, problem.path, problem.line)
    if not line.strip():
        return ""
    start = max(0, problem.col - 1 - 80)  # long lines: show a window around the column
    text = ("…" if start else "") + line[start:start + 200]
    col = problem.col - 1 - start + (1 if start else 0)
    number = f"{problem.line:>4} | "
    if 0 <= col < len(text):
        marked = html.escape(text[:col]) + f"<mark>{html.escape(text[col])}</mark>" + html.escape(text[col + 1:])
    else:
        marked = html.escape(text)
    return number + marked


def _read_line(root: Path, path: str, number: int) -> str:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or number < 1:
        return ""
    try:
        data = root.joinpath(*relative.parts).read_bytes()
    except OSError:
        return ""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[number - 1].rstrip() if number <= len(lines) else ""
