"""Every problem in the sources is one located line, all of them at once, exit 1, no traceback."""

from __future__ import annotations

from pathlib import Path

from conftest import output_files, run_cli, write_files


def test_all_errors_of_a_run_are_reported_together_with_positions(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "data/units/town.yaml": """
            name: 示范街道办事处
            reports:
              - date: 2021-02-30
                metrics:
                  participants: 数百
                  matters_listed: 20项
                  volunteers: 3
            """,
        "content/town/bad.md": """
            ---
            date: 2021-06-31
            ---
            正文
            """,
    })
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert run.lines == [
        'content/town/bad.md:2:1: error: front matter needs "title"',
        'content/town/bad.md:2:7: error: "2021-06-31" is not a real date',
        'data/units/town.yaml:3:11: error: "2021-02-30" is not a real date',
        'data/units/town.yaml:5:21: error: cannot read "数百" as a quantity: it names no definite figure; expected a number such as 800, 800余, 1.4万 or 二十三',
        'data/units/town.yaml:7:7: error: unknown metric "volunteers"; define it in data/metrics.yaml',
    ]
    assert "Traceback" not in run.err


def test_counting_word_must_match_the_metric_unit(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": """
        name: 示范街道办事处
        reports:
          - date: 2021-06-30
            metrics:
              participants: 800余人
              matters_listed: 20项
        """})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == [
        'data/units/town.yaml:5:21: error: "800余人" is counted in "人", but this metric counts in "人次"',
    ]


def test_yaml_syntax_error_points_at_the_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": "name: 示范街道\nreports:\n  - date: 2021-06-30\n   metrics: [\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert len(run.lines) == 1 and run.lines[0].startswith("data/units/town.yaml:4:")


def test_front_matter_lines_count_from_the_top_of_the_file(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/x.md": "---\ntitle: 标题\ndate: 2021-06-30\ndraft: maybe\n---\n正文\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == ['content/town/x.md:4:8: error: "draft" must be true or false, not "maybe"']


def test_duplicate_yaml_key_is_an_error_at_its_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 甲\nbase_url: https://example.org/\ntitle: 乙\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == ['data/site.yaml:3:1: error: duplicate key "title" (first given on line 1)']


def test_bulletin_of_an_unknown_unit_is_an_error_with_a_suggestion(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/tonw/a.md": "---\ntitle: 标题\ndate: 2021-06-30\n---\n正文\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == ['content/tonw/a.md:1:1: error: unit "tonw" has no data/units/tonw.yaml (did you mean "town"?)']


def test_two_files_with_the_same_page_are_an_error_naming_both(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "content/town/Report_1.md": "---\ntitle: 甲\ndate: 2021-06-30\n---\n正文\n",
        "content/town/report-1.md": "---\ntitle: 乙\ndate: 2021-06-30\n---\n正文\n",
    })
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == [
        'content/town/report-1.md:1:1: error: "content/town/report-1.md" and "content/town/Report_1.md" '
        "would both be published at units/town/report-1/; rename one",
    ]


def test_unknown_keys_are_warnings_with_a_suggestion(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/a.md": "---\ntitle: 标题\ndate: 2021-06-30\nsumary: 摘要\n---\n正文\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 0
    assert run.lines == [
        'content/town/a.md:4:1: warning: unknown key "sumary" in front matter (did you mean "summary"?); it is ignored',
    ]


def test_template_syntax_error_is_reported_at_its_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"templates/home.html": "{% extends 'base.html' %}\n{% block content %}\n{{ oops(\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert len(run.lines) == 1 and run.lines[0].startswith("templates/home.html:3:1: error: template syntax:")


def test_failed_build_leaves_previous_output_untouched(minimal_site: Path) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    before = output_files(minimal_site / "output")
    write_files(minimal_site, {"data/units/town.yaml": "name: [unclosed\n"})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 1
    assert output_files(minimal_site / "output") == before


def test_a_folder_that_is_not_a_site_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("build", "--source", tmp_path)
    assert run.code == 2
    assert "is not a site root" in run.err


def test_broken_metrics_file_is_one_error_not_one_per_report(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/metrics.yaml": "participants:\n  label: [\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert [line.split(":")[0] for line in run.lines] == ["data/metrics.yaml"]
