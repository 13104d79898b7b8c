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
from decimal import Decimal
from typing import Mapping

import jinja2
from jinja2 import meta
from markupsafe import Markup

from ..digest import digest, generator_digest


class Fingerprinter:
    """Hashes (template, context) pairs; build one per build."""

    def __init__(self, env: jinja2.Environment, shared: str, templates: dict[str, str] | None = None) -> None:
        """``templates``: digests of ``env``'s templates known already (filled in as more are hashed)."""
        self.env = env
        self.shared = digest(generator_digest(), shared)  # the generator, and what every page may use
        self._templates = {} if templates is None else templates
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
        parts = [name, source]
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
        """Stable bytes for a context value; a value that many pages share is hashed once per build."""
        kind = type(value)
        if kind is str or kind is Markup:  # Markup is written as is, str escaped: not the same page
            data = value.encode("utf-8", "surrogatepass")  # type: ignore[attr-defined]
            return b"%s%d:%s" % (kind.__name__.encode(), len(data), data)
        if kind in _SCALARS:
            return f"{kind.__name__}:{value!r}".encode()
        source = getattr(value, "source_digest", None)  # a bulletin or page: what its source file says
        if source:
            return f"{kind.__name__}@{source}".encode()
        key = id(value)
        memo = self._memo.get(key)
        if memo is not None and memo[0] is value:
            return memo[1]
        data = self._hash(value, kind)
        self._memo[key] = (value, data)  # keeps ``value`` alive, so that its id is not reused this build
        return data

    def _hash(self, value: object, kind: type) -> bytes:
        fields = _field_names(kind)
        if fields is not None:
            items = [name.encode() + b"=" + self.value(getattr(value, name)) for name in fields]
            return hashlib.blake2b(kind.__name__.encode() + b"(" + b",".join(items) + b")", digest_size=16).digest()
        if kind is dict or (kind not in (list, tuple) and isinstance(value, Mapping)):
            items = [self.value(k) + b"=" + self.value(v) for k, v in value.items()]  # type: ignore[attr-defined]
            return hashlib.blake2b(b"{" + b",".join(items) + b"}", digest_size=16).digest()
        if kind is list or kind is tuple or isinstance(value, (list, tuple)):
            return hashlib.blake2b(b"[" + b",".join(self.value(v) for v in value) + b"]",  # type: ignore[attr-defined]
                                   digest_size=16).digest()
        return repr(value).encode("utf-8", "surrogatepass")


_SCALARS = frozenset({int, float, bool, type(None), Decimal})


@functools.lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type; None for any other type."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
