"""What loading may remember from one load of a site to the next (the preview's memory), as an interface.

Loading never decides by itself what is unchanged: it asks a ``Recall``. A command-line build
passes ``Forgetful`` (everything is read and parsed); the preview passes the memory of
``incremental``, which reuses what was read from files that did not change.
"""

from __future__ import annotations

import os
from typing import Callable, Hashable, Protocol, TypeVar

from ..errors import Problems, SourceError
from ..model import Bulletin, Unit
from .files import Found

T = TypeVar("T")


class Recall(Protocol):
    """Results of reading and parsing source files, perhaps kept from an earlier load."""

    found: dict[str, Found] | None  # the source files of the last load, by path; None: walk the site
    walk_problems: list[SourceError]  # what the last walk of the site reported

    def read(self, found: Found, read: Callable[[Problems], T], problems: Problems) -> T:
        """``read(problems)`` of the file ``found``, or what it gave last time if the file is unchanged."""

    def remember(self, name: Hashable, objects: tuple[object, ...], values: Hashable,
                 compute: Callable[[Problems], T], problems: Problems) -> T:
        """``compute(problems)``, or its last result while ``objects`` are the same objects and ``values`` equal."""

    def knows(self, name: Hashable) -> bool:
        """Whether ``name`` was remembered by the last load."""

    def reuse(self, name: Hashable, problems: Problems) -> object:
        """What ``name`` gave last time, its problems reported again."""

    def turn(self) -> None:
        """End of a load: forget what it did not use."""


class ReadBefore(Protocol):
    """What earlier builds found reading the sources (the command line's memory, kept on disk): bulletins' front
    matter by the digest of the file it was read from, so that a file whose text is the same is not parsed
    again; and the checks that found nothing, by a digest of what they looked at, so that they are not run again."""

    def front_matter(self, key: str) -> dict[str, object] | None:
        """The front matter's fields (as ``Bulletin`` has them) of the file whose digest is ``key``, when it was
        read without a problem; else None."""

    def learn(self, bulletin: Bulletin) -> None:
        """``bulletin`` was read without a problem (even a warning) from the file its ``source_digest`` names."""

    def known_file(self, path: str, status: os.stat_result) -> tuple[str, int] | None:
        """The digest of the bulletin's file at ``path`` and the line its body starts on, when its ``status`` says
        it is as an earlier build read it without a problem; else None."""

    def learn_file(self, path: str, status: os.stat_result, bulletin: Bulletin) -> None:
        """The file at ``path``, with this status before it was read, gave ``bulletin`` without a problem."""

    def unit(self, key: str, path: str) -> Unit | None:
        """The unit read without a problem from the file at ``path`` whose text and metrics ``key`` names; else None."""

    def learn_unit(self, key: str, unit: Unit) -> None:
        """``unit`` was read without a problem (even a warning) from what ``key`` names."""

    def checked(self, key: str) -> bool:
        """Whether the check ``key`` names found nothing last time."""

    def learn_checked(self, key: str) -> None:
        """The check ``key`` names found nothing (not even a warning)."""


def check_unless_clean(stored: ReadBefore, key: str, check: Callable[[Problems], None], problems: Problems) -> None:
    """``check(problems)``, unless ``stored`` says the check ``key`` names found nothing last time; ``stored``
    learns it when it finds nothing now."""
    if stored.checked(key):
        return
    found = Problems()
    check(found)
    problems.extend(found)
    if not found.items:
        stored.learn_checked(key)


def checked_once(recall: Recall, stored: ReadBefore | None, name: Hashable, objects: tuple[object, ...],
                 values: Hashable, key: Callable[[], str], check: Callable[[Problems], None],
                 problems: Problems) -> None:
    """``check(problems)``, unless ``recall`` remembers it for the same inputs or (when it does not) ``stored``
    says the check ``key()`` names found nothing last time."""
    if stored is None:
        recall.remember(name, objects, values, check, problems)
    else:
        recall.remember(name, objects, values, lambda found: check_unless_clean(stored, key(), check, found), problems)


class Forgetful:
    """A ``Recall`` that remembers nothing: every file is read and parsed."""

    found: dict[str, Found] | None = None
    walk_problems: list[SourceError] = []

    def read(self, found: Found, read: Callable[[Problems], T], problems: Problems) -> T:
        return read(problems)

    def remember(self, name: Hashable, objects: tuple[object, ...], values: Hashable,
                 compute: Callable[[Problems], T], problems: Problems) -> T:
        return compute(problems)

    def knows(self, name: Hashable) -> bool:
        return False

    def reuse(self, name: Hashable, problems: Problems) -> object:
        raise KeyError(name)

    def turn(self) -> None:
        pass
