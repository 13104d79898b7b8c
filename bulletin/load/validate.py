"""Raw sources -> the model, collecting every problem instead of stopping at the first."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from pathlib import Path, PurePosixPath
from typing import Callable, TypeVar

from slugify import slugify

from ..digest import capped_slug, digest
from ..errors import Problems, SourceError
from ..messages import Message, _
from ..model import (
    Bulletin,
    Location,
    Metric,
    MetricKind,
    Page,
    Quantity,
    Report,
    Site,
    SiteConfig,
    Unit,
)
from ..quantities import QuantityError, parse_quantity
from .checks import check_figures
from .copies import warn_about_copies
from .fields import Fields, did_you_mean
from .furniture import FURNITURE_KEYS, read_furniture
from .files import Found
from .links import LinkIndex, check_links, index_digest, make_link_index
from .narrative import check_narratives
from .nodes import Node, parse_yaml
from .read import Each, KnownFile, Sources, TextFile, read_text_file, split_front_matter
from .recall import Forgetful, ReadBefore, Recall, checked_once
from .terms import check_names, read_terms
from .tags import warn_near_duplicate_tags

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
SITE_KEYS = ("title", "base_url", "language", "description", "search", "variants", *FURNITURE_KEYS)
VARIANTS = ("zh-Hant",)
METRIC_KEYS = ("label", "unit", "kind", "part_of", "aliases")
UNIT_KEYS = ("name", "short_name", "region", "category", "reports")
REPORT_KEYS = ("date", "draft", "metrics")
BULLETIN_KEYS = ("title", "date", "summary", "source", "author", "tags", "draft", "title_note", "date_note")
PAGE_KEYS = ("title", "summary")
RESERVED_PAGE_SLUGS = {"units", "stats", "assets", "bulletins", "tags", "page", "404", "pagefind", "search", "zh-hant"}


def load_site(sources: Sources, problems: Problems, drafts: bool = False, recall: Recall | None = None,
              each: Each | None = None, stored: ReadBefore | None = None) -> Site | None:
    """Validate every source file into a Site; None when any error was found.

    With a recall, what was read from a file that did not change is taken from it instead of parsed again;
    without one, ``each`` may parse unit files and bulletins, and check links, many at a time; a bulletin
    whose file ``stored`` knows is not parsed at all, and a check it says found nothing is not run again.
    """
    parse_many = each if recall is None else None
    recall = recall or Forgetful()
    config = recall.remember("site", (sources.site,), (), lambda found: read_site_config(sources.site, found), problems)
    terms = recall.remember("terms", (sources.terms,), (), lambda found: read_terms(sources.terms, found), problems)
    if config is not None and terms:
        config = dataclasses.replace(config, terms=terms)
    metrics = recall.remember("metrics", (sources.metrics,), (), lambda found: read_metrics(sources.metrics, found),
                            problems)
    if parse_many is not None:
        read = _gathered(_units_read(sources.units, metrics, parse_many, stored), problems)
    else:
        read = [recall.remember(f.path, (f, metrics), (), functools.partial(_unit_read, f, metrics, stored), problems)
                for f in sources.units]
    units = tuple(sorted(filter(None, read), key=lambda u: u.slug))
    if not drafts:
        units = tuple(without_draft_reports(unit) for unit in units)
    unit_slugs = {PurePosixPath(f.path).stem for f in sources.units}  # a broken unit file still exists
    unit_slugs |= {PurePosixPath(path).stem for path in sources.unreadable_units}  # ... as does one not read
    if parse_many is not None:
        read_bulletins_of = _bulletins_read(sources.bulletins, unit_slugs, parse_many, stored, sources.status)
        bulletins = [b for b in _gathered(read_bulletins_of, problems) if b is not None]
    else:
        bulletins = [b for f in sources.bulletins
                     if (b := _read_bulletin(f, unit_slugs, problems, recall, stored, sources.status))]
    warn_about_copies([f.path for f in (*sources.units, *sources.bulletins, *sources.pages)], problems)
    published = [b for b in bulletins if drafts or not b.draft]
    check_unique_pages(published, problems)
    warn_near_duplicate_tags(published, {f.path: f for f in sources.bulletins}, problems)
    pages = tuple(p for f in sources.pages
                  if (p := recall.remember(f.path, (f,), (), functools.partial(read_page, f), problems)))
    check_unique_pages(pages, problems)
    base_path = config.base_path if config else "/"
    static = [rel for rel, _ in sources.static]
    index = make_link_index(published, pages, unit_slugs, static, base_path,
                            [b for b in bulletins if b.draft and not drafts], (config.base_url,) if config else (),
                            bool(config and config.variants))
    targets = index_digest(index)
    linking = [*published, *pages]
    if parse_many is not None:
        _links_checked(index, targets, linking, parse_many, stored, problems)
    else:
        for item in linking:
            checked_once(recall, stored, ("links", item.source_path), (item,), targets,
                         functools.partial(_links_key, item, targets),
                         functools.partial(_check_links_of, index, item), problems)
    if not problems.has_errors:  # on partial data these warnings would mislead
        check_figures(tuple((metrics or {}).values()), units, bulletins, problems)
        check_narratives(published, units, tuple((metrics or {}).values()), problems, recall, stored)
    if config is not None and "zh-Hant" in config.variants:  # names the traditional mirror would guess
        _names_checked([*sources.bulletins, *sources.pages], config.terms, recall, stored, problems)
    if problems.has_errors or config is None:
        return None
    published.sort(key=lambda b: (-b.date.toordinal(), b.unit, b.slug))
    return Site(config, tuple((metrics or {}).values()), units, tuple(published), pages, tuple(static))


def edited_body(site: Site, links: LinkIndex, root: Path, rel: str) -> Bulletin | None:
    """The bulletin at ``rel`` read again, when only its body changed since ``site`` was loaded and it reads
    without a problem, its links all found: whatever else its page shows is then as ``site`` says."""
    old = next((b for b in site.bulletins if b.source_path == rel), None)
    units = {u.slug for u in site.units}
    new = _read_again(root, rel, lambda file, problems: read_bulletin(file, units, problems)) if old else None
    if new is None or dataclasses.replace(new, markdown=old.markdown, body_line=old.body_line) != old:  # type: ignore[union-attr]
        return None
    problems = Problems()
    check_links(links, rel, new.body, new.body_line, problems)
    return None if problems.items else new


def edited_reports(site: Site, root: Path, rel: str, drafts: bool) -> Unit | None:
    """The unit at ``rel`` read again, when only its reports changed since ``site`` was loaded and it reads
    without a problem: its name and labels, on every page, are then as ``site`` says."""
    old = next((u for u in site.units if rel == f"data/units/{u.slug}.yaml"), None)
    metrics = {m.key: m for m in site.metrics}
    new = _read_again(root, rel, lambda file, problems: read_unit(file, metrics, problems)) if old else None
    if new is None or dataclasses.replace(new, reports=old.reports) != old:  # type: ignore[union-attr]
        return None
    return new if drafts else without_draft_reports(new)


def _read_again(root: Path, rel: str, read: Callable[[TextFile, Problems], T | None]) -> T | None:
    """``read`` of the source file at ``rel`` as it is now; None when it has any problem, even a warning."""
    problems = Problems()
    file = read_text_file(Found(rel, str(root.joinpath(*rel.split("/")))), problems)
    value = read(file, problems) if file is not None else None
    return None if problems.items else value


def without_draft_reports(unit: Unit) -> Unit:
    """The unit with only its reviewed reports (a ``draft: true`` report counts only with --drafts)."""
    if not any(report.draft for report in unit.reports):
        return unit
    return dataclasses.replace(unit, reports=tuple(report for report in unit.reports if not report.draft))


def _bulletins_read(files: list[TextFile | KnownFile], units: set[str], parse_many: Each, stored: ReadBefore | None,
                    status: dict[str, os.stat_result]) -> list[tuple[Bulletin | None, list[SourceError]]]:
    """Each file's bulletin and problems, in order: as ``stored`` knows it, else parsed by ``parse_many`` (and
    then learned by ``stored`` if it read without a problem, with its file's ``status`` before it was read)."""
    known = [_stored_bulletin(file, stored) if stored is not None and _unit_folder(file) in units else None
             for file in files]  # a file in no unit's folder is parsed: the error names the units it may mean
    read = _known_or_parsed(known, lambda missing: parse_many(read_bulletins, ([files[i] for i in missing], units),
                                                              len(missing)),
                            None if stored is None else lambda _index, bulletin: stored.learn(bulletin))
    if stored is not None:
        for file, (bulletin, found) in zip(files, read):
            if bulletin is not None and not found and file.path in status:
                stored.learn_file(file.path, status[file.path], bulletin)
    return read


def _units_read(files: list[TextFile], metrics: dict[str, Metric] | None, parse_many: Each,
                stored: ReadBefore | None) -> list[tuple[Unit | None, list[SourceError]]]:
    """Each unit file's unit and problems, in order: as ``stored`` knows it (read from the same text against the same
    metrics), else parsed by ``parse_many`` (and then learned by ``stored`` if it read without a problem)."""
    against = digest(repr(metrics))
    keys = [digest("unit", file_digest(file), against) for file in files]
    known = [stored.unit(key, file.path) if stored is not None else None for file, key in zip(files, keys)]
    return _known_or_parsed(known, lambda missing: parse_many(read_units, ([files[i] for i in missing], metrics),
                                                              len(missing)),
                            None if stored is None else lambda index, unit: stored.learn_unit(keys[index], unit))


def _known_or_parsed(known: list[T | None], parse: Callable[[list[int]], list[tuple[T | None, list[SourceError]]]],
                     learn: Callable[[int, T], None] | None) -> list[tuple[T | None, list[SourceError]]]:
    """Each item as ``known`` has it, else as ``parse`` makes it of the indices of those not known (each of which
    that read without a problem ``learn`` is told, with its index)."""
    read: list[tuple[T | None, list[SourceError]]] = [(found, []) for found in known]
    missing = [index for index, found in enumerate(known) if found is None]
    for index, (value, found) in zip(missing, parse(missing)):
        read[index] = (value, found)
        if learn is not None and value is not None and not found:
            learn(index, value)
    return read


def _links_checked(index: LinkIndex, targets: str, items: list[Bulletin | Page], parse_many: Each,
                   stored: ReadBefore | None, problems: Problems) -> None:
    """``check_links`` of each item, by ``parse_many``, but of those ``stored`` says were checked without a problem
    against the same link targets (``targets``: their digest)."""
    keys = [_links_key(item, targets) for item in items]
    todo = [(item, key) for item, key in zip(items, keys) if stored is None or not stored.checked(key)]
    checked = parse_many(check_links_of, (index, [item for item, _ in todo]), len(todo))
    for (_item, key), (_none, found) in zip(todo, checked):
        problems.extend(found)
        if not found and stored is not None:
            stored.learn_checked(key)


def _links_key(item: Bulletin | Page, targets: str) -> str:
    """What a link check of ``item`` against the link targets whose digest is ``targets`` is known by."""
    return digest("links", item.source_digest, targets)


def _names_checked(files: list[TextFile | KnownFile], terms: tuple[tuple[str, str], ...], recall: Recall,
                   stored: ReadBefore | None, problems: Problems) -> None:
    """``check_names`` of each file, but of those ``recall`` remembers or ``stored`` says were checked without a
    warning for these terms."""
    terms_digest = digest(repr(terms)) if stored is not None else ""
    for file in files:
        checked_once(recall, stored, ("names", file.path), (file,), terms,
                     lambda f=file: digest("names", file_digest(f), terms_digest),
                     functools.partial(check_names, file, terms), problems)  # type: ignore[arg-type]


def _stored_bulletin(file: TextFile | KnownFile, stored: ReadBefore) -> Bulletin | None:
    """The bulletin of ``file`` made of the front matter ``stored`` keeps for its text, as ``read_bulletin`` makes it
    (the body of a file not read, read when a page needs it)."""
    key = file_digest(file)
    fields = stored.front_matter(key)
    if fields is None:
        return None
    if isinstance(file, KnownFile):
        markdown, body_line = file.body(), file.body_line
    else:
        _, markdown, body_line = split_front_matter(file.text)
    return Bulletin(unit=file.path.split("/")[1], slug=markdown_slug(file.path), markdown=markdown,
                    body_line=body_line, source_path=file.path, source_digest=key, **fields)  # type: ignore[arg-type]


def read_bulletins(state: tuple[list[TextFile], set[str]], chunk: range) -> list[tuple[Bulletin | None,
                                                                                   list[SourceError]]]:
    """``read_bulletin`` of ``files[chunk]``, each with the problems found in it (work for ``Each``)."""
    files, units = state
    return [_with_problems(functools.partial(read_bulletin, file, units)) for file in files[chunk.start:chunk.stop]]


def read_units(state: tuple[list[TextFile], dict[str, Metric] | None], chunk: range) -> list[tuple[Unit | None,
                                                                                                 list[SourceError]]]:
    """``read_unit`` of ``files[chunk]``, each with the problems found in it (work for ``Each``)."""
    files, metrics = state
    return [_with_problems(functools.partial(read_unit, file, metrics)) for file in files[chunk.start:chunk.stop]]


def check_links_of(state: tuple[LinkIndex, list[Bulletin | Page]], chunk: range) -> list[tuple[None, list[SourceError]]]:
    """``check_links`` of ``items[chunk]``, each with the problems found in it (work for ``Each``)."""
    index, items = state
    return [_with_problems(functools.partial(_check_links_of, index, item)) for item in items[chunk.start:chunk.stop]]


def _check_links_of(index: LinkIndex, item: Bulletin | Page, problems: Problems) -> None:
    """``check_links`` of one item, its body read only now (a bulletin's file may not have been read yet)."""
    check_links(index, item.source_path, item.body, item.body_line, problems)


def _with_problems(read: Callable[[Problems], T]) -> tuple[T, list[SourceError]]:
    problems = Problems()
    return read(problems), problems.items


def _gathered(results: list[tuple[T, list[SourceError]]], problems: Problems) -> list[T]:
    """What workers made of each file, in order, their problems added to ``problems`` in the same order."""
    out = []
    for value, found in results:
        problems.extend(found)
        out.append(value)
    return out


def _read_bulletin(file: TextFile, units: set[str], problems: Problems, recall: Recall, stored: ReadBefore | None,
                   status: dict[str, os.stat_result]) -> Bulletin | None:
    """read_bulletin, from the recall while the file is unchanged and its unit exists (else a hint names the others);
    when the recall has none, as ``stored`` knows it (see ``_bulletin_read``)."""
    if _unit_folder(file) not in units:
        return read_bulletin(file, units, problems)
    return recall.remember(file.path, (file,), (), functools.partial(_bulletin_read, file, units, stored, status),
                           problems)


def _bulletin_read(file: TextFile, units: set[str], stored: ReadBefore | None, status: dict[str, os.stat_result],
                   problems: Problems) -> Bulletin | None:
    """read_bulletin; with ``stored``, one file as ``_bulletins_read`` reads many (known, or parsed and learned)."""
    if stored is None:
        return read_bulletin(file, units, problems)
    [(bulletin, found)] = _bulletins_read([file], units, _here, stored, status)
    problems.extend(found)
    return bulletin


def _unit_read(file: TextFile, metrics: dict[str, Metric] | None, stored: ReadBefore | None,
               problems: Problems) -> Unit | None:
    """read_unit; with ``stored``, one file as ``_units_read`` reads many (known, or parsed and learned)."""
    if stored is None:
        return read_unit(file, metrics, problems)
    [(unit, found)] = _units_read([file], metrics, _here, stored)
    problems.extend(found)
    return unit


def _here(work: Callable[[S, range], list[R]], state: S, total: int) -> list[R]:
    """An ``Each`` that does the work in this process, in one go."""
    return work(state, range(total))


def read_site_config(file: TextFile | None, problems: Problems) -> SiteConfig | None:
    """data/site.yaml -> SiteConfig."""
    if file is None:
        problems.error("data/site.yaml", 1, 1, _("missing site settings file (it needs at least title and base_url)"))
        return None
    node = parse_yaml(file.text, file.path, problems)
    if node is None and file.text.strip():
        return None  # the syntax error is reported; "needs title" would only add noise
    fields = Fields(node, file.path, problems, "site.yaml")
    fields.check_known(SITE_KEYS)
    title = fields.text("title", required=True)
    base_url = fields.text("base_url", required=True)
    if base_url is not None and not re.match(r"https?://[^/\s]+(/\S*)?$", base_url):
        fields.error_at(fields.node("base_url"), _('"base_url" must be an absolute http(s) URL, not "{url}"',
                                                                   url=base_url))
        base_url = None
    if title is None or base_url is None:
        return None
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    language = fields.text("language") or "zh-CN"
    variants = fields.text_list("variants")
    for variant in variants:
        if variant not in VARIANTS:
            fields.error_at(fields.node("variants"), _('unknown variant "{variant}"; the one there is: zh-Hant',
                                                                     variant=variant))
    furniture = read_furniture(fields)
    return SiteConfig(title, base_url, language, fields.text("description"), fields.boolean("search", default=True),
                      tuple(v for v in variants if v in VARIANTS), **furniture)  # type: ignore[arg-type]


def read_metrics(file: TextFile | None, problems: Problems) -> dict[str, Metric] | None:
    """data/metrics.yaml -> metrics by key, in the file's order; None when it cannot be parsed."""
    if file is None:
        return {}
    node = parse_yaml(file.text, file.path, problems)
    if node is None and file.text.strip():
        return None
    top = Fields(node, file.path, problems, "metrics.yaml")
    metrics: dict[str, Metric] = {}
    part_of_nodes: dict[str, Node] = {}
    for key, (key_node, value) in top.entries.items():
        fields = Fields(value, file.path, problems, _('metric "{key}"', key=key))
        fields.check_known(METRIC_KEYS)
        label, unit = fields.text("label", required=True), fields.text("unit", required=True)
        kind = read_kind(fields)
        part_of = fields.text("part_of")
        if part_of:
            part_of_nodes[key] = fields.node("part_of")  # type: ignore[assignment]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            fields.error_at(key_node, _('metric key "{key}" must be letters, digits and _ (e.g. study_sessions)',
                                                key=key))
        elif label and unit and kind:
            metrics[key] = Metric(key, label, unit, kind, part_of, Location(file.path, key_node.line, key_node.col),
                                  fields.text_list("aliases"))
    warn_shared_names(metrics, top)
    for key, node in part_of_nodes.items():
        target = metrics[key].part_of if key in metrics else None
        if target is not None and (target not in metrics or target == key):
            hint = did_you_mean(target, [k for k in metrics if k != key])
            problems.error(file.path, node.line, node.col, _('"part_of" names unknown metric "{name}"{hint}',
                                                                           name=target, hint=hint))
    return metrics


def warn_shared_names(metrics: dict[str, Metric], top: Fields) -> None:
    """An alias that another metric also uses (as label or alias) cannot tell the two apart in a text."""
    owners: dict[str, str] = {}
    for metric in metrics.values():
        for name in metric.names:
            first = owners.setdefault(name, metric.key)
            if first != metric.key and name in metric.aliases:
                top.problems.warning(metric.location.path, metric.location.line, metric.location.col,  # type: ignore[union-attr]
                                     _('the alias "{alias}" of "{metric}" also names "{other}"; a figure it names '
                                       'cannot be told apart: remove it from one of them',
                                       alias=name, metric=metric.key, other=first))


def read_metric_catalogue(root: Path, problems: Problems) -> list[Metric]:
    """The metrics of ``root``/data/metrics.yaml in its order, read as a build reads them (for the commands that
    write sources: ``new unit``, ``import``); empty when the file is missing or cannot be read."""
    path = root / "data" / "metrics.yaml"
    if not path.is_file():
        return []
    file = read_text_file(Found("data/metrics.yaml", str(path)), problems)
    return list((read_metrics(file, problems) or {}).values()) if file is not None else []


def read_kind(fields: Fields) -> MetricKind | None:
    """The metric's kind: cumulative (default) or period."""
    text = fields.text("kind")
    if text is None:
        return MetricKind.CUMULATIVE
    try:
        return MetricKind(text)
    except ValueError:
        fields.error_at(fields.node("kind"), _('"kind" must be cumulative or period, not "{text}"', text=text))
        return None


def read_unit(file: TextFile, metrics: dict[str, Metric] | None, problems: Problems) -> Unit | None:
    """data/units/<slug>.yaml -> Unit with its reports in date order."""
    slug = PurePosixPath(file.path).stem
    if not SLUG.fullmatch(slug):
        problems.error(file.path, 1, 1, _('unit file name "{slug}" must be lowercase letters, digits and - '
                                          '(e.g. "{example}.yaml")', slug=slug, example=slugify(slug) or "my-unit"))
        return None
    node = parse_yaml(file.text, file.path, problems)
    if node is None and file.text.strip():
        return None
    fields = Fields(node, file.path, problems, _("unit file"))
    fields.check_known(UNIT_KEYS)
    name = fields.text("name", required=True)
    reports = read_reports(fields, metrics)
    if name is None:
        return None
    return Unit(slug, name, fields.text("short_name"), fields.text("region"), fields.text("category"),
                reports, Location(file.path, 1, 1))


def read_reports(fields: Fields, metrics: dict[str, Metric] | None) -> tuple[Report, ...]:
    """The ``reports`` list of a unit file, sorted by date; one report per date."""
    node = fields.node("reports")
    if node is None:
        return ()
    if node.kind != "seq":
        fields.error_at(node, _('"reports" must be a list of reports, each starting with "- date:"'))
        return ()
    by_date: dict = {}
    for item in node.value:  # type: ignore[union-attr]
        report = read_report(item, fields, metrics)
        if report is None:
            continue
        first = by_date.get(report.date)
        if first is not None:
            fields.error_at(item, _("two reports dated {date} (the first on line {line}); merge them into one",
                                    date=report.date.isoformat(), line=first.location.line))
            continue
        by_date[report.date] = report
    return tuple(by_date[d] for d in sorted(by_date))


def read_report(node: Node, unit_fields: Fields, metrics: dict[str, Metric] | None) -> Report | None:
    """One report: a date and its metrics' quantities (unchecked when metrics.yaml is broken)."""
    path, problems = unit_fields.path, unit_fields.problems
    fields = Fields(node, path, problems, _("report"))
    fields.check_known(REPORT_KEYS)
    day = fields.date("date", required=True)
    draft = fields.boolean("draft")
    values: dict[str, Quantity] = {}
    locations: dict[str, Location] = {}
    metrics_node = fields.node("metrics")
    for name, (key, value) in Fields(metrics_node, path, problems, _('"metrics"')).entries.items():
        if metrics is None:
            continue
        metric = metrics.get(name)
        if metric is None:
            problems.error(path, key.line, key.col, _('unknown metric "{name}"{hint}; define it in data/metrics.yaml',
                                                      name=name, hint=did_you_mean(name, tuple(metrics))))
            continue
        quantity = read_quantity(value, metric, path, problems)
        if quantity is not None:
            values[name] = quantity
            locations[name] = Location(path, value.line, value.col)
    if day is None:
        return None
    return Report(day, values, Location(path, node.line, node.col), locations, draft)


def read_quantity(node: Node, metric: Metric, path: str, problems: Problems) -> Quantity | None:
    """A metric value read as written (``0700`` is 700, never octal)."""
    if node.kind != "scalar" or node.null:
        problems.error(path, node.line, node.col, _('the value of "{key}" must be a number such as 800 or 800余',
                                                      key=metric.key))
        return None
    try:
        return parse_quantity(str(node.value), metric.unit)
    except QuantityError as exc:
        problems.error(path, node.line, node.col, exc.message)
        return None


def markdown_slug(path: str) -> str:
    """The page slug of a Markdown file: its name when already a slug, else python-slugify's (cut short with a
    digest when it would be too long for a file name)."""
    stem = file_stem(path)
    return stem if SLUG.fullmatch(stem) else capped_slug(slugify(stem))


def file_stem(path: str) -> str:
    """``PurePosixPath(path).stem``, without making a path object (asked for every bulletin of every build)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def read_front_matter(file: TextFile, problems: Problems, what: Message) -> tuple[Fields, str, int]:
    """Split and parse a Markdown file's front matter; positions count from the file's first line."""
    front, body, body_line = split_front_matter(file.text)
    node = parse_yaml(front, file.path, problems, line_offset=1) if front is not None else None
    if front is None:
        problems.error(file.path, 1, 1, _("{what} must start with front matter: a line ---, title: …, date: …, a line ---",
                                          what=what))
    if front is None or (node is None and front.strip()):
        fields = Fields(None, file.path, problems, _("front matter"))
        fields.problems = Problems()  # the problem is reported already; "needs title" would only add noise
        return fields, body, body_line
    return Fields(node, file.path, problems, _("front matter")), body, body_line


def read_bulletin(file: TextFile, units: set[str], problems: Problems) -> Bulletin | None:
    """content/<unit>/<name>.md -> Bulletin."""
    fields, body, body_line = read_front_matter(file, problems, _("a bulletin"))
    fields.check_known(BULLETIN_KEYS)
    unit = _unit_folder(file)
    if unit is None:
        problems.error(file.path, 1, 1, _("a bulletin belongs in content/<unit>/, one folder below content/"))
    elif unit not in units:
        hint = did_you_mean(unit, tuple(units))
        problems.error(file.path, 1, 1, _('unit "{unit}" has no data/units/{unit}.yaml{hint}', unit=unit, hint=hint))
    title, day = fields.text("title", required=True), fields.date("date", required=True)
    summary, source, author = fields.text("summary"), fields.text("source"), fields.text("author")
    tags, draft = fields.text_list("tags"), fields.boolean("draft")  # read now: every mistake is reported at once
    title_note, date_note = fields.text("title_note"), fields.text("date_note")
    slug = markdown_slug(file.path)
    if not slug:
        problems.error(file.path, 1, 1, _("the file name gives no usable page name; rename it with letters or digits"))
    if unit is None or unit not in units or title is None or day is None or not slug:
        return None
    return Bulletin(unit, slug, title, day, body, body_line, file.path, summary, source, author, tags, draft,
                    file_digest(file), title_note, date_note)


def _unit_folder(file: TextFile) -> str | None:
    """The unit a bulletin's folder names: content/<unit>/<name>.md."""
    parts = file.path.split("/")
    return parts[1] if len(parts) == 3 else None


def read_page(file: TextFile, problems: Problems) -> Page | None:
    """content/pages/<name>.md -> Page."""
    fields, body, body_line = read_front_matter(file, problems, _("a page"))
    fields.check_known(PAGE_KEYS)
    title = fields.text("title", required=True)
    slug = markdown_slug(file.path)
    if slug in RESERVED_PAGE_SLUGS:
        problems.error(file.path, 1, 1, _('a page cannot be called "{slug}": that address is used by the site itself',
                                          slug=slug))
        return None
    if not slug:
        problems.error(file.path, 1, 1, _("the file name gives no usable page name; rename it with letters or digits"))
    if title is None or not slug:
        return None
    return Page(slug, title, body, body_line, file.path, file_digest(file))


def file_digest(file: TextFile | KnownFile) -> str:
    """What a bulletin or page read from ``file`` is known by: the same path and text make the same one."""
    return file.digest if isinstance(file, KnownFile) else digest(file.path, file.text)


def check_unique_pages(items: list[Bulletin] | tuple[Page, ...], problems: Problems) -> None:
    """Two source files must never map to the same page."""
    seen: dict[str, str] = {}
    for item in sorted(items, key=lambda i: i.source_path):
        first = seen.setdefault(item.url_path, item.source_path)
        if first != item.source_path:
            problems.error(item.source_path, 1, 1, _('"{path}" and "{first}" would both be published at {url}; rename one',
                                                     path=item.source_path, first=first, url=item.url_path))
