"""Benchmark bulletin (and Hugo where installed) at several corpus sizes; writes bench/RESULTS.md.

``bench/run [--sizes 1000,10000] [--repeat 3] [--quick] …`` or ``python -m bench …`` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from pathlib import Path

from bench.harness import REPO, Bench, BenchError, bench_size, profile
from bench.report import results_markdown, table


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=(__doc__ or '').splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="bulletin counts, comma-separated (default: 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported (default: 3)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="--jobs of bulletin (default: cores)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 200 bulletins, one run each (< ~30 s)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/bulletin-bench"), help="corpora and outputs")
    parser.add_argument("--corpus-script", type=Path, default=REPO.parent / "shared" / "bench" / "make_corpus.py")
    parser.add_argument("--repo", type=Path, default=REPO, help="the bulletin checkout to measure (default: this one)")
    parser.add_argument("--results", type=Path, help="where to write the results (default: bench/RESULTS.md; "
                        "with --quick: WORK/RESULTS-quick.md)")
    parser.add_argument("--note", action="append", default=[], help="a note to add to the results (repeatable)")
    parser.add_argument("--profile", action="store_true",
                        help="instead: profile one cold build at the largest size with cProfile (top 15, cumulative)")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even when installed")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve latency figures")
    parser.add_argument("--settle", type=float, default=3.5, help="seconds without a reload before an edit under serve")
    parser.add_argument("--timeout", type=float, help="seconds to wait for a server or a page (300; --quick: 20)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    sizes = [200] if args.quick else sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    if not args.corpus_script.is_file():
        print(f"bench: error: no corpus generator at {args.corpus_script}; pass --corpus-script PATH", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    b = Bench(repo=args.repo.resolve(), work=args.work.resolve(), corpus_script=args.corpus_script.resolve(),
              jobs=args.jobs, repeat=1 if args.quick else args.repeat, settle=args.settle,
              timeout=args.timeout or (20.0 if args.quick else 300.0),
              hugo=None if args.no_hugo else shutil.which("hugo"), commands={})
    b.commands["bench/run " + shlex.join(argv)] = "this benchmark"
    figures: dict[int, dict[str, float | None]] = {}
    if args.profile:
        profile(b, sizes[-1])
        return 0
    notes: list[str] = list(args.note)
    if not b.hugo:
        notes.append("Hugo not installed (`apt-get install -y hugo`) or --no-hugo: no Hugo ratios")
    failed = False
    for n in sizes:
        print(f"{n:,} bulletins:", file=sys.stderr)
        figures[n] = {}
        try:
            bench_size(b, n, figures[n], notes, serve=not args.no_serve)
        except BenchError as exc:
            print(f"bench: error: {exc}", file=sys.stderr)
            lines = str(exc).splitlines()
            notes.append(f"{n:,}: FAILED: {lines[0]} … {lines[-1]}" if len(lines) > 1 else f"{n:,}: FAILED: {exc}")
            failed = True
        if n != sizes[0] and figures[n].get("cold") and figures[sizes[0]].get("cold"):
            figures[n]["scaling"] = figures[n]["cold"] / figures[sizes[0]]["cold"]
    results = args.results or (b.work / "RESULTS-quick.md" if args.quick else REPO / "bench" / "RESULTS.md")
    results.write_text(results_markdown(b, figures, sizes, notes), "utf-8")
    print(table(figures, sizes))
    print("\n".join(f"- {note}" for note in notes))
    print(f"\nwritten to {results}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
