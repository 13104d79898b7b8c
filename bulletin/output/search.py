"""Full-text search with Pagefind: search records indexed into bundles, one bundle per shard of the site.

The render stage makes a record of each page readers search (``render.searchrecord``); here the
records of a shard go to Pagefind's service process (``output.pagefind``) as custom records, their
content cut into tokens (``searchtext``), and the shard's bundle is written into a folder. One service
process indexes its shards in turn, dropping each index once written, so its memory is that of the
largest shard. The bundles' files are the one
part of the output that is not byte-reproducible (SPEC section 3).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib.metadata
import os
import shutil
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..messages import Message, _
from ..render.searchrecord import SEARCH_FOLDER
from .disk import same_file_bytes
from .pagefind import Record, Service, ServiceEnded, ServiceError, Stopped, write_bundle
from .stable_bundle import stabilize

BATCH = 200  # records sent to the service at once (between them, a build told to stop does)
ANSWER_SECONDS = 600  # the longest the service may be silent while answers are due before the build gives up


class SearchIndexError(RuntimeError):
    """The search index could not be built; ``message`` says why and what to do."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Indexed:
    """What indexing did: records given to Pagefind, and the peak memory of its process (kB, 0 if unknown)."""

    records: int = 0
    peak_kb: int = 0


def pagefind_executable() -> Path | None:
    """Pagefind's binary (from the pagefind[extended] package, or on PATH), or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(found) if found else None
    return get_executable()


def pagefind_version() -> str:
    """The version of Pagefind that indexes (a part of every shard's key)."""
    found = []
    for name in ("pagefind", "pagefind-bin-extended", "pagefind-bin"):
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ",".join(found) or str(pagefind_executable())


def index_shards(shards: Iterable[tuple[Sequence[Record], Path]], processes: int = 1,
                 stop: threading.Event | None = None) -> Indexed:
    """Index each shard's records into a bundle written to its folder (which must not exist yet), in up to
    ``processes`` Pagefind processes at once (each indexes one shard at a time: its memory is a shard's).
    ``stop``, when set (by another thread), ends the indexing before its next batch of records."""
    executable = pagefind_executable()
    if executable is None:
        raise SearchIndexError(_("search needs Pagefind: pip install 'pagefind[extended]', "
                                 "or set `search: false` in data/site.yaml"))
    shards = list(shards)
    groups: list[list[tuple[Sequence[Record], Path]]] = [[] for _ in range(max(1, min(processes, len(shards))))]
    for shard in sorted(shards, key=lambda s: -len(s[0])):  # the largest first, to the least loaded
        min(groups, key=lambda g: sum(len(records) for records, _ in g)).append(shard)
    if len(groups) == 1:
        return _index(executable, groups[0], stop)
    failed = threading.Event()  # one process failed: the others stop too, and the first failure is raised
    either = _Either(stop, failed)
    failures: list[BaseException] = []  # in the order they came: the others' are the first one's consequence

    def index_group(group: list[tuple[Sequence[Record], Path]]) -> Indexed:
        try:
            return _index(executable, group, either)
        except BaseException as exc:
            failures.append(exc)  # before the others are told: theirs come after
            failed.set()
            raise

    with concurrent.futures.ThreadPoolExecutor(len(groups), thread_name_prefix="bulletin-pagefind") as pool:
        done = [pool.submit(index_group, group) for group in groups]
        concurrent.futures.wait(done)
    if failures:
        raise failures[0]
    parts = [future.result() for future in done]
    return Indexed(sum(p.records for p in parts), max(p.peak_kb for p in parts))


@dataclass(frozen=True, slots=True)
class _Either:
    """Set when either event is."""

    first: threading.Event | None
    second: threading.Event

    def is_set(self) -> bool:
        return self.second.is_set() or (self.first is not None and self.first.is_set())


def _index(executable: Path, shards: list[tuple[Sequence[Record], Path]],
           stop: threading.Event | _Either | None) -> Indexed:
    """The shards indexed one after another by one service process."""
    done = Indexed()
    with _service(executable) as service:
        for records, folder in shards:
            index = service.new_index()
            for start in range(0, len(records), BATCH):
                if stop is not None and stop.is_set():
                    raise SearchIndexError(_("indexing for search was stopped"))
                service.add_records(index, records[start:start + BATCH])
            service.ask_files(index)
            write_bundle(service.answers(stop), folder)
            _check_bundle(folder)
            done.records += len(records)
        done.peak_kb = service.peak_kb()
    return done


@contextlib.contextmanager
def _service(executable: Path) -> Iterator[Service]:
    """A Pagefind service process for the time of the ``with`` block; what goes wrong is a ``SearchIndexError``."""
    service = None
    try:
        service = Service(executable, ANSWER_SECONDS)
        yield service
    except (ServiceEnded, BrokenPipeError) as exc:
        raise SearchIndexError(_("Pagefind ended before it finished indexing ({why})",
                                 why=type(exc).__name__)) from None
    except ServiceError as exc:
        raise SearchIndexError(_("Pagefind failed: {why}", why=str(exc))) from None
    except Stopped:
        raise SearchIndexError(_("indexing for search was stopped")) from None
    except (OSError, ValueError, TimeoutError, KeyError, TypeError, AttributeError) as exc:
        raise SearchIndexError(_("Pagefind could not run: {why}", why=str(exc) or type(exc).__name__)) from None
    finally:
        if service is not None:
            service.close()


def _check_bundle(folder: Path) -> None:
    """Make the written bundle the same from the same records, and check it is one."""
    stabilize(folder)
    if not (folder / "pagefind.js").is_file():
        raise SearchIndexError(_("Pagefind failed: {why}", why=f"no pagefind.js in {folder.name}"))


class HeldIndex:
    """A shard's records as the cache keeps them, given to a Pagefind index ahead (by a thread, to a process of
    its own, while the build renders), which is then held open until the build knows the shard's records.

    When they are the same pages (paths) as those given, only the records that changed are given again, and
    the bundle is written: Pagefind puts a record in the place of the one with its URL, so the bundle is the one
    the build's records make from scratch (``tests/test_search_shards.py`` holds Pagefind to this). Else, or
    when anything failed, ``finish`` or ``result`` says so, and the shard is indexed as any other (which reports
    what fails)."""

    def __init__(self, given: Mapping[str, str], records: Callable[[], Sequence[Record]]) -> None:
        """``given``: the pages (path -> record digest), in the order of their paths, whose ``records`` (read in
        the thread, in the same order) are given."""
        self.given = dict(given)
        self._service: Service | None = None
        self._index = 0  # the held index's id in its service
        self._folder: Path | None = None
        self._thread = threading.Thread(target=self._give, args=(pagefind_executable(), records),
                                        name="bulletin-search-held", daemon=True)
        self._thread.start()

    def _give(self, executable: Path | None, records: Callable[[], Sequence[Record]]) -> None:
        try:
            if executable is not None:
                self._service = Service(executable, ANSWER_SECONDS)
                self._index = self._service.new_index()
                self._service.add_records(self._index, records())  # read by the service as it indexes
        except Exception:  # noqa: BLE001 - the shard is then indexed as any other
            self.drop()

    def finish(self, pages: Mapping[str, str], records: Sequence[Record], folder: Path) -> bool:
        """Have the bundle of the shard whose ``pages`` (path -> record digest) have these ``records`` (in the order
        of their paths) written into ``folder`` (``result`` says when it is); False, the index dropped, when they
        are not the pages given or it failed."""
        self._thread.join()  # the records are given: the service reads them as fast as they are sent
        service = self._service
        if service is None or sorted(pages) != list(self.given):
            self.drop()
            return False
        try:
            service.add_records(self._index, [record for path, record in zip(sorted(pages), records)
                                              if pages[path] != self.given[path]])
            service.ask_files(self._index)
        except (OSError, ValueError):
            self.drop()
            return False
        self._folder = folder
        return True

    def result(self, stop: threading.Event | None = None) -> Indexed | None:
        """What writing the bundle did, once it is written; None when anything failed, or ``stop`` was set."""
        service, folder = self._service, self._folder
        if service is None or folder is None:
            return None
        try:
            write_bundle(service.answers(stop), folder)
            _check_bundle(folder)
            return Indexed(len(self.given), service.peak_kb())  # the records given again took their pages' places
        except (ServiceError, Stopped, SearchIndexError, OSError, ValueError, KeyError, TypeError):
            return None
        finally:
            self.drop()

    def drop(self) -> None:
        """End the index and its process (once the records are given, or failed to be)."""
        if threading.current_thread() is not self._thread:
            self._thread.join()
        service, self._service = self._service, None
        if service is not None:
            service.close()


def write_bundles(output: Path, bundles: Mapping[str, Path]) -> None:
    """Make ``output/pagefind/`` hold exactly these shards' bundles (for the preview, which writes in place):
    each file replaced whole where its bytes change, files of no bundle removed."""
    root = output / SEARCH_FOLDER
    wanted = set()
    for shard, folder in sorted(bundles.items()):
        for file in sorted(p for p in folder.rglob("*") if not p.is_dir()):
            rel = f"{shard}/{file.relative_to(folder).as_posix()}"
            wanted.add(rel)
            target = root / rel
            if same_file_bytes(target, file):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            shutil.copyfile(file, temporary)
            os.replace(temporary, target)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*"), reverse=True):  # files before the folders that hold them
        rel = path.relative_to(root).as_posix()
        if path.is_dir() and not path.is_symlink():
            with suppress(OSError):
                path.rmdir()  # only when left empty
        elif rel not in wanted:
            path.unlink(missing_ok=True)
