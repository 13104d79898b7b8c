"""Warnings where they help: unknown keys, files that look like copies, and check --strict for CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, write_files

BULLETIN = "---\ntitle: 示范街道一季度工作简报\ndate: 2021-03-31\n---\n一季度，示范街道组织宣讲2场次。\n"


@pytest.mark.parametrize("copy", [
    "report-q1 - 副本.md", "report-q1 - 副本 (2).md", "report-q1的副本.md", "report-q1 (1).md", "report-q1（2）.md",
    "Copy of report-q1.md", "复件 report-q1.md", "report-q1 - Copy.md", "report-q1.bak.md", "report-q1_backup.md",
])
def test_a_bulletin_that_looks_like_a_copy_is_a_warning_naming_the_original(minimal_site: Path, copy: str) -> None:
    write_files(minimal_site, {f"content/town/{copy}": BULLETIN})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 0
    assert run.lines == [f'content/town/{copy}:1:1: warning: "{copy}" looks like a copy of content/town/report-q1.md, '
                         "and it is published as a page of its own; delete it if it is a copy, or give it a name of its own"]


def test_a_unit_file_that_looks_like_a_copy_is_a_warning_too(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town-copy.yaml": "name: 示范街道办事处\n"})
    assert 'data/units/town-copy.yaml:1:1: warning: "town-copy.yaml" looks like a copy of data/units/town.yaml, and it ' \
           "is read as a unit of its own; delete it if it is a copy, or give it a name of its own" in \
           run_cli("check", "--source", minimal_site).lines


def test_a_backup_beside_a_file_is_a_warning_but_nothing_of_it_is_published(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md.bak": BULLETIN, "data/units/town.yaml~": "name: 乙\n"})
    assert run_cli("check", "--source", minimal_site).lines == [
        'content/town/report-q1.md.bak:1:1: warning: "report-q1.md.bak" looks like a backup of content/town/report-q1.md; '
        "it is not published (delete it when you no longer need it)",
        'data/units/town.yaml~:1:1: warning: "town.yaml~" looks like a backup of data/units/town.yaml; it is not published '
        "(delete it when you no longer need it)"]


@pytest.mark.parametrize("name", ["2021-06-04-copy-editing-training.md", "report (draft).md", "old-town.md",
                                  "2021-06-04-工作动态.md", "bakery.md"])
def test_names_that_merely_contain_such_words_are_no_copies(minimal_site: Path, name: str) -> None:
    write_files(minimal_site, {f"content/town/{name}": BULLETIN})
    assert run_cli("check", "--source", minimal_site).lines == []


def test_strict_check_makes_warnings_errors_for_ci(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md": BULLETIN.replace("date:", "sumary: 摘要\ndate:")})
    assert run_cli("check", "--source", minimal_site).code == 0
    strict = run_cli("check", "--source", minimal_site, "--strict")
    assert strict.code == 1
    assert strict.lines == ['content/town/report-q1.md:3:1: error: unknown key "sumary" in front matter '
                            '(did you mean "summary"?); it is ignored']
    assert strict.err.splitlines()[-1] == "1 error(s); nothing was published"


def test_strict_build_publishes_nothing_even_when_nothing_changed_since_the_last_build(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md": BULLETIN.replace("date:", "sumary: 摘要\ndate:")})
    assert run_cli("build", "--source", minimal_site).code == 0
    assert run_cli("build", "--source", minimal_site, "--strict").code == 1
    assert run_cli("build", "--source", minimal_site).code == 0
