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


def test_a_site_template_that_fails_while_rendering_is_reported_at_its_own_line(minimal_site: Path) -> None:
    """The failing line is in the site's block, though the theme's base.html is what calls the block."""
    write_files(minimal_site, {"templates/home.html": "{% extends 'base.html' %}\n{% block content %}\n"
                                                      "<p>{{ 1 // 0 }}</p>\n{% endblock %}\n"})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 1
    assert len(run.lines) == 1 and run.lines[0].startswith("templates/home.html:3:1: error: ")


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


def test_a_large_site_read_by_many_workers_reports_every_error_as_one_reads_it(minimal_site: Path) -> None:
    files: dict[str, str | bytes] = {
        f"content/town/n{i:03}.md": f"---\ntitle: 第{i}期\ndate: 2021-06-{i % 28 + 1:02}\n---\n第{i}期正文。\n" for i in range(300)}
    files.update({
        "content/town/n010.md": "---\ntitle: [\n---\n正文\n",  # YAML syntax
        "content/town/n099.md": "---\ndate: 2021-06-31\n---\n正文\n",  # no title, no such day
        "content/town/n150.md": "---\ntitle: 通报\ndate: 2021-06-01\ncolour: red\n---\n正文\x01\n",  # unknown key, control
        "content/town/n151.md": "---\ntitle: 通报\ndate: 2021-06-01\n---\n工作动态\n".encode("gb18030"),  # legacy encoding
        "content/town/n290.md": b"\xff\xfe---\n",  # UTF-16
        "content/village/n000.md": "---\ntitle: 通报\ndate: 2021-06-01\n---\n正文\n",  # no such unit
        "content/town/n201.md": "正文，没有前言\n",
        "content/town/n202.md": "---\ntitle: 通报\ndate: 2021-06-01\n---\n见[上期](n999.md)。\n",  # no such bulletin
    })
    write_files(minimal_site, files)
    one, two = run_cli("check", "--source", minimal_site, "--jobs", "1"), run_cli("check", "--source", minimal_site,
                                                                                  "--jobs", "2")
    assert one.code == two.code == 1
    assert two.lines == one.lines, "read by two workers as by one"
    assert two.lines == [
        'content/town/n010.md:2:8: error: line 2: the value opens with "[" that is not closed on this line: close it '
        'with "]", or remove the "[" and write each item on a line of its own',
        'content/town/n099.md:2:1: error: front matter needs "title"',
        'content/town/n099.md:2:7: error: "2021-06-31" is not a real date',
        'content/town/n150.md:4:1: warning: unknown key "colour" in front matter; it is ignored',
        'content/town/n150.md:6:3: warning: invisible control character U+0001 removed; it is not text',
        'content/town/n151.md:2:1: warning: file is encoded in GB18030/GBK, not UTF-8; it was read as GB18030, but '
        'please save it as UTF-8 (e.g. in Notepad: 另存为, 编码 UTF-8)',
        'content/town/n201.md:1:1: error: a bulletin must start with front matter: a line ---, title: …, date: …, '
        'a line ---',
        'content/town/n202.md:5:7: error: link target "n999.md" does not exist (it would be content/town/n999.md)',
        'content/town/n290.md:1:1: error: file is UTF-16 text or binary, not UTF-8 text; save it as UTF-8 in your editor',
        'content/village/n000.md:1:1: error: unit "village" has no data/units/village.yaml',
    ]
