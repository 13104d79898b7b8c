"""The search index in shards (a year of bulletins, the units): as one index answers, an edit re-indexes its own
shard only, a damaged cache is indexed again and never served, a Pagefind that fails leaves the output whole."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from browser import chromium_page
from conftest import output_files, run_cli, settle, write_files
from static_server import serve_output

from bulletin.incremental.stamp import last_build
from bulletin.incremental.search import record_digest
from bulletin.output.search import HeldIndex, SearchIndexError, index_shards
from bulletin.pipeline.build import BuildOptions, build
from bulletin.pipeline.result import BuildResult

WINTER = """\
---
title: 云溪区开展冬季长跑活动
date: 2022-01-15
---

1月15日，云溪区组织机关干部参加冬季长跑活动，参与800余人次。
"""


@pytest.fixture
def two_years(example_site: Path) -> Path:
    """The example site (bulletins of 2021) with one bulletin of 2022."""
    return write_files(example_site, {"content/yunxi/2022-01-15-dongji-changpao.md": WINTER})


def build_site(root: Path, output: str = "output") -> BuildResult:
    result = build(BuildOptions(root, root / output))
    assert result.ok, result.problems.sorted()
    return result


def cache(root: Path) -> Path:
    return root / ".cache/bulletin/search"


def mtimes(folder: Path) -> dict[str, int]:
    """When each file below ``folder`` was written; but a shard's ``shard.json``, which names the fingerprints of
    its pages: a unit's page is rendered again when its list of bulletins changes, its search record not."""
    return {rel: p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and (rel := p.relative_to(folder).as_posix()) != "shard.json"}


def test_an_edit_indexes_again_only_the_shard_of_its_year(two_years: Path) -> None:
    first = build_site(two_years)
    assert sorted(first.indexed) == ["2021", "2022", "hant-2021", "hant-2022", "hant-units", "units"]
    output = two_years / "output"
    untouched = {shard: (mtimes(cache(two_years) / shard), mtimes(output / "pagefind" / shard))
                 for shard in ("2021", "units", "hant-2021", "hant-units")}
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("冬季长跑活动，", "冬季长跑和登山活动，"), encoding="utf-8")
    second = build_site(two_years)
    assert sorted(second.indexed) == ["2022", "hant-2022"]  # the year's shard and its twins'
    assert second.indexed_records == 2  # the bulletin and its traditional twin: the shards' pages
    for shard, (kept, served) in untouched.items():
        assert mtimes(cache(two_years) / shard) == kept, shard
        assert mtimes(output / "pagefind" / shard) == served, shard
    records = json.loads((cache(two_years) / "2022/records.json").read_text(encoding="utf-8"))
    assert any("登山" in record["body"] for record in records.values())
    assert mtimes(output / "pagefind/2022").keys() == mtimes(cache(two_years) / "2022/bundle").keys()  # none stale
    assert found_urls(output, '"登 山"') == {"/dsxx/units/yunxi/2022-01-15-dongji-changpao/"}


def test_after_an_edit_indexed_while_the_output_was_surveyed_the_next_build_has_nothing_to_do(
        two_years: Path) -> None:
    """The build looks at the output while Pagefind indexes the edited shard; the files it then moves in are
    looked at again, so the stamp describes the output as the build left it."""
    options = BuildOptions(two_years, two_years / "output")
    settle(two_years)
    build_site(two_years)
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("长跑", "越野跑"), encoding="utf-8")
    settle(two_years)
    assert sorted(build_site(two_years).indexed) == ["2022", "hant-2022"]
    assert last_build(two_years, options.output, options.key(), interrupted=False)[1] is not None
    again = build_site(two_years)
    assert again.rendered == 0 and again.changed == 0


def test_a_year_without_bulletins_leaves_no_shard(two_years: Path) -> None:
    build_site(two_years)
    (two_years / "content/yunxi/2022-01-15-dongji-changpao.md").unlink()
    result = build_site(two_years)
    assert result.indexed == []  # the other shards' pages are as they were
    kept = ["2021", "hant-2021", "hant-units", "units"]
    assert sorted(p.name for p in (two_years / "output/pagefind").iterdir()) == kept
    assert sorted(p.name for p in cache(two_years).iterdir()) == kept
    page = (two_years / "output/search/index.html").read_text(encoding="utf-8")
    assert 'data-bundles="/dsxx/pagefind/2021/ /dsxx/pagefind/units/"' in page
    assert 'data-mirror-bundles="/dsxx/pagefind/hant-2021/ /dsxx/pagefind/hant-units/"' in page


def test_a_damaged_or_foreign_shard_in_the_cache_is_indexed_again_not_served(two_years: Path) -> None:
    build_site(two_years)
    shards = cache(two_years)
    fragment = next((shards / "2021/bundle/fragment").iterdir())
    fragment.write_bytes(b"damaged")
    (shards / "units/shard.json").write_text("{not json", encoding="utf-8")
    shutil.rmtree(shards / "2022")
    shutil.copytree(shards / "2021", shards / "2022")  # another shard's files under this one's name
    (shards / "hant-2021/bundle/index/stray.pf_index").write_bytes(b"a file the shard never had")
    result = build_site(two_years, "elsewhere")  # a new output: every page is rendered
    assert sorted(result.indexed) == ["2021", "2022", "hant-2021", "units"]  # the damaged ones; the others were whole
    served = two_years / "elsewhere/pagefind"
    assert all(p.read_bytes() != b"damaged" for p in served.rglob("*.pf_fragment"))
    assert found_urls(two_years / "elsewhere", '"长 跑"') == {"/dsxx/units/yunxi/2022-01-15-dongji-changpao/"}


def test_records_lost_from_the_cache_make_their_pages_rendered_again(two_years: Path) -> None:
    build_site(two_years)
    (cache(two_years) / "2021/records.json").write_text("{}", encoding="utf-8")
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("长跑", "越野跑"), encoding="utf-8")
    result = build_site(two_years)
    assert sorted(result.indexed) == ["2021", "2022", "hant-2022"]  # the twins' records of 2021 were kept
    assert result.rendered >= 2 * 5 + 2  # the five bulletins of 2021 and their twins, as their records were lost
    assert found_urls(two_years / "output", '"党 史"')


def test_a_failing_pagefind_is_one_error_and_the_output_stays_whole(two_years: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("build", "--source", two_years, "--quiet").code == 0
    output = two_years / "output"
    before = {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("长跑", "越野跑"), encoding="utf-8")
    monkeypatch.setattr("bulletin.output.search.pagefind_executable", lambda: Path("/bin/false"))
    run = run_cli("build", "--source", two_years)
    assert run.code == 1
    assert len(run.lines) == 1 and run.lines[0].startswith("data/site.yaml:1:1: error: Pagefind "), run.err
    assert "Traceback" not in run.err
    after = {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    monkeypatch.undo()
    assert run_cli("build", "--source", two_years, "--quiet").code == 0  # and the next build indexes
    assert found_urls(output, '"越 野 跑"')


def test_a_build_that_fails_after_its_bulletins_leaves_no_indexing_behind(two_years: Path) -> None:
    """The bulletins' shards are indexed while the list pages render: a list page that fails stops that work,
    and the build leaves neither a running thread, a half-written shard nor an output behind."""
    write_files(two_years, {"templates/unit.html": "{% extends 'base.html' %}\n{% block content %}\n{{ 1 // 0 }}\n"
                                                   "{% endblock %}\n"})
    threads = threading.active_count()
    result = build(BuildOptions(two_years, two_years / "output"))
    assert [(p.path, p.line) for p in result.problems.sorted()] == [("templates/unit.html", 3)]
    assert threading.active_count() == threads
    assert not (two_years / "output").exists()
    assert [p.name for p in cache(two_years).iterdir() if p.name.startswith(".")] == []
    (two_years / "templates/unit.html").unlink()
    build_site(two_years)  # the shards indexed before the failure, or again
    assert found_urls(two_years / "output", '"长 跑"') == {"/dsxx/units/yunxi/2022-01-15-dongji-changpao/"}


def test_ctrl_c_while_the_list_pages_render_stops_the_indexing_and_leaves_the_output_whole(
        two_years: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the bulletin pages, while their shards are being indexed: the previous output and the
    unchanged shards stay as they were, and no thread outlives the build. (The edited shard may be
    stored or not, depending on when Ctrl-C comes: either is a whole shard of the edited pages.)"""
    import bulletin.pipeline.emit as emit

    build_site(two_years)
    output = output_files(two_years / "output")
    kept = {shard: mtimes(cache(two_years) / shard) for shard in ("2021", "units")}
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("冬季长跑活动，", "冬季长跑和登山活动，"), encoding="utf-8")
    indexing = []

    def ctrl_c(*args: object) -> object:
        indexing.extend(t.name for t in threading.enumerate() if t.name == "bulletin-search")
        raise KeyboardInterrupt

    monkeypatch.setattr(emit, "site_pages", ctrl_c)
    threads = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(two_years, two_years / "output"))
    assert indexing == ["bulletin-search"]  # the shard of 2022 was being indexed when Ctrl-C came
    assert threading.active_count() == threads
    assert output_files(two_years / "output") == output
    assert {shard: mtimes(cache(two_years) / shard) for shard in kept} == kept
    assert [p.name for p in cache(two_years).iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()
    build_site(two_years)
    assert found_urls(two_years / "output", '"登 山"') == {"/dsxx/units/yunxi/2022-01-15-dongji-changpao/"}


def test_a_shard_handed_to_indexing_before_all_its_pages_were_in_is_indexed_again_whole(
        two_years: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard is indexed as soon as its bulletins' pages are all emitted; should it be taken for whole too
    early (here: told that 2021 holds one page, a page per chunk), the index still finds every page of it."""
    import bulletin.pipeline.emit as emit

    build_site(two_years, "whole")
    expected = found_urls(two_years / "whole", '"党 史"')
    assert len(expected) >= 5  # the five bulletins of 2021 at least
    made = emit.WholeShards.__post_init__

    def undercounted(watch: emit.WholeShards) -> None:
        made(watch)
        watch.expected["2021"] = 1

    monkeypatch.setattr(emit.WholeShards, "__post_init__", undercounted)
    monkeypatch.setattr(emit, "BULLETINS_PER_CHUNK", 1)
    handed = []
    whole = emit.WholeShards.look

    def looking(watch: emit.WholeShards) -> None:
        handed.append(len(watch.emitter.search.shards.get("2021", ())))
        whole(watch)

    monkeypatch.setattr(emit.WholeShards, "look", looking)
    build_site(two_years)
    assert 1 in handed and max(handed) >= 5  # told after its first page; four or more came later
    assert found_urls(two_years / "output", '"党 史"') == expected


def test_the_bulletins_of_an_edited_shard_are_emitted_first_so_that_its_indexing_starts_sooner(
        two_years: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bulletins are emitted newest first, a page at a time here: without the edit, 2022's bulletin would come
    before 2021's. The shard of the edited bulletin is handed to indexing before any other bulletin is emitted."""
    import bulletin.pipeline.emit as emit
    import bulletin.pipeline.indexing as indexing

    build_site(two_years)
    bulletin = two_years / "content/yunxi/2021-06-04-chuancheng-hongse-jiyin.md"
    bulletin.write_text(bulletin.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    monkeypatch.setattr(emit, "BULLETINS_PER_CHUNK", 1)
    handed = []
    whole = indexing.IndexingAhead.whole

    def handing(ahead: indexing.IndexingAhead, plan: object, names: list[str]) -> None:
        whole(ahead, plan, names)
        handed.append((sorted(ahead.given), sorted(plan.shards)))  # type: ignore[attr-defined]

    monkeypatch.setattr(indexing.IndexingAhead, "whole", handing)
    result = build_site(two_years)
    assert sorted(result.indexed) == ["2021", "hant-2021"]
    given, emitted = next((given, emitted) for given, emitted in handed if given)
    assert given == ["2021", "hant-2021"] and emitted == ["2021", "hant-2021"]  # 2022's page was not emitted yet


def test_the_page_of_an_edited_bulletin_is_rendered_before_the_bulletins_are_emitted(
        two_years: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered ahead, in the build's own process (a render worker's first page costs it the templates' loading),
    the edited page is ready when the workers take the other pages of its shard over: the shard is handed to
    indexing that much sooner. The site is the one a build from scratch makes, and every file is counted once."""
    import bulletin.pipeline.emit as emit
    from bulletin.render.renderer import Renderer

    build_site(two_years)
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("冬季长跑活动，", "冬季长跑和登山活动，"), encoding="utf-8")
    events: list[str] = []
    render, chunks = Renderer.render, emit.run_in_chunks
    monkeypatch.setattr(Renderer, "render", lambda self, job: events.append(job.path) or render(self, job))
    monkeypatch.setattr(emit, "run_in_chunks", lambda *args: events.append("emission") or chunks(*args))
    result = build_site(two_years)
    assert events[:2] == ["units/yunxi/2022-01-15-dongji-changpao/index.html", "emission"]
    assert sorted(result.indexed) == ["2022", "hant-2022"]
    assert result.pages == len([p for p in (two_years / "output").rglob("*") if p.is_file()])
    shutil.copytree(two_years, tmp_path / "scratch", ignore=shutil.ignore_patterns(".cache", "output"))
    build_site(tmp_path / "scratch")
    assert output_files(two_years / "output") == output_files(tmp_path / "scratch/output")


def test_indexing_told_to_stop_writes_no_bundle(tmp_path: Path) -> None:
    records = [{"url": f"/b{i}/", "title": f"第{i}期", "body": "工作动态", "meta": {"title": f"第{i}期"},
                "filters": {}, "language": "und"} for i in range(3)]
    stop = threading.Event()
    stop.set()
    with pytest.raises(SearchIndexError):
        index_shards([(records, tmp_path / "bundle")], stop=stop)
    assert not (tmp_path / "bundle").exists()
    index_shards([(records, tmp_path / "bundle")])  # not stopped: written
    assert (tmp_path / "bundle/pagefind.js").is_file()


# Stand-ins for Pagefind's service: each defines how it answers a request's payload, then reads requests and
# writes answers as the service does (base64 JSON, a comma after each).
SERVICE_LOOP = """
message = b""
while byte := sys.stdin.buffer.read(1):
    if byte != b",":
        message += byte
        continue
    request = json.loads(base64.b64decode(message))
    message = b""
    reply = json.dumps({"message_id": request["message_id"], "payload": answer(request["payload"])}).encode()
    sys.stdout.buffer.write(base64.b64encode(reply) + b",")
    sys.stdout.buffer.flush()
"""

# One that numbers its first index 5: the build names an index by the number it expects, before the answer
# comes, so a service that numbers otherwise must stop the build, not misfile records.
MISNUMBERING_SERVICE = """\
import base64, json, sys
def answer(payload):
    return {"type": "NewIndex", "index_id": 5} if payload["type"] == "NewIndex" else {"type": "Other"}
"""


def stand_in_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: str) -> None:
    service = tmp_path / "service"
    service.write_text(f"#!{sys.executable}\n{answers}{SERVICE_LOOP}", encoding="utf-8")
    service.chmod(0o755)
    monkeypatch.setattr("bulletin.output.search.pagefind_executable", lambda: service)


def test_a_service_that_numbers_its_index_otherwise_is_an_error_not_a_wrong_bundle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_service(tmp_path, monkeypatch, MISNUMBERING_SERVICE)
    with pytest.raises(SearchIndexError) as raised:
        index_shards([(bulletin_records(2), tmp_path / "bundle")])
    assert "a new index numbered 5, not 0" in str(raised.value.message)


# One that, as Pagefind does, answers a request to write an index's files before the files are all written (its
# last writes are still under way, and end with its process): the build must take the files from the answer to
# a request for them. Its bundle is FILES (path -> bytes).
LATE_WRITING_SERVICE = """\
import base64, json, pathlib, sys, threading, time
FILES = {files!r}
def write_late(folder):
    time.sleep(2)
    for name, data in FILES.items():
        (pathlib.Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
        (pathlib.Path(folder) / name).write_bytes(data)
def answer(payload):
    if payload["type"] == "NewIndex":
        return {{"type": "NewIndex", "index_id": 0}}
    if payload["type"] == "GetFiles":
        return {{"type": "GetFiles", "files": [{{"path": name, "content": base64.b64encode(data).decode()}}
                                              for name, data in FILES.items()]}}
    if payload["type"] == "WriteFiles":
        threading.Thread(target=write_late, args=(payload["output_path"],)).start()
    return payload
"""


def test_a_bundle_is_whole_though_pagefind_answers_before_its_writes_are_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pagefind.js": b"export const search = () => [];\n", "fragment/und_1.pf_fragment": b"\x1f\x8b fragment"}
    stand_in_service(tmp_path, monkeypatch, LATE_WRITING_SERVICE.format(files=files))
    index_shards([(bulletin_records(2), tmp_path / "bundle")])
    assert bundle_bytes(tmp_path / "bundle") == {name: data for name, data in files.items()}


# One that fails to write the bundle of an index given a page under /fail/, and is slow to write any other.
FAILING_AND_SLOW_SERVICE = """\
import base64, json, sys, time
failing = False
def answer(payload):
    global failing
    if payload["type"] == "NewIndex":
        return {"type": "NewIndex", "index_id": 0}
    if payload["type"] == "AddRecord":
        failing = failing or "/fail/" in payload["url"]
    if payload["type"] == "GetFiles":
        if failing:
            return {"type": "Error", "message": "disk full"}
        time.sleep(30)
    return payload
"""


def test_when_one_of_several_pagefind_processes_fails_its_failure_is_the_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the stop of the others that it caused, whichever process was started first."""
    stand_in_service(tmp_path, monkeypatch, FAILING_AND_SLOW_SERVICE)
    failing = [dict(record, url=f"/fail/{i}/") for i, record in enumerate(bulletin_records(2))]
    started = time.monotonic()
    with pytest.raises(SearchIndexError) as raised:
        index_shards([(bulletin_records(5), tmp_path / "slow"), (failing, tmp_path / "failing")], processes=2)
    assert str(raised.value.message) == "Pagefind failed: disk full"
    assert time.monotonic() - started < 20  # the slow one was stopped, not waited for


def test_a_bundle_file_named_out_of_its_folder_is_an_error_and_not_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pagefind.js": b"export const search = () => [];\n", "../outside.js": b"alert(1)"}
    stand_in_service(tmp_path, monkeypatch, LATE_WRITING_SERVICE.format(files=files))
    with pytest.raises(SearchIndexError) as raised:
        index_shards([(bulletin_records(2), tmp_path / "shards/bundle")])
    assert "Pagefind could not run" in str(raised.value.message)
    assert not (tmp_path / "shards/outside.js").exists()



def bulletin_records(count: int) -> list[dict[str, object]]:
    return [{"url": f"/b{i}/", "title": f"第{i}期工作动态", "body": f"开展宣讲{i}场，参与{i * 100}余人次。",
             "meta": {"title": f"第{i}期工作动态"}, "filters": {"year": [str(2020 + i % 2)]}, "language": "und"}
            for i in range(count)]


def bundle_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_held_index_given_the_changed_records_again_writes_the_bundle_made_afresh(tmp_path: Path) -> None:
    """Pagefind puts a record given again in the place of its page's: the bundle of an index held open with the
    kept records, then given the edited one, is the bundle of the edited records indexed from scratch."""
    kept = bulletin_records(5)
    edited = [dict(record) for record in kept]
    edited[2]["body"] = "开展宣讲2场，参与200余人次，另走访群众30户。"
    paths = [f"units/b{i}/index.html" for i in range(5)]
    held = HeldIndex({path: record_digest(r) for path, r in zip(paths, kept)}, lambda: kept)
    assert held.finish({path: record_digest(r) for path, r in zip(paths, edited)}, edited, tmp_path / "held")
    made = held.result()
    assert made is not None and made.records == 5
    index_shards([(edited, tmp_path / "afresh")])
    assert bundle_bytes(tmp_path / "held") == bundle_bytes(tmp_path / "afresh")
    index_shards([(kept, tmp_path / "before")])
    assert bundle_bytes(tmp_path / "before") != bundle_bytes(tmp_path / "afresh")  # the edit is in the index


def test_a_held_index_does_not_write_the_bundle_of_other_pages(tmp_path: Path) -> None:
    """A page added (or gone) since the records were kept would not be in its place: the index is dropped."""
    kept = bulletin_records(3)
    held = HeldIndex({f"units/b{i}/index.html": record_digest(r) for i, r in enumerate(kept)}, lambda: kept)
    more = bulletin_records(4)
    assert not held.finish({f"units/b{i}/index.html": record_digest(r) for i, r in enumerate(more)}, more,
                           tmp_path / "bundle")
    assert held.result() is None and not (tmp_path / "bundle").exists()


def pagefind_children() -> list[int]:
    """The Pagefind processes this process started and that still run."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)
            name = fields[0].split("(", 1)[1]
            parent = int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and name.startswith("pagefind"):
            found.append(int(stat.parent.name))
    return found


def test_the_shards_of_edited_bulletins_are_given_their_records_while_the_pages_render(
        two_years: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit's shard and its twin's are written by indexes held open since the sources were read: nothing is
    indexed afresh, and the bundles are those a build from scratch makes of the same sources."""
    import bulletin.incremental.search as search

    build_site(two_years)
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(WINTER.replace("冬季长跑活动，", "冬季长跑和登山活动，"), encoding="utf-8")
    afresh: list[int] = []
    indexing = search.index_shards
    monkeypatch.setattr(search, "index_shards", lambda shards, *args: afresh.append(len(shards)) or
                        indexing(shards, *args))
    threads = threading.active_count()
    result = build_site(two_years)
    assert sorted(result.indexed) == ["2022", "hant-2022"] and afresh == []
    assert threading.active_count() == threads and pagefind_children() == []
    shutil.copytree(two_years, tmp_path / "scratch", ignore=shutil.ignore_patterns(".cache", "output"))
    build_site(tmp_path / "scratch")
    for shard in ("2022", "hant-2022"):
        assert bundle_bytes(two_years / "output/pagefind" / shard) == bundle_bytes(
            tmp_path / "scratch/output/pagefind" / shard)
    assert found_urls(two_years / "output", '"登 山"') == {"/dsxx/units/yunxi/2022-01-15-dongji-changpao/"}


def test_a_bulletin_added_to_a_shard_has_it_indexed_afresh(two_years: Path) -> None:
    build_site(two_years)
    write_files(two_years, {"content/yunxi/2022-02-01-dengshan.md": WINTER.replace("2022-01-15", "2022-02-01")
                            .replace("冬季长跑", "登山")})
    threads = threading.active_count()
    result = build_site(two_years)
    assert sorted(result.indexed) == ["2022", "hant-2022"] and result.indexed_records == 4
    assert threading.active_count() == threads and pagefind_children() == []
    assert found_urls(two_years / "output", '"登 山"') == {"/dsxx/units/yunxi/2022-02-01-dengshan/"}


def test_an_index_held_for_a_file_saved_unchanged_ends_with_the_build(two_years: Path) -> None:
    build_site(two_years)
    bulletin = two_years / "content/yunxi/2022-01-15-dongji-changpao.md"
    bulletin.write_text(bulletin.read_text(encoding="utf-8"), encoding="utf-8")  # saved again, as it was
    threads = threading.active_count()
    result = build_site(two_years)
    assert result.indexed == []
    assert threading.active_count() == threads and pagefind_children() == []

QUERIES = [('"党 史"', {}), ('"学 习 教 育"', {}), ("实 事", {}), ('"800 余 人 次"', {}), ("宣 讲", {"year": "2021"}),
           ("党 史", {"unit": "云溪区"}), ("长 跑", {"year": "2022"}), ('"云 溪"', {}), ("活 动", {}), ("11543", {})]
MIRROR_QUERIES = [('"黨 史"', {}), ("宣 講", {}), ('"學 習"', {"unit": "云溪區"})]


def test_the_shards_answer_as_one_index_would(two_years: Path, tmp_path: Path) -> None:
    build_site(two_years)
    output = two_years / "output"
    page = (output / "search/index.html").read_text(encoding="utf-8")
    for start, attribute, queries in (("", "data-bundles", QUERIES), ("zh-hant/", "data-mirror-bundles", MIRROR_QUERIES)):
        shards = page.split(f'{attribute}="', 1)[1].split('"', 1)[0].split()
        assert len(shards) == 3
        whole = f"whole{len(start)}"  # one index of all the script's records
        records = [r for shard in shards for r in json.loads(
            (cache(two_years) / shard.split("/")[-2] / "records.json").read_text(encoding="utf-8")).values()]
        index_shards([(records, tmp_path / whole)])
        shutil.copytree(tmp_path / whole, output / "pagefind" / whole)
        sharded = answers(output, start, shards, queries)
        whole = answers(output, start, [f"/dsxx/pagefind/{whole}/"], queries)
        assert sharded == whole
        assert sum(1 for urls in sharded["results"] if urls) >= len(queries) - 1, sharded
    # the filters offered (and their counts) are the same too
    assert sharded["filters"]


# Pagefind skips a term that no page of an index has: a shard without 史 answers 党 史 as 党. The search page's
# script keeps only results whose text has every term of the query (its side of the tokens' contract), and so
# the shards answer as the whole index; a quoted phrase needs no such care (an index without a term has no result).
ANSWER = """async ([bundles, queries]) => {
  const pagefind = await import(bundles[0] + "pagefind.js");
  await pagefind.options({ baseUrl: "/" });  // the records' URLs carry the base path
  for (const other of bundles.slice(1)) await pagefind.mergeIndex(other, { baseUrl: "/" });
  const results = [];
  for (const [query, filters] of queries) {
    const search = await pagefind.search(query, { filters });
    const data = await Promise.all(search.results.map((r) => r.data()));
    const terms = query.replace(/"/g, "").split(" ").filter(Boolean);
    const kept = query.startsWith('"') ? data : data.filter((d) => terms.every((t) => d.content.includes(t)));
    results.push(kept.map((d) => d.url).sort());
  }
  return { results, filters: await pagefind.filters() };
}"""


def answers(output: Path, start: str, bundles: list[str], queries: list[tuple[str, dict[str, str]]]) -> dict:
    """The result URLs of each query, and the filters, from ``bundles`` in Chromium on a page at ``start``."""
    with serve_output(output, "/dsxx/") as site, chromium_page() as page:
        page.goto(site + start)  # a page that loads no search: the bundles are imported here, once
        return page.evaluate(ANSWER, [bundles, [[q, f] for q, f in queries]])


def found_urls(output: Path, query: str) -> set[str]:
    """The URLs the site's bundles find for ``query``."""
    page = (output / "search/index.html").read_text(encoding="utf-8")
    bundles = page.split('data-bundles="', 1)[1].split('"', 1)[0].split()
    return set(answers(output, "", bundles, [(query, {})])["results"][0])


def test_the_search_page_asks_every_shard_for_its_index_at_once(two_years: Path) -> None:
    """On a phone each request waits its round trip: the page must not wait for one shard before it asks the
    next (with 22 shards at 10,000 bulletins, an emulated phone showed the first results for 党史 after 18.6 s,
    12.4 s since: bench/SEARCH_PAGE.md). Each merged shard's first file is held back until all are asked for."""
    build_site(two_years)
    output = two_years / "output"
    page_html = (output / "search/index.html").read_text(encoding="utf-8")
    merged = page_html.split('data-bundles="', 1)[1].split('"', 1)[0].split()[1:]
    assert len(merged) == 2  # 2021 after 2022, and the units

    def first_file_of_a_merged_shard(url: str) -> bool:
        return any(f"{shard}pagefind-entry.json" in url for shard in merged)

    held: list = []
    with serve_output(output, "/dsxx/") as site, chromium_page() as page:
        page.route(first_file_of_a_merged_shard, lambda route: held.append(route))
        page.goto(site + "search/?q=长跑")
        deadline = time.monotonic() + 10
        while len(held) < len(merged) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        asked_together = len(held)
        for route in held:
            route.continue_()
        page.unroute(first_file_of_a_merged_shard)
        page.wait_for_selector("#search-results li")
        titles = page.locator("#search-results h2").all_inner_texts()
    assert asked_together == len(merged)
    assert titles == ["云溪区开展冬季长跑活动"]


def test_a_bundle_in_a_form_not_known_is_left_as_pagefind_wrote_it(tmp_path: Path) -> None:
    """Sorting Pagefind's filters needs its file format; a meta file that is not in it (a newer Pagefind, say)
    changes nothing, and the bundle stays as it was."""
    from bulletin.output.stable_bundle import stabilize

    records = [{"url": f"/b{i}/", "title": f"第{i}期", "body": "工作动态", "meta": {"title": f"第{i}期"},
                "filters": {"unit": [f"单位{i}"]}, "language": "und"} for i in range(3)]
    index_shards([(records, tmp_path / "bundle")])
    made = {p.name: p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file()}
    assert stabilize(tmp_path / "bundle")  # sorted already: the same bytes again
    assert {p.name: p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file()} == made
    meta = next((tmp_path / "bundle").glob("*.pf_meta"))
    meta.write_bytes(gzip.compress(b"pagefind_dcd" + b"\xa1\x61a\x01"))  # a CBOR map: not a form it reads
    changed = {p.name: p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file()}
    assert not stabilize(tmp_path / "bundle")
    assert {p.name: p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file()} == changed
