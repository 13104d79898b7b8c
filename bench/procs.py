"""Memory and CPU of a process and all its descendants, sampled from /proc while they run.

``/usr/bin/time -v`` (and ``wait4``'s ``ru_maxrss``) reports the largest process among those that were
*waited for*; a child that is killed and reaped by someone else, or still running at the end (Pagefind's
service), escapes it. So a thread reads ``/proc`` every ``interval`` seconds: every process whose parent
chain leads to the root, its peak RSS so far (``VmHWM``), its current RSS (``VmRSS``) and its CPU time.
The caller adds the root's ``ru_maxrss`` from ``wait4`` (see ``run``), which covers what lived between two
samples and was waited for.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def read_stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, CPU ticks user+system, name) of a process from /proc/PID/stat, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes().decode("utf-8", "replace")
    except OSError:
        return None
    name, rest = raw[raw.index("(") + 1: raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
    return int(rest[1]), int(rest[11]) + int(rest[12]), name  # fields 4, 14 and 15 of proc(5)


def read_memory(pid: int) -> tuple[int, int] | None:
    """(peak RSS VmHWM, current RSS VmRSS) in bytes, or None if the process is gone (or a zombie)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    hwm, rss = re.search(r"VmHWM:\s+(\d+) kB", text), re.search(r"VmRSS:\s+(\d+) kB", text)
    return (int(hwm.group(1)) * 1024, int(rss.group(1)) * 1024) if hwm and rss else None


@dataclass
class Tree:
    """What was seen of one process tree: per process peak memory, name and CPU; samples of the total."""

    root: int
    peak: dict[int, int] = field(default_factory=dict)  # pid -> largest VmHWM seen
    names: dict[int, str] = field(default_factory=dict)
    cpu: dict[int, int] = field(default_factory=dict)  # pid -> last CPU ticks seen
    total_rss: int = 0  # the largest sum of VmRSS over the tree at one sample
    cpu_samples: list[tuple[float, float]] = field(default_factory=list)  # (perf_counter, CPU seconds so far)

    def largest(self) -> tuple[int, str]:
        """The peak RSS of the tree's largest process, and that process's name."""
        if not self.peak:
            return 0, "?"
        pid = max(self.peak, key=lambda p: self.peak[p])
        return self.peak[pid], self.names.get(pid, "?")

    def quiet_from(self, after: float, window: float, busy: float) -> float | None:
        """The first sample time >= ``after`` from which the tree used < ``busy`` of one core for ``window`` s."""
        samples = [s for s in self.cpu_samples if s[0] >= after]
        j = 0
        for i, (t0, c0) in enumerate(samples):
            j = max(j, i)
            while j < len(samples) and samples[j][0] < t0 + window:
                j += 1
            if j == len(samples):
                return None
            t1, c1 = samples[j]
            if c1 - c0 < busy * (t1 - t0):
                return t0
        return None


class Sampler:
    """Samples the tree of ``root`` in a thread until ``stop``; ``tree`` holds what was seen."""

    def __init__(self, root: int, interval: float = 0.02) -> None:
        self.tree, self.interval = Tree(root), interval
        self.members: set[int] = {root}
        self.strangers: set[int] = set()  # pids seen not to descend from root (a pid is not reused this fast)
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _belongs(self, pid: int, depth: int = 0) -> bool:
        if pid in self.members:
            return True
        if pid in self.strangers or pid <= 1 or depth > 50:
            return False
        stat = read_stat(pid)
        if stat is None:
            return False
        if self._belongs(stat[0], depth + 1):
            self.members.add(pid)
            return True
        self.strangers.add(pid)
        return False

    def sample(self) -> None:
        with self.lock:
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    self._belongs(int(entry))
            tree, total, cpu = self.tree, 0, 0
            for pid in list(self.members):
                stat, memory = read_stat(pid), read_memory(pid)
                if stat is not None:
                    tree.cpu[pid], tree.names[pid] = stat[1], stat[2]
                if memory is not None:
                    tree.peak[pid] = max(tree.peak.get(pid, 0), memory[0])
                    total += memory[1]
                if stat is None and memory is None and pid != tree.root:
                    self.members.discard(pid)
            tree.total_rss = max(tree.total_rss, total)
            cpu = sum(tree.cpu.values())  # a process that ended keeps its last reading
            tree.cpu_samples.append((time.perf_counter(), cpu / TICK))

    def _run(self) -> None:
        while not self.done.wait(self.interval):
            try:
                self.sample()
            except (OSError, ValueError, IndexError):  # a process that went away while it was read
                continue

    def stop(self) -> Tree:
        self.done.set()
        self.thread.join()
        return self.tree


@dataclass
class Run:
    """One command run to completion."""

    seconds: float
    largest: int  # peak RSS in bytes of the tree's largest process (sampled, or wait4's ru_maxrss if larger)
    largest_name: str
    total: int  # the largest sum of RSS over the tree at one sample
    returncode: int
    output: str  # stdout and stderr together


def run(cmd: list[str], cwd: Path, interval: float = 0.02) -> Run:
    """Run ``cmd`` in ``cwd`` and wait for it with ``wait4``, sampling its process tree meanwhile."""
    with open(os.devnull, "rb") as stdin, _Capture() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=out.file, stderr=subprocess.STDOUT)
        sampler = Sampler(proc.pid, interval)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        tree = sampler.stop()
        text = out.read()
    largest, name = tree.largest()
    if usage.ru_maxrss * 1024 > largest:  # kilobytes on Linux; the root's last moments, or a brief child
        if usage.ru_maxrss * 1024 > 1.1 * largest:
            name = "a short-lived child (seen by wait4 only)"
        largest = usage.ru_maxrss * 1024
    return Run(seconds, largest, name, tree.total_rss, proc.returncode, text)


class _Capture:
    """A temporary file for a command's output (a pipe could fill up while nobody reads it)."""

    def __enter__(self) -> "_Capture":
        import tempfile
        self.file = tempfile.TemporaryFile()
        return self

    def read(self) -> str:
        self.file.seek(0)
        return self.file.read().decode("utf-8", "replace")

    def __exit__(self, *exc: object) -> None:
        self.file.close()
