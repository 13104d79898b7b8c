"""Files that look like copies: ``a - 副本.md`` (Windows), ``a (1).md`` (a second download), ``复件 a.md``, ``Copy of
a.md``, ``a.bak.md``. A copy of a bulletin is published as a second bulletin, a copy of a unit file as a second unit;
each gets a warning naming the file it copies, so that the editor deletes it or gives it a name of its own.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from ..errors import Problems
from ..messages import _

# What copying adds to a file's name (its stem, before .md or .yaml): at the end, or at the start.
COPY_END = re.compile(
    r"(?:\s*-\s*副本|的副本|\s*-\s*[Cc]opy|[ _-][Cc]opy|\s*副本)(?:\s*[（(]\d+[)）])?$"  # a - 副本, a的副本, a - Copy (2)
    r"|\s*[（(]\d+[)）]$"  # a (1), a（2）
    r"|[._](?:bak|backup|orig|old)$|-(?:bak|backup)$|~$"  # backup suffixes: a.bak, a_backup, a.orig, a-bak, a~
)
COPY_START = re.compile(r"^(?:[Cc]opy(?:\s*\(\d+\))?\s+of\s+|复件\s*(?:\(\d+\)\s*)?|副本\s*-\s*)")
CANDIDATE = re.compile(r"副本|复件|[Cc]opy|[(（]|bak|backup|orig|old|~")  # a quick look first: most names are none of these
# Backups an editor or a tool leaves beside the file itself: a.md.bak, a.md~, a.yaml.orig (not read, never published).
BACKUP = re.compile(r"(\.(?:md|markdown|ya?ml))(?:\.(?:bak|backup|orig|old|tmp)|~)$")


def original_of(path: str) -> str | None:
    """The path of the file that ``path`` looks like a copy of (which may not exist), or None."""
    folder, name = posixpath.split(path)
    if not CANDIDATE.search(name):
        return None
    stem, suffix = posixpath.splitext(name)
    original = COPY_START.sub("", COPY_END.sub("", stem))
    if original == stem or not original.strip():
        return None
    return posixpath.join(folder, original.strip() + suffix)


def warn_about_copies(paths: Iterable[str], problems: Problems) -> None:
    """Warn about the source files among ``paths`` (bulletins, pages, unit files) that look like copies."""
    known = set(paths)
    for path in sorted(known):
        original = original_of(path)
        if original is None:
            continue
        unit = path.startswith("data/units/")
        if original in known:
            message = _('"{name}" looks like a copy of {original}, and it is read as a unit of its own; delete it if '
                        "it is a copy, or give it a name of its own", name=posixpath.basename(path), original=original) \
                if unit else _('"{name}" looks like a copy of {original}, and it is published as a page of its own; '
                               "delete it if it is a copy, or give it a name of its own",
                               name=posixpath.basename(path), original=original)
        else:
            message = _('"{name}" looks like a copy (of {original}, which is not there), and it is published as a page '
                        "of its own; if it is no copy, give it a name of its own", name=posixpath.basename(path),
                        original=original)
        problems.warning(path, 1, 1, message)


def warn_about_backups(rel: str, present: set[str], problems: Problems) -> None:
    """Warn about a backup beside a source file (``a.md.bak``): it is not read, and nothing of it is published."""
    match = BACKUP.search(rel)
    if match and rel[: match.end(1)] in present:
        problems.warning(rel, 1, 1, _('"{name}" looks like a backup of {original}; it is not published (delete it '
                                      "when you no longer need it)", name=posixpath.basename(rel),
                                      original=rel[: match.end(1)]))
