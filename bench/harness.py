"""Build times, rebuild times, memory, output size and live-reload latency of bulletin, next to Hugo's."""

from __future__ import annotations

import hashlib
import os
import pstats
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .livereload_client import LiveReloadClient

REPO = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"
POLL = 0.005  # seconds between two looks at a page file


class BenchError(Exception):
    """A build or a server failed; the message says which and why."""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # display unit: s, ms, MB, KB or x; values are kept in seconds and bytes
    hugo: str | None = None  # the Hugo figure this one is divided by
    target: tuple[str, float] | None = None  # ("hugo", r): <= r x Hugo; ("max", v): <= v units; ("scale", f)


ROWS = [
    Row("hugo_cold", "Hugo: cold build", "s", "hugo_cold"),
    Row("cold", "cold build (no output, no .cache/)", "s", "hugo_cold", ("hugo", 1.0)),
    Row("warm", "warm rebuild, nothing changed", "s", "hugo_cold", ("hugo", 0.2)),
    Row("bulletin", "rebuild after one bulletin changed", "s", "hugo_cold"),
    Row("unit_yaml", "rebuild after one unit YAML changed", "s", "hugo_cold"),
    Row("template", "rebuild after a template changed", "s", "hugo_cold"),
    Row("scaling", "cold build time / cold build time at the smallest size", "x", None, ("scale", 1.1)),
    Row("peak_rss", "peak memory of the largest process, any build", "MB", "hugo_rss", ("max", 300)),
    Row("hugo_rss", "Hugo: peak memory", "MB", "hugo_rss"),
    Row("output", "total output (without pagefind/)", "MB", "hugo_output"),
    Row("hugo_output", "Hugo: total output", "MB", "hugo_output"),
    Row("largest", "largest HTML page", "KB", "hugo_largest", ("max", 150)),
    Row("hugo_largest", "Hugo: largest HTML page", "KB", "hugo_largest"),
    Row("serve_start", "serve: start until the first HTTP answer", "s", "hugo_cold"),
    Row("serve_page", "serve: bulletin saved -> its page file rewritten", "ms", "hugo_cold", ("max", 300)),
    Row("serve_page_reload", "serve: bulletin saved -> reload message received", "ms", "hugo_cold"),
    Row("serve_page_served", "serve: bulletin saved -> reloaded page answered", "ms", "hugo_cold"),
    Row("serve_stats", "serve: unit YAML saved -> stats/index.html rewritten", "ms", "hugo_cold", ("max", 1000)),
    Row("serve_stats_reload", "serve: unit YAML saved -> reload message received", "ms", "hugo_cold"),
    Row("serve_stats_served", "serve: unit YAML saved -> reloaded stats page answered", "ms", "hugo_cold"),
    Row("serve_rss", "serve: peak memory of the server process", "MB", "hugo_rss", ("max", 300)),
]
SCALE = {"s": 1.0, "ms": 1e3, "MB": 1e-6, "KB": 1e-3, "x": 1.0}


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
    commands: dict[str, str]  # command line -> what it measures, in first-run order

    def log(self, cmd: list[str], what: str, cwd: Path | None = None) -> None:
        line = (f"(cd {shlex.quote(str(cwd))} && {self.show(cmd)})" if cwd and cwd != self.repo else self.show(cmd))
        if what not in self.commands.get(line, "").split("; "):
            self.commands[line] = self.commands[line] + "; " + what if line in self.commands else what

    def show(self, cmd: list[str]) -> str:
        return shlex.join(os.path.relpath(c, self.repo) if c.startswith(str(self.repo) + "/") else c for c in cmd)

    def timed(self, cmd: list[str], what: str, cwd: Path | None = None) -> tuple[float, int]:
        """Run one command to completion: (wall-clock seconds, peak RSS in bytes of its largest process)."""
        self.log(([TIME, "-v"] if os.access(TIME, os.X_OK) else []) + cmd, what, cwd)
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            full = [TIME, "-v", "-o", report.name, *cmd] if os.access(TIME, os.X_OK) else cmd
            started = time.perf_counter()
            proc = subprocess.run(full, cwd=cwd or self.repo, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read())
        if proc.returncode != 0:
            raise BenchError(f"{what}: `{self.show(cmd)}` exited with {proc.returncode}:\n{tail(proc.stderr)}")
        kb = int(found.group(1)) if found else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return seconds, kb * 1024

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
            subprocess.run(cmd, check=True)
            stamp.write_text(key)
        settings = root / "data" / "site.yaml"
        if flavor == "bulletin" and "search:" not in settings.read_text("utf-8"):
            # Hugo's flavour has no search: compare like with like (Pagefind's own time is not bulletin's)
            settings.write_text(settings.read_text("utf-8") + "search: false\n", "utf-8")
        return root


class Edits:
    """The source edits of the rebuild scenarios, undone by ``restore`` (the corpus stays reusable)."""

    def __init__(self, site: Path, n: int, theme: Path) -> None:
        i, units = n // 2, max(1, n // 20)  # make_corpus.py: bulletin i belongs to unit i % (n // 20)
        unit = f"unit-{i % units:03d}"
        self.bulletin = site / "content" / unit / f"b{i:05d}.md"
        self.page = f"units/{unit}/b{i:05d}/index.html"
        self.unit_yaml = site / "data" / "units" / f"{unit}.yaml"
        self.templates, self.theme_footer = site / "templates", (theme / "templates" / "footer.html").read_text("utf-8")
        self.stamp = site.parent / f"{site.name}.done"
        self.originals = {path: path.read_bytes() for path in (self.bulletin, self.unit_yaml)}
        self.made_templates = not self.templates.exists()
        self.count = 0

    def _next(self) -> int:
        self.stamp.unlink(missing_ok=True)  # a run killed before restore() regenerates the corpus next time
        self.count += 1
        return self.count

    def touch_bulletin(self) -> str:
        marker = f"bench-edit-{os.getpid()}-{self._next()}"
        with self.bulletin.open("a", encoding="utf-8") as f:
            f.write(f"\n补充说明：本段是基准测试追加的一句话（{marker}）。\n")
        return marker

    def touch_unit_yaml(self) -> None:
        self._next()
        text = self.unit_yaml.read_text("utf-8")
        last = list(re.finditer(r"study_sessions: (\d+)", text))[-1]  # the latest report: totals stay monotonic
        self.unit_yaml.write_text(text[: last.start(1)] + str(int(last.group(1)) + 1) + text[last.end(1):], "utf-8")

    def touch_template(self) -> None:
        self.templates.mkdir(exist_ok=True)
        (self.templates / "footer.html").write_text(self.theme_footer + f"<!-- bench edit {self._next()} -->\n", "utf-8")

    def restore(self, key: str | None = None) -> None:
        for path, data in self.originals.items():
            path.write_bytes(data)
        (self.templates / "footer.html").unlink(missing_ok=True)
        if self.made_templates and self.templates.is_dir() and not any(self.templates.iterdir()):
            self.templates.rmdir()
        if key is not None:
            self.stamp.write_text(key)


def output_size(out: Path) -> tuple[int, int, str]:
    """Total bytes without pagefind/, and the largest HTML page's size and path."""
    total, largest, where = 0, 0, ""
    for folder, dirs, files in os.walk(out):
        if Path(folder) == out and "pagefind" in dirs:
            dirs.remove("pagefind")
        for name in files:
            size = os.stat(os.path.join(folder, name)).st_size
            total += size
            if name.endswith(".html") and size > largest:
                largest, where = size, os.path.relpath(os.path.join(folder, name), out)
    return total, largest, where


def bench_size(b: Bench, n: int, figures: dict[str, float | None], notes: list[str], serve: bool = True) -> None:
    """Every figure at one corpus size."""
    outs = b.work / "out"
    if b.hugo:
        hsite, hout = b.corpus(n, "hugo"), outs / f"hugo-{n}"
        runs = []
        for _ in range(b.repeat):
            shutil.rmtree(hout, ignore_errors=True)
            shutil.rmtree(hsite / "resources", ignore_errors=True)
            runs.append(b.timed([b.hugo, "--quiet", "-d", str(hout)], "Hugo cold build (after rm -rf OUT resources/)",
                                hsite))
        figures["hugo_cold"], figures["hugo_rss"] = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
        figures["hugo_output"], figures["hugo_largest"], where = output_size(hout)
        notes.append(f"{n:,}: Hugo's largest page is {where}")
    site, out = b.corpus(n, "bulletin"), outs / f"bulletin-{n}"
    key = (site.parent / f"{site.name}.done").read_text()
    edits = Edits(site, n, b.repo / "bulletin" / "theme")
    cmd, rss = b.build_cmd(site, out), []

    def scenario(name: str, what: str, before: Callable[[], object]) -> None:
        times = []
        for _ in range(b.repeat):
            before()
            seconds, peak = b.timed(cmd, what)
            times.append(seconds)
            rss.append(peak)
        figures[name] = statistics.median(times)
        print(f"  {n:,} {what}: {figures[name]:.2f} s", file=sys.stderr)

    def cold() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / ".cache", ignore_errors=True)

    try:
        scenario("cold", "cold build (after rm -rf OUT SRC/.cache)", cold)
        figures["output"], figures["largest"], where = output_size(out)
        notes.append(f"{n:,}: bulletin's largest page is {where}")
        scenario("warm", "warm rebuild, nothing changed", lambda: None)
        scenario("bulletin", f"rebuild after appending a sentence to {edits.bulletin.relative_to(site)}",
                 edits.touch_bulletin)
        scenario("unit_yaml", f"rebuild after changing one figure in {edits.unit_yaml.relative_to(site)}",
                 edits.touch_unit_yaml)
        scenario("template", "rebuild after writing templates/footer.html (the theme's plus a comment)",
                 edits.touch_template)
    finally:
        edits.restore(key)
    figures["peak_rss"] = max(rss)
    if not serve:
        return
    try:
        measure_serve(b, site, outs / f"serve-{n}", edits, figures, notes, n)
    finally:
        edits.restore(key)


def measure_serve(b: Bench, site: Path, out: Path, edits: Edits, figures: dict[str, float | None],
                  notes: list[str], n: int) -> None:
    """Edit-to-page latency under ``serve``: page file rewritten, reload message, reloaded page answered."""
    probe = subprocess.run([sys.executable, "-c", "import bulletin.serve"], cwd=b.repo, capture_output=True, text=True)
    if probe.returncode != 0:
        notes.append(f"{n:,}: serve not available (`import bulletin.serve` fails: "
                     f"{(probe.stderr.strip().splitlines() or ['?'])[-1]}); serve figures skipped")
        print(f"  {n:,} serve not available; skipped", file=sys.stderr)
        return
    base_url = re.search(r"^base_url:\s*(\S+)", (site / "data" / "site.yaml").read_text("utf-8"), re.M)
    base = urlsplit(base_url.group(1) if base_url else "/").path or "/"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = f"http://127.0.0.1:{port}{base}"
    cmd = [sys.executable, "build.py", "serve", "--source", str(site), "--output", str(out), "--port", str(port),
           "--jobs", str(b.jobs), "--quiet"]
    b.log(cmd, "serve (port: any free one)")
    shutil.rmtree(out, ignore_errors=True)
    log_path = b.work / f"serve-{n}.log"
    client: LiveReloadClient | None = None
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=b.repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = time.perf_counter()
        while http_get(home) is None:
            if proc.poll() is not None or time.perf_counter() - started > b.timeout:
                raise BenchError(f"serve did not answer on {home}:\n{tail(log_path.read_text('utf-8', 'replace'))}")
            time.sleep(0.05)
        figures["serve_start"] = time.perf_counter() - started
        client = LiveReloadClient("127.0.0.1", port, home)
        samples: dict[str, list[float]] = {}
        for _ in range(b.repeat):
            client.wait_quiet(b.settle)
            for key, value in edit_latency(b, client, edits.touch_bulletin, out / edits.page,
                                           home + edits.page.removesuffix("index.html"), proc).items():
                samples.setdefault("serve_page" + key, []).append(value)
            client.wait_quiet(b.settle)
            for key, value in edit_latency(b, client, edits.touch_unit_yaml, out / "stats" / "index.html",
                                           home + "stats/", proc).items():
                samples.setdefault("serve_stats" + key, []).append(value)
        for name in ("serve_page", "serve_stats"):
            for key in ("", "_reload", "_served"):
                got = samples.get(name + key, [])
                figures[name + key] = statistics.median(got) if len(got) == b.repeat else None
                if len(got) < b.repeat:
                    notes.append(f"{n:,}: {name + key}: no value for {b.repeat - len(got)} of {b.repeat} edits "
                                 f"(timeout {b.timeout:.0f} s; log: {log_path})")
            if samples.get(name + "_stale"):
                notes.append(f"{n:,}: {name}: after {len(samples[name + '_stale'])} reload message(s) the server "
                             "still answered the old page (the reload came before the rebuild was served)")
        figures["serve_rss"] = peak_rss(proc.pid)
    except (BenchError, OSError) as exc:
        notes.append(f"{n:,}: serve failed: {exc} (log: {log_path})".replace("\n", " | "))
        print(f"  {n:,} serve failed: {exc}", file=sys.stderr)
    finally:
        if client:
            client.close()
        stop(proc)


def edit_latency(b: Bench, client: LiveReloadClient, edit: Callable[[], str | None], page: Path,
                 url: str, server: subprocess.Popen[bytes]) -> dict[str, float]:
    """Seconds from an edit to: the page file rewritten (""), the reload message, the reloaded page answered."""
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
    return found


def profile(b: Bench, n: int, top: int = 15) -> None:
    """cProfile one cold build; with --jobs > 1 only the main process is profiled, not the render workers."""
    site, out, stats_file = b.corpus(n, "bulletin"), b.work / "out" / f"profile-{n}", b.work / f"profile-{n}.prof"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), *b.build_cmd(site, out)[1:]]
    print(f"$ {b.show(cmd)}", file=sys.stderr)
    subprocess.run(cmd, cwd=b.repo, check=True, stdout=subprocess.DEVNULL)
    pstats.Stats(str(stats_file)).sort_stats("cumulative").print_stats(top)


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


def peak_rss(pid: int) -> float | None:
    """A live process's peak RSS (VmHWM) in bytes."""
    try:
        return int(re.findall(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())[0]) * 1024
    except (OSError, IndexError):
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
