"""Bodies are converted by Python-Markdown: the quicker inline step gives exactly its HTML, for any text."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import markdown
import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import treeprocessors

from bulletin.render.markup import make_markdown, quick_inline_refusal

ROOT = Path(__file__).parent.parent
FRAGMENTS = st.sampled_from([
    "组织宣讲", "800余人", "a", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(",
    ")", "!", "<", ">", "&", ";", "&amp;", "&#38;", "<b>", "</b>", "<!-- c -->", "<http://example.org>",
    "<a@example.org>", "[链接](a.md)", "![图](p.png)", "[x][r]", "\n[r]: http://example.org\n", "*强调*", "**加粗**",
    "_x_", "`code`", "- ", "1. ", "## ", "> ", "| a | b |\n| - | - |\n| 1 | 2 |\n", "\n```\ncode\n```\n",
    "*[HTML]: Hyper Text\n", "术语\n:   定义\n", "\u0002", "\u0003",
])


def stock_converter() -> markdown.Markdown:
    """Python-Markdown as it comes, with the same extensions and settings."""
    return markdown.Markdown(extensions=["abbr", "def_list", "fenced_code", "tables", "sane_lists"],
                             extension_configs={"tables": {"use_align_attribute": True}}, output_format="html")


def convert(converter: markdown.Markdown, text: str) -> str:
    converter.reset()
    return converter.convert(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_any_text_converts_exactly_as_stock_python_markdown_does(text: str) -> None:
    assert convert(make_markdown(), text) == convert(stock_converter(), text)


def test_every_example_and_test_body_converts_exactly_as_stock_python_markdown_does() -> None:
    quick, stock = make_markdown(), stock_converter()
    files = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "tests").rglob("*.md"))
    assert len(files) > 5
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")
        assert convert(quick, text) == convert(stock, text), file


def test_every_inline_pattern_of_this_python_markdown_is_one_the_quick_step_knows() -> None:
    """Else that pattern is always tried (still correct, but the speed-up is lost): update the table."""
    if quick_inline_refusal() is not None:
        pytest.skip(f"the quick inline step is not used: {quick_inline_refusal()}")
    converter = make_markdown()
    convert(converter, "正文")
    assert None not in converter.treeprocessors["inline"]._needs


@pytest.fixture
def fresh_guard() -> Iterator[None]:
    """The guard decides once per process: ask it again before and after a test that changes Python-Markdown."""
    quick_inline_refusal.cache_clear()
    yield
    quick_inline_refusal.cache_clear()


SAMPLE = "## 标题\n\n**800余人**参加，详见[链接](a.md)。`代码` <b>粗</b> &amp; *强调*\n\n- 一\n- 二\n"


def test_an_untested_python_markdown_is_used_as_it_comes_with_the_same_html(
        monkeypatch: pytest.MonkeyPatch, fresh_guard: None) -> None:
    monkeypatch.setattr(markdown, "__version__", "3.99.0")
    converter = make_markdown()
    assert type(converter.treeprocessors["inline"]) is treeprocessors.InlineProcessor
    assert convert(converter, SAMPLE) == convert(stock_converter(), SAMPLE)
    assert quick_inline_refusal() == "Python-Markdown 3.99.0 is outside the versions tested (3.5 to before 3.12)"


def test_a_python_markdown_whose_private_step_changed_is_used_as_it_comes(
        monkeypatch: pytest.MonkeyPatch, fresh_guard: None) -> None:
    stock = treeprocessors.InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def changed(self, pattern, data, patternIndex, startIndex=0):  # type: ignore[no-untyped-def]  # noqa: N803
        return stock(self, pattern, data, patternIndex, startIndex)

    monkeypatch.setattr(treeprocessors.InlineProcessor, "_InlineProcessor__applyPattern", changed)
    assert type(make_markdown().treeprocessors["inline"]) is treeprocessors.InlineProcessor
    assert "has a applyPattern that was not tested" in (quick_inline_refusal() or "")


def test_verbose_says_once_which_markdown_step_converts_the_bodies(
        monkeypatch: pytest.MonkeyPatch, fresh_guard: None, minimal_site: Path) -> None:
    quick = run_cli("check", "--source", minimal_site, "--verbose")
    assert quick.out.count("Markdown: ") == 1 and "with the quick inline step" in quick.out
    quick_inline_refusal.cache_clear()
    monkeypatch.setattr(markdown, "__version__", "4.0")
    stock = run_cli("build", "--source", minimal_site, "--verbose")
    assert stock.code == 0
    assert stock.out.count("Markdown: ") == 1
    assert "Markdown: stock Python-Markdown (the same HTML, slower): Python-Markdown 4.0 is outside" in stock.out
