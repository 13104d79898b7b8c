"""Bodies are converted by Python-Markdown: the quicker inline step gives exactly its HTML, for any text."""

from __future__ import annotations

from pathlib import Path

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.render.markup import make_markdown

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
    converter = make_markdown()
    convert(converter, "正文")
    assert None not in converter.treeprocessors["inline"]._needs
