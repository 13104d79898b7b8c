"""The search index's tokens (a contract with assets/search.js, which cuts queries the same way)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from bulletin.searchtext import plain_text, search_tokens

IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"


def tokens_as_the_contract_says(text: str) -> str:
    """The contract, one character at a time: an ideograph is a token, a run of ASCII letters and digits is one,
    any other character that is not whitespace goes on the end of the token before it (or starts one)."""
    tokens: list[str] = []
    for match in re.finditer(f"[{IDEOGRAPHS}]|[A-Za-z0-9]+|\\S", text):
        piece = match.group(0)
        other = not re.fullmatch(f"[{IDEOGRAPHS}]|[A-Za-z0-9]+", piece)
        if other and tokens:
            tokens[-1] += piece
        else:
            tokens.append(piece)
    return " ".join(tokens)


def test_each_ideograph_is_a_token_and_numbers_keep_together_with_punctuation_glued_to_the_token_before() -> None:
    assert search_tokens("党史学习，参与800余人次，投资166.3亿元。") == \
        "党 史 学 习， 参 与 800 余 人 次， 投 资 166. 3 亿 元。"


def test_ascii_words_and_digits_are_one_token_each_run() -> None:
    assert search_tokens("5G基站11543个，APP2.0版") == "5G 基 站 11543 个， APP2. 0 版"


def test_whitespace_only_separates_tokens() -> None:
    assert search_tokens("党史  学习\n\t教育") == "党 史 学 习 教 育"
    assert search_tokens("  \n ") == ""


def test_punctuation_at_the_start_is_a_token_and_glues_on_after_whitespace_too() -> None:
    assert search_tokens("（一）党史") == "（ 一） 党 史"
    assert search_tokens("——破折号") == "—— 破 折 号"
    assert search_tokens("学习 ，教育") == "学 习， 教 育"


def test_every_cjk_block_counts_as_ideographs() -> None:
    # extension A, the unified block, compatibility ideographs, extension B (beyond the BMP)
    assert search_tokens("\u3400\u4e00\uf900\U00020000\U0003134a") == "\u3400 \u4e00 \uf900 \U00020000 \U0003134a"


def test_full_width_forms_and_symbols_are_punctuation() -> None:
    assert search_tokens("增长１２％≥5") == "增 长１２％≥ 5"


def test_plain_text_is_the_words_a_reader_sees() -> None:
    html = '<h2>一、<wbr>宣讲</h2><p>参加&amp;人员<strong>2</strong>万<a href="/x">余</a>人次</p><ul><li>甲</li><li>乙</li></ul>'
    assert plain_text(html) == "一、宣讲\n参加&人员2万余人次\n甲\n乙"


def test_a_year_with_more_bulletins_than_a_shard_holds_is_cut_into_halves_quarters_or_months() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from bulletin.render.searchrecord import SHARD_RECORDS, Shards, search_shards

    def site(counts: dict[int, int], mirrored: bool = False) -> SimpleNamespace:
        bulletins = [SimpleNamespace(date=dt.date(year, 1 + i % 12, 1)) for year, n in counts.items() for i in range(n)]
        return SimpleNamespace(bulletins=bulletins, units=[object()],
                               config=SimpleNamespace(variants=("zh-Hant",) if mirrored else ()))

    many = {2020: SHARD_RECORDS, 2021: SHARD_RECORDS + 1, 2022: 3 * SHARD_RECORDS, 2023: 5 * SHARD_RECORDS}
    assert Shards.of(site(many)).parts == {2020: 12, 2021: 6, 2022: 3, 2023: 1}
    assert Shards.of(site({2020: SHARD_RECORDS}, mirrored=True)).parts == {2020: 12}  # twins are shards of their own
    assert search_shards(site({2020: 3, 2023: 5 * SHARD_RECORDS}))[:3] == ["2023-12", "2023-11", "2023-10"]
    assert search_shards(site({2020: 3, 2021: 3 * SHARD_RECORDS // 2}))[-3:] == ["2021-h1", "2020", "units"]


def test_a_year_under_way_is_cut_so_that_its_newest_shard_holds_no_more_than_a_shard_should() -> None:
    from types import SimpleNamespace

    from bulletin.render.searchrecord import SHARD_RECORDS, Shards, search_shards

    # June: the year's bulletins are all in its first half, one and a half shards' worth of them. Halves would
    # put them all in one shard, the one editors edit most; quarters hold three quarters of a shard each.
    first_half = [SimpleNamespace(date=dt.date(2026, 1 + i % 6, 1)) for i in range(SHARD_RECORDS * 3 // 2)]
    site = SimpleNamespace(bulletins=first_half, units=[object()], config=SimpleNamespace(variants=()))
    assert Shards.of(site).parts == {2026: 3}
    assert search_shards(site) == ["2026-q2", "2026-q1", "units"]


@given(st.lists(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2022, 12, 31)), max_size=200),
       st.integers(min_value=1, max_value=40))
def test_no_shard_holds_more_than_a_shard_should_unless_one_month_does_and_no_cut_is_finer_than_it_must_be(
        dates: list[dt.date], most: int) -> None:
    from collections import Counter
    from types import SimpleNamespace

    from bulletin.render.searchrecord import Shards

    site = SimpleNamespace(bulletins=[SimpleNamespace(date=day) for day in dates], units=[])
    shards = Shards.of(site, most)
    held = Counter(shards.of_date(day) for day in dates)
    per_month = Counter((day.year, day.month) for day in dates)
    for day in dates:
        months = shards.parts[day.year]
        assert held[shards.of_date(day)] <= most or (months == 1 and per_month[day.year, day.month] > most)
        if months < 12:  # the next coarser cut would overflow one of its parts
            coarser = {1: 3, 3: 6, 6: 12}[months]
            assert any(sum(per_month[day.year, m] for m in range(start + 1, start + coarser + 1)) > most
                       for start in range(0, 12, coarser))


@given(st.text(alphabet=st.sampled_from(list("党史学习 \n\t\u3000，。、（）“”《》—…%.-/:+ aZ09８Ａ\u3400\U00020001\uf900\u00a0"))))
def test_tokens_are_those_the_contract_describes(text: str) -> None:
    assert search_tokens(text) == tokens_as_the_contract_says(text)


@given(st.text())
def test_tokens_of_any_text_are_those_the_contract_describes(text: str) -> None:
    assert search_tokens(text) == tokens_as_the_contract_says(text)
