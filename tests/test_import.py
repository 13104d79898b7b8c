"""``bulletin import``: raw bulletin text -> Markdown bulletin, front matter and figures (issue 7)."""

from __future__ import annotations

import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bulletin.importer.command import import_text, run_import
from bulletin.messages import ENGLISH, Reporter
from bulletin.model import Qualifier

CASES = Path(__file__).resolve().parent / "import_cases"
SEEDS = {p.name[:3]: p for p in sorted(CASES.glob("0*.txt"))}

EXACT, AT_LEAST, APPROX = "exact", "at_least", "approx"

# ---------------------------------------------------------------------------
# The five seeds, counted by hand: every figure (text, value, qualifier, unit)
# in reading order. Judgement calls, applied the same way in every seed:
#  - counted: durations (为期1天, 十五年之久), a single 1 written in Arabic
#    (宣讲1次), 两 and other Chinese numerals with a counting word (两次, 四个
#    历史专题, 两条), and numbers without a counting word (10万居民, 200余民);
#  - not counted: the article 一 (一件实事, 一名党员), anything inside short
#    quotations or book titles (“五个一”, 《榜样5》, “砥砺前行二十年…”), the
#    centenary (一百年, 百年, 100周年), dates, months, years, ordinals (第一,
#    一是, 第十三次), list markers (1、), names (十九届六中全会, 十八大, 七一,
#    十四五, 五中, 三道岭村) and idioms (千家万户).
# ---------------------------------------------------------------------------
HAND_COUNT: dict[str, list[tuple[str, int | str, str, str | None]]] = {
    "000": [
        ("9次", 9, EXACT, "次"),
        ("5次", 5, EXACT, "次"),
        ("6次", 6, EXACT, "次"),
        ("60余次", 60, AT_LEAST, "次"),
        ("800余人", 800, AT_LEAST, "人"),
        ("5次", 5, EXACT, "次"),
        ("800余人", 800, AT_LEAST, "人"),
        ("40项", 40, EXACT, "项"),
        ("34项", 34, EXACT, "项"),
        ("6项", 6, EXACT, "项"),
    ],
    "001": [
        ("100余个", 100, AT_LEAST, "个"),
        ("近600人", 600, APPROX, "人"),
        ("100余张", 100, AT_LEAST, "张"),
        ("50余件", 50, AT_LEAST, "件"),
        ("3700余名", 3700, AT_LEAST, "名"),
        ("1天", 1, EXACT, "天"),
        ("80余人", 80, AT_LEAST, "人"),
        ("23名", 23, EXACT, "名"),
        ("12个", 12, EXACT, "个"),
        ("10余项", 10, AT_LEAST, "项"),
        ("11名", 11, EXACT, "名"),
        ("10万", 100000, EXACT, None),
        ("超过1万家", 10000, AT_LEAST, "家"),
        ("124个", 124, EXACT, "个"),
    ],
    "002": [
        ("534个", 534, EXACT, "个"),
        ("11543名", 11543, EXACT, "名"),
        ("7个", 7, EXACT, "个"),
        ("5个", 5, EXACT, "个"),
        ("1个", 1, EXACT, "个"),
        ("5个", 5, EXACT, "个"),
        ("两次", 2, EXACT, "次"),
        ("28件", 28, EXACT, "件"),
        ("146件", 146, EXACT, "件"),
        ("十五年", 15, EXACT, "年"),
        ("万余名", 10000, AT_LEAST, "名"),
        ("52个", 52, EXACT, "个"),
        ("12.5万元", 125000, EXACT, "元"),
        ("200余", 200, AT_LEAST, None),
        ("11543名", 11543, EXACT, "名"),
        ("600多件", 600, AT_LEAST, "件"),
        ("1400多个", 1400, AT_LEAST, "个"),
        ("320件", 320, EXACT, "件"),
    ],
    "003": [
        ("17项", 17, EXACT, "项"),
        ("34个", 34, EXACT, "个"),
        ("130个", 130, EXACT, "个"),
        ("四个", 4, EXACT, "个"),
        ("3个", 3, EXACT, "个"),
        ("4期", 4, EXACT, "期"),
        ("30余场次", 30, AT_LEAST, "场次"),
        ("近万人", 10000, APPROX, "人"),
        ("400余人", 400, AT_LEAST, "人"),
        ("50余场", 50, AT_LEAST, "场"),
        ("5万余人次", 50000, AT_LEAST, "人次"),
        ("300余次", 300, AT_LEAST, "次"),
        ("5个", 5, EXACT, "个"),
        ("2次", 2, EXACT, "次"),
        ("6部", 6, EXACT, "部"),
        ("1000余篇", 1000, AT_LEAST, "篇"),
        ("140万次", 1400000, EXACT, "次"),
        ("近千人", 1000, APPROX, "人"),
        ("1个", 1, EXACT, "个"),
        ("9个", 9, EXACT, "个"),
        ("127个", 127, EXACT, "个"),
        ("12个", 12, EXACT, "个"),
        ("17个", 17, EXACT, "个"),
        ("12个", 12, EXACT, "个"),
        ("11亿元", 1100000000, EXACT, "元"),
        ("7万吨", 70000, EXACT, "吨"),
        ("25个", 25, EXACT, "个"),
        ("36个", 36, EXACT, "个"),
        ("203亿元", 20300000000, EXACT, "元"),
        ("36亿元", 3600000000, EXACT, "元"),
        ("4个", 4, EXACT, "个"),
        ("26个", 26, EXACT, "个"),
        ("166.3亿元", 16630000000, EXACT, "元"),
        ("39亿元", 3900000000, EXACT, "元"),
        ("26个", 26, EXACT, "个"),
        ("80亿元", 8000000000, EXACT, "元"),
        ("5大类", 5, EXACT, "大类"),
        ("268个", 268, EXACT, "个"),
        ("207件", 207, EXACT, "件"),
        ("129件", 129, EXACT, "件"),
        ("1.4万处", 14000, EXACT, "处"),
        ("近70处", 70, APPROX, "处"),
        ("4000多平方米", 4000, AT_LEAST, "平方米"),
        ("近3万平方米", 30000, APPROX, "平方米"),
        ("4.1公里", "4.1", EXACT, "公里"),
        ("0.8公里", "0.8", EXACT, "公里"),
        ("两条", 2, EXACT, "条"),
    ],
    "004": [
        ("1次", 1, EXACT, "次"),
        ("6场次", 6, EXACT, "场次"),
        ("13场次", 13, EXACT, "场次"),
        ("2万余人次", 20000, AT_LEAST, "人次"),
        ("1次", 1, EXACT, "次"),
        ("50余次", 50, AT_LEAST, "次"),
        ("4000余人次", 4000, AT_LEAST, "人次"),
        ("1次", 1, EXACT, "次"),
        ("80余次", 80, AT_LEAST, "次"),
        ("1次", 1, EXACT, "次"),
        ("1次", 1, EXACT, "次"),
        ("1次", 1, EXACT, "次"),
        ("60余场", 60, AT_LEAST, "场"),
        ("2万余人次", 20000, AT_LEAST, "人次"),
        ("1次", 1, EXACT, "次"),
        ("1次", 1, EXACT, "次"),
        ("2万余人", 20000, AT_LEAST, "人"),
        ("1次", 1, EXACT, "次"),
        ("120余人", 120, AT_LEAST, "人"),
        ("5期", 5, EXACT, "期"),
        ("12份", 12, EXACT, "份"),
        ("33期", 33, EXACT, "期"),
        ("13期", 13, EXACT, "期"),
        ("30讲", 30, EXACT, "讲"),
        ("18期", 18, EXACT, "期"),
        ("128期", 128, EXACT, "期"),
    ],
}


def seed(name: str, *, to_simplified: bool = True):
    return import_text(SEEDS[name].read_text(encoding="utf-8"), to_simplified=to_simplified)


def figures(result) -> list[tuple[str, Decimal, str, str | None]]:
    return [(q.text, q.value, q.qualifier.value, q.unit) for q in result.quantities]


def expected(name: str) -> list[tuple[str, Decimal, str, str | None]]:
    return [(t, Decimal(str(v)), q, u) for t, v, q, u in HAND_COUNT[name]]


def precision_recall(found: list, wanted: list) -> tuple[int, int, int]:
    """(true positives, found, wanted), matching figures as a multiset."""
    left = Counter(wanted)
    hits = 0
    for item in found:
        if left[item] > 0:
            left[item] -= 1
            hits += 1
    return hits, len(found), len(wanted)


# ------------------------------------------------------------------ seeds


@pytest.mark.parametrize("name", sorted(HAND_COUNT))
def test_seed_figures_match_the_hand_count(name):
    assert figures(seed(name)) == expected(name)


def test_precision_and_recall_on_the_five_seeds(capsys):
    hits = found = wanted = 0
    for name in sorted(HAND_COUNT):
        h, f, w = precision_recall(figures(seed(name)), expected(name))
        hits, found, wanted = hits + h, found + f, wanted + w
    precision, recall = hits / found, hits / wanted
    with capsys.disabled():
        print(f"\nseed figures: {hits} correct, {found} found, {wanted} by hand: "
              f"precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95


def test_seed_000_800余人_is_at_least_800_people_in_its_clause():
    q = seed("000").quantities[4]
    assert (q.text, q.value, q.qualifier, q.unit) == ("800余人", 800, Qualifier.AT_LEAST, "人")
    assert q.context == "参与党史学习教育人数达800余人"


def test_seed_000_is_traditional_with_pinyin_and_converts_everywhere():
    plain = seed("000", to_simplified=False)
    assert [str(w.message) for w in plain.warnings] == [
        "the text looks like traditional Chinese (“揚”); pass --to-simplified to convert it"
    ]
    assert "(xué)" not in plain.body and "學習" in plain.body
    assert [q.unit for q in plain.quantities][-3:] == ["項", "項", "項"]
    simple = seed("000")
    assert simple.warnings == []
    assert "## 一、以上率下、迅速动员，让党史学习教育“热起来”" in simple.body
    assert "### 在理论上求“深” 坚持领导干部带头学" in simple.body
    assert "- 依托红色资源创新开展现场研学" in simple.body
    assert "株洲高新区（天元区）" in simple.body
    assert simple.quantities[-1].context == "阶段性完成6项"
    assert simple.title is None and simple.date is None


def test_seed_002_front_matter_and_web_leftovers():
    result = seed("002")
    assert result.title == "凝聚奋进力量——云溪区扎实推进党史学习教育纪实"
    assert result.date.isoformat() == "2021-06-04"
    assert result.source is None  # the page's 来源: is empty
    assert result.author == "邓志强 易松"
    for leftover in ("来源", "-->", "192.168", "null", "content_4980", "热点文章推荐", "相关文章推荐", "00:00:00"):
        assert leftover not in result.body
    assert "## 坚持以上率下 党史学习掀热潮" in result.body
    assert "“青春向党共奋进 松杨湖畔青年说”演讲比赛" in result.body
    assert result.body.rstrip().endswith("勇立潮头、逐浪前行。")


def test_seed_001_and_003_sources_authors_and_headings():
    first = seed("001")
    assert first.source == "中新生态城发布" and first.title is None
    assert "## 挖掘红色资源 开展体验式学习教育" in first.body
    third = seed("003")
    assert third.title == "吉林高新区扎实开展党史学习教育综述"
    assert third.author == "吉林高新区党工委办公室 张新卓"
    assert "## “三化结合”抓推进" in third.body


def test_seed_004_numbered_items_are_headings_and_一是_paragraphs_stay():
    body = seed("004").body
    assert "## 1、深入开展潜心专研自学活动\n\n省工业和信息化厅组织系统" in body
    assert "\n\n一是突出“三化”抓好党史专题宣讲。" in body
    assert body.index("#") == body.index("## 1、深入")


# ------------------------------------------------------------------ cleaning


def body_of(text: str, **kw) -> str:
    return import_text(text, to_simplified=kw.get("to_simplified", False)).body


def test_web_leftovers_are_removed():
    text = (
        "标题在这里\n来源:\n-->\n正文第一段，详见http://192.168.1.5:8080/pc/content_123.html内部页面。\n"
        "正文第二段。\n2021-06-04\n00:00:00:0——标题在这里498010http://10.0.0.1/x.htmlnull\n热点文章推荐\n"
        "别的文章\n相关文章推荐\n"
    )
    result = import_text(text, to_simplified=False)
    assert result.body == "正文第一段，详见内部页面。\n\n正文第二段。\n"
    assert result.date.isoformat() == "2021-06-04"


def test_public_urls_stay():
    assert "https://www.gov.cn/a.html" in body_of("标题\n详见https://www.gov.cn/a.html。\n")


def test_a_sentence_broken_across_lines_is_joined():
    text = "标题\n自党史学习教育开展以来，高科集团党委理论学习中心组以上率下，坚持思想\n引领、学习在先。\n"
    assert body_of(text) == "自党史学习教育开展以来，高科集团党委理论学习中心组以上率下，坚持思想引领、学习在先。\n"


def test_a_line_ending_in_a_comma_continues():
    assert body_of("标题\n全区上下，\n共同学习。\n") == "全区上下，共同学习。\n"


def test_a_name_broken_inside_parentheses_is_joined():
    result = import_text("标题\n正文一段。\n(邓志强\n易\n松)\n", to_simplified=False)
    assert result.author == "邓志强 易松"


def test_a_quotation_broken_at_a_space_is_joined_with_the_space():
    assert body_of("标题\n举办“追寻红色记忆\n不忘初心前行”实践教学活动。\n") == "举办“追寻红色记忆 不忘初心前行”实践教学活动。\n"


def test_pinyin_glosses_are_removed():
    assert body_of("标题\n黨史學(xué)習(xí)教育，學习(xué xí)，learn (ABC)。\n") == "黨史學習教育，學习，learn (ABC)。\n"


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("百年征程,高扬旗帜", "百年征程，高扬旗帜"),
        ("来源:中新生态城", None),  # a source line: taken into the front matter
        ("株洲高新区(天元区)党员", "株洲高新区（天元区）党员"),
        ("主题是:学史明理", "主题是：学史明理"),
        ("参加人数1,200人,10:30开始", "参加人数1,200人，10:30开始"),
        ("Hello, world (2021)", "Hello, world (2021)"),
        ("“学史明理” 、“学史增信”、 “学史崇德 ”", "“学史明理”、“学史增信”、“学史崇德”"),
    ],
)
def test_half_width_punctuation_between_chinese_becomes_full_width(raw, clean):
    result = import_text(f"标题\n{raw}\n", to_simplified=False)
    if clean is None:
        assert result.source == "中新生态城"
    else:
        assert result.body == clean + "\n"


def test_to_simplified_converts_every_text_field():
    text = "高科集團開展黨史學習教育\n發布時間：2021年9月30日\n來源：高科集團\n參與黨史學習教育人數達800餘人，涉及實事40項。\n"
    result = import_text(text, to_simplified=True)
    assert result.title == "高科集团开展党史学习教育"
    assert result.source == "高科集团"
    assert result.body == "参与党史学习教育人数达800余人，涉及实事40项。\n"
    assert [(q.text, q.unit, q.context) for q in result.quantities] == [
        ("800余人", "人", "参与党史学习教育人数达800余人"),
        ("40项", "项", "涉及实事40项"),
    ]
    assert result.warnings == []


def test_traditional_text_is_left_alone_with_a_warning():
    result = import_text("高科集團開展黨史學習教育\n涉及實事40項。\n", to_simplified=False)
    assert result.title == "高科集團開展黨史學習教育"
    assert result.quantities[0].unit == "項"
    assert result.warnings[0].line == 1 and result.warnings[0].col == 4  # 團


def test_simplified_text_with_a_stray_traditional_form_is_not_warned_about():
    assert import_text("标题\n乾隆年间的故事，我们一起学习党史。\n", to_simplified=False).warnings == []


# ------------------------------------------------------------------ front matter


@pytest.mark.parametrize(
    "line, date",
    [
        ("2021-06-04", "2021-06-04"),
        ("2021/6/4 10:20:30", "2021-06-04"),
        ("2021年6月4日", "2021-06-04"),
        ("二〇二一年六月四日", "2021-06-04"),
        ("发表时间：2021-06-04", "2021-06-04"),
        ("发布时间: 2021年06月04日 星期五", "2021-06-04"),
        ("来源：云溪区融媒体中心  发布时间：2021-06-04 09:00  作者：李四", "2021-06-04"),
    ],
)
def test_date_lines_are_found_and_removed(line, date):
    result = import_text(f"云溪区推进党史学习教育\n{line}\n正文第一段。\n", to_simplified=False)
    assert result.date.isoformat() == date
    assert result.body == "正文第一段。\n"


def test_a_date_inside_a_sentence_is_not_the_bulletin_date():
    result = import_text("标题\n2021年6月4日，全区召开动员大会。\n", to_simplified=False)
    assert result.date is None and result.body.startswith("2021年6月4日，")


def test_meta_line_gives_source_and_author():
    result = import_text("标题\n来源：云溪区融媒体中心  发布时间：2021-06-04  作者：李四\n正文。\n", to_simplified=False)
    assert (result.source, result.author) == ("云溪区融媒体中心", "李四")


@pytest.mark.parametrize(
    "lines, author",
    [
        ("正文。\n（吉林高新区党工委办公室 张新卓）", "吉林高新区党工委办公室 张新卓"),
        ("正文。\n(记者 张三 通讯员 李四)", "张三 李四"),
        ("作者：王五\n正文。", "王五"),
        ("本报记者 赵六\n正文。", "赵六"),
        ("正文最后一句。（邓志强）", "邓志强"),
    ],
)
def test_author_lines(lines, author):
    assert import_text(f"标题\n{lines}\n", to_simplified=False).author == author


def test_a_contributed_by_line_is_the_source():
    result = import_text("标题\n正文。\n（平江县委宣传部供稿）\n", to_simplified=False)
    assert (result.source, result.author) == ("平江县委宣传部", None)


def test_a_long_first_line_is_not_a_title():
    result = import_text("百年征程，高扬永不褪色的信仰旗帜；接续传承，坚定矢志不渝的前进方向。\n第二段。\n", to_simplified=False)
    assert result.title is None


def test_a_masthead_gives_the_date_and_issuer_and_is_not_the_title():
    text = "党史学习教育简报\n第12期\n中共云溪区委党史学习教育领导小组办公室 2021年6月4日\n云溪区扎实推进党史学习教育\n正文。\n"
    result = import_text(text, to_simplified=False)
    assert result.title == "云溪区扎实推进党史学习教育"
    assert result.date.isoformat() == "2021-06-04"
    assert result.source == "中共云溪区委党史学习教育领导小组办公室"


# ------------------------------------------------------------------ headings and lists


def test_heading_systems_nest_一_over_paren_一_over_1():
    text = (
        "标题\n一、提高站位\n正文甲。\n（一）加强组织领导\n正文乙。\n1、成立领导小组\n正文丙。\n"
        "二、创新方式。区委组织开展专题学习，全区党员干部踊跃参与，学习热情高涨，效果良好，得到了群众的广泛好评。\n"
    )
    assert body_of(text) == (
        "## 一、提高站位\n\n正文甲。\n\n### （一）加强组织领导\n\n正文乙。\n\n#### 1、成立领导小组\n\n正文丙。\n\n"
        "## 二、创新方式\n\n区委组织开展专题学习，全区党员干部踊跃参与，学习热情高涨，效果良好，得到了群众的广泛好评。\n"
    )


def test_a_half_width_paren_一_heading_is_recognised():
    assert body_of("标题\n(一)加强组织领导\n正文。\n").startswith("## （一）加强组织领导\n")


def test_numbered_items_alone_are_the_top_level():
    assert body_of("标题\n1、深入开展自学\n正文。\n2、集中研讨\n正文。\n") == (
        "## 1、深入开展自学\n\n正文。\n\n## 2、集中研讨\n\n正文。\n"
    )


def test_short_lines_over_a_paragraph_are_headings_under_numbered_ones():
    text = "标题\n一、学党史\n导语一段。\n梳理清单，挂图作战推落实\n高科集团梳理制定了项目清单。\n"
    assert body_of(text) == "## 一、学党史\n\n导语一段。\n\n### 梳理清单，挂图作战推落实\n\n高科集团梳理制定了项目清单。\n"


def test_two_short_lines_over_a_paragraph_are_one_heading():
    assert body_of("标题\n坚持以上率下\n党史学习掀热潮\n正文一段。\n").startswith("## 坚持以上率下 党史学习掀热潮\n")


def test_short_lines_without_a_paragraph_after_them_stay_paragraphs():
    assert body_of("标题\n正文一段。\n最后一行没有标点") == "正文一段。\n\n最后一行没有标点\n"


def test_bullets_become_list_items():
    text = "标题\n导语。\n■依托红色资源开展现场研学，取得实效。\n●组织党员观看电影，接受教育。\n结语。\n"
    assert body_of(text) == "导语。\n\n- 依托红色资源开展现场研学，取得实效。\n- 组织党员观看电影，接受教育。\n\n结语。\n"


def test_a_short_bullet_over_a_paragraph_is_a_heading():
    assert body_of("标题\n■ 聚焦民生\n高科集团开展实事活动。\n") == "## 聚焦民生\n\n高科集团开展实事活动。\n"


def test_一是_二是_paragraphs_stay_paragraphs():
    text = "标题\n一是突出“三化”抓好宣讲。按照对象化要求开展。\n二是开展主题党日活动。\n"
    assert body_of(text) == "一是突出“三化”抓好宣讲。按照对象化要求开展。\n\n二是开展主题党日活动。\n"


def test_markdown_characters_in_plain_text_are_escaped():
    assert body_of("标题\n# 不是标题，*也不是*强调 <b>。\n") == "\\# 不是标题，\\*也不是\\*强调 \\<b>。\n"


# ------------------------------------------------------------------ figures


def found(sentence: str, *, to_simplified: bool = False) -> list[tuple[str, Decimal, str, str | None]]:
    return figures(import_text(f"标题\n{sentence}\n", to_simplified=to_simplified))


@pytest.mark.parametrize(
    "sentence, want",
    [
        ("参与人数达800余人。", [("800余人", 800, AT_LEAST, "人")]),
        ("参加学习140 余人次。", [("140 余人次", 140, AT_LEAST, "人次")]),
        ("帮办事务600多件。", [("600多件", 600, AT_LEAST, "件")]),
        ("近600人参加。", [("近600人", 600, APPROX, "人")]),
        ("约300名党员参加。", [("约300名", 300, APPROX, "名")]),
        ("超过3万人次参与。", [("超过3万人次", 30000, AT_LEAST, "人次")]),
        ("参加人数300人以上。", [("300人以上", 300, AT_LEAST, "人")]),
        ("到场80人左右。", [("80人左右", 80, APPROX, "人")]),
        ("受众5万余人次。", [("5万余人次", 50000, AT_LEAST, "人次")]),
        ("惠及300余万人。", [("300余万人", 3000000, AT_LEAST, "人")]),
        ("困扰万余名职工。", [("万余名", 10000, AT_LEAST, "名")]),
        ("累计听众近万人。", [("近万人", 10000, APPROX, "人")]),
        ("覆盖上万户家庭。", [("上万户", 10000, AT_LEAST, "户")]),
        ("合同引资额166.3亿元。", [("166.3亿元", Decimal("16630000000"), EXACT, "元")]),
        ("共整治1.4万处问题点位。", [("1.4万处", 14000, EXACT, "处")]),
        ("组织二十三场宣讲。", [("二十三场", 23, EXACT, "场")]),
        ("先后组织两次集中学习。", [("两次", 2, EXACT, "次")]),
        ("惠及两万余人。", [("两万余人", 20000, AT_LEAST, "人")]),
        ("开展活动十余次。", [("十余次", 10, AT_LEAST, "次")]),
        ("全长4.1公里。", [("4.1公里", Decimal("4.1"), EXACT, "公里")]),
        ("参加人数１，２００人。", [("１，２００人", 1200, EXACT, "人")]),
        ("参加人数1,200人。", [("1,200人", 1200, EXACT, "人")]),
        ("常住人口112万。", [("112万", 1120000, EXACT, None)]),
        ("让200余民在家门口看病。", [("200余", 200, AT_LEAST, None)]),
        ("集中学习9次，研讨5次。", [("9次", 9, EXACT, "次"), ("5次", 5, EXACT, "次")]),
    ],
)
def test_figures_are_read_with_qualifier_and_counting_word(sentence, want):
    assert found(sentence) == [(t, Decimal(str(v)), q, u) for t, v, q, u in want]


@pytest.mark.parametrize(
    "sentence",
    [
        "2021年6月4日召开大会。",
        "3月11日和15日开展宣讲。",
        "8月疫情袭来，4月份开始，5月中旬完成。",
        "会议于10:30开始，9时30分结束。",
        "编制2021年工业倍增计划，二〇二一年度工作。",
        "庆祝建党100周年，成立100 周年主题展览，党的一百年。",
        "第一时间传达学习，第十三次党代会，第一线，市第二实验小学。",
        "一是突出重点。二是强化措施。其一，之一。",
        "学习党的十九届六中全会精神和省委十二届八次全会精神。",
        "增强“四个意识”，坚定四个自信，做到两个维护。",
        "举办七一表彰大会，站在十四五新起点，党的十八大以来。",
        "增长了15%，提高3.5个百分点，完成百分之八十。",
        "组织观看《榜样5》，落实“1+1+10”系列政策。",
        "做到“五个一”，即“每月读一本书”。",
        "走进千家万户，千方百计，成千上万的群众。",
        "申报至少一件实事，一对一服务，一批基地。",
        "数百人参加，十几个单位，几十人。",
        "5G基站和G20峰会，电话0731-12345678。",
        "规划建设五中、一实验，三道岭村。",
        "1、深入开展自学。（1）集中研讨。",
    ],
)
def test_non_figures_are_not_quantities(sentence):
    assert found(sentence) == []


def test_context_is_the_clause_between_punctuation_marks():
    result = import_text("标题\n目前，高科集团党委累计开展集中学习9次；参与党史学习教育人数达800余人。\n", to_simplified=False)
    assert [q.context for q in result.quantities] == ["高科集团党委累计开展集中学习9次", "参与党史学习教育人数达800余人"]


def test_figures_in_headings_and_list_items_are_found():
    result = import_text("标题\n一、开展学习9次\n正文。\n■ 参观基地6次，接受教育。\n", to_simplified=False)
    assert [q.text for q in result.quantities] == ["9次", "6次"]


# ------------------------------------------------------------------ JSON


def run(files, tmp_path, *, unit=None, as_json=False, force=False, to_simplified=False):
    out, err = io.StringIO(), io.StringIO()
    code = run_import(
        [str(f) for f in files], source=tmp_path / "site", unit=unit, to_simplified=to_simplified,
        as_json=as_json, force=force, report=Reporter(out, err, ENGLISH),
    )
    return code, out.getvalue(), err.getvalue()


def test_json_has_exactly_the_spec_shape_with_integral_values_as_ints(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("高科集团开展党史学习教育\n2021-09-30\n参与人数达800余人，全长4.1公里。\n", encoding="utf-8")
    code, out, err = run([path], tmp_path, as_json=True)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["title", "date", "source", "author", "body", "quantities"]
    assert data["date"] == "2021-09-30" and data["source"] is None and data["author"] is None
    assert data["quantities"] == [
        {"text": "800余人", "value": 800, "qualifier": "at_least", "unit": "人", "context": "参与人数达800余人"},
        {"text": "4.1公里", "value": 4.1, "qualifier": "exact", "unit": "公里", "context": "全长4.1公里"},
    ]
    assert isinstance(data["quantities"][0]["value"], int)
    assert not (tmp_path / "site").exists()


def test_json_of_several_files_is_a_list(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("标题\n正文。\n", encoding="utf-8")
    code, out, _ = run([tmp_path / "a.txt", tmp_path / "b.txt"], tmp_path, as_json=True)
    assert code == 0 and len(json.loads(out)) == 2


def test_json_keeps_non_ascii_characters(tmp_path):
    (tmp_path / "a.txt").write_text("标题\n正文。\n", encoding="utf-8")
    assert '"title": "标题"' in run([tmp_path / "a.txt"], tmp_path, as_json=True)[1]


def test_to_simplified_warning_is_printed_as_a_located_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("標題\n高科集團開展黨史學習教育。\n", encoding="utf-8")
    code, _, err = run([path], tmp_path, as_json=True)
    assert code == 0
    assert err == f"{path}:1:1: warning: the text looks like traditional Chinese (“標”); pass --to-simplified to convert it\n"
    assert run([path], tmp_path, as_json=True, to_simplified=True)[2] == ""


# ------------------------------------------------------------------ input formats


def test_txt_in_gb18030_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("云溪区推进党史学习教育\n2021年6月4日\n梳理民生实事28件。\n".encode("gb18030"))
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert data["title"] == "云溪区推进党史学习教育"
    assert data["quantities"][0]["text"] == "28件"


def test_txt_with_a_bom_and_crlf_is_read(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff标题\r\n正文9次。\r\n".encode("utf-8"))
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert (data["title"], data["body"]) == ("标题", "正文9次。\n")


def test_html_article_is_found_without_navigation_scripts_or_related_articles(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        """<!DOCTYPE html><html><head><meta charset="utf-8"><title>高科集团开展党史学习教育 - 门户网站</title>
        <script>var s = "脚本里的300人";</script><style>p{}</style></head><body>
        <div class="nav"><ul><li>首页</li><li>新闻中心</li></ul></div>
        <div class="main"><h1>高科集团开展党史学习教育</h1>
        <div class="info">来源：株洲高科集团 发布时间：2021-09-30 10:20</div>
        <div id="content"><p>高科集团党委累计开展集中学习9次，参与人数达800余人。</p>
        <h2>一、以上率下</h2><p>各级党组织开展专题学习60余次。<br>梳理实事40项。</p>
        <ul><li>开展宣讲5次</li></ul></div>
        <div class="related"><h3>相关文章</h3><ul><li>另一篇 200人参加</li></ul></div></div>
        <div class="footer">版权所有 联系电话 0731-12345678</div></body></html>""",
        encoding="utf-8",
    )
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert (data["title"], data["date"], data["source"]) == ("高科集团开展党史学习教育", "2021-09-30", "株洲高科集团")
    assert data["body"] == (
        "高科集团党委累计开展集中学习9次，参与人数达800余人。\n\n## 一、以上率下\n\n"
        "各级党组织开展专题学习60余次。\n\n梳理实事40项。\n\n- 开展宣讲5次\n"
    )
    assert [q["text"] for q in data["quantities"]] == ["9次", "800余人", "60余次", "40项", "5次"]


def test_html_meta_tags_and_preformatted_text_are_read(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(
        '<html><head><meta name="PubDate" content="2021-06-04 09:30"><meta name="ContentSource" content="云溪区融媒体中心">'
        '</head><body><div class="site-title">门户网站</div><div class="content"><h1>云溪区推进党史学习教育</h1>'
        "<pre>\n全区534个基层党组织参加学习。\n梳理民生实事28件。\n</pre></div></body></html>",
        encoding="utf-8",
    )
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert (data["title"], data["date"], data["source"]) == ("云溪区推进党史学习教育", "2021-06-04", "云溪区融媒体中心")
    assert data["body"] == "全区534个基层党组织参加学习。\n\n梳理民生实事28件。\n"


def test_html_declared_as_gb2312_is_decoded(tmp_path):
    path = tmp_path / "gb.html"
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>' \
           "<article><h1>标题</h1><p>开展学习9次。</p></article></body></html>"
    path.write_bytes(html.encode("gb18030"))
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert data["title"] == "标题" and data["body"] == "开展学习9次。\n"


def test_docx_keeps_paragraphs_headings_lists_and_tables(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("云溪区扎实推进党史学习教育", level=0)
    document.add_paragraph("发布时间：2021年6月4日")
    document.add_paragraph("全区11543名党员干部参加学习。")
    document.add_heading("一、坚持以上率下", level=1)
    document.add_heading("（一）加强领导", level=2)
    document.add_paragraph("派出5个巡回指导组。")
    document.add_paragraph("开展宣讲20场", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "指标", (0, 1): "数量", (1, 0): "民生实事", (1, 1): "28件"}.items():
        table.cell(r, c).text = text
    document.add_paragraph("（记者 张三）")
    path = tmp_path / "bulletin.docx"
    document.save(path)
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert (data["title"], data["date"], data["author"]) == ("云溪区扎实推进党史学习教育", "2021-06-04", "张三")
    assert data["body"] == (
        "全区11543名党员干部参加学习。\n\n## 一、坚持以上率下\n\n### （一）加强领导\n\n派出5个巡回指导组。\n\n"
        "- 开展宣讲20场\n\n| 指标 | 数量 |\n| --- | --- |\n| 民生实事 | 28件 |\n"
    )
    assert [(q["text"], q["context"]) for q in data["quantities"]] == [
        ("11543名", "全区11543名党员干部参加学习"),
        ("5个", "派出5个巡回指导组"),
        ("20场", "开展宣讲20场"),
        ("28件", "民生实事 数量 28件"),
    ]


def test_markdown_input_keeps_its_structure_and_front_matter(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: 已有标题\ndate: 2021-06-04\n---\n# 不是标题\n\n正文第一段，\n折行继续，开展学习9次。\n\n"
        "## 小标题\n\n- 列表一\n- 列表二 **加粗**\n",
        encoding="utf-8",
    )
    data = json.loads(run([path], tmp_path, as_json=True)[1])
    assert (data["title"], data["date"]) == ("已有标题", "2021-06-04")
    assert data["body"] == "## 不是标题\n\n正文第一段，折行继续，开展学习9次。\n\n## 小标题\n\n- 列表一\n- 列表二 **加粗**\n"


def test_unreadable_inputs_are_errors_not_tracebacks(tmp_path):
    bad_docx = tmp_path / "bad.docx"
    bad_docx.write_bytes(b"not a zip")
    other = tmp_path / "x.xls"
    other.write_bytes(b"\xd0\xcf")
    code, out, err = run([bad_docx, other, tmp_path / "missing.txt"], tmp_path, as_json=True)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"{bad_docx}:1:1: error: cannot open the Word document")
    assert lines[1] == f'{other}:1:1: error: cannot import a ".xls" file: expected .doc, .docx, .html, .md, .pdf, .txt, .wps'
    assert lines[2].startswith(f"{tmp_path / 'missing.txt'}:1:1: error: cannot read the file")


# ------------------------------------------------------------------ writing files


METRICS = """\
study_sessions:
  label: 集中学习研讨
  unit: 次
participants:
  label: 参与人次
  unit: 人次
matters_listed:
  label: 实事项目
  unit: 项
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    (root / "data" / "metrics.yaml").write_text(METRICS, encoding="utf-8")
    return root


@pytest.fixture
def bulletin_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_text(
        "高科集团: 扎实开展“党史学习教育”\n发布时间：2021-09-30\n来源：株洲高科集团\n"
        "目前，高科集团党委累计开展集中学习9次，参与党史学习教育人数达800余人。\n涉及实事40项，已完成34项。\n",
        encoding="utf-8",
    )
    return path


def test_import_writes_the_bulletin_with_quoted_front_matter(site, bulletin_file, tmp_path):
    code, out, err = run([bulletin_file], tmp_path, unit="gaoke")
    assert (code, err) == (0, "")
    written = list((site / "content" / "gaoke").glob("*.md"))
    assert [p.name for p in written] == ["2021-09-30-gao-ke-ji-tuan-zha-shi-kai-zhan-dang-shi-xue-xi.md"]
    text = written[0].read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "高科集团：扎实开展“党史学习教育”"\ndate: 2021-09-30\nsource: "株洲高科集团"\n'
                           "draft: true    # 草稿：核对无误后删去这一行，即可发布 (a draft: delete this line to publish it)\n"
                           "---\n\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == "高科集团：扎实开展“党史学习教育”" and str(meta["date"]) == "2021-09-30"
    assert out.splitlines()[0] == f"wrote content/gaoke/{written[0].name}"


# The draft report an import appends: tests/test_import_draft.py


def test_missing_unit_without_json_is_a_usage_error(site, bulletin_file, tmp_path):
    code, _, err = run([bulletin_file], tmp_path)
    assert code == 2 and "--unit" in err
    assert run([bulletin_file], tmp_path, unit="Not A Slug")[0] == 2
    assert not (site / "content").exists()


def test_a_bulletin_without_title_or_date_cannot_be_written(site, tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(SEEDS["004"].read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run([path], tmp_path, unit="gongxin")
    assert code == 1
    assert err == (
        f"{path}:1:1: error: no title and no date found; add a short first line as its title "
        "and a line such as 发布时间：2021-06-04, or give them: --title TITLE --date 2021-06-04\n"
    )
    assert not (site / "content").exists()


def test_seed_002_imports_through_the_command_line(site, tmp_path):
    from bulletin.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["import", str(SEEDS["002"]), "--source", str(site), "--unit", "yunxi"], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    (written,) = (site / "content" / "yunxi").glob("*.md")
    assert written.name.startswith("2021-06-04-ning-ju-fen-jin-li-liang")
    assert 'author: "邓志强 易松"' in written.read_text(encoding="utf-8")
