"""Tags that are probably one tag written two ways (宣讲 and 专题宣讲): a warning with "did you mean", so that
a tag's page lists all the bulletins it should."""

from __future__ import annotations

import re

from ..errors import Problems
from ..messages import _
from ..model import Bulletin
from .read import TextFile

PREFIXES = ("专题", "工作")  # 专题宣讲 is 宣讲, 工作动态 is 动态
SHORTEST = 2  # a tag of one character is inside too many others to say anything


def warn_near_duplicate_tags(bulletins: list[Bulletin], files: dict[str, TextFile], problems: Problems) -> None:
    """Warn where a bulletin uses a tag that another tag contains, or that differs from one only by 专题 or 工作;
    the rarer (else the longer) of the two is the one warned about, at its place in the front matter."""
    users: dict[str, list[Bulletin]] = {}
    for bulletin in bulletins:
        for tag in bulletin.tags:
            users.setdefault(tag, []).append(bulletin)
    for tag, other in sorted(_near_pairs(set(users)).items()):
        count = len(users[other])
        for bulletin in users[tag]:
            line, col = _position(files.get(bulletin.source_path), tag)
            problems.warning(bulletin.source_path, line, col, _(
                'tag "{tag}" is close to "{other}", used by {count} bulletin(s) (did you mean "{other}"?); '
                "one tag for one subject keeps its page complete", tag=tag, other=other, count=count))


def _near_pairs(tags: set[str]) -> dict[str, str]:
    """Each tag to warn about -> the tag it is probably meant to be."""
    found: dict[str, str] = {}
    for tag in tags:
        for other in _near(tag, tags):
            odd, usual = (tag, other) if (len(tag), tag) > (len(other), other) else (other, tag)
            found.setdefault(odd, usual)
    return found


def _near(tag: str, tags: set[str]) -> set[str]:
    """The other tags that ``tag`` contains, or that are ``tag`` without (or with) a prefix."""
    inside = {tag[i:j] for i in range(len(tag)) for j in range(i + SHORTEST, len(tag) + 1)}
    bare = tag.removeprefix(PREFIXES[0]).removeprefix(PREFIXES[1])
    variants = {bare, *(prefix + bare for prefix in PREFIXES)}
    return ((inside | variants) & tags) - {tag}


def _position(file: TextFile | None, tag: str) -> tuple[int, int]:
    """Line and column of ``tag`` in a bulletin's front matter (its tags list), else 1:1."""
    if file is None:
        return 1, 1
    lines = file.text.splitlines()
    start = next((n for n, line in enumerate(lines) if re.match(r"tags\s*:", line)), None)
    for n in range(start if start is not None else len(lines), min(len(lines), (start or 0) + 50)):
        if n > (start or 0) and lines[n].strip() == "---":
            break
        match = re.search(r"(?:^|[\[,\s'\"-])(" + re.escape(tag) + r")(?=$|[\],\s'\"#])", lines[n])
        if match and (n == start or lines[n].lstrip().startswith("-")):
            return n + 1, match.start(1) + 1
    return (start + 1, 1) if start is not None else (1, 1)
