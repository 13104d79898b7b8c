"""``bulletin new unit SLUG --name NAME``: a commented data/units/SLUG.yaml and an empty content/SLUG/."""

from __future__ import annotations

import json
from pathlib import Path

from slugify import slugify

from .errors import Problems
from .messages import Reporter, _
from .load.nodes import parse_yaml
from .load.validate import SLUG, read_metric_catalogue
from .model import Metric

EXAMPLE_VALUES = ("9", "40余", "1.4万")  # the commented example report: one per metric, the first few


def new_unit(source: Path, slug: str, name: str, *, report: Reporter) -> int:
    """Scaffold the unit ``slug``; 0 when created, 1 when it exists already, 2 for a bad slug or name."""
    if not SLUG.fullmatch(slug):
        suggestion = slugify(slug)
        hint = _('; try "{slug}"', slug=suggestion) if suggestion else _(' (e.g. "zhuzhou-gaoke")')
        report.fail(_('unit slug "{slug}" must be lowercase letters, digits and -, starting with a letter or digit{hint}',
                      slug=slug, hint=hint))
        return 2
    name = name.strip()
    if not name or any(ch in name for ch in "\r\n"):
        report.fail(_("--name must be the unit's full name on one line"))
        return 2
    if not source.is_dir():
        report.fail(_("{source} is not a folder; give the site root with --source", source=str(source)))
        return 2
    units = source / "data" / "units"
    for existing in (units / f"{slug}.yaml", units / f"{slug}.yml"):
        if existing.exists():
            report.fail(_("{path} already exists; edit it, or choose another slug", path=_shown(existing, source)))
            return 1
    folder = source / "content" / slug
    if folder.exists() and not folder.is_dir():
        report.fail(_("{path} is a file, not a folder; move it away first", path=_shown(folder, source)))
        return 1
    unit_file = units / f"{slug}.yaml"
    units.mkdir(parents=True, exist_ok=True)
    with open(unit_file, "x", encoding="utf-8", newline="\n") as file:  # "x": never overwrite, even in a race
        file.write(unit_yaml(slug, name, read_metric_catalogue(source, Problems())))
    had_folder = folder.is_dir()
    folder.mkdir(parents=True, exist_ok=True)
    report.say(_("created {path}: fill in its fields and reports", path=_shown(unit_file, source)))
    shown = _shown(folder, source)
    report.say(_("kept {path}/: put the unit's bulletins here (one Markdown file each)", path=shown) if had_folder else
               _("created {path}/: put the unit's bulletins here (one Markdown file each)", path=shown))
    return 0


def yaml_text(value: str) -> str:
    """``value`` as a YAML scalar: plain when the build reads it back unchanged, else double-quoted."""
    node = parse_yaml(f"key: {value}", "", Problems())
    entry = node.value.get("key") if node is not None and node.kind == "map" else None  # type: ignore[union-attr]
    if entry is not None and entry[1].kind == "scalar" and not entry[1].null and entry[1].value == value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def unit_yaml(slug: str, name: str, metrics: list[Metric]) -> str:
    """The text of a new unit file: only ``name`` is set; every other field is explained in comments."""
    lines = [
        f"# 单位资料 Unit file: data/units/{slug}.yaml",
        f"# 文件名 {slug} 是单位的标识（网址 units/{slug}/）；本单位的简报放在 content/{slug}/ 下，每篇一个 Markdown 文件。",
        f"# The file name ({slug}) is the unit's slug (its page is units/{slug}/); its bulletins go in",
        f"# content/{slug}/, one Markdown file each. Lines starting with # are comments: remove the # to use a field.",
        "",
        "# 单位全称（必填）。 Full name (required).",
        f"name: {yaml_text(name)}",
        "",
        "# 简称，页面上空间不够时显示（可选）。 Short name, shown where space is tight (optional).",
        "# short_name: 高科集团",
        "",
        "# 所在地区（可选）。 Region (optional).",
        "# region: 湖南省株洲市",
        "",
        "# 单位类别，自由填写，用于分组（可选）。 Category: free text, used to group units (optional).",
        "# category: 国有企业",
        "",
        "# 进展数据（可选）：每次报告写一项，包括截至日期 date 和各项指标 metrics；各项顺序不限，同一日期只能有一项。",
        "# Reports (optional): one item per report, with its date and its metrics; any order, one report per date.",
        "#  - date 写成 YYYY-MM-DD。 Write dates as YYYY-MM-DD.",
        "#  - 累计型 (cumulative) 指标填截至该日的累计数，新报告取代旧报告，不要相加；期间型 (period) 指标填本期数。",
        "#    A cumulative metric gives the running total up to the date (the latest report counts, reports are",
        "#    never added); a period metric gives the count for that report's own period.",
        "#  - 数值可写数字或中文数量。 A value is a number or a Chinese quantity:",
        "#      9   11543   1,200   166.3亿   1.4万   两   二十三",
        "#      800余  600多  2万余  300以上  超过3万  十余      余/多/以上/超过/逾 = 至少 (at least)",
        "#      近万  约300  80左右                              近/约/左右 = 约数 (about)",
        "#    不能写「数百」「若干」这类不确定的说法。 Vague words such as 数百 or 若干 are errors.",
        "#  - 数值后可带量词，但必须与该指标在 data/metrics.yaml 中的 unit 完全一致（如「800余人次」），否则报错。",
        "#    A value may end in a counting word only if it equals the metric's unit there (800余人次), else it is an error.",
    ]
    lines += _metric_lines(metrics)
    return "\n".join(lines) + "\n"


def _metric_lines(metrics: list[Metric]) -> list[str]:
    if not metrics:
        return [
            "#",
            "# 先在 data/metrics.yaml 中定义指标，再在这里使用它们的键名。",
            "# Define the metrics in data/metrics.yaml first, then use their keys here, e.g.:",
            "#",
            "# reports:",
            "#   - date: 2021-09-30",
            "#     metrics:",
            "#       study_sessions: 9",
            "#       participants: 800余",
        ]
    width = max(len(m.key) for m in metrics)
    lines = ["#", "# 可用指标（data/metrics.yaml）。 The metrics of data/metrics.yaml:"]
    for metric in metrics:
        extra = f", {metric.kind.value}" + (f", part of {metric.part_of}" if metric.part_of else "")
        lines.append(f"#   {metric.key:<{width}}  {metric.label}（{metric.unit}{extra}）")
    lines += ["#", "# 示例 Example:", "#", "# reports:", "#   - date: 2021-09-30", "#     metrics:"]
    wholes = [m for m in metrics if not m.part_of]  # a part without its whole would be an odd example
    for metric, value in zip(wholes or metrics, EXAMPLE_VALUES):
        counted = f"{value}{metric.unit}" if value == "40余" else value  # show one value with its counting word
        lines.append(f"#       {metric.key}: {counted}")
    return lines


def _shown(path: Path, source: Path) -> str:
    try:
        return path.relative_to(source).as_posix()
    except ValueError:
        return str(path)
