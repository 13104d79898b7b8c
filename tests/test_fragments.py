"""Parts many pages share (header, footer, the archive's index) are rendered once per build and key."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from bulletin.render.fragments import SharedFragments
from conftest import run_cli


def test_a_shared_block_is_rendered_once_per_key() -> None:
    calls: list[str] = []
    env = jinja2.Environment(extensions=[SharedFragments], autoescape=True)
    env.globals["count"] = lambda key: calls.append(key) or f"<b>{key}</b>"
    page = env.from_string("{% shared k %}{{ count(k) }}{% endshared %}")
    out = [page.render(k=k) for k in ("a", "b", "a", "a", "b")]
    assert out == ["&lt;b&gt;a&lt;/b&gt;", "&lt;b&gt;b&lt;/b&gt;", "&lt;b&gt;a&lt;/b&gt;", "&lt;b&gt;a&lt;/b&gt;",
                   "&lt;b&gt;b&lt;/b&gt;"]  # escaped once, not twice
    assert calls == ["a", "b"]


def _current(html: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)<', html)


def test_each_page_still_marks_its_own_section_year_and_month(minimal_site: Path) -> None:
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    out = minimal_site / "output"
    assert _current((out / "stats/index.html").read_text(encoding="utf-8")) == ["统计"]
    assert _current((out / "units/index.html").read_text(encoding="utf-8")) == ["各单位"]
    assert _current((out / "bulletins/index.html").read_text(encoding="utf-8")) == ["简报"]
    year = (out / "bulletins/2021/index.html").read_text(encoding="utf-8")
    assert _current(year) == ["简报", "2021年"]
    months = sorted(p.parent.name for p in (out / "bulletins/2021").glob("[0-9][0-9]/index.html"))
    assert len(months) >= 2
    for month in months:
        page = (out / f"bulletins/2021/{month}/index.html").read_text(encoding="utf-8")
        assert _current(page) == ["简报", f"{int(month)}月"]
