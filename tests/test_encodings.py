"""Files from any editor: UTF-8 with or without BOM, CRLF or CR line ends, GB18030 read with a warning."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_files

BULLETIN = "---\ntitle: 编码测试\ndate: 2021-07-01\n---\n第一段正文，参与群众300人次。\n\n## 二、下一步\n\n继续推进。\n"


def page(site: Path) -> str:
    """The bulletin's page, without the <wbr> between the phrases of its headings."""
    return (site / "output/units/town/encoding/index.html").read_text(encoding="utf-8").replace("<wbr>", "")


def test_utf8_with_bom_and_crlf_line_ends_builds(minimal_site: Path) -> None:
    data = "\ufeff" + BULLETIN.replace("\n", "\r\n")
    write_files(minimal_site, {"content/town/encoding.md": data.encode("utf-8")})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 0 and run.lines == []
    assert "<h1>编码测试</h1>" in page(minimal_site) and "<h2>二、下一步</h2>" in page(minimal_site)


def test_old_mac_cr_line_ends_build(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/encoding.md": BULLETIN.replace("\n", "\r").encode("utf-8")})
    assert run_cli("build", "--source", minimal_site).code == 0
    assert "<h2>二、下一步</h2>" in page(minimal_site)


def test_crlf_file_errors_point_at_the_right_line(minimal_site: Path) -> None:
    text = "name: 示范街道办事处\r\nreports:\r\n  - date: 2021-06-30\r\n    metrics:\r\n      participants: 数百\r\n"
    write_files(minimal_site, {"data/units/town.yaml": text.encode("utf-8")})
    lines = run_cli("check", "--source", minimal_site).lines
    assert lines[0].startswith('data/units/town.yaml:5:21: error: cannot read "数百"')


def test_gb18030_file_is_read_correctly_with_a_warning_at_its_first_non_utf8_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/encoding.md": BULLETIN.encode("gb18030")})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 0
    assert run.lines == ["content/town/encoding.md:2:1: warning: file is encoded in GB18030/GBK, not UTF-8; "
                         "it was read as GB18030, but please save it as UTF-8 (e.g. in Notepad: 另存为, 编码 UTF-8)"]
    assert "第一段正文，参与群众300人次。" in page(minimal_site)


def test_a_file_in_no_known_encoding_is_refused_saying_how_to_fix_it(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/encoding.md": b"---\ntitle: x\ndate: 2021-07-01\n---\n\xff\xfe\xfa\x80\x81\n"})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 1
    assert len(run.lines) == 1 and run.lines[0].startswith("content/town/encoding.md:")
    assert "save it as UTF-8 in your editor" in run.lines[0]
