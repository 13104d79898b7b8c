"""What a build is asked to do: the command line's options, and what the preview knows of an edit.

Kept apart from ``build`` so that the command line can ask whether there is anything to do before the
pipeline (Markdown, Jinja, the renderer) is even imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    drafts: bool = False
    jobs: int = 1
    search_index: bool = True  # index for search when the site has it (the preview does it in the background)
    strict: bool = False  # warnings are errors (check --strict, for CI)

    def key(self) -> tuple[object, ...]:
        """The options that change what a build writes (the output folder aside)."""
        return (self.base_url, self.drafts, self.search_index)


@dataclass(frozen=True, slots=True)
class Edit:
    """What the preview knows of the sources before a rebuild: the files saved since the last one, and
    whether file events say that no other file changed (then no other file is even looked at)."""

    changed: tuple[str, ...] = ()
    complete: bool = False


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
