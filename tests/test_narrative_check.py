"""Every figure a bulletin states for a metric is checked against its unit's report (SPEC section 2, issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli, write_files

GAOKE = "content/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu.md"
GUIZHOU = "content/guizhou-gongxin/2021-04-30-dangshi-xuexi-jiaoyu.md"
JILIN = "content/jilin-gaoxin/2021-08-31-dangshi-xuexi-jiaoyu-zongshu.md"


def where(site: Path, path: str, phrase: str, figure: str) -> str:
    """``PATH:LINE:COL`` of ``figure`` inside the first ``phrase`` of the body (columns count characters)."""
    lines = (site / path).read_text(encoding="utf-8").split("\n")
    body = lines.index("---", 1) + 1  # after the front matter (its summary is not checked)
    for number, line in enumerate(lines[body:], body + 1):
        if phrase in line:
            return f"{path}:{number}:{line.index(phrase) + phrase.index(figure) + 1}"
    raise AssertionError(f"{phrase} not in {path}")


def set_report_value(site: Path, unit: str, key: str, old: str, new: str) -> None:
    path = site / f"data/units/{unit}.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"{key}: {old}\n" in text
    path.write_text(text.replace(f"{key}: {old}\n", f"{key}: {new}\n"), encoding="utf-8")


def figure_warnings(site: Path, *args: str) -> list[str]:
    run = run_cli("check", "--source", site, *args)
    return [line for line in run.lines if "the text says" in line or "正文写" in line]


def test_the_example_sites_figures_agree_with_its_data(example_site: Path) -> None:
    assert figure_warnings(example_site) == []


def test_a_figure_the_report_contradicts_is_a_warning_at_the_figure_quoting_both(example_site: Path) -> None:
    set_report_value(example_site, "jilin-gaoxin", "supervision_teams", "3个", "4个")
    assert figure_warnings(example_site) == [
        f'{where(example_site, JILIN, "成立3个巡回指导组", "3个")}: warning: the text says "3个", '
        "data/units/jilin-gaoxin.yaml 2021-08-31 reports 4"]


def test_the_warning_is_in_chinese_by_default(example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BULLETIN_LANG")
    set_report_value(example_site, "zhuzhou-gaoke", "matters_listed", "40项", "45项")
    assert figure_warnings(example_site) == [
        f"{where(example_site, GAOKE, '涉及实事40项', '40项')}: warning: 正文写“40项”，"
        "data/units/zhuzhou-gaoke.yaml 2021-11-30 报告为 45"]


def test_a_weaker_qualifier_in_the_report_is_a_warning(example_site: Path) -> None:
    set_report_value(example_site, "jilin-gaoxin", "participants", "5万余人次", "5万人次")
    assert figure_warnings(example_site) == [
        f'{where(example_site, JILIN, "受众5万余人次", "5万余人次")}: warning: the text says "5万余人次", '
        "data/units/jilin-gaoxin.yaml 2021-08-31 reports 50000"]


def test_parts_of_one_sentence_that_add_up_to_the_report_agree(example_site: Path) -> None:
    # 已经开展厅党组集中学习研讨1次，…开展集中学习80余次: 81余 (every organisation's) is their sum.
    assert "study_sessions_all: 81余次\n" in (example_site / "data/units/guizhou-gongxin.yaml").read_text(encoding="utf-8")
    assert figure_warnings(example_site) == []
    set_report_value(example_site, "guizhou-gongxin", "study_sessions_all", "81余次", "91余次")
    assert figure_warnings(example_site) == [
        f'{where(example_site, GUIZHOU, "集中学习80余次", "80余次")}: warning: the text says "80余次", '
        "data/units/guizhou-gongxin.yaml 2021-04-30 reports 91余"]


def test_a_sentences_parts_add_up_even_when_one_of_them_is_another_metrics(tmp_path: Path) -> None:
    # The 党组's own sessions are a metric of their own, and a part of every organisation's.
    metrics = ("study_sessions:\n  label: 党组集中学习研讨\n  unit: 次\n"
               "study_sessions_all:\n  label: 各级组织集中学习研讨\n  unit: 次\n  aliases: [集中学习]\n")
    report = "  - date: 2021-06-30\n    metrics:\n      study_sessions: 1\n      study_sessions_all: 81余\n"
    body = "已经开展厅党组集中学习研讨1次，各支部开展集中学习80余次。\n"
    site = write_files(tmp_path / "s", site_with(body, report, **{"data/metrics.yaml": metrics}))
    assert figure_warnings(site) == []
    site = write_files(tmp_path / "t", site_with(body.replace("1次", "2次"), report, **{"data/metrics.yaml": metrics}))
    assert [line.split(": warning: ")[1] for line in figure_warnings(site)] == [
        'the text says "2次", data/units/a.yaml 2021-06-30 reports 1',
        'the text says "80余次", data/units/a.yaml 2021-06-30 reports 81余']


def test_one_groups_figure_beside_the_units_own_is_not_warned_about(example_site: Path) -> None:
    # 3700余名党员 is the unit's figure; 23名…机关党员 and 11名党员代表 are groups within it.
    set_report_value(example_site, "tianjin-eco-city", "party_members", "3700余名", "3900余名")
    warnings = figure_warnings(example_site)
    assert len(warnings) == 1 and 'the text says "3700余名"' in warnings[0] and "reports 3900余" in warnings[0]


def test_a_figure_counted_in_another_word_is_not_checked(example_site: Path) -> None:
    # 目前累计开展宣讲5次 counts 次; the metric counts 场次.
    set_report_value(example_site, "zhuzhou-gaoke", "lectures", "5", "7")
    assert figure_warnings(example_site) == []


def site_with(bulletin: str, report: str, **extra: str) -> dict[str, str]:
    files = {
        "data/site.yaml": "title: 简报\nbase_url: https://example.org/\nsearch: false\n",
        "data/metrics.yaml": "study_sessions:\n  label: 集中学习研讨\n  unit: 次\n  aliases: [集中学习]\n"
                             "lectures:\n  label: 宣讲报告\n  unit: 场次\n  kind: period\n",
        "data/units/a.yaml": f"name: 甲单位\nreports:\n{report}",
        "data/units/b.yaml": "name: 乙单位\n",
        "content/a/news.md": f"---\ntitle: 动态\ndate: 2021-06-30\n---\n{bulletin}",
    }
    return files | extra


REPORT_9 = "  - date: 2021-06-30\n    metrics:\n      study_sessions: 9\n"


@pytest.mark.parametrize("body", [
    "累计开展集中学习9次，参观基地12次。\n",  # 12次 names no metric
    "邀请专家讲课12次。\n",  # counted in 次, but the clause names no metric
    "```\n集中学习研讨12次\n```\n",  # code
    "见[集中学习12次的通知](https://example.org/12次)。\n累计开展集中学习9次。\n",  # only the link's text is read
    "| 指标 | 数值 |\n| --- | --- |\n| 集中学习研讨 | 9 次 |\n",  # a table row agrees
])
def test_figures_that_agree_or_report_no_metric_are_silent(tmp_path: Path, body: str) -> None:
    site = write_files(tmp_path / "s", site_with(body, REPORT_9))
    assert figure_warnings(site) == []


@pytest.mark.parametrize("body, figure", [
    ("累计开展**集中学习研讨12次**。\n", "12次"),
    ("> 全年开展集中学习12次\n", "12次"),
    ("| 指标 | 数值 |\n| --- | --- |\n| 集中学习研讨 | 12次 |\n", "12次"),
    ("| 单位 | 集中学习研讨（次） |\n| --- | --- |\n| 甲单位 | 12 |\n", "12"),
])
def test_a_contradicted_figure_is_found_in_markdown_at_its_column(tmp_path: Path, body: str, figure: str) -> None:
    site = write_files(tmp_path / "s", site_with(body, REPORT_9))
    line = next(n for n, text in enumerate(body.split("\n"), 5) if figure in text)
    col = re.search(r"(?<![0-9])" + re.escape(figure), body.split("\n")[line - 5]).start() + 1
    assert figure_warnings(site) == [
        f'content/a/news.md:{line}:{col}: warning: the text says "{figure}", data/units/a.yaml 2021-06-30 reports 9']


def test_the_report_of_the_date_else_the_latest_before_it_is_used(tmp_path: Path) -> None:
    reports = ("  - date: 2021-03-31\n    metrics:\n      study_sessions: 12\n"
               "  - date: 2021-09-30\n    metrics:\n      study_sessions: 20\n")
    site = write_files(tmp_path / "s", site_with("累计开展集中学习12次。\n", reports))
    assert figure_warnings(site) == []  # 2021-06-30: the report of 2021-03-31 says 12; 2021-09-30 comes later


def test_another_units_bulletin_is_never_checked_against_this_units_report(tmp_path: Path) -> None:
    files = site_with("累计开展集中学习9次。\n", REPORT_9, **{
        "content/b/news.md": "---\ntitle: 乙\ndate: 2021-06-30\n---\n甲单位累计开展集中学习12次。\n"})
    site = write_files(tmp_path / "s", files)
    assert figure_warnings(site) == []


def test_a_period_metric_may_be_stated_as_its_running_total(tmp_path: Path) -> None:
    reports = ("  - date: 2021-03-31\n    metrics:\n      lectures: 2\n"
               "  - date: 2021-06-30\n    metrics:\n      lectures: 3\n")
    site = write_files(tmp_path / "s", site_with("上半年累计组织宣讲报告5场次，二季度3场次。\n", reports))
    assert figure_warnings(site) == []
    site = write_files(tmp_path / "t", site_with("上半年累计组织宣讲报告6场次。\n", reports))
    assert figure_warnings(site) == [
        'content/a/news.md:5:12: warning: the text says "6场次", data/units/a.yaml 2021-06-30 reports 3']


def test_a_draft_report_is_checked_against_only_with_drafts(tmp_path: Path) -> None:
    report = "  - date: 2021-06-30\n    draft: true\n    metrics:\n      study_sessions: 9\n"
    site = write_files(tmp_path / "s", site_with("累计开展集中学习12次。\n", report))
    assert figure_warnings(site) == []
    assert figure_warnings(site, "--drafts") == [
        'content/a/news.md:5:9: warning: the text says "12次", data/units/a.yaml 2021-06-30 reports 9']


def test_build_prints_the_same_warnings(example_site: Path) -> None:
    set_report_value(example_site, "jilin-gaoxin", "supervision_teams", "3个", "4个")
    run = run_cli("build", "--source", example_site, "--quiet")
    assert run.code == 0
    assert [line for line in run.lines if "the text says" in line] == figure_warnings(example_site)
