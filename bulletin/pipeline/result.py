"""What a build reports: its problems, and how many files it wrote, rendered and changed; and what each
page's emission reports."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from ..errors import Problems, strictly

if TYPE_CHECKING:  # not imported at run time: the command line reports a build with nothing to do without them
    from ..incremental.search import SearchPlan
    from ..incremental.stamp import LastBuild
    from ..render.renderer import BodyFacts


@dataclass(frozen=True, slots=True)
class Emitted:
    """One output file: the fingerprint of what it was made of, whether it was rendered now and whether its
    bytes changed, and what was learned of its Markdown body when that was converted."""

    path: str
    fingerprint: str
    rendered: bool
    changed: bool
    learned: tuple[str, BodyFacts] | None = None
    shard: str | None = None  # the search index's shard of a page readers search
    record: dict[str, object] | None = None  # its search record, when it was rendered now
    phrases: tuple[tuple[str, tuple[int, ...]], ...] = ()  # where its title breaks, when a worker found it now
    quick: str | None = None  # a page's quick fingerprint (``Reuse.quick_fingerprint``, ``list_fingerprint``)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        """Pickled as its fields, made again by ``__init__``: a worker sends one per page, and a dataclass's own
        way (a state set field by field) takes the parent twice as long to read."""
        return Emitted, (self.path, self.fingerprint, self.rendered, self.changed, self.learned, self.shard,
                         self.record, self.phrases, self.quick)


@dataclass(slots=True)
class BuildResult:
    problems: Problems
    pages: int = 0  # files in the output
    rendered: int = 0  # pages rendered; the others were taken over unchanged
    changed: int = 0  # files whose bytes changed
    seconds: float = 0.0
    search: SearchPlan | None = None  # the searched pages, when the site has search
    indexed: list[str] = field(default_factory=list)  # the search index's shards indexed again
    indexed_records: int = 0  # records given to Pagefind
    index_peak_kb: int = 0  # the peak memory of Pagefind's process, when it ran

    @classmethod
    def unchanged(cls, last: LastBuild, strict: bool) -> BuildResult:
        """A build with nothing to do: the last build's files, and its warnings again (errors with ``strict``)."""
        warnings = Problems(last.warnings)
        return cls(strictly(warnings) if strict else warnings, pages=last.files)

    @property
    def ok(self) -> bool:
        return not self.problems.has_errors

    def count(self, emitted: Iterable[Emitted], files: bool = True) -> None:
        """Count output files of pages: how many were rendered and changed, and (``files``) that they are in the
        output, which pages written first are not told twice."""
        for file in emitted:
            self.pages += files
            self.rendered += file.rendered
            self.changed += file.changed

    def finished(self, started: float) -> BuildResult:
        """This result, timed from ``started`` (a ``time.perf_counter()``)."""
        self.seconds = time.perf_counter() - started
        return self
