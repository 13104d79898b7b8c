"""Parts many pages share (header, footer, the archive's index) are rendered once per build and key."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from conftest import REPO, run_cli, write_files

from bulletin.pipeline.build import BuildOptions, build, load
from bulletin.render import environment
from bulletin.render.environment import SHARED_NAMES
from bulletin.render.fragments import SharedFragments
from bulletin.render.renderer import Renderer
from bulletin.stats import compute_stats


def test_a_shared_block_is_rendered_once_per_key() -> None:
    calls: list[str] = []
    env = jinja2.Environment(extensions=[SharedFragments], autoescape=True)
    env.globals["count"] = lambda key: calls.append(key) or f"<b>{key}</b>"
    page = env.from_string("{% shared k %}{{ count(k) }}{% endshared %}")
    out = [page.render(k=k) for k in ("a", "b", "a", "a", "b")]
    assert out == ["&lt;b&gt;a&lt;/b&gt;", "&lt;b&gt;b&lt;/b&gt;", "&lt;b&gt;a&lt;/b&gt;", "&lt;b&gt;a&lt;/b&gt;",
                   "&lt;b&gt;b&lt;/b&gt;"]  # escaped once, not twice
    assert calls == ["a", "b"]


def test_a_bulletin_in_many_lists_is_rendered_once_for_each_way_a_list_shows_it(minimal_site: Path,
                                                                                 monkeypatch) -> None:
    made: list[str] = []
    real = environment.headline
    monkeypatch.setattr(environment, "headline", jinja2.pass_context(
        lambda context, title: made.append(title) or real(context, title)))
    assert build(BuildOptions(minimal_site, minimal_site / "output", jobs=1)).ok
    title = "示范街道一季度工作简报"
    lists = [p for p in (minimal_site / "output").rglob("index.html")
             if re.search(r'class="bulletin-list">(?:(?!</ol>).)*units/town/report-q1/', p.read_text("utf-8"), re.S)]
    assert len(lists) > 3  # the home page, the bulletins by year and by month, the unit's page, ...
    assert made.count(title) == 3  # its own page, the lists that name its unit, and its unit's list, which does not


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
        assert _current(page) == ["简报", f"{int(month)}月", f"{int(month)}月"]  # the index, and 当前位置



def test_a_shared_block_using_a_name_its_key_does_not_give_is_a_template_error(minimal_site: Path) -> None:
    write_files(minimal_site, {"templates/footer.html": "<footer>\n{{ config.title }}\n{{ page_path }}\n</footer>\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    theme_base = (REPO / "bulletin/theme/templates/base.html").read_text(encoding="utf-8").splitlines()
    block = next(n for n, line in enumerate(theme_base, 1) if '{% shared "footer" %}' in line)
    assert run.lines == [  # where the name is used; the block is the theme's base.html
        f'templates/footer.html:3:1: error: template syntax: the {{% shared %}} block of base.html (line {block}) uses '
        '"page_path", which its key does not name: add it to the key ({% shared page_path, … %}), or every page '
        "would show the first page's page_path"]


def test_a_shared_block_in_a_site_template_is_an_error_at_its_line(minimal_site: Path) -> None:
    write_files(minimal_site, {"templates/404.html": '{% extends "base.html" %}\n{% block content %}\n'
                                                    '{% shared "x" %}{% for s in range(3) %}{{ s }}{% endfor %}'
                                                    '{{ url("") }}{% endshared %}\n'
                                                    '{% shared "y" %}<p>{{ section }}</p>{% endshared %}\n'
                                                    "{% endblock %}\n"})
    run = run_cli("check", "--source", minimal_site)
    assert run.code == 1
    assert run.lines == [
        'templates/404.html:4:1: error: template syntax: the {% shared %} block uses "section", which its key does '
        "not name: add it to the key ({% shared section, … %}), or every page would show the first page's section"]


def test_what_every_page_shares_is_what_shared_blocks_may_use_without_naming_it(minimal_site: Path) -> None:
    loaded = load(BuildOptions(minimal_site, minimal_site / "output"))
    renderer = Renderer(loaded.site, compute_stats(loaded.site), loaded.env)
    assert SHARED_NAMES == {"url", "absolute_url", *renderer.shared_context()}
