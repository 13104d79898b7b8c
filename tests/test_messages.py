"""Messages are for the site's editors, in their language: Chinese by default, English when asked."""

from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bulletin.cli import main
from bulletin.messages import Language, Message, _, choose_language
from conftest import REPO, SITES, run_cli, write_files

CATALOG = REPO / "bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po"
HAN = re.compile(r"[\u4e00-\u9fff]")


def messages_in_code() -> set[str]:
    """Every message the package's code can show (what ``make messages`` extracts)."""
    found = extract_from_dir(str(REPO / "bulletin"), method_map=[("**.py", "python")], keywords={"_": None})
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def messages_called() -> set[str]:
    """Every message the package's code passes to ``_()``, wherever it is (Babel does not look inside f-strings)."""
    found = set()
    for path in (REPO / "bulletin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_" and node.args:
                first = node.args[0]
                found.add(first.value if isinstance(first, ast.Constant) else f"{path}:{node.lineno}: not a constant")
    return found


def test_every_message_is_found_by_make_messages() -> None:
    assert messages_called() - messages_in_code() == set(), "write _(…) outside f-strings, with a constant text"


def catalog() -> dict[str, str]:
    with CATALOG.open("rb") as file:
        return {m.id: m.string for m in read_po(file) if m.id}


def test_every_message_in_the_code_has_a_chinese_text() -> None:
    translations = catalog()
    missing = sorted(m for m in messages_in_code() if not translations.get(m))
    assert missing == [], "run `make messages` and translate these in " + str(CATALOG)


def test_every_chinese_text_keeps_the_values_of_its_message() -> None:
    for msgid, text in catalog().items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", msgid)), msgid


def test_the_compiled_catalog_is_the_one_the_package_ships() -> None:
    with CATALOG.open("rb") as file:
        po = read_po(file)
    compiled = io.BytesIO()
    write_mo(compiled, po)
    assert CATALOG.with_suffix(".mo").read_bytes() == compiled.getvalue(), "run `make messages`"


@pytest.mark.parametrize("flag, environment, chosen", [
    (None, {}, "zh"), (None, {"BULLETIN_LANG": "en"}, "en"), ("zh", {"BULLETIN_LANG": "en"}, "zh"),
    ("en", {}, "en"), (None, {"BULLETIN_LANG": "en_US.UTF-8"}, "en"), (None, {"BULLETIN_LANG": "fr"}, "zh"),
])
def test_the_language_is_the_flag_else_the_environment_else_chinese(flag: str | None, environment: dict[str, str],
                                                                    chosen: str) -> None:
    assert choose_language(flag, environment) == chosen


def test_a_message_is_shown_in_the_language_asked_and_its_values_as_given() -> None:
    message = _("{count} error(s); nothing was published", count=3)
    assert Language.load("en").text(message) == "3 error(s); nothing was published"
    assert Language.load("zh").text(message) == "共 3 个错误；没有发布任何内容"
    assert str(message) == "3 error(s); nothing was published"
    assert Message.from_json(message.to_json()) == message


def test_help_is_in_chinese_by_default_and_in_english_when_asked(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("BULLETIN_LANG")
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    chinese = capsys.readouterr().out
    assert chinese.startswith("用法：bulletin build") and "选项" in chinese and "网站根目录" in chinese
    with pytest.raises(SystemExit):
        main(["--lang", "en", "build", "--help"])
    english = capsys.readouterr().out
    assert english.startswith("usage: bulletin build") and not HAN.search(english)


def test_a_usage_mistake_is_explained_in_the_editors_language(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("BULLETIN_LANG")
    with pytest.raises(SystemExit) as stopped:
        main(["new", "unit", "town"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "bulletin new: error: 缺少必填参数：--name"


def test_summaries_are_in_chinese_by_default(monkeypatch: pytest.MonkeyPatch, minimal_site: Path) -> None:
    monkeypatch.delenv("BULLETIN_LANG")
    assert run_cli("check", "--source", minimal_site).out == "检查通过：1 个单位，2 篇简报，没有错误\n"
    assert run_cli("check", "--source", minimal_site, "--lang", "en").out == "ok: 1 units, 2 bulletins, no errors\n"
    write_files(minimal_site, {"data/units/town.yaml": "name: 甲\nreports: 3\n"})
    failed = run_cli("check", "--source", minimal_site)
    assert failed.code == 1 and failed.err.splitlines()[-1] == "共 1 个错误；没有发布任何内容"


# A site with a mistake of every kind that loading finds: syntax, values, keys, links, files, templates.
BROKEN = {
    "data/site.yaml": "title: 示范街道工作简报\nbase_url: https://example.org/news/\nsearch: false\nvariants: [zh-HK]\n",
    "data/metrics.yaml": "participants:\n  label: 参与人次\n  unit: 人次\n  part_of: participant\nlectures:\n  label: 宣讲\n"
                         "  unit: 场次\n  kind: sometimes\n",
    "data/units/town.yaml": "name: 示范街道办事处\nregion: 甲\nregion: 乙\nreports:\n  - date: 2021-02-30\n    metrics:\n"
                            "      participants: 数百\n      volunteers: 3\n  - date: 2021-06-30\n    metrics:\n"
                            "      participants: 800余人\n      lectures: [1]\n",
    "data/units/colon.yaml": "name: 乙\nshort_name：乙\nregion: 丙\n",
    "data/units/quote.yaml": 'name: "乙\nregion: 丙\ncategory: 丁\n',
    "data/units/Bad_Name.yaml": "name: 丁\n",
    "content/town/a.md": "---\ntitle: 甲\ndate: 2021-06-31\nsumary: 摘要\ndraft: maybe\ntags: [[1]]\n---\n正文\n",
    "content/town/b.md": "---\ntitle: 乙\ndate: 2021-06-30\n---\n见[甲](missing.md)和![图](/static/none.png)。\x0b\n",
    "content/town/c.md": "---\ntitle: 丙\ndate: 2021-06-30\n---\n".encode("gb18030") + "正文".encode("gb18030"),
    "content/nobody/d.md": "---\ntitle: 丁\ndate: 2021-06-30\n---\n正文\n",
    "content/town/e.md": "正文，没有开头设置\n",
    "content/pages/units.md": "---\ntitle: 单位\n---\n正文\n",
    "templates/footer.html": "{% if x %}\n",
}
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|'[^']*'|「[^」]*」")
ENGLISH_WORDS = re.compile(r"[A-Za-z]+(?:[ ,;:()-]+[A-Za-z]+){2,}")
EXAMPLE_HAN = set("余万二十三另存为编码发布时间")  # Chinese written as an example inside English messages


def message_parts(err: str) -> list[str]:
    """What each line of a run's problems says, after ``PATH:LINE:COL: error:`` (or the whole line)."""
    return [re.sub(r"^.*?:\d+:\d+: (error|warning): ", "", line) for line in err.splitlines()]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_broken_site_is_explained_in_one_language_line_by_line(tmp_path: Path, language: str) -> None:
    site = write_files(tmp_path / "site", BROKEN)
    run = run_cli("build", "--source", site, "--lang", language)
    assert run.code == 1 and len(run.lines) >= 20, run.err
    # the markers stay as they are in both languages (SPEC section 1)
    assert all(re.match(r"\S+:\d+:\d+: (error|warning): \S", line) for line in run.lines)
    for line in message_parts(run.err):
        outside_quotes = QUOTED.sub("", line)
        if language == "zh":
            assert HAN.search(outside_quotes) and not ENGLISH_WORDS.search(outside_quotes), line
        else:
            assert ENGLISH_WORDS.search(outside_quotes) and set(HAN.findall(outside_quotes)) <= EXAMPLE_HAN, line


def test_the_same_problems_are_found_in_both_languages(tmp_path: Path) -> None:
    site = write_files(tmp_path / "site", BROKEN)
    places = [[line.split(": ")[0] for line in run_cli("check", "--source", site, "--lang", language).lines]
              for language in ("zh", "en")]
    assert places[0] == places[1]


def test_run_as_the_program_a_build_says_all_it_has_to_say_and_exits_with_its_code(tmp_path: Path) -> None:
    """The program ends without freeing its memory (``cli.exit_at_once``): what it printed reaches a pipe whole."""
    site = write_files(tmp_path / "site", BROKEN)
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--source", str(site), "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == run_cli("build", "--source", site, "--lang", "en").err
    assert len([line for line in done.stderr.splitlines() if ": error: " in line]) >= 20
    good = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--source", str(minimal_copy(tmp_path)),
                           "--lang", "en"], capture_output=True, text=True, timeout=120)
    assert good.returncode == 0 and good.stdout.splitlines()[-1].startswith("built "), good.stdout


def minimal_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SITES / "minimal", tmp_path / "minimal"))
