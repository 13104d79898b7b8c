"""Fingerprints of the inputs of each page: equal fingerprints, equal bytes.

A page is made of its template (with every template it extends, includes or imports), the
context it is rendered with and, for a page with a Markdown body, that body's source and where
its links point. All are hashed; values that many pages share (a unit, the statistics) are hashed
once per build, and a bulletin or page is known by the digest of its source file.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from typing import Mapping

import jinja2
from jinja2 import meta
from markupsafe import Markup

from . import __version__
from .cache import digest


class Fingerprinter:
    """Hashes (template, context) pairs; build one per build."""

    def __init__(self, env: jinja2.Environment, shared: str) -> None:
        self.env = env
        self.shared = shared  # digest of what every page may use: settings, navigation, version
        self._templates: dict[str, str] = {}
        self._memo: dict[int, tuple[object, bytes]] = {}  # by id: a page's own dicts and lists are not kept

    def page(self, template: str, context: Mapping[str, object], body: tuple[str | None, ...] | None = None) -> str:
        """The fingerprint of one page; ``body`` what its Markdown body's HTML is made of, if it has one."""
        h = hashlib.blake2b(digest_size=16)
        h.update(self.template(template).encode())
        h.update(self.shared.encode())
        for name in sorted(context):
            h.update(name.encode())
            h.update(self.value(context[name]))
        if body is not None:
            h.update(b"body")
            h.update(self.value(body))
        return h.hexdigest()

    def template(self, name: str, seen: frozenset[str] = frozenset()) -> str:
        """Digest of a template and, transitively, every template it names."""
        if name in self._templates:
            return self._templates[name]
        source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        parts = [__version__, name, source]
        referenced = meta.find_referenced_templates(self.env.parse(source))
        for other in sorted(referenced, key=str):
            if other is None:  # a name computed at render time: any template may be used
                parts += [self.template(t, seen | {name}) for t in sorted(self.env.list_templates())
                          if t not in seen and t != name]
            elif other not in seen and other != name:
                parts.append(self.template(other, seen | {name}))
        self._templates[name] = digest(*parts)
        return self._templates[name]

    def value(self, value: object) -> bytes:
        """Stable bytes for a context value; large immutable values are hashed once."""
        kind = type(value)
        if kind is str or kind is Markup:  # Markup is written as is, str escaped: not the same page
            data = value.encode("utf-8", "surrogatepass")  # type: ignore[attr-defined]
            return b"%s%d:%s" % (kind.__name__.encode(), len(data), data)
        if kind in (int, float, bool) or value is None:
            return f"{kind.__name__}:{value!r}".encode()
        source = getattr(value, "source_digest", None)  # a bulletin or page: what its source file says
        if source:
            return f"{kind.__name__}@{source}".encode()
        key = id(value)
        memo = self._memo.get(key)
        if memo is not None and memo[0] is value:
            return memo[1]
        data = self._hash(value)
        if dataclasses.is_dataclass(value):  # model objects, shared by many pages and alive all build long
            self._memo[key] = (value, data)  # keeps ``value`` alive, so its id is not reused
        return data

    def _hash(self, value: object) -> bytes:
        if isinstance(value, Mapping):
            items = [self.value(k) + b"=" + self.value(v) for k, v in value.items()]
            return hashlib.blake2b(b"{" + b",".join(items) + b"}", digest_size=16).digest()
        if isinstance(value, (list, tuple)):
            return hashlib.blake2b(b"[" + b",".join(self.value(v) for v in value) + b"]", digest_size=16).digest()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = [name.encode() + b"=" + self.value(getattr(value, name)) for name in _field_names(type(value))]
            name = type(value).__name__.encode()
            return hashlib.blake2b(name + b"(" + b",".join(fields) + b")", digest_size=16).digest()
        return repr(value).encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))
