"""Statistics: cumulative and period totals, stats.json and stats.csv (SPEC sections 2 and 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.model import (
    Bulletin,
    Metric,
    MetricKind,
    Qualifier,
    Quantity,
    Report,
    Site,
    SiteConfig,
    Unit,
)
from bulletin.render.exports import stats_csv_bytes, stats_json_bytes, stats_to_json
from bulletin.stats import UnitValue, compute_stats, value_as_of

EXACT, AT_LEAST, APPROX = Qualifier.EXACT, Qualifier.AT_LEAST, Qualifier.APPROX
CUMULATIVE, PERIOD = MetricKind.CUMULATIVE, MetricKind.PERIOD


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def q(value: str | int, qualifier: Qualifier = EXACT) -> Quantity:
    return Quantity(Decimal(value), qualifier)


def report(date: str, **values: Quantity) -> Report:
    return Report(date=d(date), values=values)


def unit(slug: str, *reports: Report) -> Unit:
    return Unit(slug=slug, name=f"{slug}单位", reports=tuple(sorted(reports, key=lambda r: r.date)))


def site(metrics: list[Metric], units: list[Unit], bulletins: int = 0) -> Site:
    return Site(
        config=SiteConfig(title="党史学习教育工作简报", base_url="https://www.example.gov.cn/dsxx/"),
        metrics=tuple(metrics),
        units=tuple(sorted(units, key=lambda u: u.slug)),
        bulletins=tuple(
            Bulletin(
                unit=units[0].slug,
                slug=f"b{i}",
                title=f"简报{i}",
                date=d("2021-06-01"),
                markdown="正文",
                body_line=7,
                source_path=f"content/{units[0].slug}/b{i}.md",
            )
            for i in range(bulletins)
        ),
    )


PARTICIPANTS = Metric("participants", "参与人次", "人次", CUMULATIVE)
SESSIONS = Metric("study_sessions", "集中学习研讨", "次", PERIOD)


# --- a unit's value as of a date -------------------------------------------------------------


def test_cumulative_metric_takes_latest_report_not_sum():
    gaoke = unit("gaoke", report("2021-03-31", participants=q(600)), report("2021-09-30", participants=q(800)))

    assert value_as_of(gaoke, PARTICIPANTS, d("2021-12-31")) == UnitValue("gaoke", q(800), d("2021-09-30"))
    assert value_as_of(gaoke, PARTICIPANTS, d("2021-09-29")) == UnitValue("gaoke", q(600), d("2021-03-31"))
    assert value_as_of(gaoke, PARTICIPANTS, d("2021-03-30")) is None


def test_cumulative_metric_skips_later_reports_without_it():
    gaoke = unit("gaoke", report("2021-03-31", participants=q(600)), report("2021-09-30", study_sessions=q(2)))

    assert value_as_of(gaoke, PARTICIPANTS, d("2021-12-31")) == UnitValue("gaoke", q(600), d("2021-03-31"))


def test_period_metric_sums_reports_up_to_date():
    gaoke = unit(
        "gaoke",
        report("2021-03-31", study_sessions=q(3)),
        report("2021-06-30", study_sessions=q(4)),
        report("2021-09-30", participants=q(1)),
        report("2021-12-31", study_sessions=q(5)),
    )

    assert value_as_of(gaoke, SESSIONS, d("2021-10-01")) == UnitValue("gaoke", q(7), d("2021-06-30"))
    assert value_as_of(gaoke, SESSIONS, d("2021-12-31")) == UnitValue("gaoke", q(12), d("2021-12-31"))


def test_period_sum_is_at_least_when_one_part_is_at_least():
    gaoke = unit("gaoke", report("2021-03-31", study_sessions=q(3)), report("2021-06-30", study_sessions=q(60, AT_LEAST)))

    assert value_as_of(gaoke, SESSIONS, d("2021-06-30")).value == q(63, AT_LEAST)


# --- totals over units -----------------------------------------------------------------------


def test_total_is_exact_when_all_parts_are_exact():
    s = site([PARTICIPANTS], [unit("a", report("2021-03-31", participants=q(1))), unit("b", report("2021-03-31", participants=q(2)))])

    assert compute_stats(s).metrics[0].total == q(3, EXACT)


def test_total_is_at_least_when_any_part_is_at_least_and_none_approx():
    s = site(
        [PARTICIPANTS],
        [unit("a", report("2021-03-31", participants=q(800, AT_LEAST))), unit("b", report("2021-03-31", participants=q(2)))],
    )

    assert compute_stats(s).metrics[0].total == q(802, AT_LEAST)


def test_total_is_approx_when_any_part_is_approx():
    s = site(
        [PARTICIPANTS],
        [
            unit("a", report("2021-03-31", participants=q(800, AT_LEAST))),
            unit("b", report("2021-03-31", participants=q(10000, APPROX))),
            unit("c", report("2021-03-31", participants=q(5))),
        ],
    )

    assert compute_stats(s).metrics[0].total == q(10805, APPROX)


def test_a_replaced_cumulative_value_no_longer_taints_the_qualifier():
    s = site(
        [PARTICIPANTS],
        [unit("a", report("2021-03-31", participants=q(800, APPROX)), report("2021-06-30", participants=q(900)))],
    )

    assert [p.total for p in compute_stats(s).metrics[0].series] == [q(800, APPROX), q(900, EXACT)]


def test_166_3亿_plus_0_7亿_is_exactly_167亿():
    funds = Metric("funds", "投入资金", "亿元")
    s = site(
        [funds],
        [unit("a", report("2021-03-31", funds=q("166.3"))), unit("b", report("2021-06-30", funds=q("0.7")))],
    )

    total = compute_stats(s).metrics[0].total
    assert total == q(167)
    assert stats_to_json(compute_stats(s))["metrics"][0]["total"] == 167


def test_tiny_and_huge_figures_add_up_exactly_whatever_the_decimal_context():
    import decimal

    funds = Metric("funds", "投入资金", "元")
    s = site(
        [funds],
        [unit("a", report("2021-03-31", funds=q("1E+40"))), unit("b", report("2021-03-31", funds=q("0.000001")))],
    )
    with decimal.localcontext(decimal.Context(prec=3)):
        total = compute_stats(s).metrics[0].total

    assert total.value == Decimal("10000000000000000000000000000000000000000.000001")


def test_by_unit_is_sorted_by_value_descending_then_unit_slug():
    s = site(
        [PARTICIPANTS],
        [
            unit("b", report("2021-03-31", participants=q(5))),
            unit("a", report("2021-03-31", participants=q(5))),
            unit("c", report("2021-03-31", participants=q(9))),
            unit("d"),
        ],
    )

    assert [v.unit for v in compute_stats(s).metrics[0].by_unit] == ["c", "a", "b"]
    assert compute_stats(s).metrics[0].units_reporting == 3


def test_metric_nobody_reports_has_null_total_everywhere():
    visits = Metric("visits", "走访群众", "人")
    s = site([PARTICIPANTS, visits], [unit("a", report("2021-03-31", participants=q(1)), report("2021-06-30"))])

    data = stats_to_json(compute_stats(s))["metrics"][1]
    assert (data["total"], data["qualifier"], data["units_reporting"], data["by_unit"]) == (None, None, 0, [])
    assert data["series"] == [
        {"date": "2021-03-31", "total": None, "qualifier": None},
        {"date": "2021-06-30", "total": None, "qualifier": None},
    ]


def test_series_has_a_point_for_every_report_date_of_any_unit():
    s = site(
        [PARTICIPANTS, SESSIONS],
        [
            unit("a", report("2021-03-31", participants=q(1)), report("2021-09-30", study_sessions=q(2))),
            unit("b", report("2021-06-30")),
            unit("c", report("2021-09-30", participants=q(3)), report("2021-12-31", participants=q(4))),
        ],
    )

    stats = compute_stats(s)
    participants, sessions = stats.metrics
    dates = [d("2021-03-31"), d("2021-06-30"), d("2021-09-30"), d("2021-12-31")]
    assert [(p.date, p.total) for p in participants.series] == list(zip(dates, [q(1), q(1), q(4), q(5)]))
    assert [(p.date, p.total) for p in sessions.series] == list(zip(dates, [None, None, q(2), q(2)]))
    assert stats.as_of == d("2021-12-31")


def test_site_without_reports_has_no_as_of_and_empty_series():
    stats = compute_stats(site([PARTICIPANTS], [unit("a")], bulletins=2))

    assert stats_to_json(stats) == {
        "as_of": None,
        "units": 1,
        "bulletins": 2,
        "metrics": [
            {
                "key": "participants", "label": "参与人次", "unit": "人次", "kind": "cumulative",
                "total": None, "qualifier": None, "units_reporting": 0,
                "part_of": None, "ratio": None, "ratio_units": None, "by_unit": [], "series": [],
            }
        ],
    }  # fmt: skip


# --- completion ratio ------------------------------------------------------------------------

LISTED = Metric("matters_listed", "列入实事", "项")
DONE = Metric("matters_done", "已办结实事", "项", part_of="matters_listed")


def ratio_of(*units: Unit, metrics: tuple[Metric, ...] = (LISTED, DONE)) -> Decimal | None:
    return compute_stats(site(list(metrics), list(units))).metric("matters_done").ratio


def test_ratio_is_total_over_total_of_part_of():
    assert ratio_of(unit("a", report("2021-03-31", matters_listed=q(50), matters_done=q(38)))) == Decimal("0.76")


def test_ratio_compares_like_with_like_units_that_report_both():
    stats = compute_stats(site([LISTED, DONE], [
        unit("a", report("2021-09-30", matters_listed=q(40), matters_done=q(34))),
        unit("b", report("2021-06-30", matters_listed=q(100))),  # lists matters, reports no completions
        unit("c", report("2021-06-30", matters_done=q(5))),  # completions of a list it never gave
    ]))
    done = stats.metric("matters_done")

    assert (done.ratio, done.ratio_units) == (Decimal("0.85"), 1)  # 34 / 40, never 39 / 140
    assert (done.completion.part, done.completion.whole, done.completion.units) == (q(34), q(40), ("a",))
    assert done.total == q(39)  # the total itself still counts every unit
    assert stats_to_json(stats)["metrics"][1]["ratio"] == 0.85
    assert stats_to_json(stats)["metrics"][1]["ratio_units"] == 1


def test_ratio_sums_parts_and_wholes_of_the_same_units_with_their_qualifiers():
    done = compute_stats(site([LISTED, DONE], [
        unit("a", report("2021-09-30", matters_listed=q(40), matters_done=q(34))),
        unit("b", report("2021-06-30", matters_listed=q(60, AT_LEAST), matters_done=q(26))),
    ])).metric("matters_done")

    assert (done.completion.part, done.completion.whole) == (q(60), q(100, AT_LEAST))
    assert (done.ratio, done.ratio_units) == (Decimal("0.6"), 2)


def test_ratio_units_is_null_without_part_of_and_0_when_no_unit_reports_both():
    done = Metric("matters_done", "已办结实事", "项")
    plain = compute_stats(site([LISTED, done], [unit("a", report("2021-03-31", matters_done=q(3)))]))
    nobody = compute_stats(site([LISTED, DONE], [unit("a", report("2021-03-31", matters_done=q(3)))]))

    assert plain.metric("matters_done").ratio_units is None
    assert (nobody.metric("matters_done").ratio, nobody.metric("matters_done").ratio_units) == (None, 0)


def test_series_points_say_how_many_units_they_add_up_and_which_joined():
    sessions = compute_stats(site([SESSIONS], [
        unit("a", report("2021-03-31", study_sessions=q(1)), report("2021-09-30", study_sessions=q(2))),
        unit("b", report("2021-06-30")),
        unit("c", report("2021-09-30", study_sessions=q(3))),
    ])).metric("study_sessions")

    assert [(p.units, p.joined) for p in sessions.series] == [(1, ("a",)), (1, ()), (2, ("c",))]


def test_ratio_is_null_without_part_of():
    done = Metric("matters_done", "已办结实事", "项")
    assert ratio_of(unit("a", report("2021-03-31", matters_listed=q(50), matters_done=q(38))), metrics=(LISTED, done)) is None


def test_ratio_is_null_when_part_of_total_is_zero():
    assert ratio_of(unit("a", report("2021-03-31", matters_listed=q(0), matters_done=q(0)))) is None


def test_ratio_is_null_when_part_of_is_never_reported():
    assert ratio_of(unit("a", report("2021-03-31", matters_done=q(3)))) is None


def test_ratio_is_null_when_the_metric_itself_is_never_reported():
    assert ratio_of(unit("a", report("2021-03-31", matters_listed=q(3)))) is None


def test_ratio_is_null_when_part_of_names_no_metric():
    assert ratio_of(unit("a", report("2021-03-31", matters_done=q(3))), metrics=(DONE,)) is None


# --- stats.json ------------------------------------------------------------------------------


def example_site() -> Site:
    """Three units; mixed kinds; all three qualifiers; a report without figures; a metric nobody gives."""
    metrics = [
        Metric("participants", "参与人次", "人次", CUMULATIVE),
        Metric("study_sessions", "集中学习研讨", "次", PERIOD),
        Metric("matters_listed", "列入实事", "项"),
        Metric("matters_done", "已办结实事", "项", part_of="matters_listed"),
        Metric("funds", "投入资金", "亿元"),
        Metric("visits", "走访群众", "人", part_of="participants"),
    ]
    units = [
        unit(
            "gaoke",
            report("2021-03-31", participants=q(600), study_sessions=q(3), matters_listed=q(40), matters_done=q(10)),
            report("2021-09-30", participants=q(800, AT_LEAST), study_sessions=q(5), matters_done=q(34), funds=q("166.3")),
        ),
        unit(
            "jianshe",
            report("2021-06-30", participants=q(10000, APPROX), study_sessions=q(2, AT_LEAST), matters_listed=q(10)),
            report("2021-12-31", study_sessions=q(4), matters_done=q(4, AT_LEAST)),
        ),
        unit("shuiwu", report("2021-06-30"), report("2021-12-31", funds=q("0.7"))),
        unit("zhiye"),  # no reports at all: counted in units, nowhere else
    ]
    return site(metrics, units, bulletins=3)


# Worked by hand from example_site(), date by date:
#   participants (cumulative): 600 | 600 + 近万 | 800余 + 近万 (gaoke's 600 replaced) | unchanged
#   study_sessions (period):   3 | 3 + 2余 | 3 + 5 + 2余 | 8 + 2余 + 4
#   matters_done / matters_listed = 38 / 50 = 0.76 (both units give both)
#   funds: 166.3 + 0.7 = 167, exactly
EXPECTED_EXAMPLE_JSON = {
    "as_of": "2021-12-31",
    "units": 4,
    "bulletins": 3,
    "metrics": [
        {
            "key": "participants", "label": "参与人次", "unit": "人次", "kind": "cumulative",
            "total": 10800, "qualifier": "approx", "units_reporting": 2,
            "part_of": None, "ratio": None, "ratio_units": None,
            "by_unit": [
                {"unit": "jianshe", "value": 10000, "qualifier": "approx", "date": "2021-06-30"},
                {"unit": "gaoke", "value": 800, "qualifier": "at_least", "date": "2021-09-30"},
            ],
            "series": [
                {"date": "2021-03-31", "total": 600, "qualifier": "exact"},
                {"date": "2021-06-30", "total": 10600, "qualifier": "approx"},
                {"date": "2021-09-30", "total": 10800, "qualifier": "approx"},
                {"date": "2021-12-31", "total": 10800, "qualifier": "approx"},
            ],
        },
        {
            "key": "study_sessions", "label": "集中学习研讨", "unit": "次", "kind": "period",
            "total": 14, "qualifier": "at_least", "units_reporting": 2,
            "part_of": None, "ratio": None, "ratio_units": None,
            "by_unit": [
                {"unit": "gaoke", "value": 8, "qualifier": "exact", "date": "2021-09-30"},
                {"unit": "jianshe", "value": 6, "qualifier": "at_least", "date": "2021-12-31"},
            ],
            "series": [
                {"date": "2021-03-31", "total": 3, "qualifier": "exact"},
                {"date": "2021-06-30", "total": 5, "qualifier": "at_least"},
                {"date": "2021-09-30", "total": 10, "qualifier": "at_least"},
                {"date": "2021-12-31", "total": 14, "qualifier": "at_least"},
            ],
        },
        {
            "key": "matters_listed", "label": "列入实事", "unit": "项", "kind": "cumulative",
            "total": 50, "qualifier": "exact", "units_reporting": 2,
            "part_of": None, "ratio": None, "ratio_units": None,
            "by_unit": [
                {"unit": "gaoke", "value": 40, "qualifier": "exact", "date": "2021-03-31"},
                {"unit": "jianshe", "value": 10, "qualifier": "exact", "date": "2021-06-30"},
            ],
            "series": [
                {"date": "2021-03-31", "total": 40, "qualifier": "exact"},
                {"date": "2021-06-30", "total": 50, "qualifier": "exact"},
                {"date": "2021-09-30", "total": 50, "qualifier": "exact"},
                {"date": "2021-12-31", "total": 50, "qualifier": "exact"},
            ],
        },
        {
            "key": "matters_done", "label": "已办结实事", "unit": "项", "kind": "cumulative",
            "total": 38, "qualifier": "at_least", "units_reporting": 2,
            "part_of": "matters_listed", "ratio": 0.76, "ratio_units": 2,
            "by_unit": [
                {"unit": "gaoke", "value": 34, "qualifier": "exact", "date": "2021-09-30"},
                {"unit": "jianshe", "value": 4, "qualifier": "at_least", "date": "2021-12-31"},
            ],
            "series": [
                {"date": "2021-03-31", "total": 10, "qualifier": "exact"},
                {"date": "2021-06-30", "total": 10, "qualifier": "exact"},
                {"date": "2021-09-30", "total": 34, "qualifier": "exact"},
                {"date": "2021-12-31", "total": 38, "qualifier": "at_least"},
            ],
        },
        {
            "key": "funds", "label": "投入资金", "unit": "亿元", "kind": "cumulative",
            "total": 167, "qualifier": "exact", "units_reporting": 2,
            "part_of": None, "ratio": None, "ratio_units": None,
            "by_unit": [
                {"unit": "gaoke", "value": 166.3, "qualifier": "exact", "date": "2021-09-30"},
                {"unit": "shuiwu", "value": 0.7, "qualifier": "exact", "date": "2021-12-31"},
            ],
            "series": [
                {"date": "2021-03-31", "total": None, "qualifier": None},
                {"date": "2021-06-30", "total": None, "qualifier": None},
                {"date": "2021-09-30", "total": 166.3, "qualifier": "exact"},
                {"date": "2021-12-31", "total": 167, "qualifier": "exact"},
            ],
        },
        {
            "key": "visits", "label": "走访群众", "unit": "人", "kind": "cumulative",
            "total": None, "qualifier": None, "units_reporting": 0,
            "part_of": "participants", "ratio": None, "ratio_units": 0,
            "by_unit": [],
            "series": [
                {"date": "2021-03-31", "total": None, "qualifier": None},
                {"date": "2021-06-30", "total": None, "qualifier": None},
                {"date": "2021-09-30", "total": None, "qualifier": None},
                {"date": "2021-12-31", "total": None, "qualifier": None},
            ],
        },
    ],
}  # fmt: skip


def test_example_site_stats_json_matches_hand_calculation():
    assert stats_to_json(compute_stats(example_site())) == EXPECTED_EXAMPLE_JSON


def test_stats_json_keys_follow_the_spec_order():
    data = stats_to_json(compute_stats(example_site()))

    assert list(data) == ["as_of", "units", "bulletins", "metrics"]
    assert list(data["metrics"][0]) == [
        "key", "label", "unit", "kind", "total", "qualifier", "units_reporting",
        "part_of", "ratio", "ratio_units", "by_unit", "series",
    ]  # fmt: skip
    assert list(data["metrics"][0]["by_unit"][0]) == ["unit", "value", "qualifier", "date"]
    assert list(data["metrics"][0]["series"][0]) == ["date", "total", "qualifier"]


def test_json_integral_numbers_are_ints():
    s = site([PARTICIPANTS], [unit("a", report("2021-03-31", participants=q("1.4E+4"))), unit("b", report("2021-03-31", participants=q("2.50")))])
    data = stats_to_json(compute_stats(s))["metrics"][0]

    assert data["total"] == 14002.5 and isinstance(data["total"], float)
    assert [(v["value"], type(v["value"])) for v in data["by_unit"]] == [(14000, int), (2.5, float)]
    assert b'"value": 14000,' in stats_json_bytes(compute_stats(s))


def test_stats_json_bytes_is_utf8_indented_with_trailing_newline():
    payload = stats_json_bytes(compute_stats(example_site()))

    assert payload.endswith(b"}\n") and not payload.endswith(b"\n\n")
    assert "参与人次".encode() in payload
    assert payload.startswith(b'{\n  "as_of": "2021-12-31",')
    assert json.loads(payload) == EXPECTED_EXAMPLE_JSON
    assert payload == stats_json_bytes(compute_stats(example_site()))


# --- stats.csv -------------------------------------------------------------------------------


def test_csv_has_bom_header_and_rows_sorted_by_unit_metric_date():
    payload = stats_csv_bytes(example_site())

    assert payload.startswith(b"\xef\xbb\xbfunit,metric,date,value,qualifier,ratio,ratio_units,")
    assert [",".join(row.split(",")[:7]) for row in payload.decode("utf-8-sig").split("\r\n")] == [
        "unit,metric,date,value,qualifier,ratio,ratio_units",
        "gaoke,funds,2021-09-30,166.3,exact,,",
        "gaoke,matters_done,2021-03-31,10,exact,0.25,1",
        "gaoke,matters_done,2021-09-30,34,exact,0.85,1",
        "gaoke,matters_listed,2021-03-31,40,exact,,",
        "gaoke,participants,2021-03-31,600,exact,,",
        "gaoke,participants,2021-09-30,800,at_least,,",
        "gaoke,study_sessions,2021-03-31,3,exact,,",
        "gaoke,study_sessions,2021-09-30,5,exact,,",
        "jianshe,matters_done,2021-12-31,4,at_least,0.4,1",
        "jianshe,matters_listed,2021-06-30,10,exact,,",
        "jianshe,participants,2021-06-30,10000,approx,,",
        "jianshe,study_sessions,2021-06-30,2,at_least,,",
        "jianshe,study_sessions,2021-12-31,4,exact,,",
        "shuiwu,funds,2021-12-31,0.7,exact,,",
        "",
    ]


def test_csv_gives_names_counting_words_and_values_as_written_beside_the_keys():
    rows = list(csv.reader(io.StringIO(stats_csv_bytes(example_site()).decode("utf-8-sig"))))

    assert rows[0] == ["unit", "metric", "date", "value", "qualifier", "ratio", "ratio_units",
                       "单位名称", "指标名称", "计量单位", "填报值"]
    assert rows[6] == ["gaoke", "participants", "2021-09-30", "800", "at_least", "", "",
                       "gaoke单位", "参与人次", "人次", "800余"]
    assert rows[11][7:] == ["jianshe单位", "参与人次", "人次", "约1万"]
    assert rows[1][7:] == ["gaoke单位", "投入资金", "亿元", "166.3"]


def test_csv_ratio_of_a_report_whose_unit_never_gave_the_whole_is_blank_over_0_units():
    s = site([LISTED, DONE], [unit("a", report("2021-03-31", matters_done=q(3)))])
    rows = list(csv.reader(io.StringIO(stats_csv_bytes(s).decode("utf-8-sig"))))

    assert rows[1][:7] == ["a", "matters_done", "2021-03-31", "3", "exact", "", "0"]


def test_csv_values_have_no_exponent():
    s = site([PARTICIPANTS], [unit("a", report("2021-03-31", participants=q("3E+6")), report("2021-06-30", participants=q("1.50E+1")))])
    rows = list(csv.reader(io.StringIO(stats_csv_bytes(s).decode("utf-8-sig"))))

    assert [row[3] for row in rows[1:]] == ["3000000", "15"]


# --- scale -----------------------------------------------------------------------------------


def test_series_of_500_units_has_one_point_per_distinct_report_date():
    metrics = [Metric(f"m{k}", f"指标{k}", "项", PERIOD if k % 2 else CUMULATIVE) for k in range(10)]
    start = dt.date(2021, 1, 1)
    units = [
        unit(
            f"u{i:03d}",
            *(
                Report(start + dt.timedelta(days=i + 90 * r), {m.key: q(i + r) for m in metrics})
                for r in range(4)
            ),
        )
        for i in range(500)
    ]
    s = site(metrics, units)

    stats = compute_stats(s)

    assert len(stats.metrics[0].series) == len({r.date for u in units for r in u.reports})


# --- property: every series point equals a brute-force recomputation -------------------------


def brute_force_total(units: list[Unit], metric: Metric, day: dt.date) -> Quantity | None:
    """The obvious way: for each unit, look at every report up to `day`."""
    values = []
    qualifiers = []
    for u in units:
        given_reports = [r for r in u.reports if r.date <= day and metric.key in r.values]
        if not given_reports:
            continue
        if metric.kind is CUMULATIVE:
            latest = given_reports[-1]  # reports are in date order
            values.append(latest.values[metric.key].value)
            qualifiers.append(latest.values[metric.key].qualifier)
        else:
            for r in given_reports:
                values.append(r.values[metric.key].value)
                qualifiers.append(r.values[metric.key].qualifier)
    if not values:
        return None
    return Quantity(sum(values, Decimal(0)), Qualifier.combine(qualifiers))


METRIC_KEYS = ["m0", "m1", "m2"]
quantities = st.builds(
    Quantity,
    st.decimals(min_value=0, max_value=10**7, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from(list(Qualifier)),
)


@st.composite
def random_sites(draw) -> Site:
    metrics = [Metric(key, key, "项", draw(st.sampled_from(list(MetricKind)))) for key in METRIC_KEYS]
    units = []
    for i in range(draw(st.integers(1, 5))):
        days = draw(st.lists(st.integers(0, 30), max_size=5, unique=True))
        reports = [
            Report(dt.date(2021, 1, 1) + dt.timedelta(days=day), draw(st.dictionaries(st.sampled_from(METRIC_KEYS), quantities)))
            for day in sorted(days)
        ]
        units.append(Unit(slug=f"u{i}", name=f"单位{i}", reports=tuple(reports)))
    return site(metrics, units)


@settings(max_examples=200, deadline=None)
@given(random_sites())
def test_every_series_point_equals_brute_force_recomputation(s: Site):
    stats = compute_stats(s)
    all_dates = sorted({r.date for u in s.units for r in u.reports})

    for ms in stats.metrics:
        assert [p.date for p in ms.series] == all_dates
        for point in ms.series:
            expected = brute_force_total(list(s.units), ms.metric, point.date)
            assert point.total == expected, (ms.metric, point.date)
        assert ms.total == (brute_force_total(list(s.units), ms.metric, all_dates[-1]) if all_dates else None)


@settings(max_examples=100, deadline=None)
@given(random_sites())
def test_by_unit_agrees_with_value_as_of_and_sums_to_total(s: Site):
    stats = compute_stats(s)

    for ms in stats.metrics:
        expected = [] if stats.as_of is None else [v for u in s.units if (v := value_as_of(u, ms.metric, stats.as_of))]
        assert sorted(ms.by_unit, key=lambda v: v.unit) == sorted(expected, key=lambda v: v.unit)
        assert ms.units_reporting == len(expected)
        if ms.by_unit:
            assert sum((v.value.value for v in ms.by_unit), Decimal(0)) == ms.total.value
            assert [v.value.value for v in ms.by_unit] == sorted((v.value.value for v in ms.by_unit), reverse=True)
