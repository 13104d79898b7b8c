"""Build times, rebuild times, memory, output size and live-reload latency of bulletin, search on and off,
next to Hugo's and Hugo + Pagefind's measured in the same run. Drives only the CLI and the files."""

from __future__ import annotations

import hashlib
import io
import os
import pstats
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .livereload_client import LiveReloadClient
from .procs import Run, Sampler, Tree, run

REPO = Path(__file__).resolve().parent.parent
POLL = 0.005  # seconds between two looks at a page file
CI_CACHE = (Path(".cache") / "bulletin" / "bodies",  # what the CI workflows keep between runs: converted bodies
            Path(".cache") / "bulletin" / "sources.json")  # ... and what was read and checked of the sources
QUIET_WINDOW, QUIET_BUSY = 1.0, 0.2  # the preview is quiet once it used < 20 % of a core for 1 s
MODES = ("on", "off")  # search on (the default users get), search off


class BenchError(Exception):
    """A build or a server failed; the message says which and why."""


@dataclass
class Measured:
    """The figures at one size: values in seconds, bytes or ratios, and the numbers of their commands."""

    values: dict[str, float | None] = field(default_factory=dict)
    cmds: dict[str, list[int]] = field(default_factory=dict)

    def put(self, key: str, value: float | None, *cmds: int) -> None:
        self.values[key] = value
        self.cmds[key] = sorted(set(self.cmds.get(key, [])) | set(cmds))

    def get(self, key: str) -> float | None:
        return self.values.get(key)


def with_search(settings: str, on: bool) -> str:
    """data/site.yaml's text with its ``search:`` line set to ``on`` (added at the end when missing)."""
    line = f"search: {'true' if on else 'false'}"
    if re.search(r"^search:.*$", settings, re.M):
        return re.sub(r"^search:.*$", line, settings, flags=re.M)
    return settings + ("\n" if settings and not settings.endswith("\n") else "") + line + "\n"


def show_cmd(cmd: list[str]) -> str:
    """A command line for people: shell-quoted, but a ``<placeholder>`` left bare to be replaced by hand."""
    return " ".join(c if re.fullmatch(r"[\w@%+=:,./<>-]+", c) else shlex.quote(c) for c in cmd)


def parse_sizes(text: str) -> list[int]:
    """``1000,10_000`` or ``1k,10k`` -> [1000, 10000], sorted, each > 0."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        factor = 1000 if part.endswith("k") else 1
        try:
            value = int(part.removesuffix("k")) * factor
        except ValueError:
            raise ValueError(f"not a number of bulletins: {part!r}") from None
        if value <= 0:
            raise ValueError(f"not a number of bulletins: {part!r}")
        sizes.append(value)
    if not sizes:
        raise ValueError("no sizes given")
    return sorted(set(sizes))


def placeholders(text: str, places: list[tuple[str, str]]) -> str:
    """``text`` with every machine folder of ``places`` ((folder, placeholder), longest first) replaced."""
    for folder, name in sorted(places, key=lambda p: -len(p[0])):
        if folder and folder != "/":
            text = re.sub(re.escape(folder.rstrip("/")) + r"(?![\w.-])", name, text)
    return text


LEAK = re.compile(r"(?<![\w<.])/(?:dev/shm|work|root|home|tmp|srv|mnt|Users)(?:/|\b)")


def leaks(text: str) -> list[str]:
    """Absolute paths of a machine's own folders left in ``text`` (RESULTS.md must have none)."""
    return sorted({text[m.start(): m.start() + 60].split()[0] for m in LEAK.finditer(text)})


@dataclass
class Bench:
    """What every measurement needs: where things are and how to run them."""

    repo: Path
    work: Path
    corpus_script: Path
    jobs: int
    repeat: int
    settle: float
    timeout: float
    hugo: str | None
    pagefind: str | None
    commands: dict[str, str] = field(default_factory=dict)  # command line -> what it measures, in first-run order
    ci: bool = True
    interval: float = 0.02

    def places(self) -> list[tuple[str, str]]:
        places = [(str(self.work), "<work>"), (str(self.repo), "."), (str(self.repo.parent), ".."),
                  (str(Path.home()), "~"), (sysconfig.get_paths()["purelib"], "<site-packages>")]
        if not self.corpus_script.is_relative_to(self.repo.parent):
            places.append((str(self.corpus_script.parent), "<corpus-script-folder>"))
        for tool, name in ((self.hugo, "hugo"), (self.pagefind, "pagefind_extended"), (sys.executable, "python")):
            if tool and not tool.startswith(str(self.repo) + "/"):
                places.append((tool, name))
        return places

    def place(self, text: str) -> str:
        shown = placeholders(text, self.places())
        return shown[2:] if shown.startswith("./") else shown

    def show(self, cmd: list[str]) -> str:
        return show_cmd([self.place(c) for c in cmd])

    def log(self, cmd: list[str], what: str, cwd: Path | None = None) -> int:
        """Record a command line and what it measures; its number in the list of commands (from 1)."""
        line = f"(cd {self.place(str(cwd))} && {self.show(cmd)})" if cwd and cwd != self.repo else self.show(cmd)
        if what not in self.commands.get(line, "").split("; "):
            self.commands[line] = self.commands[line] + "; " + what if line in self.commands else what
        return list(self.commands).index(line) + 1

    def timed(self, cmd: list[str], what: str, cwd: Path | None = None) -> tuple[Run, int]:
        """Run one command to completion: its figures and its command number."""
        number = self.log(cmd, what, cwd)
        done = run(cmd, cwd or self.repo, self.interval)
        if done.returncode != 0:
            raise BenchError(f"{what}: `{self.show(cmd)}` exited with {done.returncode}:\n{tail(done.output)}")
        return done, number

    def build_cmd(self, site: Path, out: Path) -> list[str]:
        return [sys.executable, "build.py", "build", "--source", str(site), "--output", str(out),
                "--jobs", str(self.jobs), "--quiet"]

    def corpus(self, n: int, flavor: str) -> Path:
        """A corpus generated once per size and flavour, then reused while the generator is unchanged."""
        root, stamp = self.work / f"{flavor}-{n}", self.work / f"{flavor}-{n}.done"
        cmd = [sys.executable, str(self.corpus_script), "--bulletins", str(n), "--out", str(root), "--flavor", flavor]
        key = hashlib.sha256(self.corpus_script.read_bytes()).hexdigest() + " " + shlex.join(cmd)
        self.log(cmd, f"corpus, {flavor} flavour")
        if not (root.is_dir() and stamp.is_file() and stamp.read_text() == key):
            shutil.rmtree(root, ignore_errors=True)
            print(f"generating the {flavor} corpus of {n} bulletins in {root}", file=sys.stderr)
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            stamp.write_text(key)
        return root

    def sites(self, n: int) -> dict[str, Path]:
        """The bulletin corpus twice: search off (``bulletin-N``) and search on (``bulletin-N-search``)."""
        off = self.corpus(n, "bulletin")
        key = (self.work / f"bulletin-{n}.done").read_text() + " search"
        on, stamp = self.work / f"bulletin-{n}-search", self.work / f"bulletin-{n}-search.done"
        if not (on.is_dir() and stamp.is_file() and stamp.read_text() == key):
            shutil.rmtree(on, ignore_errors=True)
            shutil.copytree(off, on, ignore=shutil.ignore_patterns(".cache"), symlinks=True)
            stamp.write_text(key)
        for site, search in ((off, False), (on, True)):
            settings = site / "data" / "site.yaml"
            text = settings.read_text("utf-8")
            if with_search(text, search) != text:
                settings.write_text(with_search(text, search), "utf-8")
        return {"on": on, "off": off}


class Edits:
    """The source edits of the rebuild scenarios, undone by ``restore`` (the corpus stays reusable)."""

    def __init__(self, site: Path, n: int, theme: Path) -> None:
        i, units = n // 2, max(1, n // 20)  # make_corpus.py: bulletin i belongs to unit i % (n // 20)
        unit = f"unit-{i % units:03d}"
        self.bulletin = site / "content" / unit / f"b{i:05d}.md"
        self.page = f"units/{unit}/b{i:05d}/index.html"
        self.oldest = site / "content" / "unit-000" / "b00000.md"  # make_corpus.py: bulletin 0 has the earliest date
        # make_corpus.py: bulletin i is dated 2019-01-01 + (7i // 3 mod 2000) days; the first of the latest date
        j = max(range(n), key=lambda k: ((k * 7) // 3 % 2000, -k))
        self.newest = site / "content" / f"unit-{j % units:03d}" / f"b{j:05d}.md"
        self.unit_yaml = site / "data" / "units" / f"{unit}.yaml"
        self.templates, self.theme_footer = site / "templates", (theme / "templates" / "footer.html").read_text("utf-8")
        self.stamp = site.parent / f"{site.name}.done"
        self.key = self.stamp.read_text()
        self.originals = {path: path.read_bytes()
                          for path in (self.bulletin, self.oldest, self.newest, self.unit_yaml)}
        self.made_templates = not self.templates.exists()
        self.count = 0

    def _next(self) -> int:
        self.stamp.unlink(missing_ok=True)  # a run killed before restore() regenerates the corpus next time
        self.count += 1
        return self.count

    def touch_bulletin(self, bulletin: Path | None = None) -> str:
        marker = f"bench-edit-{os.getpid()}-{self._next()}"
        with (bulletin or self.bulletin).open("a", encoding="utf-8") as f:
            f.write(f"\n补充说明：本段是基准测试追加的一句话（{marker}）。\n")
        return marker

    def touch_oldest(self) -> str:
        return self.touch_bulletin(self.oldest)

    def touch_newest(self) -> str:
        return self.touch_bulletin(self.newest)

    def touch_unit_yaml(self) -> None:
        self._next()
        text = self.unit_yaml.read_text("utf-8")
        last = list(re.finditer(r"study_sessions: (\d+)", text))[-1]  # the latest report: totals stay monotonic
        self.unit_yaml.write_text(text[: last.start(1)] + str(int(last.group(1)) + 1) + text[last.end(1):], "utf-8")

    def touch_template(self) -> None:
        self.templates.mkdir(exist_ok=True)
        (self.templates / "footer.html").write_text(self.theme_footer + f"<!-- bench edit {self._next()} -->\n", "utf-8")

    def restore(self) -> None:
        for path, data in self.originals.items():
            path.write_bytes(data)
        (self.templates / "footer.html").unlink(missing_ok=True)
        if self.made_templates and self.templates.is_dir() and not any(self.templates.iterdir()):
            self.templates.rmdir()
        self.stamp.write_text(self.key)


def output_size(out: Path) -> tuple[int, int, str, int]:
    """Total bytes without pagefind/, the largest HTML page's size and path, and the number of HTML pages."""
    total, largest, where, pages = 0, 0, "", 0
    for folder, dirs, files in os.walk(out):
        if Path(folder) == out and "pagefind" in dirs:
            dirs.remove("pagefind")
        for name in files:
            size = os.stat(os.path.join(folder, name)).st_size
            total += size
            if name.endswith(".html"):
                pages += 1
                if size > largest:
                    largest, where = size, os.path.relpath(os.path.join(folder, name), out)
    return total, largest, where, pages


def folder_size(folder: Path) -> int | None:
    if not folder.is_dir():
        return None
    return sum(os.stat(os.path.join(d, f)).st_size for d, _, files in os.walk(folder) for f in files)


class Samples:
    """Times and memory of repeated runs, and the command numbers that made them."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.cmds: dict[str, set[int]] = {}
        self.largest: dict[str, tuple[int, str]] = {}
        self.total: dict[str, int] = {}

    def add(self, key: str, done: Run, number: int, memory: str | None = None) -> None:
        self.times.setdefault(key, []).append(done.seconds)
        self.cmds.setdefault(key, set()).add(number)
        if memory:
            if done.largest > self.largest.get(memory, (0, ""))[0]:
                self.largest[memory] = (done.largest, done.largest_name)
            self.total[memory] = max(self.total.get(memory, 0), done.total)
            self.cmds.setdefault("rss_" + memory, set()).add(number)

    def store(self, m: Measured) -> None:
        for key, times in self.times.items():
            m.put(key, statistics.median(times), *self.cmds[key])
        for memory, (peak, _) in self.largest.items():
            m.put("rss_" + memory, peak, *self.cmds["rss_" + memory])
            m.put("rss_total_" + memory, self.total[memory], *self.cmds["rss_" + memory])


def bench_size(b: Bench, n: int, m: Measured, notes: list[str], serve: bool = True) -> None:
    """Every figure at one corpus size."""
    outs, s = b.work / "out", Samples()
    sites = b.sites(n)
    out = {mode: outs / f"bulletin-{n}-{mode}" for mode in MODES}
    snapshot = {mode: b.work / f"ci-cache-{n}-{mode}" for mode in MODES}
    hsite = b.corpus(n, "hugo") if b.hugo else None
    hout = outs / f"hugo-{n}"
    say = lambda text: print(f"  {n:,} {text}", file=sys.stderr)  # noqa: E731

    def bulletin(key: str, mode: str, what: str, prepare: Callable[[], None]) -> None:
        prepare()
        done, number = b.timed(b.build_cmd(sites[mode], out[mode]), what)
        s.add(key, done, number, memory=mode)
        say(f"{what}: {done.seconds:.2f} s, largest process {done.largest / 1e6:.0f} MB ({done.largest_name})")

    def cold(mode: str) -> Callable[[], None]:
        def prepare() -> None:
            shutil.rmtree(out[mode], ignore_errors=True)
            shutil.rmtree(sites[mode] / ".cache", ignore_errors=True)
        return prepare

    def restored(mode: str) -> Callable[[], None]:
        def prepare() -> None:
            cold(mode)()
            shutil.copytree(snapshot[mode], sites[mode], dirs_exist_ok=True)
        return prepare

    def keep_ci_cache(mode: str) -> bool:
        shutil.rmtree(snapshot[mode], ignore_errors=True)
        for kept in CI_CACHE:
            if not (sites[mode] / kept).exists():
                notes.append(f"{n:,}: no SRC/{kept} after a cold build: no CI-style figures")
                return False
            (snapshot[mode] / kept).parent.mkdir(parents=True, exist_ok=True)
            if (sites[mode] / kept).is_dir():
                shutil.copytree(sites[mode] / kept, snapshot[mode] / kept)
            else:
                shutil.copy2(sites[mode] / kept, snapshot[mode] / kept)
        return True

    ci = b.ci
    for r in range(b.repeat):  # alternate rounds: bulletin, reference, bulletin, reference ...
        bulletin("cold_off", "off", "cold build, search off (after rm -rf OUT SRC/.cache)", cold("off"))
        if r == 0:
            ci = ci and keep_ci_cache("off")
        if hsite:
            shutil.rmtree(hout, ignore_errors=True)
            shutil.rmtree(hsite / "resources", ignore_errors=True)
            done, number = b.timed([b.hugo or "hugo", "--quiet", "-d", str(hout)],
                                   "Hugo cold build (after rm -rf OUT resources/)", hsite)
            s.add("hugo_cold", done, number, memory="hugo")
            say(f"Hugo cold build: {done.seconds:.2f} s")
            if b.pagefind:
                found, pnumber = b.timed([b.pagefind, "--site", str(hout)], "Pagefind on Hugo's output")
                s.add("pagefind", found, pnumber, memory="hugo_pagefind")
                s.largest["hugo_pagefind"] = max(s.largest["hugo_pagefind"], s.largest["hugo"])
                s.total["hugo_pagefind"] = max(s.total["hugo_pagefind"], s.total["hugo"])
                s.cmds["rss_hugo_pagefind"].add(number)
                s.add("hugo_pagefind", Run(done.seconds + found.seconds, 0, "", 0, 0, ""), number)
                s.cmds["hugo_pagefind"].add(pnumber)
                say(f"Pagefind on Hugo's output: {found.seconds:.2f} s, "
                    f"largest process {found.largest / 1e6:.0f} MB ({found.largest_name})")
        bulletin("cold_on", "on", "cold build, search on (after rm -rf OUT SRC/.cache)", cold("on"))
        if r == 0:
            ci = ci and keep_ci_cache("on")
        if ci:
            for mode in MODES:
                bulletin(f"ci_{mode}", mode, f"CI build, search {mode} (after rm -rf OUT SRC/.cache, then "
                         f"SRC/{' and SRC/'.join(map(str, CI_CACHE))} restored)", restored(mode))
    s.store(m)
    if hsite:
        total, largest, where, pages = output_size(hout)
        hugo_cmds, pagefind_cmds = m.cmds.get("hugo_cold", []), m.cmds.get("pagefind", [])
        m.put("hugo_output", total, *hugo_cmds), m.put("hugo_largest", largest, *hugo_cmds)
        m.put("hugo_search", folder_size(hout / "pagefind"), *pagefind_cmds)
        notes.append(f"{n:,}: Hugo wrote {pages:,} HTML pages (all indexed by Pagefind); its largest is {where}")
    total, largest, where, pages = output_size(out["off"])
    m.put("output", total, *m.cmds["cold_off"]), m.put("largest", largest, *m.cmds["cold_off"])
    m.put("search_size", folder_size(out["on"] / "pagefind"), *m.cmds["cold_on"])
    notes.append(f"{n:,}: bulletin wrote {pages:,} HTML pages; its largest is {where}")

    for mode in MODES:  # each site's output and cache are as its last (cold or CI) build left them
        edits = Edits(sites[mode], n, b.repo / "bulletin" / "theme")
        steps: list[tuple[str, str, Callable[[], object]]] = [
            ("warm", "rebuild, nothing changed", lambda: None),
            ("bulletin", f"rebuild after appending a sentence to {edits.bulletin.relative_to(sites[mode])}",
             edits.touch_bulletin),
            ("oldest", f"rebuild after appending a sentence to {edits.oldest.relative_to(sites[mode])}, the oldest "
             "bulletin", edits.touch_oldest),
            ("newest", f"rebuild after appending a sentence to {edits.newest.relative_to(sites[mode])}, the newest "
             "bulletin (the one editors edit most)", edits.touch_newest),
            ("unit_yaml", f"rebuild after changing one figure in {edits.unit_yaml.relative_to(sites[mode])}",
             edits.touch_unit_yaml),
            ("template", "rebuild after writing templates/footer.html (the theme's plus a comment)",
             edits.touch_template),
        ]
        try:
            for key, what, edit in steps:
                for _ in range(b.repeat):
                    bulletin(f"{key}_{mode}", mode, f"{what}, search {mode}", lambda: None if edit() else None)
        finally:
            edits.restore()
    s.store(m)
    for memory in ("on", "off", "hugo", "hugo_pagefind"):
        if memory in s.largest:
            notes.append(f"{n:,}: largest process, {MEMORY_NAMES[memory]}: {s.largest[memory][1]}")
    if serve:
        edits = Edits(sites["on"], n, b.repo / "bulletin" / "theme")
        try:
            measure_serve(b, sites["on"], outs / f"serve-{n}", edits, m, notes, n)
        finally:
            edits.restore()


MEMORY_NAMES = {"on": "bulletin search on", "off": "bulletin search off", "hugo": "Hugo",
                "hugo_pagefind": "Hugo + Pagefind"}


def measure_serve(b: Bench, site: Path, out: Path, edits: Edits, m: Measured, notes: list[str], n: int) -> None:
    """Edit-to-page latency under ``serve`` (search on): page file rewritten, reload message for the page
    open in a browser, reloaded page answered, preview quiet again (its background work done)."""
    probe = subprocess.run([sys.executable, "-c", "import bulletin.serve"], cwd=b.repo, capture_output=True, text=True)
    if probe.returncode != 0:
        notes.append(f"{n:,}: serve not available (`import bulletin.serve` fails: "
                     f"{(probe.stderr.strip().splitlines() or ['?'])[-1]}); serve figures skipped")
        return
    base_url = re.search(r"^base_url:\s*(\S+)", (site / "data" / "site.yaml").read_text("utf-8"), re.M)
    base = urlsplit(base_url.group(1) if base_url else "/").path or "/"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = f"http://127.0.0.1:{port}{base}"
    cmd = [sys.executable, "build.py", "serve", "--source", str(site), "--output", str(out), "--port", str(port),
           "--jobs", str(b.jobs), "--quiet"]
    number = b.log(cmd, "serve, search on (port: any free one)")
    shutil.rmtree(out, ignore_errors=True)
    log_path = b.work / f"serve-{n}.log"
    clients: list[LiveReloadClient] = []
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=b.repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    sampler = Sampler(proc.pid, b.interval)
    try:
        m.put("serve_start", first_answer(b, proc, home, log_path), number)
        page_url, stats_url = home + edits.page.removesuffix("index.html"), home + "stats/"
        page_client = LiveReloadClient("127.0.0.1", port, page_url)
        stats_client = LiveReloadClient("127.0.0.1", port, stats_url)
        clients += [page_client, stats_client]
        for client in clients:
            client.wait_quiet(b.settle)
        busy = quiet_threshold(sampler.tree, timeout=b.timeout)
        notes.append(f"{n:,}: serve: the preview counts as quiet below {busy:.0%} of a core (its idle use plus 15 %, "
                     f"at least {QUIET_BUSY:.0%})")
        samples: dict[str, list[float]] = {}
        for _ in range(b.repeat):
            for name, client, edit, page, url in (
                    ("serve_page", page_client, edits.touch_bulletin, out / edits.page, page_url),
                    ("serve_stats", stats_client, edits.touch_unit_yaml, out / "stats" / "index.html", stats_url)):
                if not settle(b, clients, sampler.tree, busy):
                    notes.append(f"{n:,}: serve: the preview did not go quiet (< {busy:.0%} of a core for "
                                 f"{QUIET_WINDOW:g} s) within {b.timeout:.0f} s before an edit; measured anyway")
                for key, value in edit_latency(b, client, edit, page, url, proc, sampler.tree, busy).items():
                    samples.setdefault(name + key, []).append(value)
        for name in ("serve_page", "serve_stats"):
            for key in ("", "_reload", "_served", "_quiet"):
                got = samples.get(name + key, [])
                m.put(name + key, statistics.median(got) if len(got) == b.repeat else None, number)
                if len(got) < b.repeat:
                    notes.append(f"{n:,}: {name + key}: no value for {b.repeat - len(got)} of {b.repeat} edits "
                                 f"(timeout {b.timeout:.0f} s; log: {b.place(str(log_path))})")
            if samples.get(name + "_stale"):
                notes.append(f"{n:,}: {name}: after {len(samples[name + '_stale'])} reload message(s) the server "
                             "still answered the old page (the reload came before the rebuild was served)")
    except (BenchError, OSError) as exc:
        notes.append(f"{n:,}: serve failed: {b.place(str(exc))} (log: {b.place(str(log_path))})".replace("\n", " | "))
        print(f"  {n:,} serve failed: {exc}", file=sys.stderr)
    finally:
        for client in clients:
            client.close()
        stop(proc)
        tree = sampler.stop()
        largest, name = tree.largest()
        if largest:
            m.put("serve_rss", largest, number)
            notes.append(f"{n:,}: serve's largest process: {name}")
    measure_restart(b, cmd, home, m, notes, n)


def first_answer(b: Bench, proc: subprocess.Popen[bytes], home: str, log_path: Path) -> float:
    """Seconds from now until the server ``proc`` answers ``home`` (it was just started)."""
    started = time.perf_counter()
    while http_get(home) is None:
        if proc.poll() is not None or time.perf_counter() - started > b.timeout:
            raise BenchError(f"serve did not answer on {home}:\n{tail(log_path.read_text('utf-8', 'replace'))}")
        time.sleep(0.05)
    return time.perf_counter() - started


def measure_restart(b: Bench, cmd: list[str], home: str, m: Measured, notes: list[str], n: int) -> None:
    """The same preview started again on the output it left, as an editor's next ``make preview``: its time
    until the first HTTP answer."""
    number = b.log(cmd, "serve again, on the output the last one left")
    log_path = b.work / f"serve-again-{n}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=b.repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        m.put("serve_restart", first_answer(b, proc, home, log_path), number)
    except (BenchError, OSError) as exc:
        notes.append(f"{n:,}: serve again failed: {b.place(str(exc))}".replace("\n", " | "))
    finally:
        stop(proc)


def quiet_threshold(tree: Tree, seconds: float = 3.0, timeout: float = 300.0) -> float:
    """The CPU share (of one core) below which the server counts as quiet: its least use over a second (a
    watcher that polls costs something), plus 15 %, and at least ``QUIET_BUSY``. Watched for ``seconds``,
    and longer while the server stays busy (a first build may index search in the background)."""
    start = time.perf_counter()
    while True:
        time.sleep(0.5)
        samples = [x for x in tree.cpu_samples if x[0] >= start]
        shares = [(c1 - c0) / (t1 - t0) for i, (t0, c0) in enumerate(samples) for t1, c1 in samples[i:]
                  if 0.9 * QUIET_WINDOW <= t1 - t0 <= 1.1 * QUIET_WINDOW]
        waited = time.perf_counter() - start
        if waited >= seconds and shares and (min(shares) < 0.35 or waited > timeout):
            return min(0.9, max(QUIET_BUSY, min(shares) + 0.15))
        if waited > timeout + 5:
            return 0.9


def settle(b: Bench, clients: list[LiveReloadClient], tree: Tree, busy: float = QUIET_BUSY) -> bool:
    """Wait until no reload came for ``settle`` s and the server's processes are quiet: True if they are."""
    deadline = time.perf_counter() + b.timeout
    for client in clients:
        client.wait_quiet(b.settle)
    since = time.perf_counter()
    while time.perf_counter() < deadline:
        if tree.quiet_from(since, QUIET_WINDOW, busy) is not None:
            return True
        time.sleep(0.1)
    return False


def edit_latency(b: Bench, client: LiveReloadClient, edit: Callable[[], str | None], page: Path,
                 url: str, server: subprocess.Popen[bytes], tree: Tree, busy: float = QUIET_BUSY) -> dict[str, float]:
    """Seconds from an edit to: the page file rewritten (""), the reload message, the reloaded page answered,
    the server's processes quiet again."""
    file_before, http_before = read(page), http_get(url)
    marker = edit()
    started = time.perf_counter()
    changed: Callable[[bytes | None, bytes | None], bool] = (
        (lambda new, old: new is not None and new != old) if marker is None
        else (lambda new, old: new is not None and marker.encode() in new))
    found: dict[str, float] = {}
    while time.perf_counter() - started < b.timeout:
        if server.poll() is not None:
            raise BenchError(f"serve exited by itself (status {server.returncode}) after an edit")
        if changed(read(page), file_before):
            found[""] = time.perf_counter() - started
            break
        time.sleep(POLL)
    reload_at = client.reload_after(started, max(0.0, b.timeout - (time.perf_counter() - started)))
    if reload_at is not None:
        found["_reload"] = reload_at - started
        body = http_get(url)  # what the browser's request after the reload gets
        if changed(body, http_before):
            found["_served"] = time.perf_counter() - started
        elif body is None and exited(server, 2.0):
            raise BenchError(f"serve exited by itself (status {server.returncode}) after an edit")
        else:
            found["_stale"] = 1.0
    after = reload_at or started + found.get("", 0.0)
    while time.perf_counter() - started < b.timeout:
        quiet = tree.quiet_from(after, QUIET_WINDOW, busy)
        if quiet is not None:
            found["_quiet"] = quiet - started
            break
        time.sleep(0.1)
    return found


def profile(b: Bench, n: int, top: int = 15) -> str:
    """cProfile of one cold build, search off, with --jobs 1 (all the work in the profiled process): the
    command line and the ``top`` entries by own time and by cumulative time."""
    site, out, stats_file = b.sites(n)["off"], b.work / "out" / f"profile-{n}", b.work / f"profile-{n}.prof"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    build = b.build_cmd(site, out)
    build[build.index("--jobs") + 1] = "1"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), *build[1:]]
    number = b.log(cmd, "profile of a cold build, search off, --jobs 1 (after rm -rf OUT SRC/.cache)")
    print(f"  {n:,} profiling a cold build: {b.show(cmd)}", file=sys.stderr)
    subprocess.run(cmd, cwd=b.repo, check=True, stdout=subprocess.DEVNULL)
    parts = [f"[{number}] at {n:,} bulletins"]
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(str(stats_file), stream=text).sort_stats(order).print_stats(top)
        body = text.getvalue()
        body = body[body.index("   ncalls"):] if "   ncalls" in body else body
        parts.append(f"Top {top} by {'own' if order == 'tottime' else 'cumulative'} time:\n\n```\n"
                     f"{b.place(body.rstrip())}\n```")
    return "\n\n".join(parts)


def find_pagefind(python: str = sys.executable) -> str | None:
    """The ``pagefind_extended`` binary of the pagefind package installed for ``python``, if any."""
    try:
        done = subprocess.run([python, "-c", "from pagefind.service import get_executable; print(get_executable())"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip().splitlines()[-1] if done.returncode == 0 and done.stdout.strip() else ""
    return path if path and os.access(path, os.X_OK) else None


def exited(proc: subprocess.Popen[bytes], within: float) -> bool:
    try:
        proc.wait(within)
        return True
    except subprocess.TimeoutExpired:
        return False


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def http_get(url: str) -> bytes | None:
    """The body of any HTTP answer (errors included), or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        return exc.read()
    except (urllib.error.URLError, OSError):
        return None


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server this harness started (its own session), gently first."""
    for sig, wait in ((signal.SIGINT, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(wait)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            continue


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
