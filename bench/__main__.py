"""Benchmark bulletin as users get it (search on, the default, beside search off), next to Hugo and Hugo +
Pagefind measured in the same run, at several corpus sizes; writes bench/RESULTS.md.

``bench/run [--sizes 1000,10000] [--repeat 3] [--quick] …`` or ``python -m bench …`` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import (REPO, Bench, BenchError, Measured, bench_size, find_pagefind, leaks, parse_sizes, profile,
                           show_cmd)
from bench.report import results_markdown, table

EPILOG = """\
One run measures, per size: cold builds with search on and off, Hugo, and Hugo followed by Pagefind on
Hugo's output (in alternating rounds), CI builds with a restored CI cache (bodies, front matter), rebuilds (nothing changed, one
bulletin, one unit YAML, a template; search on and off), peak memory of every process of each build, and
the preview's save -> page written -> reload message -> page served (search on). Corpora are generated once
per size under --work and reused. Without Hugo (apt-get install -y hugo) or Pagefind the reference figures
are skipped and the results say so. --sizes 1000,10000 --repeat 3 takes about 20 to 30 minutes on 2
idle cores (most of it Pagefind at 10,000 while search is not incremental), and 2 GB under --work.
"""


def default_corpus_script() -> Path:
    """../shared/bench/make_corpus.py beside the repository, or beside the main checkout of a worktree."""
    candidates = [REPO.parent / "shared" / "bench" / "make_corpus.py"]
    try:
        common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        if common:
            candidates.append(Path(common).parent.parent / "shared" / "bench" / "make_corpus.py")
    except (OSError, subprocess.TimeoutExpired):
        pass
    return next((c for c in candidates if c.is_file()), candidates[0])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=(__doc__ or "").split("\n\n")[0],
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000",
                        help="bulletin counts, comma-separated, 1k = 1000 (default: 1000,10000); targets and "
                        "the scaling ratio are checked at the largest")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per figure (rounds of the cold builds); the median is reported (default: 3)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="--jobs of bulletin (default: the cores this process may use)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 200 bulletins, one run each; results go to WORK/RESULTS-quick.md")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/bulletin-bench"),
                        help="folder for corpora, outputs and logs; use a tmpfs (default: /dev/shm/bulletin-bench)")
    parser.add_argument("--corpus-script", type=Path, default=None,
                        help="the corpus generator (default: ../shared/bench/make_corpus.py beside the repository "
                        "or beside its main checkout)")
    parser.add_argument("--repo", type=Path, default=REPO, help="the bulletin checkout to measure (default: this one)")
    parser.add_argument("--results", type=Path, help="where to write the results (default: bench/RESULTS.md; "
                        "with --quick: WORK/RESULTS-quick.md)")
    parser.add_argument("--note", action="append", default=[],
                        help="a note put at the top of the results, e.g. what the run is for (repeatable)")
    parser.add_argument("--profile", action="store_true",
                        help="instead: only profile one cold build (search off, --jobs 1) at the largest size "
                        "with cProfile and print its top entries")
    parser.add_argument("--profile-top", type=int, default=0, metavar="N",
                        help="also profile one cold build (search off, --jobs 1) at the largest size and put its "
                        "top N entries in the results (default: 0, no profile)")
    parser.add_argument("--hugo", help="the hugo binary (default: hugo on PATH)")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo (and Hugo + Pagefind) even when installed")
    parser.add_argument("--pagefind", help="the pagefind_extended binary run on Hugo's output (default: the one of "
                        "the pagefind package of bulletin's Python)")
    parser.add_argument("--no-pagefind", action="store_true", help="skip the Hugo + Pagefind reference")
    parser.add_argument("--no-ci", action="store_true", help="skip the CI builds with a restored CI cache (bodies, front matter)")
    parser.add_argument("--no-serve", action="store_true", help="skip the preview (serve) figures")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds without a reload message before an edit under serve (default: 1.0); the "
                        "harness also waits until the server's processes are quiet")
    parser.add_argument("--timeout", type=float,
                        help="seconds to wait for a server, a page or a quiet preview (default: 300; --quick: 30)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        sizes = [200] if args.quick else parse_sizes(args.sizes)
    except ValueError as exc:
        print(f"bench: error: --sizes: {exc}", file=sys.stderr)
        return 2
    corpus_script = args.corpus_script or default_corpus_script()
    if not corpus_script.is_file():
        print(f"bench: error: no corpus generator at {corpus_script}; pass --corpus-script PATH", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    hugo = None if args.no_hugo else (args.hugo or shutil.which("hugo"))
    pagefind = None if args.no_pagefind or not hugo else (args.pagefind or find_pagefind())
    b = Bench(repo=args.repo.resolve(), work=args.work.resolve(), corpus_script=corpus_script.resolve(),
              jobs=args.jobs, repeat=1 if args.quick else args.repeat, settle=args.settle,
              timeout=args.timeout or (30.0 if args.quick else 300.0), hugo=hugo, pagefind=pagefind,
              ci=not args.no_ci)
    b.commands[show_cmd(["bench/run", *(b.place(a) for a in argv)])] = "this benchmark"
    if args.profile:
        print(profile(b, sizes[-1], args.profile_top or 15))
        return 0
    notes: list[str] = []
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:  # for every command the bench runs from here
        notes.append("PYTHONDONTWRITEBYTECODE was set here; the bench removed it, so bulletin's commands keep "
                     "Python's compiled bytecode between runs, as on an editor's machine")
    if not hugo:
        notes.append("Hugo not installed (`apt-get install -y hugo`) or --no-hugo: no Hugo or Hugo + Pagefind "
                     "figures, no ratios, targets given as ratios not checked")
    elif not pagefind:
        notes.append("Pagefind not found or --no-pagefind: no Hugo + Pagefind reference, search-on ratios not checked")
    figures: dict[int, Measured] = {}
    failed = False
    started = time.monotonic()
    for n in sizes:
        print(f"{n:,} bulletins (at {time.monotonic() - started:.0f} s):", file=sys.stderr)
        figures[n], began = Measured(), time.monotonic()
        try:
            bench_size(b, n, figures[n], notes, serve=not args.no_serve)
        except BenchError as exc:
            print(f"bench: error: {exc}", file=sys.stderr)
            lines = b.place(str(exc)).splitlines()
            notes.append(f"{n:,}: FAILED: {lines[0]} … {lines[-1]}" if len(lines) > 1 else f"{n:,}: FAILED: {lines[0]}")
            failed = True
        notes.append(f"{n:,}: this size took {time.monotonic() - began:.0f} s of the run")
        first, this = figures[sizes[0]].get("cold_off"), figures[n].get("cold_off")
        if n != sizes[0] and first and this:
            figures[n].put("scaling", this / first, *figures[n].cmds.get("cold_off", []))
    profiled = ""
    if args.profile_top > 0 and not failed:
        try:
            profiled = profile(b, sizes[-1], args.profile_top)
        except (OSError, subprocess.CalledProcessError) as exc:
            notes.append(f"profile failed: {exc}")
    results = args.results or (b.work / "RESULTS-quick.md" if args.quick else REPO / "bench" / "RESULTS.md")
    text = results_markdown(b, figures, sizes, notes, args.note, profiled)
    if found := leaks(text):
        print(f"bench: warning: the results name a machine's own folders: {', '.join(found)}", file=sys.stderr)
    results.write_text(text, "utf-8")
    print(table(figures, sizes))
    print("\n".join(f"- {b.place(note)}" for note in notes))
    print(f"\nwritten to {results} after {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
