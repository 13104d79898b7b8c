"""``bulletin import-figures FILE --date DATE``: an office's statistics sheet -> a report of that date per unit.

Everything is read and checked first (the sheet, the metric catalogue, the unit files, reports
already there); only when all of it is clean is each unit file written, atomically, with the
report appended after every byte it had (``unitfile``). ``--dry-run`` prints the reports instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problems
from ..load.files import find_files, kind_of
from ..load.read import read_text_file
from ..load.validate import read_metrics, read_unit
from ..messages import Reporter, _
from ..model import Metric, Unit
from .sheet import SheetError, read_sheet
from .tally import Figure, tally_sheet
from .unitfile import (Entry, NewReport, UnitFileError, add_report, find_report, read_exactly, report_lines,
                       write_atomically)


@dataclass(frozen=True, slots=True)
class SheetImport:
    """What to import and how: the sheet, the report date, and the options."""

    sheet: Path
    date: dt.date
    dry_run: bool = False
    replace: bool = False
    draft: bool = False


def run_import_figures(job: SheetImport, source: Path, report: Reporter) -> int:
    """Import the sheet into the site at ``source``; 0 when done (or shown), 1 on any problem (nothing written)."""
    problems = Problems()
    metrics, units, paths = read_catalogue(source, problems)
    if problems.has_errors:
        report.problems(problems.sorted())
        report.tell(_("{count} error(s) in the site's data; nothing was written", count=len(problems.errors)))
        return 1
    shown = str(job.sheet)
    try:
        sheet = read_sheet(job.sheet)
    except SheetError as exc:
        problems.error(shown, 1, 1, exc.message)
        sheet = None
    tally = tally_sheet(sheet, shown, metrics, units, problems) if sheet is not None else None
    texts = new_texts(job, tally.figures if tally else {}, paths, source, problems)
    report.problems(problems.sorted())
    if problems.has_errors or tally is None:
        report.tell(_("{count} error(s); nothing was written", count=len(problems.errors)))
        return 1
    names = {u.slug: u.name for u in units}
    for slug, (path, text, added) in texts.items():
        count = len(tally.figures[slug])
        if job.dry_run:
            report.say(_("{path}: would add a report of {date} with {count} figure(s) ({name}):", path=paths[slug],
                         date=job.date.isoformat(), count=count, name=names[slug]))
            report.say(added.rstrip("\n"))
        else:
            write_atomically(path, text)
            report.say(_("{path}: added a report of {date} with {count} figure(s)", path=paths[slug],
                         date=job.date.isoformat(), count=count))
    missing = [u.name for u in units if u.slug not in tally.rows]
    if missing:
        report.say(_("not in the sheet: {names}", names="、".join(missing)))
    if not texts:
        report.say(_("the sheet gives no figures; nothing was written"))
    return 0


def read_catalogue(source: Path, problems: Problems) -> tuple[list[Metric], list[Unit], dict[str, str]]:
    """The site's metrics and units as a build reads them, and each unit's file (relative path) by slug."""
    found = find_files(source, Problems())
    metrics_file = found.get("data/metrics.yaml")
    text = read_text_file(metrics_file, problems) if metrics_file else None
    metrics = read_metrics(text, problems) or {}
    units, paths = [], {}
    for rel, file in sorted(found.items()):
        if kind_of(rel) != "units":
            continue
        text = read_text_file(file, problems)
        unit = read_unit(text, metrics, problems) if text is not None else None
        if unit is not None:
            units.append(unit)
            paths[unit.slug] = rel
    return list(metrics.values()), units, paths


def new_texts(job: SheetImport, figures: dict[str, list[Figure]], paths: dict[str, str], source: Path,
              problems: Problems) -> dict[str, tuple[Path, str, str]]:
    """Each unit file's new text with its report added, and the report's own lines; problems where that is refused."""
    texts = {}
    date = job.date.isoformat()
    for slug, given in figures.items():
        rel = paths[slug]
        path = source / rel
        try:
            text = read_exactly(path)
            existing = find_report(text, date)
        except UnicodeDecodeError:
            problems.error(rel, 1, 1, _("cannot add the report: the file is not UTF-8 text; save it as UTF-8"))
            continue
        except UnitFileError as exc:
            problems.error(rel, exc.line, 1, _("cannot add the report: {why}", why=exc.message))
            continue
        if existing is not None and not job.replace:
            problems.error(rel, existing.line, 1, _("a report of {date} already exists; pass --replace to replace it "
                                                    "with the sheet's figures", date=date))
            continue
        row = given[0].cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        new = NewReport(date, tuple(Entry(f.metric, f.text) for f in given), draft=job.draft,
                        draft_comment=f"草稿：由 {job.sheet.name} 导入，核对后删除本行 (a draft: check it, then delete "
                                      "this line)",
                        comment=f"{job.sheet.name} 第 {row} 行 (row {row})")
        texts[slug] = (path, add_report(text, new, existing), "".join(report_lines(new)))
    return texts
