"""Saved sources are noticed by file events, with their paths; editors' scratch files are not sources."""

from __future__ import annotations

import queue
import time
from pathlib import Path

import pytest
from conftest import write_files

from bulletin.serve.watch import SourceWatcher, is_source


def test_a_saved_bulletin_is_reported_by_its_path_within_a_second(minimal_site: Path) -> None:
    reports: queue.Queue[list[str]] = queue.Queue()
    watcher = SourceWatcher(minimal_site, reports.put)
    assert watcher.start()
    try:
        time.sleep(0.3)  # the watches are in place
        write_files(minimal_site, {"content/town/.report-q1.md.swp": "x", "content/town/report-q1.md~": "x"})
        write_files(minimal_site, {"content/town/report-q1.md": "---\ntitle: 新\ndate: 2021-03-31\n---\n正文\n"})
        seen: set[str] = set()
        deadline = time.monotonic() + 5
        while "content/town/report-q1.md" not in seen and time.monotonic() < deadline:
            seen.update(reports.get(timeout=5))
        assert seen == {"content/town/report-q1.md"}
    finally:
        watcher.stop()


def test_only_files_the_build_reads_are_sources() -> None:
    assert is_source("content/town/a.md") and is_source("data/units/town.yaml") and is_source("static/a/b.png")
    assert not any(is_source(p) for p in ("output/index.html", ".cache/bulletin/x", "content/.a.md.swp",
                                          "content/a.md~", "content", "README.md", "data/.git/x"))


def test_a_watcher_whose_events_fail_says_so_and_the_poll_takes_over(minimal_site: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    def failing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        raise OSError(28, "inotify watch limit reached")
        yield  # a generator, as watchfiles.watch is

    monkeypatch.setattr(watchfiles, "watch", failing)
    watcher = SourceWatcher(minimal_site, lambda changed: None)
    assert watcher.start()
    watcher.thread.join(5)  # type: ignore[union-attr]
    assert not watcher.alive
