"""``{% shared key, ... %}…{% endshared %}``: a part of a page that many pages share, rendered once.

The header, the footer and the archive's index of years and months are the same on thousands of
pages, or the same for all pages with the same key (the section, the year and month shown). The
first page renders the block; later pages with the same key take its HTML. The cache lives in the
Jinja environment, which is made anew for every build, so a block depends only on its key and on
what every page shares (the settings, the base path): a template must name in the key everything
else the block uses.
"""

from __future__ import annotations

from typing import Callable

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


class SharedFragments(Extension):
    """The ``shared`` tag."""

    tags = {"shared"}

    def __init__(self, environment):  # type: ignore[no-untyped-def]
        super().__init__(environment)
        environment.extend(shared_fragments={})

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        name = nodes.Const(parser.name or "")
        return nodes.CallBlock(self.call_method("_render_once", [name, nodes.Tuple(key, "load")]), [], [],
                               body).set_lineno(lineno)

    def _render_once(self, template: str, key: tuple[object, ...], caller: Callable[[], str]) -> Markup:
        cache: dict[tuple[object, ...], Markup] = self.environment.shared_fragments  # type: ignore[attr-defined]
        entry = (template, *key)
        html = cache.get(entry)
        if html is None:
            html = cache[entry] = Markup(caller())
        return html
