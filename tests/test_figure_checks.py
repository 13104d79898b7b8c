"""Likely typing mistakes in the figures are reported where they were typed."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_files

UNIT_HEADER = "name: 示范街道办事处\nreports:\n"


def report(day: str, **metrics: str) -> str:
    lines = [f"  - date: {day}", "    metrics:"] + [f"      {k}: {v}" for k, v in metrics.items()]
    return "\n".join(lines) + "\n"


def check(site: Path, unit_yaml: str) -> list[str]:
    write_files(site, {"data/units/town.yaml": unit_yaml})
    return run_cli("check", "--source", site).lines


def test_two_reports_on_one_date_are_an_error(minimal_site: Path) -> None:
    lines = check(minimal_site, UNIT_HEADER + report("2021-06-30", participants="800") + report("2021-06-30", participants="900"))
    assert "data/units/town.yaml:6:5: error: two reports dated 2021-06-30 (the first on line 3); merge them into one" in lines


def test_running_total_that_goes_down_is_a_warning(minimal_site: Path) -> None:
    lines = check(minimal_site, UNIT_HEADER + report("2021-03-31", participants="800余") + report("2021-06-30", participants="80"))
    assert "data/units/town.yaml:8:21: warning: \"participants\" is a running total but goes down from 800 " \
           "on 2021-03-31 to 80; is it mistyped?" in lines


def test_period_metric_may_go_down(minimal_site: Path) -> None:
    lines = check(minimal_site, UNIT_HEADER + report("2021-03-31", lectures="8") + report("2021-06-30", lectures="2"))
    assert not any("goes down" in line for line in lines)


def test_part_larger_than_its_whole_is_a_warning(minimal_site: Path) -> None:
    lines = check(minimal_site, UNIT_HEADER + report("2021-06-30", matters_listed="20", matters_done="25"))
    assert 'data/units/town.yaml:6:21: warning: "matters_done" (25) is larger than "matters_listed" (20) it is part of' in lines


def test_report_more_than_a_year_after_the_newest_bulletin_is_a_warning(minimal_site: Path) -> None:
    lines = check(minimal_site, UNIT_HEADER + report("2022-07-31", participants="900"))
    assert ("data/units/town.yaml:3:5: warning: report dated 2022-07-31 is more than a year after the unit's newest "
            "bulletin (2021-06-30); is the year right?") in lines


def test_metric_no_unit_reports_is_a_warning(minimal_site: Path) -> None:
    lines = check(minimal_site, UNIT_HEADER + report("2021-06-30", participants="900"))
    assert 'data/metrics.yaml:4:1: warning: metric "matters_listed" is defined but no unit reports it' in lines


def test_warnings_do_not_stop_the_build(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": UNIT_HEADER + report("2021-06-30", matters_listed="20", matters_done="25")})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 0
    assert (minimal_site / "output/index.html").is_file()
