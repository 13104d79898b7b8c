"""Charts: accessible, escaped, script-free and deterministic; dates at their true distance; qualifiers kept;
units joining a total marked; labels as large as the body text at every text size, never overlapping."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.model import Qualifier, Quantity
from bulletin.quantities import format_number
from bulletin.render.chartaxis import STEPS, _extent, axis_labels, positions, text_width
from bulletin.render.charts import ChartPoint, completion_bar, line_chart, nice_scale
from bulletin.render.ratios import completion_text
from bulletin.stats import Completion

SVG = "{http://www.w3.org/2000/svg}"
EXACT, AT_LEAST = Qualifier.EXACT, Qualifier.AT_LEAST


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def q(value: str | int, qualifier: Qualifier = EXACT) -> Quantity:
    return Quantity(Decimal(value), qualifier)


POINTS = [ChartPoint(d("2021-03-31"), q(600), ("甲",), 1), ChartPoint(d("2021-06-30"), None),
          ChartPoint(d("2021-09-30"), q(1400, AT_LEAST), ("乙",), 2), ChartPoint(d("2021-12-31"), q("1.5E+3"), (), 2)]


def drawing(html: str) -> ET.Element:
    """The chart's <svg>, parsed."""
    return ET.fromstring(html[html.index("<svg"): html.index("</svg>") + 6])


def markers(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "marker" in g.get("class", "").split()]


def marker_x(group: ET.Element) -> float:
    return float(re.match(r"M([\d.]+) ", group.find(f"{SVG}path").get("d")).group(1))


def test_line_chart_is_an_image_whose_text_alternative_gives_every_figure_with_its_qualifier():
    html = line_chart(POINTS, title="参与人次", unit="人次", id_prefix="chart-participants")
    root = drawing(html)

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-participants-title chart-participants-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == ("chart-participants-title", "参与人次")
    assert (desc.get("id"), desc.text) == (
        "chart-participants-desc",
        "2021年3月31日：600人次，共1个单位；2021年6月30日：暂无数据；"
        "2021年9月30日：1400余人次，新增1个单位报告（乙），共2个单位；2021年12月31日：1500人次",
    )


def test_labels_are_page_text_hidden_from_screen_readers_as_a_repeat_of_the_desc():
    html = line_chart(POINTS, title="参与人次", unit="人次", id_prefix="c")
    outside = re.sub(r"<svg.*</svg>", "", html, flags=re.S)

    assert "<text" not in html  # no text is drawn in the drawing, where it would shrink with it
    for block in re.findall(r'<(?:div|span|p) class="(?:chart-unit|chart-y|chart-x|chart-value)[^"]*"[^>]*>', outside):
        assert 'aria-hidden="true"' in block
    assert "1400余" in outside and "单位：人次" in outside  # the value above its point keeps its qualifier


def test_dates_are_chinese_and_at_their_true_distance():
    points = [ChartPoint(d("2021-03-19"), q(1)), ChartPoint(d("2021-04-30"), q(2)), ChartPoint(d("2021-11-30"), q(3))]
    html = line_chart(points, title="t", unit="次", id_prefix="c")
    xs = [marker_x(g) for g in markers(drawing(html))]

    # 42 and 214 days apart: the gaps are in that proportion, not equal
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) == pytest.approx(42 / 214, abs=0.01)
    assert "2021-" not in html
    assert "日期：2021年" in html and ">11月30日</span>" in html


def test_a_chart_spanning_years_says_the_year_on_the_first_date_of_each():
    points = [ChartPoint(d("2021-11-30"), q(1)), ChartPoint(d("2022-03-31"), q(2))]
    html = line_chart(points, title="t", unit="次", id_prefix="c")

    assert "日期：2021—2022年" in html
    assert ">2021年11月30日</span>" in html and ">2022年3月31日</span>" in html


def test_a_unit_joining_the_total_is_marked_and_said_under_the_chart():
    html = line_chart(POINTS, title="t", unit="人次", id_prefix="c")
    root = drawing(html)

    joined = [g for g in markers(root) if "join-marker" in g.get("class")]
    assert [g.find(f"{SVG}title").text for g in joined] == ["2021年9月30日：1400余人次"]
    assert len([line for line in root.iter(f"{SVG}line") if line.get("class") == "join"]) == 1
    assert ("实心点和竖虚线处有单位首次报告，合计的增加含其数据：2021年9月30日新增1个单位报告（乙）。"
            in re.sub(r"<[^>]+>", "", html))


def test_the_first_report_of_a_total_is_not_a_unit_joining():
    html = line_chart([ChartPoint(d("2021-03-31"), q(1), ("甲",), 1), ChartPoint(d("2021-06-30"), q(2), (), 1)],
                      title="t", unit="次", id_prefix="c")

    assert "chart-note" not in html and 'class="join"' not in html and "join-marker" not in html


def test_line_chart_has_one_marker_per_value_and_none_is_a_gap():
    root = drawing(line_chart(POINTS, title="t", unit="人", id_prefix="c"))

    assert len(markers(root)) == 3
    polylines = list(root.iter(f"{SVG}polyline"))
    assert len(polylines) == 1  # only 2021-09-30 -> 2021-12-31 are adjacent
    assert len(polylines[0].get("points").split()) == 2


def test_single_point_renders_as_a_marker_in_the_middle():
    root = drawing(line_chart([ChartPoint(d("2021-03-31"), q(7))], title="t", unit="人", id_prefix="c"))

    assert [marker_x(g) for g in markers(root)] == [500.0]
    assert list(root.iter(f"{SVG}polyline")) == []


@pytest.mark.parametrize("points", [[], [ChartPoint(d("2021-03-31"), None), ChartPoint(d("2021-06-30"), None)]])
def test_chart_without_values_says_暂无数据(points):
    html = line_chart(points, title="参与人次", unit="人", id_prefix="c")

    assert markers(drawing(html)) == []
    assert drawing(html).find(f"{SVG}desc").text == "暂无数据"
    assert ">暂无数据</p>" in html


def test_y_axis_runs_from_0_to_a_round_maximum_with_labelled_gridlines():
    html = line_chart(POINTS, title="t", unit="人次", id_prefix="c")
    axis = html[html.index('<div class="chart-y"'): html.index("</div>", html.index('<div class="chart-y"'))]

    assert re.findall(r'class="py-\d+">(\d+)<', axis) == ["0", "500", "1000", "1500"]


def test_labels_are_placed_by_classes_the_stylesheet_has_never_by_style_attributes():
    html = line_chart(POINTS, title="t", unit="人", id_prefix="c")
    css = (Path(__file__).resolve().parent.parent / "bulletin/theme/static/style.css").read_text(encoding="utf-8")

    assert "style=" not in html
    used = set(re.findall(r"\b(p[xy]-\d+)\b", html))
    assert used and all(f".chart-body .{name}{{" in css for name in used)
    assert all(f".chart-body .p{axis}-{n}{{" in css for axis in "xy" for n in range(201))


def test_the_drawing_stretches_to_its_box_and_its_strokes_keep_their_width():
    html = line_chart(POINTS, title="t", unit="人", id_prefix="c")
    root = drawing(html)

    assert (root.get("viewBox"), root.get("preserveAspectRatio")) == ("0 0 1000 1000", "none")
    for element in root.iter():
        if element.get("stroke"):
            assert element.get("vector-effect") == "non-scaling-stroke", element.tag


@pytest.mark.parametrize(
    "peak, step, steps",
    [
        (Decimal(600), Decimal(200), 3),
        (Decimal(1400), Decimal(500), 3),
        (Decimal(1), Decimal("0.2"), 5),
        (Decimal(7), Decimal(2), 4),
        (Decimal(38), Decimal(10), 4),
        (Decimal("166.3"), Decimal(50), 4),
        (Decimal(0), Decimal("0.2"), 5),
    ],
)
def test_nice_scale_picks_a_round_step(peak, step, steps):
    assert nice_scale(peak) == (step, steps)


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**12), allow_nan=False, allow_infinity=False))
def test_nice_scale_covers_the_peak_in_3_to_5_steps(peak):
    step, steps = nice_scale(peak)

    assert 3 <= steps <= 5
    assert step * steps >= peak > step * (steps - 1)


def test_untrusted_text_is_escaped():
    html = line_chart([ChartPoint(d("2021-03-31"), q(1), ("<b>x</b>",), 1), ChartPoint(d("2021-06-30"), q(2), ("<i>",), 2)],
                      title="<script>alert(1)</script>", unit='人"&', id_prefix='x" onload="y')

    assert "<script" not in html and "<b>" not in html and "<i>" not in html
    assert drawing(html).find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert drawing(html).get("onload") is None


def test_charts_contain_no_script():
    done = Completion(q(38), q(50), ("a",))
    for html in [line_chart(POINTS, title="t", unit="人", id_prefix="c"),
                 completion_bar(done, label="已办结", unit="项", id_prefix="b")]:
        assert "<script" not in html.lower()
        assert not re.search(r"\son\w+=", html)


def test_two_charts_on_one_page_have_distinct_ids():
    html = line_chart(POINTS, title="t", unit="人", id_prefix="a") + line_chart(POINTS, title="t", unit="人", id_prefix="b")
    ids = re.findall(r'\sid="([^"]+)"', html)

    assert len(ids) == len(set(ids)) == 4


def test_chart_output_is_deterministic_with_short_coordinates():
    points = [ChartPoint(dt.date(2021, m, 1), q(Decimal(m * 37) / 3)) for m in range(1, 13)]
    html = line_chart(points, title="t", unit="人", id_prefix="c")

    assert html == line_chart(points, title="t", unit="人", id_prefix="c")
    drawn = html[html.index("<svg"): html.index("</svg>")]
    assert not re.search(r'="[^"]*\d\.\d\d', drawn)  # drawing coordinates: at most one decimal
    assert "E+" not in html and "e+" not in html


def test_many_points_keep_every_marker_and_the_latest_date_is_always_labelled():
    points = [ChartPoint(dt.date(2021, m, 1), q(m)) for m in range(1, 13)]
    html = line_chart(points, title="t", unit="人", id_prefix="c")
    labels = axis_labels([p.date for p in points])

    assert len(markers(drawing(html))) == 12
    assert labels[-1] is not None and labels[-1].min_width <= 10 and labels[-1].text == "12月1日"
    assert labels[0] is not None


dates = st.lists(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2023, 12, 31)), min_size=1, max_size=30,
                 unique=True).map(sorted)


@settings(max_examples=200, deadline=None)
@given(dates, st.sampled_from(STEPS))
def test_labels_shown_at_any_width_never_overlap_nor_leave_the_chart(days, width):
    if width == 0:
        return
    labels = [label for label in axis_labels(days) if label is not None and label.min_width <= width]
    spans = []
    for label in labels:
        left, right = _extent(text_width(label.text), label.anchor)
        spans.append((label.position * width - left, label.position * width + right))
    spans.sort()
    assert all(a >= -1e-9 and b <= width + 1e-9 for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


@given(dates)
def test_positions_keep_the_order_and_the_proportions_of_the_dates(days):
    places = positions(days)

    assert places == sorted(places) and all(0 < p < 1 for p in places)
    if len(days) > 2:
        span = (days[-1] - days[0]).days
        assert (places[1] - places[0]) / (places[-1] - places[0]) == pytest.approx((days[1] - days[0]).days / span)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(dates.map(lambda x: x[0]), st.none() | st.decimals(min_value=0, max_value=10**9, places=2)),
             max_size=15, unique_by=lambda t: t[0]).map(sorted),
    st.text(max_size=20),
)
def test_any_values_and_titles_give_a_well_formed_drawing(points, title):
    chart = [ChartPoint(day, None if value is None else q(value)) for day, value in points]
    html = line_chart(chart, title=title, unit="人", id_prefix="c")

    assert len(markers(drawing(html))) == sum(value is not None for _, value in points)


# --- completion bar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "done, whole, units, text",
    [
        (q(34), q(40), 1, "34/40项，85%（1个单位报告完成情况）"),
        (q(50), q(50), 2, "50/50项，100%（2个单位报告完成情况）"),
        (q(199), q(200), 1, "199/200项，99%（1个单位报告完成情况）"),  # not done yet: never 100%
        (q(2), q(3), 1, "2/3项，67%（1个单位报告完成情况）"),
        (q(60), q(50), 1, "60/50项，120%（1个单位报告完成情况）"),
        (q("1.5E+1"), q("20.0"), 1, "15/20项，75%（1个单位报告完成情况）"),
        (q(34), q(100, AT_LEAST), 1, "34/100余项，34%（1个单位报告完成情况）"),
        (q(0), q(0), 1, "0/0项（1个单位报告完成情况）"),
    ],
)
def test_completion_text_states_the_real_numbers_and_how_many_units_they_cover(done, whole, units, text):
    assert completion_text(Completion(done, whole, tuple("abc"[:units])), "项") == text


def test_completion_bar_is_an_image_that_states_the_numbers():
    html = completion_bar(Completion(q(34), q(40), ("a",)), label="已办结实事", unit="项", id_prefix="done")
    root = drawing(html)

    assert root.get("role") == "img" and root.get("aria-labelledby") == "done-title done-desc"
    assert root.find(f"{SVG}title").text == "已办结实事完成情况"
    assert root.find(f"{SVG}desc").text == "已办结实事 34/40项，85%（1个单位报告完成情况）"
    assert '<p class="chart-text" aria-hidden="true">已办结实事 34/40项，85%（1个单位报告完成情况）</p>' in html


def test_a_units_own_completion_bar_needs_no_coverage():
    html = completion_bar(Completion(q(34), q(40), ("a",)), label="已办结实事", unit="项", id_prefix="d", coverage=False)

    assert drawing(html).find(f"{SVG}desc").text == "已办结实事 34/40项，85%"


def fill_fraction(html: str) -> float:
    rects = {e.get("class"): float(e.get("width")) for e in drawing(html).iter(f"{SVG}rect")}
    return rects["fill"] / rects["track"]


def test_completion_bar_fill_is_proportional_and_capped_at_full():
    def bar(done: int, whole: int) -> str:
        return completion_bar(Completion(q(done), q(whole), ("a",)), label="l", unit="项", id_prefix="a")

    assert fill_fraction(bar(38, 50)) == pytest.approx(0.76, abs=0.001)
    assert fill_fraction(bar(60, 50)) == 1.0
    assert fill_fraction(bar(3, 0)) == 0.0


def test_completion_bar_escapes_its_label():
    html = completion_bar(Completion(q(1), q(2), ("a",)), label="<script>x</script>&", unit="<项>", id_prefix="a")

    assert "<script" not in html
    assert drawing(html).find(f"{SVG}title").text == "<script>x</script>&完成情况"


@pytest.mark.parametrize("value, text", [(Decimal("1.4E+4"), "14000"), (Decimal("2.50"), "2.5"), (Decimal("0.000001"), "0.000001"), (Decimal("600.0"), "600")])
def test_number_text_has_no_exponent_and_no_trailing_zero(value, text):
    assert format_number(value) == text  # the numbers charts print


# --- in the browser ------------------------------------------------------------------------------

SIZES = {"phone": (360, 740), "desktop": (1280, 800)}
TEXT_SIZES = ("", "text-large", "text-larger")  # 字号 A, A+, A++

MEASURE = """() => {
  const body = parseFloat(getComputedStyle(document.querySelector('.prose, main p, main')).fontSize);
  const labels = [...document.querySelectorAll('.linechart .chart-unit, .chart-y span:not(.chart-sizer), .chart-x span, .chart-value, .chart-text, .chart-note')]
    .filter(e => e.getClientRects().length);
  const boxes = [...document.querySelectorAll('.chart-x')].map(axis =>
    [...axis.querySelectorAll('span')].filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect())
      .map(r => [r.left, r.right, axis.getBoundingClientRect().left, axis.getBoundingClientRect().right]));
  return {body, sizes: labels.map(e => parseFloat(getComputedStyle(e).fontSize)), axes: boxes,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("text_size", TEXT_SIZES, ids=["A", "A+", "A++"])
@pytest.mark.parametrize("size", SIZES, ids=SIZES.keys())
def test_chart_labels_are_as_large_as_body_text_at_every_text_size_and_never_overlap(
        example_output: Path, size: str, text_size: str) -> None:
    from browser import launch_chromium
    from static_server import serve_output

    width, height = SIZES[size]
    with serve_output(example_output, "/dsxx/") as site, launch_chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(f"localStorage.setItem('bulletin-text-size', '{text_size}')")
        page = context.new_page()
        for path in ("stats/", "units/zhuzhou-gaoke/"):
            page.goto(site + path)
            body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            found = page.evaluate(MEASURE)
            assert found["sizes"] and min(found["sizes"]) >= body_size, (path, found["sizes"], body_size)
            for axis in found["axes"]:
                assert axis, f"a chart on {path} shows no date at {width}px"
                spans = sorted((left, right) for left, right, _, _ in axis)
                assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), f"dates overlap on {path}: {spans}"
                assert all(left >= axis[0][2] - 1 and right <= axis[0][3] + 1 for left, right, _, _ in axis)
            assert found["overflow"] <= 0, f"{path} scrolls sideways at {width}px"
        context.close()
