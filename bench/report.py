"""The machine's description, the table of figures, the targets, and bench/RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .harness import Bench, Measured

Figures = dict[int, Measured]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # display unit: s, ms, MB, KB or x; values are kept in seconds and bytes
    ref: str | None = None  # the reference figure this one is divided by (measured in the same run)
    target: tuple[str, float, str] | None = None  # (kind, limit, issue): "ref": <= limit x ref; "max"; "scale"


H, HP = "hugo_cold", "hugo_pagefind"
ROWS = [
    Row("hugo_cold", "Hugo: cold build", "s"),
    Row("pagefind", "Pagefind alone, on Hugo's output", "s"),
    Row("hugo_pagefind", "Hugo + Pagefind on Hugo's output (reference for search on)", "s"),
    Row("cold_on", "cold build, search on (the default)", "s", HP, ("ref", 0.6, "18")),
    Row("cold_off", "cold build, search off", "s", H, ("ref", 1.5, "18")),
    Row("ci_on", "CI build, restored CI cache, search on", "s", HP),
    Row("ci_off", "CI build, restored CI cache, search off", "s", H, ("ref", 1.0, "18")),
    Row("warm_on", "rebuild, nothing changed, search on", "s", HP),
    Row("warm_off", "rebuild, nothing changed, search off", "s", H, ("ref", 0.08, "18")),
    Row("bulletin_on", "rebuild after one bulletin edit, search on", "s", HP, ("max", 3.0, "18")),
    Row("bulletin_off", "rebuild after one bulletin edit, search off", "s", H),
    Row("oldest_on", "rebuild after an edit of the oldest bulletin, search on", "s", HP),
    Row("oldest_off", "rebuild after an edit of the oldest bulletin, search off", "s", H),
    Row("newest_on", "rebuild after an edit of the newest bulletin, search on", "s", HP),
    Row("newest_off", "rebuild after an edit of the newest bulletin, search off", "s", H),
    Row("unit_yaml_on", "rebuild after one unit YAML edit, search on", "s", HP),
    Row("unit_yaml_off", "rebuild after one unit YAML edit, search off", "s", H),
    Row("template_on", "rebuild after a template edit, search on", "s", HP),
    Row("template_off", "rebuild after a template edit, search off", "s", H),
    Row("scaling", "cold build (search off) / the same at the smallest size", "x", None, ("scale", 1.1, "8")),
    Row("rss_on", "peak memory, largest process of a build, search on", "MB", "rss_hugo_pagefind",
        ("max", 1000, "18")),
    Row("rss_total_on", "peak memory, all processes of a build together, search on", "MB",
        "rss_total_hugo_pagefind"),
    Row("rss_off", "peak memory, largest process of a build, search off", "MB", "rss_hugo", ("max", 300, "8")),
    Row("rss_hugo", "Hugo: peak memory", "MB"),
    Row("rss_hugo_pagefind", "Hugo + Pagefind: peak memory, largest process", "MB"),
    Row("rss_total_hugo_pagefind", "Hugo + Pagefind: peak memory, all processes together", "MB"),
    Row("output", "total output (without pagefind/)", "MB", "hugo_output"),
    Row("hugo_output", "Hugo: total output", "MB"),
    Row("search_size", "search index (pagefind/)", "MB", "hugo_search"),
    Row("hugo_search", "Hugo + Pagefind: search index (pagefind/)", "MB"),
    Row("largest", "largest HTML page", "KB", "hugo_largest", ("max", 150, "8")),
    Row("hugo_largest", "Hugo: largest HTML page", "KB"),
    Row("serve_start", "preview (search on): start until the first HTTP answer", "s"),
    Row("serve_restart", "preview started again on the output it left: start until the first HTTP answer", "s"),
    Row("serve_page", "preview: bulletin saved -> its page file rewritten", "ms", None, ("max", 300, "8")),
    Row("serve_page_reload", "preview: bulletin saved -> reload message for that open page", "ms", None,
        ("max", 300, "18")),
    Row("serve_page_served", "preview: bulletin saved -> reloaded page answered", "ms"),
    Row("serve_page_quiet", "preview: bulletin saved -> preview quiet again (search refreshed)", "s"),
    Row("serve_stats", "preview: unit YAML saved -> stats/index.html rewritten", "ms", None, ("max", 1000, "8")),
    Row("serve_stats_reload", "preview: unit YAML saved -> reload message for the open statistics page", "ms",
        None, ("max", 500, "18")),
    Row("serve_stats_served", "preview: unit YAML saved -> reloaded statistics page answered", "ms"),
    Row("serve_stats_quiet", "preview: unit YAML saved -> preview quiet again (search refreshed)", "s"),
    Row("serve_rss", "preview: peak memory, largest process (search refresh included)", "MB", None,
        ("max", 1000, "18")),
]
SCALE = {"s": 1.0, "ms": 1e3, "MB": 1e-6, "KB": 1e-3, "x": 1.0}
REF_NAMES = {"hugo_cold": "Hugo", "hugo_pagefind": "H+P", "rss_hugo": "Hugo", "rss_hugo_pagefind": "H+P",
             "rss_total_hugo_pagefind": "H+P", "hugo_output": "Hugo", "hugo_search": "H+P",
             "hugo_largest": "Hugo"}


def show(row: Row, value: float | None) -> str:
    if value is None:
        return "—"
    scaled = value * SCALE[row.unit]
    digits = 0 if row.unit == "ms" or scaled >= 100 else 1 if scaled >= 10 or row.unit in ("MB", "KB") else 2
    return f"{scaled:,.{digits}f} {row.unit}" if row.unit != "x" else f"{scaled:.2f}x"


def ratio(row: Row, m: Measured) -> float | None:
    value, ref = m.get(row.key), m.get(row.ref or "")
    return round(value / ref, 2) if value is not None and ref else None


def ratio_text(row: Row, m: Measured) -> str:
    r = ratio(row, m)
    return "" if r is None else f"{r:.2f}x {REF_NAMES.get(row.ref or '', row.ref)}"


def target_text(row: Row) -> str:
    if row.target is None:
        return ""
    kind, limit, issue = row.target
    if kind == "ref":
        text = f"≤ {limit:g}x {REF_NAMES.get(row.ref or '', row.ref)}"
    elif kind == "scale":
        text = f"≤ {limit:g} x size ratio"
    else:
        text = f"≤ {limit:g} {row.unit}"
    return f"{text} (#{issue})"


def verdict(row: Row, figures: Figures, sizes: list[int]) -> str:
    """Whether the target is met at the largest size measured ("—" when it could not be measured)."""
    if row.target is None:
        return ""
    kind, limit, _ = row.target
    n = sizes[-1]
    value = figures[n].get(row.key)
    if value is None or (kind == "scale" and len(sizes) < 2):
        return "—"
    if kind == "ref":
        r = ratio(row, figures[n])  # as shown: to two decimals
        return "—" if r is None else "yes" if r <= limit else "**no**"
    bound = limit * n / sizes[0] if kind == "scale" else limit / SCALE[row.unit]
    return "yes" if value <= bound else "**no**"


def cmd_numbers(row: Row, figures: Figures, sizes: list[int]) -> str:
    numbers = sorted({c for n in sizes for c in figures[n].cmds.get(row.key, [])})
    return ", ".join(str(c) for c in numbers)


def table(figures: Figures, sizes: list[int]) -> str:
    head = ["figure"] + [c for n in sizes for c in (f"{n:,} bulletins", "ratio")]
    head += ["target (issue)", f"met at {sizes[-1]:,}?", "commands"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in ROWS:
        if all(figures[n].get(row.key) is None for n in sizes):
            continue
        cells = [row.label]
        for n in sizes:
            cells += [show(row, figures[n].get(row.key)), ratio_text(row, figures[n])]
        cells += [target_text(row), verdict(row, figures, sizes), cmd_numbers(row, figures, sizes)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(figures: Figures, sizes: list[int], issue: str = "18") -> str:
    """One line per target of ``issue``: the figure at the largest size, and met or not."""
    n, lines = sizes[-1], []
    for row in ROWS:
        if row.target is None or row.target[2] != issue:
            continue
        value, r, met = figures[n].get(row.key), ratio_text(row, figures[n]), verdict(row, figures, sizes)
        figure = show(row, value) + (f" = {r}" if r else "")
        met = {"yes": "met", "**no**": "**not met**"}.get(met, "not measured" if value is None
                                                          else "not checked: its reference was not measured")
        lines.append(f"- {row.label} {target_text(row).removesuffix(f' (#{issue})')}: {figure} at {n:,} "
                     f"bulletins: {met}")
    return "\n".join(lines)


def machine(b: Bench) -> list[tuple[str, str]]:
    """What the figures depend on: CPU, memory, file system, versions (no machine's own folders)."""
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
        ("corpora and outputs", f"`<work>` on {fs[2]}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("bulletin", run([sys.executable, "build.py", "--version"], b.repo)
         + f" (git {run(['git', 'rev-parse', '--short', 'HEAD'], b.repo)}, plus uncommitted changes if any)"),
        ("Hugo", run([b.hugo, "version"]) if b.hugo else "not installed or --no-hugo: no Hugo figures or ratios"),
        ("Pagefind", (run([b.pagefind, "--version"]) + " (the pagefind package's pagefind_extended)")
         if b.pagefind else "not found or --no-pagefind: no Hugo + Pagefind reference"),
        ("repeats", f"{b.repeat} per figure; the median is reported (memory: the maximum)"),
    ]


METHOD = """\
- Every build is a subprocess of the CLI, `python build.py build --source SRC --output OUT --jobs J --quiet`;
  its wall-clock time is taken with `time.perf_counter()` around it (interpreter start-up included, as Hugo's
  includes its own). Search on: `SRC` is `<work>/bulletin-N-search` (the generated corpus with `search: true`
  in `data/site.yaml`, the default users get); search off: `<work>/bulletin-N` with `search: false`.
- Memory: a thread reads `/proc` every 20 ms while a command runs and follows every process whose parent
  chain leads to it (the render workers, Pagefind's service, ...): "largest process" is the largest peak
  RSS (`VmHWM`) any one of them reached, or the command's `ru_maxrss` from `wait4` (its own and its
  waited-for descendants', which covers a child that lived between two samples) if larger; "all processes
  together" is the largest sum of their current RSS at one sample. `/usr/bin/time -v` is not used: it sees
  only waited-for children. MB and KB are 10⁶ and 10³ bytes.
- Cold: `OUT` and `SRC/.cache/` deleted first. CI: the same, then `SRC/.cache/bulletin/bodies/` and
  `SRC/.cache/bulletin/sources.json` put back as a cold build left them (what the CI workflows cache
  between runs: converted bodies, and what was read and checked of the sources). The cold builds run in alternating
  rounds with their references, so that both share the machine's noise: search off, Hugo, Pagefind on
  Hugo's output, search on, CI search off, CI search on; then the next round. Ratios divide medians of the
  same run: search-off figures by Hugo's cold build, search-on figures by Hugo + Pagefind (the sum of the
  two runs of one round); "as shown" to two decimals is what a target is checked against.
- Rebuilds (search on first, then off), each on top of the previous build of that site: nothing changed;
  a sentence appended to `content/unit-XXX/bNNNNN.md` (bulletin N/2); the latest `study_sessions` figure
  of that unit's `data/units/unit-XXX.yaml` raised by one; `templates/footer.html` written (the theme's
  footer plus a comment). Each repeat is a fresh edit; all edits are undone afterwards.
- Hugo: the `hugo` flavour of the same corpus (same bulletins and bodies, Hugo's minimal layouts, no
  statistics pages), `hugo --quiet -d OUT` after deleting `OUT` and `resources/`; then
  `pagefind_extended --site OUT` (the binary of the pagefind package bulletin uses), which indexes every
  page Hugo wrote.
- Output size: every file under OUT except `pagefind/`; the largest page is the largest `*.html` file.
- Preview: `python build.py serve --source SRC --output OUT --port P` on the search-on site, started on no output;
  "start" is the time until its base path answers over HTTP. Two stdlib WebSocket clients connect to
  `/livereload` and speak the LiveReload protocol like livereload.js (hello, then info with the page's
  URL): one has the edited bulletin's page open, the other the statistics page. Before each edit the
  harness waits until no reload came for `--settle` seconds and the server's processes used less than 20 %
  of a core (or their idle use, measured for 3 s after start, plus 15 %) for a second, so that an edit
  never meets the previous one's background search refresh. Then one
  bulletin is saved (a sentence appended): the harness polls its page file under OUT every 5 ms until it
  holds the new sentence ("page file rewritten"), waits for the `reload` message at the client that has the
  page open ("reload message"), requests the page as the reloading browser does and checks it is the new
  one ("reloaded page answered"), and waits until the server's processes are quiet again ("quiet again":
  the start of the first quiet second after the reload). The same for one figure of a unit YAML,
  `stats/index.html` (changed = its bytes differ from before the edit) and the client on the statistics
  page. Memory: the largest process of the server's tree over the whole session. Then the server is stopped
  and started again with the same command on the output it left ("started again": an editor's next
  `make preview`), and timed until its base path answers.
- Profile (with `--profile-top N`): cProfile of one more cold build, search off, `--jobs 1` so that the
  rendering is in the profiled process (a process forked to convert bodies ahead is not profiled).
- Targets (issue 18 unless marked #8; 2 cores, output on tmpfs) are checked at the largest size measured.
"""


def results_markdown(b: Bench, figures: Figures, sizes: list[int], notes: list[str],
                     remarks: list[str] = (), profiled: str = "") -> str:  # type: ignore[assignment]
    """The whole page; ``remarks`` (``--note``) stand at the top, ``notes`` (the run's own) under the table."""
    info = "\n".join(f"- **{k}**: {v}" for k, v in machine(b))
    head = "".join(f"> **Note**: {b.place(remark)}\n>\n" for remark in remarks).removesuffix(">\n")
    commands = "\n".join(f"# [{i}] {what}\n{cmd}" for i, (cmd, what) in enumerate(b.commands.items(), 1))
    note_lines = "\n".join(f"- {b.place(note)}" for note in notes) or "- none"
    return (f"# Benchmark results\n\n{head + chr(10) if head else ''}Measured by `bench/run` (command 1 below) from the repository root; rerun "
            f"it to refresh this page, which it overwrites. `bench/run --help` lists the options. Paths: `.` "
            f"is the repository, `<work>` the folder of corpora and outputs (`--work`).\n\n"
            f"## Machine\n\n{info}\n\n"
            f"## Targets of issue 18\n\n{targets(figures, sizes)}\n\n"
            f"## Figures\n\nRatio: `x Hugo` divides by Hugo's cold build (figures with search off), `x H+P` by "
            f"Hugo followed by Pagefind on Hugo's output (search on), both measured in this run. The last "
            f"column numbers the commands (below) that produced each figure.\n\n"
            f"{table(figures, sizes)}\n\nNotes:\n\n{note_lines}\n\n"
            + (f"## Profile of a cold build\n\ncProfile, command {profiled}\n\n" if profiled else "")
            + f"## Commands\n\nRun from the repository root:\n\n```sh\n{commands}\n```\n\n"
            f"## What is measured, and how\n\n{METHOD}")
