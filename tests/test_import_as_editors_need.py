"""Imports leave nothing to retype: drafts, --title/--date/--source, no CMS furniture, Word, WPS and PDF files."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bulletin.importer import office
from conftest import REPO, run_cli, write_files

SEEDS = {p.name[:3]: p for p in sorted((Path(__file__).parent / "import_cases").glob("0*.txt"))}
# The example site's bulletin of each seed: unit, date, and the title where the seed has none.
EXAMPLE = {"000": ("zhuzhou-gaoke", "2021-11-30", "高科集团扎实推进党史学习教育"),
           "001": ("tianjin-eco-city", "2021-03-19", "中新天津生态城深入开展党史学习教育“六进”活动"),
           "002": ("yunxi", "2021-06-04", None), "003": ("jilin-gaoxin", "2021-08-31", None),
           "004": ("guizhou-gongxin", "2021-04-30", "贵州省工业和信息化厅多形式多渠道深入开展党史学习教育")}
FURNITURE = ("浏览", "点击", "字体", "字号", "打印", "关闭", "分享", "责任编辑", "【", "】")
CMS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_某某区人民政府门户网站</title></head><body>
<div class="top">网站首页 | 政务公开 | 新闻中心 | 办事服务</div><div class="position">当前位置：首页 &gt; 工作动态</div>
<div class="article"><h1>{title}</h1><div class="info">{info}</div>
<div class="content">{paragraphs}</div>
<div class="editor">责任编辑：张三</div><div class="share">分享到：微信 微博 QQ空间</div><div>【打印本页】【关闭窗口】</div>
</div><div class="foot">主办单位：某某区人民政府 技术支持：某某公司</div></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The example site's settings and metrics, and its units without their reports: the target of the imports."""
    root = tmp_path / "site"
    for name in ("site.yaml", "metrics.yaml"):
        write_files(root, {f"data/{name}": (REPO / "data" / name).read_text("utf-8")})
    for unit in REPO.glob("data/units/*.yaml"):
        name = re.search(r"^name: .*$", unit.read_text("utf-8"), re.M).group(0)  # type: ignore[union-attr]
        write_files(root, {f"data/units/{unit.name}": name + "\n"})
    return root


def cms_page(path: Path, title: str, text: str, info: str) -> Path:
    paragraphs = "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    path.write_text(CMS_PAGE.format(title=html.escape(title), info=info, paragraphs=paragraphs), "utf-8")
    return path


def word_file(path: Path, title: str | None, text: str) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    if title:
        document.add_paragraph(title, style="Title")
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(str(path))
    return path


def imported(run) -> dict:  # type: ignore[no-untyped-def]
    assert run.code == 0, run.err
    return json.loads(run.out)


@pytest.mark.parametrize("info, source, author", [
    ("发布时间：2021-06-04 来源：某某区委宣传部 作者：邓志强 易松 浏览次数：1024 【字体：大 中 小】【打印】【关闭】",
     "某某区委宣传部", "邓志强 易松"),
    ("发布时间：2021-06-04 <span>作者：</span><span>浏览次数：1024</span><span>【字体：大 中 小】</span>"
     "<span>【打印】【关闭】</span>", None, None),
    ("发布时间：2021-06-04 来源：某某区委宣传部 作者：邓志强 浏览次数：<span>1024</span>次 字体：大 中 小 打印 关闭",
     "某某区委宣传部", "邓志强"),
    ("发布时间：2021-06-04 作者：邓志强 | 来源：某某区委宣传部 | 阅读量：88 | 分享到：微信 微博", "某某区委宣传部", "邓志强"),
    ("【发布时间：2021-06-04】【作者：邓志强】【来源：某某区委宣传部】【浏览次数：1024】【打印本页】【关闭窗口】",
     "某某区委宣传部", "邓志强"),
    ("责任编辑：李四 发布时间：2021-06-04 来源：某某区委宣传部", "某某区委宣传部", None),
])
def test_cms_furniture_never_lands_in_a_field_or_the_body(tmp_path: Path, info: str, source: str | None,
                                                          author: str | None) -> None:
    page = cms_page(tmp_path / "a.html", "传承红色基因 凝聚奋进力量", "全区党员干部深入学习党史。总阅读量140万次。", info)
    data = imported(run_cli("import", page, "--json"))
    assert (data["title"], data["date"], data["source"], data["author"]) == (
        "传承红色基因 凝聚奋进力量", "2021-06-04", source, author)
    assert data["body"] == "全区党员干部深入学习党史。总阅读量140万次。\n"


def test_an_editor_line_above_the_article_does_not_cut_it(tmp_path: Path) -> None:
    text = "标题\n责任编辑：李四\n分享到：微信\n正文第一段。\n正文第二段。\n责任编辑：张三\n相关链接\n"
    path = tmp_path / "a.txt"
    path.write_text(text, "utf-8")
    assert imported(run_cli("import", path, "--json"))["body"] == "正文第一段。\n\n正文第二段。\n"


def test_title_date_and_source_on_the_command_line_take_the_place_of_what_the_text_says(site: Path,
                                                                                      tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("全区党员干部深入学习党史，开展专题学习60余次。\n", "utf-8")
    refused = run_cli("import", path, "--source", site, "--unit", "yunxi")
    assert refused.code == 1 and refused.lines == [
        f"{path}:1:1: error: no title and no date found; add a short first line as its title and a line such as "
        "发布时间：2021-06-04, or give them: --title TITLE --date 2021-06-04"]
    done = run_cli("import", path, "--source", site, "--unit", "yunxi", "--title", "专题学习综述", "--date", "2021-06-04")
    assert done.code == 0, done.err
    (written,) = (site / "content/yunxi").glob("*.md")
    assert written.read_text("utf-8").startswith('---\ntitle: "专题学习综述"\ndate: 2021-06-04\n')
    data = imported(run_cli("import", path, "--json", "--source", "云溪区委宣传部", "--date", "2021-06-05"))
    assert (data["source"], data["date"]) == ("云溪区委宣传部", "2021-06-05")
    with pytest.raises(SystemExit) as usage:
        run_cli("import", path, "--json", "--date", "2021-6-31")
    assert usage.value.code == 2


def test_the_source_option_names_the_site_root_when_it_is_a_folder(site: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("专题学习综述\n发布时间：2021-06-04\n全区党员干部深入学习党史。\n", "utf-8")
    assert run_cli("import", path, "--source", site, "--unit", "yunxi").code == 0
    monkeypatch.chdir(site)
    assert run_cli("import", path, "--source", "云溪区委宣传部", "--unit", "yunxi", "--force").code == 0
    (written,) = (site / "content/yunxi").glob("*.md")
    assert 'source: "云溪区委宣传部"' in written.read_text("utf-8")


def test_an_import_is_a_draft_and_never_overwrites_without_force(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("专题学习综述\n发布时间：2021-06-04\n全区党员干部深入学习党史。\n", "utf-8")
    assert run_cli("import", path, "--source", site, "--unit", "yunxi").code == 0
    (written,) = (site / "content/yunxi").glob("*.md")
    edited = written.read_text("utf-8") + "编辑补充的一段。\n"
    written.write_text(edited, "utf-8")
    again = run_cli("import", path, "--source", site, "--unit", "yunxi")
    assert again.code == 1 and written.read_text("utf-8") == edited
    assert again.lines[0] == (f"content/yunxi/{written.name}:1:1: error: the bulletin already exists; "
                              "pass --force to overwrite it")
    assert run_cli("check", "--source", site).out == "ok: 5 units, 0 bulletins, no errors\n"
    assert run_cli("check", "--source", site, "--drafts").out == "ok: 5 units, 1 bulletins, no errors\n"


@pytest.mark.parametrize("form", ["docx", "cms"])
def test_the_five_seeds_import_as_drafts_that_build(site: Path, tmp_path: Path, form: str) -> None:
    for number, (unit, date, title) in EXAMPLE.items():
        text = SEEDS[number].read_text("utf-8")
        if form == "docx":
            path = word_file(tmp_path / f"{number}.docx", title, text)
        else:
            first, rest = (title, text) if title else text.split("\n", 1)
            path = cms_page(tmp_path / f"{number}.html", first.strip(), rest,
                            f"发布时间：{date} 浏览次数：1024 【字体：大 中 小】【打印】【关闭】")
        run = run_cli("import", path, "--source", site, "--unit", unit, "--date", date, "--to-simplified")
        assert run.code == 0, run.err
    written = sorted(site.glob("content/*/*.md"))
    assert len(written) == 5 and all("\ndraft: true" in p.read_text("utf-8") for p in written)
    assert not any(word in p.read_text("utf-8").split("---")[1] for p in written for word in FURNITURE)
    assert run_cli("build", "--source", site).code == 0
    assert list((site / "output/units").glob("*/2021-*")) == []  # drafts are not published ...
    drafts = run_cli("build", "--source", site, "--drafts", "--output", tmp_path / "preview")
    assert drafts.code == 0 and len(list((tmp_path / "preview/units").glob("*/2021-*/index.html"))) == 5


def test_a_word_97_wps_or_pdf_file_needs_libreoffice_which_is_said_in_one_line(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "soffice", lambda: None)
    path = tmp_path / "简报.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    run = run_cli("import", path, "--json")
    assert run.code == 1 and run.err == (
        f'{path}:1:1: error: cannot read a ".wps" file without LibreOffice: open it in Word or WPS, save it as .docx '
        "(文件 → 另存为 → Word 文档 .docx), and import that\n")


def _has_writer() -> bool:
    """LibreOffice with its Writer, which converts word-processor files (a Calc-only install has no libswlo)."""
    command = office.soffice()
    if command is None:
        return False
    program = Path(os.path.realpath(command)).parent
    return os.name == "nt" or any(program.glob("libswlo.*")) or any(program.glob("swriter*"))


needs_libreoffice = pytest.mark.skipif(not _has_writer(), reason="needs LibreOffice Writer (soffice)")


@needs_libreoffice
@pytest.mark.parametrize("kind", ["doc", "pdf"])
def test_a_word_97_or_pdf_file_is_converted_with_libreoffice(tmp_path: Path, kind: str) -> None:
    source = word_file(tmp_path / "s.docx", "吉林高新区扎实开展党史学习教育综述", SEEDS["003"].read_text("utf-8"))
    subprocess.run([office.soffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", kind, "--outdir", str(tmp_path / "made"), str(source)], check=True,
                   capture_output=True, timeout=180)
    converted = tmp_path / f"简报.{kind}"
    shutil.move(tmp_path / "made" / f"s.{kind}", converted)
    data = imported(run_cli("import", converted, "--json"))
    assert data["title"] == "吉林高新区扎实开展党史学习教育综述" and data["author"] == "吉林高新区党工委办公室 张新卓"
    assert "## “三化结合”抓推进" in data["body"]
    assert "合同引资额166.3亿元" in data["body"] and "总阅读量140万次" in data["body"]
