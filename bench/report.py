"""The machine's description, the table of figures, and bench/RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

from .harness import ROWS, SCALE, Bench, Row

Figures = dict[int, dict[str, float | None]]


def machine(b: Bench) -> list[tuple[str, str]]:
    """What the figures depend on: CPU, memory, file system, versions."""
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":" if ":" in line else "=", 1)[1].strip().strip('"')
        except OSError:
            pass
        return "?"

    def run(cmd: list[str], cwd: Path | None = None) -> str:
        try:
            done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
            return done.stdout.strip().splitlines()[0] if done.returncode == 0 else "?"
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    work = str(b.work.resolve())
    fs = max((m for m in mounts if work == m[1] or work.startswith(m[1].rstrip("/") + "/")), key=lambda m: len(m[1]))
    memory = int(first("/proc/meminfo", "MemTotal").split()[0]) / 1024**2
    return [
        ("date", datetime.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("CPU", first("/proc/cpuinfo", "model name")),
        ("cores", f"{os.cpu_count()} (usable by this process: {len(os.sched_getaffinity(0))}); --jobs {b.jobs}"),
        ("memory", f"{memory:.1f} GiB"),
        ("system", f"{first('/etc/os-release', 'PRETTY_NAME')}, Linux {platform.release()}"),
        ("corpora and outputs", f"{b.work} ({fs[2]})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"),
        ("bulletin", run([sys.executable, "build.py", "--version"], b.repo)
         + f" (git {run(['git', 'rev-parse', '--short', 'HEAD'], b.repo)}, plus uncommitted changes if any)"),
        ("Hugo", run([b.hugo, "version"]) if b.hugo else "not installed (no Hugo ratios)"),
        ("repeats", f"{b.repeat} per figure; the median is reported (memory: the maximum)"),
    ]


def show(row: Row, value: float | None) -> str:
    if value is None:
        return "—"
    scaled = value * SCALE[row.unit]
    digits = 0 if row.unit == "ms" or scaled >= 100 else 1 if scaled >= 10 or row.unit in ("MB", "KB") else 2
    return f"{scaled:,.{digits}f} {row.unit}" if row.unit != "x" else f"{scaled:.2f}x"


def target_text(row: Row) -> str:
    if row.target is None:
        return ""
    kind, limit = row.target
    if kind == "hugo":
        return f"≤ {limit:g}x Hugo cold"
    if kind == "scale":
        return f"≤ {limit:g} x size ratio"
    return f"≤ {limit:g} {row.unit}"


def verdict(row: Row, figures: Figures, sizes: list[int]) -> str:
    """Whether the target is met at the largest size measured."""
    if row.target is None:
        return ""
    kind, limit = row.target
    n = sizes[-1]
    value, hugo = figures[n].get(row.key), figures[n].get(row.hugo or "")
    if value is None or (kind == "hugo" and not hugo) or (kind == "scale" and len(sizes) < 2):
        return "—"
    bound = {"hugo": limit * (hugo or 0), "scale": limit * n / sizes[0], "max": limit / SCALE[row.unit]}[kind]
    return "yes" if value <= bound else "**no**"


def table(figures: Figures, sizes: list[int]) -> str:
    head = ["figure"] + [c for n in sizes for c in (f"{n:,} bulletins", "x Hugo")]
    head += ["target", f"met at {sizes[-1]:,}?"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in ROWS:
        if all(figures[n].get(row.key) is None for n in sizes):
            continue
        cells = [row.label]
        for n in sizes:
            value, hugo = figures[n].get(row.key), figures[n].get(row.hugo or "")
            ratio = f"{value / hugo:.2f}" if value is not None and hugo and row.key != row.hugo else ""
            cells += [show(row, value), ratio]
        cells += [target_text(row), verdict(row, figures, sizes)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


METHOD = """\
- Every build is a subprocess, `python build.py build --source SRC --output OUT --jobs J --quiet`, run under
  `/usr/bin/time -v`; its wall-clock time is taken with `time.perf_counter()` around the subprocess (so it
  includes interpreter start-up, as Hugo's includes its own), its memory is `/usr/bin/time`'s "Maximum
  resident set size": the peak RSS of the largest single process of the build, workers included (without
  `/usr/bin/time`: `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`). MB and KB are 10⁶ and 10³ bytes.
- Cold: `OUT` and `SRC/.cache/` deleted first. Warm: the same build again, nothing changed (the build stamp
  in `SRC/.cache/` shows that sources, options and output are as the last build left them). One bulletin
  changed: a sentence appended to `content/unit-XXX/bNNNNN.md` (bulletin N/2). Unit YAML changed: the latest
  `study_sessions` figure of that unit's `data/units/unit-XXX.yaml` raised by one. Template changed:
  `templates/footer.html` written (the theme's footer plus a comment). Each repeat makes a fresh edit on
  top of the previous build; all edits are undone afterwards.
- Hugo: the `hugo` flavour of the same corpus (same bulletins and bodies, Hugo's minimal layouts, no
  statistics pages), `hugo --quiet -d OUT` after deleting `OUT` and `resources/`. Every time is divided by
  Hugo's cold build time at the same size, memory by Hugo's peak memory, sizes by Hugo's sizes.
- Output size: every file under OUT except `pagefind/`; the largest page is the largest `*.html` file.
- serve: `python build.py serve --source SRC --output OUT --port P`, started fresh; "start" is the time until
  its base path answers over HTTP. A stdlib WebSocket client then connects to `/livereload` and speaks the
  LiveReload protocol like livereload.js (hello, then info with the page URL). After a pause with no reload
  (`--settle`, so that the edit does not meet the server's own start-up work) one bulletin is saved (a
  sentence appended); the harness
  polls its page file under OUT every 5 ms until it holds the new sentence ("page file rewritten"), waits for
  the `reload` message ("reload message received"), then requests the page as the reloading browser does and
  checks it is the new one ("reloaded page answered"). The same for one figure of a unit YAML and
  `stats/index.html` (changed = its bytes differ from before the edit). Server memory is the server
  process's `VmHWM` (peak RSS, from /proc) just before it is stopped; its render workers come and go.
- Targets (issue 8; 2 cores, output on tmpfs) are checked at the largest size measured.
"""


def results_markdown(b: Bench, figures: Figures, sizes: list[int], notes: list[str]) -> str:
    info = "\n".join(f"- **{k}**: {v}" for k, v in machine(b))
    commands = "\n".join(f"{cmd}    # {what}" for cmd, what in b.commands.items())
    note_lines = "\n".join(f"- {note}" for note in notes) or "- none"
    return (f"# Benchmark results\n\nMeasured by `bench/run` (the first of the commands below) from the repository "
            f"root; rerun it to refresh this page, which it overwrites. `bench/run --help` lists the options.\n\n"
            f"## Machine\n\n{info}\n\n"
            f"## Figures\n\n{table(figures, sizes)}\n\nNotes:\n\n{note_lines}\n\n"
            f"## Commands\n\nRun from the repository root (paths relative to it where inside it):\n\n"
            f"```sh\n{commands}\n```\n\n## What is measured, and how\n\n{METHOD}")
