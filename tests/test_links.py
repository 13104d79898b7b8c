"""Editors link to the files they see; the build publishes page URLs and `check` finds dead targets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


ADDRESSES = [  # every form of link an editor copies, to the same bulletin (the site's base_url is https://example.org/news/)
    "report-q1.md", "../town/report-q1.md", "content/town/report-q1.md", "/content/town/report-q1.md",
    "..\\town\\report-q1.md", "/news/units/town/report-q1/", "/units/town/report-q1/", "/news/units/town/report-q1",
    "/news/units/town/report-q1/index.html", "https://example.org/news/units/town/report-q1/",
    "http://example.org/news/units/town/report-q1/", "http://127.0.0.1:8000/news/units/town/report-q1/",
    "http://localhost:8001/news/units/town/report-q1/", "http://127.0.0.1:8000/units/town/report-q1/",
]


def test_every_form_of_a_link_an_editor_copies_becomes_the_pages_address(minimal_site: Path) -> None:
    body = "".join(f"[甲{n}]({address}#part)\n\n" for n, address in enumerate(ADDRESSES)) + "[乙][ref]\n\n[ref]: /units/town/\n"
    page = build_page(minimal_site, body)
    assert re.findall(r'<a href="([^"]*)"[^>]*>甲', page) == ["/news/units/town/report-q1/#part"] * len(ADDRESSES)
    assert re.findall(r'<a href="([^"]*)"[^>]*>乙', page) == ["/news/units/town/"]


@pytest.mark.parametrize("address, page", [
    ("/data/units/town.yaml", "/news/units/town/"), ("https://example.org/news/", "/news/"),
    ("/news/stats/", "/news/stats/"), ("/units/", "/news/units/"), ("/bulletins/2021/06/", "/news/bulletins/2021/06/"),
    ("/news/feed.xml", "/news/feed.xml"), ("/units/town/feed.xml", "/news/units/town/feed.xml"),
    ("http://127.0.0.1:8000/news/images/photo.png", "/news/images/photo.png"),
    ("../../static/images/photo.png", "/news/images/photo.png"),
])
def test_the_sites_own_pages_and_files_are_linked_by_any_of_their_addresses(minimal_site: Path, address: str,
                                                                           page: str) -> None:
    assert re.findall(r'<a href="([^"]*)"[^>]*>甲', build_page(minimal_site, f"[甲]({address})\n")) == [page]


def test_links_elsewhere_and_page_relative_links_that_work_are_left_as_written(minimal_site: Path) -> None:
    page = build_page(minimal_site, "[甲](https://example.org/other/) [乙](../report-q1/) [丙](mailto:a@b.cn)\n")
    assert all(f'href="{href}"' in page for href in ("https://example.org/other/", "../report-q1/", "mailto:a@b.cn"))


def test_a_link_to_a_page_that_does_not_exist_is_an_error_at_its_position(minimal_site: Path) -> None:
    body = ("[甲](/news/units/nobody/) [乙](https://example.org/news/units/town/q9/)\n"
            "[丙](http://127.0.0.1:8000/news/nothing/) [丁](../q9/)\n\n[ref]: /units/town/q9/\n")
    write_files(minimal_site, {"content/town/links.md": FRONT + body})
    assert run_cli("check", "--source", minimal_site).lines == [
        'content/town/links.md:5:5: error: link target "/news/units/nobody/" is no page or file of this site '
        "(it would be /news/units/nobody/)",
        'content/town/links.md:5:30: error: link target "https://example.org/news/units/town/q9/" is no page or file '
        "of this site (it would be /news/units/town/q9/)",
        'content/town/links.md:6:5: error: link target "http://127.0.0.1:8000/news/nothing/" is no page or file of '
        "this site (it would be /news/nothing/)",
        'content/town/links.md:6:46: error: link target "../q9/" is no page or file of this site '
        "(it would be /news/units/town/q9/)",
        'content/town/links.md:8:8: error: link target "/units/town/q9/" is no page or file of this site '
        "(it would be /news/units/town/q9/)",
    ]


def test_links_into_the_traditional_mirror_are_checked_too(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范\nbase_url: https://example.org/news/\nsearch: false\n"
                                                 "variants: [zh-Hant]\n"})
    page = build_page(minimal_site, "[甲](/news/zh-hant/units/town/report-q1/)\n")
    assert re.findall(r'<a href="([^"]*)"[^>]*>甲', page) == ["/news/zh-hant/units/town/report-q1/"]
