"""The pages of an official website: the page norms' <meta> tags on every page kind, the footer's furniture in its
customary order with the filing links, warnings for filing numbers in the wrong form, units grouped in the site's
order of categories (else by pinyin), the article page's parts, near-duplicate tags, and what a build would refuse
reported by ``check``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli, write_files

from bulletin.digest import MAX_SLUG

SITE = "https://www.example.gov.cn/dsxx/"
ZHUZHOU = "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/"
JILIN = "units/jilin-gaoxin/2021-08-31-dangshi-xuexi-jiaoyu-zongshu/"
SITE_TAGS = {"SiteName": "党史学习教育工作简报", "SiteDomain": "www.example.gov.cn", "SiteIDCode": "4302030001"}
COLUMN_TYPES = {"首页", "概况信息", "机构职能", "负责人信息", "工作动态", "政策文件", "政策解读", "数据发布", "办事服务"}
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
LIST_PAGES = {"": "首页", "units/": "工作动态", "units/yunxi/": "工作动态", "bulletins/": "工作动态",
              "bulletins/2021/": "工作动态", "bulletins/2021/06/": "工作动态", "tags/": "工作动态",
              "tags/xuan-jiang/": "工作动态", "stats/": "数据发布"}


class Metas(HTMLParser):
    """Every <meta name> of a page, names as written, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name"):
            self.found.append((attributes["name"] or "", attributes.get("content") or ""))


def metas(output: Path, path: str) -> dict[str, str]:
    parser = Metas()
    parser.feed((output / path / "index.html").read_text(encoding="utf-8"))
    names = [name.lower() for name, _ in parser.found]
    assert len(names) == len(set(names)), f"{path}: a meta name twice (names are read without case): {names}"
    return dict(parser.found)


def page(output: Path, path: str) -> str:
    return (output / path / "index.html").read_text(encoding="utf-8")


# -- the page norms' tags --------------------------------------------------------------------------

def test_every_page_carries_the_site_tags(example_output: Path) -> None:
    pages = [p.parent.relative_to(example_output).as_posix() for p in example_output.rglob("index.html")]
    assert len(pages) > 30
    for path in pages:
        tags = metas(example_output, path)
        expected = dict(SITE_TAGS, SiteName="黨史學習教育工作簡報") if path.startswith("zh-hant") else SITE_TAGS
        assert {name: tags.get(name) for name in SITE_TAGS} == expected, path


@pytest.mark.parametrize("path, kind", LIST_PAGES.items(), ids=[p or "home" for p in LIST_PAGES])
def test_list_pages_carry_the_column_tags(example_output: Path, path: str, kind: str) -> None:
    tags = metas(example_output, path)
    assert all(tags.get(name) for name in COLUMN_TAGS), (path, tags)
    assert tags["ColumnType"] == kind and kind in COLUMN_TYPES
    assert "ArticleTitle" not in tags


def test_a_unit_page_is_the_column_of_that_unit(example_output: Path) -> None:
    tags = metas(example_output, "units/yunxi/")
    assert tags["ColumnName"] == "岳阳市云溪区" and "云溪区" in tags["ColumnKeywords"]


def test_bulletin_pages_carry_the_article_tags(example_output: Path) -> None:
    tags = metas(example_output, JILIN)
    assert tags["ArticleTitle"] == "吉林高新区扎实开展党史学习教育综述"
    assert tags["PubDate"] == "2021-08-31 00:00"  # YYYY-MM-DD HH:MM, as the norms write it; a bulletin has no time
    assert tags["ContentSource"] == "吉林高新技术产业开发区"  # the text names no source: the unit's name
    assert tags["Keywords"] == "党史学习教育,我为群众办实事,宣讲"
    assert tags["Author"] == "吉林高新区党工委办公室 张新卓"  # the byline, as the source writes it
    assert tags["Description"].startswith("吉林高新区以“三化结合”抓推进")
    assert tags["ColumnName"] == "吉林高新技术产业开发区" and tags["ColumnType"] == "工作动态"
    assert tags["Url"] == SITE + JILIN


def test_content_source_is_the_unit_when_a_bulletin_names_none_and_author_only_when_given(minimal_site: Path) -> None:
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    tags = metas(minimal_site / "output", "units/town/report-q1")
    assert tags["ContentSource"] == "示范街道办事处"
    assert "Author" not in tags and "SiteIDCode" not in tags  # no site_code: no SiteIDCode
    assert tags["SiteDomain"] == "example.org"


# -- the footer -------------------------------------------------------------------------------------

FOOTER = [
    "主办单位：中共某某市委党史学习教育领导小组办公室", "承办单位：某某市融媒体中心", "联系电话：0731-12345678",
    "网站标识码：4302030001",
    '<a href="https://beian.miit.gov.cn/" rel="noopener">湘ICP备12345678号-1</a>',
    '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=43020302000123" rel="noopener">'
    "湘公网安备43020302000123号</a>",
]


@pytest.mark.parametrize("path", ["", ZHUZHOU, "stats/", "search/", "about/"])
def test_every_footer_has_the_furniture_in_the_customary_order(example_output: Path, path: str) -> None:
    footer = page(example_output, path).split('<footer class="site-footer"', 1)[1]
    places = [footer.find(item) for item in FOOTER]
    assert -1 not in places, [item for item, at in zip(FOOTER, places) if at < 0]
    assert places == sorted(places)


def test_missing_keys_leave_their_footer_items_out(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范街道工作简报\nbase_url: https://example.org/news/\n"
                               "search: false\norganizer: 示范街道党工委\n"})
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 0 and run.lines == []
    footer = page(minimal_site / "output", "").split("<footer", 1)[1]
    assert "主办单位：示范街道党工委" in footer
    for absent in ("承办单位", "网站标识码", "ICP", "公网安备", "beian"):
        assert absent not in footer


@pytest.mark.parametrize("key, value, message", [
    ("site_code", '"43020300"', '"site_code" is "43020300": a 网站标识码 is 10 digits (4302030001) or bm and 8 digits '
                                "(bm07000001)"),
    ("site_code", "bm0700001", '"site_code" is "bm0700001": a 网站标识码 is 10 digits (4302030001) or bm and 8 digits '
                               "(bm07000001)"),
    ("icp", "湘ICP12345678号", '"icp" is "湘ICP12345678号": an ICP备案号 looks like 湘ICP备12345678号 or '
                              "湘ICP备12345678号-1"),
    ("icp", "ICP备12345678号", '"icp" is "ICP备12345678号": an ICP备案号 looks like 湘ICP备12345678号 or '
                              "湘ICP备12345678号-1"),
    ("police_record", "湘公网安备号", '"police_record" is "湘公网安备号" without its number: a 公安备案号 looks like '
                                  "湘公网安备43020302000123号"),
])
def test_filing_numbers_in_the_wrong_form_are_warnings_at_their_line(minimal_site: Path, key: str, value: str,
                                                                      message: str) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范街道工作简报\nbase_url: https://example.org/news/\n"
                               f"search: false\norganizer: 示范街道党工委\n{key}: {value}\n"})
    for command in ("check", "build"):
        run = run_cli(command, "--source", minimal_site)
        assert run.code == 0
        assert run.lines == [f"data/site.yaml:5:{len(key) + 3}: warning: {message}"]
    footer = page(minimal_site / "output", "").split("<footer", 1)[1]
    assert value.strip('"') in footer  # shown as written
    assert "beian.mps.gov.cn" not in footer  # a record without its number links nowhere


@pytest.mark.parametrize("value", ['"4302030001"', "bm07000001"])
def test_both_forms_of_the_site_code_are_taken(minimal_site: Path, value: str) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范街道工作简报\nbase_url: https://example.org/news/\n"
                               f"search: false\nsite_code: {value}\nicp: 京ICP备05070218号\n"})
    run = run_cli("build", "--source", minimal_site)
    assert (run.code, run.lines) == (0, [])
    assert metas(minimal_site / "output", "")["SiteIDCode"] == value.strip('"')


# -- units by category ------------------------------------------------------------------------------

def unit_site(root: Path, categories: str = "") -> Path:
    files = {"data/site.yaml": f"title: 简报\nbase_url: https://example.org/\nsearch: false\n{categories}"}
    for slug, category in (("a", "银行"), ("b", "重庆市"), ("c", "长沙市"), ("d", "厦门市"), ("e", None)):
        files[f"data/units/{slug}.yaml"] = f"name: 单位{slug}\n" + (f"category: {category}\n" if category else "")
    return write_files(root, files)


def category_headings(root: Path) -> list[str]:
    assert run_cli("build", "--source", root, "--quiet").code == 0
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<h2 id="cat-\d+">(.*?)</h2>', page(root / "output", "units"))]


def test_categories_are_in_pinyin_order_with_polyphones_read_right(tmp_path: Path) -> None:
    # 长沙 chang, 重庆 chong, 厦门 xia: a collation table reads them zhang, zhong and sha
    assert category_headings(unit_site(tmp_path)) == ["长沙市", "重庆市", "厦门市", "银行", "其他"]


def test_categories_follow_the_order_site_yaml_gives(tmp_path: Path) -> None:
    root = unit_site(tmp_path, "categories: [银行, 厦门市]\n")
    assert category_headings(root) == ["银行", "厦门市", "长沙市", "重庆市", "其他"]


# -- the article page -------------------------------------------------------------------------------

def test_the_article_page_has_the_portals_parts(example_output: Path) -> None:
    html = page(example_output, JILIN)
    assert re.search(r'<nav class="breadcrumb" aria-label="当前位置"[^>]*><span class="here">当前位置：</span>'
                     r'<a href="/dsxx/">首页</a><span class="sep" aria-hidden="true"> &gt; </span>'
                     r'<a href="/dsxx/units/">各单位</a>.*?吉林高新区</a>.*?正文</span></nav>', html)
    meta = re.sub(r"<[^>]+>|[ \t\n]", "", re.search(r'<p class="meta article-meta">(.*?)</p>', html, re.S).group(1))
    # no 来源 where the source names none: the unit is named as the publishing unit instead
    assert meta == "发布时间：2021年8月31日\u3000单位：吉林高新技术产业开发区\u3000作者：吉林高新区党工委办公室张新卓"
    assert '<p class="article-tools" data-article-tools hidden' in html  # 字号 and 打印本页, made by the script
    assert '<a href="#top">返回顶部</a>' in html  # 吉林's bulletin is eleven phone screens long
    assert '<h2 id="related-title">相关简报</h2>' in html


def test_previous_and_next_go_across_the_site_when_a_unit_has_one_bulletin(example_output: Path) -> None:
    html = page(example_output, JILIN)  # 2021-08-31: after 云溪 (06-04), before 高科 (11-30)
    pager = html.split('<nav class="pager"', 1)[1].split("</nav>", 1)[0]
    assert "本单位" not in pager
    assert re.search(r"上一篇：</span><a href=\"/dsxx/units/yunxi/2021-06-04-chuancheng-hongse-jiyin/\">", pager)
    assert re.search(r"下一篇：</span><a href=\"/dsxx/" + ZHUZHOU + '">', pager)
    newest = page(example_output, ZHUZHOU).split('<nav class="pager"', 1)[1]
    assert "下一篇：</span>没有了" in newest


def test_related_bulletins_share_the_most_tags(example_output: Path) -> None:
    html = page(example_output, ZHUZHOU)  # 党史学习教育, 我为群众办实事, 国有企业
    related = re.findall(r'<li><a href="/dsxx/(units/[^"]+)">', html.split('id="related-title"', 1)[1])
    assert related[:3] == [JILIN, "units/yunxi/2021-06-04-chuancheng-hongse-jiyin/",
                           "units/tianjin-eco-city/2021-03-19-liujin-huodong/"]  # two tags shared, newest first
    assert ZHUZHOU not in related and len(related) == 4


# -- tags and slugs ---------------------------------------------------------------------------------

def test_near_duplicate_tags_are_a_warning_with_did_you_mean(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "content/town/a.md": "---\ntitle: 甲\ndate: 2021-07-01\ntags: [宣讲, 党建]\n---\n正文。\n",
        "content/town/b.md": "---\ntitle: 乙\ndate: 2021-07-02\ntags:\n  - 党建\n  - 专题宣讲\n---\n正文。\n",
        "content/town/c.md": "---\ntitle: 丙\ndate: 2021-07-03\ntags: [宣讲, 工作动态, 动态]\n---\n正文。\n",
    })
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 0
    assert run.lines == [
        'content/town/b.md:6:5: warning: tag "专题宣讲" is close to "宣讲", used by 2 bulletin(s) (did you mean '
        '"宣讲"?); one tag for one subject keeps its page complete',
        'content/town/c.md:4:12: warning: tag "工作动态" is close to "动态", used by 1 bulletin(s) (did you mean '
        '"动态"?); one tag for one subject keeps its page complete',
    ]


def test_a_tag_too_long_for_a_file_name_gets_a_short_unique_slug(minimal_site: Path) -> None:
    long_a, long_b = "中国共产党" * 13 + "甲", "中国共产党" * 13 + "乙"  # 66 characters, 300 letters of pinyin
    write_files(minimal_site, {
        "content/town/a.md": f"---\ntitle: 甲\ndate: 2021-07-01\ntags: [{long_a}]\n---\n正文。\n",
        "content/town/b.md": f"---\ntitle: 乙\ndate: 2021-07-02\ntags: [{long_b}]\n---\n正文。\n",
        f"content/town/{'长' * 80}.md": "---\ntitle: 长\ndate: 2021-07-03\n---\n正文。\n",
    })
    assert run_cli("check", "--source", minimal_site).code == 0
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 0, run.err
    slugs = [p.name for p in (minimal_site / "output/tags").iterdir() if p.name.startswith("zhong-guo")]
    assert len(slugs) == 2 and all(len(slug) <= MAX_SLUG for slug in slugs)
    assert all((minimal_site / "output/tags" / slug / "index.html").is_file() for slug in slugs)
    assert [p for p in (minimal_site / "output/units/town").iterdir() if p.name.startswith("chang-chang")]


def test_check_reports_a_body_that_the_build_would_refuse(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/deep.md": "---\ntitle: 深\ndate: 2021-07-01\n---\n" + "- " * 1000 + "x\n"})
    expected = ["content/town/deep.md:1:1: error: the Markdown is nested too deeply (hundreds of lists or quotes "
                "inside each other); flatten it"]
    for command in ("check", "build"):
        run = run_cli(command, "--source", minimal_site)
        assert (run.code, run.lines) == (1, expected), command
