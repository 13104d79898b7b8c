"""After any sequence of edits, a rebuild that reuses unchanged pages equals a clean build, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import jinja2
import pytest
from conftest import SITES, Run, output_files, run_cli, settle, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.digest import generator_digest
from bulletin.incremental.fingerprint import Fingerprinter
from bulletin.incremental.sources import SourcesCache
from bulletin.incremental.stamp import last_build
from bulletin.load import narrative, validate
from bulletin.load import read as read_module
from bulletin.load.read import TextFile
from bulletin.load.validate import file_digest
from bulletin.pipeline.build import BuildOptions, Edit, Session, build, load
from bulletin.render.phrases import Phrases
from bulletin.render import renderer as renderer_module
from bulletin.render.renderer import Renderer
from bulletin.serve.watch import source_snapshot

EDITS = st.sampled_from([
    "edit body", "edit title", "move date", "add bulletin", "remove bulletin", "add report", "rename unit",
    "add unit", "edit template", "retitle site", "add static", "remove static", "add tag", "rewrite lead", "nothing",
])


def apply(site: Path, edit: str, n: int) -> None:
    """Make one editor's change to ``site``."""
    bulletins = sorted((site / "content").glob("*/*.md"))
    if edit == "edit body" and bulletins:
        path = bulletins[n % len(bulletins)]
        path.write_text(path.read_text(encoding="utf-8") + f"\n补充第{n}段。\n", encoding="utf-8")
    elif edit == "edit title" and bulletins:
        path = bulletins[n % len(bulletins)]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: ", f"title: 修订{n}", 1), encoding="utf-8")
    elif edit == "move date" and bulletins:
        path = bulletins[n % len(bulletins)]
        text = path.read_text(encoding="utf-8")
        start = text.index("date: ") + 6
        path.write_text(text[:start] + f"2021-0{1 + n % 9}-1{n % 10}" + text[start + 10:], encoding="utf-8")
    elif edit == "add bulletin":
        write_files(site, {f"content/town/new-{n}.md": f"---\ntitle: 新简报{n}\ndate: 2021-05-{1 + n % 28:02}\n---\n"
                                                     f"新简报正文{n}。见[一季度](report-q1.md)。\n"})
    elif edit == "remove bulletin" and len(bulletins) > 2:
        victim = bulletins[n % len(bulletins)]
        if victim.name != "report-q1.md":  # linked from other bulletins
            victim.unlink()
    elif edit == "add report" and f"2021-09-{1 + n % 28:02}" not in (site / "data/units/town.yaml").read_text("utf-8"):
        path = site / "data/units/town.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"  - date: 2021-09-{1 + n % 28:02}\n    metrics:\n"
                        f"      participants: {900 + n}余\n      lectures: {n % 5}\n", encoding="utf-8")
    elif edit == "rename unit":
        path = site / "data/units/town.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(text.splitlines()[0], f"name: 示范街道{n}"), encoding="utf-8")
    elif edit == "add unit":
        write_files(site, {f"data/units/village-{n}.yaml": f"name: 新村{n}\ncategory: 村\nreports:\n"
                                                          f"  - date: 2021-06-30\n    metrics:\n      participants: {n + 1}\n"})
    elif edit == "edit template":
        write_files(site, {"templates/footer.html": f"<footer><p>页脚 {n}</p></footer>\n"})
    elif edit == "retitle site":
        write_files(site, {"data/site.yaml": f"title: 示范街道工作简报{n}\nbase_url: https://example.org/news/\n"
                                             "search: false\n"})
    elif edit == "add static":
        write_files(site, {f"static/files/f{n}.txt": f"附件{n}"})
    elif edit == "remove static":
        for file in sorted((site / "static").rglob("*.txt"))[:1]:
            file.unlink()
    elif edit == "rewrite lead" and bulletins:  # the first paragraph is the summary lists show
        path = bulletins[n % len(bulletins)]
        text = path.read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        path.write_text(f"{head}\n---\n开头改为第{n}版。\n\n{body}", encoding="utf-8")
    elif edit == "add tag" and bulletins:
        path = bulletins[n % len(bulletins)]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("---\n", f"---\ntags: [标签{n % 3}]\n", 1) if "tags:" not in text else text,
                        encoding="utf-8")


def clean_build(site: Path, into: Path) -> dict[str, bytes]:
    """A build from a copy of the sources with no cache and no previous output."""
    copy = into / "clean-source"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".cache", "output*"))
    assert run_cli("build", "--source", copy, "--output", into / "clean-output", "--jobs", "1").code == 0
    files = output_files(into / "clean-output")
    shutil.rmtree(into / "clean-output")
    return files


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(EDITS, st.integers(0, 50)), min_size=1, max_size=5))
def test_reused_pages_equal_a_clean_build_after_any_edits(tmp_path_factory, edits) -> None:
    root = tmp_path_factory.mktemp("incremental")
    site = Path(shutil.copytree(SITES / "minimal", root / "site"))
    warm_output, preview_output, evented_output = site / "output", root / "preview", root / "evented"
    session = Session.for_preview(BuildOptions(site, preview_output))
    evented = Session.for_preview(BuildOptions(site, evented_output))
    assert build(BuildOptions(site, preview_output, jobs=1), session=session).ok
    assert build(BuildOptions(site, evented_output, jobs=1), session=evented).ok
    _settle(site)  # so that the command line's builds may take files as read before by their status
    assert run_cli("build", "--source", site).code == 0
    for edit, n in edits:
        before = source_snapshot(site)
        apply(site, edit, n)
        after = source_snapshot(site)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))  # as events say
        if n % 2:
            _settle(site)
        assert run_cli("build", "--source", site, "--jobs", "2").code == 0  # staged, reusing pages
        assert build(BuildOptions(site, preview_output, jobs=1), session=session).ok  # the preview, in place
        assert build(BuildOptions(site, evented_output, jobs=1), session=evented, edit=Edit(tuple(changed), complete=True)).ok
        expected = clean_build(site, root)
        assert output_files(warm_output) == expected, edit
        assert output_files(preview_output) == expected, edit
        assert output_files(evented_output) == expected, edit


def test_unchanged_rebuild_renders_nothing_and_one_edit_renders_only_its_pages(minimal_site: Path) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    again = run_cli("build", "--source", minimal_site)
    assert "(0 pages rendered, 0 files changed)" in again.out
    page = minimal_site / "content/town/report-q1.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    edited = run_cli("build", "--source", minimal_site)
    rendered = int(edited.out.split("(")[1].split(" pages rendered")[0])
    # its page, its unit's page, the home and archive pages listing it, the feed: not the other bulletin
    assert 1 <= rendered <= 8, edited.out


def test_preview_with_worker_processes_keeps_every_page(minimal_site: Path, tmp_path: Path) -> None:
    write_files(minimal_site, {f"content/town/m{n:03d}.md": f"---\ntitle: 第{n}期\ndate: 2021-04-{1 + n % 28:02}\n---\n"
                                                          f"正文{n}。\n" for n in range(80)})  # enough for the pool
    preview = tmp_path / "preview"
    session = Session.for_preview(BuildOptions(minimal_site, preview))
    assert build(BuildOptions(minimal_site, preview, jobs=2), session=session).ok
    apply(minimal_site, "edit title", 3)
    assert build(BuildOptions(minimal_site, preview, jobs=2), session=session).ok
    assert output_files(preview) == clean_build(minimal_site, tmp_path)


def test_the_preview_s_first_build_removes_what_no_build_makes_but_not_the_search_index_or_dot_entries(
        minimal_site: Path, tmp_path: Path) -> None:
    preview = write_files(tmp_path / "preview", {"stray/old/index.html": "旧页", "pagefind/kept.js": "//",
                                                 ".editor/notes": "笔记"})
    options = BuildOptions(minimal_site, preview, jobs=1)
    assert build(options, session=Session.for_preview(options)).ok
    assert not (preview / "stray").exists()
    assert (preview / "pagefind/kept.js").is_file() and (preview / ".editor/notes").is_file()


def _age(site: Path, seconds: int = 5) -> None:
    """Date every source file ``seconds`` back, as if saved a while ago (a stamp trusts only settled files)."""
    past = time.time_ns() - seconds * 1_000_000_000
    for path in site.rglob("*"):
        if path.is_file() and ".cache" not in path.parts:
            os.utime(path, ns=(past, past))


def test_a_build_with_nothing_changed_does_nothing_and_repeats_the_warnings(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/gbk.md": "---\ntitle: 旧编码\ndate: 2021-02-01\n---\n正文。\n".encode("gb18030")})
    _age(minimal_site)
    first = run_cli("build", "--source", minimal_site)
    output = minimal_site / "output"
    times = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    again = run_cli("build", "--source", minimal_site)
    assert again.code == 0 and again.lines == first.lines and len(first.lines) == 1
    assert "(0 pages rendered, 0 files changed)" in again.out
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == times


def _settle(site: Path) -> None:
    """Date the sources a few seconds back, as if saved a while ago (a build trusts only settled files' status)."""
    past = time.time_ns() - 5_000_000_000
    for folder in ("content", "data", "templates", "static"):
        for path in (site / folder).rglob("*"):
            if path.is_file():
                os.utime(path, ns=(past, past))


def test_after_a_build_that_adds_and_removes_pages_the_stamp_finds_nothing_changed(minimal_site: Path) -> None:
    options = BuildOptions(minimal_site, minimal_site / "output", jobs=1)
    _age(minimal_site)
    assert build(options).ok
    write_files(minimal_site, {"content/town/added.md": "---\ntitle: 新增一期\ndate: 2021-05-01\n---\n正文。\n"})
    (minimal_site / "content/town/report-q1.md").unlink()
    _age(minimal_site)
    assert build(options).ok  # new files staged, stale ones moved out: the stamp lists the output as it is left
    assert (options.output / "units/town/added/index.html").is_file()
    assert not (options.output / "units/town/report-q1").exists()
    assert last_build(minimal_site, options.output, options.key(), interrupted=False)[1] is not None


def test_a_changed_or_deleted_output_file_is_put_back_by_the_next_build(minimal_site: Path) -> None:
    _age(minimal_site)
    assert run_cli("build", "--source", minimal_site).code == 0
    page = minimal_site / "output/units/town/report-q1/index.html"
    good = page.read_bytes()
    page.write_bytes(b"edited by hand")
    (minimal_site / "output/404.html").unlink()
    assert run_cli("build", "--source", minimal_site).code == 0
    assert page.read_bytes() == good and (minimal_site / "output/404.html").is_file()


def test_an_edit_that_keeps_size_and_modification_time_is_still_built(minimal_site: Path) -> None:
    _age(minimal_site)
    assert run_cli("build", "--source", minimal_site).code == 0
    source = minimal_site / "content/town/report-q1.md"
    before = source.stat()
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("一季度", "二季度", 1), encoding="utf-8")  # same length in bytes
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves
    assert source.stat().st_size == before.st_size
    assert run_cli("build", "--source", minimal_site).code == 0
    assert "二季度" in (minimal_site / "output/units/town/report-q1/index.html").read_text(encoding="utf-8")


def test_other_options_are_another_build(minimal_site: Path) -> None:
    _age(minimal_site)
    assert run_cli("build", "--source", minimal_site).code == 0
    assert run_cli("build", "--source", minimal_site, "--base-url", "https://other.example/x/").code == 0
    assert "https://other.example/x/" in (minimal_site / "output/feed.xml").read_text(encoding="utf-8")


def test_the_preview_writes_the_edited_bulletin_first_and_statistics_first_after_data(minimal_site: Path,
                                                                                     tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    session = Session.for_preview(BuildOptions(minimal_site, preview))
    assert build(BuildOptions(minimal_site, preview, jobs=1), session=session).ok
    written: list[str] = []
    original = session.writer.write
    session.writer.write = lambda rel, data: written.append(rel) or original(rel, data)  # type: ignore[method-assign]
    apply(minimal_site, "rewrite lead", 1)  # the page, and the lists that show its summary, change
    bulletins = sorted((minimal_site / "content").glob("*/*.md"))
    edited = bulletins[1 % len(bulletins)].relative_to(minimal_site).as_posix()
    assert build(BuildOptions(minimal_site, preview, jobs=1), session=session, edit=Edit((edited,))).ok
    assert written[0] == "units/town/" + Path(edited).stem + "/index.html" and len(written) > 2
    written.clear()
    apply(minimal_site, "add report", 3)
    assert build(BuildOptions(minimal_site, preview, jobs=1), session=session, edit=Edit(("data/units/town.yaml",))).ok
    assert written[0] == "stats/index.html" and len(written) > 2
    assert output_files(preview) == clean_build(minimal_site, tmp_path)


def test_the_preview_counts_a_page_written_first_as_one_file(minimal_site: Path, tmp_path: Path) -> None:
    """The edited page is written ahead and emitted again with the site: the files the build reports (the
    preview prints them) are still those of the output, each once."""
    options, session = _previewed(minimal_site, tmp_path)
    apply(minimal_site, "edit body", 0)
    edited = sorted((minimal_site / "content").glob("*/*.md"))[0].relative_to(minimal_site).as_posix()
    result = build(options, session=session, edit=Edit((edited,)))
    assert result.ok and result.rendered >= 1
    assert result.pages == len([p for p in options.output.rglob("*") if p.is_file()])


def test_after_file_events_only_the_files_they_name_are_read_and_the_poll_catches_the_rest(minimal_site: Path,
                                                                                          tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    session = Session.for_preview(BuildOptions(minimal_site, preview))
    options = BuildOptions(minimal_site, preview, jobs=1)
    assert build(options, session=session).ok
    apply(minimal_site, "edit title", 0)  # a save whose event was missed
    assert build(options, session=session, edit=Edit(("data/units/town.yaml",), complete=True)).ok
    assert output_files(preview) != clean_build(minimal_site, tmp_path)  # that file was not read
    assert build(options, session=session, edit=Edit(("content/town/report-q1.md",))).ok  # the poll's rebuild walks
    assert output_files(preview) == clean_build(minimal_site, tmp_path)


def _previewed(site: Path, tmp_path: Path) -> tuple[BuildOptions, Session]:
    """The preview's options and session after its first build of ``site``."""
    options = BuildOptions(site, tmp_path / "preview", jobs=1)
    session = Session.for_preview(options)
    assert build(options, session=session).ok
    return options, session


def _told_first(options: BuildOptions, session: Session, edit: Edit) -> tuple[bool, list[tuple[str, bytes]]]:
    """Build after ``edit`` in the preview: whether it succeeded, and the files it said were written first, with
    their bytes as they were when it said so."""
    told: list[tuple[str, bytes]] = []
    ok = build(options, session=session, edit=edit, written_first=lambda paths: told.extend(
        (path, (options.output / path).read_bytes()) for path in paths)).ok
    return ok, told


def test_a_saved_body_is_told_first_once_with_the_bytes_the_whole_build_makes_and_its_twin(example_site: Path,
                                                                                          tmp_path: Path) -> None:
    options, session = _previewed(example_site, tmp_path)
    bulletin = "content/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu.md"
    path = example_site / bulletin
    path.write_text(path.read_text("utf-8").replace("百年征程", "预览先写。百年征程", 1), "utf-8")
    ok, told = _told_first(options, session, Edit((bulletin,), complete=True))
    page = "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/index.html"
    assert ok and [p for p, _ in told] == [page, "zh-hant/" + page], "the page and its twin, told once"
    assert "预览先写".encode() in told[0][1] and "預覽先寫".encode() in told[1][1]
    assert all((options.output / p).read_bytes() == data for p, data in told), "the whole build wrote the same bytes"
    assert output_files(options.output) == clean_build(example_site, tmp_path)


def test_a_preview_started_from_the_command_line_s_cache_writes_a_saved_body_first_all_the_same(
        example_site: Path, tmp_path: Path) -> None:
    _settle(example_site)
    assert run_cli("build", "--source", example_site, "--output", tmp_path / "preview").code == 0
    options, session = _previewed(example_site, tmp_path)  # its bulletins' files known by their status, not read
    bulletin = "content/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu.md"
    path = example_site / bulletin
    path.write_text(path.read_text("utf-8").replace("百年征程", "预览先写。百年征程", 1), "utf-8")
    ok, told = _told_first(options, session, Edit((bulletin,), complete=True))
    assert ok and [p for p, _ in told][0] == "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/index.html"
    assert "预览先写".encode() in told[0][1]
    assert output_files(options.output) == clean_build(example_site, tmp_path)


def test_a_saved_body_with_a_broken_link_leaves_its_page_as_it_was(minimal_site: Path, tmp_path: Path) -> None:
    options, session = _previewed(minimal_site, tmp_path)
    assert _saving_leaves_the_page_as_it_was(options, session, "\n见[不存在的简报](no-such-bulletin.md)。\n")


def test_while_another_file_is_broken_a_saved_body_is_not_published(minimal_site: Path, tmp_path: Path) -> None:
    options, session = _previewed(minimal_site, tmp_path)
    unit = minimal_site / "data/units/town.yaml"
    unit.write_text(unit.read_text("utf-8").replace("reports:", "reports: [", 1), "utf-8")
    assert not _told_first(options, session, Edit(("data/units/town.yaml",), complete=True))[0]
    assert _saving_leaves_the_page_as_it_was(options, session, "\n补充一句。\n")


def _saving_leaves_the_page_as_it_was(options: BuildOptions, session: Session, added: str) -> bool:
    """Append ``added`` to a bulletin and rebuild the preview: True when the build failed, told of no page
    and left the bulletin's page as it was."""
    page = options.output / "units/town/report-q1/index.html"
    before = page.read_bytes()
    path = options.source / "content/town/report-q1.md"
    path.write_text(path.read_text("utf-8") + added, "utf-8")
    ok, told = _told_first(options, session, Edit(("content/town/report-q1.md",), complete=True))
    return not ok and told == [] and page.read_bytes() == before


def test_saved_figures_tell_the_statistics_first_once_with_the_bytes_the_whole_build_makes(example_site: Path,
                                                                                          tmp_path: Path) -> None:
    options, session = _previewed(example_site, tmp_path)
    unit = example_site / "data/units/zhuzhou-gaoke.yaml"
    unit.write_text(unit.read_text("utf-8").replace("study_sessions: 9次", "study_sessions: 10次", 1), "utf-8")
    ok, told = _told_first(options, session, Edit(("data/units/zhuzhou-gaoke.yaml",), complete=True))
    assert ok and [p for p, _ in told][:2] == ["stats/index.html", "zh-hant/stats/index.html"], told
    assert len({p for p, _ in told}) == len(told), "each page told once"
    assert all((options.output / p).read_bytes() == data for p, data in told), "the whole build wrote the same bytes"
    assert output_files(options.output) == clean_build(example_site, tmp_path)


def test_saved_figures_with_an_error_leave_the_statistics_as_they_were(minimal_site: Path, tmp_path: Path) -> None:
    options, session = _previewed(minimal_site, tmp_path)
    before = (options.output / "stats/index.html").read_bytes()
    unit = minimal_site / "data/units/town.yaml"
    unit.write_text(unit.read_text("utf-8").replace("participants: 800余", "participants: 800余[", 1), "utf-8")
    ok, told = _told_first(options, session, Edit(("data/units/town.yaml",), complete=True))
    assert not ok and told == [] and (options.output / "stats/index.html").read_bytes() == before


def _watched(monkeypatch, site: Path, *spied: tuple[object, str, Callable[..., str]]) -> tuple[list[str], Run]:
    """Build ``site`` from the command line, noting each call of the spied functions (``(owner, name, what
    a call is noted as)``): the calls noted, sorted, and the build's run."""
    calls: list[str] = []
    for owner, name, noted in spied:
        def spy(*args, real=getattr(owner, name), noted=noted):
            calls.append(noted(*args))
            return real(*args)
        monkeypatch.setattr(owner, name, spy)
    run = run_cli("build", "--source", site, "--jobs", "1")
    return sorted(calls), run


def _parsed_files(monkeypatch, site: Path) -> tuple[list[str], list[str]]:
    """The bulletins whose front matter a build parsed (not taken from the cache), and its problem lines."""
    parsed, run = _watched(monkeypatch, site, (validate, "read_bulletin", lambda file, *_: file.path))
    assert run.code == 0
    return parsed, run.lines


def test_after_an_edit_only_the_edited_bulletin_is_parsed_and_the_site_is_the_same(minimal_site: Path,
                                                                                monkeypatch) -> None:
    assert _parsed_files(monkeypatch, minimal_site)[0] == ["content/town/2021-06-30-工作动态.md",
                                                           "content/town/report-q1.md"]
    apply(minimal_site, "edit title", 0)  # the first bulletin in name order, the newest: 2021-06-30-工作动态.md
    assert _parsed_files(monkeypatch, minimal_site)[0] == ["content/town/2021-06-30-工作动态.md"]
    options = BuildOptions(minimal_site, minimal_site / "output")
    remembered = load(options, stored=SourcesCache.for_site(minimal_site)).site
    assert remembered is not None and remembered == load(options).site
    assert remembered.bulletins[0].title.startswith("修订0")


def _files_read(monkeypatch, site: Path) -> list[str]:
    """The bulletins' files a command-line build of ``site`` read, sorted."""
    noted, run = _watched(monkeypatch, site, (read_module, "_read_text_file", lambda _file, rel, *_: rel))
    assert run.code == 0, run.err
    return [rel for rel in noted if rel.startswith("content/town/")]


def test_a_settled_bulletin_file_is_not_read_again_until_a_page_needs_its_body(minimal_site: Path, tmp_path: Path,
                                                                              monkeypatch) -> None:
    old = {f"content/town/old-{n:02d}.md": f"---\ntitle: 旧闻第{n}期\ndate: 2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n"
                                         f"---\n旧闻正文{n}。\n" for n in range(25)}
    write_files(minimal_site, old)
    oldest = sorted(old, key=lambda rel: old[rel].split("date: ")[1][:10])[:5]  # older than the 20 the feed shows
    _settle(minimal_site)
    assert len(_files_read(monkeypatch, minimal_site)) == 27
    edited = minimal_site / oldest[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    read = _files_read(monkeypatch, minimal_site)
    assert oldest[0] in read and not set(oldest[1:]) & set(read)  # the others: unchanged, and on no page made now
    assert oldest[0] in _files_read(monkeypatch, minimal_site)  # saved less than a second ago: read again
    apply(minimal_site, "edit template", 0)  # every page made again, the bodies not read at load read as needed ...
    shutil.rmtree(minimal_site / ".cache/bulletin/bodies")  # ... and converted again, their HTML gone
    assert run_cli("build", "--source", minimal_site, "--jobs", "2").code == 0
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)


def test_what_read_well_is_kept_even_when_the_build_fails(minimal_site: Path, monkeypatch) -> None:
    write_files(minimal_site, {"templates/bulletin.html": "{{ bulletin.nosuch.attribute }}\n"})  # fails as it renders
    failed = run_cli("build", "--source", minimal_site, "--jobs", "1")
    assert failed.code == 1 and "templates/bulletin.html" in failed.err, failed.err
    (minimal_site / "templates/bulletin.html").unlink()
    assert _parsed_files(monkeypatch, minimal_site)[0] == []  # the failed build's reading is not done again


def test_a_file_read_with_a_warning_is_read_and_warned_about_on_every_build(minimal_site: Path, monkeypatch) -> None:
    write_files(minimal_site, {"content/town/gbk.md": "---\ntitle: 旧编码\ndate: 2021-02-01\n---\n正文。\n".encode("gb18030")})
    _settle(minimal_site)  # once: settling a file again changes its status
    for edit in range(3):
        read, run = _watched(monkeypatch, minimal_site, (read_module, "_read_text_file", lambda _file, rel, *_: rel))
        assert "content/town/gbk.md" in read
        assert len(run.lines) == 1 and run.lines[0].startswith("content/town/gbk.md:"), run.lines  # its encoding
        other = minimal_site / "content/town/report-q1.md"
        other.write_text(other.read_text(encoding="utf-8") + f"\n补充第{edit}句。\n", encoding="utf-8")


def test_a_bulletin_with_a_warning_is_parsed_and_warned_about_on_every_build(minimal_site: Path, monkeypatch) -> None:
    write_files(minimal_site, {"content/town/odd.md": "---\ntitle: 有误的键\ndate: 2021-02-01\nauthr: 张三\n---\n正文。\n"})
    for edit in range(3):
        parsed, lines = _parsed_files(monkeypatch, minimal_site)
        assert "content/town/odd.md" in parsed
        assert [line.split(": warning: ")[0] for line in lines] == ["content/town/odd.md:4:1"]
        apply(minimal_site, "edit body", edit)


def _preview_spied(monkeypatch, options: BuildOptions, session: Session, edit: Edit = Edit()) -> dict[str, list[str]]:
    """Build in the preview: the bulletins' files it read, those it parsed and those whose links and figures it
    checked, each sorted."""
    seen: dict[str, list[str]] = {"read": [], "parsed": [], "checked": []}
    spied = ((read_module, "_read_text_file", "read", lambda _file, rel, *_: rel),
             (validate, "read_bulletin", "parsed", lambda file, *_: file.path),
             (validate, "check_links", "checked", lambda _index, path, *_: path),
             (narrative, "check_narrative", "checked", lambda bulletin, *_: bulletin.source_path))
    for owner, name, kind, noted in spied:
        def spy(*args, real=getattr(owner, name), kind=kind, noted=noted):
            seen[kind].append(noted(*args))
            return real(*args)
        monkeypatch.setattr(owner, name, spy)
    assert build(options, session=session, edit=edit).ok
    monkeypatch.undo()
    return {kind: sorted(path for path in paths if path.startswith("content/")) for kind, paths in seen.items()}


def test_the_preview_starts_from_what_command_line_builds_read_and_then_remembers_it(minimal_site: Path,
                                                                                    tmp_path: Path,
                                                                                    monkeypatch) -> None:
    old = {f"content/town/old-{n:02d}.md": f"---\ntitle: 旧闻第{n}期\ndate: 2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n"
                                         f"---\n旧闻正文{n}。\n" for n in range(25)}
    write_files(minimal_site, old)
    _settle(minimal_site)
    assert run_cli("build", "--source", minimal_site).code == 0
    options = BuildOptions(minimal_site, minimal_site / "output", jobs=1)
    session = Session.for_preview(options)
    first = _preview_spied(monkeypatch, options, session)
    assert first["parsed"] == first["checked"] == []
    oldest = sorted(old, key=lambda rel: old[rel].split("date: ")[1][:10])[:5]  # older than the 20 the feed shows
    assert first["read"] and not set(oldest) & set(first["read"])  # the feed's bodies only
    edited = "content/town/report-q1.md"
    path = minimal_site / edited
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 修订", 1), encoding="utf-8")
    again = _preview_spied(monkeypatch, options, session, Edit((edited,)))
    assert again["parsed"] == [edited] and edited in again["read"] and edited in again["checked"]
    assert output_files(options.output) == clean_build(minimal_site, tmp_path)


def test_what_the_preview_first_read_is_kept_for_the_command_line_and_not_lost_by_its_later_builds(
        minimal_site: Path, monkeypatch) -> None:
    options = BuildOptions(minimal_site, minimal_site / "output", jobs=1)
    session = Session.for_preview(options)
    assert _preview_spied(monkeypatch, options, session)["parsed"] == ["content/town/2021-06-30-工作动态.md",
                                                                     "content/town/report-q1.md"]
    apply(minimal_site, "edit body", 1)  # report-q1.md
    assert _preview_spied(monkeypatch, options, session, Edit(("content/town/report-q1.md",)))["parsed"] == [
        "content/town/report-q1.md"]
    parsed, lines = _parsed_files(monkeypatch, minimal_site)
    assert parsed == ["content/town/report-q1.md"] and lines == []  # the edit, which the preview's first build missed


def test_a_damaged_or_foreign_read_before_cache_is_ignored(minimal_site: Path, tmp_path: Path) -> None:
    expected = clean_build(minimal_site, tmp_path)
    cache = minimal_site / ".cache/bulletin/sources.json"
    key = file_digest(TextFile("content/town/report-q1.md",
                               (minimal_site / "content/town/report-q1.md").read_text(encoding="utf-8")))
    for planted in ("{not json", json.dumps({"generator": "another", "bulletins": {key: [
                        "别的标题", "2020-01-01", None, None, None, [], False, None, None]}}),
                    json.dumps({"generator": generator_digest(), "bulletins": {key: [
                        5, "2021-03-31", None, None, None, [], False, None, None]}}),
                    json.dumps({"generator": generator_digest(), "bulletins": {key: [
                        "别的标题", "三月", None, None, None, [], False, None, None]}}),
                    json.dumps({"generator": generator_digest(), "bulletins": {key: ["别的标题"]}})):
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(planted, encoding="utf-8")
        shutil.rmtree(minimal_site / "output", ignore_errors=True)
        assert run_cli("build", "--source", minimal_site).code == 0
        assert output_files(minimal_site / "output") == expected


def forty_bulletins(site: Path) -> Path:
    """The minimal site with 40 more bulletins, built once, its sources settled."""
    for i in range(40):
        write_files(site, {f"content/town/b-{i:03}.md": f"---\ntitle: 第{i}期工作简报\ndate: 2021-{i % 12 + 1:02}-"
                                                        f"{i % 28 + 1:02}\n---\n第{i}期。组织宣讲{i}场次。\n"})
    settle(site)
    assert run_cli("build", "--source", site, "--jobs", "1").code == 0
    return site


def retitle(site: Path, *numbers: int) -> None:
    """Edit these bulletins' titles, as if saved a while ago (the other files are not touched, their times neither)."""
    past = time.time_ns() - 5_000_000_000
    for i in numbers:
        path = site / f"content/town/b-{i:03}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 修订", 1), encoding="utf-8")
        os.utime(path, ns=(past, past))


def test_an_edit_is_kept_as_changes_to_the_sources_cache_which_the_next_builds_read(minimal_site: Path,
                                                                                   monkeypatch) -> None:
    """The whole cache (7 MB at 10,000 bulletins) is not written again for one edit."""
    site = forty_bulletins(minimal_site)
    whole, changes = site / ".cache/bulletin/sources.json", site / ".cache/bulletin/sources-changes.json"
    written = whole.read_bytes()
    retitle(site, 5)
    assert _parsed_files(monkeypatch, site)[0] == ["content/town/b-005.md"]
    assert whole.read_bytes() == written and changes.is_file()
    retitle(site, 6)
    assert _parsed_files(monkeypatch, site)[0] == ["content/town/b-006.md"]  # b-005 as the changes have it
    assert whole.read_bytes() == written
    options = BuildOptions(site, site / "output")
    remembered = load(options, stored=SourcesCache.for_site(site)).site
    assert remembered is not None and remembered == load(options).site


def test_changes_past_an_eighth_of_the_sources_cache_are_written_whole(minimal_site: Path, monkeypatch) -> None:
    site = forty_bulletins(minimal_site)
    whole, changes = site / ".cache/bulletin/sources.json", site / ".cache/bulletin/sources-changes.json"
    written = whole.read_bytes()
    retitle(site, 5)
    assert run_cli("build", "--source", site).code == 0 and changes.is_file()
    retitle(site, *range(10, 20))
    assert len(_parsed_files(monkeypatch, site)[0]) == 10
    assert whole.read_bytes() != written and not changes.exists()
    retitle(site, 7)
    assert _parsed_files(monkeypatch, site)[0] == ["content/town/b-007.md"]  # nothing else: all is in the whole


@pytest.mark.parametrize("damage", ["not JSON", "of another whole file", "of another shape"])
def test_changes_damaged_or_of_another_whole_file_are_not_used(minimal_site: Path, tmp_path: Path, monkeypatch,
                                                               damage: str) -> None:
    site = forty_bulletins(minimal_site)
    changes = site / ".cache/bulletin/sources-changes.json"
    retitle(site, 5)
    assert run_cli("build", "--source", site).code == 0
    data = json.loads(changes.read_text(encoding="utf-8"))
    planted = {"not JSON": "{not json", "of another whole file": json.dumps(dict(data, series="another")),
               "of another shape": json.dumps(dict(data, bulletins={"key": ["别的标题"]}))}[damage]
    changes.write_text(planted, encoding="utf-8")
    shutil.rmtree(site / "output")
    assert _parsed_files(monkeypatch, site)[0] == ["content/town/b-005.md"]  # its entry was in the changes only
    assert output_files(site / "output") == clean_build(site, tmp_path)


def _units_parsed(site: Path, monkeypatch) -> tuple[list[str], str]:
    """The unit files a load of ``site`` (with the command line's cache, which it then saves) parsed, and its units
    as written out whole (where each figure was written included)."""
    parsed: list[str] = []
    real = validate.read_unit
    monkeypatch.setattr(validate, "read_unit", lambda file, *rest: parsed.append(file.path) or real(file, *rest))
    stored = SourcesCache.for_site(site)
    loaded = load(BuildOptions(site, site / "output", jobs=1), stored=stored)
    stored.save()
    assert loaded.site is not None, loaded.problems.sorted()
    return sorted(parsed), repr(loaded.site.units)


def test_a_unit_read_before_is_not_parsed_again_and_is_the_same(example_site: Path, monkeypatch) -> None:
    parsed, units = _units_parsed(example_site, monkeypatch)
    assert len(parsed) == 5
    assert _units_parsed(example_site, monkeypatch) == ([], units)
    edited = example_site / "data/units/zhuzhou-gaoke.yaml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("participants_people: 800余人", "participants_people: 900余人"), encoding="utf-8")
    again, changed = _units_parsed(example_site, monkeypatch)
    assert again == ["data/units/zhuzhou-gaoke.yaml"] and changed != units
    assert repr(load(BuildOptions(example_site, example_site / "output", jobs=1)).site.units) == changed  # type: ignore[union-attr]
    metrics = example_site / "data/metrics.yaml"
    metrics.write_text("\n" + metrics.read_text(encoding="utf-8"), encoding="utf-8")  # each metric a line lower
    assert _units_parsed(example_site, monkeypatch)[0] == parsed  # read against other metrics: parsed again


@pytest.mark.parametrize("damage", [
    lambda unit: unit[5][0].__setitem__(0, "三月"),  # a date
    lambda unit: unit[5][0][3][0].__setitem__(1, "八百"),  # a figure
    lambda unit: unit[5][0][3][0].__setitem__(1, "NaN"),
    lambda unit: unit[5][0][3][0].__setitem__(2, "roughly"),  # a qualifier
    lambda unit: unit[5][0].__setitem__(2, [0, 1]),  # where it was written
    lambda unit: unit.__setitem__(1, 5),  # the name
    lambda unit: unit.__setitem__(5, "reports"),
])
def test_a_damaged_unit_in_the_cache_is_parsed_again(minimal_site: Path, tmp_path: Path, damage) -> None:
    expected = clean_build(minimal_site, tmp_path)
    assert run_cli("build", "--source", minimal_site).code == 0
    cache = minimal_site / ".cache/bulletin/sources.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    for unit in data["units"].values():
        damage(unit)
    cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(minimal_site / "output")
    assert run_cli("build", "--source", minimal_site).code == 0
    assert output_files(minimal_site / "output") == expected


def _planned(monkeypatch, site: Path) -> list[str]:
    """The bulletins whose pages a build planned (their context made)."""
    planned, run = _watched(monkeypatch, site, (Renderer, "bulletin_job", lambda _self, bulletin, _body:
                                                bulletin.source_path))
    assert run.code == 0
    return planned


def test_after_a_body_edit_the_other_bulletins_pages_are_taken_over_unplanned(minimal_site: Path, monkeypatch) -> None:
    assert len(_planned(monkeypatch, minimal_site)) == 2
    apply(minimal_site, "edit body", 1)  # report-q1.md
    assert _planned(monkeypatch, minimal_site) == ["content/town/report-q1.md"]
    assert "补充第1段" in (minimal_site / "output/units/town/report-q1/index.html").read_text(encoding="utf-8")


def test_after_a_title_edit_its_neighbours_pages_show_the_new_title(minimal_site: Path, monkeypatch) -> None:
    assert len(_planned(monkeypatch, minimal_site)) == 2
    apply(minimal_site, "edit title", 1)  # report-q1.md, the older: the pager of the newer one names it
    assert len(_planned(monkeypatch, minimal_site)) == 2
    newer = minimal_site / "output/units/town/2021-06-30-gong-zuo-dong-tai/index.html"
    assert "修订1示范街道一季度工作简报" in newer.read_text(encoding="utf-8")


def _checked(monkeypatch, site: Path) -> tuple[list[str], list[str]]:
    """The files whose links and whose figures a build checked, and its problem lines."""
    checked, run = _watched(monkeypatch, site,
                            (validate, "check_links", lambda _index, path, *_: f"links {path}"),
                            (narrative, "check_narrative", lambda bulletin, *_: f"figures {bulletin.source_path}"))
    return checked, run.lines


def test_after_a_body_edit_only_its_links_and_figures_are_checked_again(minimal_site: Path, monkeypatch) -> None:
    assert len(_checked(monkeypatch, minimal_site)[0]) == 4
    apply(minimal_site, "edit body", 1)  # report-q1.md
    assert _checked(monkeypatch, minimal_site)[0] == ["figures content/town/report-q1.md",
                                                     "links content/town/report-q1.md"]


def test_a_link_is_checked_again_when_its_target_goes(minimal_site: Path, monkeypatch) -> None:
    write_files(minimal_site, {"content/town/later.md": "---\ntitle: 后续\ndate: 2021-07-01\n---\n见[一季度](report-q1.md)。\n"})
    assert _checked(monkeypatch, minimal_site)[1] == []
    (minimal_site / "content/town/report-q1.md").unlink()
    checked, lines = _checked(monkeypatch, minimal_site)
    assert "links content/town/later.md" in checked
    assert [line.split(": error: ")[0] for line in lines] == ["content/town/later.md:5:8"], lines


def test_a_figure_is_checked_again_when_its_units_report_changes(minimal_site: Path, monkeypatch) -> None:
    write_files(minimal_site, {"content/town/talks.md": "---\ntitle: 宣讲\ndate: 2021-06-30\n---\n"
                                                        "二季度，示范街道组织宣讲报告3场次。\n"})
    assert _checked(monkeypatch, minimal_site)[1] == []
    units = minimal_site / "data/units/town.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("lectures: 3", "lectures: 4"), encoding="utf-8")
    for _ in range(2):  # and warned about again by the next build too
        checked, lines = _checked(monkeypatch, minimal_site)
        assert "figures content/town/talks.md" in checked
        assert [line.split(": warning: ")[0] for line in lines] == ["content/town/talks.md:5:15"], lines
        apply(minimal_site, "edit body", 1)  # another file: not a build with nothing to do


def test_after_a_body_edit_the_lists_are_taken_over_unfingerprinted_but_the_feed_with_bodies(minimal_site: Path,
                                                                                         monkeypatch) -> None:
    spied = (Fingerprinter, "page", lambda _self, template, context, *_: context.get("page_path") or template)
    _watched(monkeypatch, minimal_site, spied)
    apply(minimal_site, "edit body", 1)  # report-q1.md; its summary, the first paragraph, stays
    fingerprinted, run = _watched(monkeypatch, minimal_site, spied)
    assert run.code == 0 and fingerprinted == ["feed.xml", "units/town/report-q1/"]
    assert "补充第1段" in (minimal_site / "output/feed.xml").read_text(encoding="utf-8")


def test_after_a_new_lead_the_lists_show_the_new_summary(minimal_site: Path) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    apply(minimal_site, "rewrite lead", 4)
    assert run_cli("build", "--source", minimal_site).code == 0
    assert "开头改为第4版" in (minimal_site / "output/index.html").read_text(encoding="utf-8")


def test_a_damaged_manifest_is_ignored_where_damaged(minimal_site: Path, tmp_path: Path) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    manifest = next((minimal_site / ".cache/bulletin").glob("manifest-*.json"))
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    damaged = dict.fromkeys(entries, {"0": "x", "1": 1, "2": 2, "3": "y"})
    damaged["index.html"], damaged["units/town/report-q1/index.html"] = "abcd", [5, 1, 2, 3]
    manifest.write_text(json.dumps(damaged), encoding="utf-8")
    apply(minimal_site, "edit body", 1)
    assert run_cli("build", "--source", minimal_site).code == 0
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)


def _titles_broken(monkeypatch, site: Path) -> list[str]:
    """Build ``site`` cold (no output) from the command line: the bulletins' titles it broke into phrases itself."""
    shutil.rmtree(site / "output", ignore_errors=True)
    titles = {line.removeprefix("title: ") for path in (site / "content").glob("*/*.md")
              for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("title: ")}
    broken, run = _watched(monkeypatch, site, (Phrases, "_find_breaks", lambda _self, text: text))
    assert run.code == 0
    return [text for text in broken if text in titles]


def test_titles_broken_by_an_earlier_build_are_not_broken_again(minimal_site: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    assert len(_titles_broken(monkeypatch, minimal_site)) == 2
    assert _titles_broken(monkeypatch, minimal_site) == []
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)
    units = minimal_site / "data/units/town.yaml"  # a unit's name is a term kept whole: every title again
    units.write_text(units.read_text(encoding="utf-8").replace("示范街道办事处", "示范镇人民政府", 1), encoding="utf-8")
    assert len(_titles_broken(monkeypatch, minimal_site)) == 2


def test_title_breaks_of_another_shape_are_not_used(minimal_site: Path, tmp_path: Path, monkeypatch) -> None:
    _titles_broken(monkeypatch, minimal_site)
    cache = minimal_site / ".cache/bulletin/sources.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    titles = sorted(data["titles"]["breaks"])
    data["titles"]["breaks"] = {titles[0]: [0, 99], titles[1]: [3, 2]}  # outside the title; out of order
    cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert len(_titles_broken(monkeypatch, minimal_site)) == 2
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)


def _compiled(monkeypatch, site: Path) -> list[str]:
    """Build ``site`` from the command line: the templates it compiled itself (not taken from the cache)."""
    compiled, run = _watched(monkeypatch, site, (jinja2.Environment, "compile", lambda _env, _text, name, *_: name))
    assert run.code == 0, run.err
    return compiled


def test_templates_compiled_by_an_earlier_build_are_not_compiled_again_unless_edited(minimal_site: Path,
                                                                                    tmp_path: Path,
                                                                                    monkeypatch) -> None:
    assert "bulletin.html" in _compiled(monkeypatch, minimal_site)
    apply(minimal_site, "edit body", 0)
    assert _compiled(monkeypatch, minimal_site) == []
    apply(minimal_site, "edit template", 1)  # the site's footer, which every page includes
    assert _compiled(monkeypatch, minimal_site) == ["footer.html"]
    assert "页脚 1" in (minimal_site / "output/index.html").read_text(encoding="utf-8")
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)


def test_a_damaged_compiled_template_is_compiled_again(minimal_site: Path, tmp_path: Path, monkeypatch) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    kept = [path for path in (minimal_site / ".cache/bulletin/templates").rglob("*") if path.is_file()]
    assert kept
    for n, path in enumerate(kept):  # cut short, emptied, or of other bytes altogether
        path.write_bytes(path.read_bytes()[:n % 40] if n % 3 else b"\x00" * 64)
    apply(minimal_site, "edit body", 0)
    assert len(_compiled(monkeypatch, minimal_site)) == len(kept)
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)


def test_check_compiles_templates_but_keeps_nothing(minimal_site: Path) -> None:
    assert run_cli("check", "--source", minimal_site).code == 0
    assert not (minimal_site / ".cache").exists()


def test_bodies_kept_in_the_cache_are_neither_converted_nor_sanitised_again(minimal_site: Path, tmp_path: Path,
                                                                            monkeypatch) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    shutil.rmtree(minimal_site / "output")  # as on a CI machine: a fresh checkout, its cache restored
    made, run = _watched(monkeypatch, minimal_site, (renderer_module, "convert_markdown", lambda *_: "converted"),
                         (renderer_module, "sanitize_html", lambda *_: "sanitised"))
    assert run.code == 0 and made == []
    assert output_files(minimal_site / "output") == clean_build(minimal_site, tmp_path)
