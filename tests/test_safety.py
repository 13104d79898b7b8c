"""Hostile or broken sources never run a script in a reader's browser, leak a file, or break the build."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from conftest import output_files, run_cli, write_files

from bulletin.incremental.bodies import BodyCache
from bulletin.load.read import MAX_SOURCE_BYTES
from bulletin.output.staging import Staging
from bulletin.pipeline.build import BuildOptions, load
from bulletin.render.markup import make_markdown, render_markdown
from bulletin.render.sanitize import sanitize_html

ATOM = "{http://www.w3.org/2005/Atom}"
DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "frame", "frameset", "applet", "form", "base",
                  "svg", "math", "input", "button", "textarea", "select", "noscript", "template", "portal"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "data", "poster", "background", "xlink:href",
                  "srcset", "ping", "longdesc", "usemap", "codebase"}
IMAGE_DATA = re.compile(r"data:image/(png|gif|jpeg|webp);base64,", re.IGNORECASE)


class _Dangers(HTMLParser):
    """Collects whatever in an HTML text could run a script or load a foreign frame."""

    def __init__(self, theme: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.theme = theme
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.theme and tag in ("script", "svg"):
            self.in_script = tag == "script"  # the theme's own scripts and charts; checked for injected text below
        elif self.theme and tag in ("form", "input", "button"):
            pass  # the theme's search box; its action and attributes are checked below like any other
        elif tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value:
                compact = re.sub(r"[\x00-\x20\x7f-\x9f\s]+", "", value).lower()
                if compact.startswith(("javascript:", "vbscript:", "livescript:")):
                    self.found.append(f"<{tag} {name}={value!r}>")
                if compact.startswith("data:") and not (tag == "img" and name == "src" and IMAGE_DATA.match(compact)):
                    self.found.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and re.search(r"XSS|alert\(", data):
            self.found.append(f"script text {data[:40]!r}")


def dangers(text: str, theme: bool = False) -> list[str]:
    """What in an HTML text could run a script: tags, handlers, script URLs; [] when harmless.

    With ``theme``, a whole page: the theme's own <script> and <svg> elements are allowed, but not
    an injected script text, handler or URL in them.
    """
    parser = _Dangers(theme)
    parser.feed(text)
    parser.close()
    return parser.found


def render(text: str) -> str:
    return render_markdown(make_markdown(), text)


# -- 1. raw HTML in Markdown is sanitised ---------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnError=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<style>body{display:none}</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"VBScript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<a href=\"da&#x09;ta:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<q cite=\"javascript:alert(1)\">x</q>",
    "<blockquote cite=\"vbscript:x\">x</blockquote>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"https://evil.example/\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--<script>alert(1)</script>-->",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x]: javascript:alert(1)\n\n[y][x]",
    "<javascript:alert(1)>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_raw_html_in_a_body_is_sanitised(attack: str) -> None:
    out = render(f"正文 {attack} 正文\n\n{attack}\n")
    assert dangers(out) == [], out
    assert "<script" not in out.lower()


def test_word_tables_line_breaks_and_image_data_survive_sanitising() -> None:
    out = render('<table><tr><td colspan="2" onclick="x">甲</td></tr></table>\n\n第一行<br>第二行 '
                 '<img src="data:image/png;base64,iVBORw0KGgo=" alt="图"> [链接](https://example.org/a?b=1&c=2)')
    assert '<td colspan="2">甲</td>' in out
    assert "<br>" in out
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out
    assert 'href="https://example.org/a?b=1&amp;c=2"' in out


def test_sanitiser_keeps_relative_and_mailto_links() -> None:
    out = sanitize_html('<a href="../other/">a</a><a href="mailto:a@example.org">b</a><a href="/x:y">c</a>')
    assert 'href="../other/"' in out and 'href="mailto:a@example.org"' in out and 'href="/x:y"' in out


# -- 1. front matter and YAML values are escaped everywhere ---------------------------------

PAYLOAD = "甲<script>alert('XSS')</script>\"'><img src=x onerror=alert(1)>&amp;"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture
def hostile_site(minimal_site: Path) -> Path:
    q = _quoted(PAYLOAD)
    write_files(minimal_site, {
        "data/site.yaml": f"title: {q}\nbase_url: https://example.org/news/\ndescription: {q}\n",
        "data/metrics.yaml": f"participants:\n  label: {q}\n  unit: {_quoted('人次<b>')}\n"
                             f"matters_listed:\n  label: {q}\n  unit: 项\n"
                             f"matters_done:\n  label: {q}\n  unit: 项\n  part_of: matters_listed\n"
                             f"lectures:\n  label: {q}\n  unit: 场次\n  kind: period\n",
        "data/units/town.yaml": f"name: {q}\nshort_name: {q}\nregion: {q}\ncategory: {q}\n"
                                "reports:\n  - date: 2021-06-30\n    metrics:\n      participants: 800余\n"
                                "      matters_listed: 20\n      matters_done: 10\n      lectures: 3\n",
        "content/town/report-q1.md": f"---\ntitle: {q}\ndate: 2021-03-31\nsummary: {q}\nsource: {q}\n"
                                     f"author: {q}\ntags: [{q}]\n---\n{PAYLOAD}\n\n第二段<br>换行 &nbsp; R&D\n",
        "content/pages/about.md": f"---\ntitle: {q}\nsummary: {q}\n---\n{PAYLOAD}\n",
    })
    return minimal_site


def test_front_matter_and_yaml_values_are_escaped_in_every_output_file(hostile_site: Path) -> None:
    run = run_cli("build", "--source", hostile_site, "--quiet")
    assert run.code == 0, run.err
    files = output_files(hostile_site / "output")
    checked = 0
    for rel, data in files.items():
        if rel.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(data))
            cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
            assert PAYLOAD in [cell.value for cell in cells] and all(cell.data_type != "f" for cell in cells)
            continue
        text = data.decode("utf-8")
        if rel.endswith(".html"):
            assert dangers(text, theme=True) == [], rel
            checked += 1
        elif rel.endswith(".xml"):
            root = ET.fromstring(data)  # well-formed, whatever the values and bodies hold
            for element in root.iter():
                if element.text and element.get("type") == "html":
                    assert dangers(element.text) == [], rel  # the HTML a feed reader will show
            checked += 1
        elif rel.endswith(".json"):
            json.loads(text)
    assert checked >= 8
    page = files["units/town/report-q1/index.html"].decode("utf-8")
    assert "&lt;script&gt;alert(" in page  # shown as text, not dropped
    feed = ET.fromstring(files["feed.xml"])
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert PAYLOAD in titles


@pytest.mark.parametrize("base_url", ['https://example.org/n"><script>alert(1)</script>/',
                                      "https://example.org/n'onmouseover='alert(1)'/"])
def test_a_hostile_base_url_is_escaped_too(minimal_site: Path, base_url: str) -> None:
    write_files(minimal_site, {"data/site.yaml": f"title: 站\nbase_url: {_quoted(base_url)}\n"})
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    for rel, data in output_files(minimal_site / "output").items():
        if rel.endswith(".html"):
            assert dangers(data.decode("utf-8"), theme=True) == [], rel
        elif rel.endswith(".xml"):
            ET.fromstring(data)


def test_json_embedded_in_pages_cannot_close_its_script_element(hostile_site: Path) -> None:
    assert run_cli("build", "--source", hostile_site, "--quiet").code == 0
    for rel, data in output_files(hostile_site / "output").items():
        if rel.endswith(".html"):
            for block in re.findall(r"<script[^>]*>(.*?)</script>", data.decode("utf-8"), re.DOTALL | re.IGNORECASE):
                assert "<!--" not in block and "<script" not in block.lower(), rel


def test_feed_carries_bodies_as_escaped_html_and_stays_well_formed(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md": "---\ntitle: T\ndate: 2021-03-31\n---\n"
                                                          "第一行<br>第二行 &nbsp; R&D <img src=\"https://example.org/a.png\">\n"})
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    feed = ET.parse(minimal_site / "output" / "feed.xml").getroot()
    contents = [e.findtext(f"{ATOM}content") for e in feed.iter(f"{ATOM}entry")]
    assert any("<br>" in c and "<img" in c for c in contents)


def test_control_characters_in_sources_never_reach_the_output(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md":
                               "---\ntitle: 标题\x0b一\ndate: 2021-03-31\n---\n正文\x00\x01\x0c\x1b[31m\x7f\x85\ufffe完\n"})
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 0, run.err
    assert run.lines == ["content/town/report-q1.md:2:10: warning: invisible control character U+000B and 7 more "
                         "removed; they are not text"]
    for rel, data in output_files(minimal_site / "output").items():
        if rel.endswith(".xlsx"):  # a zip: its XML parts are the text
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf\xbe", data), rel
    ET.parse(minimal_site / "output" / "feed.xml")
    assert "标题一" in (minimal_site / "output/units/town/report-q1/index.html").read_text(encoding="utf-8")


def test_control_characters_written_as_yaml_escapes_are_errors(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md": '---\ntitle: "标\\x01题"\ndate: 2021-03-31\n---\nx\n',
                               "data/units/town.yaml": 'name: "镇\\0"\n'})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == [
        'content/town/report-q1.md:2:8: error: text has an invisible control character (U+0001, written as an escape '
        'such as \\x01); remove it',
        'data/units/town.yaml:1:7: error: text has an invisible control character (U+0000, written as an escape '
        'such as \\x01); remove it',
    ]


def test_a_utf16_file_is_refused_with_a_clear_error(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/report-q1.md": "---\ntitle: 标题\ndate: 2021-03-31\n---\nx\n"
                               .encode("utf-16")})
    run = run_cli("check", "--source", minimal_site)
    assert run.lines == ["content/town/report-q1.md:1:1: error: file is UTF-16 text or binary, not UTF-8 text; "
                         "save it as UTF-8 in your editor"]


# -- 2. paths: nothing outside the site is read, nothing outside the output is written ------

def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry below ``folder`` (links as their target, files as their bytes), for before/after checks."""
    entries: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            entries[rel] = ("-> " + os.readlink(path)) if path.is_symlink() else \
                path.read_bytes() if path.is_file() else "dir"
    return entries


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "secret"
    write_files(folder, {"password.txt": "TOPSECRET", "leak.md": "---\ntitle: TOPSECRET\ndate: 2021-03-31\n---\n"
                                                                 "TOPSECRET\n", "leak.yaml": "name: TOPSECRET\n",
                         "base.html": "TOPSECRET"})
    return folder


def test_links_out_of_the_site_root_are_not_followed(minimal_site: Path, secret: Path) -> None:
    for rel, target in {"static/password.txt": "password.txt", "static/folder": "", "content/town/leak.md": "leak.md",
                        "data/units/leak.yaml": "leak.yaml", "templates": ""}.items():
        (minimal_site / rel).parent.mkdir(parents=True, exist_ok=True)
        (minimal_site / rel).symlink_to(secret / target)
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 0, run.err
    assert run.lines == [f"{rel}:1:1: warning: symbolic link points outside the site folder; it is ignored"
                         for rel in ("content/town/leak.md", "data/units/leak.yaml", "static/folder",
                                     "static/password.txt", "templates")]
    for rel, data in output_files(minimal_site / "output").items():
        assert b"TOPSECRET" not in data, rel


def test_links_inside_the_site_root_are_followed(minimal_site: Path) -> None:
    write_files(minimal_site, {"shared/logo.png": b"\x89PNG", "static/.keep": ""})
    (minimal_site / "static/images").symlink_to(minimal_site / "shared")
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    assert (minimal_site / "output/images/logo.png").read_bytes() == b"\x89PNG"


def test_a_symlink_loop_is_read_once_with_a_warning(minimal_site: Path) -> None:
    write_files(minimal_site, {"static/a/file.txt": "x"})
    (minimal_site / "static/a/again").symlink_to(minimal_site / "static")
    (minimal_site / "static/a/self").symlink_to("self")
    (minimal_site / "content/town/up").symlink_to("..")
    started = time.perf_counter()
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert time.perf_counter() - started < 10
    assert run.code == 0, run.err
    assert run.lines == [
        "content/town/up:1:1: warning: symbolic link leads to a folder that is read already (or a loop); it is ignored",
        "static/a/again:1:1: warning: symbolic link leads to a folder that is read already (or a loop); it is ignored",
        "static/a/self:1:1: warning: symbolic link is broken or loops; it is ignored",
    ]
    assert sorted(p.relative_to(minimal_site / "output").as_posix()
                  for p in (minimal_site / "output").rglob("file.txt")) == ["a/file.txt"]


def test_unpublishable_file_names_are_errors_not_crashes(minimal_site: Path) -> None:
    write_files(minimal_site, {"static/back\\slash.txt": "x", "static/esc\x1b[31m.txt": "x"})
    (minimal_site / "static" / os.fsdecode(b"\xff.txt")).write_text("x")
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 1
    message = "file name has a control character, a backslash or bytes that are not UTF-8; rename it"
    assert run.lines == [f"static/{name}:1:1: error: {message}"
                         for name in ("\\xff.txt", "back\\\\slash.txt", "esc\\u001b[31m.txt")]


def test_odd_names_stay_inside_the_output_folder(minimal_site: Path) -> None:
    names = ["a..b", "CON", "名 字", "%2e%2e", "a%2fb", "~x", "index.html", "feed.xml", " lead", "trail ", "..x"]
    for i, name in enumerate(names):
        write_files(minimal_site, {f"content/town/{name}.md": f"---\ntitle: T{i}\ndate: 2021-03-{i + 1:02}\n---\nx\n",
                                   f"static/odd/{name}/x.txt": "x", f"static/odd/{name}.txt": "x"})
    before = tree(minimal_site.parent)
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 0, run.err
    after = tree(minimal_site.parent)
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    assert "site/output/units/town/a-b/index.html" in changed
    # the output and the content cache (.cache/bulletin/, never published) are all a build writes
    assert all(rel.startswith(("site/output/", "site/.cache")) or rel == "site/output" for rel in changed), changed


@pytest.mark.parametrize("planted, used", [
    ("<p>一季度</p><script>alert('XSS')</script><img src=x onerror=alert(1)>", False),
    ('<p>一季度</p><p><a href="javascript:alert(1)">看</a></p>', False),
    ("<p>一季度</p>", True),  # what the sanitiser leaves as it is
])
def test_a_cache_file_planted_in_the_repository_is_used_only_if_the_sanitiser_leaves_it_as_it_is(
        minimal_site: Path, planted: str, used: bool) -> None:
    loaded = load(BuildOptions(minimal_site, minimal_site / "output"))
    bulletin = next(b for b in loaded.site.bulletins if b.slug == "report-q1")  # type: ignore[union-attr]
    cache = BodyCache.for_site(minimal_site)
    cache.put(cache.key(bulletin), planted)
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    page = (minimal_site / "output/units/town/report-q1/index.html").read_text(encoding="utf-8")
    assert ("参与群众300人次" not in page) is used  # else converted again from its Markdown
    assert dangers(page, theme=True) == []


@pytest.mark.parametrize("name", ["-", "_", "__", "!", "。", "--"])
def test_a_file_name_without_letters_or_digits_is_an_error(minimal_site: Path, name: str) -> None:
    write_files(minimal_site, {f"content/town/{name}.md": "---\ntitle: T\ndate: 2021-03-01\n---\nx\n",
                               f"content/pages/{name}.md": "---\ntitle: T\n---\nx\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert run.lines == [f"content/{folder}/{name}.md:1:1: error: the file name gives no usable page name; "
                         "rename it with letters or digits" for folder in ("pages", "town")]


@pytest.mark.parametrize("where", ["", "content", "data", "templates", "static", "..", "content/out",
                                   "data/units/out", "static/output"])
def test_output_over_the_sources_is_refused_before_anything_is_touched(minimal_site: Path, where: str) -> None:
    write_files(minimal_site, {"templates/extra.html": "x", "static/a.txt": "x"})
    output = (minimal_site / where) if where else minimal_site
    before = tree(minimal_site.parent)
    run = run_cli("build", "--source", minimal_site, "--output", output)
    assert run.code == 2
    assert run.err.startswith("bulletin: error: the output folder") and "choose another --output" in run.err
    assert tree(minimal_site.parent) == before


def test_output_folder_of_other_files_or_a_file_is_refused(minimal_site: Path, tmp_path: Path) -> None:
    documents = write_files(tmp_path / "documents", {"thesis.docx": b"PK", ".hidden": "x"})
    before = tree(documents)
    run = run_cli("build", "--source", minimal_site, "--output", documents)
    assert run.code == 2 and "holds files that bulletin did not build" in run.err
    assert tree(documents) == before
    file = write_files(tmp_path, {"notes.txt": "x"}) / "notes.txt"
    run = run_cli("build", "--source", minimal_site, "--output", file)
    assert run.code == 2 and "is a file, not a folder" in run.err
    assert file.read_text() == "x"


def test_output_through_a_link_is_built_where_the_link_points(minimal_site: Path, tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "www")
    assert run_cli("build", "--source", minimal_site, "--output", tmp_path / "link", "--quiet").code == 0
    assert (tmp_path / "link").is_symlink() and (tmp_path / "www/index.html").is_file()


def test_static_file_where_a_generated_folder_goes_is_an_error(minimal_site: Path) -> None:
    write_files(minimal_site, {"static/units": "x", "static/index.html/a.txt": "x", "static/404.html": "x"})
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 1
    assert run.lines == [
        "static/404.html:1:1: error: static file would replace the generated page 404.html; rename it",
        "static/index.html/a.txt:1:1: error: static file would replace the generated file index.html; rename it",
        "static/units:1:1: error: static file would replace the generated folder units/; rename it",
    ]


def test_a_static_file_where_the_statistics_go_is_an_error(minimal_site: Path) -> None:
    write_files(minimal_site, {"static/stats.json": "{}", "static/stats.csv": "x", "static/stats.xlsx": "x"})
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 1
    assert run.lines == [f"static/stats.{kind}:1:1: error: static file would replace the generated page stats.{kind}; "
                         "rename it" for kind in ("csv", "json", "xlsx")]


# -- 6. size: huge sources fail fast with one clear line; big static files stream ------------

def _huge_bulletin() -> str:
    paragraph = "上半年，示范街道累计组织宣讲5场次，**800余**人次参与。[链接](https://example.org/)\n\n"
    return f"---\ntitle: 大\ndate: 2021-07-01\n---\n{paragraph * (10 * 1024 * 1024 // len(paragraph.encode()))}"


def _unit_with_100000_reports() -> str:
    return "name: 大单位\nreports:\n" + "".join(
        f"  - date: {1800 + i // 365}-{i % 12 + 1:02}-{i % 28 + 1:02}\n    metrics:\n"
        f"      participants: {i}余\n      lectures: {i % 7}\n" for i in range(100_000))


@pytest.mark.parametrize(("path", "make"), [("content/town/huge.md", _huge_bulletin),
                                            ("data/units/town.yaml", _unit_with_100000_reports)],
                         ids=["a 10 MB Markdown file", "a unit file with 100000 reports"])
def test_an_oversized_source_file_fails_fast_with_one_clear_error(minimal_site: Path, path: str, make) -> None:
    write_files(minimal_site, {path: make()})
    started = time.perf_counter()
    run = run_cli("build", "--source", minimal_site)
    assert time.perf_counter() - started < 10
    assert run.code == 1 and "Traceback" not in run.err
    assert run.lines == [f"{path}:1:1: error: file is larger than 2 MB, the limit for a source file "
                         "(images and attachments belong in static/)"]


def test_a_long_bulletin_just_under_the_limit_builds(minimal_site: Path) -> None:
    paragraph = "上半年，示范街道累计组织宣讲5场次，800余人次参与，办结实事10项，群众满意度进一步提升。\n\n"
    body = paragraph * ((MAX_SOURCE_BYTES - 100) // len(paragraph.encode()))
    write_files(minimal_site, {"content/town/long.md": f"---\ntitle: 长\ndate: 2021-07-01\n---\n{body}"})
    run = run_cli("build", "--source", minimal_site, "--quiet")
    assert run.code == 0, run.err


def test_markdown_nested_beyond_the_parser_is_one_error_not_a_traceback(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/deep.md": "---\ntitle: 深\ndate: 2021-07-01\n---\n" + "- " * 1000 + "x\n"})
    before = output_files(minimal_site / "output") if (minimal_site / "output").exists() else {}
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.lines == ["content/town/deep.md:1:1: error: the Markdown is nested too deeply (hundreds of lists or "
                         "quotes inside each other); flatten it"]
    assert (output_files(minimal_site / "output") if (minimal_site / "output").exists() else {}) == before


def test_a_big_static_file_is_copied_in_chunks(tmp_path: Path) -> None:
    big = tmp_path / "video.mp4"
    with big.open("wb") as stream:
        for i in range(40):
            stream.write(bytes([i]) * 1024 * 1024)
    staging = Staging(tmp_path / "output")
    staging.prepare()
    tracemalloc.start()
    try:
        staging.copy("video.mp4", big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    staging.commit()
    assert peak < 8 * 1024 * 1024
    assert (tmp_path / "output/video.mp4").stat().st_size == 40 * 1024 * 1024


def test_output_onto_a_source_folder_reached_through_a_link_is_refused(minimal_site: Path, tmp_path: Path) -> None:
    real_content = tmp_path / "shared-content"
    (minimal_site / "content").rename(real_content)
    (minimal_site / "content").symlink_to(real_content)
    before = tree(real_content)
    run = run_cli("build", "--source", minimal_site, "--output", real_content)
    assert run.code == 2 and "would replace the source folder" in run.err
    assert tree(real_content) == before


def test_a_top_level_heading_in_a_body_becomes_a_second_level_heading() -> None:
    assert render("# 一、主要做法\n\n正文。\n") == "<h2>一、主要做法</h2>\n<p>正文。</p>"


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x.example/\",\"点击\")", "+1+1", "@SUM(1)", "-2+3"])
def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook_and_the_csv(minimal_site: Path, name: str) -> None:
    unit = (minimal_site / "data/units/town.yaml").read_text(encoding="utf-8")
    (minimal_site / "data/units/town.yaml").write_text(unit.replace("name: 示范街道办事处", f"name: {_quoted(name)}"),
                                                       encoding="utf-8")
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    book = openpyxl.load_workbook(minimal_site / "output/stats.xlsx")
    cells = [cell for row in book["明细"].iter_rows(min_row=5) for cell in row[:1]]
    assert [(c.value, c.data_type) for c in cells] == [(name, "s"), (name, "s")]
    rows = list(csv.reader(io.StringIO((minimal_site / "output/stats.csv").read_text(encoding="utf-8-sig"))))[1:]
    assert rows and {row[7] for row in rows} == {"'" + name}  # 单位名称, after SPEC's columns
