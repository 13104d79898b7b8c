"""Charts: inline SVG that is accessible, escaped, script-free and deterministic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.quantities import format_number
from bulletin.render.charts import (
    completion_bar,
    completion_text,
    line_chart,
    nice_scale,
)

SVG = "{http://www.w3.org/2000/svg}"

POINTS = [("2021-03-31", Decimal(600)), ("2021-06-30", None), ("2021-09-30", Decimal(1400)), ("2021-12-31", Decimal("1.5E+3"))]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def markers(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}circle") if e.get("class") == "marker"]


def test_line_chart_is_an_accessible_image_labelled_by_its_title_and_desc():
    root = parse(line_chart(POINTS, title="参与人次", unit="人次", id_prefix="chart-participants"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-participants-title chart-participants-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == ("chart-participants-title", "参与人次")
    assert (desc.get("id"), desc.text) == (
        "chart-participants-desc",
        "2021-03-31：600；2021-06-30：暂无数据；2021-09-30：1400；2021-12-31：1500",
    )


def test_line_chart_scales_to_the_page_width():
    root = parse(line_chart(POINTS, title="t", unit="人", id_prefix="c"))

    assert root.get("viewBox") == "0 0 480 240"
    assert root.get("width") == "100%"
    assert root.get("height") is None


def test_line_chart_has_one_marker_per_value_and_none_is_a_gap():
    root = parse(line_chart(POINTS, title="t", unit="人", id_prefix="c"))

    assert len(markers(root)) == 3
    polylines = list(root.iter(f"{SVG}polyline"))
    assert len(polylines) == 1  # only 2021-09-30 -> 2021-12-31 are adjacent
    assert len(polylines[0].get("points").split()) == 2


def test_single_point_renders_as_a_marker():
    root = parse(line_chart([("2021-03-31", Decimal(7))], title="t", unit="人", id_prefix="c"))

    assert len(markers(root)) == 1
    assert list(root.iter(f"{SVG}polyline")) == []


@pytest.mark.parametrize("points", [[], [("2021-03-31", None), ("2021-06-30", None)]])
def test_chart_without_values_says_暂无数据(points):
    root = parse(line_chart(points, title="参与人次", unit="人", id_prefix="c"))

    assert markers(root) == []
    assert "暂无数据" in [e.text for e in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}desc").text == "暂无数据"


def test_y_axis_runs_from_0_to_a_round_maximum_with_labelled_gridlines():
    root = parse(line_chart(POINTS, title="t", unit="人次", id_prefix="c"))
    texts = [e.text for e in root.iter(f"{SVG}text")]

    assert [t for t in ["0", "500", "1000", "1500"] if t in texts] == ["0", "500", "1000", "1500"]
    assert "单位：人次" in texts


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
    svg = line_chart(
        [("<b>2021</b>", Decimal(1))], title="<script>alert(1)</script>", unit='人"&', id_prefix='x" onload="y'
    )
    root = parse(svg)

    assert "<script" not in svg
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert root.get("onload") is None


def test_charts_contain_no_script():
    for svg in [
        line_chart(POINTS, title="t", unit="人", id_prefix="c"),
        completion_bar(Decimal(38), Decimal(50), label="已办结", unit="项", id_prefix="b"),
    ]:
        assert "<script" not in svg.lower()
        assert not re.search(r"\son\w+=", svg)


def test_two_charts_on_one_page_have_distinct_ids():
    one = parse(line_chart(POINTS, title="t", unit="人", id_prefix="a"))
    two = parse(line_chart(POINTS, title="t", unit="人", id_prefix="b"))

    ids = [e.get("id") for root in (one, two) for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) == 4


def test_chart_output_is_deterministic_with_short_coordinates():
    svg = line_chart([(f"2021-{m:02d}-01", Decimal(m * 37) / 3) for m in range(1, 13)], title="t", unit="人", id_prefix="c")

    assert svg == line_chart([(f"2021-{m:02d}-01", Decimal(m * 37) / 3) for m in range(1, 13)], title="t", unit="人", id_prefix="c")
    assert not re.search(r'="[^"]*\d\.\d\d', svg)  # coordinates have at most one decimal
    assert "E+" not in svg and "e+" not in svg


def test_many_points_get_thinned_date_labels_but_every_marker():
    points = [(f"2021-{m:02d}-01", Decimal(m)) for m in range(1, 13)]
    root = parse(line_chart(points, title="t", unit="人", id_prefix="c"))
    date_labels = [e.text for e in root.iter(f"{SVG}text") if e.text and e.text.startswith("2021-")]

    assert len(markers(root)) == 12
    assert 2 <= len(date_labels) <= 5
    assert date_labels[-1] == "2021-12-01"


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.none() | st.decimals(min_value=0, max_value=10**9, places=2)),
        max_size=15,
    ),
    st.text(max_size=20),
)
def test_any_labels_and_values_give_well_formed_svg(points, title):
    root = parse(line_chart(points, title=title, unit="人", id_prefix="c"))

    assert len(markers(root)) == sum(value is not None for _, value in points)


# --- completion bar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "done, whole, text",
    [
        (Decimal(38), Decimal(50), "已办结 38 / 50 项，76%"),
        (Decimal(50), Decimal(50), "已办结 50 / 50 项，100%"),
        (Decimal(199), Decimal(200), "已办结 199 / 200 项，99%"),
        (Decimal(2), Decimal(3), "已办结 2 / 3 项，67%"),
        (Decimal(60), Decimal(50), "已办结 60 / 50 项，120%"),
        (Decimal("1.5E+1"), Decimal("20.0"), "已办结 15 / 20 项，75%"),
        (Decimal(0), Decimal(0), "已办结 0 / 0 项"),
    ],
)
def test_completion_text_states_the_real_numbers(done, whole, text):
    assert completion_text(done, whole, label="已办结", unit="项") == text


def test_completion_bar_is_accessible_and_states_the_numbers():
    root = parse(completion_bar(Decimal(38), Decimal(50), label="已办结", unit="项", id_prefix="done"))

    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("aria-labelledby") == "done-title done-desc"
    assert root.find(f"{SVG}title").text == "已办结"
    assert root.find(f"{SVG}desc").text == "已办结 38 / 50 项，76%"
    assert "已办结 38 / 50 项，76%" in [e.text for e in root.iter(f"{SVG}text")]


def fill_fraction(svg: str) -> float:
    rects = {e.get("class"): float(e.get("width")) for e in parse(svg).iter(f"{SVG}rect")}
    return rects["fill"] / rects["track"]


def test_completion_bar_fill_is_proportional_and_capped_at_full():
    assert fill_fraction(completion_bar(Decimal(38), Decimal(50), label="l", unit="项", id_prefix="a")) == pytest.approx(0.76, abs=0.001)
    assert fill_fraction(completion_bar(Decimal(60), Decimal(50), label="l", unit="项", id_prefix="a")) == 1.0
    assert fill_fraction(completion_bar(Decimal(3), Decimal(0), label="l", unit="项", id_prefix="a")) == 0.0


def test_completion_bar_escapes_its_label():
    svg = completion_bar(Decimal(1), Decimal(2), label="<script>x</script>&", unit="<项>", id_prefix="a")

    assert "<script" not in svg
    assert parse(svg).find(f"{SVG}title").text == "<script>x</script>&"


@pytest.mark.parametrize("value, text", [(Decimal("1.4E+4"), "14000"), (Decimal("2.50"), "2.5"), (Decimal("0.000001"), "0.000001"), (Decimal("600.0"), "600")])
def test_number_text_has_no_exponent_and_no_trailing_zero(value, text):
    assert format_number(value) == text  # the numbers charts print
