"""The traditional mirror writes what its readers write: Taiwan/Hong Kong standard characters, one spelling per
word, names as data/terms.yaml fixes them (never guessed), and every script message in traditional characters
(SPEC section 2, "The traditional mirror")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import opencc
import pytest
from conftest import REPO, run_cli, write_files

from bulletin.hant import PHRASES, Converter, untraditional
from bulletin.load import validate
from bulletin.load.names import find_names

MIRRORED_SITE = "title: 示范街道工作简报\nbase_url: https://example.org/news/\nsearch: false\nvariants: [zh-Hant]\n"
BULLETIN = "content/town/2021-07-01-tricky.md"


def mirrored_files(output: Path) -> list[Path]:
    return sorted(p for p in (output / "zh-hant").rglob("*") if p.suffix in (".html", ".xml", ".js"))


# --- the example site ------------------------------------------------------------------------------


def test_no_page_feed_or_script_of_the_mirror_has_a_simplified_or_non_taiwan_character(example_output: Path) -> None:
    files = mirrored_files(example_output)
    assert len(files) > 30 and any(f.suffix == ".js" for f in files) and any(f.name == "feed.xml" for f in files)
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert untraditional(text) == [], file.relative_to(example_output)
        assert not re.search("[爲羣衆啓]", text), file.relative_to(example_output)


# Every personal name in the five seeds, as the mirror must write it (seed 000's own traditional text writes
# 劉玉鹽 and 張懷東; 耿飚 is 耿飆 in Taiwan's standard form; 钟慧's surname is 鍾, fixed in data/terms.yaml).
NAMES = {
    "刘玉盐": "劉玉鹽", "张怀东": "張懷東", "左权": "左權", "耿飚": "耿飆",  # seed 000, 高科集团
    "王国良": "王國良", "习近平": "習近平",  # seed 001, 生态城
    "张中于": "張中于", "刘正仁": "劉正仁", "钟慧": "鍾慧", "黄达江": "黃達江", "黄淑": "黃淑", "余俊": "余俊",
    "邓志强": "鄧志強", "易松": "易松",  # seed 002, 云溪区
    "岳强": "岳強", "崔浩林": "崔浩林", "刘学臣": "劉學臣", "张新卓": "張新卓",  # seed 003, 吉林高新区
    "王新明": "王新明", "王福帅": "王福帥", "南仁东": "南仁東",  # seed 004, 贵州省工信厅
}
WRONG = ["餘俊", "張中於", "嶽強", "鐘慧", "耿飈"]


def test_every_name_of_the_five_bulletins_is_written_right_in_the_mirror(example_output: Path) -> None:
    found = set()
    for source in sorted((REPO / "content").glob("*/*.md")):
        text = source.read_text(encoding="utf-8")
        page = example_output / "zh-hant/units" / source.parent.name / source.stem / "index.html"
        if not page.is_file():
            continue
        mirrored = page.read_text(encoding="utf-8")
        for name, written in NAMES.items():
            if name in text:
                found.add(name)
                assert written in mirrored, (source.name, name, written)
        assert [w for w in WRONG if w in mirrored] == [], source.name
    assert found == set(NAMES)


def test_the_example_site_checks_without_a_name_warning(example_site: Path) -> None:
    assert run_cli("check", "--source", example_site).lines == []


# --- one spelling per word, no vocabulary change -------------------------------------------------------

TRICKY = (
    "时间节点扎实推进，扎实开展，扎扎实实办实事。奋进新征程，百年征程，长征精神。争当好干部，党员干部。"
    "成立宣讲团，并为其颁发聘书；两个支部合并为一个。600人参加了活动，每人参与一次。磅礴力量。服务企业周。"
    "信息、项目、社区、视频、网络都不换说法。"
)
TRADITIONAL = (
    "時間節點紮實推進，紮實開展，紮紮實實辦實事。奮進新征程，百年征程，長征精神。爭當好幹部，黨員幹部。"
    "成立宣講團，並為其頒發聘書；兩個支部合併為一個。600人參加了活動，每人參與一次。磅礡力量。服務企業週。"
    "信息、項目、社區、視頻、網絡都不換說法。"
)


def test_one_spelling_per_word_and_no_change_of_vocabulary() -> None:
    assert Converter().convert(TRICKY) == TRADITIONAL


def test_the_phrase_table_is_needed_opencc_alone_writes_words_two_ways() -> None:
    alone = opencc.OpenCC("s2tw").convert(TRICKY)
    assert "節點扎實" in alone and "新徵程" in alone and "好乾部" in alone and "併為" in alone  # what the table fixes
    assert "人蔘加" in opencc.OpenCC("s2t").convert(TRICKY)  # and why s2t, the old profile, is not used
    assert all(Converter().convert(word) == written for word, written in PHRASES.items())


def test_the_leftover_check_finds_what_s2t_writes_and_taiwan_does_not() -> None:
    s2t = opencc.OpenCC("s2t").convert("600人参加了活动，为群众启动项目")
    assert [(char, what) for _, char, what in untraditional(s2t)] == [("蔘", "參"), ("爲", "為"), ("羣", "群"),
                                                                     ("衆", "眾"), ("啓", "啟")]
    assert [char for _, char, _ in untraditional("<p>这是简体</p>")] == ["这", "简", "体"]
    assert untraditional('<a title="发">為</a>') == []  # markup is not text


def test_a_mirrored_page_of_tricky_words_reads_as_in_taiwan(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/site.yaml": MIRRORED_SITE,
                               BULLETIN: f"---\ntitle: 扎实推进\ndate: 2021-07-01\n---\n{TRICKY}\n"})
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    page = (minimal_site / "output/zh-hant/units/town/2021-07-01-tricky/index.html").read_text(encoding="utf-8")

    assert TRADITIONAL in page and "<h1>紮實推進</h1>" in page.replace("<wbr>", "")
    assert untraditional(page) == []


# --- data/terms.yaml ---------------------------------------------------------------------------------

TERMS = "zh-Hant:\n  余俊: 余俊\n  张中于: 張中于\n"


def test_a_term_is_written_as_given_in_every_field_body_feed_and_list(minimal_site: Path) -> None:
    write_files(minimal_site, {
        "data/site.yaml": MIRRORED_SITE,
        "data/terms.yaml": TERMS,
        "data/units/town.yaml": "name: 余俊街道\nreports: []\n",
        BULLETIN: "---\ntitle: 老兵余俊讲党史\ndate: 2021-07-01\nauthor: 余俊\ntags: [余俊]\n"
                  "summary: 余俊讲党史。\n---\n区委书记张中于，老兵余俊结合亲身经历讲党史。\n",
    })
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    output = minimal_site / "output/zh-hant"
    page = (output / "units/town/2021-07-01-tricky/index.html").read_text(encoding="utf-8")
    texts = {path: (output / path).read_text(encoding="utf-8") for path in
             ("units/town/2021-07-01-tricky/index.html", "index.html", "feed.xml", "units/index.html",
              "units/town/feed.xml", "tags/yu-jun/index.html")}

    assert "<h1>老兵余俊講黨史</h1>" in page.replace("<wbr>", "") and "余俊" in page  # no <wbr> splits a term
    assert "作者：余俊" in page and "區委書記張中于，老兵余俊結合" in page
    assert '<meta name="Description" content="余俊講黨史。">' in page
    for path, text in texts.items():
        assert "余俊" in text and "餘俊" not in text and "張中於" not in text, path


def test_check_warns_about_a_name_the_mirror_would_guess(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/site.yaml": MIRRORED_SITE,
                               BULLETIN: "---\ntitle: 讲党史\ndate: 2021-07-01\nauthor: 岳新华\n---\n"
                                         "邀请抗美援朝老兵余俊结合亲身经历，区委书记张中于，王国良同志。\n"})

    assert run_cli("check", "--source", minimal_site).lines == [
        f'{BULLETIN}:4:9: warning: the name "岳新华" would be written "嶽新華" in the traditional mirror (岳: 嶽/岳 '
        'has more than one traditional form); if that is wrong, add the name to data/terms.yaml under zh-Hant: '
        '(for example "岳新华: 岳新華")',
        f'{BULLETIN}:6:9: warning: the name "余俊" would be written "餘俊" in the traditional mirror (余: 餘/余 '
        'has more than one traditional form); if that is wrong, add the name to data/terms.yaml under zh-Hant: '
        '(for example "余俊: 余俊")',
        f'{BULLETIN}:6:22: warning: the name "张中于" would be written "張中於" in the traditional mirror (于: 於/于 '
        'has more than one traditional form); if that is wrong, add the name to data/terms.yaml under zh-Hant: '
        '(for example "张中于: 張中于")',
    ]


def test_a_name_in_terms_yaml_or_a_site_without_mirror_gives_no_warning(minimal_site: Path) -> None:
    body = "---\ntitle: 讲党史\ndate: 2021-07-01\n---\n老兵余俊结合亲身经历，区委书记张中于讲话。\n"
    write_files(minimal_site, {BULLETIN: body})
    assert run_cli("check", "--source", minimal_site).lines == []  # no mirror: nothing to guess
    write_files(minimal_site, {"data/site.yaml": MIRRORED_SITE, "data/terms.yaml": TERMS})
    assert run_cli("check", "--source", minimal_site).lines == []


def test_names_are_checked_again_only_in_changed_files_but_a_warning_comes_back_on_every_build(
        minimal_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(minimal_site, {"data/site.yaml": MIRRORED_SITE,
                               BULLETIN: "---\ntitle: 讲党史\ndate: 2021-07-01\n---\n老兵余俊结合亲身经历讲党史。\n"})
    checked: list[str] = []
    real = validate.check_names
    monkeypatch.setattr(validate, "check_names", lambda file, *rest: checked.append(file.path) or real(file, *rest))

    def build() -> list[str]:
        checked.clear()
        run = run_cli("build", "--source", minimal_site, "--jobs", "1", "--quiet")
        assert run.code == 0 and len(run.lines) == 1 and "余俊" in run.lines[0]  # the warning, every time
        return sorted(path for path in checked if path.startswith("content/"))

    everything = build()
    assert len(everything) == 3
    edited = minimal_site / "content/town/report-q1.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build() == sorted([BULLETIN, "content/town/report-q1.md"])  # the warned one, and the edited one
    write_files(minimal_site, {"data/terms.yaml": "zh-Hant:\n  张中于: 張中于\n"})
    assert build() == everything  # other terms: every file is checked again


def test_the_check_warns_in_chinese_by_default(minimal_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BULLETIN_LANG", "zh")
    write_files(minimal_site, {"data/site.yaml": MIRRORED_SITE,
                               BULLETIN: "---\ntitle: 讲党史\ndate: 2021-07-01\n---\n老兵余俊结合亲身经历讲党史。\n"})
    assert run_cli("check", "--source", minimal_site).lines == [
        f'{BULLETIN}:5:3: warning: 人名“余俊”在繁体版中会写成“餘俊”（余: 餘/余 有不止一种繁体写法）；如果不对，请在 '
        'data/terms.yaml 的 zh-Hant: 下写上这个人名（例如“余俊: 余俊”）']


@pytest.mark.parametrize("terms, line", [
    ("- 余俊\n- 张中于\n", 'data/terms.yaml:1:1: error: terms.yaml must be a mapping: a line "zh-Hant:" and under it '
                         'one line per term, such as "余俊: 余俊"'),
    ("zh-Hant:\n  - 余俊\n", 'data/terms.yaml:2:3: error: "zh-Hant" must be a mapping of terms to how the mirror '
                           'writes them, one per line, such as "余俊: 余俊"'),
    ("zh-Hant:\n  余俊: [余俊]\n", 'data/terms.yaml:2:7: error: the term "余俊" must be followed by how the mirror '
                                  'writes it, as text on the same line, such as "余俊: 余俊"'),
    ("zh-Hant:\n  余俊:\n", 'data/terms.yaml:2:3: error: the term "余俊" must be followed by how the mirror writes '
                          'it, as text on the same line, such as "余俊: 余俊"'),
    ("zh-Hant:\n  余俊: 余俊\n  张中于: 張中于\n  余俊: 餘俊\n",
     'data/terms.yaml:4:3: error: duplicate key "余俊" (first given on line 2)'),
    ("zh-Hans:\n  余俊: 余俊\n", 'data/terms.yaml:1:1: error: unknown variant "zh-Hans" in terms.yaml; '
                                'the one there is: zh-Hant'),
])
def test_a_terms_file_that_is_not_a_mapping_of_strings_or_lists_a_term_twice_is_an_error_at_its_line(
        minimal_site: Path, terms: str, line: str) -> None:
    write_files(minimal_site, {"data/site.yaml": MIRRORED_SITE, "data/terms.yaml": terms})
    run = run_cli("check", "--source", minimal_site)
    assert (run.code, run.lines) == (1, [line])


# --- names -----------------------------------------------------------------------------------------------

SEED_NAMES = {  # every name of each seed (seed 000 read in simplified characters)
    "000": {"刘玉盐", "张怀东", "左权", "耿飚"},
    "001": {"习近平", "王国良"},
    "002": {"习近平", "张中于", "刘正仁", "钟慧", "黄达江", "黄淑", "余俊", "邓志强", "易松"},
    "003": {"习近平", "岳强", "崔浩林", "刘学臣", "张新卓"},
    "004": {"习近平", "王新明", "王福帅", "南仁东"},
}
# Sentences written to measure the finder, none of them used to write its rules (the last group was written
# after the rules were final and run once): a false warning costs a line of terms.yaml, a missed name a misspelling.
HELD_OUT = [
    ("县委副书记、县长岳建国带队督导。", {"岳建国"}), ("邀请了党校讲师于丽华作辅导报告。", {"于丽华"}),
    ("老党员余德明同志今年已九十岁。", {"余德明"}), ("区长钟伟在会上强调，要抓好落实。", {"钟伟"}),
    ("社区书记干春燕组织居民学习。", {"干春燕"}), ("专家沈国栋以“百年党史”为题授课。", {"沈国栋"}),
    ("（撰稿 后俊杰）", {"后俊杰"}), ("全体党员观看了红色电影。", set()), ("局长办公会研究部署相关工作。", set()),
    ("书记带头学、带头讲。", set()), ("英雄事迹报告会在礼堂举行。", set()), ("主任科员王芳同志参加培训。", {"王芳"}),
    ("烈士陵园前，少先队员献花。", set()), ("市委书记郁达强调：要扎实推进。", {"郁达"}),
    ("党员志愿者们来到养老院。", set()),
]


def seed_text(number: str) -> str:
    """The text of a seed (tests/seeds/), seed 000 without its pinyin glosses (續(xù)) and in simplified characters."""
    text = next((REPO / "tests/seeds").glob(f"{number}_*.txt")).read_text(encoding="utf-8")
    if number == "000":
        text = opencc.OpenCC("t2s").convert(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text))
    return text


@pytest.mark.parametrize("number", sorted(SEED_NAMES))
def test_the_name_finder_finds_every_name_of_the_seeds_and_nothing_else(number: str) -> None:
    assert {f.name for f in find_names(seed_text(number))} == SEED_NAMES[number]


def test_the_name_finder_on_sentences_it_was_not_written_from() -> None:
    found = [({f.name for f in find_names(text)}, gold) for text, gold in HELD_OUT]
    true = sum(len(got & gold) for got, gold in found)
    precision = true / sum(len(got) for got, _ in found)
    recall = true / sum(len(gold) for _, gold in found)
    assert (precision, recall) == (1.0, 1.0)


# --- script messages, twins, tables ------------------------------------------------------------------


def test_the_mirrors_scripts_speak_traditional_chinese(example_output: Path) -> None:
    script = (example_output / "zh-hant/assets/textsize.js").read_text(encoding="utf-8")
    page = (example_output / "zh-hant/index.html").read_text(encoding="utf-8")

    assert '"字號"' in script and '"標準字號"' in script and '"大字號"' in script and '"特大字號"' in script
    assert "字号" not in script
    assert '<script src="/dsxx/zh-hant/assets/textsize.js"></script>' in page
    original = (example_output / "assets/textsize.js").read_text(encoding="utf-8")
    assert original.encode("ascii", "ignore") == script.encode("ascii", "ignore")  # only the Chinese differs


def test_the_text_size_switch_reads_traditional_in_the_mirror(example_output: Path) -> None:
    from browser import chromium_page
    from static_server import serve_output

    with serve_output(example_output, "/dsxx/") as site, chromium_page() as page:
        page.goto(site + "zh-hant/")
        switch = page.locator(".text-size")
        assert switch.locator(".text-size-label").inner_text() == "字號"
        labels = switch.locator("button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert labels == ["A 標準字號", "A+ 大字號", "A++ 特大字號"]


def test_each_page_names_its_twin_and_the_sitemap_lists_both(example_output: Path) -> None:
    url = "https://www.example.gov.cn/dsxx/"
    for rel in ("", "stats/", "units/yunxi/2021-06-04-chuancheng-hongse-jiyin/"):
        for page in (rel, "zh-hant/" + rel):
            html = (example_output / page / "index.html").read_text(encoding="utf-8")
            assert f'<link rel="alternate" hreflang="zh-CN" href="{url}{rel}">' in html, page
            assert f'<link rel="alternate" hreflang="zh-Hant" href="{url}zh-hant/{rel}">' in html, page
    sitemap = (example_output / "sitemap.xml").read_text(encoding="utf-8")
    for rel in ("", "stats/"):
        assert f"<loc>{url}{rel}</loc>" in sitemap and f"<loc>{url}zh-hant/{rel}</loc>" in sitemap
    assert sitemap.count(f'<xhtml:link rel="alternate" hreflang="zh-Hant" href="{url}zh-hant/stats/"/>') == 2


def test_the_tables_are_those_of_the_installed_opencc() -> None:
    run = subprocess.run([sys.executable, str(REPO / "scripts/hant_tables.py"), "--check"], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout
