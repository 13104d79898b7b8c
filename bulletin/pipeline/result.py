"""What a build reports: its problems, and how many files it wrote, rendered and changed; and what each
page's emission reports."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterable

from ..errors import Problems
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


@dataclass(slots=True)
class BuildResult:
    problems: Problems
    pages: int = 0  # files in the output
    rendered: int = 0  # pages rendered; the others were taken over unchanged
    changed: int = 0  # files whose bytes changed
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems.has_errors

    def count(self, emitted: Iterable[Emitted]) -> None:
        """Count output files of pages."""
        for file in emitted:
            self.pages += 1
            self.rendered += file.rendered
            self.changed += file.changed

    def finished(self, started: float) -> BuildResult:
        """This result, timed from ``started`` (a ``time.perf_counter()``)."""
        self.seconds = time.perf_counter() - started
        return self
