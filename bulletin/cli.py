"""Command line: ``bulletin build|check|serve|import|new``; exit 0 ok, 1 source errors, 2 usage."""

from __future__ import annotations

import argparse
import functools
import re
import sys
from pathlib import Path
from typing import Sequence, TextIO

import markdown

from . import __version__
from .errors import Problems
from .output.location import refuse_output_location
from .pipeline.build import BuildOptions, build, default_jobs, load
from .pipeline.workers import WorkerDied
from .render.markup import quick_inline_refusal

COMMANDS = ("build", "check", "serve", "import", "new")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--source", type=Path, default=Path("."), help="site root (default: .)")
    common.add_argument("--output", type=Path, help="output folder (default: <source>/output)")
    common.add_argument("--base-url", help="override base_url of data/site.yaml")
    common.add_argument("--drafts", action="store_true", help="include bulletins marked draft: true")
    common.add_argument("--jobs", type=_positive_int, default=None, help="parallel workers (default: cores)")
    common.add_argument("--quiet", action="store_true", help="print only warnings, errors and the summary")
    common.add_argument("--verbose", action="store_true", help="also say how the build runs (e.g. which Markdown step)")

    parser = argparse.ArgumentParser(prog="bulletin", description="Static site generator for progress bulletins.")
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("build", parents=[common], help="build the site (the default command)")
    commands.add_parser("check", parents=[common], help="validate every source file; write nothing")
    serve = commands.add_parser("serve", parents=[common], help="build and preview with live reload")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--open", action="store_true", help="open the home page in the browser")
    importer = commands.add_parser("import", parents=[common], help="turn raw bulletin text into Markdown")
    importer.add_argument("files", nargs="+", metavar="FILE")
    importer.add_argument("--unit", help="the unit the bulletin belongs to (required without --json)")
    importer.add_argument("--json", action="store_true", help="print the result as JSON; write nothing")
    importer.add_argument("--to-simplified", action="store_true", help="convert traditional Chinese to simplified")
    importer.add_argument("--force", action="store_true", help="overwrite an existing bulletin or report")
    new = commands.add_parser("new", parents=[common], help="scaffold a source file")
    new.add_argument("kind", choices=["unit"])
    new.add_argument("slug")
    new.add_argument("--name", required=True, help="the unit's full name")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; returns the exit code (130 when interrupted with Ctrl-C)."""
    try:
        return run_command(argv, stdout, stderr)
    except KeyboardInterrupt:
        print("bulletin: interrupted; the previous output was left as it was", file=stderr or sys.stderr)
        return 130


def run_command(argv: Sequence[str] | None, stdout: TextIO | None, stderr: TextIO | None) -> int:
    """Parse the arguments and run the command they name."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    source = args.source
    if not (source / "data").is_dir() and not (source / "content").is_dir() and args.command not in ("new", "import"):
        print(f"bulletin: error: {source} is not a site root (it has no data/ or content/ folder)", file=err)
        return 2
    output = args.output if args.output is not None else source / "output"
    if args.base_url is not None and not re.match(r"https?://[^/\s]+(/\S*)?$", args.base_url):
        print(f"bulletin: error: --base-url must be an absolute http(s) URL, not {args.base_url!r}", file=err)
        return 2
    options = BuildOptions(source, output, args.base_url, args.drafts, args.jobs or default_jobs())
    if args.verbose and args.command in ("build", "check", "serve"):
        say_how_markdown_runs(out)
    if args.command == "check":
        return run_check(options, args.quiet, out, err)
    if args.command == "import":
        from .importer.command import run_import

        return run_import(args.files, source=source, unit=args.unit, to_simplified=args.to_simplified,
                          as_json=args.json, force=args.force, out=out, err=err)
    if args.command == "new":
        from .scaffold import new_unit

        return new_unit(source, args.slug, args.name, out=out, err=err)
    refusal = refuse_output_location(source, output)
    if refusal:
        print(f"bulletin: error: {refusal}", file=err)
        return 2
    if args.command == "serve":
        from .serve.server import serve

        return serve(options, host=args.host, port=args.port, open_browser=args.open, out=out, err=err)
    return run_build(options, args.quiet, out, err)


def say_how_markdown_runs(out: TextIO) -> None:
    """With --verbose: whether bodies go through the quick inline step or stock Python-Markdown, and why."""
    refusal = quick_inline_refusal()
    if refusal is None:
        print(f"Markdown: Python-Markdown {markdown.__version__} with the quick inline step", file=out)
    else:
        print(f"Markdown: stock Python-Markdown (the same HTML, slower): {refusal}", file=out)


def print_problems(problems: Problems, err: TextIO) -> None:
    """Every problem, one line each, sorted by path and line."""
    for problem in problems.sorted():
        print(problem, file=err)


def run_check(options: BuildOptions, quiet: bool, out: TextIO, err: TextIO) -> int:
    """Validate everything ``build`` would; write nothing."""
    loaded = load(options)
    print_problems(loaded.problems, err)
    if loaded.problems.has_errors:
        print(f"{len(loaded.problems.errors)} error(s); nothing was published", file=err)
        return 1
    if not quiet:
        site = loaded.site
        print(f"ok: {len(site.units)} units, {len(site.bulletins)} bulletins, no errors", file=out)
    return 0


def show_progress(out: TextIO, done: int, total: int) -> None:
    """Pages done so far, on one line that the next count overwrites."""
    print(f"\rrendering: {done}/{total} pages   ", end="", file=out, flush=True)


def run_build(options: BuildOptions, quiet: bool, out: TextIO, err: TextIO) -> int:
    """Build the site and print a one-line summary."""
    progress = functools.partial(show_progress, out) if not quiet and out.isatty() else None
    try:
        result = build(options, progress=progress)
    except WorkerDied:
        print("\nbulletin: error: a render worker died (out of memory?); try fewer --jobs; "
              "the previous output was left as it was", file=err)
        return 1
    except OSError as exc:  # a full disk, a folder we may not write: not a problem in the sources
        print(f"\nbulletin: error: cannot write the output: {exc.strerror or exc}; "
              "the previous output was left as it was", file=err)
        return 1
    if progress:
        print("\r" + " " * 40 + "\r", end="", file=out)
    print_problems(result.problems, err)
    if not result.ok:
        print(f"{len(result.problems.errors)} error(s); the previous output was left as it was", file=err)
        return 1
    print(f"built {result.pages} files ({result.rendered} pages rendered, {result.changed} files changed) "
          f"in {result.seconds:.2f} s -> {options.output}", file=out)
    return 0
