"""The Jinja environment: the theme's templates overridden by the site's, filters, and template problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..errors import Problems
from ..load.read import TextFile
from ..messages import Message, _
from ..quantities import format_number, format_quantity
from .ratios import completion_figure, completion_share, completion_text, coverage_text, percent
from .fragments import SharedFragments
from .lists import tag_slug

THEME = Path(__file__).resolve().parent.parent / "theme"
# What every page's template may use besides its own context (see Renderer.render): a {% shared %} block
# may use these without naming them in its key.
SHARED_NAMES = frozenset({"config", "nav_pages", "version", "url", "absolute_url", "phrases"})


class TemplateProblem(Exception):
    """A site template failed while rendering; carries its location and a message for the site's editors."""

    def __init__(self, path: str, line: int, message: Message) -> None:
        super().__init__(path, line, message)
        self.path, self.line, self.message = path, line, message


def make_environment(templates: list[TextFile], problems: Problems,
                     compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The theme's templates, overridden file by file by the site's; every template compiled (or its code taken from
    ``compiled``, when compiled before from the same text), so that a mistake in one (or in what a site template
    makes of a theme template that includes it) is found before rendering."""
    site_templates = {f.path.removeprefix("templates/"): f.text for f in templates}
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            SiteTemplates(site_templates),
            jinja2.FileSystemLoader(THEME / "templates"),
        ]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=[SharedFragments],
        bytecode_cache=compiled,
    )
    env.shared_names = SHARED_NAMES  # type: ignore[attr-defined]
    env.filters.update(date_zh=date_zh, quantity=format_quantity, number=format_number, percent_of=percent_of,
                       tag_slug=tag_slug, wbr=wbr, headline=headline, pub_date=pub_date, completion=completion_text,
                       completion_figure=completion_figure, completion_share=completion_share, coverage=coverage_text)
    for name in env.list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            where = exc.name or name
            path = f"templates/{where}" if where in site_templates else f"(theme) {where}"
            problems.error(path, exc.lineno or 1, 1, _("template syntax: {problem}", problem=jinja_problem(exc)))
    return env


class SiteTemplates(jinja2.DictLoader):
    """The site's templates, each named by its path in the site (``templates/NAME``): that is the file name its
    compiled code carries, so that an error while rendering is located in it (see ``Renderer._locate``)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, _nameless, uptodate = super().get_source(environment, template)
        return source, f"templates/{template}", uptodate


# Jinja's words for the commonest template mistakes, as messages; others are shown as Jinja wrote them.
_JINJA_PROBLEMS = (
    (re.compile(r"Unexpected end of template\. Jinja was looking for the following tags: (?P<tags>.*?)\. "
                r"The innermost block that needs to be closed is '(?P<block>[^']+)'\."),
     lambda m: _("the template ends before its {block} block is closed: add {tags}", block=m["block"],
                 tags=" / ".join(f"{{% {tag} %}}" for tag in re.findall(r"'([^']+)'", m["tags"])))),
    (re.compile(r"Encountered unknown tag '(?P<tag>[^']+)'\..*"),
     lambda m: _("unknown tag '{tag}' (or an end tag without its opening tag)", tag=m["tag"])),
    (re.compile(r"No filter named '(?P<name>[^']+)'\.?"), lambda m: _("there is no filter named '{name}'", name=m["name"])),
    (re.compile(r"unexpected char '(?P<char>.+)' at \d+"), lambda m: _("unexpected character '{char}'", char=m["char"])),
    (re.compile(r"unexpected '(?P<text>.+)'"), lambda m: _("unexpected '{text}'", text=m["text"])),
    (re.compile(r"expected token '(?P<wanted>[^']+)', got '(?P<got>[^']+)'"),
     lambda m: _("expected '{wanted}' but found '{got}'", wanted=m["wanted"], got=m["got"])),
)


def jinja_problem(exc: jinja2.TemplateSyntaxError) -> Message | str:
    """A template syntax error as a message for the site's editors (Jinja's own words where not known)."""
    problem = getattr(exc, "problem", None)
    if isinstance(problem, Message):
        return problem
    text = exc.message or ""
    for pattern, make in _JINJA_PROBLEMS:
        match = pattern.fullmatch(text)
        if match:
            return make(match)
    return text


@jinja2.pass_context
def wbr(context: jinja2.runtime.Context, text: str) -> Markup:
    """A heading's text with ``<wbr>`` between its phrases (the page's ``phrases``; see render/phrases.py)."""
    return context["phrases"](text)


@jinja2.pass_context
def headline(context: jinja2.runtime.Context, title: str) -> Markup:
    """A title broken between phrases, its subtitle ("——…") a line of its own."""
    return context["phrases"].headline(title)


def pub_date(day: dt.date) -> str:
    """<meta name="PubDate">, written as the page norms ask (YYYY-MM-DD HH:MM); a bulletin has no time: 00:00."""
    return f"{day.isoformat()} 00:00"


def percent_of(done: Decimal, whole: Decimal) -> str:
    """38, 50 -> "76%"; "—" when there is no whole."""
    share = percent(done, whole)
    return "—" if share is None else f"{format_number(share)}%"


def date_zh(day: dt.date) -> str:
    """2021-09-30 -> 2021年9月30日."""
    return f"{day.year}年{day.month}月{day.day}日"
