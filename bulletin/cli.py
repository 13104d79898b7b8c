"""Command line: ``bulletin build|check|serve|import|new``; exit 0 ok, 1 source errors, 2 usage.

Everything it prints is for the site's editors, in their language (``messages``): Chinese unless
``--lang en`` or ``BULLETIN_LANG=en``; argparse's own words (usage, options, its errors) too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import re
import sys
import time
from pathlib import Path
from typing import NoReturn, Sequence, TextIO

from . import __version__
from .incremental.stamp import last_build
from .messages import Language, Message, Reporter, _, choose_language, os_reason
from .output.location import refuse_output_location
from .output.writer import interrupted
from .pipeline.options import BuildOptions, default_jobs
from .pipeline.result import BuildResult

COMMANDS = ("build", "check", "serve", "import", "import-figures", "new")


def make_parser(language: Language) -> argparse.ArgumentParser:
    """The argument parser with every subcommand, its help in ``language``."""
    t = language.text
    common = common_options(language)
    parser = _Parser(language, prog="bulletin", description=t(_("Static site generator for progress bulletins.")))
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}",
                        help=t(_("show the version and exit")))
    parser.add_argument("--lang", choices=["zh", "en"], help=t(_("language of the messages: zh (default) or en")))
    commands = parser.add_subparsers(dest="command", metavar=t(_("COMMAND")), title=t(_("commands")),
                                     parser_class=functools.partial(_Parser, language))
    strict = _Parser(language, add_help=False)
    strict.add_argument("--strict", action="store_true",
                        help=t(_("treat warnings as errors: exit 1 and publish nothing when there is any (for CI)")))
    commands.add_parser("build", parents=[common, strict], help=t(_("build the site (the default command)")))
    commands.add_parser("check", parents=[common, strict], help=t(_("validate every source file; write nothing")))
    serve = commands.add_parser("serve", parents=[common], help=t(_("build and preview with live reload")))
    serve.add_argument("--host", default="127.0.0.1", help=t(_("address to listen on (default: 127.0.0.1)")))
    serve.add_argument("--port", type=int, default=8000, help=t(_(
        "port to listen on (default: 8000; when it is taken, the next free one)")))
    serve.add_argument("--open", action="store_true", help=t(_("open the home page in the browser")))
    add_import_command(commands, language)
    figures = commands.add_parser("import-figures", parents=[common],
                                  help=t(_("add a report per unit from an office's statistics sheet (.xlsx or .csv)")))
    figures.add_argument("sheet", metavar=t(_("FILE")))
    figures.add_argument("--date", required=True, type=functools.partial(_iso_date, language),
                         help=t(_("the date of the reports, YYYY-MM-DD")))
    figures.add_argument("--dry-run", action="store_true", help=t(_("print the reports it would add; write nothing")))
    figures.add_argument("--replace", action="store_true", help=t(_("replace a unit's report of that date")))
    figures.add_argument("--draft", action="store_true",
                         help=t(_("write the reports with draft: true (they count only with --drafts)")))
    new = commands.add_parser("new", parents=[common], help=t(_("scaffold a source file")))
    new.add_argument("kind", choices=["unit"], help=t(_("what to scaffold: unit")))
    new.add_argument("slug", help=t(_("the unit's slug: lowercase letters, digits and -")))
    new.add_argument("--name", required=True, help=t(_("the unit's full name")))
    return parser


def common_options(language: Language, source: bool = True) -> argparse.ArgumentParser:
    """The options every command takes (``import`` has a --source of its own)."""
    t = language.text
    common = _Parser(language, add_help=False)
    if source:
        common.add_argument("--source", type=Path, default=Path("."), help=t(_("site root (default: .)")))
    common.add_argument("--output", type=Path, help=t(_("output folder (default: <source>/output)")))
    common.add_argument("--base-url", help=t(_("override base_url of data/site.yaml")))
    common.add_argument("--drafts", action="store_true", help=t(_("include bulletins and reports marked draft: true")))
    common.add_argument("--jobs", type=functools.partial(_positive_int, language),
                        help=t(_("parallel workers (default: the number of cores)")))
    common.add_argument("--quiet", action="store_true", help=t(_("print only warnings, errors and the summary")))
    common.add_argument("--verbose", action="store_true",
                        help=t(_("also say how the build runs (e.g. which Markdown step)")))
    common.add_argument("--lang", choices=["zh", "en"], help=t(_("language of the messages: zh (default) or en")))
    return common


def add_import_command(commands: argparse._SubParsersAction, language: Language) -> None:  # type: ignore[type-arg]
    """``import FILE…`` and its options."""
    t = language.text
    importer = commands.add_parser("import", parents=[common_options(language, source=False)],
                                   help=t(_("turn raw bulletin text (.txt, .md, .html, .docx; .doc, .wps and .pdf "
                                            "with LibreOffice) into a draft bulletin")))
    importer.add_argument("files", nargs="+", metavar=t(_("FILE")))
    importer.add_argument("--unit", help=t(_("the unit the bulletin belongs to (required without --json)")))
    importer.add_argument("--source", dest="source_or_origin", metavar=t(_("DIR|NAME")), help=t(_(
        "the site root, when it names a folder (default: .); else the bulletin's source (来源), as in "
        "--source 云溪区委宣传部")))
    importer.add_argument("--title", help=t(_("the bulletin's title (instead of the one found)")))
    importer.add_argument("--date", type=functools.partial(_iso_date, language),
                          help=t(_("the bulletin's date, YYYY-MM-DD (instead of the one found)")))
    importer.add_argument("--json", action="store_true", help=t(_("print the result as JSON; write nothing")))
    importer.add_argument("--to-simplified", action="store_true",
                          help=t(_("convert traditional Chinese to simplified")))
    importer.add_argument("--force", action="store_true", help=t(_("overwrite an existing bulletin or report")))


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its own words in the editors' language."""

    usage_prefix = "usage: "

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose own words (usage, the group titles, -h, its errors) are in ``language``."""

    def __init__(self, language: Language, **kwargs: object) -> None:
        prefix = language.text(_("usage: "))
        formatter = type("Formatter", (_Formatter,), {"usage_prefix": prefix})
        add_help = bool(kwargs.pop("add_help", True))
        super().__init__(formatter_class=formatter, add_help=False, **kwargs)  # type: ignore[arg-type]
        self.language = language
        self._positionals.title = language.text(_("positional arguments"))
        self._optionals.title = language.text(_("options"))
        if add_help:
            self.add_argument("-h", "--help", action="help", help=language.text(_("show this help and exit")))

    def error(self, message: str) -> NoReturn:
        """Usage, then ``bulletin: error: ...`` in the editors' language; exit 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {self.language.text(argparse_message(message))}\n")


# argparse's error messages (Python 3.11 to 3.13), as our messages: what follows them is kept as argparse wrote it.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.*)"),
     lambda m: _("these must be given: {names}", names=m["names"])),
    (re.compile(r"unrecognized arguments: (?P<names>.*)"),
     lambda m: _("unknown arguments: {names}", names=m["names"])),
    (re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)"),
     lambda m: _("{name}: {value} is not one of {choices}", name=m["name"], value=m["value"], choices=m["choices"])),
    (re.compile(r"argument (?P<name>\S+): expected one argument"),
     lambda m: _("{name} needs a value", name=m["name"])),
    (re.compile(r"argument (?P<name>\S+): invalid int value: (?P<value>.*)"),
     lambda m: _("{name}: {value} is not a whole number", name=m["name"], value=m["value"])),
    (re.compile(r"argument (?P<name>\S+): (?P<problem>.*)"),
     lambda m: _("{name}: {problem}", name=m["name"], problem=m["problem"])),
)


def argparse_message(message: str) -> Message | str:
    """One of argparse's error messages as ours (unknown ones as argparse wrote them)."""
    for pattern, make in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return make(match)
    return message


def _positive_int(language: Language, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(language.text(_("expected a whole number, not {text}", text=repr(text))))
    if value < 1:
        raise argparse.ArgumentTypeError(language.text(_("must be at least 1")))
    return value


def _iso_date(language: Language, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(language.text(_("expected a date written YYYY-MM-DD, not {text}",
                                                          text=repr(text)))) from None


def import_source(value: str | None) -> tuple[Path, str | None]:
    """(site root, the bulletin's source) from import's --source: a folder (or a path) is the site root; any other
    text is the 来源 to write, and the site root is the current folder."""
    if value is None:
        return Path("."), None
    if Path(value).is_dir() or any(mark in value for mark in "/\\") or value in (".", ".."):
        return Path(value), None
    return Path("."), value.strip() or None


def language_asked(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in ``argv``, looked at before parsing (so that --help is in that language)."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; returns the exit code (130 when interrupted with Ctrl-C). Run as the program (no
    ``argv``), it ends the process at once with that code (``exit_at_once``)."""
    code = run_main(argv, stdout, stderr)
    if argv is None:
        exit_at_once(code)
    return code


def exit_at_once(code: int) -> NoReturn:
    """End the process with ``code`` without freeing its memory object by object: a build leaves millions of
    objects, and the interpreter's own exit took 0.05 to 0.09 s of a rebuild freeing them. Whatever the command
    opened (files, processes, threads) it has closed or ended by now; only the standard streams are flushed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that has gone (| head), or a stream closed
            pass
    os._exit(code)


def run_main(argv: Sequence[str] | None, stdout: TextIO | None, stderr: TextIO | None) -> int:
    """``main``'s command run, Ctrl-C and a reader gone reported; its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr) if stdout is None else ():
        # A Windows console or file in a legacy code page (GBK) cannot write every character: never fail on one.
        getattr(stream, "reconfigure", lambda **kwargs: None)(errors="backslashreplace")
    report = Reporter(stdout or sys.stdout, stderr or sys.stderr, Language.load(choose_language(language_asked(argv))))
    try:
        return run_command(argv, report)
    except KeyboardInterrupt:
        report.tell(_("bulletin: interrupted; the previous output was left as it was"))
        return 130
    except BrokenPipeError:  # what reads the output has stopped (| head): stop too, without a traceback
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the interpreter's last flush
        return 0


def run_command(argv: list[str], report: Reporter) -> int:
    """Parse the arguments and run the command they name."""
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version", "--lang")) or (
            argv[0] == "--lang" and len(argv) > 2 and argv[2] not in COMMANDS and argv[2] not in ("-h", "--help")):
        argv.insert(0, "build")
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = report.out, report.err  # type: ignore[assignment]  # where argparse prints
    try:
        args = make_parser(report.language).parse_args(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    if args.command is None:
        args = make_parser(report.language).parse_args(["build", *argv])
    if args.command == "import":
        from .importer.command import ImportFields, run_import

        root, origin = import_source(args.source_or_origin)
        fields = ImportFields(args.title.strip() if args.title else None, args.date, origin)
        return run_import(args.files, source=root, unit=args.unit, to_simplified=args.to_simplified,
                          as_json=args.json, force=args.force, report=report, fields=fields)
    source = args.source
    if not (source / "data").is_dir() and not (source / "content").is_dir() and args.command not in ("new", "import"):
        report.fail(_("{source} is not a site root (it has no data/ or content/ folder)", source=str(source)))
        return 2
    output = args.output if args.output is not None else source / "output"
    if args.base_url is not None and not re.match(r"https?://[^/\s]+(/\S*)?$", args.base_url):
        report.fail(_("--base-url must be an absolute http(s) URL, not {url}", url=repr(args.base_url)))
        return 2
    options = BuildOptions(source, output, args.base_url, args.drafts, args.jobs or default_jobs(),
                           strict=getattr(args, "strict", False))
    if args.verbose and args.command in ("build", "check", "serve"):
        say_how_markdown_runs(report)
    if args.command == "check":
        return run_check(options, args.quiet, report)
    if args.command == "import-figures":
        from .importer.sheet_command import SheetImport, run_import_figures

        job = SheetImport(Path(args.sheet), args.date, args.dry_run, args.replace, args.draft)
        return run_import_figures(job, source, report)
    if args.command == "new":
        from .scaffold import new_unit

        return new_unit(source, args.slug, args.name, report=report)
    refusal = refuse_output_location(source, output)
    if refusal:
        report.fail(refusal)
        return 2
    if args.command == "serve":
        from .serve.server import serve

        return serve(options, host=args.host, port=args.port, open_browser=args.open, report=report)
    return run_build(options, args.quiet, report)


def say_how_markdown_runs(report: Reporter) -> None:
    """With --verbose: whether bodies go through the quick inline step or stock Python-Markdown, and why."""
    import markdown

    from .render.markup import quick_inline_refusal
    refusal = quick_inline_refusal()
    if refusal is None:
        report.say(_("Markdown: Python-Markdown {version} with the quick inline step", version=markdown.__version__))
    else:
        report.say(_("Markdown: stock Python-Markdown (the same HTML, slower): {why}", why=refusal))


def run_check(options: BuildOptions, quiet: bool, report: Reporter) -> int:
    """Validate everything ``build`` would; write nothing."""
    from .pipeline.build import check

    loaded = check(options)
    report.problems(loaded.problems.sorted())
    if loaded.problems.has_errors:
        report.tell(_("{count} error(s); nothing was published", count=len(loaded.problems.errors)))
        return 1
    if not quiet:
        site = loaded.site
        report.say(_("ok: {units} units, {bulletins} bulletins, no errors", units=len(site.units),  # type: ignore[union-attr]
                     bulletins=len(site.bulletins)))  # type: ignore[union-attr]
    return 0


def show_progress(report: Reporter, done: int, total: int) -> None:
    """Pages done so far, on one line that the next count overwrites."""
    report.say("\r" + report.language.text(_("rendering: {done}/{total} pages", done=done, total=total)) + "   ",
               end="", flush=True)


def run_build(options: BuildOptions, quiet: bool, report: Reporter) -> int:
    """Build the site and print a one-line summary. When nothing changed since the last build, that is known
    before the pipeline is even imported (most of a start-up's time)."""
    started = time.perf_counter()
    state, last = last_build(options.source, options.output, options.key(), interrupted(options.output))
    if last is not None:
        return report_build(BuildResult.unchanged(last, options.strict).finished(started), options, report)
    from .pipeline.build import build
    from .pipeline.workers import WorkerDied

    tty = getattr(report.out, "isatty", lambda: False)()
    progress = functools.partial(show_progress, report) if not quiet and tty else None
    try:
        result = build(options, progress=progress, known=state)
    except WorkerDied:
        report.say("")
        report.fail(_("a render worker died (out of memory?); try fewer --jobs; the previous output was left as it was"))
        return 1
    except OSError as exc:  # a full disk, a folder we may not write: not a problem in the sources
        report.say("")
        report.fail(_("cannot write the output: {why}; the previous output was left as it was",
                      why=os_reason(exc)))
        return 1
    if progress:
        report.say("\r" + " " * 40 + "\r", end="")
    return report_build(result, options, report)


def report_build(result: BuildResult, options: BuildOptions, report: Reporter) -> int:
    """A build's problems and its summary line; the exit status."""
    report.problems(result.problems.sorted())
    if not result.ok:
        report.tell(_("{count} error(s); the previous output was left as it was", count=len(result.problems.errors)))
        return 1
    report.say(_("built {files} files ({rendered} pages rendered, {changed} files changed) in {seconds} s -> {output}",
                 files=result.pages, rendered=result.rendered, changed=result.changed,
                 seconds=format(result.seconds, ".2f"), output=str(options.output)))
    return 0
