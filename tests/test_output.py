"""The output is swapped in whole or not at all, keeps what it should, and is the same for the same sources."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from conftest import REPO, output_files, run_cli, write_files

import bulletin.output.staging
import bulletin.output.survey
from bulletin.output.disk import files_below
from bulletin.output.journal import JOURNAL
from bulletin.output.patch import Patch
from bulletin.output.staging import Staging
from bulletin.output.survey import Survey
from bulletin.pipeline.build import BuildOptions, build
from bulletin.render.renderer import Renderer


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry below ``folder``, dot-entries included: files with bytes, mtime and inode."""
    entries: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_file():
                stat = path.stat()
                entries[rel] = (path.read_bytes(), stat.st_mtime_ns, stat.st_ino)
            else:
                entries[rel] = "dir"
    return entries


def siblings(output: Path) -> list[str]:
    """Staging or old folders left next to the output."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def add_dot_entries(output: Path) -> None:
    write_files(output, {".git/HEAD": "ref: refs/heads/main\n", ".well-known/security.txt": "Contact: x\n",
                         ".htaccess": "ErrorDocument 404 /news/404.html\n"})


def many_bulletins(root: Path, count: int) -> Path:
    """``count`` bulletins of the minimal site's unit, on different dates, some sharing one."""
    for i in range(count):
        day = f"2021-{i % 12 + 1:02}-{i % 28 + 1:02}"
        write_files(root, {f"content/town/b-{i:03}.md": f"---\ntitle: 第{i}期工作简报\ndate: {day}\n"
                                                        f"tags: [标签{i % 5}]\n---\n第{i}期。组织宣讲{i}场次。\n\n## 做法\n\n正文{i}。\n"})
    return root


@pytest.fixture
def built(minimal_site: Path) -> Path:
    """The minimal site built once, its output holding dot-entries of a deployment."""
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    add_dot_entries(minimal_site / "output")
    return minimal_site


# -- 3. a failed or interrupted build leaves the previous output exactly as it was ----------

def _fail_on_call(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, number: int, error: BaseException) -> None:
    """Make the ``number``-th call of ``owner.name`` (in the build's process, or in a render worker, which inherits
    the fault) raise ``error``."""
    original = getattr(owner, name)
    calls = multiprocessing.get_context("fork").Value("i", 0)  # counted across the workers, however they share out

    def failing(*args: object, **kwargs: object) -> object:
        with calls.get_lock():
            calls.value += 1
            call = calls.value
        if call == number:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def _ctrl_c_while_workers_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Press Ctrl-C (a real SIGINT to the build's process; the workers ignore it) once the render workers are at
    work and the build waits for their pages."""
    import bulletin.pipeline.build as pipeline
    import bulletin.pipeline.workers as workers

    rendering = {"on": False}
    write_site, wait = pipeline.write_site, workers.wait

    def writing(*args: object, **kwargs: object) -> object:
        rendering["on"] = True
        return write_site(*args, **kwargs)

    def waiting(*args: object, **kwargs: object) -> object:
        if rendering["on"]:
            os.kill(os.getpid(), signal.SIGINT)
        return wait(*args, **kwargs)

    monkeypatch.setattr(pipeline, "write_site", writing)
    monkeypatch.setattr(workers, "wait", waiting)


FAULTS = {
    "exception while rendering": (Renderer, "bulletin_job", 2, RuntimeError("bug")),
    "Ctrl-C while rendering": (Renderer, "bulletin_job", 2, KeyboardInterrupt()),
    "disk full while writing": (Patch, "write", 5, OSError(errno.ENOSPC, "No space left on device")),
    "disk full while copying a static file": (Patch, "copy", 1, OSError(errno.ENOSPC, "No space left on device")),
    "Ctrl-C while copying a static file": (Patch, "copy", 1, KeyboardInterrupt()),
}


@pytest.fixture
def python_ctrl_c() -> Iterator[object]:
    """SIGINT handled as in a build's own process (Python's default: KeyboardInterrupt), whatever an earlier test
    of this process left (the whole suite in a fresh clone left one that ignored it); yields the one found."""
    found = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield found
    signal.signal(signal.SIGINT, found)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("jobs", [1, 2])
def test_failed_build_leaves_previous_output_untouched(built: Path, monkeypatch: pytest.MonkeyPatch, fault: str,
                                                       jobs: int, python_ctrl_c: object) -> None:
    if jobs > 1:  # enough bulletins for the worker processes; they inherit the fault
        many_bulletins(built, 70)
        assert run_cli("build", "--source", built, "--quiet").code == 0
    output = built / "output"
    before = snapshot(output)
    write_files(built, {"content/town/report-q1.md": "---\ntitle: 改过的标题\ndate: 2021-03-31\n---\n新的正文\n"})
    owner, name, number, error = FAULTS[fault]
    if jobs > 1 and fault == "Ctrl-C while rendering":
        _ctrl_c_while_workers_render(monkeypatch)
    else:
        _fail_on_call(monkeypatch, owner, name, number, error)
    try:
        result = build(BuildOptions(built, output, jobs=jobs))
    except type(error):
        pass
    else:
        pytest.fail(f"the build ended without {type(error).__name__}: {result.rendered} pages rendered, "
                    f"problems {result.problems.sorted()}; SIGINT's handler had been {python_ctrl_c!r}")
    assert snapshot(output) == before
    assert siblings(output) == []


def test_build_with_source_errors_leaves_previous_output_untouched(built: Path) -> None:
    output = built / "output"
    before = snapshot(output)
    write_files(built, {"content/town/report-q1.md": "---\ntitle: 新\ndate: 2021-02-30\n---\n新的正文\n"})
    run = run_cli("build", "--source", built)
    assert run.code == 1
    assert run.err.splitlines()[-1] == "1 error(s); the previous output was left as it was"
    assert snapshot(output) == before
    assert siblings(output) == []


@pytest.mark.parametrize("step", ["moving the old output aside", "moving the new output in"])
def test_ctrl_c_during_the_swap_puts_the_previous_output_back(built: Path, monkeypatch: pytest.MonkeyPatch,
                                                               step: str) -> None:
    output = (built / "output").resolve()
    monkeypatch.setattr("bulletin.pipeline.build.open_writer", Staging)  # a whole new output, swapped in
    before = snapshot(output)
    write_files(built, {"content/town/report-q1.md": "---\ntitle: 新\ndate: 2021-03-31\n---\n新的正文\n"})
    rename = os.rename
    interrupts = [KeyboardInterrupt()]  # one Ctrl-C; the roll-back renames again

    def interrupted(src: object, dst: object) -> None:
        if interrupts and ((step == "moving the old output aside" and Path(src) == output)
                           or (step == "moving the new output in" and Path(dst) == output)):
            raise interrupts.pop()
        rename(src, dst)

    monkeypatch.setattr(bulletin.output.staging.os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(built, output))
    monkeypatch.undo()
    assert snapshot(output) == before
    assert siblings(output) == []


@pytest.mark.parametrize("at", [1, 3, 6])
def test_ctrl_c_while_a_rebuild_is_moved_in_puts_the_previous_output_back(built: Path, monkeypatch: pytest.MonkeyPatch,
                                                                          at: int) -> None:
    output = (built / "output").resolve()
    before = snapshot(output)
    write_files(built, {"content/town/report-q1.md": "---\ntitle: 新\ndate: 2021-03-31\n---\n新的正文\n",
                        "content/town/added.md": "---\ntitle: 新增\ndate: 2021-04-02\n---\n新增正文\n"})
    (built / "content/town/2021-06-30-工作动态.md").unlink()
    replace, moves = os.replace, []

    def interrupted(src: object, dst: object) -> None:
        if output in Path(dst).parents:  # a file of the rebuild moved into the output
            moves.append(dst)
            if len(moves) == at:
                raise KeyboardInterrupt()
        replace(src, dst)

    monkeypatch.setattr(bulletin.output.staging.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(built, output))
    monkeypatch.undo()
    assert len(moves) >= at  # (the undo moves files back too)
    assert snapshot(output) == before
    assert siblings(output) == []


def test_next_build_puts_back_the_output_of_a_build_killed_while_moving_files_in(built: Path) -> None:
    output = (built / "output").resolve()
    before = snapshot(output)
    old = built / f".output.old-{_dead_pid()}"  # a patch that was half applied when the power went
    (old / "units/town/report-q1").mkdir(parents=True)
    os.rename(output / "units/town/report-q1/index.html", old / "units/town/report-q1/index.html")
    write_files(output, {"units/town/report-q1/index.html": "half of a new page", "units/town/new/index.html": "new"})
    (old / JOURNAL).write_text('["units/town/new/index.html"]', encoding="utf-8")
    Staging(output).prepare()  # what the next build does first
    assert snapshot(output) == before
    assert siblings(output) == [f".output.staging-{os.getpid()}"]  # the one prepare made for this build
    Staging(output).abort()


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_next_build_puts_right_a_build_killed_between_the_two_renames(built: Path) -> None:
    output = built / "output"
    git_head = (output / ".git/HEAD").read_bytes()
    pid = _dead_pid()
    staging = built / f".output.staging-{pid}"
    write_files(staging, {"index.html": "half of a new build"})
    os.rename(output / ".git", staging / ".git")  # the swap had moved the dot-entries to the new output...
    os.rename(output, built / f".output.old-{pid}")  # ... and the old output aside, then the power went
    assert run_cli("build", "--source", built, "--quiet").code == 0
    assert (output / ".git/HEAD").read_bytes() == git_head
    assert (output / ".htaccess").is_file() and (output / "stats.json").is_file()
    assert siblings(output) == []


def test_next_build_returns_dot_entries_left_in_a_dead_builds_staging_folder(built: Path) -> None:
    output = built / "output"
    staging = built / f".output.staging-{_dead_pid()}"
    staging.mkdir()
    os.rename(output / ".git", staging / ".git")
    assert run_cli("build", "--source", built, "--quiet").code == 0
    assert (output / ".git/HEAD").is_file()
    assert siblings(output) == []


# -- 3. a rebuild leaves nothing stale, keeps dot-entries and untouched files' times ---------

def test_rebuild_drops_pages_of_removed_sources_and_keeps_dot_entries(built: Path) -> None:
    output = built / "output"
    assert (output / "units/town/report-q1/index.html").is_file()
    (built / "content/town/report-q1.md").unlink()
    assert run_cli("build", "--source", built, "--quiet").code == 0
    assert not (output / "units/town/report-q1").exists()
    assert not any(b"report-q1" in data for data in output_files(output).values() if not data.startswith(b"ref:"))
    assert (output / ".git/HEAD").read_text() == "ref: refs/heads/main\n"
    assert (output / ".well-known/security.txt").is_file() and (output / ".htaccess").is_file()


def test_unchanged_files_keep_their_modification_times(built: Path) -> None:
    output = built / "output"
    for path in output.rglob("*"):
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))  # 2001, long before the rebuild
    before = {rel: (output / rel).stat().st_mtime_ns for rel in output_files(output)}
    page = (built / "content/town/report-q1.md")
    page.write_text(page.read_text(encoding="utf-8").replace("一季度，", "第一季度，"), encoding="utf-8")
    assert run_cli("build", "--source", built, "--quiet").code == 0
    after = {rel: (output / rel).stat().st_mtime_ns for rel in output_files(output)}
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert "units/town/report-q1/index.html" in changed
    for unchanged in ("units/town/2021-06-30-gong-zuo-dong-tai/index.html", "stats.json", "stats.csv", "stats.xlsx",
                      "assets/style.css", ".htaccess", "404.html"):
        assert unchanged not in changed, unchanged
    assert all(output_files(output)[rel] != b"" for rel in changed)


# -- 4. the same sources give the same bytes ------------------------------------------------

def test_output_is_byte_identical_whatever_the_number_of_jobs(minimal_site: Path, tmp_path: Path) -> None:
    many_bulletins(minimal_site, 450)  # three chunks of 200: two worker processes really share them
    outputs = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"out-{jobs}"
        assert run_cli("build", "--source", minimal_site, "--output", out, "--jobs", jobs, "--quiet").code == 0
        outputs.append(output_files(out))
    assert len(outputs[0]) > 450
    assert outputs[0] == outputs[1] == outputs[2]


def test_output_is_byte_identical_whatever_the_file_system_order(minimal_site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    many_bulletins(minimal_site, 20)
    write_files(minimal_site, {"static/b.txt": "b", "static/a/c.txt": "c", "templates/extra.html": "x"})
    assert run_cli("build", "--source", minimal_site, "--output", tmp_path / "sorted", "--quiet").code == 0
    scandir, listdir = os.scandir, os.listdir

    class Reversed:
        """os.scandir's iterator, giving the entries in reverse name order."""

        def __init__(self, entries: list[os.DirEntry]) -> None:
            self.entries = iter(sorted(entries, key=lambda e: e.name, reverse=True))

        def __iter__(self) -> Reversed:
            return self

        def __next__(self) -> os.DirEntry:
            return next(self.entries)

        def __enter__(self) -> Reversed:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def close(self) -> None:
            pass

    def reversed_scandir(path: object = ".") -> Reversed:
        with scandir(path) as entries:  # type: ignore[arg-type]
            return Reversed(list(entries))

    monkeypatch.setattr(os, "scandir", reversed_scandir)
    monkeypatch.setattr(os, "listdir", lambda path=".": sorted(listdir(path), reverse=True))
    assert run_cli("build", "--source", minimal_site, "--output", tmp_path / "reversed", "--quiet").code == 0
    monkeypatch.undo()
    assert output_files(tmp_path / "sorted") == output_files(tmp_path / "reversed")


ENVIRONMENTS = [
    {"LC_ALL": "C", "TZ": "UTC", "PYTHONHASHSEED": "0"},
    {"LC_ALL": "C.UTF-8", "TZ": "Asia/Shanghai", "PYTHONHASHSEED": "1", "SOURCE_DATE_EPOCH": "0"},
    {"LC_ALL": "POSIX", "TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "2", "SOURCE_DATE_EPOCH": "1700000000"},
    {"LC_ALL": "tr_TR.UTF-8", "LANG": "zh_CN.UTF-8", "TZ": "America/Adak", "PYTHONHASHSEED": "3"},
]


def test_output_is_byte_identical_whatever_locale_time_zone_hash_seed_and_build_time(example_site: Path,
                                                                                      tmp_path: Path) -> None:
    """No clock, locale or set order reaches the output; SOURCE_DATE_EPOCH changes nothing, as no build time is shown."""
    outputs = []
    for i, overrides in enumerate(ENVIRONMENTS):
        env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG", "TZ", "SOURCE_DATE_EPOCH")}
        out = tmp_path / f"out-{i}"
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--source", str(example_site),
                               "--output", str(out), "--quiet", "--jobs", "1"],
                              env=env | overrides, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(output_files(out))
    assert all(output == outputs[0] for output in outputs[1:])


def test_two_cold_builds_give_the_same_search_bundles_byte_for_byte(example_site: Path, tmp_path: Path) -> None:
    """Pagefind writes its filters in an order of its own process's (SPEC section 3 exempts its files); bulletin
    sorts them. Each build here starts with no cache, so no shard is taken over from the one before."""
    outputs = []
    for i in range(2):
        shutil.rmtree(example_site / ".cache", ignore_errors=True)
        assert run_cli("build", "--source", example_site, "--output", tmp_path / f"out-{i}", "--quiet").code == 0
        outputs.append({p.relative_to(tmp_path / f"out-{i}").as_posix(): p.read_bytes()
                        for p in sorted((tmp_path / f"out-{i}").rglob("*")) if p.is_file()})
    assert sum(path.endswith(".pf_filter") for path in outputs[0]) >= 4  # a year, a unit filter, in two scripts
    assert outputs[0] == outputs[1]


# -- 5. a rebuild's output is looked at by a process of its own, as the build would look itself --


def statuses(folder: Path) -> dict[str, tuple[int, ...]]:
    """What the build itself finds in ``folder`` (its top dot-entries aside): each file's lstat, as the stamp uses it."""
    return {rel: status_fields(os.lstat(folder / rel)) for rel in files_below(folder, top_dot_entries=False)}


def status_fields(status: os.stat_result) -> tuple[int, ...]:
    return status.st_mode, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


@pytest.fixture
def odd_output(tmp_path: Path) -> Path:
    """An output with pages, dot-entries at the top and below, links to a folder and to a file, and a file whose
    name is not UTF-8."""
    output = tmp_path / "output"
    write_files(output, {"index.html": "首页", "units/town/index.html": "单位", "units/.well-known/x.txt": "x",
                         ".git/HEAD": "ref", ".htaccess": "Options -Indexes"})
    (output / "linked").symlink_to(output / "units", target_is_directory=True)  # listed, not entered
    (output / "home.html").symlink_to(output / "index.html")
    (output / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"latin-1")
    return output


def test_the_output_listed_by_a_process_of_its_own_is_what_the_build_finds_itself(odd_output: Path) -> None:
    listed = Survey(odd_output).result()
    assert listed is not None
    assert {rel: status_fields(status) for rel, status in listed.items()} == statuses(odd_output)
    assert {"linked", "home.html", "units/.well-known/x.txt", os.fsdecode(b"caf\xe9.txt")} <= listed.keys()
    assert not any(rel.startswith((".git", ".htaccess", "linked/")) for rel in listed)
    assert listed["index.html"].st_mtime == os.lstat(odd_output / "index.html").st_mtime


@pytest.mark.parametrize("lister", ["import sys; sys.exit(3)",
                                    "import sys; sys.stdout.buffer.write(b'index.html\\0')",  # cut short
                                    None],  # no Python to run it
                         ids=["fails", "cut short", "cannot start"])
def test_a_listing_that_fails_or_is_cut_short_is_not_used_and_the_build_looks_itself(
        odd_output: Path, monkeypatch: pytest.MonkeyPatch, lister: str | None) -> None:
    if lister is None:
        monkeypatch.setattr(sys, "executable", str(odd_output / "no-python"))
    else:
        monkeypatch.setattr(bulletin.output.survey, "LISTER", lister)
    assert Survey(odd_output).result() is None
    patch = Patch(odd_output)
    patch.prepare()
    patch.survey()
    assert patch.surveyed is not None
    assert {rel: status_fields(status) for rel, status in patch.surveyed.items()} == statuses(odd_output)
    patch.abort()


@pytest.mark.parametrize("end", ["commit", "abort"])
def test_no_listing_process_outlives_the_build(odd_output: Path, monkeypatch: pytest.MonkeyPatch, end: str) -> None:
    """Not even one the build never asked for (search off) or that still runs when the build ends."""
    monkeypatch.setattr(bulletin.output.survey, "LISTER", "import time; time.sleep(60)")
    patch = Patch(odd_output)
    patch.prepare()
    assert patch.looking is not None and patch.looking.process is not None
    process = patch.looking.process
    getattr(patch, end)()
    assert process.poll() is not None
