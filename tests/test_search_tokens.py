"""The search index's tokens (a contract with assets/search.js, which cuts queries the same way)."""

from __future__ import annotations

from bulletin.searchtext import plain_text, search_tokens


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
