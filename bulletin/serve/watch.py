"""Noticing saved sources: the system's file events (inotify and the like) through ``watchfiles``,
with a poll of every file's size and time behind them for what events miss.

Events report a save within about 50 ms whatever the size of the site. The poll also notices
folders created after the preview started and file systems without events; it runs every
``SAFETY_POLL_SECONDS``, or every ``POLL_SECONDS`` where events cannot be had.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, overload

from ..load.files import SOURCE_DIRS, walk_once

POLL_SECONDS = 0.1  # without events: a change is built once the sources stayed the same for one poll
SAFETY_POLL_SECONDS = 1.0  # with events: the poll only catches what they missed
EVENT_QUIET_MS = 30  # events are gathered until none came for this long (editors write in steps)


def is_source(rel: str) -> bool:
    """A path (relative to the site root) that the build reads: not editors' swap, lock and backup files."""
    parts = rel.split("/")
    return (len(parts) > 1 and parts[0] in SOURCE_DIRS and not any(p.startswith(".") for p in parts)
            and not rel.endswith("~"))


@overload
def source_snapshot(root: Path) -> dict[str, tuple[int, int]]: ...
@overload
def source_snapshot(root: Path, give_up: Callable[[], bool]) -> dict[str, tuple[int, int]] | None: ...


def source_snapshot(root: Path, give_up: Callable[[], bool] | None = None) -> dict[str, tuple[int, int]] | None:
    """(modification time, size) of every file under content/, data/, templates/ and static/; None when
    ``give_up`` said so (it is asked at each folder)."""
    found: dict[str, tuple[int, int]] = {}
    for folder in SOURCE_DIRS:
        for dirpath, dirnames, filenames in walk_once(root / folder):
            if give_up is not None and give_up():
                return None
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            prefix = Path(dirpath).relative_to(root).as_posix()
            for name in filenames:
                if name.startswith(".") or name.endswith("~"):
                    continue
                try:
                    stat = os.stat(os.path.join(dirpath, name))
                except OSError:  # removed while we looked
                    continue
                found[f"{prefix}/{name}"] = (stat.st_mtime_ns, stat.st_size)
    return found


def updated_snapshot(snapshot: dict[str, tuple[int, int]], root: Path,
                     changed: list[str]) -> dict[str, tuple[int, int]]:
    """``snapshot`` with the ``changed`` files looked at again (what a build after their events read)."""
    updated = dict(snapshot)
    for rel in changed:
        try:
            stat = os.stat(root.joinpath(*rel.split("/")))
        except OSError:
            updated.pop(rel, None)
            continue
        updated[rel] = (stat.st_mtime_ns, stat.st_size)
    return updated


class SourceWatcher:
    """Calls ``notify`` (from its own thread) with the source paths of each group of file events."""

    def __init__(self, root: Path, notify: Callable[[list[str]], None]) -> None:
        self.root, self.notify = root.absolute(), notify
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start watching the source folders there are; False when events cannot be had here."""
        try:
            import watchfiles
        except ImportError:  # pragma: no cover - a dependency, but the poll still works without it
            return False
        folders = [self.root / name for name in SOURCE_DIRS if (self.root / name).is_dir()]
        if not folders:
            return False
        events = watchfiles.watch(*folders, watch_filter=None, step=EVENT_QUIET_MS, stop_event=self.stop_event,
                                  raise_interrupt=False, rust_timeout=500, yield_on_timeout=False)
        self.thread = threading.Thread(target=self._run, args=(events,), daemon=True, name="bulletin-watch")
        self.thread.start()
        return True

    def _run(self, events) -> None:  # type: ignore[no-untyped-def]
        try:
            for changes in events:
                changed = sorted({rel for _, path in changes if is_source(rel := self._relative(path))})
                if changed:
                    self.notify(changed)
        except Exception:  # noqa: BLE001 - e.g. out of inotify watches: the poll carries on alone
            return

    def _relative(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:  # through a link to a folder elsewhere in the site
            return ""

    @property
    def alive(self) -> bool:
        """False once watching failed (say, out of inotify watches): the poll then watches every 0.1 s."""
        return self.thread is not None and self.thread.is_alive()

    def stop(self) -> None:
        self.stop_event.set()
