"""The YAML slips Chinese editors make are reported on the line where they made them, with the fix in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, write_files

UNIT = """\
name: 示范街道办事处
short_name: 示范街道
region: 湖南省岳阳市
category: 街道
reports:
  - date: 2021-03-31
    metrics:
      participants: 300
      matters_listed: 20
      lectures: 2
  - date: 2021-06-30
    metrics:
      participants: 800余
"""
FRONT = """\
---
title: 传承红色基因 凝聚奋进力量
date: 2021-03-31
source: 示范街道
author: 邓志强、易松
tags:
  - 党史学习教育
  - 我为群众办实事
summary: 一季度工作。
---
正文。
"""
FILES = {"unit": ("data/units/town.yaml", UNIT), "front": ("content/town/report-q1.md", FRONT)}
FULL = "“：”"

# (file, line the editor got wrong, what was right, what the editor typed, the one line reported at that file)
SLIPS = [
    # a full-width colon, where PyYAML reports the next line ("could not find expected ':'")
    ("unit", 2, "short_name: ", "short_name：", f'2:11: error: line 2 uses a full-width colon {FULL}: write a half-width colon ":" followed by a space'),
    ("unit", 9, "matters_listed: ", "matters_listed：", f'9:21: error: line 9 uses a full-width colon {FULL}: write a half-width colon ":" followed by a space'),
    ("unit", 11, "- date: ", "- date：", f'11:9: error: line 11 uses a full-width colon {FULL}: write a half-width colon ":" followed by a space'),
    ("front", 3, "date: ", "date：", f'3:5: error: line 3 uses a full-width colon {FULL}: write a half-width colon ":" followed by a space'),
    ("unit", 13, "participants: ", "participants：", f'13:19: warning: line 13 uses a full-width colon {FULL}: write a half-width colon ":" followed by a space'),
    # full-width spaces, in the indentation or after the colon
    ("unit", 8, "      participants", "　　　participants", "8:1: error: line 8 is indented with full-width spaces “　”, but YAML takes only half-width spaces: replace each full-width space with two spaces"),
    ("front", 8, "  - 我为", "　- 我为", "8:1: error: line 8 is indented with full-width spaces “　”, but YAML takes only half-width spaces: replace each full-width space with two spaces"),
    ("unit", 4, "category: ", "category:　", "4:10: error: line 4 has a full-width space “　” after the colon: write one half-width space"),
    # a tab
    ("unit", 9, "      matters_listed", "\t\tmatters_listed", "9:1: error: line 9 is indented with a tab, but YAML takes only spaces: replace the tab with spaces, aligned with the lines of the same level"),
    ("front", 7, "  - 党史", "\t- 党史", "7:1: error: line 7 is indented with a tab, but YAML takes only spaces: replace the tab with spaces, aligned with the lines of the same level"),
    # wrong indentation
    ("unit", 9, "      matters_listed", "       matters_listed", "9:8: error: line 9 is indented 1 space(s) more than the line above: keys of one level start in the same column (6 spaces)"),
    ("front", 4, "source", " source", "4:2: error: line 4 is indented 1 space(s) more than the line above: keys of one level start in the same column (0 spaces)"),
    ("unit", 9, "      matters_listed", "     matters_listed", "9:6: error: line 9 is indented 5 space(s), which matches no level above: indent it 4 or 6 spaces"),
    ("unit", 11, "  - date", "- date", "11:1: error: line 11: the list item is indented 0 space(s), but the item before it (line 6) is indented 2: align them"),
    # an unclosed quote, which PyYAML reports at the end of the file
    ("unit", 1, "name: 示范", 'name: "示范', '1:7: error: line 1: the value starts with the quote " but it is never closed: add " at the end of the value, or remove the first one'),
    ("front", 2, "title: 传承", "title: '传承", "2:8: error: line 2: the value starts with the quote ' but it is never closed: add ' at the end of the value, or remove the first one"),
    # a list item without "- "
    ("unit", 11, "  - date", "  date", '11:3: error: line 11 is an item of the list above but does not start with "- ": write "- " before "date" (as on line 6)'),
    ("front", 8, "  - 我为群众办实事", "  我为群众办实事", '8:3: error: line 8 is an item of the list above but does not start with "- ": write "- " before "我为群众办实事" (as on line 7)'),
    ("unit", 11, "  - date", "    date", '11:5: error: duplicate key "date" (first given on line 6); if this line starts a new item of the list, write "- " before "date"'),
    # a missing space after ":"
    ("unit", 3, "region: ", "region:", '3:8: error: line 3 has no space after the colon: write "region: 湖南省岳阳市" instead of "region:湖南省岳阳市"'),
    ("front", 4, "source: ", "source:", '4:8: error: line 4 has no space after the colon: write "source: 示范街道" instead of "source:示范街道"'),
    # a full-width dash, or a dash without a space
    ("unit", 11, "  - date", "  － date", '11:3: error: line 11 starts a list item with “－”: write a half-width "-" followed by a space'),
    ("unit", 11, "  - date", "  -date", '11:3: error: line 11: a list item needs a space after its "-"'),
    # what YAML accepts without a word, though the value comes out wrong
    ("front", 7, "  - 党史", "  －党史", '7:3: warning: line 7 starts a list item with “－”: write a half-width "-" followed by a space'),
    ("unit", 2, "示范街道\n", "“示范街道”\n", '2:13: warning: line 2: the value is in full-width quotes “…”, which YAML does not take as quotes, so they become part of the value: remove them, or use half-width quotes "…"'),
    ("unit", 3, "湖南省岳阳市", '湖南省岳阳市"', '3:15: warning: line 3: the value ends with a stray quote ": remove it, or put the same quote at the start of the value too'),
]


def slipped(text: str, line: int, old: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "".join(lines)


@pytest.mark.parametrize("which, line, old, new, expected", SLIPS)
def test_a_slip_is_reported_on_the_editors_line_with_the_fix(minimal_site: Path, which: str, line: int, old: str,
                                                              new: str, expected: str) -> None:
    path, text = FILES[which]
    write_files(minimal_site, {p: t for p, t in FILES.values()})
    write_files(minimal_site, {path: slipped(text, line, old, new)})
    run = run_cli("check", "--source", minimal_site)
    assert f"{path}:{expected}" in run.lines
    assert all(p.startswith(f"{path}:{line}:") for p in run.lines  # no other line blamed (the tags a slip made
               if p.startswith(f"{path}:") and ': warning: tag "' not in p)  # one may be warned about too)


def test_the_clean_files_have_no_slips(minimal_site: Path) -> None:
    write_files(minimal_site, {p: t for p, t in FILES.values()})
    assert run_cli("check", "--source", minimal_site).lines == [
        'data/metrics.yaml:7:1: warning: metric "matters_done" is defined but no unit reports it']


def test_the_fix_is_said_in_chinese(monkeypatch: pytest.MonkeyPatch, minimal_site: Path) -> None:
    monkeypatch.delenv("BULLETIN_LANG")
    write_files(minimal_site, {"data/units/town.yaml": slipped(UNIT, 3, "region: ", "region：")})
    assert run_cli("check", "--source", minimal_site).lines[0] == (
        "data/units/town.yaml:3:7: error: 第3行用了全角冒号“：”，请改成半角冒号“:”并在后面加一个空格")


@pytest.mark.parametrize("text", [
    "name: 甲\nregion: 联系电话：0731-12345678\n",  # a full-width colon inside a value
    "name: 甲\ncategory: “我为群众办实事”实践活动\n",  # quotes that are part of the text
    "name: 甲\nregion: 12:30\ncategory: https://example.org/a\n",
    "name: 甲\nregion: |\n  会议指出：要抓好落实。\n  －一是……\n",  # a literal block holds anything
    "name: 甲\nregion: 第一段\n  ——记示范街道\n",  # a dash that continues a long value
    "name: 甲\nregion: 第一段\n  　　第二段\n",  # a paragraph's full-width indent inside a long value
])
def test_what_is_no_slip_is_not_reported(minimal_site: Path, text: str) -> None:
    write_files(minimal_site, {"data/units/other.yaml": text})
    assert [line for line in run_cli("check", "--source", minimal_site).lines if "other.yaml" in line] == []
