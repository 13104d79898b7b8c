"""The preview's panel: the problems of the last build on every page, where the editor is looking.

While the last build has failed, a red panel pinned to the top of the window lists its errors, each with
the source line it points at, and its warnings below them, folded and in a quieter colour; after a good
build with warnings, a quiet folded bar at the bottom lists them. The panel is fixed to the window, so it
is on screen wherever the page was scrolled to when it reloaded, and it takes no room in the page: when it
goes, nothing moves. It needs no script: a click on its heading folds it; with JavaScript, × removes it.
Everything it quotes is escaped.
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath

from ..errors import Severity, SourceError
from ..messages import Language, _

PANEL_ID = "bulletin-build-errors"
MONO = "font:13px/1.5 ui-monospace,Menlo,Consolas,monospace"
# Inline styles only: the site's stylesheet may be broken too (or be what is being edited).
BOX = ("position:fixed;{where}:0;left:0;right:0;z-index:2147483647;max-height:{height};overflow:auto;margin:0;"
       "padding:.8em 1.2em;box-sizing:border-box;text-align:left;font:15px/1.5 system-ui,sans-serif;"
       "box-shadow:0 2px 12px rgba(0,0,0,.25);{colours}")
ERROR_COLOURS = "background:#fff0f0;color:#5c0000;border-bottom:3px solid #c00"
WARNING_COLOURS = "background:#fffbea;color:#4d3d00;border-top:2px solid #d9b400"
CLOSE = ('<button type="button" aria-label="{label}" title="{label}" onclick="this.closest(\'section\').remove()" '
         'style="float:right;margin:0 0 .3em .8em;padding:0 .45em;font:20px/1.2 system-ui,sans-serif;cursor:pointer;'
         'background:transparent;border:1px solid currentColor;border-radius:4px;color:inherit">×</button>')


def problem_panel(problems: list[SourceError], root: Path, language: Language) -> bytes:
    """The panel for the problems of the last build (errors and warnings); empty when there are none."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is not Severity.ERROR]
    if errors:
        return _error_panel(errors, warnings, root, language).encode("utf-8")
    if warnings:
        return _warning_bar(warnings, root, language).encode("utf-8")
    return b""


def _error_panel(errors: list[SourceError], warnings: list[SourceError], root: Path, language: Language) -> str:
    t = language.text
    heading = t(_("The last build failed ({count} error(s))", count=len(errors)))
    note = t(_("This page shows the last good build; fix these and save, and it reloads by itself."))
    folded = _warning_list(warnings, root, language, open_=False) if warnings else ""
    return (
        f'<section id="{PANEL_ID}" style="display:contents">'
        f'<div role="alert" style="{BOX.format(where="top", height="55vh", colours=ERROR_COLOURS)}">'
        + CLOSE.format(label=html.escape(t(_("close")))) +
        '<details open style="margin:0"><summary style="cursor:pointer;font-weight:bold;font-size:1.15em;color:#a00">'
        f'✖ {html.escape(heading)}</summary>'
        f'<p style="margin:.2em 0 0">{html.escape(note)}</p>'
        f'<ol style="margin:.5em 0 0;padding-left:1.5em">{_items(errors, root, language, "#e3b4b4")}</ol>'
        f"{folded}</details></div></section>"
    )


def _warning_bar(warnings: list[SourceError], root: Path, language: Language) -> str:
    t = language.text
    return (
        f'<section id="{PANEL_ID}" style="display:contents">'
        f'<div role="status" style="{BOX.format(where="bottom", height="40vh", colours=WARNING_COLOURS)};'
        'padding:.4em 1.2em;font-size:14px">'
        + CLOSE.format(label=html.escape(t(_("close")))) + _warning_list(warnings, root, language, open_=False)
        + "</div></section>"
    )


def _warning_list(warnings: list[SourceError], root: Path, language: Language, open_: bool) -> str:
    summary = language.text(_("⚠ {count} warning(s) of the last build (click to show)", count=len(warnings)))
    return (
        f'<details{" open" if open_ else ""} style="margin:.5em 0 0;color:#5a4a00">'
        f'<summary style="cursor:pointer">{html.escape(summary)}</summary>'
        f'<ol style="margin:.3em 0 0;padding-left:1.5em">{_items(warnings, root, language, "#e6d9a2")}</ol></details>'
    )


def _items(problems: list[SourceError], root: Path, language: Language, border: str) -> str:
    items = []
    for problem in problems:
        quoted = _quote_source(root, problem)
        items.append(
            '<li style="margin:.5em 0">'
            f'<code style="font:inherit;font-weight:bold;white-space:pre-wrap">{html.escape(problem.shown(language))}</code>'
            + (f'<pre style="margin:.3em 0 0;padding:.4em .6em;background:#fff;border:1px solid {border};'
               f'overflow-x:auto;{MONO}">{quoted}</pre>' if quoted else "")
            + "</li>"
        )
    return "".join(items)


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
