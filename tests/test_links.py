"""Editors link to the files they see; the build publishes page URLs and `check` finds dead targets."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_files

FRONT = "---\ntitle: 链接测试\ndate: 2021-07-01\n---\n"


def build_page(site: Path, body: str) -> str:
    write_files(site, {"content/town/links.md": FRONT + body, "static/images/photo.png": b"\x89PNG\r\n\x1a\n"})
    run = run_cli("build", "--source", site)
    assert run.code == 0, run.err
    return (site / "output/units/town/links/index.html").read_text(encoding="utf-8")


def test_link_to_another_bulletin_file_becomes_its_page_url(minimal_site: Path) -> None:
    page = build_page(minimal_site, "见[一季度简报](report-q1.md)。\n")
    assert '<a href="/news/units/town/report-q1/"' in page


def test_link_to_a_unit_file_becomes_the_unit_page(minimal_site: Path) -> None:
    page = build_page(minimal_site, "见[本单位](../../data/units/town.yaml#figures)。\n")
    assert '<a href="/news/units/town/#figures"' in page


def test_image_under_static_is_published_under_the_base_path(minimal_site: Path) -> None:
    page = build_page(minimal_site, "![现场照片](../../static/images/photo.png)\n\n![同一张](/images/photo.png)\n")
    assert page.count('src="/news/images/photo.png"') == 2
    assert (minimal_site / "output/images/photo.png").is_file()


def test_external_links_and_fragments_are_left_alone(minimal_site: Path) -> None:
    page = build_page(minimal_site, "[外部](https://www.gov.cn/) [本页](#top)\n")
    assert 'href="https://www.gov.cn/"' in page and 'href="#top"' in page


def test_dead_link_and_missing_image_are_errors_at_their_position(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/links.md": FRONT + "正文。\n\n见[旧简报](report-q2.md)，另见\n![图](/static/images/none.png)\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert run.lines == [
        'content/town/links.md:7:8: error: link target "report-q2.md" does not exist (it would be content/town/report-q2.md)',
        'content/town/links.md:8:6: error: link target "/static/images/none.png" does not exist under static/',
    ]


def test_link_to_a_draft_is_an_error_unless_drafts_are_published(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "content/town/draft.md": "---\ntitle: 草稿\ndate: 2021-07-02\ndraft: true\n---\n草稿\n",
        "content/town/links.md": FRONT + "见[草稿](draft.md)\n",
    })
    assert run_cli("check", "--source", minimal_site).lines == [
        'content/town/links.md:5:7: error: link target "draft.md" is a draft, which this build does not publish',
    ]
    assert run_cli("check", "--source", minimal_site, "--drafts").code == 0
