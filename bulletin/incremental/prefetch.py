"""Markdown converted ahead: while a build reads and checks the sources on one core, another core
fills the body cache, so that rendering finds more bodies converted already.

Only the body cache is written, the same entries rendering would write, and each is re-sanitised
when read. The prefetcher stops as soon as the sources are loaded; what it converted by then is
a head start, and a build that fails keeps it for the next one.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
from multiprocessing.synchronize import Event
from pathlib import Path

from ..errors import Problems
from ..load.files import walk_files
from ..load.read import read_text_file, split_front_matter
from ..render.markup import convert_markdown, make_markdown
from .bodies import BodyCache
from .files import CACHE_DIR


def _convert_all(source: Path, stop: Event) -> None:
    """Convert the body of every Markdown file that the cache lacks, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    gc.enable()  # the build's pause of the collector is for its own objects
    cache, converter = BodyCache(source / CACHE_DIR / "bodies"), make_markdown()
    for found in walk_files(source / "content", source, Problems()):  # the files the build reads
        if stop.is_set():
            return
        file = read_text_file(found, Problems()) if found.rel.endswith(".md") else None
        if file is None:
            continue
        body = split_front_matter(file.text)[1]
        key = cache.key(body)
        if cache.get(key) is None:
            with contextlib.suppress(Exception):  # MarkupError or worse: the build itself reports it, if it must
                cache.put(key, convert_markdown(converter, body))


class Prefetcher:
    """A process converting Markdown bodies into the cache while it runs."""

    def __init__(self, source: Path) -> None:
        context = multiprocessing.get_context("fork")
        self.stop_event = context.Event()
        self.process = context.Process(target=_convert_all, args=(source, self.stop_event), daemon=True)

    def __enter__(self) -> Prefetcher:
        self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self.process.join(5)
        if self.process.is_alive():  # a body that takes long (a pathological one): it is only a head start
            self.process.kill()
            self.process.join()


def prefetching(source: Path, enabled: bool) -> contextlib.AbstractContextManager[object]:
    """Convert bodies ahead while the block runs, when ``enabled`` and processes can be forked."""
    if enabled and "fork" in multiprocessing.get_all_start_methods() and (source / "content").is_dir():
        return Prefetcher(source)
    return contextlib.nullcontext()
