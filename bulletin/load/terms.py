"""data/terms.yaml (how the traditional mirror writes names and terms) and the warning about names it would guess."""

from __future__ import annotations

from ..errors import Problems
from ..hant import converter, guessed
from ..hant_tables import ONE_TO_MANY
from ..messages import _
from .fields import Fields
from .names import names_in_byline, names_to_fix
from .nodes import Node, parse_yaml
from .read import TextFile, split_front_matter

VARIANT = "zh-Hant"
EXAMPLE = "余俊: 余俊"


def read_terms(file: TextFile | None, problems: Problems) -> tuple[tuple[str, str], ...]:
    """data/terms.yaml -> the mirror's terms, (simplified, as written in the mirror), in the file's order."""
    if file is None:
        return ()
    node = parse_yaml(file.text, file.path, problems)
    if node is None:
        return ()
    if node.kind != "map":
        problems.error(file.path, node.line, node.col,
                       _("terms.yaml must be a mapping: a line \"{variant}:\" and under it one line per term, "
                         "such as \"{example}\"", variant=VARIANT, example=EXAMPLE))
        return ()
    top = Fields(node, file.path, problems, "terms.yaml")
    for name, (key, _value) in top.entries.items():
        if name != VARIANT:
            problems.error(file.path, key.line, key.col,
                           _("unknown variant \"{name}\" in terms.yaml; the one there is: {variant}",
                             name=name, variant=VARIANT))
    entries = top.entries.get(VARIANT)
    return () if entries is None else _read_entries(entries[1], file.path, problems)


def _read_entries(node: Node, path: str, problems: Problems) -> tuple[tuple[str, str], ...]:
    if node.null:
        return ()
    if node.kind != "map":
        problems.error(path, node.line, node.col,
                       _("\"{variant}\" must be a mapping of terms to how the mirror writes them, one per line, "
                         "such as \"{example}\"", variant=VARIANT, example=EXAMPLE))
        return ()
    terms = []
    for name, (key, value) in node.value.items():  # type: ignore[union-attr]
        written = str(value.value).strip() if value.kind == "scalar" and not value.null else ""
        if not name.strip() or not written:
            at = key if value.null or not name.strip() else value
            problems.error(path, at.line, at.col,
                           _("the term \"{term}\" must be followed by how the mirror writes it, as text on the "
                             "same line, such as \"{example}\"", term=name, example=EXAMPLE))
            continue
        terms.append((name.strip(), written))
    return tuple(terms)


def check_names(file: TextFile, terms: tuple[tuple[str, str], ...], problems: Problems) -> None:
    """Warn, at its first place in ``file``, about each likely personal name the mirror would have to guess."""
    text = file.text
    found = names_to_fix(text, terms)
    front, _body, _line = split_front_matter(text)
    if front is not None:  # the author field: a list of names (邓志强、易松)
        start = text.index(front)
        for line in front.split("\n"):
            if line.startswith("author:"):
                value_at = start + front.index(line) + len("author:")
                for name in names_in_byline(line[len("author:"):], value_at):
                    if name.name not in {f.name for f, _c in found}:
                        changes = guessed(name.name, terms)
                        if changes:
                            found.append((name, changes))
    for name, changes in sorted(found, key=lambda item: item[0].offset):
        line = text.count("\n", 0, name.offset) + 1
        col = name.offset - text.rfind("\n", 0, name.offset)
        problems.warning(file.path, line, col, _(
            "the name \"{name}\" would be written \"{guess}\" in the traditional mirror ({chars} has more than one "
            "traditional form); if that is wrong, add the name to data/terms.yaml under {variant}: (for example "
            "\"{name}: {suggestion}\")", name=name.name, guess=converter(terms).convert(name.name),
            chars="、".join(f"{a}: {'/'.join(ONE_TO_MANY[a])}" for a, _b in changes), variant=VARIANT,
            suggestion=_suggestion(name.name, terms)))


def _suggestion(name: str, terms: tuple[tuple[str, str], ...]) -> str:
    """The name converted, keeping each ambiguous character that is also a traditional form of itself (余 in 余俊)."""
    written = converter(terms).convert(name)
    return "".join(a if a in ONE_TO_MANY and a in ONE_TO_MANY[a] else b for a, b in zip(name, written))
