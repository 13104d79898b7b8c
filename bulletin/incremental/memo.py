"""What a preview remembers between rebuilds, so that one saved file is read and parsed alone.

A source file is read again unless its size, modification time, inode and change time are all
as when it was read, and it was not modified in the second before it was read (a later write in
the same clock tick would leave its time unchanged). A parse is reused while its inputs are the
very same objects: an unchanged file keeps its ``TextFile``, so what was read from it is kept too.
Problems found the first time are reported again on every build, as if parsed anew.
"""

from __future__ import annotations

import operator
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Hashable, TypeVar

from ..errors import Problems, SourceError
from ..load.files import Found

T = TypeVar("T")
RACY_NS = 1_000_000_000  # a file modified this recently may change again without its time changing


def file_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What identifies one version of a file without reading it."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


@dataclass(slots=True)
class ParseMemo:
    """Results of reading and parsing source files, kept from one build to the next (a ``load.Recall``)."""

    _entries: dict[Hashable, tuple[tuple[object, ...], object, list[SourceError]]] = field(default_factory=dict)
    _next: dict[Hashable, tuple[tuple[object, ...], object, list[SourceError]]] = field(default_factory=dict)
    found: dict[str, Found] | None = None  # the source files of the last load, by path
    walk_problems: list[SourceError] = field(default_factory=list)  # what the last walk of the site reported

    def read(self, found: Found, read: Callable[[Problems], T], problems: Problems) -> T:
        """``read(problems)`` of the file ``found``, or what it gave last time if the file is unchanged."""
        try:
            stat = found.stat or os.stat(found.path)
        except OSError:
            return read(problems)  # which reports why
        key = file_key(stat)
        trusted = time.time_ns() - stat.st_mtime_ns > RACY_NS
        return self.remember(("file", found.rel), (), key if trusted else object(), read, problems)

    def remember(self, name: Hashable, objects: tuple[object, ...], values: Hashable,
                 compute: Callable[[Problems], T], problems: Problems) -> T:
        """``compute(problems)``, reused while ``objects`` are the same objects and ``values`` equal as last time."""
        entry = self._entries.get(name)
        if entry is not None and entry[0][-1] == values and len(entry[0]) == len(objects) + 1 and all(
                map(operator.is_, entry[0], objects)):
            inputs, result, found = entry
        else:
            local = Problems()
            result = compute(local)
            inputs, found = (*objects, values), local.sorted()
        self._next[name] = (inputs, result, found)
        problems.extend(found)
        return result  # type: ignore[return-value]

    def knows(self, name: Hashable) -> bool:
        return name in self._entries

    def reuse(self, name: Hashable, problems: Problems) -> object:
        """What ``name`` gave last time, its problems reported again."""
        entry = self._next[name] = self._entries[name]
        problems.extend(entry[2])
        return entry[1]

    def turn(self) -> None:
        """End of a build: forget what it did not use (removed files, replaced parses)."""
        self._entries, self._next = self._next, {}
