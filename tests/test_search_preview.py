"""The preview's search: a rebuild writes its pages without indexing; the index is refreshed afterwards in the
background, only the shard of the edited bulletin indexed again."""

from __future__ import annotations

import io
import time
from pathlib import Path

from bulletin.messages import ENGLISH, Reporter
from bulletin.output.inplace import InPlace
from bulletin.pipeline.build import BuildOptions, Session
from bulletin.serve.server import SearchRefresher, rebuild_site
from test_search_shards import WINTER, found_urls, mtimes, two_years  # noqa: F401 - the fixture


def test_a_save_rewrites_the_page_at_once_and_then_indexes_its_shard_alone(two_years: Path,  # noqa: F811
                                                                             monkeypatch) -> None:
    options = BuildOptions(two_years, two_years / "output")
    session = Session.for_preview(options)
    assert rebuild_site(options, [], session).indexed  # the first build indexes the whole site
    output = two_years / "output"
    before = {shard: mtimes(output / "pagefind" / shard) for shard in ("2021", "2022", "units")}
    edited = "content/yunxi/2022-01-15-dongji-changpao.md"
    (two_years / edited).write_text(WINTER.replace("长跑", "越野跑"), encoding="utf-8")
    result = rebuild_site(options, [edited], session, events=True)
    assert result.ok and result.indexed == []  # the reload does not wait for the index
    assert "越野跑" in (output / "units/yunxi/2022-01-15-dongji-changpao/index.html").read_text(encoding="utf-8")
    assert {shard: mtimes(output / "pagefind" / shard) for shard in before} == before
    err = io.StringIO()
    refresher = SearchRefresher(output.absolute(), Reporter(io.StringIO(), err, ENGLISH), session.reuse)
    refresher.refresh(result.search)
    deadline = time.monotonic() + 120
    while refresher.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not refresher.running and err.getvalue() == ""
    after = {shard: mtimes(output / "pagefind" / shard) for shard in before}
    assert after["2021"] == before["2021"] and after["units"] == before["units"]
    assert after["2022"] != before["2022"]
    assert found_urls(output, '"越 野 跑"') == {"/dsxx/units/yunxi/2022-01-15-dongji-changpao/"}
    compared = [rel for rel in _compared(monkeypatch, options) if rel.startswith("pagefind/")]  # started again
    assert compared and all(rel.startswith(("pagefind/2022/", "pagefind/hant-2022/")) for rel in compared)


def _compared(monkeypatch, options: BuildOptions) -> list[str]:
    """The files a new preview's first build compared byte for byte with the output: those the manifest does not
    know as they are (the refreshed shard's), and the theme's assets, which are always compared."""
    compared: list[str] = []
    real = InPlace.copy
    monkeypatch.setattr(InPlace, "copy", lambda writer, rel, source: compared.append(rel) or real(writer, rel, source))
    assert rebuild_site(options, [], Session.for_preview(options)).ok
    return compared
