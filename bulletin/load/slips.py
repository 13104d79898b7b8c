"""The YAML slips Chinese editors make, found on the line where they made them.

PyYAML reports where its parser gave up, which is often not where the mistake is: a full-width
colon ``region：湖南`` on line 3 is reported on line 4 ("could not find expected ':'"), an unclosed
quote at the end of the file. ``explain`` looks at the lines around the reported one for the slip
that explains it and says how to fix it; ``silent_slips`` finds the slips YAML accepts without a
word (a value in full-width quotes “…”, a list item started with a full-width dash), which only make
the value wrong.

Lines are counted in the text given, plus ``offset`` (front matter starts on the file's line 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..messages import Message, _

IDEOGRAPHIC_SPACE = "\u3000"
DASHES = "－—–―‐‑"  # full-width hyphen-minus, em dash, en dash, horizontal bar, hyphens
LEAD = f" \t{IDEOGRAPHIC_SPACE}"
KEY = r"[A-Za-z_][\w.-]*|[\u3400-\u9fff\w][^\s:：#'\"“”‘’]*?"
ASCII_KEY = re.compile(r"[A-Za-z_][\w-]*")
_FULL_WIDTH_COLON = re.compile(rf"^([{LEAD}]*(?:-[ \t]+)?)({KEY})[ \t{IDEOGRAPHIC_SPACE}]*：")
_NO_SPACE = re.compile(rf"^([{LEAD}]*(?:-[ \t]+)?)([A-Za-z_][\w.-]*|[\u3400-\u9fff][^\s:：#'\"“”]*?):(?=[^\s:/])")
_SPACE_AFTER_COLON = re.compile(rf"^[{LEAD}]*(?:-[ \t]+)?(?:{KEY}):({IDEOGRAPHIC_SPACE}+)")
_KEY_LINE = re.compile(rf"^( *)(- +)?({KEY})[ \t]*:(?:[ \t]|$)")
_VALUE = re.compile(rf"^[{LEAD}]*(?:-[ \t]+)?(?:(?:{KEY})[ \t]*:[ \t{IDEOGRAPHIC_SPACE}]+|(?<=- ))(.*?)\s*$")
_OPENS_BLOCK = re.compile(r":\s*(#.*)?$")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*$")
# What YAML accepts without a word, though the value comes out wrong: warned about when the file parses.
SILENT = frozenset({"full_width_quotes", "stray_quote", "full_width_dash", "full_width_colon", "no_space",
                    "space_after_colon", "full_width_space"})


@dataclass(frozen=True, slots=True)
class Slip:
    """A slip at ``line``:``col`` (1-based, offset added), how sure we are of it (``rank``, lower is surer)."""

    line: int
    col: int
    kind: str
    message: Message
    rank: int


def explain(text: str, reported: int, offset: int = 0) -> Slip | None:
    """The slip behind a syntax error PyYAML reported at line ``reported`` of ``text`` (offset added); None if none
    is known (PyYAML's own message is shown then)."""
    slips = find_slips(text, offset)
    if not slips:
        return None
    if reported >= text.count("\n") + offset:  # "found unexpected end of stream": an unclosed quote above
        quotes = [s for s in slips if s.kind == "unclosed_quote" and s.line <= reported]
        if quotes:
            return quotes[0]
    for line in (reported, reported - 1, reported - 2, reported + 1, reported - 3):
        here = [s for s in slips if s.line == line]
        if here:
            return min(here, key=lambda s: s.rank)
    before = [s for s in slips if s.line < reported]
    return max(before, key=lambda s: (-s.rank, s.line)) if before else None


def silent_slips(text: str, offset: int = 0) -> list[Slip]:
    """The slips of a text YAML reads without complaint (its value is wrong), to warn about.

    Only the lines that hold a character of such a slip are looked at closely: most files have none.
    """
    lines = text.split("\n")
    found: list[Slip] = []
    previous = ""
    inside: set[int] | None = None
    for number, line in enumerate(lines, 1):
        if _suspect(line):
            inside = _block_scalar_lines(lines) if inside is None else inside
            if number not in inside:
                found += [s for s in _line_slips(number + offset, line, previous, True) if s.kind in SILENT]
        if _content(line):
            previous = line
    return found


_SUSPECT_CHARACTERS = frozenset("“‘：" + IDEOGRAPHIC_SPACE + DASHES)
_QUOTED_VALUE = re.compile(r"(?::[ \t]+|^[ \t]*- +)[\"']")
_GLUED = re.compile(r"[ \t]*(?:- +)?[A-Za-z_][\w-]*:[^\s:/]")


def _suspect(line: str) -> bool:
    """Whether a line may hold a slip YAML accepts: a full-width character, a quote at the end of a value that does
    not start with one, or a key glued to its value."""
    return (not _SUSPECT_CHARACTERS.isdisjoint(line) or _GLUED.match(line) is not None
            or (line.rstrip()[-1:] in ("\"", "'") and _QUOTED_VALUE.search(line) is None))


def find_slips(text: str, offset: int = 0, silent: bool = False) -> list[Slip]:
    """Every slip in a YAML text, in line order. ``silent``: only what is surely a slip in a file YAML accepts."""
    lines = text.split("\n")
    inside = _block_scalar_lines(lines)
    found: list[Slip] = []
    previous = ""
    for number, line in enumerate(lines, 1):
        if number in inside:
            continue
        found += _line_slips(number + offset, line, previous, silent)
        if _content(line):
            previous = line
    if not silent:
        found += _structure_slips([("" if n in inside else line) for n, line in enumerate(lines, 1)], offset)
    # a slip in a line explains an odd indentation right after it
    sure = {s.line for s in found if s.rank == 0}
    found = [s for s in found if not (s.rank > 0 and s.kind.startswith("indent") and s.line - 1 in sure)]
    return sorted(found, key=lambda s: (s.line, s.rank))


def _line_slips(n: int, line: str, previous: str, silent: bool) -> list[Slip]:
    """The slips visible in one line by itself (``n`` its number as shown; ``previous`` the content line above)."""
    out: list[Slip] = []
    lead = line[: len(line) - len(line.lstrip(LEAD))]
    if "\t" in lead:
        out.append(Slip(n, lead.index("\t") + 1, "tab", _(
            "line {line} is indented with a tab, but YAML takes only spaces: replace the tab with spaces, aligned with "
            "the lines of the same level", line=n), 0))
    if IDEOGRAPHIC_SPACE in lead and (not silent or re.match(r"(- |[A-Za-z_][\w-]*[ \t]*:)", line[len(lead):])):
        out.append(Slip(n, lead.index(IDEOGRAPHIC_SPACE) + 1, "full_width_space", _(
            "line {line} is indented with full-width spaces “　”, but YAML takes only half-width spaces: replace each "
            "full-width space with two spaces", line=n), 0))
    colon = _FULL_WIDTH_COLON.match(line)
    if colon and (not silent or ASCII_KEY.fullmatch(colon.group(2))):
        out.append(Slip(n, colon.end(), "full_width_colon", _(
            'line {line} uses a full-width colon “：”: write a half-width colon ":" followed by a space', line=n), 0))
    space = _SPACE_AFTER_COLON.match(line)
    if space:
        out.append(Slip(n, space.start(1) + 1, "space_after_colon", _(
            "line {line} has a full-width space “　” after the colon: write one half-width space", line=n), 0))
    dash = re.match(rf"^([{LEAD}]*)([{DASHES}])(?![{DASHES}])", line)
    if dash and (not silent or _OPENS_BLOCK.search(previous) or previous.lstrip(LEAD)[:1] in ("-", *DASHES)):
        out.append(Slip(n, dash.end(1) + 1, "full_width_dash", _(
            'line {line} starts a list item with “{dash}”: write a half-width "-" followed by a space',
            line=n, dash=dash.group(2)), 0))
    if re.match(rf"^[{LEAD}]*-(?=[A-Za-z_\u3400-\u9fff])", line):
        out.append(Slip(n, len(lead) + 1, "dash_without_space", _(
            'line {line}: a list item needs a space after its "-"', line=n), 1))
    glued = _NO_SPACE.match(line)
    if glued and not colon and (not silent or ASCII_KEY.fullmatch(glued.group(2))):
        key, rest = glued.group(2), line[glued.end():].strip()[:12]
        out.append(Slip(n, glued.end() + 1, "no_space", _(
            'line {line} has no space after the colon: write "{key}: {value}" instead of "{key}:{value}"',
            line=n, key=key, value=rest), 1))
    return out + _value_slips(n, line)


def _value_slips(n: int, line: str) -> list[Slip]:
    """Quotes around a value that do not do what the editor meant."""
    value = _value_of(line)
    if value is None:
        return []
    text, at = value
    first, last = text[0], text[-1]
    if first in "[{" and text.count(first) > text.count("]" if first == "[" else "}"):
        close = "]" if first == "[" else "}"
        return [Slip(n, at + 1, "unclosed_bracket", _(
            'line {line}: the value opens with "{open}" that is not closed on this line: close it with "{close}", or '
            'remove the "{open}" and write each item on a line of its own', line=n, open=first, close=close), 0)]
    if first in "\"'" and not (len(text) > 1 and last == first and not text.endswith("\\" + first)):
        return [Slip(n, at + 1, "unclosed_quote", _(
            "line {line}: the value starts with the quote {quote} but it is never closed: add {quote} at the end of "
            "the value, or remove the first one", line=n, quote=first), 0)]
    if last in "\"'" and first not in "\"'“":
        return [Slip(n, at + len(text), "stray_quote", _(
            "line {line}: the value ends with a stray quote {quote}: remove it, or put the same quote at the start "
            "of the value too", line=n, quote=last), 2)]
    if first in "“‘" and (last in "”’\"'" or len(text) == 1):
        return [Slip(n, at + 1, "full_width_quotes", _(
            "line {line}: the value is in full-width quotes {first}…{last}, which YAML does not take as quotes, so "
            'they become part of the value: remove them, or use half-width quotes "…"', line=n, first=first,
            last=last), 2)]
    return []


def _value_of(line: str) -> tuple[str, int] | None:
    """The value after ``key: `` (or ``- ``) on a line and its 0-based column, without a trailing comment."""
    match = _VALUE.match(line)
    if not match or not match.group(1):
        return None
    value = match.group(1)
    if not value.startswith(("'", '"')):
        value = re.split(r"\s#", value, maxsplit=1)[0].rstrip()
    return (value, match.start(1)) if value else None


def _structure_slips(lines: list[str], offset: int) -> list[Slip]:
    """Slips seen only against the lines above: indentation, a list item without "- "."""
    out: list[Slip] = []
    levels: list[int] = []
    previous: tuple[int, str] | None = None  # (indent, text) of the previous content line
    previous_n = 0
    for n, line in enumerate(lines, 1):
        if not _content(line) or line.lstrip(LEAD).startswith(("---", "...")):
            continue
        lead = line[: len(line) - len(line.lstrip(LEAD))]
        depth = _width(lead)
        body = line[len(lead):]
        item = body.startswith(("- ", "-\t")) or body == "-"
        known = sorted(set(levels))
        while levels and levels[-1] > depth:
            levels.pop()
        if previous is not None:
            base = previous[0] + 2 if previous[1].lstrip().startswith("- ") else previous[0]
            opened = _OPENS_BLOCK.search(previous[1]) or _BLOCK_SCALAR.search(previous[1]) or _unclosed(previous[1])
            if depth > base and not opened:
                out.append(_indented_more(n + offset, depth + 1, depth - base, base))
            elif depth < previous[0] and depth not in known and not item:
                lower = max([x for x in known if x < depth], default=0)
                higher = min([x for x in known if x > depth], default=depth + 2)
                if _alone_at(lines, previous_n, previous[0]) and _next_depth(lines, n) != previous[0]:
                    out.append(_indented_more(previous_n + offset, previous[0] + 1, previous[0] - depth, depth, True))
                else:
                    out.append(Slip(n + offset, depth + 1, "indent_mismatch", _(
                        "line {line} is indented {indent} space(s), which matches no level above: indent it {lower} "
                        "or {higher} spaces", line=n + offset, indent=depth, lower=lower, higher=higher), 1))
                    depth = higher if higher - depth <= depth - lower else lower  # read on as the editor meant it
            out += _list_slips(lines, n, offset, depth, body, item)
        levels.append(depth)
        if item:
            levels.append(depth + 2)  # the item's keys sit after "- "
        previous, previous_n = (depth, line), n
    return out


def _indented_more(n: int, col: int, extra: int, indent: int, below: bool = False) -> Slip:
    message = _("line {line} is indented {extra} space(s) more than the line below: keys of one level start in the "
                "same column ({indent} spaces)", line=n, extra=extra, indent=indent) if below else _(
                "line {line} is indented {extra} space(s) more than the line above: keys of one level start in the "
                "same column ({indent} spaces)", line=n, extra=extra, indent=indent)
    return Slip(n, col, "indent_more", message, 1)


def _list_slips(lines: list[str], n: int, offset: int, depth: int, body: str, item: bool) -> list[Slip]:
    """A list item out of line with the one before it, or a line where an item should be that has no "- "."""
    before = _previous_item(lines, n, depth)
    if before is None:
        return []
    if item and before[1] != depth:
        return [Slip(n + offset, depth + 1, "list_misaligned", _(
            "line {line}: the list item is indented {indent} space(s), but the item before it (line {first}) is "
            "indented {expected}: align them", line=n + offset, indent=depth, first=before[0] + offset, expected=before[1]), 1)]
    if not item and before[1] == depth:
        word = body.split(":")[0].split("：")[0][:12]
        return [Slip(n + offset, depth + 1, "no_dash", _(
            'line {line} is an item of the list above but does not start with "- ": write "- " before "{word}" '
            "(as on line {first})", line=n + offset, word=word, first=before[0] + offset), 1)]
    return []


def _unclosed(line: str) -> bool:
    """Whether a line leaves a bracket open (the lines below it continue a [list] or {mapping})."""
    return line.count("[") > line.count("]") or line.count("{") > line.count("}")


def _width(lead: str) -> int:
    """Indentation as the editor sees it: a full-width space is two columns, a tab four."""
    return sum(2 if c == IDEOGRAPHIC_SPACE else 4 if c == "\t" else 1 for c in lead)


def _content(line: str) -> bool:
    text = line.strip(LEAD)
    return bool(text) and not text.startswith("#")


def _next_depth(lines: list[str], n: int) -> int | None:
    """The indentation of the next content line after line ``n``."""
    for line in lines[n:]:
        if _content(line):
            return _width(line[: len(line) - len(line.lstrip(LEAD))])
    return None


def _alone_at(lines: list[str], k: int, depth: int) -> bool:
    """Whether line ``k`` is the only line at ``depth`` in its block (the content line above it is shallower)."""
    for line in reversed(lines[: k - 1]):
        if _content(line):
            return _width(line[: len(line) - len(line.lstrip(LEAD))]) < depth and not line.lstrip().startswith("- ")
    return True


def _previous_item(lines: list[str], n: int, depth: int) -> tuple[int, int] | None:
    """(line, indent) of the nearest "- " line above line ``n`` of the same list: the lines between are deeper."""
    lowest = None
    for k in range(n - 1, 0, -1):
        line = lines[k - 1]
        if not _content(line):
            continue
        lead = line[: len(line) - len(line.lstrip(LEAD))]
        indent = _width(lead)
        item = line[len(lead):].startswith("- ")
        if item and (lowest is None or lowest > min(depth, indent)):
            return k, indent
        lowest = indent if lowest is None else min(lowest, indent)
        if indent < depth or (indent == depth and not item):
            return None
    return None


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """Line numbers of the text of literal and folded block scalars (``key: |``), which may hold anything."""
    inside: set[int] = set()
    opener = None
    for n, line in enumerate(lines, 1):
        if opener is not None:
            if not line.strip() or _width(line[: len(line) - len(line.lstrip(LEAD))]) > opener:
                inside.add(n)
                continue
            opener = None
        if _BLOCK_SCALAR.search(line):
            opener = _width(line[: len(line) - len(line.lstrip(LEAD))])
    return inside
