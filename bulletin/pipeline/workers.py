"""Render workers: forked processes that inherit what they work on and take the next range of it in turn.

A worker gets its work as arguments of the function it runs, inherited through ``fork``: the
pages to render and the renderer are never pickled, and nothing is kept in module globals. The
workers share a counter of the next range to take, and small results come back through pipes. A worker that dies (out of memory, killed)
fails the build at once instead of hanging it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import signal
from multiprocessing.connection import Connection, wait
from multiprocessing.sharedctypes import Synchronized
from typing import Callable, Iterator, TypeVar

S = TypeVar("S")
R = TypeVar("R")
Work = Callable[[S, range], list[R]]

PARALLEL_THRESHOLD = 64  # below this many items, starting workers costs more than it saves


class WorkerDied(RuntimeError):
    """A worker process ended without finishing its work (killed, or out of memory)."""


class _Interrupted(Exception):
    """Ctrl-C inside a worker, carried to the parent as an ordinary exception."""


def run_in_chunks(work: Work, state: S, total: int, size: int, jobs: int,
                  first: Callable[[range], bool] | None = None) -> Iterator[list[R]]:
    """``work(state, chunk)`` for consecutive ranges of ``size`` below ``total``: in ``jobs`` forked processes
    when there is enough to do, else in this one. Yields each chunk's results as it is done (in any order).
    Chunks for which ``first`` is true are taken before the others."""
    chunks = _chunks(total, size)
    if first is not None:
        chunks.sort(key=lambda chunk: not first(chunk))  # a stable sort: in order within each group
    if not _in_parallel(total, jobs):
        with collecting():  # rendering makes garbage: collect it here as a worker would
            for chunk in chunks:
                yield work(state, chunk)
        return
    yield from _in_workers(work, state, chunks, min(jobs, len(chunks)))


def map_in_order(work: Work, state: S, total: int, size: int, jobs: int) -> list[R]:
    """``work(state, chunk)`` over ``range(total)``, its results in order: in ``jobs`` forked processes when there
    is enough to do (as ``run_in_chunks``, the collector off in them too: loading makes objects that live on), else
    here in one go."""
    if not _in_parallel(total, jobs):
        return work(state, range(total))
    chunks = _chunks(total, size)
    numbered = functools.partial(_numbered, work)
    done = sorted((start, results) for outcome in _in_workers(numbered, state, chunks, min(jobs, len(chunks)), False)
                  for start, results in outcome)  # type: ignore[misc]
    return [result for _, results in done for result in results]


def _in_parallel(total: int, jobs: int) -> bool:
    """Whether ``total`` items are worth forked workers: more than one job, enough items, and fork."""
    return jobs >= 2 and total >= PARALLEL_THRESHOLD and "fork" in multiprocessing.get_all_start_methods()


def _chunks(total: int, size: int) -> list[range]:
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


def _numbered(work: Work, state: S, chunk: range) -> list[tuple[int, list[R]]]:
    return [(chunk.start, work(state, chunk))]


def _in_workers(work: Work, state: S, chunks: list[range], count: int, collect: bool = True) -> Iterator[list[R]]:
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # how many chunks the workers have taken
    pipes, processes = [], []
    try:
        for _ in range(count):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(work, state, chunks, taken, send, collect), daemon=True)
            process.start()
            send.close()  # the worker holds the sending end: end of file here when it is gone
            pipes.append(receive)
            processes.append(process)
        yield from _results(pipes, len(chunks))
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()


def _results(pipes: list[Connection], expected: int) -> Iterator[list[R]]:
    """The results of ``expected`` chunks from the workers' pipes; a worker's error or death is raised here."""
    open_pipes = list(pipes)
    while expected:
        if not open_pipes:
            raise WorkerDied("a render worker ended before its work was done")
        for pipe in wait(open_pipes):
            try:
                ok, value = pipe.recv()  # type: ignore[union-attr]
            except EOFError:  # the worker is gone: finished, or died
                open_pipes.remove(pipe)  # type: ignore[arg-type]
                continue
            if not ok:
                if isinstance(value, _Interrupted):
                    raise KeyboardInterrupt from None
                raise value
            expected -= 1
            yield value


def _serve(work: Work, state: S, chunks: list[range], taken: Synchronized, results: Connection,
           collect: bool = True) -> None:
    """In a worker: take the next range until none is left, sending back each one's results (or its error)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C and the preview's signals are the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    gc.freeze()  # what the worker inherited lives on: its collections scan only the worker's own objects
    if collect:
        gc.enable()
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value = index + 1
        if index >= len(chunks):
            break
        try:
            outcome = (True, work(state, chunks[index]))
        except KeyboardInterrupt:
            outcome = (False, _Interrupted())
        except Exception as exc:  # noqa: BLE001 - carried to the parent, which raises it
            outcome = (False, exc)
        results.send(outcome)
        if not outcome[0]:
            break
    results.close()


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Python's cycle collector on for the block, whatever the caller had, for the objects the block makes:
    what exists before it is set aside (frozen), as a worker sets aside what it inherits."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()
        if not enabled:
            gc.disable()


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector off for the block: for work that makes many objects that live on (a site's
    model, its fingerprints), which a collection would scan again and again to free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
