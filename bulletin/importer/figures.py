"""The figures of an imported bulletin: its title's and its body's, tables' cells with their row and column names.

The grammar that finds them is the core's (``bulletin.figures``); the importer reads them in the
simplified view of the text, so that traditional text is read too and quoted as written.
"""

from __future__ import annotations

from dataclasses import replace

from ..figures import FoundQuantity, find_figures
from .clean import to_simplified
from .structure import Block

__all__ = ["FoundQuantity", "find_quantities", "scan_text"]


def find_quantities(blocks: list[Block], title: str | None = None) -> list[FoundQuantity]:
    """Every figure of the title and the body in reading order; tables give their cells with row and column names."""
    found: list[FoundQuantity] = scan_text(title) if title else []
    for number, block in enumerate(blocks, 1):
        if block.kind == "table":
            header = block.cells[0] if block.cells else []
            for r, row in enumerate(block.cells):
                for c, cell in enumerate(row):
                    names = [row[0] if c else "", header[c] if r and c < len(header) else ""]
                    context = " ".join(dict.fromkeys(n for n in names + [cell] if n))
                    found += [replace(q, context=context, sentence=(number, r)) for q in scan_text(cell)]
        elif block.kind != "md":
            found += [replace(q, sentence=(number, q.sentence[1])) for q in scan_text(block.text)]
    return found


def scan_text(text: str) -> list[FoundQuantity]:
    """The figures in one paragraph or heading, traditional or simplified."""
    return find_figures(text, to_simplified(text))
