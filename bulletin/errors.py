"""Problems found in the sources, reported as ``PATH:LINE:COL: error: MESSAGE``."""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass, field

from .messages import ENGLISH, Language, Message

LINE_BREAK = re.compile(r"[\r\n\x85\u2028\u2029]")


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class SourceError:
    """One located problem; ``path`` is relative to the source root, POSIX style.

    The markers ``error:`` and ``warning:`` stay in English in every language, for CI annotations
    and editors' tools; the message after them is in the language it is shown in.
    """

    path: str
    line: int = 1
    col: int = 1
    message: Message | str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    source_line: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.shown(ENGLISH)

    def shown(self, language: Language) -> str:
        """The problem as one line, its message in ``language``."""
        message = LINE_BREAK.sub(lambda m: repr(m.group())[1:-1], language.text(self.message))  # one line, always
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {message}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, str(self.message))


@dataclass(slots=True)
class Problems:
    """Collects every problem of a run so that all can be shown at once."""

    items: list[SourceError] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, message: Message | str) -> None:
        """Record an error at ``path:line:col``."""
        self.items.append(SourceError(path, line, col, message, Severity.ERROR))

    def warning(self, path: str, line: int, col: int, message: Message | str) -> None:
        """Record a warning at ``path:line:col``."""
        self.items.append(SourceError(path, line, col, message, Severity.WARNING))

    def extend(self, other: Problems | list[SourceError]) -> None:
        """Add the problems of another collection."""
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[SourceError]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.items)

    def sorted(self) -> list[SourceError]:
        """Every problem once, ordered by path, line and column."""
        return sorted(set(self.items), key=lambda p: p.sort_key)


def strictly(problems: Problems) -> Problems:
    """The problems with every warning made an error (``--strict``)."""
    return Problems([dataclasses.replace(p, severity=Severity.ERROR) for p in problems.items])
