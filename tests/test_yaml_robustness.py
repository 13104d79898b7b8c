"""YAML is read safely and as written: no code, no alias bombs, no YAML 1.1 surprises."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from conftest import REPO, output_files, run_cli, write_files

from bulletin.errors import Problems
from bulletin.load.nodes import parse_yaml

UNIT = """
    name: 示范街道办事处
    reports:
      - date: 2021-06-30
        metrics:
          participants: {participants}
          matters_listed: 20
"""


def test_only_the_safe_loader_is_ever_used() -> None:
    unsafe = re.compile(r"yaml\.(load|load_all|unsafe_load|unsafe_load_all|full_load|full_load_all)\s*\("
                        r"|\b(Unsafe|Full)?Loader\s*=\s*yaml\.(Unsafe|Full)?Loader\b|yaml\.(Unsafe|Full)Loader|\bUnsafeLoader\b")
    offenders = [f"{path.relative_to(REPO)}:{n}" for path in sorted((REPO / "bulletin").rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if unsafe.search(line)]
    assert offenders == []


def test_python_tags_are_never_constructed(minimal_site: Path, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    write_files(minimal_site, {"data/units/evil.yaml": f"name: !!python/object/apply:os.system ['touch {marker}']\n"
                                                       f"region: !!python/name:os.system\n"})
    run_cli("check", "--source", minimal_site)
    assert not marker.exists()


def test_billion_laughs_is_refused_at_once_with_one_error(minimal_site: Path) -> None:
    laughs = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    write_files(minimal_site, {"data/units/town.yaml": "name: 示范街道\n" + "\n".join(laughs) + "\n"})
    started = time.perf_counter()
    run = run_cli("build", "--source", minimal_site)
    assert time.perf_counter() - started < 5
    assert run.code == 1
    assert [line for line in run.lines if ": error: " in line] == [
        "data/units/town.yaml:2:7: error: YAML anchors and aliases (&name, *name) are not supported; write the value out",
    ]


def test_a_merge_key_is_refused(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/metrics.yaml": "base: &base\n  label: 甲\n  unit: 次\nother:\n  <<: *base\n"})
    run = run_cli("check", "--source", minimal_site)
    assert [line for line in run.lines if ": error: " in line] == [
        "data/metrics.yaml:1:7: error: YAML anchors and aliases (&name, *name) are not supported; write the value out",
    ]


@pytest.mark.parametrize("rel, text, line", [
    ("data/units/town.yaml", "name: 甲\nregion: 乙\nname: 丙\n", "data/units/town.yaml:3:1"),
    ("data/site.yaml", "title: 甲\nbase_url: https://example.org/\ntitle: 乙\n", "data/site.yaml:3:1"),
    ("content/town/report-q1.md", "---\ntitle: 甲\ndate: 2021-03-31\ntitle: 乙\n---\n正文\n",
     "content/town/report-q1.md:4:1"),
])
def test_a_duplicate_key_is_an_error_at_its_line(minimal_site: Path, rel: str, text: str, line: str) -> None:
    write_files(minimal_site, {rel: text})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert [problem for problem in run.lines if ": error: " in problem] == [
        f'{line}: error: duplicate key "{"title" if "title: 乙" in text else "name"}" (first given on line '
        f'{2 if rel.endswith(".md") else 1})',
    ]


def _stats(root: Path) -> dict:
    return json.loads((root / "output" / "stats.json").read_text(encoding="utf-8"))


def test_unit_named_no_or_yes_stays_a_string(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "data/metrics.yaml": "participants:\n  label: 参与\n  unit: NO\nmatters_listed:\n  label: 实事\n  unit: yes\n",
        "data/units/town.yaml": UNIT.format(participants="800"),
    })
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    units = {m["key"]: m["unit"] for m in _stats(minimal_site)["metrics"]}
    assert units == {"participants": "NO", "matters_listed": "yes"}


def test_a_leading_zero_reads_as_written_never_octal(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": UNIT.format(participants="0700")})
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    participants = next(m for m in _stats(minimal_site)["metrics"] if m["key"] == "participants")
    assert participants["total"] == 700


@pytest.mark.parametrize("text", ["1_000", "0x10", "1e3", ".inf", ".nan", "0o17", "0b101", "+12", "1:30"])
def test_yaml_number_syntax_is_reported_never_converted(minimal_site: Path, text: str) -> None:
    write_files(minimal_site, {"data/units/town.yaml": UNIT.format(participants=text)})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert [line for line in run.lines if ": error: " in line] == [
        f'data/units/town.yaml:5:21: error: cannot read "{text}" as a quantity: '
        + ("a figure cannot be negative" if text.startswith("-") else
           "expected a number such as 800, 800余, 1.4万 or 二十三"),
    ]


def test_february_30_is_an_error(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": UNIT.format(participants="800").replace("06-30", "02-30")})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == ['data/units/town.yaml:3:11: error: "2021-02-30" is not a real date']


@pytest.mark.parametrize("title", ["on", "off", "yes", "no", "NO", "null", "~", "0700", "1_000", "2021-06-30"])
def test_yaml_11_words_as_a_title_stay_strings(minimal_site: Path, title: str) -> None:
    write_files(minimal_site, {"content/town/report-q1.md": f"---\ntitle: {title}\ndate: 2021-03-31\n---\n正文\n"})
    run = run_cli("build", "--source", minimal_site, "--quiet")
    if title in ("null", "~"):  # YAML's empty value: the title is missing, and the editor is told so
        assert run.lines == ['content/town/report-q1.md:2:1: error: front matter needs "title"']
        return
    assert run.code == 0, run.err
    page = (minimal_site / "output/units/town/report-q1/index.html").read_text(encoding="utf-8")
    assert f"<h1>{title}</h1>" in page or f">{title}</" in page


def test_a_quoted_date_works_the_same(minimal_site: Path, tmp_path: Path) -> None:
    outputs = []
    for i, date in enumerate(["2021-03-31", "'2021-03-31'", '"2021-03-31"']):
        write_files(minimal_site, {"content/town/report-q1.md": f"---\ntitle: 一季度\ndate: {date}\n---\n正文\n",
                                   "data/units/town.yaml": UNIT.format(participants="800").replace(
                                       "2021-06-30", date.replace("03-31", "06-30"))})
        out = tmp_path / f"out-{i}"
        assert run_cli("build", "--source", minimal_site, "--output", out, "--quiet").code == 0
        outputs.append(output_files(out))
    assert outputs[0] == outputs[1] == outputs[2]


def test_control_characters_yaml_refuses_give_one_located_line() -> None:
    problems = Problems()
    assert parse_yaml("name: 甲\nregion: 乙\x01丙\n", "data/units/a.yaml", problems) is None
    [problem] = [str(p) for p in problems.sorted()]
    assert problem == "data/units/a.yaml:2:10: error: YAML: the file holds an invisible control character; remove it"


@pytest.mark.parametrize("text, where", [
    ("name: 甲\nregion: " + "[" * 20_000 + "]" * 20_000 + "\n", "2:108"),  # brackets on one line
    ("name: 甲\nregion:\n" + "[\n" * 500 + "]\n" * 500, "102:1"),  # brackets across lines
    ("name: 甲\nregion:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 200)), "102:101"),  # indentation
    ("name: 甲\nregion:\n" + "- " * 300 + "x\n", "3:199"),  # list items in list items
])
def test_deeply_nested_yaml_is_one_error(minimal_site: Path, text: str, where: str) -> None:
    write_files(minimal_site, {"data/units/town.yaml": text})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1 and "Traceback" not in run.err
    # the project's own message, where the nesting goes beyond the limit, whatever PyYAML would say
    assert [line for line in run.lines if ": error: " in line] == [
        f"data/units/town.yaml:{where}: error: YAML is nested too deeply (more than 100 levels of lists and "
        "mappings inside each other)"]


@pytest.mark.parametrize("text, message", [
    ("name: 甲\n---\nname: 乙\n", "2:1: error: YAML syntax: a line --- starts a second document; a file holds one, so remove that line"),
    ("[1, 2]\n", "1:1: error: unit file must be a mapping of keys to values"),
    ("? [a, b]\n: c\nname: 甲\n", "1:3: error: a key must be plain text"),
])
def test_odd_yaml_documents_are_located_errors(minimal_site: Path, text: str, message: str) -> None:
    write_files(minimal_site, {"data/units/town.yaml": text})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert f"data/units/town.yaml:{message}" in run.lines


def test_a_problem_quoting_a_multi_line_value_stays_on_one_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": UNIT.format(participants='"80\\n0"')})
    run = run_cli("check", "--source", minimal_site)
    assert run.err.splitlines()[0] == ('data/units/town.yaml:5:21: error: cannot read "80\\n0" as a quantity: '
                                       'a space cannot split a number; write 1200 or 1,200')
