"""Pagefind's service process (``pagefind --service``), spoken to directly.

The service reads requests on its standard input and writes answers on its standard output, each the
base64 of a JSON object followed by a comma; an answer names the ``message_id`` of its request. It
reads requests while it works and handles them one after another, in the order sent. So a shard's
requests are written in one go (the write waits, not holding Python's interpreter lock, only until
the service has read them) and their answers are read when they are all due.

Pagefind's own Python client (``pagefind.service``) awaits each request's answer in an event loop
and formats every request and answer for its debug log, logged or not: work done under the
interpreter's lock, which the build's own thread needs while the service indexes.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
from pathlib import Path
from typing import Mapping, Protocol, Sequence

from ..searchtext import search_tokens
from .location import safe_relative

Record = Mapping[str, object]  # url, title, body, content, meta, filters, language (see ``render.searchrecord``)
Payload = dict[str, object]
LOOK_SECONDS = 0.1  # how often a wait for answers looks whether it should stop


class Stop(Protocol):
    """What tells a wait to stop (a ``threading.Event``)."""

    def is_set(self) -> bool: ...


class ServiceError(Exception):
    """The service answered a request with an error (its message)."""


class ServiceEnded(EOFError):
    """The service ended before it answered every request."""


class Stopped(Exception):
    """The answers were no longer waited for: the build was told to stop."""


class Service:
    """One Pagefind service process: requests sent in order, their answers read when due."""

    def __init__(self, executable: Path, answer_seconds: float) -> None:
        self._process = subprocess.Popen([os.fspath(executable), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._answer_seconds = answer_seconds  # the longest the service may be silent while answers are due
        self._sent = 0  # the last message id
        self._due: list[int] = []  # the ids of requests not answered yet, in order
        self._new_indexes: dict[int, int] = {}  # the id of each NewIndex request not answered yet -> its index's id
        self._unread: list[bytes] = []  # the start of an answer not read whole yet, as read
        self.indexes = 0  # indexes made so far: the next one's id

    @property
    def pid(self) -> int:
        return self._process.pid

    def send(self, payloads: Sequence[Payload]) -> None:
        """Send these requests, in order (returns once the service has read them)."""
        data = bytearray()
        for payload in payloads:
            self._sent += 1
            self._due.append(self._sent)
            message = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False,
                                 separators=(",", ":"))
            data += base64.b64encode(message.encode("utf-8")) + b","
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def answers(self, stop: Stop | None = None) -> list[Payload]:
        """The answers to the requests sent and not answered yet, in their order. Raises ``ServiceError`` for an
        error answer, ``ServiceEnded`` when the service ends first, ``TimeoutError`` when it is silent too long,
        ``Stopped`` when ``stop`` is set (by another thread) first."""
        found: dict[int | None, Payload] = {}
        stdout = self._process.stdout
        assert stdout is not None
        silent = 0.0
        while len(found) < len(self._due):
            if stop is not None and stop.is_set():
                raise Stopped()
            if not select.select([stdout], [], [], LOOK_SECONDS)[0]:
                silent += LOOK_SECONDS
                if silent >= self._answer_seconds:
                    raise TimeoutError(f"no answer in {self._answer_seconds:g} s")
                continue
            silent = 0.0
            chunk = os.read(stdout.fileno(), 1 << 20)
            if not chunk:
                raise ServiceEnded(f"{len(self._due) - len(found)} answers not given")
            if b"," not in chunk:  # a large answer (a bundle's files) comes in many reads: joined once, at its end
                self._unread.append(chunk)
                continue
            *complete, rest = b"".join([*self._unread, chunk]).split(b",")
            self._unread = [rest]
            for part in complete:
                answer = json.loads(base64.b64decode(part))
                payload = answer["payload"]
                if payload.get("type") == "Error":
                    raise ServiceError(payload.get("message") or "error")
                message_id = answer.get("message_id")
                if message_id in self._new_indexes and payload.get("index_id") != self._new_indexes[message_id]:
                    raise ServiceError(f"a new index numbered {payload.get('index_id')}, "
                                       f"not {self._new_indexes[message_id]}")
                found[message_id] = payload
        due, self._due = self._due, []
        self._new_indexes.clear()
        return [found[message_id] for message_id in due]

    def new_index(self) -> int:
        """Ask for a new index; its id, which the service numbers as this counts (``answers`` checks that it did), so
        that requests for it can be sent before the answer comes."""
        self.send([{"type": "NewIndex", "config": {}}])
        self._new_indexes[self._sent] = self.indexes
        self.indexes += 1
        return self.indexes - 1

    def add_records(self, index: int, records: Sequence[Record]) -> None:
        """Give these records to the index, in their order (a record whose URL it has takes that page's place)."""
        self.send([{"type": "AddRecord", "index_id": index, "url": str(record["url"]),
                    "content": record_content(record), "language": str(record["language"]), "meta": dict(record["meta"]),  # type: ignore[call-overload]
                    "filters": {k: list(v) for k, v in dict(record["filters"]).items()},  # type: ignore[call-overload]
                    "sort": None} for record in records])

    def ask_files(self, index: int) -> None:
        """Ask for the index's bundle, its files in the answer (``write_bundle`` writes them), then for the index to be
        dropped. (Pagefind writing the files itself answers before its last writes are done: a process that ends
        then leaves files cut short.)"""
        self.send([{"type": "GetFiles", "index_id": index}, {"type": "DeleteIndex", "index_id": index}])

    def peak_kb(self) -> int:
        """The peak resident memory of the process so far (Linux), in kB; 0 where it cannot be read."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text(encoding="ascii").splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        return 0

    def close(self) -> None:
        """End the process, whatever state it is in."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


def write_bundle(answers: Sequence[Payload], folder: Path) -> None:
    """Write the bundle of the ``GetFiles`` answer among ``answers`` into ``folder`` (which must not exist yet). Raises
    ``ValueError`` (``UnsafeOutputPath``: a path out of the folder), ``KeyError`` or ``TypeError`` for an answer of
    another shape."""
    files = next((answer["files"] for answer in answers if answer.get("type") == "GetFiles"), None)
    if not isinstance(files, list):
        raise KeyError("GetFiles")
    for file in files:
        target = folder.joinpath(*safe_relative(file["path"]).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"], validate=True))


def record_content(record: Record) -> str:
    """What the index holds of a record: its title and body as search tokens (made with the record, or now)."""
    content = record.get("content")
    return content if isinstance(content, str) else search_tokens(f"{record['title']}\n{record['body']}")
