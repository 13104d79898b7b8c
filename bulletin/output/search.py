"""Full-text search with Pagefind: search records indexed into bundles, one bundle per shard of the site.

The render stage makes a record of each page readers search (``render.searchrecord``); here the
records of a shard go to Pagefind's service process through its Python API
(``pagefind.index``) as custom records, their content cut into tokens (``searchtext``), and the
shard's bundle is written into a folder. One service process indexes every shard in turn, dropping
each index once written, so its memory is that of the largest shard. The bundles' files are the one
part of the output that is not byte-reproducible (SPEC section 3).
"""

from __future__ import annotations

import asyncio
import base64
import importlib.metadata
import json
import os
import shutil
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..messages import Message, _
from ..render.searchrecord import SEARCH_FOLDER
from ..searchtext import search_tokens
from .disk import same_file_bytes
from .stable_bundle import stabilize

BATCH = 200  # records sent to the service before waiting for its answers
ANSWER_SECONDS = 600  # the longest the service may take over one request before the build gives up on it

Record = Mapping[str, object]  # url, title, body, meta, filters, language (see ``render.searchrecord``)


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


def record_content(record: Record) -> str:
    """What the index holds of a record: its title and body as search tokens (made with the record, or now)."""
    content = record.get("content")
    return content if isinstance(content, str) else search_tokens(f"{record['title']}\n{record['body']}")


def index_shards(shards: Iterable[tuple[Sequence[Record], Path]], processes: int = 1,
                 stop: threading.Event | None = None) -> Indexed:
    """Index each shard's records into a bundle written to its folder (which must not exist yet), in up to
    ``processes`` Pagefind processes at once (each indexes one shard at a time: its memory is a shard's).
    ``stop``, when set (by another thread), ends the indexing before its next batch of records."""
    executable = pagefind_executable()
    if executable is None:
        raise SearchIndexError(_("search needs Pagefind: pip install 'pagefind[extended]', "
                                 "or set `search: false` in data/site.yaml"))
    try:
        return asyncio.run(_index_in(executable, list(shards), processes, stop))
    except SearchIndexError:
        raise
    except (OSError, EOFError, ValueError, asyncio.IncompleteReadError, asyncio.TimeoutError) as exc:
        raise SearchIndexError(_("Pagefind could not run: {why}", why=str(exc) or type(exc).__name__)) from None
    except Exception as exc:  # noqa: BLE001 - the service reports its errors as bare Exceptions
        raise SearchIndexError(_("Pagefind failed: {why}", why=str(exc.args[0] if exc.args else exc))) from None


async def _index_in(executable: Path, shards: list[tuple[Sequence[Record], Path]], processes: int,
                    stop: threading.Event | None) -> Indexed:
    """The shards shared out between processes, the largest first to the least loaded (one process serves one
    shard at a time: a service answers one request after another, whatever it is sent)."""
    groups: list[list[tuple[Sequence[Record], Path]]] = [[] for _ in range(max(1, min(processes, len(shards))))]
    for shard in sorted(shards, key=lambda s: -len(s[0])):
        min(groups, key=lambda g: sum(len(records) for records, _ in g)).append(shard)
    parts = await asyncio.gather(*(_index(executable, group, stop) for group in groups))
    return Indexed(sum(p.records for p in parts), max(p.peak_kb for p in parts))


async def _index(executable: Path, shards: list[tuple[Sequence[Record], Path]],
                 stop: threading.Event | None) -> Indexed:
    from pagefind.service import PagefindService

    class Service(PagefindService):
        """Pagefind's service, run from the binary found above, its answers read as they come."""

        def __init__(self) -> None:
            self._loop = asyncio.get_running_loop()
            self._bin = executable
            self._responses = {}

        async def _wait_for_responses(self) -> None:  # the package's own sleeps 0.1 s before each answer
            while True:
                answer = json.loads(base64.b64decode((await self._backend.stdout.readuntil(b","))[:-1]))
                future = self._responses.get(answer.get("message_id")) if isinstance(answer, dict) else None
                if future is None or future.done():
                    continue
                payload = answer["payload"]
                if payload["type"] == "Error":
                    future.set_exception(Exception(payload.get("message"), payload.get("original_message")))
                else:
                    future.set_result(payload)

    service = await Service().launch()
    done = Indexed()

    try:
        for records, folder in shards:
            index = await _answer(service, service.create_index({}))
            for start in range(0, len(records), BATCH):  # asked together: the service answers one after another
                if stop is not None and stop.is_set():
                    raise SearchIndexError(_("indexing for search was stopped"))
                await asyncio.gather(*(_answer(service, index.add_custom_record(  # type: ignore[attr-defined]
                    url=str(record["url"]), content=record_content(record), language=str(record["language"]),
                    meta=dict(record["meta"]), filters={k: list(v) for k, v in dict(record["filters"]).items()}))
                    for record in records[start:start + BATCH]))
                done.records += len(records[start:start + BATCH])
            await _answer(service, index.write_files(output_path=str(folder.resolve())))  # type: ignore[attr-defined]
            await _answer(service, index.delete_index())  # type: ignore[attr-defined]
            stabilize(folder)  # the same records, the same bytes
            if not (folder / "pagefind.js").is_file():
                raise SearchIndexError(_("Pagefind failed: {why}", why=f"no pagefind.js in {folder.name}"))
        done.peak_kb = _peak_kb(service._backend.pid)
    finally:
        await _close(service)
    return done


async def _answer(service: object, request: object) -> object:
    """The service's answer to ``request``; its death (the poll for answers ends) is an error, not a hang."""
    asked = asyncio.ensure_future(request)  # type: ignore[arg-type]
    poll = service._poll_task  # type: ignore[attr-defined]
    finished, _pending = await asyncio.wait({asked, poll}, timeout=ANSWER_SECONDS,
                                            return_when=asyncio.FIRST_COMPLETED)
    if asked in finished:
        return asked.result()
    asked.cancel()
    if poll in finished:
        why = poll.exception() if not poll.cancelled() else None
        raise SearchIndexError(_("Pagefind ended before it finished indexing ({why})",
                                 why=type(why).__name__ if why else "cancelled"))
    raise asyncio.TimeoutError(f"no answer in {ANSWER_SECONDS} s")


async def _close(service: object) -> None:
    """End the service process (whatever state it is in)."""
    backend = service._backend  # type: ignore[attr-defined]
    service._poll_task.cancel()  # type: ignore[attr-defined]
    if backend.returncode is None:
        try:
            backend.terminate()
        except ProcessLookupError:
            pass
    await backend.wait()


def _peak_kb(pid: int) -> int:
    """The peak resident memory of process ``pid`` so far (Linux), in kB; 0 where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


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
