"""What an import found: front matter, a Markdown body, the figures, warnings (SPEC section 6 as JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..messages import Message
from .figures import FoundQuantity


@dataclass(frozen=True, slots=True)
class ImportNote:
    """A warning about the input, at its 1-based line and column."""

    line: int
    col: int
    message: Message


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import found: front matter (None where not found), Markdown body, figures, warnings."""

    title: str | None
    date: dt.date | None
    source: str | None
    author: str | None
    body: str
    quantities: list[FoundQuantity] = field(default_factory=list)
    warnings: list[ImportNote] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The SPEC section 6 object: values as JSON numbers, integers where integral."""
        return {
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "author": self.author,
            "body": self.body,
            "quantities": [
                {
                    "text": q.text,
                    "value": json_number(q.value),
                    "qualifier": q.qualifier.value,
                    "unit": q.unit,
                    "context": q.context,
                }
                for q in self.quantities
            ],
        }


def json_number(value: Decimal) -> int | float:
    """11543 -> 11543, 166.3 -> 166.3 (Decimal is not JSON)."""
    return int(value) if value == value.to_integral_value() else float(value)
