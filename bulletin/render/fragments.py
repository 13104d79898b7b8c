"""``{% shared key, ... %}…{% endshared %}``: a part of a page that many pages share, rendered once.

The header, the footer and the archive's index of years and months are the same on thousands of
pages, or the same for all pages with the same key (the section, the year and month shown). The
first page renders the block; later pages with the same key take its HTML. The cache lives in the
Jinja environment, which is made anew for every build, so a block depends only on its key and on
what every page shares (the settings, the navigation, ``url``): every other name the block uses,
in it or in a template it includes, must be named in its key, or the template does not compile.
"""

from __future__ import annotations

from typing import Callable, Iterable

from jinja2 import TemplateNotFound, TemplateSyntaxError, meta, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from ..messages import Message, _


class SharedNameError(TemplateSyntaxError):
    """A {% shared %} block uses a name its key does not give; ``problem`` says so for the site's editors."""

    def __init__(self, problem: Message, lineno: int, name: str | None, filename: str | None) -> None:
        super().__init__(str(problem), lineno, name, filename)
        self.problem = problem


class SharedFragments(Extension):
    """The ``shared`` tag."""

    tags = {"shared"}

    def __init__(self, environment):  # type: ignore[no-untyped-def]
        super().__init__(environment)
        environment.extend(shared_fragments={}, shared_names=frozenset())

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        self._check_names(key, body, lineno, parser)
        name = nodes.Const(parser.name or "")
        return nodes.CallBlock(self.call_method("_render_once", [name, nodes.Tuple(key, "load")]), [], [],
                               body).set_lineno(lineno)

    def _check_names(self, key: list[nodes.Expr], body: list[nodes.Node], lineno: int, parser: Parser) -> None:
        """Refuse a block that uses a name its key does not give (it would show the first page's value on all).

        The error is at the line that uses the name: in the block, or in a template the block includes.
        """
        allowed = {n.name for expression in key for n in (expression, *expression.find_all(nodes.Name))
                   if isinstance(n, nodes.Name)}
        allowed |= set(self.environment.shared_names) | set(self.environment.globals)  # type: ignore[attr-defined]
        template = nodes.Template(body)
        template.set_environment(self.environment)
        used = [(name, parser.name, _first_line(template, name)) for name in meta.find_undeclared_variables(template)]
        for included in _constant_names(meta.find_referenced_templates(template)):
            used += self._names_in_template(included, frozenset())
        for name, where, line in sorted(used, key=lambda use: (use[1] != parser.name, use[2], use[0])):
            if name not in allowed:
                block = _("the {{% shared %}} block") if where == parser.name else _(
                    "the {{% shared %}} block of {template} (line {line})", template=parser.name, line=lineno)
                raise SharedNameError(_('{block} uses "{name}", which its key does not name: add it to the key '
                                        "({{% shared {name}, … %}}), or every page would show the first page's {name}",
                                        block=block, name=name),
                                      line, where, parser.filename if where == parser.name else None)

    def _names_in_template(self, name: str, seen: frozenset[str]) -> list[tuple[str, str, int]]:
        """(name, template, line) of each name a template (and what it includes) reads from its context."""
        if name in seen or self.environment.loader is None:
            return []
        try:
            source = self.environment.loader.get_source(self.environment, name)[0]
        except TemplateNotFound:
            return []  # reported where it is included, when rendered
        ast = self.environment.parse(source, name)
        used = [(n, name, _first_line(ast, n)) for n in meta.find_undeclared_variables(ast)]
        for included in _constant_names(meta.find_referenced_templates(ast)):
            used += self._names_in_template(included, seen | {name})
        return used

    def _render_once(self, template: str, key: tuple[object, ...], caller: Callable[[], str]) -> Markup:
        cache: dict[object, Markup] = self.environment.shared_fragments  # type: ignore[attr-defined]
        entry: object = (template, *key)
        try:
            hash(entry)
        except TypeError:  # a dict or list in the key: known by its text (a dict keeps its order)
            entry = (template, repr(key))
        html = cache.get(entry)
        if html is None:
            html = cache[entry] = Markup(caller())
        return html


def _first_line(ast: nodes.Node, name: str) -> int:
    """The first line where ``ast`` reads ``name``."""
    return min((n.lineno for n in ast.find_all(nodes.Name) if n.name == name and n.ctx == "load"), default=1)


def _constant_names(names: Iterable[str | None]) -> list[str]:
    """The template names that are written as constants (a computed name cannot be followed)."""
    return sorted(name for name in names if name is not None)
