"""Quantities: how editors' figures (800余人, 1.4万, 近万) are read, checked and written back."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin.model import Qualifier, Quantity
from bulletin.quantities import (
    QuantityError,
    format_number,
    format_quantity,
    parse_number,
    parse_quantity,
)

EXACT, AT_LEAST, APPROX = Qualifier.EXACT, Qualifier.AT_LEAST, Qualifier.APPROX
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# --- reading -----------------------------------------------------------------------------------

SPEC_FORMS = [
    ("9", "9", EXACT),
    ("11543", "11543", EXACT),
    ("166.3亿", "16630000000", EXACT),
    ("1.4万", "14000", EXACT),
    ("两", "2", EXACT),
    ("二十三", "23", EXACT),
    ("800余", "800", AT_LEAST),
    ("60余", "60", AT_LEAST),
    ("600多", "600", AT_LEAST),
    ("2万余", "20000", AT_LEAST),
    ("万余", "10000", AT_LEAST),
    ("近万", "10000", APPROX),
    ("约300", "300", APPROX),
    ("超过3万", "30000", AT_LEAST),
    ("140 余", "140", AT_LEAST),
    ("300以上", "300", AT_LEAST),
    ("80左右", "80", APPROX),
    ("十余", "10", AT_LEAST),
    ("两万余", "20000", AT_LEAST),
    ("300余万", "3000000", AT_LEAST),
    ("1,200", "1200", EXACT),
    ("１，２００", "1200", EXACT),
]

MORE_FORMS = [
    # qualifier words
    ("逾300", "300", AT_LEAST),
    ("超300", "300", AT_LEAST),
    ("上万", "10000", AT_LEAST),
    ("上千", "1000", AT_LEAST),
    ("上百", "100", AT_LEAST),
    ("将近300", "300", APPROX),
    ("接近300", "300", APPROX),
    ("近300", "300", APPROX),
    ("大约50", "50", APPROX),
    ("50上下", "50", APPROX),
    ("300多万", "3000000", AT_LEAST),
    ("1万多", "10000", AT_LEAST),
    ("十余万", "100000", AT_LEAST),
    ("三十多万", "300000", AT_LEAST),
    ("1.2万余", "12000", AT_LEAST),
    ("千余", "1000", AT_LEAST),
    ("百余", "100", AT_LEAST),
    # approx wins over at least
    ("约800余", "800", APPROX),
    ("近300以上", "300", APPROX),
    ("超过3万左右", "30000", APPROX),
    # Chinese numerals
    ("十", "10", EXACT),
    ("十五", "15", EXACT),
    ("一百十", "110", EXACT),
    ("一千二百", "1200", EXACT),
    ("三千余", "3000", AT_LEAST),
    ("一万二千", "12000", EXACT),
    ("一千零五", "1005", EXACT),
    ("一千〇五", "1005", EXACT),
    ("一千零二十三", "1023", EXACT),
    ("十万", "100000", EXACT),
    ("二十三万", "230000", EXACT),
    ("一亿二千万", "120000000", EXACT),
    ("一万二", "12000", EXACT),  # a lone digit after a multiplier abbreviates
    ("两万五", "25000", EXACT),
    ("一千二", "1200", EXACT),
    ("零", "0", EXACT),
    ("〇", "0", EXACT),
    ("壹仟贰佰", "1200", EXACT),
    ("萬余", "10000", AT_LEAST),
    ("兩億", "200000000", EXACT),
    # Arabic and mixed
    ("0", "0", EXACT),
    ("0700", "700", EXACT),  # read as written, never octal
    ("2.5", "2.5", EXACT),
    ("2.50", "2.5", EXACT),
    ("3千", "3000", EXACT),
    ("3千5", "3500", EXACT),
    ("3千500", "3500", EXACT),
    ("1万2000", "12000", EXACT),
    ("1万500", "10500", EXACT),
    ("1万亿", "1000000000000", EXACT),
    ("1.2万亿", "1200000000000", EXACT),
    ("12,345,678", "12345678", EXACT),
    (" 1.4万 ", "14000", EXACT),
    ("　１．４万　", "14000", EXACT),
    ("１４０　余", "140", AT_LEAST),
    ("0.5万", "5000", EXACT),
    ("10000万", "100000000", EXACT),
]

COUNTED_FORMS = [
    ("800余人", "800", AT_LEAST, "人"),
    ("11543名", "11543", EXACT, "名"),
    ("40项", "40", EXACT, "项"),
    ("300余场次", "300", AT_LEAST, "场次"),
    ("两万余人次", "20000", AT_LEAST, "人次"),
    ("近万人", "10000", APPROX, "人"),
    ("上万人", "10000", AT_LEAST, "人"),
    ("300人以上", "300", AT_LEAST, "人"),
    ("80人左右", "80", APPROX, "人"),
    ("300万元", "3000000", EXACT, "元"),
    ("300万元", "300", EXACT, "万元"),  # a unit may itself start with a numeral
    ("300余万元", "300", AT_LEAST, "万元"),
    ("2.5亿元", "2.5", EXACT, "亿元"),
    ("800 余 人", "800", AT_LEAST, "人"),
    ("１２ｋｍ", "12", EXACT, "km"),
]


@pytest.mark.parametrize(("text", "value", "qualifier"), SPEC_FORMS)
def test_every_form_the_spec_lists_is_read(text: str, value: str, qualifier: Qualifier) -> None:
    assert parse_quantity(text) == Quantity(Decimal(value), qualifier)


@pytest.mark.parametrize(("text", "value", "qualifier"), MORE_FORMS)
def test_other_common_forms_are_read(text: str, value: str, qualifier: Qualifier) -> None:
    assert parse_quantity(text) == Quantity(Decimal(value), qualifier)


@pytest.mark.parametrize(("text", "value", "qualifier", "unit"), COUNTED_FORMS)
def test_a_counting_word_equal_to_the_unit_is_accepted(text: str, value: str, qualifier: Qualifier, unit: str) -> None:
    assert parse_quantity(text, unit) == Quantity(Decimal(value), qualifier)


@pytest.mark.parametrize(("text", "value", "qualifier", "unit"), COUNTED_FORMS)
def test_a_counting_word_is_accepted_when_no_unit_is_given(
    text: str, value: str, qualifier: Qualifier, unit: str
) -> None:
    assert parse_quantity(text).qualifier is qualifier


def test_800余_is_at_least_800() -> None:
    assert parse_quantity("800余") == Quantity(Decimal(800), AT_LEAST)


def test_300余万_is_at_least_three_million_and_2万余_at_least_twenty_thousand() -> None:
    assert parse_quantity("300余万") == Quantity(Decimal(3_000_000), AT_LEAST)
    assert parse_quantity("2万余") == Quantity(Decimal(20_000), AT_LEAST)


def test_166点3亿_is_exact_without_going_through_float() -> None:
    value = parse_quantity("166.3亿").value
    assert value == Decimal("16630000000")
    assert str(value) == "16630000000"


@pytest.mark.parametrize("text", ["1.4万", "166.3亿", "1万亿", "2.50", "300余万", "１，２００"])
def test_values_are_normalised_without_exponent_or_trailing_zeros(text: str) -> None:
    value = parse_quantity(text).value
    assert "E" not in str(value)
    assert not re.search(r"\.\d*0$", str(value))


def test_a_figure_without_a_counting_word_passes_any_unit() -> None:
    assert parse_quantity("800余", "人次") == Quantity(Decimal(800), AT_LEAST)


@pytest.mark.parametrize(
    ("number", "value"),
    [(9, "9"), (0, "0"), (11543, "11543"), (Decimal("2.50"), "2.5"), (Decimal("1E+4"), "10000"), (2.5, "2.5")],
)
def test_numbers_already_read_by_yaml_are_exact(number: int | float | Decimal, value: str) -> None:
    quantity = parse_quantity(number)
    assert quantity == Quantity(Decimal(value), EXACT)
    assert str(quantity.value) == value


@pytest.mark.parametrize("number", [-1, Decimal("-2"), True, float("nan"), None])
def test_negative_or_non_numbers_from_yaml_are_errors(number: object) -> None:
    with pytest.raises(QuantityError, match=f'cannot read "{number}" as a quantity'):
        parse_quantity(number)  # type: ignore[arg-type]


# --- errors ------------------------------------------------------------------------------------

EXPECTED = "expected a number such as 800, 800余, 1.4万 or 二十三"

BAD_FORMS = [
    ("数百", "it names no definite figure; " + EXPECTED),
    ("若干", "it names no definite figure; " + EXPECTED),
    ("几十", "it names no definite figure; " + EXPECTED),
    ("好几百人", "it names no definite figure; " + EXPECTED),
    ("", "the value is empty; " + EXPECTED),
    ("   ", "the value is empty; " + EXPECTED),
    ("-5", "a figure cannot be negative"),
    ("－５", "a figure cannot be negative"),
    ("约-300", "a figure cannot be negative"),
    ("1.2.3", "a number has at most one decimal point, as in 1.4万"),
    ("1.", "a number has at most one decimal point, as in 1.4万"),
    ("12,00", "commas must separate groups of three digits, as in 1,200"),
    ("1,2000", "commas must separate groups of three digits, as in 1,200"),
    ("1 200", "a space cannot split a number; write 1200 or 1,200"),
    ("30%", "a percentage is not a count; " + EXPECTED),
    ("1_000", EXPECTED),
    (".5", EXPECTED),
    ("abc", EXPECTED),
    ("人", EXPECTED),
    ("万", EXPECTED),  # a bare 万 needs 余, 近 or 上
    ("千人", EXPECTED),
    ("二〇二一", EXPECTED),  # digits read one by one are a year, not a count
    ("三四十", EXPECTED),  # a range
    ("800余余", EXPECTED),
    ("800余3", EXPECTED),
    ("二百三千", EXPECTED),  # multipliers must descend
    ("十十", EXPECTED),
    ("12百", EXPECTED),
    ("1万2万", EXPECTED),
    ("1万20000", EXPECTED),
    ("一亿二亿", EXPECTED),
    ("余300", EXPECTED),
    ("1e5", EXPECTED),
    ("800余人（次）", EXPECTED),
    ("9" * 70, "it has too many digits"),
]


@pytest.mark.parametrize(("text", "reason"), BAD_FORMS)
def test_unreadable_figures_quote_the_text_and_say_what_was_expected(text: str, reason: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text)
    assert str(caught.value) == f'cannot read "{text}" as a quantity: {reason}'
    assert str(caught.value) == str(caught.value.message)


def test_quantity_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_quantity("数百")


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("800余人", "人次", '"800余人" is counted in "人", but this metric counts in "人次"'),
        ("800人次", "次", '"800人次" is counted in "人次", but this metric counts in "次"'),
        ("40个", "项", '"40个" is counted in "个", but this metric counts in "项"'),
        ("300万元", "亿元", '"300万元" is counted in "元", but this metric counts in "亿元"'),
        ("300人以上", "名", '"300人以上" is counted in "人", but this metric counts in "名"'),
        ("800人", "", '"800人" is counted in "人", but this metric has no counting word'),
    ],
)
def test_a_counting_word_other_than_the_unit_is_an_error(text: str, unit: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text, unit)
    assert str(caught.value) == message


# --- parse_number --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("11543", "11543"), ("1,200", "1200"), ("１，２００", "1200"), ("1.4万", "14000"), ("二十三", "23"),
     ("3千", "3000"), ("166.3亿", "16630000000"), ("一千零五", "1005"), ("2.50", "2.5"), ("0700", "700")],
)  # fmt: skip
def test_parse_number_reads_the_numeral_alone(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)
    assert str(parse_number(text)) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("800余", "expected a number such as 800, 1.4万 or 二十三"),
        ("800人", "expected a number such as 800, 1.4万 or 二十三"),
        ("约300", "expected a number such as 800, 1.4万 or 二十三"),
        ("万", "expected a number such as 800, 1.4万 or 二十三"),
        ("", "the value is empty; expected a number such as 800, 1.4万 or 二十三"),
        ("-1", "a figure cannot be negative"),
        ("1.2.3", "a number has at most one decimal point, as in 1.4万"),
    ],
)
def test_parse_number_rejects_anything_but_a_numeral(text: str, reason: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_number(text)
    assert str(caught.value) == f'cannot read "{text}" as a number: {reason}'


# --- writing -----------------------------------------------------------------------------------

FORMATS = [
    (None, "人", "—"),
    (Quantity(Decimal(11543), EXACT), "名", "11543名"),
    (Quantity(Decimal(9), EXACT), "次", "9次"),
    (Quantity(Decimal(0), EXACT), "", "0"),
    (Quantity(Decimal(99999), EXACT), "", "99999"),
    (Quantity(Decimal("16630000000"), EXACT), "元", "166.3亿元"),
    (Quantity(Decimal("1.663E+10"), EXACT), "", "166.3亿"),
    (Quantity(Decimal(120000), EXACT), "人", "12万人"),
    (Quantity(Decimal(100000), EXACT), "", "10万"),
    (Quantity(Decimal(123400), EXACT), "", "12.34万"),
    (Quantity(Decimal(123456), EXACT), "", "123456"),
    (Quantity(Decimal(123400000), EXACT), "", "12340万"),
    (Quantity(Decimal(100000000), EXACT), "", "1亿"),
    (Quantity(Decimal(10**12), EXACT), "", "1万亿"),
    (Quantity(Decimal("120000.5"), EXACT), "", "120000.5"),
    (Quantity(Decimal("2.50"), EXACT), "万元", "2.5万元"),
    (Quantity(Decimal("1E+4"), EXACT), "", "10000"),
    (Quantity(Decimal(20000), AT_LEAST), "人次", "2万余人次"),
    (Quantity(Decimal(12345), AT_LEAST), "", "1.2万余"),
    (Quantity(Decimal(19999), AT_LEAST), "", "1.9万余"),  # truncated, never rounded up
    (Quantity(Decimal(10000), AT_LEAST), "", "1万余"),
    (Quantity(Decimal(3000000), AT_LEAST), "人", "300万余人"),
    (Quantity(Decimal(350000000), AT_LEAST), "元", "3.5亿余元"),
    (Quantity(Decimal(800), AT_LEAST), "人", "800余人"),
    (Quantity(Decimal(9999), AT_LEAST), "", "9999余"),
    (Quantity(Decimal(12000), APPROX), "", "约1.2万"),
    (Quantity(Decimal(12500), APPROX), "", "约1.3万"),
    (Quantity(Decimal(10000), APPROX), "人", "约1万人"),
    (Quantity(Decimal(300), APPROX), "人", "约300人"),
    (Quantity(Decimal("2.50"), APPROX), "", "约2.5"),
]


@pytest.mark.parametrize(("quantity", "unit", "text"), FORMATS)
def test_figures_are_written_as_an_official_bulletin_writes_them(
    quantity: Quantity | None, unit: str, text: str
) -> None:
    assert format_quantity(quantity, unit) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1E+4"), "10000"), (Decimal("20000.0"), "20000"), (Decimal("2.50"), "2.5"), (Decimal("0.00"), "0"),
     (Decimal("-0.0"), "0"), (Decimal("1E-7"), "0.0000001"), (Decimal("16630000000"), "16630000000"), (7, "7")],
)  # fmt: skip
def test_format_number_writes_plain_digits(value: Decimal | int, text: str) -> None:
    assert format_number(value) == text


def test_format_number_refuses_infinity() -> None:
    with pytest.raises(ValueError):
        format_number(Decimal("Infinity"))


# --- properties --------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_any_integer_reads_as_itself_in_ascii_or_full_width_digits(n: int) -> None:
    expected = Quantity(Decimal(n), EXACT)
    assert parse_quantity(str(n)) == expected
    assert parse_quantity(str(n).translate(FULL_WIDTH)) == expected
    assert parse_quantity(f"{n:,}") == expected
    assert parse_number(str(n)) == Decimal(n)


values = st.decimals(min_value=0, max_value=10**15, places=3, allow_nan=False, allow_infinity=False)


@given(values, st.sampled_from(list(Qualifier)))
def test_written_figures_never_show_exponents_trailing_zeros_or_qualifier_names(
    value: Decimal, qualifier: Qualifier
) -> None:
    text = format_quantity(Quantity(value, qualifier), "人")
    assert "E" not in text
    assert not re.search(r"\.[0-9]*0(?![0-9])", text)
    assert "at_least" not in text and "approx" not in text and "exact" not in text


@given(values)
def test_an_exact_figure_reads_back_as_itself(value: Decimal) -> None:
    assert parse_quantity(format_quantity(Quantity(value, EXACT), "人"), "人") == Quantity(value, EXACT)


@given(values.filter(lambda v: v >= 1))
def test_an_at_least_figure_reads_back_as_at_least_no_more_than_itself(value: Decimal) -> None:
    again = parse_quantity(format_quantity(Quantity(value, AT_LEAST), "人"), "人")
    assert again.qualifier is AT_LEAST
    assert value * Decimal("0.9") <= again.value <= value
