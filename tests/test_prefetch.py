"""While the sources are read and checked, another process converts Markdown bodies into the cache."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files

from bulletin.incremental.bodies import BodyCache
from bulletin.incremental.prefetch import Prefetcher
from bulletin.pipeline.build import BuildOptions, load


def test_bodies_converted_ahead_are_the_ones_the_build_looks_up(minimal_site: Path) -> None:
    write_files(minimal_site, {"content/town/crlf.md": b"\xef\xbb\xbf---\r\ntitle: T\r\ndate: 2021-02-01\r\n---\r\n\xe6\xad\xa3\xe6\x96\x87\r\n"})
    prefetcher = Prefetcher(minimal_site)
    prefetcher.process.start()
    prefetcher.process.join(30)  # let it finish instead of stopping it
    site = load(BuildOptions(minimal_site, minimal_site / "output")).site
    assert site is not None
    cache = BodyCache.for_site(minimal_site)
    items = [*site.bulletins, *site.pages]
    assert len(items) >= 3 and all(cache.get(cache.key(item.body)) is not None for item in items)


def test_a_prefetcher_told_to_stop_stops(minimal_site: Path) -> None:
    with Prefetcher(minimal_site) as prefetcher:
        pass
    assert not prefetcher.process.is_alive() and prefetcher.process.exitcode is not None
