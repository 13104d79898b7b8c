"""Messages are for the site's editors, in their language: Chinese by default, English when asked."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bulletin.cli import main
from bulletin.messages import Language, Message, _, choose_language
from conftest import REPO, run_cli, write_files

CATALOG = REPO / "bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po"
HAN = re.compile(r"[\u4e00-\u9fff]")


def messages_in_code() -> set[str]:
    """Every message the package's code can show (what ``make messages`` extracts)."""
    found = extract_from_dir(str(REPO / "bulletin"), method_map=[("**.py", "python")], keywords={"_": None})
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


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
