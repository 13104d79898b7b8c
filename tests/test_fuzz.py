"""Random and adversarial input never crashes a reader, never lets a script through, never breaks a build."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from conftest import SITES, output_files, run_cli
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from test_safety import dangers

from bulletin.load.read import split_front_matter
from bulletin.load.validate import markdown_slug
from bulletin.model import Quantity
from bulletin.quantities import QuantityError, parse_quantity
from bulletin.render.markup import make_markdown, render_markdown
from bulletin.render.sanitize import left_as_it_is, sanitize_html

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))  # FUZZ_SCALE=100 for a long hunt; modest by default
FAST = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUILDS = settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PROBLEM_LINE = re.compile(r"^[^\s:][^:]*:\d+:\d+: (error|warning): \S.*$")
SUMMARY_LINE = re.compile(r"^\d+ error\(s\); the previous output was left as it was$")

# Characters that break parsers: quantity words, full-width digits, separators, controls, CR, NUL, RTL marks.
NASTY = "0123456789０１２３４５６７８９,，.．_-−+eE 　\t\r\n\0\x01\x0b\x1b\x7f\x85\u2028\ufeff\u202e\ud7ff" \
        "一二两三十百千万亿萬億零〇余多近约超过逾以上左右上下数几若干人次项场名个:#&*![]{}|>'\"%@`~\\"
nasty_text = st.text(alphabet=NASTY, max_size=30) | st.text(max_size=30)


# -- quantities -----------------------------------------------------------------------------

@FAST
@given(nasty_text, st.sampled_from([None, "", "人", "人次", "项", "万"]))
@example("9" * 5000, None)
@example("1" + "万" * 200, "人")
@example("十" * 300, None)
@example("1e999999", None)
def test_quantity_reader_returns_a_quantity_or_a_quantity_error(text: str, unit: str | None) -> None:
    try:
        result = parse_quantity(text, unit)
    except QuantityError as exc:
        assert str(exc) and "\n" not in str(exc).replace(text, "")
    else:
        assert isinstance(result, Quantity)
        assert Decimal(result.value).is_finite() and result.value >= 0


@FAST
@given(st.integers(min_value=0, max_value=10**30) | st.decimals(allow_nan=True, allow_infinity=True)
       | st.floats(allow_nan=True, allow_infinity=True))
def test_quantity_reader_takes_yaml_numbers_or_refuses_them(value: object) -> None:
    try:
        result = parse_quantity(value)  # type: ignore[arg-type]
    except QuantityError:
        return
    assert isinstance(result, Quantity) and Decimal(result.value).is_finite() and result.value >= 0


# -- front matter ---------------------------------------------------------------------------

front_lines = st.lists(st.sampled_from(["---", "--- ", "...", "title: a", "date: 2021-01-01", "", " ", "x: |",
                                        "  ---", "----", "---x", "正文", "\t"]) | nasty_text, max_size=8)


@FAST
@given(front_lines)
@example(["---"])
@example(["---", "---"])
@example(["---", "title: a", "..."])
def test_front_matter_splitter_keeps_every_line_and_counts_the_body_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    front, body, body_line = split_front_matter(text)
    if front is None:
        assert (body, body_line) == (text, 1)
        return
    assert text.endswith(body) and front in text
    assert body_line >= 2
    if body:
        assert text[: len(text) - len(body)].count("\n") == body_line - 1
    assert text.startswith("---")


# -- slugs ----------------------------------------------------------------------------------

@FAST
@given(nasty_text | st.text(alphabet="aAzZ09-_. 工作动态Ωé", max_size=20))
def test_slug_is_a_lowercase_ascii_slug_or_empty(name: str) -> None:
    assume("/" not in name)
    slug = markdown_slug(f"content/town/{name}.md")
    assert slug == "" or re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug)


# -- the sanitiser --------------------------------------------------------------------------

FRAGMENTS = [
    "<script>", "</script>", "<ScRiPt>", "alert(1)", "<script src=//evil.example/x.js>", "<scr<script>ipt>",
    "<img src=x onerror=alert(1)>", "<img src=\"x\" onerror=\"alert(1)\">", "<svg onload=alert(1)>", "<svg>",
    "<a href=\"", "<a href='", "<a href=", "\">", "'>", ">", "</a>", "javascript:", "JaVaScRiPt:", "vbscript:",
    "java\tscript:", "java&#x09;script:", "jav&#x0A;ascript:", "&#106;avascript:", "javascript&colon;",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;", "\x01javascript:", " javascript:",
    "data:text/html,<script>alert(1)</script>", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "da\tta:text/html,x", "data:image/svg+xml;base64,PHN2Zz4=", "data:image/png;base64,iVBORw0KGgo=",
    "<iframe src=\"https://evil.example\">", "<object data=x>", "<embed src=x>", "<style>", "</style>",
    "body{background:url(javascript:alert(1))}", "<div style=\"background:url(javascript:alert(1))\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<noscript><p title=\"</noscript>",
    "<!--", "-->", "<![CDATA[", "]]>", "<?xml ?>", "<base href=//evil.example/>", "<form action=javascript:x>",
    "<q cite=\"javascript:alert(1)\">", "<blockquote cite=", "<td background=javascript:x>", "<table>", "<tr><td>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">", "<link rel=import href=x>", "onclick=",
    "onmouseover=\"alert(1)\"", " onfocus=alert(1) autofocus ", "<br>", "<p>", "</p>", "&lt;script&gt;",
    "&amp;", "&", "\"", "'", "`", "=", " ", "\n", "\n\n", "[x](", ")", "![y](", "<http://x.example>", "<",
    "`code`", "```\n", "> ", "- ", "1. ", "|a|b|\n|-|-|\n", "\0", "\u2028", "工作简报",
]
nasty_html = st.lists(st.sampled_from(FRAGMENTS) | st.text(alphabet="<>\"'=/ &;#:x", max_size=5), max_size=25)


def assert_harmless(output: str) -> None:
    """Checked twice: by an HTML parser, and by patterns on the raw text (nh3 always double-quotes values)."""
    assert dangers(output) == []
    assert not re.search(r"<script", output, re.IGNORECASE)
    for tag in re.findall(r"<[a-zA-Z][^>]*>", output):
        outside_values = re.sub(r'"[^"]*"', '""', tag)
        assert not re.search(r"\son\w+\s*=", outside_values, re.IGNORECASE), tag
        for name, value in re.findall(r'([\w:-]+)="([^"]*)"', tag):
            compact = re.sub(r"[\x00-\x20\x7f-\x9f\s]+", "", html.unescape(value)).lower()
            assert not compact.startswith(("javascript:", "vbscript:")), tag
            assert not compact.startswith("data:") or compact.startswith("data:image/"), tag


@FAST
@given(nasty_html)
def test_sanitiser_output_has_no_script_handler_or_script_url(parts: list[str]) -> None:
    raw = "".join(parts)
    assert_harmless(sanitize_html(raw))


@FAST
@given(nasty_html)
def test_markdown_bodies_never_carry_a_script_through(parts: list[str]) -> None:
    assert_harmless(render_markdown(make_markdown(), "".join(parts)))


# What tidy repairs, as Markdown or HTML an editor may write: its output must still be the allowlist's own.
REPAIRED = ["| a | b |\n|:--|--:|\n| 1 | 2 |\n", "&nbsp;", "\u00a0", "<img>", "<img src=x.png>", "<a>t</a>",
            "<b><p>x</p></b>", "<li>x</li>", "<ul>t<li>a</li></ul>", "<h2></h2>", "<dl><dt><h2>x</h2></dt></dl>",
            "<td align=center>x</td>", "<ol start=-5><li>x</li></ol>", "<th scope=bogus>h</th>", "<col span=0>",
            "[l](http://例子.cn/a b)", "<a href=\"http://x/?a=1&b=2\">q</a>", "\ufdd0", "<span> </span>"]


@FAST
@given(st.lists(st.sampled_from(FRAGMENTS + REPAIRED) | nasty_text, max_size=20))
def test_what_the_sanitiser_makes_of_a_body_it_leaves_as_it_is_so_the_cache_can_keep_it(parts: list[str]) -> None:
    assert left_as_it_is(render_markdown(make_markdown(), "".join(parts)))


# -- whole builds of random small sites -----------------------------------------------------

good_slug = st.text(alphabet="abz09-", min_size=1, max_size=8).filter(lambda t: t[0] != "-")
any_slug = st.text(alphabet="abz09-_.AZ工作 é\t", min_size=1, max_size=12)
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)
good_value = printable.map(lambda t: json.dumps(t, ensure_ascii=False))  # any text, as a quoted YAML scalar
good_figure = st.sampled_from(["800余", "1.4万", "近万", "二十三", "0700", "'9'", "１，２００", "300余万", "两"])
nasty_value = st.one_of(
    nasty_text,
    st.text(max_size=20).map(json.dumps),  # controls and lone surrogates as escapes
    st.sampled_from(["1_000", "NO", "yes", "on", "~", "null", "[]", "{}", "&a x", "*a", "数百", "2021-02-30",
                     "!!python/object/apply:os.system ['touch PWNED']", "\"\\x01\"", "\"\\ud800\"",
                     "|\n  a\n  b", "- a", ": x", "'", "\"", "\t", "#", "%YAML 1.1", "!!binary aGk="]),
)
body_text = st.text(max_size=200) | st.lists(st.sampled_from(FRAGMENTS), max_size=15).map("".join)
good_date = st.sampled_from(["2021-06-30", "'2021-07-01'", "\"2021-01-31\"", "2020-02-29"])
nasty_date = st.sampled_from(["2021-02-30", "2021-6-3", "yesterday", "", "[]", "2021-06-30 10:00", "20210630"])


@st.composite
def random_site(draw: st.DrawFn) -> dict[str, str | bytes]:
    """A small site whose unit names, values, front matter and bodies are random; raw bytes now and then.

    Most values are valid, so that most sites build and their pages are rendered; a few are not.
    """
    nasty = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]))  # the chance of each value being broken

    def pick(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> str:
        return draw(bad if draw(st.floats(0, 1)) < nasty else good)

    files: dict[str, str | bytes] = {}
    for _ in range(draw(st.integers(1, 3))):
        slug = pick(good_slug, any_slug)
        files[f"data/units/{slug}.yaml"] = (
            f"name: {pick(good_value, nasty_value)}\nregion: {pick(good_value, nasty_value)}\nreports:\n"
            f"  - date: {pick(good_date, nasty_date)}\n    metrics:\n"
            f"      participants: {pick(good_figure, nasty_value)}\n      lectures: {pick(good_figure, nasty_value)}\n"
        )
        for _ in range(draw(st.integers(0, 2))):
            name = pick(good_slug, any_slug)
            text = (f"---\ntitle: {pick(good_value, nasty_value)}\ndate: {pick(good_date, nasty_date)}\n"
                    f"tags: [{pick(good_value, nasty_value)}]\nsummary: {pick(good_value, nasty_value)}\n---\n"
                    f"{draw(body_text)}")
            text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n"])))
            files[f"content/{slug}/{name}.md"] = text
    if draw(st.floats(0, 1)) < nasty:
        files["content/town/raw.md"] = draw(st.binary(max_size=60))
    if draw(st.booleans()):
        files["content/pages/" + pick(good_slug, any_slug) + ".md"] = (f"---\ntitle: {pick(good_value, nasty_value)}"
                                                                        f"\n---\n{draw(body_text)}")
    return files


@BUILDS
@given(random_site())
def test_a_random_site_builds_or_fails_with_located_errors_only(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(SITES / "minimal", Path(tmp) / "site"))
        assert run_cli("build", "--source", root, "--quiet").code == 0
        before = output_files(root / "output")
        for rel, content in files.items():
            path = root / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content, encoding="utf-8", newline="")
            except (OSError, UnicodeEncodeError, ValueError):
                assume(False)  # a name the file system refuses is not a site anyone can have
        run = run_cli("build", "--source", root, "--quiet")
        event(f"exit {run.code}")
        assert run.code in (0, 1), run.err
        assert "Traceback" not in run.err
        lines = run.err.splitlines()
        for line in lines:
            assert PROBLEM_LINE.match(line) or SUMMARY_LINE.match(line), line
        if run.code == 0:
            assert (root / "output" / "index.html").is_file()
            for rel, data in output_files(root / "output").items():
                if rel.endswith(".xml"):
                    ET.fromstring(data)
                elif rel.endswith(".html"):
                    assert dangers(data.decode("utf-8"), theme=True) == [], rel
        else:
            assert SUMMARY_LINE.match(lines[-1])
            assert output_files(root / "output") == before
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["site"]  # no staging folder left behind
