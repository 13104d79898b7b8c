"""bench/run's own parts that need no benchmark: options, corpus settings, memory of a process tree, the
results page (its figures, targets and paths). No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import parse_args
from bench.harness import Bench, Measured, leaks, parse_sizes, placeholders, show_cmd, with_search
from bench.procs import Tree, run
from bench.report import ROWS, table, targets, verdict

REPO = Path(__file__).resolve().parent.parent


def test_sizes_are_counts_of_bulletins():
    assert parse_sizes("1000,10000") == [1000, 10000]
    assert parse_sizes("10k, 1k,1_000") == [1000, 10000]
    for bad in ("", "ten", "0", "1000,-5"):
        with pytest.raises(ValueError):
            parse_sizes(bad)


def test_search_is_switched_in_site_yaml_whether_or_not_it_has_the_line():
    generated = "title: 工作进展通报\nbase_url: https://www.example.gov.cn/bench/\n"
    off = with_search(generated, False)
    assert off.endswith("search: false\n") and off.startswith(generated)
    assert with_search(off, True) == generated + "search: true\n"
    assert with_search(with_search(off, True), True) == with_search(off, True)
    assert with_search("title: x", False) == "title: x\nsearch: false\n"


def test_help_documents_every_option():
    done = subprocess.run(["bash", str(REPO / "bench" / "run"), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    parser_options = {a for a in done.stdout.split() if a.startswith("--") and a.strip("[]") == a}
    for option in ("--sizes", "--repeat", "--jobs", "--quick", "--work", "--corpus-script", "--repo", "--results",
                   "--note", "--profile", "--profile-top", "--hugo", "--no-hugo", "--pagefind", "--no-pagefind", "--no-ci",
                   "--no-serve", "--settle", "--timeout"):
        assert option in parser_options
    assert parse_args(["--sizes", "1000", "--repeat", "1"]).repeat == 1


def test_machine_folders_become_placeholders_and_leaks_are_found():
    places = [("/dev/shm/bulletin-bench", "<work>"), ("/work/main", "."), ("/work", "..")]
    shown = placeholders("/work/main/.venv/bin/python /work/shared/bench/make_corpus.py "
                         "--out=/dev/shm/bulletin-bench/c10k", places)
    assert shown == "./.venv/bin/python ../shared/bench/make_corpus.py --out=<work>/c10k"
    assert placeholders("/work/mainly", places) == "../mainly"  # a folder, not a prefix of a name
    assert leaks(shown) == []
    assert leaks("a /dev/shm/x and (/root/y) but not <work>/z or ./work/q") == ["/dev/shm/x", "/root/y)"]
    assert show_cmd(["hugo", "-d", "<work>/out", "a b"]) == "hugo -d <work>/out 'a b'"


def test_bench_names_no_machine_folder_in_commands(tmp_path: Path):
    script = tmp_path / "shared" / "bench" / "make_corpus.py"
    b = Bench(repo=REPO, work=tmp_path / "w", corpus_script=script, jobs=2, repeat=1, settle=1, timeout=5,
              hugo="/usr/bin/hugo", pagefind=str(REPO / ".venv" / "x" / "pagefind_extended"))
    number = b.log([sys.executable, str(script), "--out", str(tmp_path / "w" / "c1k")], "corpus")
    b.log(["/usr/bin/hugo", "-d", str(tmp_path / "w" / "out")], "Hugo", cwd=tmp_path / "w" / "h")
    assert number == 1
    text = "\n".join(b.commands)
    assert "<work>/c1k" in text and "(cd <work>/h && hugo -d <work>/out)" in text
    assert str(tmp_path) not in text and leaks(text) == []


def test_a_profile_names_the_libraries_by_their_folder_not_the_machines(tmp_path: Path):
    import sysconfig

    b = Bench(repo=tmp_path / "checkout", work=tmp_path / "w", corpus_script=tmp_path / "make_corpus.py", jobs=2,
              repeat=1, settle=1, timeout=5, hugo=None, pagefind=None)
    line = f"10000    3.301    0.000   16.192    0.002 {sysconfig.get_paths()['purelib']}/markdown/blockparser.py:138"
    assert b.place(line).endswith(" <site-packages>/markdown/blockparser.py:138")


def test_memory_of_a_child_process_is_seen():
    """A child that holds 80 MB while its parent stays small: the largest process is the child."""
    child = "x = bytearray(80_000_000); import time; time.sleep(0.4)"
    done = run(["sh", "-c", f"{sys.executable} -c '{child}' & wait"], cwd=REPO, interval=0.02)
    assert done.returncode == 0
    assert done.largest >= 80_000_000
    assert done.total >= 80_000_000


def test_quiet_is_the_first_moment_from_which_the_processes_idle():
    tree = Tree(1)
    cpu = 0.0
    for i in range(40):  # every 0.1 s; busy (a full core) until 2.0 s, then idle
        tree.cpu_samples.append((i * 0.1, cpu))
        cpu += 0.1 if i < 20 else 0.0
    assert tree.quiet_from(0.0, window=1.0, busy=0.2) == pytest.approx(1.9, abs=0.11)
    assert tree.quiet_from(3.5, window=1.0, busy=0.2) is None  # not a whole second of samples left


def figures() -> dict[int, Measured]:
    m = Measured()
    for key, value in {"hugo_cold": 6.0, "hugo_pagefind": 40.0, "cold_off": 8.9, "cold_on": 30.0,
                       "warm_off": 0.5, "bulletin_on": 2.5, "rss_on": 1.2e9, "serve_page_reload": 0.25}.items():
        m.put(key, value, 3)
    return {10000: m}


def row(key: str):
    return next(r for r in ROWS if r.key == key)


def test_targets_are_checked_against_the_reference_of_the_same_run():
    f, sizes = figures(), [10000]
    assert verdict(row("cold_off"), f, sizes) == "yes"  # 8.9 / 6.0 = 1.48 <= 1.5
    assert verdict(row("cold_on"), f, sizes) == "**no**"  # 30 / 40 = 0.75 > 0.6
    assert verdict(row("warm_off"), f, sizes) == "yes"  # 0.083 is shown, and checked, as 0.08
    assert verdict(row("bulletin_on"), f, sizes) == "yes"
    assert verdict(row("rss_on"), f, sizes) == "**no**"  # 1,200 MB > 1,000 MB
    assert verdict(row("ci_off"), f, sizes) == "—"  # not measured
    text = targets(f, sizes)
    assert "cold build, search on (the default) ≤ 0.6x H+P: 30.0 s = 0.75x H+P at 10,000 bulletins: **not met**" in text
    assert "CI build, restored CI cache, search off ≤ 1x Hugo: — at 10,000 bulletins: not measured" in text


def test_table_shows_ratios_and_commands_and_leaves_out_unmeasured_rows():
    text = table(figures(), [10000])
    line = next(x for x in text.splitlines() if x.startswith("| cold build, search on"))
    assert "| 30.0 s | 0.75x H+P | ≤ 0.6x H+P (#18) | **no** | 3 |" in line
    assert "CI build" not in text


def test_results_page_puts_the_notes_on_top_and_names_no_machine_folder(tmp_path: Path, monkeypatch):
    import bench.report as report
    monkeypatch.setattr(report, "machine", lambda b: [("cores", "2")])
    b = Bench(repo=REPO, work=tmp_path / "w", corpus_script=tmp_path / "make_corpus.py", jobs=2, repeat=1, settle=1,
              timeout=5, hugo=None, pagefind=None)
    b.commands["bench/run --sizes 1000"] = "this benchmark"
    b.log([sys.executable, "build.py", "build", "--output", str(tmp_path / "w" / "out")], "cold build")
    page = report.results_markdown(b, figures(), [10000], [f"log: {tmp_path}/w/serve.log"],
                                   ["Development run at 1,000 bulletins"])
    assert page.startswith("# Benchmark results\n\n> **Note**: Development run at 1,000 bulletins\n")
    assert "## Targets of issue 18" in page and "log: <work>/serve.log" in page
    assert leaks(page) == [] and str(tmp_path) not in page
